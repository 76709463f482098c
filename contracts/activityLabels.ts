/**
 * The activities' enums, labels and geofence limits without zod: the 活动 tab (weapp main package)
 * shows them, and the main package carries no zod runtime (issue #15). contracts/activityList.ts
 * re-exports them with its schemas.
 */
// ------------------------------------------------------------------ enums and labels

export const ACTIVITY_KINDS = ['volunteer', 'event'] as const
export type ActivityKind = (typeof ACTIVITY_KINDS)[number]
export const ACTIVITY_KIND_LABELS: Record<ActivityKind, string> = { volunteer: '志愿服务', event: '邻里活动' }

export const ACTIVITY_CATEGORIES = ['疫情防控', '文明创建', '安全隐患排查', '信访维稳', '物业管理', '抢险救灾', '邻里互助', '其他'] as const
export type ActivityCategory = (typeof ACTIVITY_CATEGORIES)[number]

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
