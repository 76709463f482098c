/**
 * What the activities domain stores, and the pure rules over it (phases, hours arithmetic).
 *
 * Collections (declared with their indexes in server/db/collections.ts):
 * - `activities`       one per activity (volunteer or event); counters `confirmedCount` and
 *                      `waitingCount` (see signups.ts for how they are kept, and `claims`).
 * - `activitySignups`  `_id` = `${activityId}:${openid}`: one per person and activity, ever
 *                      (withdrawing and signing up again reuses it; its history keeps both).
 *                      The waiting list is ordered by (`signedUpAt`, `_id`).
 * - `serviceRecords`   volunteer hours. `_id` = `${activityId}:${openid}` for activities (so a
 *                      second scan can never make a second record), `wish:${wishId}` for 微心愿.
 * - `volunteers`       `_id` = openid: the stable volunteer number, name, ranking preference.
 * - `certificates`     `_id` = certificate number: an issued 志愿服务证明 with its snapshot.
 */
import type {
  ActivityCategory,
  ActivityKind,
  ActivityPhase,
  ActivityStatus,
  Audience,
  CheckMethod,
  Place,
  RecordSource,
  RecordStatus,
  SignUpStatus
} from '../../contracts/activities'

export const ACTIVITIES = 'activities'
export const SIGNUPS = 'activitySignups'
export const RECORDS = 'serviceRecords'
export const VOLUNTEERS = 'volunteers'
export const CERTIFICATES = 'certificates'

export interface StoredHistory {
  at: Date
  by: string
  byName?: string
  action: string
  note?: string
  minutes?: number
  /** The claim token a sign-up entry was counted under (signups.ts repair). */
  claim?: string
  /** A withdrawal's entry: what the person held (which counter the release takes one from). */
  released?: 'confirmed' | 'waiting'
}

export interface ActivityDoc {
  _id: string
  kind: ActivityKind
  title: string
  category: ActivityCategory
  description: string
  /** The organising community; null for a district-wide activity. */
  communityId: string | null
  centerId?: string
  /** The centre's room it takes, and the room slot documents it holds (server/centers/events.ts). */
  roomId?: string
  roomName?: string
  slotIds?: string[]
  teamId?: string
  start: Date
  end: Date
  signUpDeadline: Date
  place: Place
  capacity: number
  audience: Audience
  status: ActivityStatus
  cancelReason?: string
  cancelledAt?: Date
  confirmedCount: number
  waitingCount: number
  /**
   * `capacity - confirmedCount`, written with them (so a sign-up's guarded update needs nothing
   * read first). Absent on activities created before it was kept (derived on first sign-up).
   */
  placesLeft?: number
  /**
   * Sign-ups under way (signups.ts): a place or a waiting-list entry counted in the counters whose
   * sign-up document may not be written yet, by claim token. Removed when the sign-up settles
   * (a waiting-list entry's: by the timer once stale, see `waitingClaimAt`).
   */
  claims?: Record<string, Claim>
  /**
   * When the latest waiting claim was made: waiting claims are left open by their sign-ups and
   * closed by the activities timer once stale (signups.ts `closeWaitingClaims`), which finds them by this.
   */
  waitingClaimAt?: Date
  remindedAt?: Date
  createdBy: string
  createdByName?: string
  createdAt: Date
  updatedAt: Date
  history: StoredHistory[]
}

/**
 * A change of the counters under way (signups.ts), for whom, since when: a sign-up that counted a
 * place (`confirmed`) or a waiting-list entry (`waiting`), a promotion that moved one from waiting
 * to confirmed (`promote`) — all three counted before the sign-up is written — or a withdrawal
 * (`release`), counted off only after the sign-up is written.
 */
export interface Claim {
  openid: string
  kind: 'confirmed' | 'waiting' | 'promote' | 'release'
  at: Date
  /** A release's: what the sign-up held (a confirmed one passes its place on: signups.ts handOff). */
  held?: 'confirmed' | 'waiting'
}

export interface SignUpDoc {
  _id: string
  activityId: string
  openid: string
  name: string
  mobile?: string
  status: SignUpStatus
  /** Token of the claim (on the activity) that counted this sign-up's latest place. */
  claim?: string
  /** Took a free place on the spot at check-in, without signing up before. */
  walkIn: boolean
  signedUpAt: Date
  /** Events: attendance is kept here (volunteer activities keep it in the service record). */
  checkedInAt?: Date
  checkedOutAt?: Date
  /**
   * Volunteer activities: when the check-in marked the sign-up (the attendance itself is the
   * service record); a withdrawal's update is guarded by its absence (signups.ts releaseSignUp).
   */
  arrivedAt?: Date
  updatedAt: Date
  history: StoredHistory[]
  /** The token of the confirmed withdrawal that wrote this sign-up withdrawn (signups.ts handOff ranks these). */
  releasedBy?: string
  /** The token of the withdrawal whose place this sign-up was moved up to. */
  promotedBy?: string
  /** Moved up by a contested hand-off: its message waits for the activities timer (signups.ts tellPromoted). */
  tellPromoted?: Date
}

export interface RecordDoc {
  _id: string
  source: RecordSource
  activityId?: string
  wishId?: string
  openid: string
  name: string
  /** The issuing organisation: the organising community, or null for the district. */
  communityId: string | null
  teamId?: string
  category: ActivityCategory
  title: string
  /** When the service took place (the activity's start; the wish's completion). */
  serviceDate: Date
  /** Year of `serviceDate` in Asia/Shanghai (for the per-year aggregates). */
  year: number
  activityStart?: Date
  activityEnd?: Date
  checkInAt?: Date
  checkOutAt?: Date
  checkInMethod?: CheckMethod
  checkOutMethod?: CheckMethod
  checkInLocation?: { latitude: number; longitude: number; accuracy?: number; distance?: number }
  autoClosed: boolean
  makeUp: boolean
  /** Scanned without signal and uploaded later (checkin.ts, queued scans): counted from the scan time. */
  queued?: boolean
  uploadedAt?: Date
  /**
   * Who entered the hours and so may not verify them (four eyes, access.ts requireVerifier): the
   * staff member who entered a make-up, or the organiser whose queued scan of the volunteer's code
   * opened or closed the record (checkin.ts, queued scans; the first one when two did).
   */
  enteredBy?: string
  enteredByName?: string
  status: RecordStatus
  minutes: number
  verifiedMinutes: number
  verifiedBy?: string
  verifiedByName?: string
  verifiedAt?: Date
  createdAt: Date
  updatedAt: Date
  history: StoredHistory[]
}

export interface VolunteerDoc {
  _id: string
  volunteerNo: string
  name: string
  communityId?: string
  /** Shown by name in the ranking: opt-in, absent or false until the volunteer turns it on. */
  rankingOptIn?: boolean
  /** Before issue #16 the ranking was opt-out; the old flag is no longer read. */
  rankingOptOut?: boolean
  createdAt: Date
}

export const signUpId = (activityId: string, openid: string) => `${activityId}:${openid}`
export const recordId = (activityId: string, openid: string) => `${activityId}:${openid}`
export const wishRecordId = (wishId: string) => `wish:${wishId}`

const MINUTE = 60_000

/** Where an activity stands at `now`. */
export function phaseOf(activity: Pick<ActivityDoc, 'status' | 'start' | 'end' | 'signUpDeadline'>, now: number): ActivityPhase {
  if (activity.status === 'cancelled') return 'cancelled'
  if (now >= +activity.end) return 'ended'
  if (now >= +activity.start) return 'ongoing'
  if (now >= +activity.signUpDeadline) return 'closed'
  return 'open'
}

export const activityMinutes = (activity: Pick<ActivityDoc, 'start' | 'end'>) => Math.floor((+activity.end - +activity.start) / MINUTE)

/**
 * Served minutes: check-in to check-out clipped to the activity's window, whole minutes,
 * never negative (arriving early or leaving late earns nothing extra).
 */
export function servedMinutes(activity: Pick<ActivityDoc, 'start' | 'end'>, checkInAt: Date | number, checkOutAt: Date | number): number {
  const from = Math.max(+checkInAt, +activity.start)
  const to = Math.min(+checkOutAt, +activity.end)
  return Math.max(0, Math.floor((to - from) / MINUTE))
}

/** Check-in opens this long before the start (volunteers gather early). */
export const CHECKIN_OPENS_BEFORE_MS = 60 * MINUTE
/** Check-out stays possible this long after the end (clipped to the end anyway). */
export const CHECKOUT_GRACE_MS = 120 * MINUTE

export const iso = (value: Date | number | string | undefined | null): string | undefined =>
  value === undefined || value === null ? undefined : new Date(value).toISOString()

export const isoOf = (value: Date | number | string): string => new Date(value).toISOString()

export const hoursOf = (minutes: number) => Math.round((minutes / 60) * 10) / 10

export function historyOut(history: StoredHistory[] | undefined) {
  return (history ?? []).map((h) => ({
    at: isoOf(h.at),
    by: h.by,
    byName: h.byName,
    action: h.action,
    note: h.note,
    minutes: h.minutes
  }))
}
