import { z } from './zod'
import { dateTimeSchema, idSchema, pageInputSchema } from './common'
import {
  bookingViewSchema,
  centerListContract,
  centerStatusSchema,
  centerSummarySchema,
  daySchema,
  locationSchema,
  pageOf,
  type BookingStatus,
  type CenterStatus
} from './centerList'

// The 邻里中心 tab's slice (list, myBookings, bookings, their views, the status labels) lives in ./centerList.
export {
  BOOKING_STATUSES,
  BOOKING_STATUS_LABELS,
  CENTER_LIST_FILTERS,
  CENTER_STATUSES,
  CENTER_STATUS_LABELS,
  MY_BOOKING_SCOPES,
  bookingStatusSchema,
  bookingViewSchema,
  bookingsInput,
  centerListContract,
  centerStatusSchema,
  centerSummarySchema,
  daySchema,
  historyEntrySchema,
  listInput,
  locationSchema,
  myBookingsInput,
  type BookingStatus,
  type BookingView,
  type CenterStatus,
  type CenterSummary
} from './centerList'

/*
 * 党建+邻里中心 (centre): a neighbourhood centre of a compound, with bookable rooms (活动室).
 *
 * Centre lifecycle: planned (规划中) → under_construction (建设中) → built (已建成) → accepted (已验收).
 *   - entering the plan earns the compound a 5,000 yuan subsidy, acceptance a 5,000 yuan reward
 *     (both written to the funding ledger automatically, once each);
 *   - rooms of built and accepted centres can be booked.
 *
 * Booking lifecycle:
 *   pending (待审核, rooms that need approval) → confirmed (已确认) → checked_in (已签到)
 *   pending → rejected (未通过, with a reason) | expired (已过期: start passed without review)
 *   pending | confirmed → cancelled (已取消: by the resident until the room's cancel deadline, by
 *     staff, or displaced by a blackout — always with a reason)
 *   confirmed → no_show (未签到: not checked in within the grace period after the start; the slot
 *     is released and the no-show counts towards a booking suspension)
 * Pending and confirmed bookings hold their slots; every other status frees them.
 */

// ------------------------------------------------------------------ enums and labels

/** Statuses whose rooms residents can book. */
export const OPEN_CENTER_STATUSES: readonly CenterStatus[] = ['built', 'accepted']

/** Bookings that hold their slots (and count towards the weekly quota). */
export const ACTIVE_BOOKING_STATUSES: readonly BookingStatus[] = ['pending', 'confirmed']

/** Entries of a booking's history. */
export const BOOKING_ACTIONS = ['booked', 'approved', 'rejected', 'cancelled', 'displaced', 'checked_in', 'no_show', 'expired'] as const
export type BookingAction = (typeof BOOKING_ACTIONS)[number]
export const BOOKING_ACTION_LABELS: Record<BookingAction, string> = {
  booked: '提交预约',
  approved: '审核通过',
  rejected: '审核未通过',
  cancelled: '取消预约',
  displaced: '因暂停开放取消',
  checked_in: '签到',
  no_show: '未按时签到，已释放',
  expired: '未及时审核，已过期'
}

/** Funding ledger entry types: 上级补一点、物业出一点、业主筹一点. */
export const FUND_TYPES = ['subsidy', 'reward', 'grant', 'property', 'owners', 'other'] as const
export type FundType = (typeof FUND_TYPES)[number]
export const fundTypeSchema = z.enum(FUND_TYPES)
export const FUND_TYPE_LABELS: Record<FundType, string> = {
  subsidy: '建设补助',
  reward: '验收奖励',
  grant: '上级专项资金',
  property: '物业出资',
  owners: '业主筹资',
  other: '其他资金'
}
/** Entry types written by the system on status changes, never by hand. */
export const AUTOMATIC_FUND_TYPES: readonly FundType[] = ['subsidy', 'reward']
/** The seed's amounts: 5,000 yuan when a centre enters the plan, 5,000 more after acceptance. */
export const FUND_AMOUNTS = { subsidy: 5000, reward: 5000 } as const

/** What a slot shows: free, held by a pending booking, booked, blocked by a blackout, or held by a centre event. */
export const SLOT_STATES = ['free', 'pending', 'booked', 'blocked', 'event'] as const
export type SlotState = (typeof SLOT_STATES)[number]
export const SLOT_STATE_LABELS: Record<SlotState, string> = {
  free: '可预约',
  pending: '待审核',
  booked: '已预约',
  blocked: '暂停开放',
  event: '社区活动'
}

export const WEEKDAY_LABELS = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'] as const

/** Values used when a room or the district settings leave them out. */
export const ROOM_DEFAULTS = {
  slotMinutes: 60,
  bookAheadDays: 14,
  minNoticeMinutes: 60,
  cancelBeforeMinutes: 120,
  needsApproval: false,
  weeklyQuota: 2,
  maxSlots: 3
} as const
export const SLOT_MINUTES = [30, 60, 90, 120] as const

// ------------------------------------------------------------------ shared pieces

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式为 HH:mm')
const text = (min: number, max: number) => z.string().trim().min(min).max(max)

export const openingHoursSchema = z
  .array(z.object({ weekday: z.number().int().min(1).max(7), open: hhmm, close: hhmm }))
  .max(7)
  .refine((hours) => new Set(hours.map((h) => h.weekday)).size === hours.length, '每天只能设置一个开放时段')
  .refine((hours) => hours.every((h) => h.open < h.close), '结束时间须晚于开始时间')
export type OpeningHours = z.infer<typeof openingHoursSchema>

/** "周一至周五 08:30-21:00；周六、周日 09:00-17:00" (consecutive days with equal hours are joined). */
export function formatOpeningHours(hours: OpeningHours): string {
  if (hours.length === 0) return '暂不开放'
  const sorted = [...hours].sort((a, b) => a.weekday - b.weekday)
  const groups: { days: number[]; range: string }[] = []
  for (const h of sorted) {
    const range = `${h.open}-${h.close}`
    const last = groups[groups.length - 1]
    if (last && last.range === range && last.days[last.days.length - 1] === h.weekday - 1) last.days.push(h.weekday)
    else groups.push({ days: [h.weekday], range })
  }
  return groups
    .map((g) => {
      const days =
        g.days.length === 1
          ? WEEKDAY_LABELS[g.days[0]]
          : g.days.length === 2
            ? `${WEEKDAY_LABELS[g.days[0]]}、${WEEKDAY_LABELS[g.days[1]]}`
            : `${WEEKDAY_LABELS[g.days[0]]}至${WEEKDAY_LABELS[g.days[g.days.length - 1]]}`
      return `${days} ${g.range}`
    })
    .join('；')
}

// ------------------------------------------------------------------ views (what actions return)

export const roomViewSchema = z.object({
  id: z.string(),
  /** The same id under the database's name, for clients that expect `_id`. */
  _id: z.string().optional(),
  centerId: z.string(),
  name: z.string(),
  capacity: z.number(),
  facilities: z.array(z.string()),
  slotMinutes: z.number(),
  bookAheadDays: z.number(),
  minNoticeMinutes: z.number(),
  cancelBeforeMinutes: z.number(),
  needsApproval: z.boolean(),
  weeklyQuota: z.number(),
  maxSlots: z.number(),
  active: z.boolean(),
  description: z.string().optional(),
  /** The room's check-in code (staff of the centre's community only). */
  code: z.string().optional()
})
export type RoomView = z.infer<typeof roomViewSchema>

/** Photos of a centre: how many, and the largest H5 upload (decoded bytes). */
export const CENTER_PHOTO_LIMITS = { photos: 6, uploadBytes: 1024 * 1024 } as const
/** `cloud://…` (WeChat cloud storage) or `local://…` (the emulator, through `centers.upload`). */
export const centerFileIdSchema = z.string().regex(/^(cloud|local):\/\/\S{3,300}$/, '图片地址无效')
export const centerPhotoSchema = z.object({ fileID: z.string(), url: z.string() })
export type CenterPhoto = z.infer<typeof centerPhotoSchema>
export const CENTER_UPLOAD_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const
export const centersUploadInput = z.object({
  contentType: z.enum(CENTER_UPLOAD_TYPES),
  /** Base64 of the image; at most CENTER_PHOTO_LIMITS.uploadBytes once decoded. */
  data: z.string().min(16).max(Math.ceil((CENTER_PHOTO_LIMITS.uploadBytes * 4) / 3) + 4)
})

export const statusChangeSchema = z.object({
  status: centerStatusSchema,
  at: z.string(),
  actorName: z.string().optional(),
  note: z.string().optional()
})

export const centerDetailSchema = centerSummarySchema.extend({
  openingHours: openingHoursSchema,
  /** Photo URLs to show. */
  photos: z.array(z.string()),
  /** Managers only: the stored fileIDs with their URLs, for the edit page to keep or remove. */
  photoFiles: z.array(centerPhotoSchema).optional(),
  description: z.string().optional(),
  phone: z.string().optional(),
  rooms: z.array(roomViewSchema),
  /** The caller keeps this centre (staff of its community, or district admin). */
  canManage: z.boolean(),
  /** Managers only. */
  statusHistory: z.array(statusChangeSchema).optional(),
  /** Managers only: the centre's funding, yuan. */
  funding: z.object({ total: z.number(), byType: z.record(z.string(), z.number()) }).optional()
})
export type CenterDetail = z.infer<typeof centerDetailSchema>

export const slotViewSchema = z.object({
  start: z.string(),
  end: z.string(),
  /** "09:00" (Shanghai). */
  label: z.string(),
  state: z.enum(SLOT_STATES),
  /** Free and inside the room's notice and ahead windows. */
  bookable: z.boolean(),
  /** Why a free slot cannot be booked, the blackout's reason, or the centre event's title. */
  note: z.string().optional(),
  /** State `event`: the centre event (activity) holding the slot. */
  activityId: z.string().optional(),
  /** The caller's own booking holding this slot. */
  mine: z.string().optional()
})
export type SlotView = z.infer<typeof slotViewSchema>

export const availabilitySchema = z.object({
  room: roomViewSchema,
  centerId: z.string(),
  centerName: z.string(),
  centerStatus: centerStatusSchema,
  days: z.array(
    z.object({
      date: z.string(),
      weekday: z.number(),
      open: z.string().optional(),
      close: z.string().optional(),
      slots: z.array(slotViewSchema)
    })
  ),
  /** The caller's booking suspension (repeated no-shows), if any. */
  suspendedUntil: z.string().optional(),
  /** The caller's active bookings of this room in the weeks shown, by week key ("2026-W48"). */
  quotaUsed: z.record(z.string(), z.number())
})
export type Availability = z.infer<typeof availabilitySchema>

export const fundEntrySchema = z.object({
  id: z.string(),
  /** The same id under the database's name, for clients that expect `_id`. */
  _id: z.string().optional(),
  centerId: z.string(),
  centerName: z.string(),
  communityId: z.string(),
  type: fundTypeSchema,
  /** Yuan. */
  amount: z.number(),
  date: z.string(),
  note: z.string().optional(),
  recordedByName: z.string().optional()
})
export type FundEntry = z.infer<typeof fundEntrySchema>

export const fundLedgerSchema = pageOf(fundEntrySchema).extend({
  /** Totals in yuan over the whole district, by community and (when asked for one) the centre. */
  totals: z.object({
    district: z.number(),
    byType: z.record(z.string(), z.number()),
    byCommunity: z.array(z.object({ communityId: z.string(), communityName: z.string(), amount: z.number() })),
    center: z.number().optional()
  }),
  /** Centres by status over the district (the plan: 60; built or accepted: 24 in the seed). */
  centers: z.object({ total: z.number(), byStatus: z.record(z.string(), z.number()) }),
  /** The entry just recorded, when `entry` was given. */
  recorded: fundEntrySchema.optional()
})
export type FundLedger = z.infer<typeof fundLedgerSchema>

export const usageSchema = z.object({
  openHours: z.number(),
  bookedHours: z.number(),
  usedHours: z.number(),
  noShowHours: z.number(),
  /** Hours the room was held by centre events (activities of kind "event": their `roomSlots` of state `event`). */
  eventHours: z.number(),
  /** (bookedHours + eventHours) / openHours, 0..1 (0 when closed): an hour a neighbourhood event holds is in use. */
  rate: z.number()
})
export type Usage = z.infer<typeof usageSchema>
const periodUsage = usageSchema.extend({ key: z.string(), label: z.string() })

export const utilisationSchema = z.object({
  from: z.string(),
  to: z.string(),
  total: usageSchema,
  centers: z.array(
    usageSchema.extend({
      centerId: z.string(),
      name: z.string(),
      communityId: z.string(),
      weeks: z.array(periodUsage),
      months: z.array(periodUsage),
      rooms: z.array(usageSchema.extend({ roomId: z.string(), name: z.string(), weeks: z.array(periodUsage), months: z.array(periodUsage) }))
    })
  ),
  /** The .xlsx export, when asked for. */
  file: z.object({ fileID: z.string(), url: z.string(), name: z.string() }).optional()
})
export type Utilisation = z.infer<typeof utilisationSchema>

export const blackoutViewSchema = z.object({
  id: z.string(),
  /** The same id under the database's name, for clients that expect `_id`. */
  _id: z.string().optional(),
  roomId: z.string(),
  roomName: z.string(),
  start: z.string(),
  end: z.string(),
  reason: z.string(),
  lifted: z.boolean(),
  createdByName: z.string().optional(),
  /** Bookings this blackout cancelled. */
  cancelledBookings: z.number()
})
export type BlackoutView = z.infer<typeof blackoutViewSchema>

export const settingsSchema = z.object({
  /** No-shows within `noShowWindowDays` that suspend booking. */
  noShowLimit: z.number().int().min(1).max(20),
  noShowWindowDays: z.number().int().min(1).max(365),
  suspensionDays: z.number().int().min(1).max(365),
  /** Check-in opens this many minutes before the start and closes this many after it. */
  checkInMinutes: z.number().int().min(5).max(60)
})
export type CenterSettings = z.infer<typeof settingsSchema>
export const DEFAULT_SETTINGS: CenterSettings = { noShowLimit: 3, noShowWindowDays: 30, suspensionDays: 14, checkInMinutes: 15 }

// ------------------------------------------------------------------ inputs

export const getInput = z.object({ centerId: idSchema })
export const availabilityInput = z.object({
  roomId: idSchema,
  /** First day shown (a date or a date-time; Shanghai). Default today. */
  from: dateTimeSchema.optional(),
  days: z.number().int().min(1).max(31).default(7)
})
export const bookInput = z.object({
  roomId: idSchema,
  /** Start of the first slot (Shanghai wall clock "2026-11-28 10:00", ISO with offset, or epoch ms). */
  start: dateTimeSchema,
  /** Consecutive slots from `start`. */
  slots: z.number().int().min(1).max(8).default(1),
  purpose: text(2, 100),
  attendees: z.number().int().min(1).max(1000),
  /**
   * The person agrees that the handling parties may call them on their registered mobile: only then
   * is the number copied onto the booking (and a `contact` consent recorded); otherwise none is stored.
   */
  shareMobile: z.boolean().optional()
})
/** Staff of the booking's community (district admin: any): the booker's full number, to call them. */
export const revealMobileInput = z.object({ bookingId: idSchema })
export const cancelInput = z.object({ bookingId: idSchema, reason: text(1, 100).optional() })
export const REVIEW_DECISIONS = ['approve', 'reject'] as const
export const reviewInput = z
  .object({ bookingId: idSchema, decision: z.enum(REVIEW_DECISIONS), reason: text(1, 100).optional() })
  .superRefine((input, ctx) => {
    if (input.decision === 'reject' && !input.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: '请填写不通过的原因' })
  })
export const checkInInput = z
  .object({
    /** The room's code (scanned from the door, or typed / pasted on H5; a pasted link works too). */
    roomCode: z.string().trim().min(4).max(300).optional(),
    /** Staff checking a resident in at the desk. */
    bookingId: idSchema.optional()
  })
  .superRefine((input, ctx) => {
    if (!input.roomCode && !input.bookingId) ctx.addIssue({ code: 'custom', path: ['roomCode'], message: '请扫描或输入活动室签到码' })
  })
export const blackoutInput = z.object({ roomId: idSchema, start: dateTimeSchema, end: dateTimeSchema, reason: text(2, 100) })
export const utilisationInput = z.object({
  centerId: idSchema.optional(),
  communityId: idSchema.optional(),
  /** First day ("2026-11-23"; a date-time counts as its Shanghai day). */
  from: dateTimeSchema,
  /** Last day, inclusive. */
  to: dateTimeSchema,
  /** Also write an .xlsx and return its link. */
  export: z.boolean().default(false)
})
export const fundEntryInput = z.object({
  centerId: idSchema,
  type: fundTypeSchema,
  /** Yuan, up to two decimals. */
  amount: z.number().positive().max(10_000_000).multipleOf(0.01),
  date: daySchema,
  note: text(1, 200).optional()
})
export const fundInput = pageInputSchema.extend({
  centerId: idSchema.optional(),
  communityId: idSchema.optional(),
  type: fundTypeSchema.optional(),
  /** Records a ledger entry first (staff of the centre's community or district admin). */
  entry: fundEntryInput.optional()
})

// Management and staff actions beyond the core contract.
export const saveCenterInput = z.object({
  centerId: idSchema.optional(),
  name: text(2, 40),
  communityId: idSchema,
  gridId: idSchema.optional(),
  address: text(2, 100),
  location: locationSchema.optional(),
  openingHours: openingHoursSchema,
  phone: z.string().trim().max(20).optional(),
  description: z.string().trim().max(500).optional(),
  /** Stored fileIDs: the caller's own uploads or photos already on the centre (at most 6); omitted keeps them. */
  photos: z
    .array(centerFileIdSchema)
    .max(CENTER_PHOTO_LIMITS.photos, `最多${CENTER_PHOTO_LIMITS.photos}张照片`)
    .refine((list) => new Set(list).size === list.length, '照片重复')
    .optional()
})
/** The edit page's choices: the communities the caller keeps and, with `communityId`, its compounds (grids). */
export const placesInput = z.object({ communityId: idSchema.optional() })
export const placesSchema = z.object({
  communities: z.array(z.object({ id: z.string(), name: z.string() })),
  grids: z.array(z.object({ id: z.string(), name: z.string(), address: z.string().optional() }))
})
export const setStatusInput = z.object({ centerId: idSchema, status: centerStatusSchema, note: text(1, 100).optional() })
export const saveRoomInput = z.object({
  roomId: idSchema.optional(),
  centerId: idSchema,
  name: text(2, 30),
  capacity: z.number().int().min(1).max(1000),
  facilities: z.array(text(1, 20)).max(20).default([]),
  slotMinutes: z.union([z.literal(30), z.literal(60), z.literal(90), z.literal(120)]).default(ROOM_DEFAULTS.slotMinutes),
  bookAheadDays: z.number().int().min(1).max(60).default(ROOM_DEFAULTS.bookAheadDays),
  minNoticeMinutes: z.number().int().min(0).max(7 * 24 * 60).default(ROOM_DEFAULTS.minNoticeMinutes),
  cancelBeforeMinutes: z.number().int().min(0).max(7 * 24 * 60).default(ROOM_DEFAULTS.cancelBeforeMinutes),
  needsApproval: z.boolean().default(ROOM_DEFAULTS.needsApproval),
  weeklyQuota: z.number().int().min(1).max(50).default(ROOM_DEFAULTS.weeklyQuota),
  maxSlots: z.number().int().min(1).max(8).default(ROOM_DEFAULTS.maxSlots),
  active: z.boolean().default(true),
  description: z.string().trim().max(200).optional()
})
export const roomCodeInput = z.object({ roomId: idSchema })
export const roomCodeSchema = z.object({ roomId: z.string(), roomName: z.string(), centerName: z.string(), code: z.string(), qrUrl: z.string(), page: z.string() })
export const blackoutsInput = pageInputSchema.extend({ roomId: idSchema.optional(), centerId: idSchema.optional(), includePast: z.boolean().default(false) })
export const liftBlackoutInput = z.object({ blackoutId: idSchema })
export const sweepInput = z.object({ centerId: idSchema.optional() })
export const sweepResultSchema = z.object({ noShows: z.number(), expired: z.number(), suspended: z.number() })
export const settingsInput = settingsSchema.partial()

/** The check-in page the room's QR code opens (scene = the room code). */
export const CHECK_IN_PAGE = 'packages/centers/pages/checkin/index'

export const centersContract = {
  list: centerListContract.list,
  get: { input: getInput, output: centerDetailSchema },
  availability: { input: availabilityInput, output: availabilitySchema },
  book: { input: bookInput, output: bookingViewSchema },
  cancel: { input: cancelInput, output: bookingViewSchema },
  review: { input: reviewInput, output: bookingViewSchema },
  myBookings: centerListContract.myBookings,
  checkIn: { input: checkInInput, output: bookingViewSchema },
  blackout: { input: blackoutInput, output: blackoutViewSchema },
  utilisation: { input: utilisationInput, output: utilisationSchema },
  fund: { input: fundInput, output: fundLedgerSchema },
  bookings: centerListContract.bookings,
  saveCenter: { input: saveCenterInput, output: centerDetailSchema },
  setStatus: { input: setStatusInput, output: centerDetailSchema },
  /** H5 on the emulator: store one centre photo (base64) and get its fileID; weapp uploads with Taro.cloud.uploadFile. */
  upload: { input: centersUploadInput, output: centerPhotoSchema },
  places: { input: placesInput, output: placesSchema },
  saveRoom: { input: saveRoomInput, output: roomViewSchema },
  roomCode: { input: roomCodeInput, output: roomCodeSchema },
  blackouts: { input: blackoutsInput, output: pageOf(blackoutViewSchema) },
  liftBlackout: { input: liftBlackoutInput, output: blackoutViewSchema },
  sweep: { input: sweepInput, output: sweepResultSchema },
  settings: { input: settingsInput, output: settingsSchema },
  /** Staff of the booking's community (district admin: any): the booker's full number (audited, `centers.viewMobile`). */
  revealMobile: { input: revealMobileInput, output: z.object({ mobile: z.string() }) }
} as const

export type CentersContract = typeof centersContract
