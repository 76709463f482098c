/**
 * Ending a booking (cancel, reject, blackout, expiry, no-show) and the sweep that releases
 * unclaimed bookings.
 *
 * One document decides an ending — the booking's status — so an ending is a guarded update whose
 * filter is that decision (`where({_id, status: <active>}).update()`: of any endings racing, exactly
 * one matches), after which the winner removes the slot documents still naming the booking (so the
 * slots can be booked again) and gives its weekly quota back — except for no-shows, which keep
 * counting: the resident did take the slot. The sweep ends a whole page of bookings with one such
 * update. An instance that dies between the two steps leaves slots naming an ended booking: the
 * next claim of such a slot takes it over (book.ts), so no slot is lost; its quota unit stays
 * counted for that week.
 *
 * The sweep has no timer on the emulator: it runs lazily (on availability, the staff lists and the
 * resident's list, scoped to what is being read, and on a booking when something due stands in its
 * way), from the staff's `sweep` action, and in
 * the cloud from the function's timer trigger (cloudfunctions/centers/config.json).
 */
import type { BookingAction, BookingStatus, CenterSettings } from '../../contracts/centers'
import { clock } from '../core/clock'
import { db } from '../core/db'
import { dayOf, MINUTE } from './calendar'
import { COLL, newId, type BookingDoc, type HistoryEntry, type SuspensionDoc } from './model'
import { queueCancellations } from './notify'
import { loadSettings, NO_SHOW_READ, noShowsWhere, settleSuspension, type NoShowRecord } from './store'

export interface Ending {
  status: BookingStatus
  action: BookingAction
  actor: string
  actorName?: string
  reason?: string
  /** Who ended it when not its owner: 'staff' | 'blackout' | 'sweep'. */
  closedBy?: string
  /** No-shows keep their quota. */
  keepQuota?: boolean
  /** Only end it from these statuses (default: any active one). */
  from?: BookingStatus[]
}

/**
 * Ends the bookings still in `ending.from` (default: an active status) with ONE guarded update: the
 * status in the filter is the decision, so of any endings racing on a booking (a second cancel, a
 * check-in, a review, the sweep, a blackout) exactly one wins. The update marks what it ended, so
 * when it ended fewer than it was given, one read of the mark says which. Returns the bookings this
 * call ended, as they are now. Frees nothing: the caller releases slots and quota (releaseHeld).
 */
export async function endGuarded<B extends Pick<BookingDoc, '_id'> & { history?: HistoryEntry[] }>(bookings: B[], ending: Ending): Promise<(B & Pick<BookingDoc, 'status' | 'updatedAt'>)[]> {
  if (bookings.length === 0) return []
  const _ = db().command
  const now = clock.date()
  const mark = newId('bx')
  const entry: HistoryEntry = { at: now, action: ending.action, actor: ending.actor, ...(ending.actorName ? { actorName: ending.actorName } : {}), note: ending.reason }
  const outcome = { status: ending.status, ...(ending.reason ? { reason: ending.reason } : {}), ...(ending.closedBy ? { closedBy: ending.closedBy } : {}), updatedAt: now }
  const ids = bookings.map((b) => b._id)
  const res = await db()
    .collection(COLL.bookings)
    .where({ _id: _.in(ids), status: _.in([...(ending.from ?? ['pending', 'confirmed'])]) })
    .update({ data: { ...outcome, sweptBy: mark, history: _.push([entry]) } })
  if (res.stats.updated === 0) return []
  let won = bookings
  if (res.stats.updated !== bookings.length) {
    const mine = await db().collection(COLL.bookings).where({ _id: _.in(ids), sweptBy: mark }).field({ _id: true }).limit(ids.length).get()
    const ended = new Set((mine.data as { _id: string }[]).map((d) => d._id))
    won = bookings.filter((b) => ended.has(b._id))
  }
  return won.map((b) => ({ ...b, ...outcome, ...(b.history ? { history: [...b.history, entry] } : {}) }))
}

/**
 * Ends one booking without a transaction (endGuarded), then frees the slots still naming it and
 * gives the quota back. Returns the booking as it is now, or null when it had already ended.
 */
export async function endBookingGuarded(booking: BookingDoc, ending: Ending): Promise<BookingDoc | null> {
  const [ended] = await endGuarded([booking], ending)
  if (!ended) return null
  await releaseHeld([ended], ending.keepQuota ? [] : [ended])
  return ended
}

/**
 * `endBookingGuarded` for several bookings at once (users.deleteAccount): one guarded update whose
 * filter is the decision (each still in `from`), marked so that, when something raced it, one read
 * says which it ended; then their slots are freed and their quota given back (releaseHeld). Each
 * booking needs `_id`, `slotIds` and `quotaId`. Returns the ids this call ended.
 */
export async function endBookingsGuarded(bookings: Pick<BookingDoc, '_id' | 'slotIds' | 'quotaId'>[], ending: Ending): Promise<string[]> {
  const won = (await endGuarded(bookings, ending)) as BookingDoc[]
  await releaseHeld(won, ending.keepQuota ? [] : won)
  return won.map((b) => b._id)
}

/**
 * The fence between a booking and a blackout set at the same time (blackout.ts): a booking that
 * writes its booking later than this after starting its first read looks for blackouts once more.
 */
export const BOOKING_FENCE_MS = 800

/** Messages and suspension writes a sweep has in flight at once. */
const LANES = 32

/** Runs `work` over `items`, at most LANES at a time. */
async function inLanes<T>(items: readonly T[], work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) await work(items[next++])
  }
  await Promise.all(Array.from({ length: Math.min(LANES, items.length) }, worker))
}

/** Bookings the sweep reads (and ends) per page. */
export const SWEEP_PAGE = 100
/** Wall time after which a multi-page sweep starts no further page (the function times out at 3 s). */
const SWEEP_BUDGET_MS = 1800

export interface SweepScope {
  roomId?: string
  centerId?: string
  communityId?: string
  openid?: string
}

export interface SweepResult {
  noShows: number
  expired: number
  suspended: number
}

/** What a caller already read for the sweep (context.ts): the first page of due bookings and the rules. */
export interface SweepKnown {
  due: BookingDoc[]
  settings: CenterSettings
}

/**
 * Releases what time has ended: pending bookings whose start passed without a review expire
 * (quota returned), confirmed bookings not checked in within the grace period become no-shows
 * (slots freed, quota kept, the resident told, and suspended after repeated no-shows).
 * `maxBatches` bounds the work of a lazy sweep; the staff/timer sweep runs until done.
 *
 * Cost per page of (up to 100) due bookings, not per booking: one read, one guarded batch update
 * per kind of ending (`where({_id: in(page), status}).update()`: the status in the filter is the
 * decision, so a check-in, a review or another sweep racing it wins or loses per booking), one
 * removal of the freed slots, one quota update per distinct give-back, and for no-shows one read
 * of the residents' no-show records and suspensions. Messages are one per resident, as WeChat sends them.
 */
export async function sweep(scope: SweepScope = {}, maxBatches = 1, known?: SweepKnown): Promise<SweepResult> {
  return (await sweepReleasing(scope, maxBatches, known)).result
}

/** `sweep`, and the bookings it ended as they are now (for a caller that folds them into what it read). */
export async function sweepReleasing(scope: SweepScope = {}, maxBatches = 1, known?: SweepKnown): Promise<{ result: SweepResult; ended: BookingDoc[] }> {
  const _ = db().command
  const now = clock.now()
  const result: SweepResult = { noShows: 0, expired: 0, suspended: 0 }
  const where: Record<string, unknown> = { status: _.in(['pending', 'confirmed']), start: _.lte(new Date(now)) }
  if (scope.roomId) where.roomId = scope.roomId
  else if (scope.centerId) where.centerId = scope.centerId
  else if (scope.communityId) where.communityId = scope.communityId
  if (scope.openid) where.openid = scope.openid
  let settings = known?.settings
  const released: BookingDoc[] = []
  let skip = 0
  const started = performance.now()
  // A long sweep (staff, timer, a backlog) stops before the function's timeout; the rest is
  // released by the next sweep (the timer runs every 5 minutes, reads sweep lazily).
  const overBudget = () => performance.now() - started > SWEEP_BUDGET_MS
  for (let batch = 0; batch < maxBatches; batch++) {
    if (overBudget()) break
    // Natural (insertion) order is stable, so skipping the ones still waiting is safe without a sort.
    const due = batch === 0 && known ? known.due : ((await db().collection(COLL.bookings).where(where).skip(skip).limit(SWEEP_PAGE).get()).data as BookingDoc[])
    if (due.length === 0) break
    settings ??= await loadSettings()
    const grace = settings.checkInMinutes * MINUTE
    const pending = due.filter((b) => b.status === 'pending')
    const missed = due.filter((b) => b.status === 'confirmed' && b.start.getTime() + grace <= now)
    const waiting = due.length - pending.length - missed.length // confirmed, still inside its check-in window
    const noShowNote = `开始后${settings.checkInMinutes}分钟内未签到，已释放`
    const [expired, noShows] = await Promise.all([
      endMany(pending, 'pending', { status: 'expired', action: 'expired', reason: '开始前未完成审核，预约已失效' }),
      endMany(missed, 'confirmed', { status: 'no_show', action: 'no_show', reason: noShowNote })
    ])
    await releaseHeld([...expired, ...noShows], expired)
    released.push(...expired, ...noShows)
    result.expired += expired.length
    result.noShows += noShows.length
    // Suspensions first, so the no-show message can say so.
    const suspendedUntil = await suspendAfterNoShows([...new Set(noShows.map((b) => b.openid))], settings)
    result.suspended += suspendedUntil.size
    // The page's messages in one queued write (O(pages), not one per booking).
    await queueCancellations([
      ...expired.map((booking) => ({ booking, reason: '开始前未完成审核，预约已失效' })),
      ...noShows.map((booking) => {
        const until = suspendedUntil.get(booking.openid)
        return { booking, reason: until ? `${noShowNote}；因多次未签到，暂停预约至${dayOf(until.getTime())}` : noShowNote }
      })
    ])
    if (due.length < SWEEP_PAGE || overBudget()) break
    skip += waiting // ended ones left the query; the ones still waiting stay in front
  }
  return { result, ended: released }
}

/** Ends the bookings of a page that are still in `from` (endGuarded); returns those the sweep ended. */
function endMany(bookings: BookingDoc[], from: BookingStatus, ending: { status: BookingStatus; action: BookingAction; reason: string }): Promise<BookingDoc[]> {
  return endGuarded(bookings, { ...ending, actor: 'system', closedBy: 'sweep', from: [from] })
}

/**
 * Frees the slots of ended bookings (only documents still naming them) and gives the quota of
 * `giveBack` back: one update per distinct number given back, never below zero.
 */
export async function releaseHeld(ended: BookingDoc[], giveBack: BookingDoc[]): Promise<void> {
  const _ = db().command
  const work: Promise<unknown>[] = []
  const slotIds = ended.flatMap((b) => b.slotIds ?? [])
  if (slotIds.length) {
    work.push(
      db()
        .collection(COLL.slots)
        .where({ _id: _.in(slotIds), bookingId: _.in(ended.map((b) => b._id)) })
        .remove()
    )
  }
  const perQuota = new Map<string, number>()
  for (const b of giveBack) perQuota.set(b.quotaId, (perQuota.get(b.quotaId) ?? 0) + 1)
  const byCount = new Map<number, string[]>()
  for (const [quotaId, n] of perQuota) byCount.set(n, [...(byCount.get(n) ?? []), quotaId])
  for (const [n, quotaIds] of byCount) {
    work.push(
      db()
        .collection(COLL.quotas)
        .where({ _id: _.in(quotaIds), count: _.gte(n) })
        .update({ data: { count: _.inc(-n) } })
    )
  }
  await Promise.all(work)
}

/**
 * After no-shows: the residents' no-show records and stored suspensions in one read each, the
 * one rule judged for each (store.ts `judgeSuspension`); a suspension found is stored. Returns
 * the residents this started a suspension for.
 */
async function suspendAfterNoShows(openids: string[], settings: CenterSettings): Promise<Map<string, Date>> {
  const started = new Map<string, Date>()
  if (openids.length === 0) return started
  const _ = db().command
  const [records, docs] = await Promise.all([
    db()
      .collection(COLL.bookings)
      .where(noShowsWhere({ in: openids }))
      .orderBy('start', 'desc')
      .field({ openid: true, start: true, updatedAt: true })
      .limit(1000)
      .get()
      .then((r) => r.data as (NoShowRecord & { openid: string })[]),
    db()
      .collection(COLL.suspensions)
      .where({ _id: _.in(openids) })
      .limit(SWEEP_PAGE)
      .get()
      .then((r) => r.data as SuspensionDoc[])
  ])
  const docOf = new Map(docs.map((d) => [d._id, d]))
  await inLanes(openids, async (openid) => {
    const mine = records.filter((r) => r.openid === openid).slice(0, NO_SHOW_READ)
    const { until, found } = await settleSuspension(openid, docOf.get(openid), settings, mine)
    if (found && until) started.set(openid, until)
  })
  return started
}
