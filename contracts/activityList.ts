/**
 * What the 活动 tab (weapp main package) needs of `activities`: the `list` action, the activity
 * summary it returns and the enums and labels a card shows. Its own module because importing the
 * whole `activitiesContract` would put every schema of the volunteer subpackage (check-in, records,
 * certificates, ~14 KB) into every start of the app; contracts/activities.ts composes this back in.
 */
import { dayStringSchema, idSchema, pageInputSchema } from './common'
import { z } from './zod'

// ------------------------------------------------------------------ enums and labels

export const ACTIVITY_KINDS = ['volunteer', 'event'] as const
export type ActivityKind = (typeof ACTIVITY_KINDS)[number]
export const ACTIVITY_KIND_LABELS: Record<ActivityKind, string> = { volunteer: '志愿服务', event: '邻里活动' }

export const ACTIVITY_CATEGORIES = ['疫情防控', '文明创建', '安全隐患排查', '信访维稳', '物业管理', '抢险救灾', '邻里互助', '其他'] as const
export type ActivityCategory = (typeof ACTIVITY_CATEGORIES)[number]
export const categorySchema = z.enum(ACTIVITY_CATEGORIES)

export const AUDIENCES = ['all', 'members'] as const
export type Audience = (typeof AUDIENCES)[number]
export const AUDIENCE_LABELS: Record<Audience, string> = { all: '面向全体居民', members: '仅限党员' }

/** Stored status: an activity is published until it is cancelled (never deleted). */
export const ACTIVITY_STATUSES = ['published', 'cancelled'] as const
export type ActivityStatus = (typeof ACTIVITY_STATUSES)[number]

/** Where an activity stands in time (derived from `clock` and start/end/deadline). */
export const ACTIVITY_PHASES = ['open', 'closed', 'ongoing', 'ended', 'cancelled'] as const
export type ActivityPhase = (typeof ACTIVITY_PHASES)[number]
export const ACTIVITY_PHASE_LABELS: Record<ActivityPhase, string> = {
  open: '报名中',
  closed: '报名截止',
  ongoing: '进行中',
  ended: '已结束',
  cancelled: '已取消'
}

export const SIGNUP_STATUSES = ['confirmed', 'waiting', 'withdrawn', 'cancelled'] as const
export type SignUpStatus = (typeof SIGNUP_STATUSES)[number]
export const SIGNUP_STATUS_LABELS: Record<SignUpStatus, string> = {
  confirmed: '已报名',
  waiting: '候补中',
  withdrawn: '已取消报名',
  cancelled: '活动已取消'
}

/**
 * A service record's status: `open` (checked in, not yet out) → `pending` (hours computed, waiting
 * for staff) → `approved` | `adjusted` | `declined`. Records are never deleted. Four eyes: nobody
 * verifies their own record, and a make-up entry stays `pending` until someone other than the
 * staff member who entered it verifies it.
 */
export const RECORD_STATUSES = ['open', 'pending', 'approved', 'adjusted', 'declined'] as const
export type RecordStatus = (typeof RECORD_STATUSES)[number]
export const RECORD_STATUS_LABELS: Record<RecordStatus, string> = {
  open: '服务中',
  pending: '待审核',
  approved: '已认定',
  adjusted: '已调整认定',
  declined: '不予认定'
}

/** Geofence: radius limits and the tolerance added for GPS drift (see server/activities/geo.ts). */
export const GEOFENCE = {
  minRadius: 20,
  maxRadius: 5000,
  /** Always tolerated beyond the radius. */
  baseToleranceMeters: 50,
  /** A reported accuracy larger than this is not trusted further (indoor fixes, spoofing). */
  maxToleranceMeters: 300
} as const

// ------------------------------------------------------------------ shapes

export const coordinatesSchema = z.object({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180)
})

export const placeSchema = z.object({
  name: z.string().trim().min(1).max(60),
  address: z.string().trim().max(120).optional(),
  /** With coordinates and a radius the activity has a geofence for check-in. */
  coordinates: coordinatesSchema.optional(),
  radius: z.number().int().min(GEOFENCE.minRadius).max(GEOFENCE.maxRadius).optional()
})
export type Place = z.infer<typeof placeSchema>

/** Times in outputs: ISO strings (UTC). */
export const isoSchema = z.string()

export const listInput = pageInputSchema.extend({
  kind: z.enum(ACTIVITY_KINDS).optional(),
  centerId: idSchema.optional(),
  /** A community's activities; district-wide ones are included unless `includeDistrict` is false. */
  communityId: idSchema.optional(),
  includeDistrict: z.boolean().default(true),
  category: categorySchema.optional(),
  teamId: idSchema.optional(),
  /** Activities taking place on this day (Asia/Shanghai, YYYY-MM-DD). */
  date: dayStringSchema().optional(),
  /** upcoming: not yet ended, soonest first (default); past: ended, latest first; all: latest start first. */
  when: z.enum(['upcoming', 'past', 'all']).default('upcoming'),
  /** Cancelled activities are left out unless asked for (staff lists). */
  includeCancelled: z.boolean().default(false),
  /** Only those the caller signed up for (confirmed or waiting). */
  mine: z.boolean().default(false)
})
export type ListInput = z.input<typeof listInput>

export const mySignUpSchema = z.object({
  status: z.enum(SIGNUP_STATUSES),
  /** 1-based place in the waiting list (waiting only). */
  position: z.number().int().optional(),
  checkedInAt: isoSchema.optional(),
  checkedOutAt: isoSchema.optional()
})
export type MySignUp = z.infer<typeof mySignUpSchema>

export const activitySummarySchema = z.object({
  _id: z.string(),
  kind: z.enum(ACTIVITY_KINDS),
  title: z.string(),
  category: categorySchema,
  communityId: z.string().nullable(),
  communityName: z.string(),
  centerId: z.string().optional(),
  centerName: z.string().optional(),
  /** The centre's room it takes (events at a centre). */
  roomId: z.string().optional(),
  roomName: z.string().optional(),
  teamId: z.string().optional(),
  teamName: z.string().optional(),
  start: isoSchema,
  end: isoSchema,
  signUpDeadline: isoSchema,
  place: placeSchema,
  capacity: z.number(),
  confirmedCount: z.number(),
  waitingCount: z.number(),
  placesLeft: z.number(),
  audience: z.enum(AUDIENCES),
  status: z.enum(ACTIVITY_STATUSES),
  phase: z.enum(ACTIVITY_PHASES),
  mySignUp: mySignUpSchema.optional()
})
export type ActivitySummary = z.infer<typeof activitySummarySchema>

export const activityListOutput = z.object({ items: z.array(activitySummarySchema), total: z.number(), page: z.number(), pageSize: z.number() })

export const activityListContract = {
  list: { input: listInput, output: activityListOutput }
} as const
