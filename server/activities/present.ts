/** Turning stored activities and records into the contract's shapes (with names looked up in bulk). */
import type { ActivityDetail, ActivitySummary, MySignUp, ServiceRecord } from '../../contracts/activities'
import { clock } from '../core/clock'
import { db } from '../core/db'
import {
  CHECKIN_OPENS_BEFORE_MS,
  CHECKOUT_GRACE_MS,
  historyOut,
  iso,
  isoOf,
  phaseOf,
  SIGNUPS,
  type ActivityDoc,
  type RecordDoc,
  type SignUpDoc
} from './model'

export const DISTRICT_LABEL = '区级活动'

/** Names of the communities, centres and teams activities refer to, by id (queries.ts joins them). */
export interface Names {
  communities: Map<string, string>
  centers: Map<string, string>
  teams: Map<string, string>
}

/**
 * Those waiting ahead of a sign-up in the waiting list, which is ordered by the time of joining it
 * (`signedUpAt`), then `_id`: the filter of the count (or of a `$count` part of a first read).
 */
export function waitingAhead(signUp: Pick<SignUpDoc, '_id' | 'activityId' | 'signedUpAt'>): Record<string, unknown> {
  const _ = db().command
  const at = new Date(signUp.signedUpAt)
  return _.and([{ activityId: signUp.activityId, status: 'waiting' }, _.or([{ signedUpAt: _.lt(at) }, { signedUpAt: at, _id: _.lt(signUp._id) }])]) as unknown as Record<string, unknown>
}

/** Position in the waiting list: 1 + those waiting ahead (one count, no counter shared by the crowd). */
export async function waitingPosition(signUp: Pick<SignUpDoc, '_id' | 'activityId' | 'signedUpAt'>): Promise<number> {
  const res = await db().collection(SIGNUPS).where(waitingAhead(signUp)).count()
  return res.total + 1
}

/**
 * The reader's own sign-up as shown; `position`, when the caller read it already (queries.ts), spares the count.
 * On a cancelled activity a sign-up still active (written after the cancel's bulk update, cancelled
 * by the timer within a minute or two: signups.ts step 3) shows as cancelled already.
 */
export async function mySignUpOf(signUp: SignUpDoc | undefined, activity: Pick<ActivityDoc, 'status'>, position?: number): Promise<MySignUp | undefined> {
  if (!signUp) return undefined
  if (activity.status === 'cancelled' && (signUp.status === 'confirmed' || signUp.status === 'waiting'))
    return { status: 'cancelled', position: undefined, checkedInAt: iso(signUp.checkedInAt), checkedOutAt: iso(signUp.checkedOutAt) }
  return {
    status: signUp.status,
    position: signUp.status === 'waiting' ? (position ?? (await waitingPosition(signUp))) : undefined,
    checkedInAt: iso(signUp.checkedInAt),
    checkedOutAt: iso(signUp.checkedOutAt)
  }
}

export function summaryOf(a: ActivityDoc, names: Names, mySignUp?: MySignUp): ActivitySummary {
  return {
    _id: a._id,
    kind: a.kind,
    title: a.title,
    category: a.category,
    communityId: a.communityId ?? null,
    communityName: a.communityId ? (names.communities.get(a.communityId) ?? a.communityId) : DISTRICT_LABEL,
    centerId: a.centerId,
    centerName: a.centerId ? names.centers.get(a.centerId) : undefined,
    ...(a.roomId ? { roomId: a.roomId, roomName: a.roomName } : {}),
    teamId: a.teamId,
    teamName: a.teamId ? names.teams.get(a.teamId) : undefined,
    start: isoOf(a.start),
    end: isoOf(a.end),
    signUpDeadline: isoOf(a.signUpDeadline),
    place: a.place,
    capacity: a.capacity,
    confirmedCount: a.confirmedCount,
    waitingCount: a.waitingCount,
    placesLeft: Math.max(0, a.capacity - a.confirmedCount),
    audience: a.audience,
    status: a.status,
    phase: phaseOf(a, clock.now()),
    mySignUp
  }
}

export function detailOf(
  a: ActivityDoc,
  names: Names,
  extra: Pick<ActivityDetail, 'canManage' | 'myRecord' | 'stats' | 'mySignUp'>
): ActivityDetail {
  const now = clock.now()
  const opens = +a.start - CHECKIN_OPENS_BEFORE_MS
  const live = a.status === 'published' && now >= opens
  return {
    checkWindow: { checkIn: live && now < +a.end, checkOut: live && now < +a.end + CHECKOUT_GRACE_MS },
    ...summaryOf(a, names, extra.mySignUp),
    description: a.description,
    createdByName: a.createdByName,
    cancelReason: a.cancelReason,
    canManage: extra.canManage,
    myRecord: extra.myRecord,
    stats: extra.stats,
    history: historyOut(a.history)
  }
}

export function recordOut(r: RecordDoc, issuerName: string): ServiceRecord {
  return {
    _id: r._id,
    source: r.source,
    activityId: r.activityId,
    wishId: r.wishId,
    openid: r.openid,
    name: r.name,
    communityId: r.communityId ?? null,
    issuerName,
    category: r.category,
    title: r.title,
    serviceDate: isoOf(r.serviceDate),
    checkInAt: iso(r.checkInAt),
    checkOutAt: iso(r.checkOutAt),
    checkInMethod: r.checkInMethod,
    checkOutMethod: r.checkOutMethod,
    autoClosed: r.autoClosed === true,
    makeUp: r.makeUp === true,
    status: r.status,
    minutes: r.minutes ?? 0,
    verifiedMinutes: r.verifiedMinutes ?? 0,
    history: historyOut(r.history)
  }
}

