/**
 * 志愿服务与邻里活动: activities, sign-up and waiting list, on-site check-in/check-out, service
 * records (hours) and their verification, certificates, the ranking.
 *
 * One capability serves two kinds of activity:
 * - kind "volunteer" (志愿服务活动): check-in/check-out produce a service record whose hours staff verify;
 * - kind "event" (邻里活动, e.g. a lecture at a 党建+邻里中心, optionally tied to a `centerId`):
 *   the same capacity, sign-up, waiting list and check-in, but never any service record or hours.
 *
 * Times in inputs are `dateTimeSchema` (wall-clock Asia/Shanghai strings or epoch millis); times in
 * outputs are ISO strings (UTC) that the client shows in Asia/Shanghai.
 */
import { dateTimeSchema, idSchema, mobileSchema, pageInputSchema, text } from './common'
import { sortSchema } from './sort'
import { z } from './zod'
import { BATCH_MAX, batchReplySchema } from './batch'
import {
  ACTIVITY_KINDS,
  AUDIENCES,
  RECORD_STATUSES,
  SIGNUP_STATUSES,
  activityListContract,
  activitySummarySchema,
  categorySchema,
  isoSchema,
  placeSchema,
  type ActivityKind,
  type RecordStatus
} from './activityList'

// The 活动 tab's slice (list, summary, the enums and labels a card shows) lives in ./activityList.
export {
  ACTIVITY_CATEGORIES,
  ACTIVITY_KINDS,
  ACTIVITY_KIND_LABELS,
  ACTIVITY_PHASES,
  ACTIVITY_PHASE_LABELS,
  ACTIVITY_STATUSES,
  AUDIENCES,
  AUDIENCE_LABELS,
  GEOFENCE,
  RECORD_STATUSES,
  RECORD_STATUS_LABELS,
  SIGNUP_STATUSES,
  SIGNUP_STATUS_LABELS,
  activityListContract,
  activityListOutput,
  activitySummarySchema,
  categorySchema,
  coordinatesSchema,
  listInput,
  mySignUpSchema,
  placeSchema,
  type ActivityCategory,
  type ActivityKind,
  type ActivityPhase,
  type ActivityStatus,
  type ActivitySummary,
  type Audience,
  type ListInput,
  type MySignUp,
  type Place,
  type RecordStatus,
  type SignUpStatus
} from './activityList'

// ------------------------------------------------------------------ enums and labels

/** Statuses whose `verifiedMinutes` count as verified service hours. */
export const VERIFIED_STATUSES: readonly RecordStatus[] = ['approved', 'adjusted']

export const RECORD_SOURCES = ['checkin', 'makeup', 'wish'] as const
export type RecordSource = (typeof RECORD_SOURCES)[number]
export const RECORD_SOURCE_LABELS: Record<RecordSource, string> = { checkin: '签到签退', makeup: '补录', wish: '微心愿' }

export const CHECK_METHODS = ['scan', 'staff'] as const
export type CheckMethod = (typeof CHECK_METHODS)[number]
export const CHECK_METHOD_LABELS: Record<CheckMethod, string> = { scan: '扫码', staff: '工作人员代扫' }

export const DECISIONS = ['approve', 'adjust', 'decline'] as const
export type Decision = (typeof DECISIONS)[number]
export const DECISION_LABELS: Record<Decision, string> = { approve: '认定', adjust: '调整后认定', decline: '不予认定' }

/** The issuer id of activities organised by the district itself (not by one community). */
export const DISTRICT_ISSUER = 'district'

/** A check-in token lives at most this long (the staff page rotates it before it expires). */
export const CHECKIN_TOKEN_TTL_SECONDS = 60

/**
 * A scan made without signal is kept on the phone and sent later with its `scannedAt`
 * (server/activities/checkin.ts, "Queued scans"): accepted only this long after the scan…
 */
export const QUEUED_SCAN_MAX_AGE_MS = 6 * 60 * 60 * 1000
/** …and with this much tolerance between the phone's clock and the server's. */
export const QUEUED_SCAN_CLOCK_SKEW_MS = 2 * 60 * 1000

/**
 * The shortest service a check-out records: a check-out earlier (counted minutes, i.e. from
 * check-in clipped to the activity) is refused unless confirmed (`confirmShort: true`), and a
 * confirmed one closes the record with 0 minutes (the history keeps what was served).
 */
export const MIN_SERVICE_MINUTES = 10

// ------------------------------------------------------------------ shared shapes

type Loose = Record<string, unknown>
const isObject = (v: unknown): v is Loose => Boolean(v) && typeof v === 'object' && !Array.isArray(v)

/**
 * Accepted spellings of a place in inputs: a plain name, or an object whose coordinates are given
 * as `coordinates: {latitude, longitude}` or flat (`latitude`/`longitude`, `lat`/`lng`).
 */
function placeAliases(raw: unknown): unknown {
  if (typeof raw === 'string') return { name: raw }
  if (!isObject(raw)) return raw
  const v: Loose = { ...raw }
  const lat = v.latitude ?? v.lat
  const lng = v.longitude ?? v.lng ?? v.lon
  if (v.coordinates === undefined && typeof lat === 'number' && typeof lng === 'number') v.coordinates = { latitude: lat, longitude: lng }
  if (v.radius === undefined && typeof v.radiusMeters === 'number') v.radius = v.radiusMeters
  return v
}
export const placeInputSchema = z.preprocess(placeAliases, placeSchema)

/**
 * Accepted aliases in create/update inputs (the published contract names the actions, not every
 * field): `startAt`/`endAt` for start/end, `deadline`/`signupDeadline` for signUpDeadline,
 * `membersOnly: boolean` for audience, `location` for place.
 */
function activityAliases(raw: unknown): unknown {
  if (!isObject(raw)) return raw
  const v: Loose = { ...raw }
  const alias = (to: string, ...from: string[]) => {
    if (v[to] !== undefined) return
    const found = from.find((f) => v[f] !== undefined)
    if (found) v[to] = v[found]
  }
  alias('start', 'startAt', 'startTime')
  alias('end', 'endAt', 'endTime')
  alias('signUpDeadline', 'signupDeadline', 'deadline', 'signUpEnd')
  alias('place', 'location')
  if (v.audience === undefined && typeof v.membersOnly === 'boolean') v.audience = v.membersOnly ? 'members' : 'all'
  return v
}

/** Where the phone says it is at check-in (wx.getLocation, type gcj02; accuracy in metres). */
export const locationSchema = z.object({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  accuracy: z.number().min(0).max(100000).optional()
})
export type Location = z.infer<typeof locationSchema>

export const historyEntrySchema = z.object({
  at: isoSchema,
  by: z.string(),
  byName: z.string().optional(),
  action: z.string(),
  note: z.string().optional(),
  minutes: z.number().optional()
})
export type HistoryEntry = z.infer<typeof historyEntrySchema>

// ------------------------------------------------------------------ activities

const activityFields = {
  title: z.string().trim().min(2, '活动标题至少2个字').max(40, '活动标题不能超过40个字'),
  category: categorySchema,
  description: z.string().trim().max(2000).default(''),
  start: dateTimeSchema,
  end: dateTimeSchema,
  place: placeInputSchema,
  capacity: z.number().int().min(1).max(100000),
  /** Default: the start. Must not be after the start. */
  signUpDeadline: dateTimeSchema.optional(),
  audience: z.enum(AUDIENCES).default('all'),
  teamId: idSchema.optional()
}

const createFields = z.object({
  kind: z.enum(ACTIVITY_KINDS).default('volunteer'),
  /** The organising community. Omitted: the caller's own community (staff), the centre's community, or the district (district admin). */
  communityId: idSchema.optional(),
  /** A 党建+邻里中心 (collection `centers`) where the activity takes place; mostly for kind "event". */
  centerId: idSchema.optional(),
  /**
   * The centre's room it takes (required for an event at a centre): the event claims the room's
   * slots like a booking, so nobody can book the room at those hours (server/centers/events.ts).
   */
  roomId: idSchema.optional(),
  ...activityFields
})
/** An event at a centre takes one of its rooms; a room needs its centre. */
function requireCentreRoom(v: { kind?: ActivityKind; centerId?: string; roomId?: string }, ctx: z.RefinementCtx): void {
  if (v.kind === 'event' && v.centerId && !v.roomId) ctx.addIssue({ code: 'custom', path: ['roomId'], message: '请选择活动室' })
  if (v.roomId && !v.centerId) ctx.addIssue({ code: 'custom', path: ['centerId'], message: '请选择活动室所在的邻里中心' })
}
export const createInput = z.preprocess(activityAliases, createFields.superRefine(requireCentreRoom))
export type CreateInput = z.input<typeof createFields>

const updateFields = z.object({
  activityId: idSchema,
  title: activityFields.title.optional(),
  category: categorySchema.optional(),
  description: z.string().trim().max(2000).optional(),
  start: dateTimeSchema.optional(),
  end: dateTimeSchema.optional(),
  place: placeInputSchema.optional(),
  capacity: activityFields.capacity.optional(),
  signUpDeadline: dateTimeSchema.optional(),
  audience: z.enum(AUDIENCES).optional(),
  /** null removes the team. */
  teamId: idSchema.nullable().optional(),
  /** Another room of the activity's centre (its slots move with it). */
  roomId: idSchema.optional(),
  /** Why it changed; told to those signed up when time or place changes. */
  note: z.string().trim().max(200).optional()
})
export const updateInput = z.preprocess(activityAliases, updateFields)
export type UpdateInput = z.input<typeof updateFields>

export const cancelInput = z.object({
  activityId: idSchema,
  reason: z.string().trim().min(2, '请填写取消原因（至少2个字）').max(200, '取消原因不能超过200个字')
})

export const activityIdInput = z.object({ activityId: idSchema })

export const myRecordSchema = z.object({
  _id: z.string(),
  status: z.enum(RECORD_STATUSES),
  checkInAt: isoSchema.optional(),
  checkOutAt: isoSchema.optional(),
  minutes: z.number(),
  verifiedMinutes: z.number(),
  autoClosed: z.boolean()
})

export const activityDetailSchema = activitySummarySchema.extend({
  description: z.string(),
  createdByName: z.string().optional(),
  cancelReason: z.string().optional(),
  /** The caller organises it (staff of its community; district admin for district-wide ones). */
  canManage: z.boolean(),
  /** Whether scanning the code would be accepted now (check-in: from 1 h before the start to the end; check-out: until 2 h after the end). */
  checkWindow: z.object({ checkIn: z.boolean(), checkOut: z.boolean() }),
  /** Volunteer kind only: the caller's service record for it. */
  myRecord: myRecordSchema.optional(),
  /** Organisers only: check-ins so far and records waiting for verification. */
  stats: z.object({ checkedIn: z.number(), checkedOut: z.number(), pendingRecords: z.number(), openRecords: z.number() }).optional(),
  history: z.array(historyEntrySchema)
})
export type ActivityDetail = z.infer<typeof activityDetailSchema>

export const signUpResultSchema = z.object({
  status: z.enum(['confirmed', 'waiting']),
  position: z.number().int().optional(),
  /** True when the caller was already signed up (nothing changed). */
  already: z.boolean()
})
export type SignUpResult = z.infer<typeof signUpResultSchema>

export const withdrawResultSchema = z.object({ status: z.literal('withdrawn'), promoted: z.number().int() })

// ------------------------------------------------------------------ check-in

export const checkinCodeOutput = z.object({
  token: z.string().max(32),
  expiresAt: isoSchema,
  /** What the QR encodes: the H5 check-in page with the token (a plain token where no URL is configured). */
  link: z.string(),
  /** The QR image as a PNG data URL (drawn on the server so weapp and H5 show the same thing). */
  qr: z.string()
})
export type CheckinCode = z.infer<typeof checkinCodeOutput>

/**
 * A scan sent later because there was no signal (src/features/volunteer/offlineScans.ts): when the
 * phone scanned (epoch ms, its own clock) and, optionally, the phone's clock when sending, which
 * lets the server correct a phone clock that is off. The code must have been valid at `scannedAt`
 * and the scan at most QUEUED_SCAN_MAX_AGE_MS old (EXPIRED, `fields: ['scannedAt']`); a scan time in
 * the future is INVALID_INPUT (`fields: ['scannedAt']`). The check-in/out then counts from `scannedAt`.
 */
const queuedScanFields = {
  scannedAt: z.number().int().positive().optional(),
  sentAt: z.number().int().positive().optional()
}

/**
 * Check-in by the code needs a confirmed sign-up (FORBIDDEN 您未报名此活动… otherwise: a code
 * forwarded in a chat must not check in people who never signed up; walk-ins are recorded by the
 * organiser, `staffScan` with `walkIn: true`).
 */
export const checkInput = z.object({
  /** The token, or whatever the scanner read (the H5 link holding it). */
  token: z.string().min(8).max(512),
  location: locationSchema.optional(),
  /** The activity the app has open, if any: a token of another activity is then refused. */
  activityId: idSchema.optional(),
  /**
   * Check-out only: the volunteer confirmed leaving before MIN_SERVICE_MINUTES (the record then
   * counts 0 minutes). Without it such a check-out is refused with CONFLICT and `fields: ['confirmShort']`.
   */
  confirmShort: z.boolean().optional(),
  ...queuedScanFields
})
export type CheckInput = z.input<typeof checkInput>

export const staffScanInput = z.object({
  activityId: idSchema,
  /** The person's signed personal code (`<volunteerNo>.<signature>`, scanned or typed); a bare volunteer number is refused. */
  memberCode: z.string().trim().min(4).max(64),
  direction: z.enum(['in', 'out']),
  /**
   * Check-in of someone without a confirmed sign-up: the organiser confirms they take part on the
   * spot (a free place is taken). Without it such a check-in is refused with CONFLICT and
   * `fields: ['walkIn']`, which the staff page turns into the question.
   */
  walkIn: z.boolean().default(false),
  /** Check-out before MIN_SERVICE_MINUTES, confirmed (see checkInput). */
  confirmShort: z.boolean().optional(),
  /** A scan queued without signal (see checkInput). */
  ...queuedScanFields
})
export type StaffScanInput = z.input<typeof staffScanInput>

export const checkResultSchema = z.object({
  activityId: z.string(),
  activityTitle: z.string(),
  kind: z.enum(ACTIVITY_KINDS),
  direction: z.enum(['in', 'out']),
  /** True when this scan repeated an earlier one (nothing new was recorded). */
  already: z.boolean(),
  at: isoSchema,
  /** Volunteer kind: the service record. */
  recordId: z.string().optional(),
  /** After check-out of a volunteer activity: the computed minutes (pending verification). */
  minutes: z.number().optional(),
  volunteerName: z.string().optional(),
  /** Set when the person was not signed up and the organiser recorded them on the spot (staffScan `walkIn`). */
  walkIn: z.boolean()
})
export type CheckResult = z.infer<typeof checkResultSchema>

export const memberCodeOutput = z.object({
  volunteerNo: z.string(),
  name: z.string(),
  memberCode: z.string(),
  qr: z.string()
})
export type MemberCode = z.infer<typeof memberCodeOutput>

// ------------------------------------------------------------------ roster and records (organisers)

export const rosterInput = pageInputSchema.extend({
  activityId: idSchema,
  status: z.enum(SIGNUP_STATUSES).optional(),
  /** The back office: by the time of signing up, in the order asked (default: first come first). */
  sort: sortSchema(['signedUpAt'], ['报名时间']).optional()
})

export const rosterEntrySchema = z.object({
  openid: z.string(),
  name: z.string(),
  /** Masked (138****1234); the organiser dials through `revealMobile` (audited). */
  mobile: z.string().optional(),
  status: z.enum(SIGNUP_STATUSES),
  position: z.number().optional(),
  signedUpAt: isoSchema,
  walkIn: z.boolean(),
  checkedInAt: isoSchema.optional(),
  checkedOutAt: isoSchema.optional()
})
export type RosterEntry = z.infer<typeof rosterEntrySchema>

/** The full number of one person on the roster, for the organiser to call; every view is audited. */
export const rosterRevealMobileInput = z.object({ activityId: idSchema, openid: idSchema })

/**
 * The organiser takes someone off the roster (a bogus or duplicate sign-up) before the activity
 * starts: the sign-up is withdrawn like the person's own withdrawal (the place goes to the first
 * waiting), the person is told why, and the removal is audited. Not once they checked in.
 */
export const removeSignUpInput = z.object({ activityId: idSchema, openid: idSchema, reason: text(2, 100, '移除原因') })

// ------------------------------------------------------------------ 志愿者实名登记

/**
 * 志愿者实名登记 (《志愿服务条例》第七条): a place is held only by a known, real-name person. Party
 * members sign up with their approved 报到 registration; everyone else registers once with name,
 * mobile and consent (purpose 'volunteer'). A sign-up without either answers REGISTRATION_REQUIRED.
 * A name or mobile already in the person's profile (a member's registered ones) is kept, never
 * overwritten: `mobile` may then be left out. Registering again answers ok (`already: true`).
 */
export const joinVolunteersInput = z.object({
  name: text(2, 20, '姓名'),
  /** Required unless the person's profile already has a mobile (INVALID_INPUT on `mobile` otherwise). */
  mobile: mobileSchema.optional(),
  consent: z.literal(true, { message: '请阅读并同意志愿者登记的个人信息使用说明' })
})
export type JoinVolunteersInput = z.input<typeof joinVolunteersInput>
/**
 * `volunteerNo`: the person's number when they have one; null until it is handed out at first need
 * (their personal code, their first verified service record: server/activities/volunteers.ts).
 */
export const joinVolunteersOutput = z.object({ volunteerNo: z.string().nullable(), already: z.boolean() })

/**
 * One activity's records (its organiser); without `activityId`, 待认定时长: the records waiting for
 * verification that the caller may decide, across activities (staff: their communities'; the
 * district admin: district activities' and community staff's own hours), make-ups excluded.
 */
export const recordsInput = pageInputSchema
  .extend({
    activityId: idSchema.optional(),
    status: z.enum(RECORD_STATUSES).optional()
  })
  .refine((v) => v.activityId || !v.status || v.status === 'pending', { message: '不指定活动时只能查看待认定的记录', path: ['status'] })

export const serviceRecordSchema = z.object({
  _id: z.string(),
  source: z.enum(RECORD_SOURCES),
  activityId: z.string().optional(),
  wishId: z.string().optional(),
  openid: z.string(),
  name: z.string(),
  communityId: z.string().nullable(),
  issuerName: z.string(),
  category: categorySchema,
  title: z.string(),
  serviceDate: isoSchema,
  checkInAt: isoSchema.optional(),
  checkOutAt: isoSchema.optional(),
  checkInMethod: z.enum(CHECK_METHODS).optional(),
  checkOutMethod: z.enum(CHECK_METHODS).optional(),
  /** Check-out was missing and the record was closed at the activity's end: staff should look. */
  autoClosed: z.boolean(),
  /** Make-up hours added by staff (capped at the activity's length); `pending` until a second staff member approves (its first history entry names who entered it). */
  makeUp: z.boolean(),
  status: z.enum(RECORD_STATUSES),
  /** Minutes from check-in/out clipped to the activity window (or the make-up/wish minutes). */
  minutes: z.number(),
  /** Minutes that count: set when approved or adjusted, else 0. */
  verifiedMinutes: z.number(),
  history: z.array(historyEntrySchema)
})
export type ServiceRecord = z.infer<typeof serviceRecordSchema>

/**
 * The organiser's decision on a record. FORBIDDEN for one's own record (不能认定自己的服务时长) and
 * for a make-up one entered oneself; make-up entries and records of the community's own staff may
 * also be verified by the district admin (the second pair of eyes where a community has one staff member).
 */
export const verifyInput = z
  .object({
    recordId: idSchema.max(140),
    decision: z.enum(DECISIONS),
    minutes: z.number().int().min(0).max(24 * 60).optional(),
    reason: z.string().trim().max(200, '理由不能超过200个字').optional()
  })
  .refine((v) => v.decision !== 'adjust' || v.minutes !== undefined, { message: '调整认定需填写时长', path: ['minutes'] })
  // Adjusting needs a reason; declining should give one (the app asks), but is not refused without.
  .refine((v) => v.decision !== 'adjust' || (v.reason ?? '').length >= 2, { message: '请填写调整理由', path: ['reason'] })

/**
 * The back office's 批量认定 (docs/back-office.md §4): one decision for up to 20 records, each
 * decided by `verify` itself (its four-eyes guards, history and message), per-id outcomes; one
 * refusal never stops the others. Record ids may be longer than other ids (`verify`'s 140).
 */
export const verifyManyInput = z
  .object({
    recordIds: z
      .array(idSchema.max(140))
      .min(1, '请至少选择一条服务记录')
      .max(BATCH_MAX, `一次最多处理 ${BATCH_MAX} 条服务记录`)
      .refine((ids) => new Set(ids).size === ids.length, '服务记录有重复'),
    decision: z.enum(DECISIONS),
    minutes: z.number().int().min(0).max(24 * 60).optional(),
    reason: z.string().trim().max(200, '理由不能超过200个字').optional()
  })
  .refine((v) => v.decision !== 'adjust' || v.minutes !== undefined, { message: '调整认定需填写时长', path: ['minutes'] })
  .refine((v) => v.decision !== 'adjust' || (v.reason ?? '').length >= 2, { message: '请填写调整理由', path: ['reason'] })
export type VerifyManyInput = z.input<typeof verifyManyInput>

/**
 * Make-up hours: recorded `pending` (they count only once another staff member of the community or
 * the district admin approves them with `verify`); never for oneself (FORBIDDEN).
 */
export const makeUpInput = z.object({
  activityId: idSchema,
  /** The volunteer: a personal code or a volunteer number (the entry is checked by a second person). */
  memberCode: z.string().trim().min(4).max(64),
  minutes: z.number().int().min(1).max(24 * 60),
  reason: z.string().trim().min(2, '请填写补录原因（至少2个字）').max(200, '补录原因不能超过200个字')
})

export const remindOutput = z.object({ sent: z.number().int(), already: z.boolean() })

// ------------------------------------------------------------------ hours, certificates, ranking

export const myHoursInput = pageInputSchema.extend({
  year: z.number().int().min(2000).max(2100).optional(),
  status: z.enum(RECORD_STATUSES).optional()
})

export const minutesByKeySchema = z.object({ key: z.string(), minutes: z.number(), records: z.number() })

export const myHoursOutput = z.object({
  volunteerNo: z.string().optional(),
  /** The personal code staff scan (staffScan), once the volunteer has a number. */
  memberCode: z.string().optional(),
  name: z.string(),
  verifiedMinutes: z.number(),
  pendingMinutes: z.number(),
  /** The same in hours, one decimal. */
  verifiedHours: z.number(),
  pendingHours: z.number(),
  verifiedRecords: z.number(),
  byYear: z.array(minutesByKeySchema),
  byCategory: z.array(minutesByKeySchema),
  /** Verified minutes per issuing organisation: one certificate each. */
  byIssuer: z.array(minutesByKeySchema.extend({ name: z.string() })),
  records: z.object({ items: z.array(serviceRecordSchema), total: z.number(), page: z.number(), pageSize: z.number() })
})
export type MyHours = z.infer<typeof myHoursOutput>

// The volunteer's identity document (志愿服务记录与证明出具办法: the 证明 names the volunteer's 证件).
// Given by the volunteer with explicit consent when asking for a certificate; kept on their volunteer
// record only masked (type + 1101**********1234) — no action ever returns, and nothing stores, the full
// number (server/activities/identity.ts).

export const ID_TYPES = ['resident_id', 'residence_permit', 'hk_macao_permit', 'taiwan_permit', 'passport', 'foreign_permanent_id'] as const
export type IdType = (typeof ID_TYPES)[number]
export const ID_TYPE_LABELS: Record<IdType, string> = {
  resident_id: '居民身份证',
  residence_permit: '港澳台居民居住证',
  hk_macao_permit: '港澳居民来往内地通行证',
  taiwan_permit: '台湾居民来往大陆通行证',
  passport: '护照',
  foreign_permanent_id: '外国人永久居留身份证'
}

/** What the volunteer agrees to, shown next to the checkbox and stored with the consent time. */
export const ID_CONSENT_PURPOSE =
  '我同意社区将我的证件类型和证件号码用于出具志愿服务记录证明。证明及公开核验页面只显示部分隐去的号码，完整号码不予保存、不向任何人提供。'

const GB11643_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const GB11643_CODES = '10X98765432'

/** GB 11643 citizen identity number: 17 digits, a valid birth date, and the ISO 7064 MOD 11-2 check character. */
export function isValidGb11643(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false
  const sum = GB11643_WEIGHTS.reduce((acc, w, i) => acc + w * Number(id[i]), 0)
  if (GB11643_CODES[sum % 11] !== id[17]) return false
  const [y, m, d] = [Number(id.slice(6, 10)), Number(id.slice(10, 12)), Number(id.slice(12, 14))]
  const birth = new Date(Date.UTC(y, m - 1, d))
  return y >= 1900 && birth.getUTCMonth() === m - 1 && birth.getUTCDate() === d && birth.getTime() <= Date.now()
}

/** Why the number is not a valid number of its type (Chinese, for the field), or null when it is. */
export function idNumberProblem(type: IdType, number: string): string | null {
  const label = ID_TYPE_LABELS[type]
  switch (type) {
    case 'resident_id':
      if (!/^\d{17}[\dX]$/.test(number)) return '居民身份证号码应为18位（前17位为数字，最后一位为数字或X）'
      return isValidGb11643(number) ? null : '居民身份证号码有误（出生日期或校验位不符），请核对'
    case 'residence_permit':
      if (!/^8[123]\d{15}[\dX]$/.test(number)) return '港澳台居民居住证号码应为18位，以81、82或83开头'
      return isValidGb11643(number) ? null : '港澳台居民居住证号码有误（校验位不符），请核对'
    case 'hk_macao_permit':
      return /^[HM]\d{8}(\d{2})?$/.test(number) ? null : `${label}号码应为H或M加8位数字`
    case 'taiwan_permit':
      return /^(\d{8}|\d{10}[A-Z]?)$/.test(number) ? null : `${label}号码应为8位数字`
    case 'passport':
      return /^[A-Z0-9]{5,17}$/.test(number) && /\d/.test(number) ? null : '护照号码应为5至17位字母或数字'
    case 'foreign_permanent_id':
      if (/^[A-Z]{3}\d{12}$/.test(number)) return null
      return /^9\d{16}[\dX]$/.test(number) && isValidGb11643(number) ? null : `${label}号码应为3位字母加12位数字，或以9开头的18位号码`
  }
}

/**
 * The number as shown on the certificate and on the public verification — less than half of it:
 * 18 characters (居民身份证, 居住证): 1101**********1234; 9 to 17: the first and last two
 * (E1*****78); 5 to 8 (short passports, 台湾居民来往大陆通行证): the first and last one (E******8);
 * 4 or fewer: nothing.
 */
export function maskIdNumber(number: string): string {
  const keep = number.length >= 18 ? 4 : number.length >= 9 ? 2 : number.length >= 5 ? 1 : 0
  if (keep === 0) return '*'.repeat(number.length)
  return `${number.slice(0, keep)}${'*'.repeat(number.length - 2 * keep)}${number.slice(-keep)}`
}

export const identityInput = z
  .object({
    idType: z.enum(ID_TYPES, { message: '请选择证件类型' }),
    idNumber: z
      .string({ message: '请填写证件号码' })
      .transform((v) => v.replace(/\s+/g, '').toUpperCase())
      .pipe(z.string().min(1, '请填写证件号码').max(30, '证件号码过长')),
    /** Explicit consent to the purpose above (个人信息保护法 第十三、十四、二十九条). */
    consent: z.literal(true, { message: '请阅读并同意证件信息的使用说明' })
  })
  .superRefine((value, ctx) => {
    const problem = idNumberProblem(value.idType, value.idNumber)
    if (problem) ctx.addIssue({ code: 'custom', path: ['idNumber'], message: problem })
  })
export type IdentityInput = z.input<typeof identityInput>

export const certificateInput = z.object({
  /** A community id, or "district" for district-wide activities. Default: where most verified hours were served. */
  issuerId: idSchema.optional(),
  /**
   * The volunteer's identity document, with consent: required the first time (and to change it);
   * afterwards the one on their volunteer record is used. Only the volunteer gives it.
   */
  identity: identityInput.optional(),
  /**
   * Staff issuing for a volunteer (e.g. hours from 微心愿 only): the volunteer's number. Only the
   * issuer's staff (the community's staff; the district admins for district activities) may.
   */
  volunteerNo: z.string().trim().toUpperCase().min(4).max(20).optional()
})

export const certificateItemSchema = z.object({
  title: z.string(),
  category: categorySchema,
  date: isoSchema,
  minutes: z.number()
})

export const certificateSchema = z.object({
  certificateNo: z.string(),
  name: z.string(),
  volunteerNo: z.string(),
  issuerId: z.string(),
  /** The issuing organisation (谁组织谁记录、谁记录谁证明). */
  issuerName: z.string(),
  /** Its person in charge (负责人). */
  personInCharge: z.string(),
  /** Its handler (经办人): a staff member of the issuer — who verified the latest record, or who issued it. */
  handler: z.string(),
  sealText: z.string(),
  /** The volunteer's identity document, masked (certificates issued before it was asked for have none). */
  idType: z.enum(ID_TYPES).optional(),
  idNumberMasked: z.string().optional(),
  totalMinutes: z.number(),
  recordCount: z.number(),
  periodFrom: isoSchema,
  periodTo: isoSchema,
  byCategory: z.array(minutesByKeySchema),
  items: z.array(certificateItemSchema),
  issuedAt: isoSchema,
  /** Link that anyone can open to verify this certificate. */
  verifyUrl: z.string(),
  /** Mini-program code (WeChat) or QR PNG (emulator) that opens the verification page. */
  verifyCodeUrl: z.string().optional()
})
export type Certificate = z.infer<typeof certificateSchema>

export const verifyCertificateInput = z.object({ certificateNo: z.string().trim().min(6).max(40) })

export const certificateCheckSchema = z.object({
  certificateNo: z.string(),
  /** True when the records still support the certificate (status "valid"). */
  valid: z.boolean(),
  /** valid: the records still support every minute; changed: records were corrected since issue. */
  status: z.enum(['valid', 'changed']),
  /** Masked (王*兰): the verifier compares it with the paper certificate. */
  name: z.string(),
  volunteerNo: z.string(),
  /** Masked only (1101**********1234), like the name. */
  idType: z.enum(ID_TYPES).optional(),
  idNumberMasked: z.string().optional(),
  issuerName: z.string(),
  personInCharge: z.string(),
  handler: z.string(),
  totalMinutes: z.number(),
  /** What the records support now. */
  currentMinutes: z.number(),
  recordCount: z.number(),
  byCategory: z.array(minutesByKeySchema),
  periodFrom: isoSchema,
  periodTo: isoSchema,
  issuedAt: isoSchema
})
export type CertificateCheck = z.infer<typeof certificateCheckSchema>

export const rankingInput = pageInputSchema.extend({
  /** Default: the caller's community. */
  communityId: idSchema.optional(),
  year: z.number().int().min(2000).max(2100).optional()
})

export const rankingEntrySchema = z.object({
  rank: z.number(),
  name: z.string(),
  /** Volunteers who have not opted in appear as 匿名志愿者 with no number (opt-in, PIPL). */
  anonymous: z.boolean(),
  volunteerNo: z.string().optional(),
  minutes: z.number(),
  isMe: z.boolean()
})
export const rankingOutput = z.object({
  communityId: z.string(),
  communityName: z.string(),
  items: z.array(rankingEntrySchema),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
  /** `optIn`: whether the caller chose to appear by name (default: not). */
  me: z.object({ rank: z.number().optional(), minutes: z.number(), optIn: z.boolean() })
})
export type Ranking = z.infer<typeof rankingOutput>

/** Appearing by name in the ranking is opt-in: nobody is shown by name until they turn this on. */
export const preferencesInput = z.object({ rankingOptIn: z.boolean() })

// ------------------------------------------------------------------ the contract

export const activitiesContract = {
  create: { input: createInput, output: activityDetailSchema },
  update: { input: updateInput, output: activityDetailSchema },
  cancel: { input: cancelInput, output: z.object({ notified: z.number().int() }) },
  list: activityListContract.list,
  get: { input: activityIdInput, output: activityDetailSchema },
  signUp: { input: activityIdInput, output: signUpResultSchema },
  withdraw: { input: activityIdInput, output: withdrawResultSchema },
  checkinCode: { input: activityIdInput, output: checkinCodeOutput },
  checkIn: { input: checkInput, output: checkResultSchema },
  checkOut: { input: checkInput, output: checkResultSchema },
  staffScan: { input: staffScanInput, output: checkResultSchema },
  verify: { input: verifyInput, output: serviceRecordSchema },
  /** The back office: `verify` for up to 20 records, per-id outcomes. */
  verifyMany: { input: verifyManyInput, output: batchReplySchema },
  myHours: { input: myHoursInput, output: myHoursOutput },
  certificate: { input: certificateInput, output: certificateSchema },
  verifyCertificate: { input: verifyCertificateInput, output: certificateCheckSchema },
  // Beyond the published contract: what the app's pages need.
  roster: { input: rosterInput, output: z.object({ items: z.array(rosterEntrySchema), total: z.number(), page: z.number(), pageSize: z.number() }) },
  records: { input: recordsInput, output: z.object({ items: z.array(serviceRecordSchema), total: z.number(), page: z.number(), pageSize: z.number() }) },
  makeUp: { input: makeUpInput, output: serviceRecordSchema },
  /** Staff (their communities) and the district admin: make-up records waiting for a second person, not entered by the caller, newest first; decided with `verify`. */
  pendingMakeUps: {
    input: pageInputSchema.extend({ communityId: idSchema.optional() }),
    output: z.object({
      items: z.array(
        z.object({
          recordId: z.string(),
          activityId: z.string(),
          activityTitle: z.string(),
          category: categorySchema,
          communityId: z.string().nullable(),
          issuerName: z.string(),
          serviceDate: isoSchema,
          volunteerName: z.string(),
          minutes: z.number(),
          reason: z.string().optional(),
          enteredByName: z.string(),
          enteredAt: isoSchema
        })
      ),
      total: z.number(),
      page: z.number(),
      pageSize: z.number()
    })
  },
  remind: { input: activityIdInput, output: remindOutput },
  memberCode: { input: z.object({}), output: memberCodeOutput },
  ranking: { input: rankingInput, output: rankingOutput },
  setPreferences: { input: preferencesInput, output: z.object({ rankingOptIn: z.boolean() }) },
  /** The organiser: the full mobile of one person on the roster (audited, `activities.viewMobile`). */
  revealMobile: { input: rosterRevealMobileInput, output: z.object({ mobile: z.string() }) },
  /** The organiser removes someone's sign-up (reason told to them; audited, `activities.removeSignUp`); the place is promoted. */
  removeSignUp: { input: removeSignUpInput, output: withdrawResultSchema },
  /** 志愿者实名登记 before a first sign-up (members need none). */
  joinVolunteers: { input: joinVolunteersInput, output: joinVolunteersOutput }
} as const
