/**
 * Everything a booking-side action decides on, in ONE round trip: the room, joined in the database
 * with its centre, the district booking rules, the caller's stored suspension, the blackouts of a
 * period, the caller's bookings that matter (no-shows, and the caller's bookings of the room in
 * some weeks: what the weekly quota counts), the room's bookings the sweep is due to release and
 * (for availability) the room's slot documents of some days — one aggregate with `$lookup`s (the
 * uncorrelated sub-pipelines each run once, on an indexed leading `$match`; the cloud database
 * has no `$facet`).
 */
import type { CenterSettings } from '../../contracts/centers'
import { clock } from '../core/clock'
import { db } from '../core/db'
import type { FirstReadContext } from '../core/function'
import type { Caller } from '../core/identity'
import { notFound } from '../core/errors'
import { readTogether, type Part } from '../core/together'
import { COLL, type BlackoutDoc, type BookingDoc, type CenterDoc, type RoomDoc, type SlotDoc, type SuspensionDoc } from './model'
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
  /** With `slotDays`: the room's slot documents on those days (the first SLOT_READ). */
  slots: SlotDoc[]
  /** With `quotaId`: whether the caller's weekly quota counter exists (undefined: not asked). */
  quotaCounterExists?: boolean
}

export interface ContextOptions {
  /** The caller (suspension, no-shows). */
  openid: string
  /** Weeks (Monday keys) whose quota use is wanted. */
  weeks?: string[]
  /** The weekly quota counter (`bookingQuotas`) whose existence is wanted (book.ts: raise it or add it). */
  quotaId?: string
  /** Blackouts (not lifted) overlapping [from, to). */
  blackoutsIn?: { from: number; to: number }
  /** The room's bookings the sweep is due to release. */
  due?: boolean
  /** The room's slot documents on these days (at most SLOT_READ: the caller pages on). */
  slotDays?: string[]
}

/** Slot documents joined onto the room; a caller that gets this many reads the rest itself. */
export const SLOT_READ = 1000

/** Statuses that hold a unit of the weekly quota (no-shows keep theirs: lifecycle.ts). */
export const QUOTA_STATUSES = ['pending', 'confirmed', 'checked_in', 'no_show'] as const

/**
 * A room's context with the caller in the same round trip (`identity: 'withFirstRead'`): the
 * caller's openid (`ctx.openid`, the one the shell identifies them by) builds the parts that depend on who calls.
 */
export async function readRoomContextWithCaller(ctx: FirstReadContext, roomId: string, options: Omit<ContextOptions, 'openid'>): Promise<{ caller: Caller; context: RoomContext }> {
  const { caller, docs } = await ctx.readWithCaller({ room: roomContextPart(roomId, { ...options, openid: ctx.openid }) })
  return { caller, context: roomContextOf(docs.room[0], roomId, { ...options, openid: caller.openid }) }
}

/** The room joined with everything its context holds: one part (core/together.ts). */
export function roomContextPart(roomId: string, options: ContextOptions): Part {
  return {
    collection: COLL.rooms,
    build: (pipeline) => {
      const _ = db().command
      const $ = _.aggregate
      const sub = () => $.pipeline()
      let query = pipeline
        .match({ _id: roomId })
        .limit(1)
        .lookup({ from: COLL.centers, localField: 'centerId', foreignField: '_id', as: 'center' })
        .lookup({ from: COLL.settings, pipeline: sub().match({ _id: SETTINGS_DOC_ID }).limit(1).done(), as: 'settings' })
        .lookup({ from: COLL.suspensions, pipeline: sub().match({ _id: options.openid }).limit(1).done(), as: 'suspension' })
      if (options.quotaId) {
        query = query.lookup({ from: COLL.quotas, pipeline: sub().match({ _id: options.quotaId }).limit(1).done(), as: 'quota' })
      }
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
      // The caller's no-shows and quota use: one sub-pipeline on the caller's bookings (indexed by openid).
      const mine: object[] = [{ status: 'no_show', start: _.gt(new Date(clock.now() - NO_SHOW_LOOKBACK_MS)) }]
      if (options.weeks?.length) mine.push({ roomId, weekKey: _.in(options.weeks), status: _.in([...QUOTA_STATUSES]) })
      query = query.lookup({
        from: COLL.bookings,
        pipeline: sub()
          .match(mine.length === 1 ? { openid: options.openid, ...mine[0] } : _.and([{ openid: options.openid }, _.or(mine)]))
          .limit(1000)
          .done(),
        as: 'related'
      })
      if (options.due) {
        query = query.lookup({
          from: COLL.bookings,
          pipeline: sub()
            .match({ roomId, status: _.in(['pending', 'confirmed']), start: _.lte(clock.date()) })
            .limit(SWEEP_PAGE)
            .done(),
          as: 'due'
        })
      }
      if (options.slotDays?.length) {
        query = query.lookup({
          from: COLL.slots,
          pipeline: sub()
            .match({ roomId, day: _.in(options.slotDays) })
            .limit(SLOT_READ)
            .done(),
          as: 'slots'
        })
      }
      // Everything above is joined onto the room: one round trip.
      return query.limit(1)
    }
  }
}

function roomContextOf(row: Record<string, any> | undefined, roomId: string, options: ContextOptions): RoomContext {
  if (!row) throw notFound('活动室')
  const center = (row.center as CenterDoc[])[0]
  if (!center) throw notFound('邻里中心')
  const { center: _c, settings, suspension, blackouts, related: relatedRaw, due, slots, quota, ...room } = row
  const related = (relatedRaw ?? []) as BookingDoc[]
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
    due: (due ?? []) as BookingDoc[],
    quotaBookings,
    blackouts: (blackouts ?? []) as BlackoutDoc[],
    slots: (slots ?? []) as SlotDoc[],
    ...(options.quotaId ? { quotaCounterExists: ((quota ?? []) as unknown[]).length > 0 } : {})
  }
}

/** A booking and the district rules (its view needs `checkInMinutes`): one part. */
export function bookingWithSettingsPart(bookingId: string): Part {
  return {
    collection: COLL.bookings,
    build: (p) =>
      p
        .match({ _id: bookingId })
        .limit(1)
        .lookup({ from: COLL.settings, pipeline: db().command.aggregate.pipeline().match({ _id: SETTINGS_DOC_ID }).limit(1).done(), as: 'settings' })
        .limit(1)
  }
}

function bookingWithSettingsOf(rows: Record<string, any>[]): { booking: BookingDoc; settings: CenterSettings } {
  const row = rows[0]
  if (!row) throw notFound('预约')
  const { settings, ...booking } = row
  return { booking: booking as BookingDoc, settings: settingsOf((settings as Partial<CenterSettings>[])[0]) }
}

/** A booking and the district rules with the caller (`identity: 'withFirstRead'`): one round trip. */
export async function readBookingWithCaller(ctx: FirstReadContext, bookingId: string): Promise<{ caller: Caller; booking: BookingDoc; settings: CenterSettings }> {
  const { caller, docs } = await ctx.readWithCaller({ booking: bookingWithSettingsPart(bookingId) })
  return { caller, ...bookingWithSettingsOf(docs.booking) }
}

/** Time has released it: a pending booking past its start, a confirmed one past the check-in grace. */
export function isDue(b: BookingDoc, settings: CenterSettings, now = clock.now()): boolean {
  const start = new Date(b.start).getTime()
  return (b.status === 'pending' && start <= now) || (b.status === 'confirmed' && start + settings.checkInMinutes * 60_000 <= now)
}

/** The caller's no-shows that can still matter, and (with `dueToo`) their bookings the sweep is due to release. */
function ownRecordWhere(openid: string, dueToo: boolean): object {
  const _ = db().command
  const now = clock.now()
  const noShowBranch = { status: 'no_show', start: _.gt(new Date(now - NO_SHOW_LOOKBACK_MS)) }
  return dueToo ? _.and([{ openid }, _.or([noShowBranch, { status: _.in(['pending', 'confirmed']), start: _.lte(new Date(now)) }])]) : { openid, ...noShowBranch }
}

function ownRecordOf(docs: BookingDoc[]): { noShows: NoShowRecord[]; due: BookingDoc[] } {
  return {
    noShows: docs
      .filter((b) => b.status === 'no_show')
      .sort((a, b) => new Date(b.start).getTime() - new Date(a.start).getTime())
      .slice(0, NO_SHOW_READ),
    due: docs.filter((b) => b.status === 'pending' || b.status === 'confirmed').slice(0, SWEEP_PAGE)
  }
}

/**
 * The resident's list in ONE round trip (core/together.ts): the caller's record (no-shows and,
 * with `dueToo`, bookings due to be swept), the list's total and page, the rules and the stored
 * suspension.
 */
export async function readOwnList(
  openid: string,
  dueToo: boolean,
  where: object,
  page: { order: 'asc' | 'desc'; skip: number; limit: number },
  /** The first read of a `withFirstRead` action: the caller comes with it. */
  first?: FirstReadContext
): Promise<{ record: { noShows: NoShowRecord[]; due: BookingDoc[] }; total: number; items: BookingDoc[]; settings: CenterSettings; suspension: SuspensionDoc | null; caller?: Caller }> {
  const parts = {
    record: { collection: COLL.bookings, build: (p) => p.match(ownRecordWhere(openid, dueToo)).limit(1000) },
    total: { collection: COLL.bookings, build: (p) => p.match(where).count('total') },
    items: { collection: COLL.bookings, build: (p) => p.match(where).sort({ start: page.order === 'asc' ? 1 : -1 }).skip(page.skip).limit(page.limit) },
    settings: { collection: COLL.settings, build: (p) => p.match({ _id: SETTINGS_DOC_ID }).limit(1) },
    suspension: { collection: COLL.suspensions, build: (p) => p.match({ _id: openid }).limit(1) }
  } satisfies Record<string, Part>
  let got: Record<keyof typeof parts, Record<string, any>[]>
  let caller: Caller | undefined
  if (first) {
    const read = await first.readWithCaller(parts)
    if (read.caller.openid !== openid) throw new Error('the caller read is not the one the parts were built for')
    got = read.docs
    caller = read.caller
  } else got = await readTogether(parts)
  return {
    caller,
    record: ownRecordOf(got.record as BookingDoc[]),
    total: (got.total[0]?.total as number | undefined) ?? 0,
    items: got.items as BookingDoc[],
    settings: settingsOf(got.settings[0] as Partial<CenterSettings> | undefined),
    suspension: (got.suspension[0] as SuspensionDoc | undefined) ?? null
  }
}
