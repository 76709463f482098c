import { fullMobileOf, type ListOutput, type listInput } from '../../contracts/members'
import type { z } from '../../contracts/zod'
import { audit } from '../core/audit'
import { db } from '../core/db'
import type { Caller } from '../core/identity'
import { maskMobile } from '../core/mask'
import { REGISTRATIONS, toViews, type RegistrationRecord } from './model'
import { resolveScope, stripMobile, whereOf } from './scope'

type ListData = z.output<typeof listInput>

/**
 * The community's registrations, filtered and paged. The review queue (status 'pending') is oldest
 * first, so nobody waits behind newer submissions; every other view is newest first.
 * A search by a whole mobile number (the only phone search there is) is audited, found or not.
 */
export async function list(input: ListData, caller: Caller): Promise<ListOutput> {
  const communities = await resolveScope(caller, input)
  const where = whereOf(communities, input)
  const order = input.status === 'pending' ? 'asc' : 'desc'
  const skip = (input.page - 1) * input.pageSize
  const res = await db().collection(REGISTRATIONS).where(where).orderBy('submittedAt', order).orderBy('_id', order).skip(skip).limit(input.pageSize).get()
  const found = res.data as RegistrationRecord[]
  // A page that is not full, and not past the end, tells the total itself; otherwise one count.
  const total = found.length > 0 && found.length < input.pageSize ? skip + found.length : skip === 0 && found.length === 0 ? 0 : null
  const mobile = input.q ? fullMobileOf(input.q) : null
  if (mobile)
    await audit(caller, {
      action: 'members.searchMobile',
      target: { collection: REGISTRATIONS, id: found[0]?._id ?? '(none)', label: found[0]?.name },
      ...(communities?.length === 1 ? { communityId: communities[0] } : {}),
      detail: { mobile: maskMobile(mobile), matched: found.map((r) => r._id), reason: '按手机号查找报到记录' }
    })
  const [views, counted] = await Promise.all([toViews(found), total ?? db().collection(REGISTRATIONS).where(where).count().then((r) => r.total)])
  return { items: views.map(stripMobile), total: counted, page: input.page, pageSize: input.pageSize }
}
