/**
 * Service records (服务时长记录): hours from check-in and check-out, closed at the activity's end
 * when a check-out is missing (flagged for staff), verified by the organiser (approve, adjust with
 * a reason, decline with a reason), make-up hours capped at the activity's length, and the hours
 * of completed 微心愿. Records are never deleted; every change is appended to their history.
 *
 * Four eyes (access.ts, `requireVerifier`): nobody verifies or makes up their own hours, and a
 * make-up entry is `pending` until someone other than who entered it (another staff member of the
 * community, or the district admin) approves it with `verify`.
 */
import { z } from '../../contracts/zod'
import type { makeUpInput, ServiceRecord, verifyInput } from '../../contracts/activities'
import { VERIFIED_STATUSES } from '../../contracts/activities'
import { clock } from '../core/clock'
import { checkVisibleTexts } from '../core/content'
import { db, isDuplicateKey } from '../core/db'
import { AppError, conflict, forbidden, invalid, isTransactionConflict, notFound } from '../core/errors'
import type { FirstReadContext } from '../core/function'
import { hasRole, inCommunities, isDistrictAdmin } from '../core/guard'
import { callerOf, loadCaller, type Caller, type UserRecord } from '../core/identity'
import { findById, namesById } from '../core/records'
import { aggregateOf, readTogether, type Part } from '../core/together'
import { shanghai } from '../core/time'
import { callerName, enteredByMessage, isOrganiser, OWN_HOURS_MESSAGE, requireOrganiser, requireVerifier } from './access'
import {
  ACTIVITIES,
  activityMinutes,
  RECORDS,
  recordId,
  servedMinutes,
  wishRecordId,
  type ActivityDoc,
  type RecordDoc,
  type StoredHistory,
  type VolunteerDoc,
  VOLUNTEERS
} from './model'
import { notifyVerified } from './notify'
import { DISTRICT_LABEL, recordOut } from './present'
import { addVolunteer, ensureVolunteer, priorOf, volunteerParts } from './volunteers'
import { readMemberCode } from './tokens'

type VerifyInput = z.output<typeof verifyInput>
type MakeUpInput = z.output<typeof makeUpInput>

/** A make-up record also names who entered it (the one person who may not verify it). */
type MakeUpDoc = RecordDoc & { enteredBy?: string; enteredByName?: string }

/**
 * Who entered a record's hours and may not verify them: a make-up's enterer (older ones: the author
 * of their first history entry), or the organiser whose queued scan opened or closed it (checkin.ts).
 */
export const enteredByOf = (record: MakeUpDoc): string | undefined => (record.makeUp ? (record.enteredBy ?? record.history?.[0]?.by) : record.enteredBy)

/** The longest a 微心愿 may count for (one day of help). */
const MAX_WISH_MINUTES = 8 * 60

const yearOf = (at: Date | number) => shanghai(at).year()

export type OpenRecord = Pick<RecordDoc, '_id' | 'checkInAt' | 'activityStart' | 'activityEnd'>

/**
 * Closes open records whose activity has ended: checked out at the end (so each earns up to the
 * end, never more), flagged `autoClosed` for staff to look at. Each record goes by its own copy of
 * the activity's times (those of its check-in; `fallbackEnd` when it has none). Records that earn
 * the same minutes are closed by one update guarded by status (idempotent), so a page costs a few
 * updates, not one per record. Returns how many it closed.
 */
const AUTO_CLOSE_ACTION = '未签退，按活动结束时间自动签退'

async function closeAtEnd(records: OpenRecord[], fallbackEnd?: Date, at?: Date): Promise<number> {
  const groups = new Map<string, { end: Date; minutes: number; ids: string[] }>()
  for (const r of records) {
    const end = r.activityEnd ?? fallbackEnd
    if (!end || clock.now() < +new Date(end)) continue
    const minutes = servedMinutes({ start: r.activityStart ?? end, end }, r.checkInAt ?? end, end)
    const key = `${+new Date(end)}|${minutes}`
    const group = groups.get(key) ?? { end, minutes, ids: [] }
    group.ids.push(r._id)
    groups.set(key, group)
  }
  const _ = db().command
  let closed = 0
  for (const { end, minutes, ids } of groups.values()) {
    const now = at ?? clock.date()
    const done = await db()
      .collection(RECORDS)
      .where({ _id: _.in(ids), status: 'open' })
      .update({
        data: {
          status: 'pending',
          checkOutAt: end,
          autoClosed: true,
          minutes,
          updatedAt: now,
          history: _.push([{ at: now, by: 'system', action: AUTO_CLOSE_ACTION, minutes }])
        }
      })
    closed += done.stats.updated
  }
  return closed
}

/** Closes every open record of an ended activity, a page at a time (closeAtEnd). */
export async function closeOpenRecordsOfActivity(activity: ActivityDoc): Promise<number> {
  if (clock.now() < +activity.end) return 0
  let closed = 0
  for (let round = 0; round < 1000; round++) {
    const res = await db()
      .collection(RECORDS)
      .where({ activityId: activity._id, status: 'open' })
      .field({ checkInAt: true, activityStart: true, activityEnd: true })
      .limit(100)
      .get()
    const page = res.data as OpenRecord[]
    closed += await closeAtEnd(page, activity.end)
    if (page.length < 100) break
  }
  return closed
}

/** Closes those of these open records (`_id`, `checkInAt`, the activity's times) whose activity has ended; how many. */
export const closeEndedRecords = (records: OpenRecord[]): Promise<number> => closeAtEnd(records)

type JoinedRecord = RecordDoc & { joinedVolunteer?: { _id: string }[]; joinedCommunity?: { _id: string; name: string }[]; joinedUser?: UserRecord[] }

type ReadRecord = { record: RecordDoc; hasVolunteer: boolean; issuerName?: string; user: UserRecord | null }

/** A record with its volunteer document, the volunteer's account and its issuer's name joined (one read). */
const recordPart = (recordId: string): Part => ({
  collection: RECORDS,
  build: (p) =>
    p
      .match({ _id: recordId })
      .limit(1)
      .lookup({ from: VOLUNTEERS, localField: 'openid', foreignField: '_id', as: 'joinedVolunteer' })
      .lookup({ from: 'communities', localField: 'communityId', foreignField: '_id', as: 'joinedCommunity' })
      .lookup({ from: 'users', localField: 'openid', foreignField: '_id', as: 'joinedUser' })
})

function readRecordOf(row: JoinedRecord | undefined): ReadRecord | null {
  if (!row) return null
  const { joinedVolunteer, joinedCommunity, joinedUser, ...record } = row
  return { record, hasVolunteer: (joinedVolunteer?.length ?? 0) > 0, issuerName: joinedCommunity?.[0]?.name, user: joinedUser?.[0] ?? null }
}

async function readRecord(recordId: string): Promise<ReadRecord | null> {
  return readRecordOf((await aggregateOf(recordPart(recordId)))[0] as JoinedRecord | undefined)
}

/**
 * The decision on a record, taken on the record as read and written by one update whose filter is
 * that reading (status and `updatedAt`: every change of a record writes `updatedAt`) — no
 * transaction: a late check-out or a second reviewer at the same instant makes the update find
 * nothing, and the decision is taken again on the record as it is then (the minutes approved are
 * always the minutes the record holds when it is approved).
 * Round trips: one read (the caller with the record, its volunteer's account and number and its
 * issuer's name, and the volunteer-number counter), the decision, the message; a first-timer's
 * volunteer number two more (volunteers.ts addVolunteer: the claim guarded by the counter as read,
 * and the volunteer document; two more when the counter moved meanwhile), given once even when two
 * reviewers decide at once.
 */
export async function verifyRecord(ctx: FirstReadContext, input: VerifyInput): Promise<ServiceRecord> {
  const _ = db().command
  // The caller, the record, its volunteer's account and number and its issuer, and the number
  // counter (a first-timer's number is then one guarded claim: volunteers.ts claimWithPrior): one read.
  const { counter, topNumber } = volunteerParts('')
  const { caller, docs } = await ctx.readWithCaller({ record: recordPart(input.recordId), counter, topNumber })
  let read = readRecordOf(docs.record[0] as JoinedRecord | undefined)
  if (!read) throw notFound('服务记录')
  const first = read.record
  const volunteerUser = read.user
  // Whose record it is and who entered it never change, so they are checked once, here.
  await requireVerifier(caller, { openid: first.openid, communityId: first.communityId, makeUp: first.makeUp === true, enteredBy: enteredByOf(first) }, async () =>
    isOrganiser(callerOf(first.openid, volunteerUser), first.communityId)
  )
  // The reason is pushed to the volunteer and shown with the record.
  await checkVisibleTexts(caller.openid, [['reason', input.reason]])
  for (let round = 0; round < 8; round++) {
    const current: RecordDoc = read.record
    if (current.status === 'open') {
      if (!current.activityEnd || clock.now() < +current.activityEnd) throw conflict('该志愿者尚未签退，活动结束后再审核')
      const closedAt = clock.date()
      if ((await closeAtEnd([current], undefined, closedAt)) === 1) {
        // Closed by this call: the record is known as written (closeAtEnd's fields), nothing to read again.
        const end = current.activityEnd
        const minutes = servedMinutes({ start: current.activityStart ?? end, end }, current.checkInAt ?? end, end)
        const entry: StoredHistory = { at: closedAt, by: 'system', action: AUTO_CLOSE_ACTION, minutes }
        read = { ...read, record: { ...current, status: 'pending', checkOutAt: end, autoClosed: true, minutes, updatedAt: closedAt, history: [...(current.history ?? []), entry] } }
        continue
      }
      read = await readRecord(input.recordId)
      if (!read) throw notFound('服务记录')
      continue
    }
    // A queued scan by the caller may have closed it since the check above (four eyes).
    if (enteredByOf(current) === caller.openid) throw forbidden(enteredByMessage(current.makeUp === true))
    const cap = current.activityStart && current.activityEnd ? activityMinutes({ start: current.activityStart, end: current.activityEnd }) : MAX_WISH_MINUTES
    let verifiedMinutes: number
    let status: RecordDoc['status']
    if (input.decision === 'approve') {
      status = 'approved'
      verifiedMinutes = Math.min(current.minutes, cap)
    } else if (input.decision === 'adjust') {
      status = 'adjusted'
      verifiedMinutes = Math.min(input.minutes as number, cap)
    } else {
      status = 'declined'
      verifiedMinutes = 0
    }
    const note = input.reason || (input.decision === 'adjust' && (input.minutes as number) > cap ? `超过活动时长，按${cap}分钟认定` : undefined)
    const now = clock.date()
    const entry: StoredHistory = {
      at: now,
      by: caller.openid,
      byName: callerName(caller),
      action: { approve: '认定', adjust: '调整后认定', decline: '不予认定' }[input.decision],
      minutes: verifiedMinutes,
      ...(note ? { note } : {})
    }
    const changes = { status, verifiedMinutes, verifiedBy: caller.openid, verifiedByName: callerName(caller) ?? '', verifiedAt: now, updatedAt: now }
    const res = await db()
      .collection(RECORDS)
      .where({ _id: current._id, status: current.status, updatedAt: current.updatedAt })
      .update({ data: { ...changes, history: _.push([entry]) } })
    if (res.stats.updated === 0) {
      read = await readRecord(input.recordId)
      if (!read) throw notFound('服务记录')
      continue
    }
    const verified = { ...current, ...changes, history: [...(current.history ?? []), entry] } as RecordDoc
    // After the write: the volunteer number (on first need — the read showed none; a crowd on the
    // numbers must not turn a verification that was saved into an error) and the message. A record
    // that already counted hours had its number given by that decision (two reviewers at once: one
    // number, not a second claim); one deferred is given when the person next needs it (their 志愿者码,
    // a certificate: volunteers.ts ensureVolunteer).
    const counted = VERIFIED_STATUSES.includes(current.status) && (current.verifiedMinutes ?? 0) > 0
    if (verified.verifiedMinutes > 0 && !read.hasVolunteer && !counted)
      await addVolunteer(
        { openid: verified.openid, name: verified.name || volunteerUser?.profile?.name, communityId: volunteerUser?.profile?.communityId, fromUser: true },
        priorOf({ volunteer: [], counter: docs.counter, topNumber: docs.topNumber }),
        { assumeOwn: true }
      ).catch((error) => {
        if (!isTransactionConflict(error) && !(error instanceof AppError && error.code === 'CONFLICT')) throw error
        console.warn('[activities] volunteer number deferred', verified.openid)
      })
    await notifyVerified(verified, input.decision, verified.verifiedMinutes, input.reason)
    return recordOut(verified, verified.communityId ? (read.issuerName ?? verified.communityId) : DISTRICT_LABEL)
  }
  throw conflict('操作的人较多，请稍后重试')
}

/**
 * Make-up hours for a volunteer the organiser saw serve but who has no record (no phone, forgot
 * to scan): capped at the activity's length, marked `makeUp`, and `pending` until a second person
 * approves it (`verify`: another staff member of the community or the district admin, never the
 * one who entered it). Nobody makes up their own hours.
 */
export async function addMakeUp(ctx: FirstReadContext, input: MakeUpInput): Promise<ServiceRecord> {
  // The code names whom to read; a bad one is refused where it was before (after the activity's checks).
  let volunteerNo: string | undefined
  let badCode: unknown
  try {
    volunteerNo = readMemberCode(input.memberCode)
  } catch (error) {
    badCode = error
  }
  // The caller, the activity with its community's name, the volunteer with their account: one read.
  const parts: Record<string, Part> = { activity: activityPart(input.activityId) }
  if (volunteerNo)
    parts.volunteer = {
      collection: VOLUNTEERS,
      build: (p) => p.match({ volunteerNo }).limit(1).lookup({ from: 'users', localField: '_id', foreignField: '_id', as: 'joinedUser' })
    }
  const { caller, docs } = await ctx.readWithCaller(parts)
  const found = activityOf(docs.activity[0])
  if (!found) throw notFound('活动')
  const { activity, communityName } = found
  requireOrganiser(caller, activity.communityId)
  await checkVisibleTexts(caller.openid, [['reason', input.reason]])
  if (activity.kind !== 'volunteer') throw conflict('邻里活动不计志愿服务时长')
  if (activity.status === 'cancelled') throw conflict('活动已取消')
  if (clock.now() < +activity.start) throw conflict('活动开始后才能补录时长')
  if (badCode !== undefined) throw badCode
  const row = docs.volunteer?.[0] as (VolunteerDoc & { joinedUser?: UserRecord[] }) | undefined
  // An unknown number is treated like a forged code: nothing to act on, and nothing learned.
  if (!row) throw new AppError('FORBIDDEN', '无效的志愿者码，未找到该志愿者')
  const { joinedUser, ...volunteer } = row
  if (volunteer._id === caller.openid) throw forbidden(OWN_HOURS_MESSAGE)
  const cap = activityMinutes(activity)
  const minutes = Math.min(input.minutes, cap)
  const now = clock.date()
  const note = minutes < input.minutes ? `${input.reason}（超过活动时长，按${cap}分钟计）` : input.reason
  const user = joinedUser?.[0] ?? null
  const record: MakeUpDoc = {
    _id: recordId(activity._id, volunteer._id),
    source: 'makeup',
    activityId: activity._id,
    openid: volunteer._id,
    name: user?.profile?.name || volunteer.name,
    communityId: activity.communityId,
    ...(activity.teamId ? { teamId: activity.teamId } : {}),
    category: activity.category,
    title: activity.title,
    serviceDate: activity.start,
    year: yearOf(activity.start),
    activityStart: activity.start,
    activityEnd: activity.end,
    autoClosed: false,
    makeUp: true,
    status: 'pending',
    minutes,
    verifiedMinutes: 0,
    enteredBy: caller.openid,
    enteredByName: callerName(caller) ?? '',
    createdAt: now,
    updatedAt: now,
    history: [{ at: now, by: caller.openid, byName: callerName(caller), action: '补录时长', note, minutes }]
  }
  try {
    await db().collection(RECORDS).add({ data: record })
  } catch (error) {
    if (isDuplicateKey(error)) throw conflict('该志愿者已有本活动的服务记录，请在审核时调整时长')
    throw error
  }
  return recordOut(record, activity.communityId ? (communityName ?? activity.communityId) : DISTRICT_LABEL)
}

type JoinedActivity = ActivityDoc & { joinedCommunity?: { _id: string; name: string }[] }

/** An activity with its community's name joined, as a part of a first read. */
const activityPart = (activityId: string): Part => ({
  collection: ACTIVITIES,
  build: (p) => p.match({ _id: activityId }).limit(1).lookup({ from: 'communities', localField: 'communityId', foreignField: '_id', as: 'joinedCommunity' })
})

function activityOf(row: Record<string, any> | undefined): { activity: ActivityDoc; communityName?: string } | null {
  if (!row) return null
  const { joinedCommunity, ...activity } = row as JoinedActivity
  return { activity: activity as ActivityDoc, communityName: joinedCommunity?.[0]?.name }
}

export interface WishServiceInput {
  openid: string
  communityId: string
  minutes: number
  wishId: string
  title: string
  verifiedBy: string
  /** The member's name, when the caller knows it (saves reading their account). */
  name?: string
  /** The verifier's name, when the caller knows it (saves reading their account). */
  verifierName?: string
  /** The member already has a volunteer number (saves ensureVolunteer's read). */
  isVolunteer?: boolean
}

/**
 * For the 三方联动 issue (微心愿): a completed and confirmed wish counts as verified service hours
 * (category 邻里互助, source "wish", issued by the wish's community). Idempotent per wish: calling
 * it again returns the same record id and changes nothing (the deterministic `_id`'s duplicate key
 * is the check). Returns the record id.
 */
export async function recordServiceFromWish(input: WishServiceInput): Promise<string> {
  if (!Number.isInteger(input.minutes) || input.minutes < 1 || input.minutes > MAX_WISH_MINUTES)
    throw invalid(`心愿服务时长须为1至${MAX_WISH_MINUTES}分钟`, ['minutes'])
  if (!input.openid || !input.wishId || !input.communityId) throw invalid('心愿服务记录缺少必要信息', ['wishId'])
  const id = wishRecordId(input.wishId)
  const [person, verifier] = await Promise.all([
    input.name ? null : loadCaller(input.openid),
    input.verifierName !== undefined ? null : loadCaller(input.verifiedBy)
  ])
  const name = input.name || person?.user?.profile?.name || (await findById<{ name: string }>('volunteers', input.openid))?.name || '志愿者'
  const verifierName = input.verifierName ?? verifier?.user?.profile?.name
  const now = clock.date()
  const record: RecordDoc = {
    _id: id,
    source: 'wish',
    wishId: input.wishId,
    openid: input.openid,
    name,
    communityId: input.communityId,
    category: '邻里互助',
    title: `微心愿：${input.title}`.slice(0, 60),
    serviceDate: now,
    year: yearOf(now),
    autoClosed: false,
    makeUp: false,
    status: 'approved',
    minutes: input.minutes,
    verifiedMinutes: input.minutes,
    verifiedBy: input.verifiedBy,
    verifiedByName: verifierName ?? '',
    verifiedAt: now,
    createdAt: now,
    updatedAt: now,
    history: [{ at: now, by: input.verifiedBy, byName: verifierName, action: '微心愿完成确认', minutes: input.minutes }]
  }
  try {
    await db().collection(RECORDS).add({ data: record })
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
    return id
  }
  if (!input.isVolunteer) await ensureVolunteer({ openid: input.openid, name, communityId: input.communityId })
  return id
}

/**
 * 时长认定 (the staff's work queue across activities): records waiting for verification that the
 * caller may decide (requireVerifier), make-ups left out (they have their own queue, pendingMakeUps),
 * never the caller's own hours nor hours the caller entered by a queued scan (`enteredBy`).
 * Staff: their communities' records. The district admin: the district's own activities' records
 * and, in a community, what needs a second person there — the hours of that community's own staff
 * (`organisers`: community → openids of its staff; without it, that part is left out) and records
 * a queued staff scan entered. users.overview counts the staff's 时长认定 tile with this, so the
 * count is what the list shows. null: nothing the caller may verify.
 */
export function pendingRecordsWhere(caller: Caller, organisers?: Map<string, string[]>): object | null {
  const _ = db().command
  const own = hasRole(caller, 'staff') ? caller.scopes.communityIds : []
  const scopes: object[] = []
  if (own.length) scopes.push(inCommunities(own))
  if (isDistrictAdmin(caller)) {
    scopes.push({ communityId: null }, { enteredBy: _.exists(true) })
    for (const [communityId, openids] of organisers ?? []) if (!own.includes(communityId) && openids.length) scopes.push({ communityId, openid: _.in(openids) })
  }
  if (!scopes.length) return null
  return _.and([{ status: 'pending', makeUp: false, openid: _.neq(caller.openid), enteredBy: _.neq(caller.openid) }, scopes.length === 1 ? scopes[0] : _.or(scopes)])
}

/** The community staff accounts (for the district admin's share of pendingRecordsWhere), as a part of a read. */
// A district has far fewer than 1,000 community staff accounts.
const organisersPart: Part = { collection: 'users', build: (p) => p.match({ roles: 'staff' }).project({ _id: true, scopes: true }).limit(1000) }

/** The staff of each community, from the staff accounts. */
function organisersOf(users: Record<string, any>[]): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const u of users as { _id: string; scopes?: { communityIds?: string[] } }[])
    for (const c of u.scopes?.communityIds ?? []) map.set(c, [...(map.get(c) ?? []), u._id])
  return map
}

type RecordsPage = { items: ServiceRecord[]; total: number; page: number; pageSize: number }

/**
 * The organiser's list of an activity's records (open ones are closed first once it ended); without
 * an activity, 待认定时长: every record the caller may verify across activities (pendingRecordsWhere),
 * oldest service first and grouped by activity (`_id` starts with the activity's).
 */
export async function listRecords(
  ctx: FirstReadContext,
  input: { activityId?: string; status?: RecordDoc['status']; page: number; pageSize: number }
): Promise<RecordsPage> {
  if (!input.activityId) return listPendingRecords(ctx, input)
  const activityId = input.activityId
  const where: Record<string, unknown> = { activityId }
  if (input.status) where.status = input.status
  // One read: the caller, the activity with its community's name, the page and its count, and the
  // open records (closed first once the activity ended; then the page is read again). Nothing
  // read here leaves the function before the organiser check.
  const { caller, docs } = await ctx.readWithCaller({
    activity: activityPart(activityId),
    open: { collection: RECORDS, build: (p) => p.match({ activityId, status: 'open' }).project({ checkInAt: true, activityStart: true, activityEnd: true }).limit(100) },
    ...pageParts(where, input, 'createdAt')
  })
  const found = activityOf(docs.activity[0])
  if (!found) throw notFound('活动')
  const { activity, communityName } = found
  requireOrganiser(caller, activity.communityId)
  if (activity.kind !== 'volunteer') throw conflict('邻里活动不计志愿服务时长')
  let page: Record<string, Record<string, any>[]> = docs
  if (docs.open.length && clock.now() >= +activity.end) {
    let closed = await closeAtEnd(docs.open as OpenRecord[], activity.end)
    if (docs.open.length === 100) closed += await closeOpenRecordsOfActivity(activity)
    if (closed > 0) page = await readTogether(pageParts(where, input, 'createdAt'))
  }
  const names = new Map<string, string>(activity.communityId && communityName ? [[activity.communityId, communityName]] : [])
  return pageOut(page, input, names)
}

/**
 * Round trips: the caller with the community staff (for the district admin's share), then the page,
 * its count and the community names in one read. Open records are not closed here (unlike an
 * activity's list): they are not pending, the 首页 count does not close them either, and closing is
 * one write per record. An ended activity's missing check-outs join this list once its own page (or
 * the volunteer's 我的时长) closes them.
 */
async function listPendingRecords(ctx: FirstReadContext, input: { page: number; pageSize: number }): Promise<RecordsPage> {
  // The staff list is read for everyone (who is the district admin is known only with the caller).
  const { caller, docs } = await ctx.readWithCaller({ staff: organisersPart })
  const where = pendingRecordsWhere(caller, isDistrictAdmin(caller) ? organisersOf(docs.staff) : undefined)
  if (!where) throw forbidden('仅社区工作人员和区级管理员可认定服务时长')
  return pageOut(await readTogether(pageParts(where, input, 'serviceDate', true)), input)
}

/** A page of records (with their communities' names when `withNames`) and its count, as parts of one read. */
function pageParts(where: object, input: { page: number; pageSize: number }, oldestFirst: 'createdAt' | 'serviceDate', withNames = false): Record<'page' | 'count', Part> {
  return {
    page: {
      collection: RECORDS,
      build: (p) => {
        const page = p
          .match(where)
          .sort({ [oldestFirst]: 1, _id: 1 })
          .skip((input.page - 1) * input.pageSize)
          .limit(input.pageSize)
        return withNames ? page.lookup({ from: 'communities', localField: 'communityId', foreignField: '_id', as: 'joinedCommunity' }) : page
      }
    },
    count: { collection: RECORDS, build: (p) => p.match(where).count('n') }
  }
}

/** The page as the contract has it; a community's name from `names` or the page's joins (read apart only when missing). */
async function pageOut(read: Record<string, Record<string, any>[]>, input: { page: number; pageSize: number }, names = new Map<string, string>()): Promise<RecordsPage> {
  const rows = read.page as (RecordDoc & { joinedCommunity?: { _id: string; name: string }[] })[]
  const records = rows.map(({ joinedCommunity, ...r }) => {
    const name = joinedCommunity?.[0]?.name
    if (r.communityId && name) names.set(r.communityId, name)
    return r as RecordDoc
  })
  const missing = records.map((r) => r.communityId ?? '').filter((id) => id && !names.has(id))
  if (missing.length) for (const [id, name] of await namesById('communities', missing)) names.set(id, name)
  return {
    items: records.map((r) => recordOut(r, r.communityId ? (names.get(r.communityId) ?? r.communityId) : DISTRICT_LABEL)),
    total: (read.count[0]?.n as number | undefined) ?? 0,
    page: input.page,
    pageSize: input.pageSize
  }
}
