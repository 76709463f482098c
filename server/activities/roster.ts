/**
 * The organiser's roster and the audited full number of one person on it (moved from queries.ts
 * for issue #15: each is one read with the caller, `identity: 'withFirstRead'`).
 */
import type { RosterEntry } from '../../contracts/activities'
import type { Page } from '../../contracts/common'
import { notFound } from '../core/errors'
import type { FirstReadContext } from '../core/function'
import { maskMobile } from '../core/mask'
import { revealMobile } from '../core/reveal'
import { byIdPart, requireOrganiser } from './access'
import { ACTIVITIES, iso, isoOf, RECORDS, SIGNUPS, signUpId, type ActivityDoc, type RecordDoc, type SignUpDoc } from './model'

type RosterRow = SignUpDoc & { joinedRecord?: Pick<RecordDoc, 'checkInAt' | 'checkOutAt'>[] }

/**
 * Who signed up, with masked mobile numbers: the organiser only (a full number: `revealRosterMobile`).
 * One read: the caller, the activity, the page of sign-ups each with its service record (a volunteer
 * activity keeps attendance there, under the sign-up's `_id`) and the count. Nothing read leaves the
 * function before the organiser check.
 */
export async function roster(
  ctx: FirstReadContext,
  input: { activityId: string; status?: SignUpDoc['status']; page: number; pageSize: number; sort?: { field: 'signedUpAt'; order: 'asc' | 'desc' } }
): Promise<Page<RosterEntry>> {
  // The back office's `sort` may turn the order (indexes activityId+signedUpAt, activityId+status+signedUpAt).
  const dir = input.sort?.order === 'desc' ? -1 : 1
  const where: Record<string, unknown> = { activityId: input.activityId }
  if (input.status) where.status = input.status
  const { caller, docs } = await ctx.readWithCaller({
    activity: byIdPart(ACTIVITIES, input.activityId),
    // By the time they signed up (for the waiting: the waiting list's own order, see present.ts).
    page: {
      collection: SIGNUPS,
      build: (p) =>
        p
          .match(where)
          .sort({ signedUpAt: dir, _id: dir })
          .skip((input.page - 1) * input.pageSize)
          .limit(input.pageSize)
          .lookup({ from: RECORDS, localField: '_id', foreignField: '_id', as: 'joinedRecord' })
    },
    count: { collection: SIGNUPS, build: (p) => p.match(where).count('n') }
  })
  const activity = docs.activity[0] as ActivityDoc | undefined
  if (!activity) throw notFound('活动')
  requireOrganiser(caller, activity.communityId)
  const volunteer = activity.kind === 'volunteer'
  const total = (docs.count[0]?.n as number | undefined) ?? 0
  // The waiting list's place of each row (the waiting filter only: every row is then waiting), either way round.
  const skipped = (input.page - 1) * input.pageSize
  const placeOf = (i: number) => (dir === 1 ? skipped + i + 1 : total - skipped - i)
  const items = (docs.page as RosterRow[]).map((s, i) => {
    const r = volunteer ? s.joinedRecord?.[0] : undefined
    return {
      openid: s.openid,
      name: s.name,
      mobile: maskMobile(s.mobile),
      status: s.status,
      position: s.status === 'waiting' && input.status === 'waiting' ? placeOf(i) : undefined,
      signedUpAt: isoOf(s.signedUpAt),
      walkIn: s.walkIn === true,
      checkedInAt: iso(r?.checkInAt ?? s.checkedInAt),
      checkedOutAt: iso(r?.checkOutAt ?? s.checkedOutAt)
    }
  })
  return { items, total, page: input.page, pageSize: input.pageSize }
}

/** The full number of one person on the roster, for the organiser to call them; audited. One read, then the audit entry. */
export async function revealRosterMobile(ctx: FirstReadContext, input: { activityId: string; openid: string }): Promise<{ mobile: string }> {
  const { caller, docs } = await ctx.readWithCaller({
    activity: byIdPart(ACTIVITIES, input.activityId),
    signUp: byIdPart(SIGNUPS, signUpId(input.activityId, input.openid))
  })
  const activity = docs.activity[0] as ActivityDoc | undefined
  if (!activity) throw notFound('活动')
  requireOrganiser(caller, activity.communityId)
  const signUp = docs.signUp[0] as SignUpDoc | undefined
  if (!signUp) throw notFound('报名记录')
  return revealMobile(caller, {
    action: 'activities.viewMobile',
    target: { collection: SIGNUPS, id: signUp._id, label: signUp.name },
    ...(activity.communityId ? { communityId: activity.communityId } : {}),
    whose: signUp.openid,
    reason: '活动组织方联系报名者',
    mobile: signUp.mobile
  })
}
