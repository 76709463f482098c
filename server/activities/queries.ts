/** Reading activities: the list (filters, paging), one activity, and the organiser's roster. */
import { z } from '../../contracts/zod'
import type { ActivityDetail, ActivitySummary, listInput, RosterEntry } from '../../contracts/activities'
import type { Page } from '../../contracts/common'
import { clock } from '../core/clock'
import { db } from '../core/db'
import type { Caller } from '../core/identity'
import { maskMobile } from '../core/mask'
import { revealMobile } from '../core/reveal'
import { findById, getById } from '../core/records'
import { dayjs, ZONE } from '../core/time'
import { isOrganiser, requireOrganiser } from './access'
import { ACTIVITIES, iso, isoOf, RECORDS, recordId, SIGNUPS, signUpId, type ActivityDoc, type RecordDoc, type SignUpDoc } from './model'
import { activityNames, detailOf, mySignUpOf, signUpsOf, summaryOf } from './present'
import { promoteWaiting, repairStaleClaims } from './signups'
import { closeOpenRecordsOfActivity } from './records'

type ListInput = z.output<typeof listInput>

/** Sign-ups that hold a place or a waiting-list entry: `list` with `mine` (我报名的), users.overview. */
export const HELD_SIGNUP_STATUSES = ['confirmed', 'waiting'] as const

export async function listActivities(caller: Caller, input: ListInput): Promise<Page<ActivitySummary>> {
  const _ = db().command
  const now = clock.date()
  const where: Record<string, unknown> = {}
  const and: Record<string, unknown>[] = []
  if (input.kind) where.kind = input.kind
  if (input.centerId) where.centerId = input.centerId
  if (input.teamId) where.teamId = input.teamId
  if (input.category) where.category = input.category
  if (input.communityId) where.communityId = input.includeDistrict ? _.in([input.communityId, null]) : input.communityId
  if (!input.includeCancelled) where.status = 'published'
  if (input.date) {
    const dayStart = dayjs.tz(input.date, 'YYYY-MM-DD', ZONE)
    and.push({ start: _.lt(dayStart.add(1, 'day').toDate()) }, { end: _.gt(dayStart.toDate()) })
  }
  if (input.when === 'upcoming') and.push({ end: _.gt(now) })
  if (input.when === 'past') and.push({ end: _.lte(now) })

  if (input.mine) {
    // The caller's sign-ups first (confirmed or waiting), then the activities among them.
    const mine = await db()
      .collection(SIGNUPS)
      .where({ openid: caller.openid, status: _.in([...HELD_SIGNUP_STATUSES]) })
      .field({ activityId: true })
      .limit(1000)
      .get()
    where._id = _.in((mine.data as SignUpDoc[]).map((s) => s.activityId))
  }
  const condition = and.length ? _.and([where, ...and]) : where
  const order: 'asc' | 'desc' = input.when === 'upcoming' ? 'asc' : 'desc'
  const [res, count] = await Promise.all([
    db()
      .collection(ACTIVITIES)
      .where(condition)
      .orderBy('start', order)
      .orderBy('_id', 'asc')
      .skip((input.page - 1) * input.pageSize)
      .limit(input.pageSize)
      .get(),
    db().collection(ACTIVITIES).where(condition).count()
  ])
  const activities = res.data as ActivityDoc[]
  const [names, signUps] = await Promise.all([activityNames(activities), signUpsOf(caller.openid, activities.map((a) => a._id))])
  const items: ActivitySummary[] = []
  for (const a of activities) {
    const signUp = signUps.get(a._id)
    items.push(summaryOf(a, names, await mySignUpOf(signUp)))
  }
  return { items, total: count.total, page: input.page, pageSize: input.pageSize }
}

export async function getActivity(caller: Caller | null, activityId: string): Promise<ActivityDetail> {
  let activity = await getById<ActivityDoc>(ACTIVITIES, activityId, '活动')
  // Everyone opens the activity before signing up: claims of interrupted sign-ups are repaired here.
  if (await repairStaleClaims(activity)) {
    await promoteWaiting(activityId)
    activity = await getById<ActivityDoc>(ACTIVITIES, activityId, '活动')
  }
  const canManage = isOrganiser(caller, activity.communityId)
  const _ = db().command
  let stats: ActivityDetail['stats']
  if (canManage && activity.kind === 'volunteer') {
    await closeOpenRecordsOfActivity(activity)
    const [checkedIn, open, pending] = await Promise.all([
      db().collection(RECORDS).where({ activityId, source: 'checkin' }).count(),
      db().collection(RECORDS).where({ activityId, status: 'open' }).count(),
      db().collection(RECORDS).where({ activityId, status: 'pending' }).count()
    ])
    stats = { checkedIn: checkedIn.total, checkedOut: checkedIn.total - open.total, pendingRecords: pending.total, openRecords: open.total }
  } else if (canManage) {
    const [checkedIn, checkedOut] = await Promise.all([
      db().collection(SIGNUPS).where({ activityId, checkedInAt: _.exists(true) }).count(),
      db().collection(SIGNUPS).where({ activityId, checkedOutAt: _.exists(true) }).count()
    ])
    stats = { checkedIn: checkedIn.total, checkedOut: checkedOut.total, pendingRecords: 0, openRecords: checkedIn.total - checkedOut.total }
  }
  activity = (await findById<ActivityDoc>(ACTIVITIES, activityId)) ?? activity
  const [names, signUp, record] = await Promise.all([
    activityNames([activity]),
    caller ? findById<SignUpDoc>(SIGNUPS, signUpId(activityId, caller.openid)) : null,
    caller && activity.kind === 'volunteer' ? findById<RecordDoc>(RECORDS, recordId(activityId, caller.openid)) : null
  ])
  return detailOf(activity, names, {
    canManage,
    stats,
    mySignUp: await mySignUpOf(signUp ?? undefined),
    myRecord: record
      ? {
          _id: record._id,
          status: record.status,
          checkInAt: iso(record.checkInAt),
          checkOutAt: iso(record.checkOutAt),
          minutes: record.minutes ?? 0,
          verifiedMinutes: record.verifiedMinutes ?? 0,
          autoClosed: record.autoClosed === true
        }
      : undefined
  })
}

/** Who signed up, with masked mobile numbers: the organiser only (a full number: `revealRosterMobile`). */
export async function roster(
  caller: Caller,
  input: { activityId: string; status?: SignUpDoc['status']; page: number; pageSize: number }
): Promise<Page<RosterEntry>> {
  const activity = await getById<ActivityDoc>(ACTIVITIES, input.activityId, '活动')
  requireOrganiser(caller, activity.communityId)
  const where: Record<string, unknown> = { activityId: activity._id }
  if (input.status) where.status = input.status
  // By the time they signed up (for the waiting: the waiting list's own order, see present.ts).
  const ordered = db().collection(SIGNUPS).where(where).orderBy('signedUpAt', 'asc').orderBy('_id', 'asc')
  const [res, count] = await Promise.all([
    ordered.skip((input.page - 1) * input.pageSize).limit(input.pageSize).get(),
    db().collection(SIGNUPS).where(where).count()
  ])
  const signUps = res.data as SignUpDoc[]
  const records = new Map<string, RecordDoc>()
  if (activity.kind === 'volunteer' && signUps.length) {
    const _ = db().command
    const found = await db()
      .collection(RECORDS)
      .where({ _id: _.in(signUps.map((s) => recordId(activity._id, s.openid))) })
      .field({ checkInAt: true, checkOutAt: true, openid: true })
      .limit(100)
      .get()
    for (const r of found.data as RecordDoc[]) records.set(r.openid, r)
  }
  let position = 0
  const waitingBefore =
    input.status === 'waiting' ? (input.page - 1) * input.pageSize : 0
  const items = signUps.map((s) => {
    const r = records.get(s.openid)
    if (s.status === 'waiting') position++
    return {
      openid: s.openid,
      name: s.name,
      mobile: maskMobile(s.mobile),
      status: s.status,
      position: s.status === 'waiting' && input.status === 'waiting' ? waitingBefore + position : undefined,
      signedUpAt: isoOf(s.signedUpAt),
      walkIn: s.walkIn === true,
      checkedInAt: iso(r?.checkInAt ?? s.checkedInAt),
      checkedOutAt: iso(r?.checkOutAt ?? s.checkedOutAt)
    }
  })
  return { items, total: count.total, page: input.page, pageSize: input.pageSize }
}

/** The full number of one person on the roster, for the organiser to call them; audited. */
export async function revealRosterMobile(caller: Caller, input: { activityId: string; openid: string }): Promise<{ mobile: string }> {
  const activity = await getById<ActivityDoc>(ACTIVITIES, input.activityId, '活动')
  requireOrganiser(caller, activity.communityId)
  const signUp = await getById<SignUpDoc>(SIGNUPS, signUpId(activity._id, input.openid), '报名记录')
  return revealMobile(caller, {
    action: 'activities.viewMobile',
    target: { collection: SIGNUPS, id: signUp._id, label: signUp.name },
    ...(activity.communityId ? { communityId: activity.communityId } : {}),
    whose: signUp.openid,
    reason: '活动组织方联系报名者',
    mobile: signUp.mobile
  })
}
