/**
 * On-site check-in and check-out.
 *
 * (1) The organiser's phone shows a rotating QR (`checkinCode`: a signed token valid ≤ 60 s); the
 *     volunteer scans it with the app (`checkIn`, and again `checkOut`), sending their location
 *     when the activity has a geofence. The code checks in only people with a confirmed sign-up:
 *     a code forwarded in a chat is valid for its minute, so it must not let anyone else in
 *     (您未报名此活动…).
 * (2) For people without a phone the organiser scans their personal code (`staffScan`): the signed
 *     code only (volunteer numbers are consecutive: a typed number would check in anyone).
 *
 * Walk-ins are recorded only by the organiser: `staffScan` of someone without a confirmed sign-up is
 * refused (CONFLICT, `fields: ['walkIn']`) until the organiser confirms with `walkIn: true`; the
 * person then takes a free place on the spot (no waiting list on site): the place is claimed on the
 * activity by an atomic guarded update (signups.ts, `claimPlaceOnSite`; no transaction writes the
 * activity), and given back when the sign-up could not be written. When none is left the check-in
 * is refused with CAPACITY_FULL.
 *
 * No transaction on the usual paths (issue #15, round trips): a check-in with a confirmed sign-up
 * marks it with one update whose filter is the decision (`status: 'confirmed'`; `arrivedAt` for a
 * volunteer activity, `checkedInAt` for an event), then adds the record; a withdrawal's update is
 * guarded by that mark's absence and by `updatedAt` (signups.ts releaseSignUp), so a withdrawal and
 * a check-in of one person cannot both succeed. A walk-in's sign-up is written by an add or by an
 * update guarded by the status and `updatedAt` read. What is left (a sign-up that changed between
 * the read and the write) goes through the transaction of `arrive`.
 *
 * Scanning twice never records twice: a volunteer activity's record has the deterministic `_id`
 * `${activityId}:${openid}` (a second add fails as a duplicate and answers with the first), check-out
 * is an update guarded by `status: 'open'`, and an event's attendance is kept on the sign-up (its
 * check-in guarded by `checkedInAt` being absent).
 *
 * A check-out less than MIN_SERVICE_MINUTES (counted minutes) after the check-in is refused
 * (CONFLICT, `fields: ['confirmShort']`) unless confirmed; a confirmed one closes the record with
 * 0 minutes, the minutes actually served kept in its history, for staff to see.
 *
 * Queued scans (no signal on site): the app keeps the scan with the phone's `scannedAt` and sends
 * it when the signal returns (src/features/volunteer/offlineScans.ts); the check-in/out then counts
 * from the scan time (the record is flagged `queued`, with `uploadedAt`). Why this cannot be abused:
 * - the token carries its issue time under the HMAC signature (tokens.ts), and a queued scan is
 *   accepted only if that token was valid at `scannedAt` (± QUEUED_SCAN_CLOCK_SKEW_MS): nobody can
 *   claim a moment the code was not on the organiser's screen;
 * - the scan must be at most QUEUED_SCAN_MAX_AGE_MS old and not in the future, and the activity must
 *   have been open for check-in/out at `scannedAt`: a photo of a code forwarded in a chat is usable
 *   for that window only, and only by someone with a confirmed sign-up (as for a live scan);
 * - the geofence is checked the same way, on the location taken at the scan;
 * - whose scan it is still comes from the call (the caller, or the organiser plus a signed personal
 *   code), never from the payload;
 * - re-sending is harmless (the record's deterministic `_id`, check-out guarded by status), and a
 *   queued check-out never changes a record staff have already verified nor ends before the
 *   check-in (an event's too: the sign-up's update is guarded by `checkedInAt ≤ scan time`);
 * - four eyes: an organiser holding a volunteer's signed personal code could otherwise record a
 *   backdated check-in or check-out (even a walk-in) hours later and verify it themselves. So a
 *   record opened or closed by a QUEUED organiser's scan (`queued`, method 'staff') records that
 *   organiser as `enteredBy`/`enteredByName`, as a make-up does (the first one, should two
 *   organisers' queued scans open and close it): they may not verify it (access.ts
 *   requireVerifier), and another staff member of the community or the district admin does; it
 *   stays in 待认定时长 for them and off the organiser's list (records.ts pendingRecordsWhere),
 *   not in 补录复核 (make-ups only). A live organiser's scan is unchanged (the organiser verifies).
 * A queued check-in sent after the activity ended is stored closed at the end (as the automatic
 * close would have done), so a queued check-out can still follow it.
 */
import { z } from '../../contracts/zod'
import type { CheckinCode, checkInput, CheckMethod, CheckResult, staffScanInput } from '../../contracts/activities'
import { MIN_SERVICE_MINUTES, QUEUED_SCAN_CLOCK_SKEW_MS, QUEUED_SCAN_MAX_AGE_MS } from '../../contracts/activities'
import { clock } from '../core/clock'
import { db, isDuplicateKey } from '../core/db'
import { transaction } from '../core/transaction'
import { AppError, busy, conflict, forbidden, invalid, notFound } from '../core/errors'
import type { FirstReadContext } from '../core/function'
import { emptyScopes, type Caller, type UserRecord } from '../core/identity'
import type { Part } from '../core/together'
import { findById, getById, txGet } from '../core/records'
import { shanghai } from '../core/time'
import { byIdPart, callerName, requireOrganiser } from './access'
import { checkGeofence } from './geo'
import {
  ACTIVITIES,
  CHECKIN_OPENS_BEFORE_MS,
  CHECKOUT_GRACE_MS,
  isoOf,
  RECORDS,
  recordId,
  servedMinutes,
  SIGNUPS,
  signUpId,
  type ActivityDoc,
  type RecordDoc,
  type SignUpDoc,
  type StoredHistory,
  type VolunteerDoc,
  VOLUNTEERS
} from './model'
import { checkAudience, claimPlaceOnSite, closePlaceClaim, ensurePlacesLeft, personOf, signUpDoc, type Person } from './signups'
import { issueCheckinToken, readCheckinToken, readCheckinTokenAt, readSignedMemberCode } from './tokens'
import { publicUrl, qrDataUrl } from './util'

type CheckInput = z.output<typeof checkInput>
type StaffScanInput = z.output<typeof staffScanInput>

const QUEUED_NOTE = '无信号时扫码，联网后上传'
const EARLIER_THAN_CHECK_IN = '签退时间早于签到时间，未能计入，请联系活动组织者'

/**
 * When the scan happened: now, or a queued scan's `scannedAt`, corrected by the phone's clock
 * error when `sentAt` (the phone's clock at sending) is given, and bounded (see the header).
 */
function scanTime(input: { scannedAt?: number; sentAt?: number }, now: number): { at: number; queued: boolean } {
  if (input.scannedAt === undefined) return { at: now, queued: false }
  const at = input.sentAt !== undefined ? input.scannedAt + (now - input.sentAt) : input.scannedAt
  if (at > now + QUEUED_SCAN_CLOCK_SKEW_MS) throw invalid('扫码时间晚于当前时间，请检查手机的日期和时间设置', ['scannedAt'])
  if (now - at > QUEUED_SCAN_MAX_AGE_MS)
    throw new AppError('EXPIRED', `无信号时的扫码超过${QUEUED_SCAN_MAX_AGE_MS / 3_600_000}小时才上传，未能计入，请联系活动组织者补录`, ['scannedAt'])
  return { at: Math.min(at, now), queued: true }
}

/** A geofence radius for a place saved with coordinates but no radius (as create/update default it). */
const DEFAULT_RADIUS_METERS = 200

export const CHECKIN_PAGE = 'packages/volunteer/pages/checkin/index'

function checkWindow(activity: ActivityDoc, direction: 'in' | 'out', now: number): void {
  if (activity.status === 'cancelled') throw conflict('活动已取消')
  if (now < +activity.start - CHECKIN_OPENS_BEFORE_MS) throw conflict('活动开始前1小时起才能签到')
  if (direction === 'in' && now >= +activity.end) throw conflict('活动已结束，不能签到')
  if (direction === 'out' && now >= +activity.end + CHECKOUT_GRACE_MS) throw conflict('已超过签退时间，请联系活动组织者')
}

export async function checkinCode(caller: Caller, activityId: string): Promise<CheckinCode> {
  const activity = await getById<ActivityDoc>(ACTIVITIES, activityId, '活动')
  requireOrganiser(caller, activity.communityId)
  const now = clock.now()
  if (activity.status === 'cancelled') throw conflict('活动已取消')
  if (now < +activity.start - CHECKIN_OPENS_BEFORE_MS || now >= +activity.end + CHECKOUT_GRACE_MS)
    throw conflict('签到码在活动开始前1小时至结束后2小时内可用')
  const { token, expiresAt } = issueCheckinToken(activity._id, now)
  const base = publicUrl()
  const link = base ? `${base}/#/${CHECKIN_PAGE}?t=${token}` : token
  return { token, expiresAt: isoOf(expiresAt), link, qr: await qrDataUrl(link) }
}

/** The sign-up changed between the decision on a place and the transaction: decide again. */
class SignUpMoved extends Error {}

function result(activity: ActivityDoc, direction: 'in' | 'out', fields: Partial<Omit<CheckResult, 'at'>> & { already: boolean; at: Date | number }): CheckResult {
  return {
    activityId: activity._id,
    activityTitle: activity.title,
    kind: activity.kind,
    direction,
    already: fields.already,
    at: isoOf(fields.at),
    recordId: fields.recordId,
    minutes: fields.minutes,
    volunteerName: fields.volunteerName,
    walkIn: fields.walkIn ?? false
  }
}

/**
 * Check-in, in one transaction that reads and writes the person's sign-up (a walk-in's place is
 * claimed just before it, see the header): the sign-up must be confirmed at the moment of the
 * check-in (someone who withdrew at the same instant is refused, or their withdrawal is), a
 * walk-in takes a place only if one was free, and a volunteer activity's record (deterministic
 * `_id`) is written in the same transaction. A second scan answers with the first check-in and
 * writes nothing.
 */
async function arrive(
  activity: ActivityDoc,
  person: Person,
  method: CheckMethod,
  location?: RecordDoc['checkInLocation'],
  staff?: Caller,
  walkInConfirmed = false,
  scannedAt?: number,
  known?: Known
): Promise<CheckResult> {
  const sid = signUpId(activity._id, person.openid)
  const rid = recordId(activity._id, person.openid)
  const volunteer = activity.kind === 'volunteer'
  const by = staff?.openid ?? person.openid
  const action = method === 'staff' ? '工作人员代签到' : '扫码签到'
  const note = scannedAt === undefined ? {} : { note: QUEUED_NOTE }
  const fast = await arriveConfirmed(activity, person, method, location, staff, scannedAt, known)
  if (fast) return fast
  if (activity.placesLeft === undefined) await ensurePlacesLeft(activity)
  let outcome: { already: boolean; walkIn: boolean; at: Date } | undefined
  for (let attempt = 0; !outcome; attempt++) {
    // Whether a place is needed is decided on the sign-up as it is now; a free place is claimed
    // before the transaction (an atomic guarded update: no transaction on the activity, which a
    // crowd may be writing), and the transaction checks the sign-up is still as seen.
    // The first round goes by the sign-up the first read brought (when the fast path wrote nothing).
    const seen = attempt === 0 && known?.signUpUnchanged ? known.signUp : await findById<SignUpDoc>(SIGNUPS, sid)
    // An event's second scan: the first check-in stands (nothing to write).
    if (!volunteer && seen?.status === 'confirmed' && seen.checkedInAt) return result(activity, 'in', { already: true, walkIn: false, at: seen.checkedInAt, volunteerName: person.name })
    if (seen?.status !== 'confirmed') refuseWithoutSignUp(seen, person, method, walkInConfirmed)
    const place = seen?.status === 'confirmed' ? undefined : await claimPlaceOnSite(activity._id, person.openid, seen?.status === 'waiting')
    try {
      outcome = await transaction(async (tx): Promise<{ already: boolean; walkIn: boolean; at: Date }> => {
        const now = clock.date()
        const at = scannedAt === undefined ? now : new Date(scannedAt)
        const fresh = await txGet<ActivityDoc>(tx, ACTIVITIES, activity._id)
        if (!fresh) throw notFound('活动')
        if (fresh.status !== 'published') throw conflict('活动已取消')
        const signUp = await txGet<SignUpDoc>(tx, SIGNUPS, sid)
        if (volunteer) {
          const existing = await txGet<RecordDoc>(tx, RECORDS, rid)
          if (existing) return { already: true, walkIn: false, at: existing.checkInAt ?? existing.createdAt ?? at }
        } else if (signUp?.status === 'confirmed' && signUp.checkedInAt) {
          return { already: true, walkIn: false, at: signUp.checkedInAt }
        }
        if (signUp?.status !== seen?.status) throw new SignUpMoved()

        let walkIn = false
        if (signUp?.status === 'confirmed') {
          // Written even when nothing on it changes (a volunteer's attendance lives in the record):
          // a withdrawal writes this document too, so the two cannot both commit.
          await tx
            .collection(SIGNUPS)
            .doc(sid)
            .update({ data: { updatedAt: now, ...(volunteer ? { arrivedAt: at } : { checkedInAt: at, history: [...(signUp.history ?? []), { at, by, action, ...note }] }) } })
        } else {
          // Only the organiser records a walk-in (the status was seen, and checked above, as this
          // one): on site the waiting list no longer matters, whoever is there takes a free place.
          if (!staff || !walkInConfirmed) throw forbidden('您未报名此活动，不能签到')
          checkAudience(fresh, person)
          if (!place) throw new AppError('CAPACITY_FULL', signUp?.status === 'waiting' ? '名额已满，该志愿者仍在候补名单中，无法为其签到' : '名额已满，无法为其签到')
          const entry: StoredHistory = { at: now, by: staff.openid, byName: staff.user?.profile?.name, action: '工作人员确认现场报名', claim: place.token }
          const doc = signUpDoc(activity._id, person, signUp, { status: 'confirmed', walkIn: true, at: now, entry, claim: place.token, ...(volunteer ? {} : { checkedInAt: at }) })
          if (!volunteer) doc.history = [...doc.history, { at, by, action, ...note }]
          else doc.arrivedAt = at
          await tx.collection(SIGNUPS).doc(sid).set({ data: doc })
          walkIn = true
        }
        if (volunteer) await tx.collection(RECORDS).add({ data: serviceRecord(fresh, person, rid, at, method, location, staff, scannedAt === undefined ? undefined : now) })
        return { already: false, walkIn, at }
      }, { rounds: 12, sdkRetries: 3 })
    } catch (error) {
      if (place) await closePlaceClaim(activity._id, place, false)
      if (error instanceof SignUpMoved) {
        if (attempt < 3) continue
        throw busy()
      }
      // A make-up record written by staff at the same instant (deterministic `_id`): it stands.
      if (!volunteer || !isDuplicateKey(error)) throw error
      const existing = await findById<RecordDoc>(RECORDS, rid)
      if (!existing) throw error
      return result(activity, 'in', { already: true, walkIn: false, at: existing.checkInAt ?? existing.createdAt, volunteerName: person.name, recordId: rid })
    }
    if (place) await closePlaceClaim(activity._id, place, outcome.walkIn)
  }
  return result(activity, 'in', { ...outcome, volunteerName: person.name, ...(volunteer ? { recordId: rid } : {}) })
}

/**
 * Check-in of someone with a confirmed sign-up (nearly every scan), without a transaction: the
 * sign-up is marked by one update whose filter is the decision (`status: 'confirmed'`; for an
 * event also not yet checked in) — a withdrawal's update is guarded by that mark's absence and by
 * `updatedAt`, so the two cannot both succeed — then a volunteer's record is added (deterministic
 * `_id`: a second scan, or a make-up written at the same instant, finds it there). Undefined when
 * the sign-up is not confirmed (or an event's is checked in already): the general path decides.
 * Interrupted between the two, the sign-up is marked without a record: the next scan adds it.
 */
async function arriveConfirmed(
  activity: ActivityDoc,
  person: Person,
  method: CheckMethod,
  location: RecordDoc['checkInLocation'] | undefined,
  staff: Caller | undefined,
  scannedAt: number | undefined,
  known?: Known
): Promise<CheckResult | undefined> {
  const _ = db().command
  const sid = signUpId(activity._id, person.openid)
  const rid = recordId(activity._id, person.openid)
  const now = clock.date()
  const at = scannedAt === undefined ? now : new Date(scannedAt)
  if (known) {
    // Decided on the sign-up and record the first read brought: not confirmed goes the general way
    // (which refuses a scan, or takes a walk-in's place); a second scan answers with the first.
    if (known.signUp?.status !== 'confirmed') {
      known.signUpUnchanged = true
      return undefined
    }
    if (activity.kind !== 'volunteer' && known.signUp.checkedInAt)
      return result(activity, 'in', { already: true, walkIn: false, at: known.signUp.checkedInAt, volunteerName: person.name })
    if (activity.kind === 'volunteer' && known.record && known.signUp.arrivedAt)
      return result(activity, 'in', { already: true, walkIn: false, at: known.record.checkInAt ?? known.record.createdAt, volunteerName: person.name, recordId: rid })
  }
  if (activity.kind !== 'volunteer') {
    const action = method === 'staff' ? '工作人员代签到' : '扫码签到'
    const entry: StoredHistory = { at, by: staff?.openid ?? person.openid, action, ...(scannedAt === undefined ? {} : { note: QUEUED_NOTE }) }
    const res = await db()
      .collection(SIGNUPS)
      .where({ _id: sid, status: 'confirmed', checkedInAt: _.exists(false) })
      .update({ data: { checkedInAt: at, updatedAt: now, history: _.push([entry]) } })
    return res.stats.updated > 0 ? result(activity, 'in', { already: false, walkIn: false, at, volunteerName: person.name }) : undefined
  }
  const marked = await db().collection(SIGNUPS).where({ _id: sid, status: 'confirmed' }).update({ data: { arrivedAt: at, updatedAt: now } })
  // Nothing changed is counted as nothing updated (a second scan in the same millisecond): look.
  if (marked.stats.updated === 0 && (await findById<SignUpDoc>(SIGNUPS, sid))?.status !== 'confirmed') return undefined
  // A record made up by staff before the scan (the sign-up is marked now): it stands.
  if (known?.record) return result(activity, 'in', { already: true, walkIn: false, at: known.record.checkInAt ?? known.record.createdAt, volunteerName: person.name, recordId: rid })
  try {
    await db()
      .collection(RECORDS)
      .add({ data: serviceRecord(activity, person, rid, at, method, location, staff, scannedAt === undefined ? undefined : now) })
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
    const existing = await findById<RecordDoc>(RECORDS, rid)
    if (!existing) throw error
    return result(activity, 'in', { already: true, walkIn: false, at: existing.checkInAt ?? existing.createdAt, volunteerName: person.name, recordId: rid })
  }
  return result(activity, 'in', { already: false, walkIn: false, at, volunteerName: person.name, recordId: rid })
}

/**
 * Someone without a confirmed sign-up: refused by the code (they never signed up, withdrew, or
 * wait for a place); by the organiser's scan only until the organiser confirms the walk-in.
 */
function refuseWithoutSignUp(seen: SignUpDoc | null, person: Person, method: CheckMethod, walkInConfirmed: boolean): void {
  if (method === 'scan') {
    if (seen?.status === 'waiting') throw forbidden('您在候补名单中，尚未获得名额，不能扫码签到。如在现场参加，请联系工作人员扫您的志愿者码登记')
    throw forbidden('您未报名此活动，不能扫码签到。如在现场参加，请联系工作人员扫您的志愿者码登记')
  }
  if (!walkInConfirmed) {
    const why = seen?.status === 'waiting' ? '在候补名单中，尚未获得名额' : '未报名此活动'
    throw new AppError('CONFLICT', `${person.name || '该志愿者'}${why}。确认其在现场参加、按现场报名签到吗？`, ['walkIn'])
  }
}

/**
 * The record a check-in opens at `at`. A queued check-in (`uploadedAt`) that reaches the server
 * after the activity ended is stored closed at the end, as closeAtEnd (records.ts) would have.
 */
function serviceRecord(
  activity: ActivityDoc,
  person: Person,
  id: string,
  at: Date,
  method: CheckMethod,
  location: RecordDoc['checkInLocation'] | undefined,
  staff?: Caller,
  uploadedAt?: Date
): RecordDoc {
  const now = uploadedAt ?? at
  const entry: StoredHistory = { at, by: staff?.openid ?? person.openid, byName: staff?.user?.profile?.name, action: method === 'staff' ? '工作人员代签到' : '扫码签到', ...(uploadedAt ? { note: QUEUED_NOTE } : {}) }
  const ended = uploadedAt !== undefined && +uploadedAt >= +activity.end
  const minutes = ended ? servedMinutes(activity, at, activity.end) : 0
  return {
    _id: id,
    source: 'checkin',
    activityId: activity._id,
    openid: person.openid,
    name: person.name,
    communityId: activity.communityId,
    ...(activity.teamId ? { teamId: activity.teamId } : {}),
    category: activity.category,
    title: activity.title,
    serviceDate: activity.start,
    year: shanghai(activity.start).year(),
    activityStart: activity.start,
    activityEnd: activity.end,
    checkInAt: at,
    checkInMethod: method,
    ...(location ? { checkInLocation: location } : {}),
    ...(ended ? { checkOutAt: activity.end } : {}),
    autoClosed: ended,
    makeUp: false,
    status: ended ? 'pending' : 'open',
    minutes,
    verifiedMinutes: 0,
    ...(uploadedAt ? { queued: true, uploadedAt, ...enteredBy(staff) } : {}),
    createdAt: now,
    updatedAt: now,
    history: ended ? [entry, { at: now, by: 'system', action: '未签退，按活动结束时间自动签退', minutes }] : [entry]
  }
}

/**
 * A queued scan by the organiser enters the hours as a make-up does (four eyes, see the header):
 * the organiser is recorded and may not verify them. Nothing for a live or a volunteer's scan.
 */
function enteredBy(staff: Caller | undefined): Pick<RecordDoc, 'enteredBy' | 'enteredByName'> {
  return staff ? { enteredBy: staff.openid, enteredByName: callerName(staff) ?? '' } : {}
}

async function leave(activity: ActivityDoc, person: Person, method: CheckMethod, staff?: Caller, confirmShort = false, scannedAt?: number, known?: Known): Promise<CheckResult> {
  const now = clock.date()
  const at = scannedAt === undefined ? now : new Date(scannedAt)
  const queued = scannedAt === undefined ? {} : { note: QUEUED_NOTE }
  const _ = db().command
  const by = staff?.openid ?? person.openid
  const action = method === 'staff' ? '工作人员代签退' : '扫码签退'

  if (activity.kind === 'event') {
    const sid = signUpId(activity._id, person.openid)
    if (known) {
      // Decided on the sign-up as read; the update's filter decides again (a scan at the same instant).
      const seen = known.signUp
      if (!seen?.checkedInAt) throw conflict('尚未签到，请先签到')
      if (seen.checkedOutAt) return result(activity, 'out', { already: true, at: seen.checkedOutAt, volunteerName: person.name })
      if (+seen.checkedInAt > +at) throw conflict(EARLIER_THAN_CHECK_IN)
    }
    // `lte`: a queued check-out never ends before the check-in (as for a volunteer's record below).
    const res = await db()
      .collection(SIGNUPS)
      .where({ _id: sid, checkedInAt: _.lte(at), checkedOutAt: _.exists(false) })
      .update({ data: { checkedOutAt: at, updatedAt: now, history: _.push([{ at, by, action, ...queued }]) } })
    if (known && res.stats.updated > 0) return result(activity, 'out', { already: false, at, volunteerName: person.name })
    const signUp = await findById<SignUpDoc>(SIGNUPS, sid)
    if (!signUp?.checkedInAt) throw conflict('尚未签到，请先签到')
    if (res.stats.updated === 0 && !signUp.checkedOutAt && +signUp.checkedInAt > +at) throw conflict(EARLIER_THAN_CHECK_IN)
    return result(activity, 'out', { already: res.stats.updated === 0, at: signUp.checkedOutAt ?? at, volunteerName: person.name })
  }

  const id = recordId(activity._id, person.openid)
  const record = known ? known.record : await findById<RecordDoc>(RECORDS, id)
  if (!record || !record.checkInAt) throw conflict('尚未签到，请先签到')
  // A queued organiser's scan that closes the record enters it (the first such organiser stays).
  const queuedFields = scannedAt === undefined ? {} : { queued: true, uploadedAt: now, ...(record.enteredBy ? {} : enteredBy(staff)) }
  if (scannedAt !== undefined) {
    // A queued check-out never changes what staff have verified, nor ends before it began.
    if (['approved', 'adjusted', 'declined'].includes(record.status)) throw conflict('该服务记录已审核，无信号时的签退未能计入，请联系活动组织者')
    if (+at < +record.checkInAt) throw conflict(EARLIER_THAN_CHECK_IN)
  }
  if (record.status === 'open') {
    const served = servedMinutes(activity, record.checkInAt, at)
    const short = served < MIN_SERVICE_MINUTES
    if (short && !confirmShort) {
      const who = method === 'staff' ? `${person.name || '该志愿者'}签到后` : '您签到后'
      throw new AppError('CONFLICT', `${who}服务不足${MIN_SERVICE_MINUTES}分钟，现在签退将不计服务时长。确认提前签退吗？`, ['confirmShort'])
    }
    // A confirmed early check-out counts nothing (what was served stays in the history).
    const minutes = short ? 0 : served
    const entry: StoredHistory = short
      ? { at, by, action: `${action}（不足${MIN_SERVICE_MINUTES}分钟，不计时长）`, note: `实际服务${served}分钟，确认提前签退${scannedAt === undefined ? '' : `；${QUEUED_NOTE}`}`, minutes }
      : { at, by, action, minutes, ...queued }
    const res = await db()
      .collection(RECORDS)
      .where({ _id: id, status: 'open' })
      .update({ data: { status: 'pending', checkOutAt: at, checkOutMethod: method, minutes, updatedAt: now, ...queuedFields, history: _.push([entry]) } })
    if (res.stats.updated > 0) return result(activity, 'out', { already: false, at, recordId: id, minutes, volunteerName: person.name })
  } else if (record.status === 'pending' && record.autoClosed) {
    // Closed at the end before the volunteer came to scan (within the grace period): the scan is
    // the real check-out, so the flag goes; the minutes stay clipped to the end.
    const minutes = servedMinutes(activity, record.checkInAt, at)
    const res = await db()
      .collection(RECORDS)
      .where({ _id: id, status: 'pending', autoClosed: true })
      .update({ data: { checkOutAt: at, checkOutMethod: method, autoClosed: false, minutes, updatedAt: now, ...queuedFields, history: _.push([{ at, by, action, minutes, ...queued }]) } })
    if (res.stats.updated > 0) return result(activity, 'out', { already: false, at, recordId: id, minutes, volunteerName: person.name })
  }
  const latest = (await findById<RecordDoc>(RECORDS, id)) ?? record
  return result(activity, 'out', { already: true, at: latest.checkOutAt ?? at, recordId: id, minutes: latest.minutes, volunteerName: person.name })
}

/**
 * What the first read brought about the scanned person (their sign-up and service record), so that
 * a usual scan decides without reading them again; every write's filter still decides.
 * `signUpUnchanged`: nothing was written since, the general path may start from it.
 */
interface Known {
  signUp: SignUpDoc | null
  record: RecordDoc | null
  signUpUnchanged?: boolean
}

/**
 * The volunteer scanned the organiser's code. Round trips: one read (the caller, the activity,
 * their sign-up and record), then the usual check-in is the sign-up's mark and the record's add,
 * a check-out one update; a second scan reads only.
 */
export async function scanCheck(ctx: FirstReadContext, input: CheckInput, direction: 'in' | 'out'): Promise<CheckResult> {
  const now = clock.now()
  const when = scanTime(input, now)
  const scannedAt = when.queued ? when.at : undefined
  const { activityId } = when.queued ? readCheckinTokenAt(input.token, when.at, QUEUED_SCAN_CLOCK_SKEW_MS) : readCheckinToken(input.token, now)
  if (input.activityId && input.activityId !== activityId) throw forbidden('这不是本活动的签到码')
  const key = signUpId(activityId, ctx.openid)
  const { caller, docs } = await ctx.readWithCaller({
    activity: byIdPart(ACTIVITIES, activityId),
    signUp: byIdPart(SIGNUPS, key),
    record: byIdPart(RECORDS, recordId(activityId, ctx.openid))
  })
  const activity = docs.activity[0] as ActivityDoc | undefined
  if (!activity) throw notFound('活动')
  checkWindow(activity, direction, when.at)
  const person = personOf(caller)
  const known: Known = { signUp: (docs.signUp[0] as SignUpDoc | undefined) ?? null, record: (docs.record[0] as RecordDoc | undefined) ?? null }
  if (direction === 'out') return leave(activity, person, 'scan', undefined, input.confirmShort === true, scannedAt, known)
  // Only a place saved without coordinates has no geofence (the organiser chose 不限制签到位置);
  // coordinates without a radius (older activities) get the default radius.
  const place = activity.place.coordinates && !activity.place.radius ? { ...activity.place, radius: DEFAULT_RADIUS_METERS } : activity.place
  const distance = checkGeofence(place, input.location)
  const location = input.location ? { ...input.location, ...(distance !== undefined ? { distance } : {}) } : undefined
  return arrive(activity, person, 'scan', location, undefined, false, scannedAt, known)
}

/**
 * The organiser scanned a volunteer's personal code (the signed code: a typed volunteer number is
 * refused). Someone without a confirmed sign-up is checked in only with `walkIn: true`.
 */
export async function staffScan(
  ctx: FirstReadContext,
  input: Pick<StaffScanInput, 'activityId' | 'memberCode' | 'direction'> & { walkIn?: boolean; confirmShort?: boolean; scannedAt?: number; sentAt?: number }
): Promise<CheckResult> {
  // The code is read before anything is fetched (it names whom to fetch); a bad one is refused
  // only after the organiser check, as before.
  let volunteerNo: string | undefined
  let badCode: unknown
  try {
    volunteerNo = readSignedMemberCode(input.memberCode)
  } catch (error) {
    badCode = error
  }
  const parts: Record<string, Part> = { activity: byIdPart(ACTIVITIES, input.activityId) }
  if (volunteerNo) parts.volunteer = scannedPersonPart(volunteerNo, input.activityId)
  const { caller, docs } = await ctx.readWithCaller(parts)
  const activity = docs.activity[0] as ActivityDoc | undefined
  if (!activity) throw notFound('活动')
  requireOrganiser(caller, activity.communityId)
  const when = scanTime(input, clock.now())
  const scannedAt = when.queued ? when.at : undefined
  checkWindow(activity, input.direction, when.at)
  if (badCode !== undefined || !volunteerNo) throw badCode
  const { person, signUp, record } = scannedPersonOf(docs.volunteer[0] as ScannedRow | undefined)
  if (input.direction === 'in' && signUp?.status !== 'confirmed') {
    refuseWithoutSignUp(signUp, person, 'staff', input.walkIn === true)
    return walkIn(activity, person, caller, signUp, record, scannedAt)
  }
  const known: Known = { signUp, record }
  return input.direction === 'in'
    ? arrive(activity, person, 'staff', undefined, caller, input.walkIn === true, scannedAt, known)
    : leave(activity, person, 'staff', caller, input.confirmShort === true, scannedAt, known)
}

type ScannedRow = VolunteerDoc & { joinedUser?: UserRecord[]; joinedSignUp?: SignUpDoc[]; joinedRecord?: RecordDoc[] }

/**
 * The volunteer a scanned personal code stands for, with their users document (name, mobile,
 * roles), their sign-up for the activity and its service record: one part of the first read.
 */
function scannedPersonPart(volunteerNo: string, activityId: string): Part {
  const $ = db().command.aggregate
  return {
    collection: VOLUNTEERS,
    build: (p) =>
      p
        .match({ volunteerNo })
        .limit(1)
        .lookup({ from: 'users', localField: '_id', foreignField: '_id', as: 'joinedUser' })
        .addFields({ joinedKey: $.concat([`${activityId}:`, '$_id']) })
        .lookup({ from: SIGNUPS, localField: 'joinedKey', foreignField: '_id', as: 'joinedSignUp' })
        .lookup({ from: RECORDS, localField: 'joinedKey', foreignField: '_id', as: 'joinedRecord' })
  }
}

function scannedPersonOf(row: ScannedRow | undefined): { person: Person; signUp: SignUpDoc | null; record: RecordDoc | null } {
  // An unknown number is treated like a forged code: nothing to act on, and nothing learned.
  if (!row) throw new AppError('FORBIDDEN', '无效的志愿者码，未找到该志愿者')
  const user = row.joinedUser?.[0] ?? null
  const who: Caller = { openid: row._id, roles: [...new Set<Caller['roles'][number]>(['resident', ...(user?.roles ?? [])])], scopes: user?.scopes ?? emptyScopes(), user }
  return { person: { ...personOf(who), name: user?.profile?.name || row.name }, signUp: row.joinedSignUp?.[0] ?? null, record: row.joinedRecord?.[0] ?? null }
}

/**
 * A walk-in the organiser confirmed (no confirmed sign-up): a free place claimed on site (atomic,
 * guarded: signups.ts claimPlaceOnSite), the sign-up written confirmed by an add (none before) or
 * an update guarded by the status and `updatedAt` read — the filter is the decision, no
 * transaction — then a volunteer's record added (deterministic `_id`) and the claim settled.
 * A sign-up that changed meanwhile gives the place back and goes the general way (`arrive`).
 * A make-up record written at the same instant stands (the walk-in's sign-up stays confirmed).
 */
async function walkIn(activity: ActivityDoc, person: Person, staff: Caller, seen: SignUpDoc | null, record: RecordDoc | null, scannedAt: number | undefined): Promise<CheckResult> {
  const _ = db().command
  const volunteer = activity.kind === 'volunteer'
  const sid = signUpId(activity._id, person.openid)
  const rid = recordId(activity._id, person.openid)
  checkAudience(activity, person)
  if (volunteer && record) return result(activity, 'in', { already: true, walkIn: false, at: record.checkInAt ?? record.createdAt, volunteerName: person.name, recordId: rid })
  if (activity.placesLeft === undefined) await ensurePlacesLeft(activity)
  const place = await claimPlaceOnSite(activity._id, person.openid, seen?.status === 'waiting')
  if (!place) throw new AppError('CAPACITY_FULL', seen?.status === 'waiting' ? '名额已满，该志愿者仍在候补名单中，无法为其签到' : '名额已满，无法为其签到')
  const now = clock.date()
  const at = scannedAt === undefined ? now : new Date(scannedAt)
  const note = scannedAt === undefined ? {} : { note: QUEUED_NOTE }
  const entry: StoredHistory = { at: now, by: staff.openid, byName: staff.user?.profile?.name, action: '工作人员确认现场报名', claim: place.token }
  const doc = signUpDoc(activity._id, person, seen, { status: 'confirmed', walkIn: true, at: now, entry, claim: place.token, ...(volunteer ? {} : { checkedInAt: at }) })
  const added: StoredHistory[] = [entry]
  if (!volunteer) added.push({ at, by: staff.openid, action: '工作人员代签到', ...note })
  if (volunteer) doc.arrivedAt = at
  let written = false
  if (!seen) {
    try {
      await db()
        .collection(SIGNUPS)
        .add({ data: { _id: sid, ...doc, history: added } })
      written = true
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
    }
  } else {
    const { history, ...fields } = doc
    void history
    const res = await db()
      .collection(SIGNUPS)
      .where({ _id: sid, status: seen.status, updatedAt: seen.updatedAt })
      .update({ data: { ...fields, history: _.push(added) } })
    written = res.stats.updated > 0
  }
  if (!written) {
    await closePlaceClaim(activity._id, place, false)
    return arrive(activity, person, 'staff', undefined, staff, true, scannedAt)
  }
  if (volunteer) {
    try {
      await db()
        .collection(RECORDS)
        .add({ data: serviceRecord(activity, person, rid, at, 'staff', undefined, staff, scannedAt === undefined ? undefined : now) })
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
      await closePlaceClaim(activity._id, place, true)
      const existing = await findById<RecordDoc>(RECORDS, rid)
      return result(activity, 'in', { already: true, walkIn: false, at: existing?.checkInAt ?? existing?.createdAt ?? at, volunteerName: person.name, recordId: rid })
    }
  }
  await closePlaceClaim(activity._id, place, true)
  return result(activity, 'in', { already: false, walkIn: true, at, volunteerName: person.name, ...(volunteer ? { recordId: rid } : {}) })
}
