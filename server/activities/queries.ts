/** Reading activities: the list (filters, paging), one activity, and the organiser's roster. */
import { z } from '../../contracts/zod'
import type { ActivityDetail, ActivitySummary, listInput, RosterEntry } from '../../contracts/activities'
import type { Page } from '../../contracts/common'
import { clock } from '../core/clock'
import { db, type Collection } from '../core/db'
import { notFound } from '../core/errors'
import type { Caller } from '../core/identity'
import { maskMobile } from '../core/mask'
import { revealMobile } from '../core/reveal'
import { getById } from '../core/records'
import { dayjs, ZONE } from '../core/time'
import { isOrganiser, requireOrganiser } from './access'
import { ACTIVITIES, iso, isoOf, RECORDS, recordId, SIGNUPS, signUpId, type ActivityDoc, type RecordDoc, type SignUpDoc } from './model'
import { detailOf, mySignUpOf, summaryOf, type Names } from './present'
import { promoteWaiting, repairStaleClaims } from './signups'
import { closeOpenRecordsOfActivity } from './records'

type ListInput = z.output<typeof listInput>
type Aggregate = ReturnType<Collection['aggregate']>

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
  // The page with its names and the caller's sign-ups joined (one aggregate), and the total.
  const [res, count] = await Promise.all([
    withJoins(
      db()
        .collection(ACTIVITIES)
        .aggregate()
        .match(condition)
        .sort({ start: order === 'asc' ? 1 : -1, _id: 1 })
        .skip((input.page - 1) * input.pageSize)
        .limit(input.pageSize),
      caller.openid
    ).end(),
    db().collection(ACTIVITIES).where(condition).count()
  ])
  const items: ActivitySummary[] = []
  for (const row of res.list as Joined[]) {
    const view = viewOf(row)
    items.push(summaryOf(view.activity, view.names, await mySignUpOf(view.signUp ?? undefined)))
  }
  return { items, total: count.total, page: input.page, pageSize: input.pageSize }
}

type Joined = ActivityDoc & {
  joinedCommunity?: { _id: string; name: string }[]
  joinedCenter?: { _id: string; name: string }[]
  joinedTeam?: { _id: string; name: string }[]
  joinedSignUp?: SignUpDoc[]
  joinedRecord?: RecordDoc[]
  joinedKey?: string
}

interface ActivityView {
  activity: ActivityDoc
  names: Names
  signUp: SignUpDoc | null
  record: RecordDoc | null
}

/**
 * One activity with everything its page shows, in one aggregate: the names of its community,
 * centre and team, and the reader's own sign-up and service record (`_id` = `${activityId}:${openid}`).
 */
export async function readActivity(activityId: string, openid?: string): Promise<ActivityView | null> {
  const query = db().collection(ACTIVITIES).aggregate().match({ _id: activityId }).limit(1)
  const row = (await withJoins(query, openid).end()).list[0] as Joined | undefined
  return row ? viewOf(row) : null
}

/** Adds the lookups of `readActivity` to an aggregate over activities. */
function withJoins(query: Aggregate, openid: string | undefined): Aggregate {
  const $ = db().command.aggregate
  let q = query
    .lookup({ from: 'communities', localField: 'communityId', foreignField: '_id', as: 'joinedCommunity' })
    .lookup({ from: 'centers', localField: 'centerId', foreignField: '_id', as: 'joinedCenter' })
    .lookup({ from: 'teams', localField: 'teamId', foreignField: '_id', as: 'joinedTeam' })
  if (openid)
    q = q
      .addFields({ joinedKey: $.concat(['$_id', `:${openid}`]) })
      .lookup({ from: SIGNUPS, localField: 'joinedKey', foreignField: '_id', as: 'joinedSignUp' })
      .lookup({ from: RECORDS, localField: 'joinedKey', foreignField: '_id', as: 'joinedRecord' })
  return q
}

function viewOf(row: Joined): ActivityView {
  const { joinedCommunity, joinedCenter, joinedTeam, joinedSignUp, joinedRecord, joinedKey, ...activity } = row
  void joinedKey
  const named = (docs: { _id: string; name: string }[] | undefined) => new Map((docs ?? []).map((d) => [d._id, d.name]))
  return {
    activity,
    names: { communities: named(joinedCommunity), centers: named(joinedCenter), teams: named(joinedTeam) },
    signUp: joinedSignUp?.[0] ?? null,
    record: activity.kind === 'volunteer' ? (joinedRecord?.[0] ?? null) : null
  }
}

/**
 * The organiser's figures of one activity. Volunteer activities: one aggregate of its records by
 * (source, status) — each figure equals its direct count (tests/functions/activities-checkin.test.ts).
 */
async function activityStats(activity: ActivityDoc): Promise<ActivityDetail['stats']> {
  const activityId = activity._id
  if (activity.kind === 'volunteer') {
    await closeOpenRecordsOfActivity(activity)
    const $ = db().command.aggregate
    const rows = (
      await db()
        .collection(RECORDS)
        .aggregate()
        .match({ activityId })
        .group({ _id: { source: '$source', status: '$status' }, n: $.sum(1) })
        .limit(100)
        .end()
    ).list as { _id: { source: string; status: string }; n: number }[]
    const sum = (keep: (k: { source: string; status: string }) => boolean) => rows.filter((r) => keep(r._id)).reduce((t, r) => t + r.n, 0)
    const checkedIn = sum((k) => k.source === 'checkin')
    const open = sum((k) => k.status === 'open')
    return { checkedIn, checkedOut: checkedIn - open, pendingRecords: sum((k) => k.status === 'pending'), openRecords: open }
  }
  const _ = db().command
  const [checkedIn, checkedOut] = await Promise.all([
    db().collection(SIGNUPS).where({ activityId, checkedInAt: _.exists(true) }).count(),
    db().collection(SIGNUPS).where({ activityId, checkedOutAt: _.exists(true) }).count()
  ])
  return { checkedIn: checkedIn.total, checkedOut: checkedOut.total, pendingRecords: 0, openRecords: checkedIn.total - checkedOut.total }
}

/** The stats a just-created activity has (nothing read). */
export const NO_STATS: ActivityDetail['stats'] = { checkedIn: 0, checkedOut: 0, pendingRecords: 0, openRecords: 0 }

export async function getActivity(caller: Caller | null, activityId: string): Promise<ActivityDetail> {
  let view = await readActivity(activityId, caller?.openid)
  if (!view) throw notFound('活动')
  // Everyone opens the activity before signing up: claims of interrupted sign-ups are repaired here.
  if (await repairStaleClaims(view.activity)) {
    await promoteWaiting(activityId)
    view = await readActivity(activityId, caller?.openid)
    if (!view) throw notFound('活动')
  }
  return activityDetailOf(caller, view)
}

/** The detail of an activity already read (`readActivity`): the organiser's stats and the reader's waiting position added. */
export async function activityDetailOf(caller: Caller | null, view: ActivityView, stats?: ActivityDetail['stats']): Promise<ActivityDetail> {
  const { activity, names, signUp, record } = view
  const canManage = isOrganiser(caller, activity.communityId)
  return detailOf(activity, names, {
    canManage,
    stats: canManage ? (stats ?? (await activityStats(activity))) : undefined,
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
