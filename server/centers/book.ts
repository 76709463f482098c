/**
 * `book`: one or more consecutive slots of a room.
 *
 * Rules, in the order a resident would want to hear them: the room and centre are open; the
 * resident is not suspended; the start is on the room's slot grid and the slots fit in the day;
 * the notice and ahead windows hold; the number of slots and attendees fit the room; the purpose
 * passes the content check. Then one transaction claims every slot document (`${roomId}:${slot}`)
 * and the resident's weekly quota counter for the room, and writes the booking — all or nothing.
 * Two calls for the same slot: the transaction that runs second finds the slot document and fails
 * with CONFLICT; two calls by one resident over the quota: the second reads the incremented
 * counter (or conflicts and retries) and fails with RATE_LIMITED.
 */
import type { BookingView } from '../../contracts/centers'
import type { z } from '../../contracts/zod'
import type { bookInput } from '../../contracts/centers'
import { clock } from '../core/clock'
import { recordConsent } from '../core/consents'
import { db } from '../core/db'
import { AppError, invalid } from '../core/errors'
import type { Caller } from '../core/identity'
import { parseLocal } from '../core/time'
import { platform } from '../platform'
import { getRoomWithCenter, isOpenCenter } from './access'
import { addDays, dayOf, hhmmOf, MINUTE, monthKeyOf, slotKeyOf, weekKeyOf } from './calendar'
import { consecutiveSlots } from './grid'
import { sweep } from './lifecycle'
import { callerName, COLL, newId, quotaIdOf, slotIdOf, toBookingView, type BookingDoc, type QuotaDoc, type SlotDoc } from './model'
import { inTransaction, loadSettings, suspensionOf } from './store'
import { txGet } from '../core/records'

type BookInput = z.infer<typeof bookInput>

function noticeText(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440}天`
  if (minutes % 60 === 0) return `${minutes / 60}小时`
  return `${minutes}分钟`
}

export async function book(input: BookInput, caller: Caller): Promise<BookingView> {
  // The room, and at the same time the resident's standing: the suspension is judged from the
  // record of no-shows on every booking (store.ts suspensionOf), not only when a sweep released one.
  const settingsRead = loadSettings()
  const [{ room, center }, suspendedUntil, settings] = await Promise.all([getRoomWithCenter(input.roomId), suspensionOf(caller.openid, settingsRead), settingsRead])
  if (!isOpenCenter(center)) throw new AppError('CONFLICT', '该邻里中心尚未建成开放，暂不能预约')
  if (!room.active) throw new AppError('CONFLICT', '该活动室暂停预约')

  if (suspendedUntil) throw new AppError('FORBIDDEN', `因多次预约后未签到，暂停预约至${dayOf(suspendedUntil.getTime())}`)

  const startAt = parseLocal(input.start)
  if (!startAt.isValid()) throw invalid('开始时间格式不正确', ['start'])
  const start = startAt.valueOf()
  const grid = consecutiveSlots(center.openingHours, room.slotMinutes, start, input.slots)
  if ('error' in grid) throw invalid(grid.error, ['start'])
  if (input.slots > room.maxSlots) throw invalid(`一次最多预约${room.maxSlots}个连续时段`, ['slots'])
  if (input.attendees > room.capacity) throw invalid(`人数超过活动室容量（${room.capacity}人）`, ['attendees'])

  const now = clock.now()
  const today = dayOf(now)
  const day = dayOf(start)
  if (start < now) throw new AppError('EXPIRED', '该时段已过，请选择其他时段')
  if (start < now + room.minNoticeMinutes * MINUTE) throw new AppError('EXPIRED', `需至少提前${noticeText(room.minNoticeMinutes)}预约`)
  if (day >= addDays(today, room.bookAheadDays)) throw invalid(`仅可预约${room.bookAheadDays}天内的时段`, ['start'])

  // A blackout covers it (slot documents are the race-proof lock; this also covers slots a
  // blackout did not claim because the opening hours changed after it was set).
  const end = grid.slots[grid.slots.length - 1].end
  const _ = db().command
  const blocked =
    room.blackoutUntil && room.blackoutUntil.getTime() > start
      ? await db()
          .collection(COLL.blackouts)
          .where({ roomId: room._id, lifted: false, start: _.lt(new Date(end)), end: _.gt(new Date(start)) })
          .limit(1)
          .get()
      : { data: [] }
  if (blocked.data.length) throw new AppError('CONFLICT', `该时段暂停开放：${(blocked.data[0] as { reason: string }).reason}`)

  const check = await platform().contentCheck.text(input.purpose, caller.openid)
  if (!check.ok) throw invalid(check.reason ?? '用途含有违规内容，请修改', ['purpose'])

  // Free what time has released before deciding (a no-show's slots can be taken again).
  await sweep({ roomId: room._id })

  const weekKey = weekKeyOf(day)
  const quotaId = quotaIdOf(room._id, caller.openid, weekKey)
  const bookingId = newId('bk')
  const slotIds = grid.slots.map((s) => slotIdOf(room._id, slotKeyOf(s.start)))
  const createdAt = clock.date()
  const profile = caller.user?.profile
  // The number goes onto the booking only with the booker's consent to be called (个人信息保护法 第十四条).
  const mobile = input.shareMobile === true ? profile?.mobile || null : null
  const booking: BookingDoc = {
    _id: bookingId,
    roomId: room._id,
    roomName: room.name,
    centerId: center._id,
    centerName: center.name,
    communityId: center.communityId,
    openid: caller.openid,
    bookerName: profile?.name,
    bookerMobile: mobile,
    start: new Date(start),
    end: new Date(end),
    slots: input.slots,
    slotIds,
    purpose: input.purpose,
    attendees: input.attendees,
    status: room.needsApproval ? 'pending' : 'confirmed',
    needsApproval: room.needsApproval,
    cancelBeforeMinutes: room.cancelBeforeMinutes,
    quotaId,
    day,
    weekKey,
    monthKey: monthKeyOf(day),
    hours: (end - start) / 3600_000,
    history: [{ at: createdAt, action: 'booked', actor: caller.openid, actorName: callerName(caller), note: `${hhmmOf(start)}-${hhmmOf(end)}，${input.attendees}人` }],
    createdAt,
    updatedAt: createdAt
  }

  await inTransaction(async (tx) => {
    const quota = await txGet<QuotaDoc>(tx, COLL.quotas, quotaId)
    const used = quota?.count ?? 0
    if (used >= room.weeklyQuota) throw new AppError('RATE_LIMITED', `每人每周最多预约该活动室${room.weeklyQuota}次，本周已约满`)
    for (const slotId of slotIds) {
      const taken = await txGet<SlotDoc>(tx, COLL.slots, slotId)
      if (taken) throw new AppError('CONFLICT', taken.state === 'blocked' ? `该时段暂停开放：${taken.reason ?? ''}` : taken.state === 'event' ? `该时段已安排社区活动「${taken.title ?? ''}」，请选择其他时段` : '该时段已被预约，请选择其他时段')
    }
    for (const [i, slotId] of slotIds.entries()) {
      const slot: SlotDoc = {
        _id: slotId,
        roomId: room._id,
        centerId: center._id,
        day,
        start: new Date(grid.slots[i].start),
        end: new Date(grid.slots[i].end),
        state: room.needsApproval ? 'pending' : 'booked',
        bookingId,
        openid: caller.openid
      }
      await tx.collection(COLL.slots).add({ data: slot })
    }
    if (quota) await tx.collection(COLL.quotas).doc(quotaId).update({ data: { count: used + 1 } })
    else await tx.collection(COLL.quotas).add({ data: { _id: quotaId, roomId: room._id, openid: caller.openid, weekKey, count: 1 } })
    await tx.collection(COLL.bookings).add({ data: booking })
    if (mobile) await recordConsent(caller.openid, 'contact', 'centers.book', tx)
  })

  return toBookingView(booking, caller, { checkInMinutes: settings.checkInMinutes })
}
