/**
 * Lists of bookings: the resident's own (`myBookings`) and the staff's (`bookings`: a centre's day,
 * the pending ones waiting for review, any status), both paged and counted in the database.
 */
import type { BookingView } from '../../contracts/centers'
import type { Page } from '../../contracts/common'
import type { z } from '../../contracts/zod'
import type { bookingsInput, myBookingsInput } from '../../contracts/centers'
import { clock } from '../core/clock'
import { db } from '../core/db'
import { AppError } from '../core/errors'
import { inCommunities, managedCommunities } from '../core/guard'
import type { Caller } from '../core/identity'
import { getCenter, getRoomWithCenter, requireCenterStaff } from './access'
import { iso, MINUTE } from './calendar'
import { sweep } from './lifecycle'
import { COLL, toBookingView, type BookingDoc } from './model'
import { loadSettings, suspensionOf } from './store'

/** Booking statuses that hold a slot or were used (the rest ended it: contracts/centers.ts BOOKING_STATUSES). */
export const UPCOMING_BOOKING_STATUSES = ['pending', 'confirmed', 'checked_in'] as const

/**
 * 我的预约 即将开始 (`myBookings` scope 'upcoming'; users.overview counts it and shows its first):
 * not yet ended and still holding or used — as the sweep (lifecycle.ts) leaves them, decided by time
 * alone, so a count without the sweep agrees: a pending booking whose start passed has expired, a
 * confirmed one not checked in within `checkInMinutes` of its start is a no-show.
 */
export function upcomingWhere(openid: string, now: Date, checkInMinutes: number): object {
  const _ = db().command
  return _.and([
    { openid, end: _.gt(now) },
    _.or([
      { status: 'checked_in' },
      { status: 'pending', start: _.gt(now) },
      { status: 'confirmed', start: _.gt(new Date(now.getTime() - checkInMinutes * MINUTE)) }
    ])
  ])
}

export async function myBookings(input: z.infer<typeof myBookingsInput>, caller: Caller): Promise<Page<BookingView> & { suspendedUntil?: string }> {
  const [, settings] = await Promise.all([sweep({ openid: caller.openid }), loadSettings()])
  const _ = db().command
  const now = clock.date()
  // Past: ended, or closed without taking place (cancelled, rejected, expired, no-show).
  const query =
    input.scope === 'upcoming'
      ? upcomingWhere(caller.openid, now, settings.checkInMinutes)
      : input.scope === 'past'
        ? _.and([{ openid: caller.openid }, _.or([{ end: _.lte(now) }, { status: _.in(['cancelled', 'rejected', 'expired', 'no_show']) }])])
        : { openid: caller.openid }
  const order: 'asc' | 'desc' = input.scope === 'upcoming' ? 'asc' : 'desc'
  const [{ total }, res, suspendedUntil] = await Promise.all([
    db().collection(COLL.bookings).where(query).count(),
    db()
      .collection(COLL.bookings)
      .where(query)
      .orderBy('start', order)
      .skip((input.page - 1) * input.pageSize)
      .limit(input.pageSize)
      .get(),
    suspensionOf(caller.openid, settings)
  ])
  return {
    items: (res.data as BookingDoc[]).map((b) => toBookingView(b, caller, { checkInMinutes: settings.checkInMinutes })),
    total,
    page: input.page,
    pageSize: input.pageSize,
    suspendedUntil: suspendedUntil ? iso(suspendedUntil) : undefined
  }
}

type BookingsInput = z.infer<typeof bookingsInput>

/**
 * The staff's list without a centre or room: the bookings of these communities (null: every one,
 * the district admin's). With `filtersWhere`, users.overview counts the review queue with it.
 */
export function communitiesWhere(communities: string[] | null): Record<string, unknown> {
  return inCommunities(communities)
}

/** The staff's list filters: a day, a status ('active': pending or confirmed). */
export function filtersWhere(input: Pick<BookingsInput, 'date' | 'status'>): Record<string, unknown> {
  const where: Record<string, unknown> = {}
  if (input.date) where.day = input.date
  if (input.status === 'active') where.status = db().command.in(['pending', 'confirmed'])
  else if (input.status) where.status = input.status
  return where
}

export async function listBookings(input: BookingsInput, caller: Caller): Promise<Page<BookingView>> {
  const where: Record<string, unknown> = {}
  if (input.roomId) {
    const { center } = await getRoomWithCenter(input.roomId)
    requireCenterStaff(caller, center)
    where.roomId = input.roomId
    await sweep({ roomId: input.roomId })
  } else if (input.centerId) {
    const center = await getCenter(input.centerId)
    requireCenterStaff(caller, center)
    where.centerId = input.centerId
    await sweep({ centerId: input.centerId })
  } else {
    const communities = managedCommunities(caller)
    if (communities && communities.length === 0) throw new AppError('FORBIDDEN', '仅社区工作人员可查看')
    Object.assign(where, communitiesWhere(communities))
  }
  Object.assign(where, filtersWhere(input))
  // A day's list reads in time order; the review queue oldest first; everything else newest first.
  const order: 'asc' | 'desc' = input.date || input.status === 'pending' || input.status === 'active' ? 'asc' : 'desc'
  const [{ total }, res, settings] = await Promise.all([
    db().collection(COLL.bookings).where(where).count(),
    db()
      .collection(COLL.bookings)
      .where(where)
      .orderBy('start', order)
      .skip((input.page - 1) * input.pageSize)
      .limit(input.pageSize)
      .get(),
    loadSettings()
  ])
  return {
    items: (res.data as BookingDoc[]).map((b) => toBookingView(b, caller, { checkInMinutes: settings.checkInMinutes, staffView: true })),
    total,
    page: input.page,
    pageSize: input.pageSize
  }
}
