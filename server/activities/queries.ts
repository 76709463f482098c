/** Reading activities: the list (filters, paging) and one activity (the roster: roster.ts). */
import { z } from '../../contracts/zod'
import type { ActivityDetail, ActivitySummary, listInput } from '../../contracts/activities'
import type { Page } from '../../contracts/common'
import { clock } from '../core/clock'
import { db } from '../core/db'
import { notFound } from '../core/errors'
import type { FirstReadContext } from '../core/function'
import type { Caller } from '../core/identity'
import { dayjs, ZONE } from '../core/time'
import { readTogether, type Part, type Pipeline } from '../core/together'
import { isOrganiser } from './access'
import { ACTIVITIES, iso, RECORDS, SIGNUPS, type ActivityDoc, type RecordDoc, type SignUpDoc } from './model'
import { detailOf, mySignUpOf, summaryOf, type Names } from './present'
import { closeOpenRecordsOfActivity } from './records'
import { promoteWaiting, repairStaleClaims, STALE_CLAIM_MS } from './signups'

type ListInput = z.output<typeof listInput>
/** An aggregate builder ended by `end()` (a collection's own, not a sub-pipeline). */
const ended = (q: Pipeline) => (q as unknown as { end(): Promise<{ list: unknown[] }> }).end()

/** Sign-ups that hold a place or a waiting-list entry: `list` with `mine` (我报名的), users.overview. */
export const HELD_SIGNUP_STATUSES = ['confirmed', 'waiting'] as const

/**
 * The list, with the caller (`withFirstRead`): the page (names and the caller's sign-ups joined)
 * and the total are one read with the caller; 我报名的 (`mine`) reads the caller's sign-ups with
 * the caller first, then the page and the total together (2).
 */
export async function listActivities(ctx: FirstReadContext, input: ListInput): Promise<Page<ActivitySummary>> {
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
  // The back office's sort by start (index `start`), else as `when` says.
  const order: 'asc' | 'desc' = input.sort?.order ?? (input.when === 'upcoming' ? 'asc' : 'desc')
  // The page with its names and the caller's sign-ups joined, and the total.
  const pageParts = (openid: string): Record<'page' | 'total', Part> => {
    const condition = and.length ? _.and([where, ...and]) : where
    return {
      page: {
        collection: ACTIVITIES,
        build: (p) =>
          withJoins(
            p
              .match(condition)
              .sort({ start: order === 'asc' ? 1 : -1, _id: 1 })
              .skip((input.page - 1) * input.pageSize)
              .limit(input.pageSize),
            openid
          )
      },
      total: { collection: ACTIVITIES, build: (p) => p.match(condition).count('n') }
    }
  }
  let docs: Record<'page' | 'total', Record<string, any>[]>
  if (input.mine) {
    // The caller's sign-ups first (confirmed or waiting), then the activities among them.
    const first = await ctx.readWithCaller({
      mine: { collection: SIGNUPS, build: (p) => p.match({ openid: ctx.openid, status: _.in([...HELD_SIGNUP_STATUSES]) }).project({ activityId: true }).limit(1000) }
    })
    where._id = _.in((first.docs.mine as SignUpDoc[]).map((s) => s.activityId))
    docs = await readTogether(pageParts(first.caller.openid))
  } else docs = (await ctx.readWithCaller(pageParts(ctx.openid))).docs
  const items: ActivitySummary[] = []
  for (const row of docs.page as Joined[]) {
    const view = viewOf(row)
    items.push(summaryOf(view.activity, view.names, await mySignUpOf(view.signUp ?? undefined, view.activity)))
  }
  return { items, total: (docs.total[0]?.n as number | undefined) ?? 0, page: input.page, pageSize: input.pageSize }
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
  const query = db().collection(ACTIVITIES).aggregate().match({ _id: activityId }).limit(1) as unknown as Pipeline
  const row = (await ended(withJoins(query, openid))).list[0] as Joined | undefined
  return row ? viewOf(row) : null
}

/** Adds the lookups of `readActivity` to an aggregate over activities (or a sub-pipeline of one). */
function withJoins(query: Pipeline, openid: string | undefined): Pipeline {
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

type RecordGroup = { _id: { source: string; status: string }; n: number }

/**
 * What `get`'s first read brings besides the activity: the head of its waiting list (the reader's
 * position when they are in it) and the organiser's figures (read for every reader: one round
 * trip either way, and nobody waits for a second one).
 */
interface Prefetched {
  line: { _id: string; openid: string }[]
  records: RecordGroup[]
  checkedIn: number
  checkedOut: number
}

/** The head of the waiting list `get` reads: a reader further back is counted (present.ts). */
const LINE_READ = 100

/**
 * The organiser's figures of one activity. Volunteer activities: one aggregate of its records by
 * (source, status) — each figure equals its direct count (tests/functions/activities-checkin.test.ts).
 * `pre`: the same aggregates read with the activity (used unless the end-of-activity close changed records).
 */
async function activityStats(activity: ActivityDoc, pre?: Prefetched): Promise<ActivityDetail['stats']> {
  const activityId = activity._id
  if (activity.kind === 'volunteer') {
    const closed = await closeOpenRecordsOfActivity(activity)
    const $ = db().command.aggregate
    const rows: RecordGroup[] =
      pre && closed === 0
        ? pre.records
        : ((
            await db()
              .collection(RECORDS)
              .aggregate()
              .match({ activityId })
              .group({ _id: { source: '$source', status: '$status' }, n: $.sum(1) })
              .limit(100)
              .end()
          ).list as RecordGroup[])
    const sum = (keep: (k: { source: string; status: string }) => boolean) => rows.filter((r) => keep(r._id)).reduce((t, r) => t + r.n, 0)
    const checkedIn = sum((k) => k.source === 'checkin')
    const open = sum((k) => k.status === 'open')
    return { checkedIn, checkedOut: checkedIn - open, pendingRecords: sum((k) => k.status === 'pending'), openRecords: open }
  }
  const _ = db().command
  const [checkedIn, checkedOut] = pre
    ? [pre.checkedIn, pre.checkedOut]
    : (
        await Promise.all([
          db().collection(SIGNUPS).where({ activityId, checkedInAt: _.exists(true) }).count(),
          db().collection(SIGNUPS).where({ activityId, checkedOutAt: _.exists(true) }).count()
        ])
      ).map((c) => c.total)
  return { checkedIn, checkedOut, pendingRecords: 0, openRecords: checkedIn - checkedOut }
}

/** The stats a just-created activity has (nothing read). */
export const NO_STATS: ActivityDetail['stats'] = { checkedIn: 0, checkedOut: 0, pendingRecords: 0, openRecords: 0 }

/** Everything `get` shows, read with the caller (one round trip). */
function openParts(activityId: string, openid: string): Record<'activity' | 'line' | 'records' | 'checkedIn' | 'checkedOut', Part> {
  const _ = db().command
  const $ = _.aggregate
  return {
    activity: { collection: ACTIVITIES, build: (p) => withJoins(p.match({ _id: activityId }).limit(1), openid) },
    line: { collection: SIGNUPS, build: (p) => p.match({ activityId, status: 'waiting' }).sort({ signedUpAt: 1, _id: 1 }).project({ _id: true, openid: true }).limit(LINE_READ) },
    records: { collection: RECORDS, build: (p) => p.match({ activityId }).group({ _id: { source: '$source', status: '$status' }, n: $.sum(1) }) },
    checkedIn: { collection: SIGNUPS, build: (p) => p.match({ activityId, checkedInAt: _.exists(true) }).count('n') },
    checkedOut: { collection: SIGNUPS, build: (p) => p.match({ activityId, checkedOutAt: _.exists(true) }).count('n') }
  }
}

/**
 * `get` (`withFirstRead`): the activity with everything its page shows and the caller, in one
 * round trip; a reader waiting beyond the head of the line read costs one count. Claims of
 * interrupted calls found stale are repaired here (everyone opens the activity before signing up).
 */
export async function openActivity(ctx: FirstReadContext, activityId: string): Promise<ActivityDetail> {
  const { caller, docs } = await ctx.readWithCaller(openParts(activityId, ctx.openid))
  const row = docs.activity[0] as Joined | undefined
  if (!row) throw notFound('活动')
  const view = viewOf(row)
  const repaired = await repairStaleClaims(view.activity)
  if (repaired) {
    // The activity as repaired (its stale claims closed, their counts applied) and the head of
    // the line as read: the promotion starts from them instead of reading again.
    const activity = { ...view.activity, claims: Object.fromEntries(Object.entries(view.activity.claims ?? {}).filter(([, c]) => clock.now() - +new Date(c.at) <= STALE_CLAIM_MS)) }
    for (const [k, v] of Object.entries(repaired) as [keyof typeof repaired, number][]) activity[k] = (activity[k] ?? 0) + v
    const head = docs.line[0] as SignUpDoc | undefined
    return repairedDetail(caller, activityId, { activity, next: head ?? null })
  }
  const n = (part: Record<string, any>[]) => (part[0]?.n as number | undefined) ?? 0
  const pre: Prefetched = { line: docs.line as Prefetched['line'], records: docs.records as RecordGroup[], checkedIn: n(docs.checkedIn), checkedOut: n(docs.checkedOut) }
  return activityDetailOf(caller, view, undefined, pre)
}

/** After a repair: the freed places promoted, the activity read again. */
async function repairedDetail(caller: Caller | null, activityId: string, known?: Parameters<typeof promoteWaiting>[1]): Promise<ActivityDetail> {
  await promoteWaiting(activityId, known)
  const view = await readActivity(activityId, caller?.openid)
  if (!view) throw notFound('活动')
  return activityDetailOf(caller, view)
}

export async function getActivity(caller: Caller | null, activityId: string): Promise<ActivityDetail> {
  const view = await readActivity(activityId, caller?.openid)
  if (!view) throw notFound('活动')
  if (await repairStaleClaims(view.activity)) return repairedDetail(caller, activityId)
  return activityDetailOf(caller, view)
}

/** The reader's place in the waiting list read (undefined when not in it: counted instead). */
function positionIn(line: { _id: string }[], signUp: SignUpDoc | null): number | undefined {
  if (signUp?.status !== 'waiting') return undefined
  const at = line.findIndex((s) => s._id === signUp._id)
  return at >= 0 ? at + 1 : undefined
}

/**
 * The detail of an activity already read (`readActivity`): the organiser's stats and the reader's
 * waiting position added (from `pre`, what the first read brought, when given).
 */
export async function activityDetailOf(caller: Caller | null, view: ActivityView, stats?: ActivityDetail['stats'], pre?: Prefetched): Promise<ActivityDetail> {
  const { activity, names, signUp, record } = view
  const canManage = isOrganiser(caller, activity.communityId)
  return detailOf(activity, names, {
    canManage,
    stats: canManage ? (stats ?? (await activityStats(activity, pre))) : undefined,
    mySignUp: await mySignUpOf(signUp ?? undefined, activity, pre ? positionIn(pre.line, signUp) : undefined),
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
