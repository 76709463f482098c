/**
 * `cancel` (the resident until the room's cancel deadline, staff of the community until the end)
 * and `review` (staff of the centre's community approve or reject a pending booking with a reason).
 * The resident is told of every decision made by someone else.
 */
import type { BookingView } from '../../contracts/centers'
import type { z } from '../../contracts/zod'
import type { cancelInput, reviewInput } from '../../contracts/centers'
import { clock } from '../core/clock'
import { checkVisibleTexts } from '../core/content'
import { db } from '../core/db'
import { AppError } from '../core/errors'
import { canManageCommunity } from '../core/guard'
import type { FirstReadContext } from '../core/function'
import { getBooking, requireCenterStaff, requireOwnerOrStaff } from './access'
import { rangeLabel } from './calendar'
import { isDue, readBookingWithCaller } from './context'
import { endBookingGuarded, sweep } from './lifecycle'
import { callerName, cancelDeadlineOf, COLL, isActive, toBookingView, type BookingDoc, type HistoryEntry } from './model'
import { notifyCancelled, notifyReviewed } from './notify'

const ENDED = '该预约已结束，无法操作'

export async function cancel(input: z.infer<typeof cancelInput>, first: FirstReadContext): Promise<BookingView> {
  // The caller, the booking and the rules: one read.
  const { caller, booking: current, settings } = await readBookingWithCaller(first, input.bookingId)
  requireOwnerOrStaff(caller, current)
  // Time released it already (the sweep just had not run): release it as the sweep would.
  if (isDue(current, settings)) {
    await sweep({ roomId: current.roomId })
    throw new AppError('CONFLICT', ENDED)
  }
  if (!isActive(current.status)) throw new AppError('CONFLICT', ENDED)
  const own = current.openid === caller.openid
  const manager = canManageCommunity(caller, current.communityId)
  const now = clock.now()
  if (own && !manager && now >= cancelDeadlineOf(current)) {
    const before = current.cancelBeforeMinutes >= 60 ? `${current.cancelBeforeMinutes / 60}小时` : `${current.cancelBeforeMinutes}分钟`
    throw new AppError('EXPIRED', `已超过取消时间（需在开始前${before}取消），如有变化请联系社区`)
  }
  if (manager && now >= current.end.getTime()) throw new AppError('EXPIRED', ENDED)
  const byStaff = !own
  // A typed reason is read by the other side (pushed to the resident when staff cancel).
  await checkVisibleTexts(caller.openid, [['reason', input.reason]])
  const reason = input.reason ?? (byStaff ? '社区工作人员取消' : '本人取消')
  const ended = await endBookingGuarded(current, {
    status: 'cancelled',
    action: 'cancelled',
    actor: caller.openid,
    actorName: callerName(caller),
    reason,
    closedBy: byStaff ? 'staff' : undefined
  })
  if (!ended) throw new AppError('CONFLICT', ENDED)
  if (byStaff) await notifyCancelled(ended, reason)
  return toBookingView(ended, caller, { checkInMinutes: settings.checkInMinutes, staffView: true })
}

export async function review(input: z.infer<typeof reviewInput>, first: FirstReadContext): Promise<BookingView> {
  const { caller, booking, settings } = await readBookingWithCaller(first, input.bookingId)
  requireCenterStaff(caller, booking)
  // The reason is pushed to the resident.
  await checkVisibleTexts(caller.openid, [['reason', input.reason]])
  // Unreviewed until its start: it has expired (the sweep just had not run).
  if (isDue(booking, settings)) {
    await sweep({ roomId: booking.roomId })
    throw new AppError('CONFLICT', await endedMessage(booking._id))
  }
  if (input.decision === 'reject') {
    const ended = await endBookingGuarded(booking, {
      status: 'rejected',
      action: 'rejected',
      actor: caller.openid,
      actorName: callerName(caller),
      reason: input.reason,
      closedBy: 'staff',
      from: ['pending']
    })
    if (!ended) throw new AppError('CONFLICT', await endedMessage(booking._id))
    await notifyReviewed(ended, false, input.reason)
    return toBookingView(ended, caller, { checkInMinutes: settings.checkInMinutes, staffView: true })
  }
  // One document decides (the booking is still pending): a guarded update, no transaction; then its
  // slots (still naming it) turn from pending to booked.
  const _ = db().command
  const at = clock.date()
  const entry: HistoryEntry = { at, action: 'approved', actor: caller.openid, actorName: callerName(caller), note: input.reason }
  const res = await db()
    .collection(COLL.bookings)
    .where({ _id: booking._id, status: 'pending' })
    .update({ data: { status: 'confirmed', updatedAt: at, ...(input.reason ? { reason: input.reason } : {}), history: _.push([entry]) } })
  if (res.stats.updated !== 1) throw new AppError('CONFLICT', await endedMessage(booking._id))
  if (booking.slotIds.length) {
    await db()
      .collection(COLL.slots)
      .where({ _id: _.in(booking.slotIds), bookingId: booking._id })
      .update({ data: { state: 'booked' } })
  }
  const approved: BookingDoc = { ...booking, status: 'confirmed', updatedAt: at, ...(input.reason ? { reason: input.reason } : {}), history: [...booking.history, entry] }
  await notifyReviewed(approved, true)
  return toBookingView(approved, caller, { checkInMinutes: settings.checkInMinutes, staffView: true })
}

async function endedMessage(bookingId: string): Promise<string> {
  const b = await getBooking(bookingId)
  const when = rangeLabel(b.start.getTime(), b.end.getTime())
  return b.status === 'confirmed' || b.status === 'checked_in' ? `该预约（${when}）已审核通过` : `该预约（${when}）已不在待审核状态`
}
