/**
 * Ending a booking (cancel, reject, blackout, expiry, no-show) and the sweep that releases
 * unclaimed bookings.
 *
 * Every ending runs in one transaction that re-reads the booking (it may have ended meanwhile:
 * then nothing happens), moves it to its final status with a history entry, removes the slot
 * documents it held (so the slots can be booked again) and gives its weekly quota back — except
 * for no-shows, which keep counting: the resident did take the slot.
 *
 * The sweep has no timer on the emulator: it runs lazily (on availability, booking, staff lists
 * and the resident's list, scoped to what is being read), from the staff's `sweep` action, and in
 * the cloud from the function's timer trigger (cloudfunctions/centers/config.json).
 */
import type { BookingAction, BookingStatus, CenterSettings } from '../../contracts/centers'
import { clock } from '../core/clock'
import { db, type TransactionRef } from '../core/db'
import { dayOf, MINUTE } from './calendar'
import { COLL, isActive, type BookingDoc, type HistoryEntry, type QuotaDoc, type SlotDoc } from './model'
import { notifyCancelled } from './notify'
import { evaluateSuspension, inTransaction, loadSettings } from './store'
import { txGet } from '../core/records'

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
  /** Slots to leave alone (a blackout takes them over in the same transaction). */
  keepSlots?: string[]
  /** Only end it from these statuses (default: any active one). */
  from?: BookingStatus[]
}

/**
 * Inside a transaction: ends an active booking. Returns the booking as it was before, or null when
 * it no longer exists or had already ended (nothing written).
 */
export async function endBookingTx(tx: TransactionRef, bookingId: string, ending: Ending): Promise<BookingDoc | null> {
  const booking = await txGet<BookingDoc>(tx, COLL.bookings, bookingId)
  if (!booking || !isActive(booking.status)) return null
  if (ending.from && !ending.from.includes(booking.status)) return null
  const now = clock.date()
  const _ = db().command
  const entry: HistoryEntry = { at: now, action: ending.action, actor: ending.actor, actorName: ending.actorName, note: ending.reason }
  await tx
    .collection(COLL.bookings)
    .doc(bookingId)
    .update({
      data: {
        status: ending.status,
        ...(ending.reason ? { reason: ending.reason } : {}),
        ...(ending.closedBy ? { closedBy: ending.closedBy } : {}),
        updatedAt: now,
        history: _.push([entry])
      }
    })
  for (const slotId of booking.slotIds) {
    if (ending.keepSlots?.includes(slotId)) continue
    const slot = await txGet<SlotDoc>(tx, COLL.slots, slotId)
    if (slot && slot.bookingId === bookingId) await tx.collection(COLL.slots).doc(slotId).remove()
  }
  if (!ending.keepQuota) {
    const quota = await txGet<QuotaDoc>(tx, COLL.quotas, booking.quotaId)
    if (quota && quota.count > 0) await tx.collection(COLL.quotas).doc(booking.quotaId).update({ data: { count: quota.count - 1 } })
  }
  return booking
}

/** Ends one booking in its own transaction; null when it had already ended. */
export function endBooking(bookingId: string, ending: Ending): Promise<BookingDoc | null> {
  return inTransaction((tx) => endBookingTx(tx, bookingId, ending), '操作冲突，请稍后重试')
}

/** Bookings a sweep ends at once (each its own transaction). */
const SWEEP_CONCURRENCY = 32
/** Wall time after which a multi-batch sweep starts no further batch (the function times out at 3 s). */
const SWEEP_BUDGET_MS = 1800

/**
 * Runs `work` over `items` with at most `limit` lanes in flight; items with the same key go in one
 * lane, one after another (they touch the same documents).
 */
async function forEachLane<T>(items: readonly T[], keyOf: (item: T) => string, limit: number, work: (item: T) => Promise<void>, until?: () => boolean): Promise<void> {
  const lanes = new Map<string, T[]>()
  for (const item of items) {
    const key = keyOf(item)
    const lane = lanes.get(key)
    if (lane) lane.push(item)
    else lanes.set(key, [item])
  }
  const queue = [...lanes.values()]
  let next = 0
  const worker = async () => {
    while (next < queue.length) {
      const lane = queue[next++]
      for (const item of lane) {
        if (until?.()) return
        await work(item)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker))
}

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

/**
 * Releases what time has ended: pending bookings whose start passed without a review expire
 * (quota returned), confirmed bookings not checked in within the grace period become no-shows
 * (slots freed, quota kept, the resident told, and suspended after repeated no-shows).
 * `maxBatches` bounds the work of a lazy sweep; the staff/timer sweep runs until done.
 */
export async function sweep(scope: SweepScope = {}, maxBatches = 1): Promise<SweepResult> {
  const _ = db().command
  const now = clock.now()
  const result: SweepResult = { noShows: 0, expired: 0, suspended: 0 }
  const where: Record<string, unknown> = { status: _.in(['pending', 'confirmed']), start: _.lte(new Date(now)) }
  if (scope.roomId) where.roomId = scope.roomId
  else if (scope.centerId) where.centerId = scope.centerId
  else if (scope.communityId) where.communityId = scope.communityId
  if (scope.openid) where.openid = scope.openid
  let settings: Awaited<ReturnType<typeof loadSettings>> | undefined
  const noShows: BookingDoc[] = []
  let skip = 0
  const started = performance.now()
  // A long sweep (staff, timer, a backlog) stops ending bookings before the function's timeout;
  // the rest is released by the next sweep (the timer runs every 5 minutes, reads sweep lazily).
  const overBudget = () => performance.now() - started > SWEEP_BUDGET_MS
  for (let batch = 0; batch < maxBatches; batch++) {
    if (overBudget()) break
    // Natural (insertion) order is stable, so skipping the ones still waiting is safe without a sort.
    const res = await db().collection(COLL.bookings).where(where).skip(skip).limit(100).get()
    const due = res.data as BookingDoc[]
    if (due.length === 0) break
    settings ??= await loadSettings()
    const current = settings
    const grace = current.checkInMinutes * MINUTE
    let waiting = 0
    const toEnd: BookingDoc[] = []
    for (const b of due) {
      if (b.status === 'pending' || b.start.getTime() + grace <= now) toEnd.push(b)
      else waiting++ // confirmed, still inside its check-in window
    }
    // Each ending is its own transaction (~6–9 round trips): run them concurrently, except expiries
    // of one resident's week, which all give back the same quota document.
    const laneOf = (b: BookingDoc) => (b.status === 'pending' ? `quota:${b.quotaId}` : b._id)
    await forEachLane(toEnd, laneOf, SWEEP_CONCURRENCY, async (b) => {
      if (b.status === 'pending') {
        const ended = await endBooking(b._id, { status: 'expired', action: 'expired', actor: 'system', closedBy: 'sweep', reason: '开始前未完成审核，预约已失效' })
        if (ended) {
          result.expired++
          await notifyCancelled(ended, '开始前未完成审核，预约已失效')
        }
      } else {
        const ended = await endBooking(b._id, {
          status: 'no_show',
          action: 'no_show',
          actor: 'system',
          closedBy: 'sweep',
          keepQuota: true,
          reason: `开始后${current.checkInMinutes}分钟内未签到，已释放`
        })
        if (ended) {
          result.noShows++
          noShows.push(ended)
        }
      }
    }, overBudget)
    if (due.length < 100 || overBudget()) break
    skip += waiting // ended ones left the query; the ones still waiting stay in front
  }
  // Suspensions first, so the no-show message can say so.
  const suspendedUntil = new Map<string, Date>()
  await forEachLane([...new Set(noShows.map((b) => b.openid))], (openid) => openid, SWEEP_CONCURRENCY, async (openid) => {
    const until = await suspendIfDue(openid, settings)
    if (until) {
      suspendedUntil.set(openid, until)
      result.suspended++
    }
  })
  await forEachLane(noShows, (b) => b._id, SWEEP_CONCURRENCY, async (b) => {
    const until = suspendedUntil.get(b.openid)
    const note = `开始后${settings!.checkInMinutes}分钟内未签到，已释放`
    await notifyCancelled(b, until ? `${note}；因多次未签到，暂停预约至${dayOf(until.getTime())}` : note)
  })
  return result
}

/**
 * After a no-show: suspends booking when the resident has `noShowLimit` no-shows within the
 * window — judged by the same rule as every booking and list (store.ts `evaluateSuspension`), so
 * no-shows before or inside an earlier suspension (stored or only derived) never count again.
 * Returns the end of a suspension this evaluation started, or null.
 */
export async function suspendIfDue(openid: string, settings?: CenterSettings): Promise<Date | null> {
  const { until, found } = await evaluateSuspension(openid, settings)
  return found ? until : null
}
