/**
 * Everything a booking-side action decides on, in two round trips at once: the room, joined in the
 * database with its centre, the district booking rules, the caller's stored suspension and the
 * blackouts of a period (one aggregate with `$lookup`s on small collections; the cloud database
 * has no `$facet`), and one query of bookings for both the caller's no-shows and the room's
 * bookings the sweep is due to release (plus, for availability, the caller's bookings of the room
 * in some weeks: what the weekly quota counts).
 */
import type { CenterSettings } from '../../contracts/centers'
import { clock } from '../core/clock'
import { db } from '../core/db'
import { notFound } from '../core/errors'
import { COLL, type BlackoutDoc, type BookingDoc, type CenterDoc, type RoomDoc, type SuspensionDoc } from './model'
import { NO_SHOW_LOOKBACK_MS, NO_SHOW_READ, SETTINGS_DOC_ID, settingsOf, type NoShowRecord } from './store'
import { SWEEP_PAGE } from './lifecycle'

export interface RoomContext {
  room: RoomDoc
  center: CenterDoc
  settings: CenterSettings
  suspension: SuspensionDoc | null
  noShows: NoShowRecord[]
  /** With `due`: bookings of the room the sweep is due to look at (pending or confirmed, started). */
  due: BookingDoc[]
  /** The caller's bookings of the room in `weeks` that use the weekly quota. */
  quotaBookings: BookingDoc[]
  blackouts: BlackoutDoc[]
}

export interface ContextOptions {
  /** The caller (suspension, no-shows). */
  openid: string
  /** Weeks (Monday keys) whose quota use is wanted. */
  weeks?: string[]
  /** Blackouts (not lifted) overlapping [from, to). */
  blackoutsIn?: { from: number; to: number }
  /** The room's bookings the sweep is due to release (one more read). */
  due?: boolean
}

/** Statuses that hold a unit of the weekly quota (no-shows keep theirs: lifecycle.ts). */
export const QUOTA_STATUSES = ['pending', 'confirmed', 'checked_in', 'no_show'] as const

export async function readRoomContext(roomId: string, options: ContextOptions): Promise<RoomContext> {
  const _ = db().command
  const $ = _.aggregate
  const sub = () => $.pipeline()
  let query = db()
    .collection(COLL.rooms)
    .aggregate()
    .match({ _id: roomId })
    .lookup({ from: COLL.centers, localField: 'centerId', foreignField: '_id', as: 'center' })
    .lookup({ from: COLL.settings, pipeline: sub().match({ _id: SETTINGS_DOC_ID }).limit(1).done(), as: 'settings' })
    .lookup({ from: COLL.suspensions, pipeline: sub().match({ _id: options.openid }).limit(1).done(), as: 'suspension' })
  if (options.blackoutsIn) {
    const { from, to } = options.blackoutsIn
    query = query.lookup({
      from: COLL.blackouts,
      pipeline: sub()
        .match({ roomId, lifted: false, start: _.lt(new Date(to)), end: _.gt(new Date(from)) })
        .limit(100)
        .done(),
      as: 'blackouts'
    })
  }
  // The caller's no-shows and quota use: one query on the caller's bookings (indexed by openid).
  const mine: object[] = [{ status: 'no_show', start: _.gt(new Date(clock.now() - NO_SHOW_LOOKBACK_MS)) }]
  if (options.weeks?.length) mine.push({ roomId, weekKey: _.in(options.weeks), status: _.in([...QUOTA_STATUSES]) })
  const [res, related, due] = await Promise.all([
    query.limit(1).end(),
    db()
      .collection(COLL.bookings)
      .where(mine.length === 1 ? { openid: options.openid, ...mine[0] } : _.and([{ openid: options.openid }, _.or(mine)]))
      .limit(1000)
      .get()
      .then((r) => r.data as BookingDoc[]),
    options.due
      ? db()
          .collection(COLL.bookings)
          .where({ roomId, status: _.in(['pending', 'confirmed']), start: _.lte(clock.date()) })
          .limit(SWEEP_PAGE)
          .get()
          .then((r) => r.data as BookingDoc[])
      : Promise.resolve([] as BookingDoc[])
  ])
  const row = (res.list as Record<string, any>[])[0]
  if (!row) throw notFound('活动室')
  const center = (row.center as CenterDoc[])[0]
  if (!center) throw notFound('邻里中心')
  const { center: _c, settings, suspension, blackouts, ...room } = row
  const now = clock.now()
  const noShows = related
    .filter((b) => b.status === 'no_show' && new Date(b.start).getTime() > now - NO_SHOW_LOOKBACK_MS)
    .sort((a, b) => new Date(b.start).getTime() - new Date(a.start).getTime())
    .slice(0, NO_SHOW_READ)
  const weeks = new Set(options.weeks ?? [])
  const quotaBookings = related.filter((b) => b.roomId === roomId && b.openid === options.openid && weeks.has(b.weekKey) && (QUOTA_STATUSES as readonly string[]).includes(b.status))
  return {
    room: room as RoomDoc,
    center,
    settings: settingsOf((settings as Partial<CenterSettings>[])[0]),
    suspension: ((suspension as SuspensionDoc[])[0] as SuspensionDoc | undefined) ?? null,
    noShows,
    due,
    quotaBookings,
    blackouts: (blackouts ?? []) as BlackoutDoc[]
  }
}

/** A booking and the district rules (its view needs `checkInMinutes`): one round trip. */
export async function readBookingWithSettings(bookingId: string): Promise<{ booking: BookingDoc; settings: CenterSettings }> {
  const $ = db().command.aggregate
  const res = await db()
    .collection(COLL.bookings)
    .aggregate()
    .match({ _id: bookingId })
    .lookup({ from: COLL.settings, pipeline: $.pipeline().match({ _id: SETTINGS_DOC_ID }).limit(1).done(), as: 'settings' })
    .limit(1)
    .end()
  const row = (res.list as Record<string, any>[])[0]
  if (!row) throw notFound('预约')
  const { settings, ...booking } = row
  return { booking: booking as BookingDoc, settings: settingsOf((settings as Partial<CenterSettings>[])[0]) }
}

/** Time has released it: a pending booking past its start, a confirmed one past the check-in grace. */
export function isDue(b: BookingDoc, settings: CenterSettings, now = clock.now()): boolean {
  const start = new Date(b.start).getTime()
  return (b.status === 'pending' && start <= now) || (b.status === 'confirmed' && start + settings.checkInMinutes * 60_000 <= now)
}

/**
 * A list's total with the district rules (and the caller's stored suspension) joined onto it: one
 * round trip while the list has anything; an empty list reads the rules (and suspension) apart.
 */
export async function countWithRules(where: object, openid?: string): Promise<{ total: number; settings: CenterSettings; suspension: SuspensionDoc | null }> {
  const _ = db().command
  const $ = _.aggregate
  let query = db()
    .collection(COLL.bookings)
    .aggregate()
    .match(where)
    .group({ _id: null, total: $.sum(1) })
    .lookup({ from: COLL.settings, pipeline: $.pipeline().match({ _id: SETTINGS_DOC_ID }).limit(1).done(), as: 'settings' })
  if (openid) query = query.lookup({ from: COLL.suspensions, pipeline: $.pipeline().match({ _id: openid }).limit(1).done(), as: 'suspension' })
  const row = ((await query.limit(1).end()).list as { total: number; settings: Partial<CenterSettings>[]; suspension?: SuspensionDoc[] }[])[0]
  if (row) return { total: row.total, settings: settingsOf(row.settings[0]), suspension: row.suspension?.[0] ?? null }
  const [settings, suspension] = await Promise.all([
    db().collection(COLL.settings).where({ _id: SETTINGS_DOC_ID }).limit(1).get(),
    openid ? db().collection(COLL.suspensions).where({ _id: openid }).limit(1).get() : Promise.resolve({ data: [] })
  ])
  return { total: 0, settings: settingsOf(settings.data[0] as Partial<CenterSettings> | undefined), suspension: (suspension.data[0] as SuspensionDoc | undefined) ?? null }
}

/** The caller's no-shows that can still matter, and (with `dueToo`) their bookings the sweep is due to release: one query. */
export async function readOwnRecord(openid: string, dueToo: boolean): Promise<{ noShows: NoShowRecord[]; due: BookingDoc[] }> {
  const _ = db().command
  const now = clock.now()
  const noShowBranch = { status: 'no_show', start: _.gt(new Date(now - NO_SHOW_LOOKBACK_MS)) }
  const where = dueToo ? _.and([{ openid }, _.or([noShowBranch, { status: _.in(['pending', 'confirmed']), start: _.lte(new Date(now)) }])]) : { openid, ...noShowBranch }
  const res = await db().collection(COLL.bookings).where(where).limit(1000).get()
  const docs = res.data as BookingDoc[]
  return {
    noShows: docs
      .filter((b) => b.status === 'no_show')
      .sort((a, b) => new Date(b.start).getTime() - new Date(a.start).getTime())
      .slice(0, NO_SHOW_READ),
    due: docs.filter((b) => b.status === 'pending' || b.status === 'confirmed').slice(0, SWEEP_PAGE)
  }
}
