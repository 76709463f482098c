/**
 * `activities.pendingMakeUps`: make-up hours waiting for their second person (four eyes, see
 * records.ts), across activities — so that in a community with one staff member the district
 * admin finds what only they may approve, and staff find what a colleague entered.
 *
 * Staff see the records of their communities' activities; the district admin sees all of them
 * (district-wide activities included), optionally one community. Never the caller's own entries
 * nor the caller's own hours (they may decide neither). Decisions go through `verify`.
 * Round trips: the caller, then one read (the count, and the page with its communities' names).
 */
import type { z } from '../../contracts/zod'
import type { activitiesContract } from '../../contracts/activities'
import { db } from '../core/db'
import { forbidden } from '../core/errors'
import { hasRole, inCommunities, managedCommunities } from '../core/guard'
import type { Caller } from '../core/identity'
import { namesById } from '../core/records'
import { readTogether } from '../core/together'
import { isoOf, RECORDS, type RecordDoc } from './model'
import { DISTRICT_LABEL } from './present'
import { enteredByOf } from './records'

type Contract = (typeof activitiesContract)['pendingMakeUps']
type PendingMakeUpsInput = z.output<Contract['input']>
type PendingMakeUps = z.output<Contract['output']>

type MakeUpDoc = RecordDoc & { enteredBy?: string; enteredByName?: string; joinedCommunity?: { _id: string; name: string }[] }

/**
 * Make-ups waiting for a second person that this person may decide, in these communities (null:
 * every one and the district's own activities). users.overview counts the queue with it.
 */
export function pendingMakeUpsWhere(openid: string, communities: string[] | null): Record<string, unknown> {
  const _ = db().command
  return {
    makeUp: true,
    status: 'pending',
    // four eyes: not what the caller entered, not the caller's own hours. A legacy record has no
    // `enteredBy`: its enterer is the first history entry's (records.ts enteredByOf; for a newer
    // record the two are the same person).
    enteredBy: _.neq(openid),
    'history.0.by': _.neq(openid),
    openid: _.neq(openid),
    ...inCommunities(communities)
  }
}

export async function pendingMakeUps(caller: Caller, input: PendingMakeUpsInput): Promise<PendingMakeUps> {
  // null: every community and the district's own activities (district admin).
  const scope = managedCommunities(caller)
  if (scope !== null) {
    if (!hasRole(caller, 'staff') || scope.length === 0) throw forbidden('仅社区工作人员和区级管理员可复核补录时长')
    if (input.communityId && !scope.includes(input.communityId)) throw forbidden('只能查看本社区的补录时长')
  }
  const where = pendingMakeUpsWhere(caller.openid, input.communityId ? [input.communityId] : scope)

  const found = await readTogether({
    count: { collection: RECORDS, build: (p) => p.match(where).count('n') },
    page: {
      collection: RECORDS,
      build: (p) =>
        p
          .match(where)
          .sort({ createdAt: -1, _id: -1 })
          .skip((input.page - 1) * input.pageSize)
          .limit(input.pageSize)
          .lookup({ from: 'communities', localField: 'communityId', foreignField: '_id', as: 'joinedCommunity' })
    }
  })
  const rows = found.page as MakeUpDoc[]
  const names = new Map<string, string>()
  for (const r of rows) if (r.communityId && r.joinedCommunity?.[0]) names.set(r.communityId, r.joinedCommunity[0].name)
  const missing = rows.map((r) => r.communityId ?? '').filter((id) => id && !names.has(id))
  if (missing.length) for (const [id, name] of await namesById('communities', missing)) names.set(id, name)
  const items = rows.map((r) => {
    const entry = r.history?.find((h) => h.action === '补录时长') ?? r.history?.[0]
    return {
      recordId: r._id,
      activityId: r.activityId ?? '',
      activityTitle: r.title,
      category: r.category,
      communityId: r.communityId ?? null,
      issuerName: r.communityId ? (names.get(r.communityId) ?? r.communityId) : DISTRICT_LABEL,
      serviceDate: isoOf(r.serviceDate),
      volunteerName: r.name,
      minutes: r.minutes ?? 0,
      ...(entry?.note ? { reason: entry.note } : {}),
      enteredByName: r.enteredByName || entry?.byName || (enteredByOf(r) ? '工作人员' : '未知'),
      enteredAt: isoOf(r.createdAt)
    }
  })
  return { items, total: (found.count[0]?.n as number | undefined) ?? 0, page: input.page, pageSize: input.pageSize }
}
