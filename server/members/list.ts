import type { ListOutput, listInput } from '../../contracts/members'
import type { z } from '../../contracts/zod'
import { db } from '../core/db'
import type { Caller } from '../core/identity'
import { REGISTRATIONS, toViews, type RegistrationRecord } from './model'
import { resolveScope, stripMobile, whereOf } from './scope'

type ListData = z.output<typeof listInput>

/**
 * The community's registrations, filtered and paged. The review queue (status 'pending') is oldest
 * first, so nobody waits behind newer submissions; every other view is newest first.
 */
export async function list(input: ListData, caller: Caller): Promise<ListOutput> {
  const communities = await resolveScope(caller, input)
  const where = whereOf(communities, input)
  const order = input.status === 'pending' ? 'asc' : 'desc'
  const [countRes, res] = await Promise.all([
    db().collection(REGISTRATIONS).where(where).count(),
    db()
      .collection(REGISTRATIONS)
      .where(where)
      .orderBy('submittedAt', order)
      .orderBy('_id', order)
      .skip((input.page - 1) * input.pageSize)
      .limit(input.pageSize)
      .get()
  ])
  const views = await toViews(res.data as RegistrationRecord[])
  return { items: views.map(stripMobile), total: countRes.total, page: input.page, pageSize: input.pageSize }
}
