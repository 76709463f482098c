/**
 * What the 邻里中心 tab (weapp main package) needs of `centers`: the centre list, the caller's next
 * booking and the pending count (`list`, `myBookings`, `bookings`), their views and the status
 * labels the cards show. Its own module because importing the whole `centersContract` would put
 * the room, slot, funding and utilisation schemas of the centers subpackage (~10 KB) into every
 * start of the app; contracts/centers.ts composes this back in.
 */
import { sortSchema } from './sort'
import { z } from './zod'
import { dayStringSchema, idSchema, pageInputSchema } from './common'
import { BOOKING_STATUSES, CENTER_STATUSES } from './centerLabels'

// ------------------------------------------------------------------ enums and labels

// Without zod in ./centerLabels (the tab page's cards import them from there).
export * from './centerLabels'
export const centerStatusSchema = z.enum(CENTER_STATUSES)
export const bookingStatusSchema = z.enum(BOOKING_STATUSES)

// ------------------------------------------------------------------ shared pieces

/** A calendar day in Asia/Shanghai. */
export const daySchema = dayStringSchema('日期格式为 YYYY-MM-DD，且须是真实的日期')

export const locationSchema = z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) })

export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number(), page: z.number(), pageSize: z.number() })

// ------------------------------------------------------------------ views

export const centerSummarySchema = z.object({
  id: z.string(),
  /** The same id under the database's name, for clients that expect `_id`. */
  _id: z.string().optional(),
  name: z.string(),
  communityId: z.string(),
  communityName: z.string().optional(),
  gridId: z.string().optional(),
  gridName: z.string().optional(),
  address: z.string(),
  location: locationSchema.optional(),
  status: centerStatusSchema,
  hoursText: z.string(),
  roomCount: z.number(),
  photo: z.string().optional(),
  /** Metres from `near` when the list was asked for by distance. */
  distance: z.number().optional(),
  /** The centre is in the caller's own community. */
  ownCommunity: z.boolean()
})
export type CenterSummary = z.infer<typeof centerSummarySchema>

export const historyEntrySchema = z.object({ at: z.string(), action: z.string(), actorName: z.string().optional(), note: z.string().optional() })

export const bookingViewSchema = z.object({
  id: z.string(),
  /** The same id under the database's name, for clients that expect `_id`. */
  _id: z.string().optional(),
  roomId: z.string(),
  roomName: z.string(),
  centerId: z.string(),
  centerName: z.string(),
  communityId: z.string(),
  /** ISO 8601 with the +08:00 offset. */
  start: z.string(),
  end: z.string(),
  slots: z.number(),
  purpose: z.string(),
  attendees: z.number(),
  status: bookingStatusSchema,
  needsApproval: z.boolean(),
  /** Why it was rejected or cancelled. */
  reason: z.string().optional(),
  checkedInAt: z.string().optional(),
  createdAt: z.string(),
  /** What the caller may do now. */
  canCancel: z.boolean(),
  canCheckIn: z.boolean(),
  /** Until when the resident may cancel (ISO). */
  cancelDeadline: z.string(),
  /** Staff views only. */
  bookerName: z.string().optional(),
  /** Masked (138****1234), staff views only, and only when the booker agreed to be called (`shareMobile`); staff dial through `revealMobile` (audited). */
  bookerMobile: z.string().optional(),
  history: z.array(historyEntrySchema).optional()
})
export type BookingView = z.infer<typeof bookingViewSchema>

// ------------------------------------------------------------------ inputs

export const CENTER_LIST_FILTERS = ['open', 'all', ...CENTER_STATUSES] as const
export const listInput = pageInputSchema.extend({
  communityId: idSchema.optional(),
  /** `open` (default): built or accepted; `all`; or one status. */
  status: z.enum(CENTER_LIST_FILTERS).default('open'),
  keyword: z.string().trim().max(20).optional(),
  /** Order by distance from here instead of "own community first". */
  near: locationSchema.optional()
})
export const MY_BOOKING_SCOPES = ['upcoming', 'past', 'all'] as const
export const myBookingsInput = pageInputSchema.extend({ scope: z.enum(MY_BOOKING_SCOPES).default('all') })
export const bookingsInput = pageInputSchema.extend({
  centerId: idSchema.optional(),
  roomId: idSchema.optional(),
  /** One day (Shanghai). */
  date: daySchema.optional(),
  /** A status, or `active` (pending + confirmed). */
  status: z.enum([...BOOKING_STATUSES, 'active'] as const).optional(),
  /** The back office: by start, in the order asked (default: a day's list and the review queue oldest first, else newest first). */
  sort: sortSchema(['start'], ['预约时间']).optional()
})

export const centerListContract = {
  list: { input: listInput, output: pageOf(centerSummarySchema) },
  myBookings: { input: myBookingsInput, output: pageOf(bookingViewSchema).extend({ suspendedUntil: z.string().optional() }) },
  bookings: { input: bookingsInput, output: pageOf(bookingViewSchema) }
} as const
