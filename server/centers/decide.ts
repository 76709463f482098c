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
import type { Caller } from '../core/identity'
import { getBooking, requireCenterStaff, requireOwnerOrStaff } from './access'
import { rangeLabel } from './calendar'
import { endBooking, sweep } from './lifecycle'
import { callerName, cancelDeadlineOf, COLL, isActive, toBookingView, type BookingDoc, type HistoryEntry, type SlotDoc } from './model'
import { notifyCancelled, notifyReviewed } from './notify'
import { inTransaction, loadSettings } from './store'
import { txGet } from '../core/records'

const ENDED = '该预约已结束，无法操作'

async function view(bookingId: string, caller: Caller): Promise<BookingView> {
  const [booking, settings] = await Promise.all([getBooking(bookingId), loadSettings()])
  return toBookingView(booking, caller, { checkInMinutes: settings.checkInMinutes, staffView: true })
}

export async function cancel(input: z.infer<typeof cancelInput>, caller: Caller): Promise<BookingView> {
  const booking = await getBooking(input.bookingId)
  requireOwnerOrStaff(caller, booking)
  await sweep({ roomId: booking.roomId })
  const current = await getBooking(input.bookingId)
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
  const ended = await endBooking(current._id, {
    status: 'cancelled',
    action: 'cancelled',
    actor: caller.openid,
    actorName: callerName(caller),
    reason,
    closedBy: byStaff ? 'staff' : undefined
  })
  if (!ended) throw new AppError('CONFLICT', ENDED)
  if (byStaff) await notifyCancelled(ended, reason)
  return view(current._id, caller)
}

export async function review(input: z.infer<typeof reviewInput>, caller: Caller): Promise<BookingView> {
  const booking = await getBooking(input.bookingId)
  requireCenterStaff(caller, booking)
  // The reason is pushed to the resident.
  await Promise.all([sweep({ roomId: booking.roomId }), checkVisibleTexts(caller.openid, [['reason', input.reason]])])
  if (input.decision === 'reject') {
    const ended = await endBooking(booking._id, {
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
    return view(booking._id, caller)
  }
  const approved = await inTransaction(async (tx) => {
    const current = await txGet<BookingDoc>(tx, COLL.bookings, booking._id)
    if (!current || current.status !== 'pending') return null
    const entry: HistoryEntry = { at: clock.date(), action: 'approved', actor: caller.openid, actorName: callerName(caller), note: input.reason }
    await tx
      .collection(COLL.bookings)
      .doc(current._id)
      .update({ data: { status: 'confirmed', updatedAt: clock.date(), ...(input.reason ? { reason: input.reason } : {}), history: db().command.push([entry]) } })
    for (const slotId of current.slotIds) {
      const slot = await txGet<SlotDoc>(tx, COLL.slots, slotId)
      if (slot && slot.bookingId === current._id) await tx.collection(COLL.slots).doc(slotId).update({ data: { state: 'booked' } })
    }
    return current
  }, '操作冲突，请稍后重试')
  if (!approved) throw new AppError('CONFLICT', await endedMessage(booking._id))
  await notifyReviewed(approved, true)
  return view(booking._id, caller)
}

async function endedMessage(bookingId: string): Promise<string> {
  const b = await getBooking(bookingId)
  const when = rangeLabel(b.start.getTime(), b.end.getTime())
  return b.status === 'confirmed' || b.status === 'checked_in' ? `该预约（${when}）已审核通过` : `该预约（${when}）已不在待审核状态`
}
