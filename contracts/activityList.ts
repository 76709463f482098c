/**
 * What the 活动 tab (weapp main package) needs of `activities`: the `list` action, the activity
 * summary it returns and the enums and labels a card shows. Its own module because importing the
 * whole `activitiesContract` would put every schema of the volunteer subpackage (check-in, records,
 * certificates, ~14 KB) into every start of the app; contracts/activities.ts composes this back in.
 */
import { dayStringSchema, idSchema, pageInputSchema } from './common'
import { sortSchema } from './sort'
import { z } from './zod'
import { ACTIVITY_CATEGORIES, ACTIVITY_KINDS, ACTIVITY_PHASES, ACTIVITY_STATUSES, AUDIENCES, GEOFENCE, SIGNUP_STATUSES } from './activityLabels'

// ------------------------------------------------------------------ enums and labels

// Without zod in ./activityLabels (the tab page imports them from there).
export * from './activityLabels'
export const categorySchema = z.enum(ACTIVITY_CATEGORIES)

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
  mine: z.boolean().default(false),
  /** The back office: by start, in the order asked (default: as `when` says). */
  sort: sortSchema(['start'], ['开始时间']).optional()
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
