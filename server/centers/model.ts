/**
 * The centres domain's stored documents, their collections, and the views the actions return.
 *
 * Exactly-one booking rests on `roomSlots`: one document per taken slot with the deterministic
 * `_id` `${roomId}:${YYYYMMDDHHmm}` (Shanghai wall clock of the slot start). A booking claims each of
 * its slots by adding that document — the unique `_id` lets exactly one claim win — gives back the
 * ones it claimed when it loses another (all or nothing), then takes its weekly quota unit with a
 * guarded update and is written (book.ts). Pending and confirmed bookings hold their slot
 * documents; cancelling, rejecting, expiring or releasing a no-show removes them (so the slot can
 * be booked again), while the booking record keeps the whole history. A blackout's record holds
 * its slots (bookings, availability and events read the blackouts overlapping them; blackout.ts),
 * displacing the bookings that held them; centre events claim slots as state `event` (events.ts),
 * so a booking and an event never hold one slot.
 */
import type {
  BookingAction,
  BookingStatus,
  BookingView,
  CenterStatus,
  FundType,
  OpeningHours,
  RoomView,
  SlotState
} from '../../contracts/centers'
import { ACTIVE_BOOKING_STATUSES } from '../../contracts/centers'
import { clock } from '../core/clock'
import type { Caller } from '../core/identity'
import { canManageCommunity } from '../core/guard'
import { maskMobile } from '../core/mask'
import { iso, MINUTE } from './calendar'

export const COLL = {
  centers: 'centers',
  rooms: 'rooms',
  slots: 'roomSlots',
  bookings: 'bookings',
  quotas: 'bookingQuotas',
  suspensions: 'bookingSuspensions',
  blackouts: 'roomBlackouts',
  funds: 'centerFunds',
  /** The shared district settings collection; ours is the document `centers`. */
  settings: 'settings'
} as const

export interface StatusChange {
  status: CenterStatus
  at: Date
  actor: string
  actorName?: string
  note?: string
}

export interface CenterDoc {
  _id: string
  name: string
  communityId: string
  gridId?: string
  address: string
  location?: { latitude: number; longitude: number }
  openingHours: OpeningHours
  phone?: string
  description?: string
  photos: string[]
  status: CenterStatus
  statusHistory: StatusChange[]
  /** Listing order within the district (community order × 1000 + position). */
  order: number
  roomCount: number
  createdAt: Date
  updatedAt: Date
}

export interface RoomDoc {
  _id: string
  centerId: string
  communityId: string
  name: string
  capacity: number
  facilities: string[]
  slotMinutes: number
  bookAheadDays: number
  minNoticeMinutes: number
  cancelBeforeMinutes: number
  needsApproval: boolean
  weeklyQuota: number
  maxSlots: number
  active: boolean
  description?: string
  /** The check-in code on the room's door (unique; the QR code's scene). */
  code: string
  /** When the room was switched on and off (its creation first; utilisation counts open hours only while on). */
  activeHistory?: { active: boolean; at: Date; by?: string }[]
  /** The latest end of any blackout ever set on the room: reads skip the blackout query before it. */
  blackoutUntil?: Date
  order: number
  createdAt: Date
  updatedAt: Date
}

export type SlotDocState = Exclude<SlotState, 'free'>

export interface SlotDoc {
  _id: string
  roomId: string
  centerId: string
  day: string
  start: Date
  end: Date
  state: SlotDocState
  bookingId?: string
  openid?: string
  blackoutId?: string
  reason?: string
  /** State `event`: the centre event (an activity) holding the slot, and its title (events.ts). */
  activityId?: string
  title?: string
  /** When a booking claimed it (book.ts: a claim whose booking never got written is stale after a while). */
  at?: Date
}

export interface HistoryEntry {
  at: Date
  action: BookingAction
  actor: string
  actorName?: string
  note?: string
}

export interface BookingDoc {
  _id: string
  roomId: string
  roomName: string
  centerId: string
  centerName: string
  communityId: string
  openid: string
  bookerName?: string
  /** Only when the booker agreed to be called (`shareMobile`); null otherwise. */
  bookerMobile?: string | null
  start: Date
  end: Date
  slots: number
  slotIds: string[]
  purpose: string
  attendees: number
  status: BookingStatus
  needsApproval: boolean
  /** Why it was rejected or cancelled (shown to the resident). */
  reason?: string
  /** How it ended when not by its owner: 'staff' | 'blackout' | 'sweep'. */
  closedBy?: string
  cancelBeforeMinutes: number
  quotaId: string
  day: string
  weekKey: string
  monthKey: string
  hours: number
  checkedInAt?: Date
  checkedInBy?: 'code' | 'staff'
  /** The sweep that ended it (lifecycle.ts: which bookings of a batch update were its own). */
  sweptBy?: string
  history: HistoryEntry[]
  createdAt: Date
  updatedAt: Date
}

export interface QuotaDoc {
  _id: string
  roomId: string
  openid: string
  weekKey: string
  count: number
}

export interface SuspensionDoc {
  _id: string
  until: Date
  noShows: number
  since: Date
}

export interface BlackoutDoc {
  _id: string
  roomId: string
  roomName: string
  centerId: string
  communityId: string
  start: Date
  end: Date
  reason: string
  slotIds: string[]
  cancelledBookingIds: string[]
  /** False: the record itself holds its slots (no `blocked` slot documents); older records claimed a document per slot. */
  slotDocs?: boolean
  lifted: boolean
  liftedAt?: Date
  liftedBy?: string
  createdBy: string
  createdByName?: string
  createdAt: Date
}

export interface FundDoc {
  _id: string
  centerId: string
  centerName: string
  communityId: string
  type: FundType
  /** Fen (1/100 yuan), so sums stay exact. */
  amountFen: number
  date: string
  note?: string
  recordedBy: string
  recordedByName?: string
  createdAt: Date
}

export const slotIdOf = (roomId: string, slotKey: string) => `${roomId}:${slotKey}`
export const quotaIdOf = (roomId: string, openid: string, weekKey: string) => `${roomId}:${openid}:${weekKey}`

/** A short random id with a time prefix (sortable by creation). */
export function newId(prefix: string): string {
  const rand = Math.floor(Math.random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0')
  return `${prefix}${clock.now().toString(36)}${rand}`
}

const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'
/** An 8-character room code without look-alike characters (typed by hand on H5). */
export function newRoomCode(): string {
  let code = ''
  for (let i = 0; i < 8; i++) code += CODE_ALPHABET[Math.floor(Math.random() * CODE_ALPHABET.length)]
  return code
}

export const callerName = (caller: Caller) => caller.user?.profile.name

export function toRoomView(room: RoomDoc, withCode: boolean): RoomView {
  return {
    id: room._id,
    _id: room._id,
    centerId: room.centerId,
    name: room.name,
    capacity: room.capacity,
    facilities: room.facilities ?? [],
    slotMinutes: room.slotMinutes,
    bookAheadDays: room.bookAheadDays,
    minNoticeMinutes: room.minNoticeMinutes,
    cancelBeforeMinutes: room.cancelBeforeMinutes,
    needsApproval: room.needsApproval,
    weeklyQuota: room.weeklyQuota,
    maxSlots: room.maxSlots,
    active: room.active,
    description: room.description ?? undefined,
    code: withCode ? room.code : undefined
  }
}

export const isActive = (status: BookingStatus) => ACTIVE_BOOKING_STATUSES.includes(status)
/** A booking that still holds its slots: an active one, or one checked in (the room is in use). */
export const holdsSlots = (status: BookingStatus) => isActive(status) || status === 'checked_in'

/** The resident's own cancel deadline: the room's `cancelBeforeMinutes` before the start. */
export const cancelDeadlineOf = (b: BookingDoc) => b.start.getTime() - (b.cancelBeforeMinutes ?? 0) * MINUTE

/**
 * A booking as the caller may see it. `staffView` adds the booker's name and masked mobile and
 * the history (staff of the community and district admin only).
 */
export function toBookingView(b: BookingDoc, caller: Caller, options: { checkInMinutes: number; staffView?: boolean }): BookingView {
  const now = clock.now()
  const start = b.start.getTime()
  const end = b.end.getTime()
  const own = b.openid === caller.openid
  const manager = canManageCommunity(caller, b.communityId)
  const active = isActive(b.status)
  const canCancel = active && ((own && now < cancelDeadlineOf(b)) || (manager && now < end))
  const window = options.checkInMinutes * MINUTE
  const canCheckIn = b.status === 'confirmed' && (own || manager) && now >= start - window && now <= start + window
  const staffView = options.staffView && manager
  return {
    id: b._id,
    _id: b._id,
    roomId: b.roomId,
    roomName: b.roomName,
    centerId: b.centerId,
    centerName: b.centerName,
    communityId: b.communityId,
    start: iso(start),
    end: iso(end),
    slots: b.slots,
    purpose: b.purpose,
    attendees: b.attendees,
    status: b.status,
    needsApproval: b.needsApproval,
    reason: b.reason ?? undefined,
    checkedInAt: b.checkedInAt ? iso(b.checkedInAt) : undefined,
    createdAt: iso(b.createdAt),
    canCancel,
    canCheckIn,
    cancelDeadline: iso(cancelDeadlineOf(b)),
    bookerName: staffView ? (b.bookerName ?? '居民') : undefined,
    bookerMobile: staffView ? (maskMobile(b.bookerMobile ?? undefined) ?? undefined) : undefined,
    history: staffView || own ? b.history.map((h) => ({ at: iso(h.at), action: h.action, actorName: staffView ? (h.actorName ?? undefined) : undefined, note: h.note ?? undefined })) : undefined
  }
}
