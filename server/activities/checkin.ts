/**
 * On-site check-in and check-out.
 *
 * (1) The organiser's phone shows a rotating QR (`checkinCode`: a signed token valid ≤ 60 s); the
 *     volunteer scans it with the app (`checkIn`, and again `checkOut`), sending their location
 *     when the activity has a geofence.
 * (2) For people without a phone the organiser scans their personal code (`staffScan`).
 *
 * Scanning twice never records twice: a volunteer activity's record has the deterministic `_id`
 * `${activityId}:${openid}` (a second `add` fails and the first record is returned), check-out is
 * an update guarded by `status: 'open'`, and an event's attendance is a guarded update of the
 * sign-up. Someone who did not sign up takes a free place on the spot (no waiting list on site);
 * when none is left the check-in is refused with CAPACITY_FULL.
 */
import { z } from '../../src/contracts/zod'
import type { CheckinCode, checkInput, CheckMethod, CheckResult } from '../../src/contracts/activities'
import { clock } from '../core/clock'
import { db, isDuplicateKey } from '../core/db'
import { AppError, conflict, forbidden, notFound } from '../core/errors'
import { loadCaller, type Caller } from '../core/identity'
import { findById, getById } from '../core/records'
import { shanghai } from '../core/time'
import { requireOrganiser } from './access'
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
  type SignUpDoc
} from './model'
import { checkAudience, personOf, takePlace, type Person } from './signups'
import { issueCheckinToken, readCheckinToken } from './tokens'
import { publicUrl, qrDataUrl } from './util'
import { volunteerByCode } from './volunteers'

type CheckInput = z.output<typeof checkInput>

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

/** Makes sure the person holds a place (taking a free one on the spot); returns whether they walked in. */
async function ensurePlace(activity: ActivityDoc, person: Person, method: CheckMethod, staff?: Caller): Promise<boolean> {
  const signUp = await findById<SignUpDoc>(SIGNUPS, signUpId(activity._id, person.openid))
  if (signUp?.status === 'confirmed') return false
  checkAudience(activity, person)
  const by = staff ? { at: clock.date(), by: staff.openid, byName: staff.user?.profile?.name, action: '工作人员代签到报名' } : undefined
  try {
    const taken = await takePlace(activity._id, person, { walkIn: true, by })
    return !taken.already
  } catch (error) {
    if (error instanceof AppError && error.code === 'CAPACITY_FULL' && signUp?.status === 'waiting')
      throw new AppError('CAPACITY_FULL', '名额已满，您仍在候补名单中，请等待工作人员安排')
    if (error instanceof AppError && error.code === 'CAPACITY_FULL' && method === 'staff') throw new AppError('CAPACITY_FULL', '名额已满，无法为其签到')
    throw error
  }
}

async function arrive(activity: ActivityDoc, person: Person, method: CheckMethod, location?: RecordDoc['checkInLocation'], staff?: Caller): Promise<CheckResult> {
  const now = clock.date()
  const walkIn = await ensurePlace(activity, person, method, staff)
  const sid = signUpId(activity._id, person.openid)

  if (activity.kind === 'event') {
    const _ = db().command
    const res = await db()
      .collection(SIGNUPS)
      .where({ _id: sid, status: 'confirmed', checkedInAt: _.exists(false) })
      .update({ data: { checkedInAt: now, updatedAt: now, history: _.push([{ at: now, by: staff?.openid ?? person.openid, action: method === 'staff' ? '工作人员代签到' : '扫码签到' }]) } })
    if (res.stats.updated > 0) return result(activity, 'in', { already: false, at: now, walkIn, volunteerName: person.name })
    const signUp = await findById<SignUpDoc>(SIGNUPS, sid)
    return result(activity, 'in', { already: true, at: signUp?.checkedInAt ?? now, walkIn, volunteerName: person.name })
  }

  const record: RecordDoc = {
    _id: recordId(activity._id, person.openid),
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
    checkInAt: now,
    checkInMethod: method,
    ...(location ? { checkInLocation: location } : {}),
    autoClosed: false,
    makeUp: false,
    status: 'open',
    minutes: 0,
    verifiedMinutes: 0,
    createdAt: now,
    updatedAt: now,
    history: [{ at: now, by: staff?.openid ?? person.openid, byName: staff?.user?.profile?.name, action: method === 'staff' ? '工作人员代签到' : '扫码签到' }]
  }
  try {
    await db().collection(RECORDS).add({ data: record })
    return result(activity, 'in', { already: false, at: now, recordId: record._id, walkIn, volunteerName: person.name })
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
    const existing = await findById<RecordDoc>(RECORDS, record._id)
    return result(activity, 'in', { already: true, at: existing?.checkInAt ?? existing?.createdAt ?? now, recordId: record._id, walkIn, volunteerName: person.name })
  }
}

async function leave(activity: ActivityDoc, person: Person, method: CheckMethod, staff?: Caller): Promise<CheckResult> {
  const now = clock.date()
  const _ = db().command
  const by = staff?.openid ?? person.openid
  const action = method === 'staff' ? '工作人员代签退' : '扫码签退'

  if (activity.kind === 'event') {
    const sid = signUpId(activity._id, person.openid)
    const res = await db()
      .collection(SIGNUPS)
      .where({ _id: sid, checkedInAt: _.exists(true), checkedOutAt: _.exists(false) })
      .update({ data: { checkedOutAt: now, updatedAt: now, history: _.push([{ at: now, by, action }]) } })
    const signUp = await findById<SignUpDoc>(SIGNUPS, sid)
    if (!signUp?.checkedInAt) throw conflict('尚未签到，请先签到')
    return result(activity, 'out', { already: res.stats.updated === 0, at: signUp.checkedOutAt ?? now, volunteerName: person.name })
  }

  const id = recordId(activity._id, person.openid)
  const record = await findById<RecordDoc>(RECORDS, id)
  if (!record || !record.checkInAt) throw conflict('尚未签到，请先签到')
  if (record.status === 'open') {
    const minutes = servedMinutes(activity, record.checkInAt, now)
    const res = await db()
      .collection(RECORDS)
      .where({ _id: id, status: 'open' })
      .update({ data: { status: 'pending', checkOutAt: now, checkOutMethod: method, minutes, updatedAt: now, history: _.push([{ at: now, by, action, minutes }]) } })
    if (res.stats.updated > 0) return result(activity, 'out', { already: false, at: now, recordId: id, minutes, volunteerName: person.name })
  } else if (record.status === 'pending' && record.autoClosed) {
    // Closed at the end before the volunteer came to scan (within the grace period): the scan is
    // the real check-out, so the flag goes; the minutes stay clipped to the end.
    const minutes = servedMinutes(activity, record.checkInAt, now)
    const res = await db()
      .collection(RECORDS)
      .where({ _id: id, status: 'pending', autoClosed: true })
      .update({ data: { checkOutAt: now, checkOutMethod: method, autoClosed: false, minutes, updatedAt: now, history: _.push([{ at: now, by, action, minutes }]) } })
    if (res.stats.updated > 0) return result(activity, 'out', { already: false, at: now, recordId: id, minutes, volunteerName: person.name })
  }
  const latest = (await findById<RecordDoc>(RECORDS, id)) ?? record
  return result(activity, 'out', { already: true, at: latest.checkOutAt ?? now, recordId: id, minutes: latest.minutes, volunteerName: person.name })
}

/** The volunteer scanned the organiser's code. */
export async function scanCheck(caller: Caller, input: CheckInput, direction: 'in' | 'out'): Promise<CheckResult> {
  const now = clock.now()
  const { activityId } = readCheckinToken(input.token, now)
  if (input.activityId && input.activityId !== activityId) throw forbidden('这不是本活动的签到码')
  const activity = await findById<ActivityDoc>(ACTIVITIES, activityId)
  if (!activity) throw notFound('活动')
  checkWindow(activity, direction, now)
  const person = personOf(caller)
  if (direction === 'out') return leave(activity, person, 'scan')
  const distance = checkGeofence(activity.place, input.location)
  const location = input.location ? { ...input.location, ...(distance !== undefined ? { distance } : {}) } : undefined
  return arrive(activity, person, 'scan', location)
}

/** The organiser scanned a volunteer's personal code. */
export async function staffScan(caller: Caller, input: { activityId: string; memberCode: string; direction: 'in' | 'out' }): Promise<CheckResult> {
  const activity = await getById<ActivityDoc>(ACTIVITIES, input.activityId, '活动')
  requireOrganiser(caller, activity.communityId)
  checkWindow(activity, input.direction, clock.now())
  const volunteer = await volunteerByCode(input.memberCode)
  const who = await loadCaller(volunteer._id)
  const person: Person = { ...personOf(who), name: who.user?.profile?.name || volunteer.name }
  return input.direction === 'in' ? arrive(activity, person, 'staff', undefined, caller) : leave(activity, person, 'staff', caller)
}
