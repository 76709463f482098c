/**
 * `users.overview`: what 首页 ("what needs me now") and 我的 ("my things", with counts) show for
 * the caller, in one call. Its own module because both pages are tab pages of the main package,
 * which must not carry the rest of the `users` schemas (see contracts/me.ts).
 *
 * Every count is exact (a count or an aggregate over the person's own documents, or over the
 * queues their roles work on), so a number on 首页 always equals what the page it opens lists.
 */
import { z } from './zod'

export const overviewInput = z.object({})

/** The person's own things (every user): each opens its page from 我的. */
export const mineCountsSchema = z.object({
  /** Sign-ups (confirmed or waiting list) for activities that have not ended. */
  upcomingSignUps: z.number(),
  /** Room bookings that have not ended and still hold their slot (centers.myBookings scope 'upcoming'). */
  upcomingBookings: z.number(),
  /** My reports (三方联动) not yet closed (tickets.list {scope: 'mine', status: 'unfinished'}). */
  openTickets: z.number(),
  /** My reports resolved and waiting for my confirmation and rating. */
  ticketsToConfirm: z.number(),
  /** 微心愿 I posted that are not finished (wishes.list {scope: 'mine', status: 'unfinished'}). */
  openWishes: z.number(),
  /** 微心愿 I claimed (party members) and have not completed (wishes.list {scope: 'claimed', status: 'claimed'}). */
  claimedWishes: z.number(),
  /** Verified service minutes (志愿服务时长). */
  verifiedMinutes: z.number(),
  certificates: z.number(),
  /** Teams I am an active member of. */
  teams: z.number(),
  unreadNotices: z.number()
})
export type MineCounts = z.infer<typeof mineCountsSchema>

export const nextActivitySchema = z.object({
  activityId: z.string(),
  title: z.string(),
  /** ISO date-times. */
  start: z.string(),
  end: z.string(),
  place: z.string(),
  /** As stored on the sign-up (contracts/activities.ts SIGNUP_STATUSES): 'waiting' is 候补. */
  status: z.enum(['confirmed', 'waiting']),
  /** Checked in (a volunteer activity: its service record; an event: the sign-up). */
  checkedIn: z.boolean()
})

export const nextBookingSchema = z.object({
  bookingId: z.string(),
  centerName: z.string(),
  roomName: z.string(),
  start: z.string(),
  end: z.string(),
  /** As stored (contracts/centers.ts BOOKING_STATUSES): 待审核, 已确认, 已签到. */
  status: z.enum(['pending', 'confirmed', 'checked_in'])
})

export const ticketToConfirmSchema = z.object({ ticketId: z.string(), title: z.string(), resolvedAt: z.string().optional() })

export const latestNoticeSchema = z.object({ noticeId: z.string(), title: z.string(), publishedAt: z.string(), read: z.boolean() })

/** A queue the caller's roles work on, with how many items wait in it. */
export const WORK_KEYS = [
  /** 报到审核: pending registrations (staff: their communities; admin: all). */
  'registrations',
  /** 预约审核: bookings waiting for approval in the staff's communities (centers.bookings {status: 'pending'}). */
  'bookings',
  /**
   * 工单: tickets.list {scope: 'queue', status: 'open', leadOnly} — property and committee where they lead
   * (the work page's default), community staff all of their communities'; admin: {status: 'overdue'} everywhere.
   */
  'tickets',
  /** 时长认定: service records waiting for the caller's verification (activities.records without an activity; staff, admin). */
  'records',
  /** 补录复核: make-ups waiting for a second person (activities.pendingMakeUps; staff, admin). */
  'makeUps',
  /** 心愿审核: wishes waiting for review (wishes.list {scope: 'review'}; staff). */
  'wishReviews'
] as const
export type WorkKey = (typeof WORK_KEYS)[number]

export const workItemSchema = z.object({
  key: z.enum(WORK_KEYS),
  count: z.number(),
  /**
   * The filters of the list the count is of, as the page's query (e.g. tickets {scope: 'queue',
   * status: 'overdue'}): the item opens its page with them, so the rule lives in the server only.
   */
  query: z.record(z.string(), z.string()).optional()
})

/** My newest 报到 (a registration superseded by a transfer, 'transferred', is never the one shown). */
export const registrationStateSchema = z.object({
  status: z.enum(['pending', 'approved', 'rejected', 'withdrawn']),
  communityName: z.string()
})

/** What 我的 → 消息设置 shows besides the phone's own settings. */
export const overviewSettingsSchema = z.object({
  /** Appears by name in the volunteer ranking (activities.setPreferences; off until turned on). */
  rankingOptIn: z.boolean(),
  /** A volunteer (party member, or 志愿者实名登记 done): the ranking switch applies to them. */
  volunteer: z.boolean()
})

export const overviewSchema = z.object({
  mine: mineCountsSchema,
  settings: overviewSettingsSchema,
  /** What needs me now (首页, above the launcher). */
  now: z.object({
    /** The next activity I signed up for that has not ended (the soonest). */
    nextActivity: nextActivitySchema.nullable(),
    /** My next booking that has not ended. */
    nextBooking: nextBookingSchema.nullable(),
    /** Up to 3 of my resolved reports waiting for my confirmation, oldest first. */
    ticketsToConfirm: z.array(ticketToConfirmSchema),
    /** Up to 3 newest notices for me, unread first. */
    latestNotices: z.array(latestNoticeSchema)
  }),
  /** My newest 报到, if any (its state shows on 我的 and, while pending, on 首页). */
  registration: registrationStateSchema.nullable(),
  /** Only the queues of my roles, in WORK_KEYS order; empty for residents and members. */
  work: z.array(workItemSchema)
})
export type Overview = z.infer<typeof overviewSchema>

export const overviewContract = {
  overview: { input: overviewInput, output: overviewSchema }
} as const
