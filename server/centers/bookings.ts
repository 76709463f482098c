/**
 * Lists of bookings: the resident's own (`myBookings`) and the staff's (`bookings`: a centre's day,
 * the pending ones waiting for review, any status), both paged and counted in the database.
 */
import { DEFAULT_SETTINGS, type BookingView, type CenterSettings } from '../../contracts/centers'
import type { Page } from '../../contracts/common'
import type { z } from '../../contracts/zod'
import type { bookingsInput, myBookingsInput } from '../../contracts/centers'
import { clock } from '../core/clock'
import { db } from '../core/db'
import { AppError, notFound } from '../core/errors'
import type { FirstReadContext } from '../core/function'
import { inCommunities, managedCommunities } from '../core/guard'
import type { Caller } from '../core/identity'
import { byIdPart, requireCenterStaff, roomWithCenterOf, roomWithCenterPart } from './access'
import { iso, MINUTE } from './calendar'
import { readOwnList } from './context'
import { readTogether, type Part } from '../core/together'
import { sweep, SWEEP_PAGE } from './lifecycle'
import { COLL, toBookingView, type BookingDoc, type CenterDoc } from './model'
import { settingsOf, SETTINGS_DOC_ID, settleSuspension } from './store'

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

export async function myBookings(input: z.infer<typeof myBookingsInput>, first: FirstReadContext): Promise<Page<BookingView> & { suspendedUntil?: string }> {
  const _ = db().command
  // The caller is the one the shell identifies, read with the list below.
  const openid = first.openid
  const now = clock.date()
  // The upcoming filter needs the check-in grace; the rules come with the count, so it is built
  // with the default grace first and again only if the district changed it.
  const queryOf = (checkInMinutes: number) =>
    input.scope === 'upcoming'
      ? upcomingWhere(openid, now, checkInMinutes)
      : input.scope === 'past'
        ? _.and([{ openid }, _.or([{ end: _.lte(now) }, { status: _.in(['cancelled', 'rejected', 'expired', 'no_show']) }])])
        : { openid }
  const order: 'asc' | 'desc' = input.scope === 'upcoming' ? 'asc' : 'desc'
  const page = { order, skip: (input.page - 1) * input.pageSize, limit: input.pageSize }
  // The caller's record (no-shows, bookings due to be swept), the total, the page, the rules and
  // the stored suspension: one read.
  let read = await readOwnList(openid, true, queryOf(DEFAULT_SETTINGS.checkInMinutes), page, first)
  const caller = read.caller!
  const stale = read.settings.checkInMinutes !== DEFAULT_SETTINGS.checkInMinutes && input.scope === 'upcoming'
  if (read.record.due.length || stale) {
    if (read.record.due.length) await sweep({ openid: caller.openid }, 1, { due: read.record.due, settings: read.settings })
    read = await readOwnList(caller.openid, false, queryOf(read.settings.checkInMinutes), page)
  }
  const { settings, record, items } = read
  const counted = { total: read.total, suspension: read.suspension }
  const { until: suspendedUntil } = await settleSuspension(caller.openid, counted.suspension, settings, record.noShows)
  return {
    items: items.map((b) => toBookingView(b, caller, { checkInMinutes: settings.checkInMinutes })),
    total: counted.total,
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

export async function listBookings(input: BookingsInput, first: FirstReadContext): Promise<Page<BookingView>> {
  const _ = db().command
  const where: Record<string, unknown> = {}
  let dueWhere: Record<string, unknown> | null = null
  // A room's or centre's list: the room (or centre) to check access on is read with the caller and
  // the list itself (one read); otherwise the caller's communities decide what is listed.
  let scope: Part | null = null
  let caller: Caller | null = null
  if (input.roomId) {
    scope = roomWithCenterPart(input.roomId)
    where.roomId = input.roomId
    dueWhere = { roomId: input.roomId }
  } else if (input.centerId) {
    scope = byIdPart(COLL.centers, input.centerId)
    where.centerId = input.centerId
    dueWhere = { centerId: input.centerId }
  } else {
    caller = (await first.readWithCaller({})).caller
    const communities = managedCommunities(caller)
    if (communities && communities.length === 0) throw new AppError('FORBIDDEN', '仅社区工作人员可查看')
    Object.assign(where, communitiesWhere(communities))
  }
  Object.assign(where, filtersWhere(input))
  // A day's list reads in time order; the review queue oldest first; everything else newest first.
  // The back office's `sort` (index `start`) asks for either order.
  const order: 'asc' | 'desc' = input.sort?.order ?? (input.date || input.status === 'pending' || input.status === 'active' ? 'asc' : 'desc')
  // The total, the page, the rules and (a room's or centre's list) the bookings the sweep is due
  // to release: one read. The list is swept first (lazily: only when something is due, then read again).
  const read = async (withDue: boolean) => {
    const parts: Record<'total' | 'items' | 'settings' | 'due', Part> = {
      total: { collection: COLL.bookings, build: (p) => p.match(where).count('total') },
      items: { collection: COLL.bookings, build: (p) => p.match(where).sort({ start: order === 'asc' ? 1 : -1 }).skip((input.page - 1) * input.pageSize).limit(input.pageSize) },
      settings: { collection: COLL.settings, build: (p) => p.match({ _id: SETTINGS_DOC_ID }).limit(1) },
      due: { collection: COLL.bookings, build: (p) => p.match({ ...dueWhere, status: _.in(['pending', 'confirmed']), start: _.lte(clock.date()) }).limit(SWEEP_PAGE) }
    }
    if (!withDue) delete (parts as Partial<typeof parts>).due
    let got: Record<string, Record<string, any>[]>
    if (scope && !caller) {
      const read = await first.readWithCaller({ ...parts, scope })
      caller = read.caller
      got = read.docs
      if (input.roomId) requireCenterStaff(caller, roomWithCenterOf(got.scope).center)
      else {
        const center = got.scope[0] as CenterDoc | undefined
        if (!center) throw notFound('邻里中心')
        requireCenterStaff(caller, center)
      }
    } else got = await readTogether(parts)
    const counted = { total: (got.total[0]?.total as number | undefined) ?? 0, settings: settingsOf(got.settings[0] as Partial<CenterSettings> | undefined) }
    return { counted, items: got.items as BookingDoc[], due: (got.due ?? []) as BookingDoc[] }
  }
  let { counted, items, due } = await read(dueWhere !== null)
  if (due.length) {
    const swept = await sweep(input.roomId ? { roomId: input.roomId } : { centerId: input.centerId }, 1, { due, settings: counted.settings })
    if (swept.expired + swept.noShows > 0) ({ counted, items } = await read(false))
  }
  return {
    items: items.map((b) => toBookingView(b, caller!, { checkInMinutes: counted.settings.checkInMinutes, staffView: true })),
    total: counted.total,
    page: input.page,
    pageSize: input.pageSize
  }
}
