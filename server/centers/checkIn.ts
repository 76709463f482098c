/**
 * `checkIn`: the resident scans the room's code on its door (or types it on H5) from
 * `checkInMinutes` (default 15) before the start until as long after it; staff may check a
 * resident in at the desk by booking id within the same window. A second scan of a booking
 * already checked in answers with it again (no error, nothing changes). After the window the
 * sweep releases the booking as a no-show.
 */
import type { BookingView, CenterSettings } from '../../contracts/centers'
import type { z } from '../../contracts/zod'
import type { checkInInput } from '../../contracts/centers'
import { clock } from '../core/clock'
import { db } from '../core/db'
import { AppError } from '../core/errors'
import type { Caller } from '../core/identity'
import type { FirstReadContext } from '../core/function'
import { getBooking, requireCenterStaff } from './access'
import { dayOf, hhmmOf, MINUTE } from './calendar'
import { sweep } from './lifecycle'
import { isDue, readBookingWithCaller } from './context'
import { callerName, COLL, toBookingView, type BookingDoc, type HistoryEntry, type RoomDoc } from './model'
import { SETTINGS_DOC_ID, settingsOf } from './store'

/** "k7m2 qx9p", "…?scene=K7M2QX9P", "K7M2QX9P" → "K7M2QX9P". */
export function normaliseRoomCode(raw: string): string {
  let code = raw.trim()
  const scene = /[?&]scene=([^&#]+)/.exec(code)
  if (scene) code = decodeURIComponent(scene[1])
  return code.replace(/[\s-]/g, '').toUpperCase()
}

export async function checkIn(input: z.infer<typeof checkInInput>, first: FirstReadContext): Promise<BookingView> {
  const now = clock.now()
  let booking: BookingDoc
  let settings: CenterSettings
  let caller: Caller
  if (input.bookingId) {
    ;({ caller, booking, settings } = await readBookingWithCaller(first, input.bookingId))
    requireCenterStaff(caller, booking)
  } else {
    const code = normaliseRoomCode(input.roomCode ?? '')
    // The caller, the room by its code (with the rules) and the caller's bookings today: one read.
    const $ = db().command.aggregate
    const today = dayOf(now)
    const read = await first.readWithCaller({
      room: {
        collection: COLL.rooms,
        build: (p) =>
          p
            .match({ code })
            .limit(1)
            .lookup({ from: COLL.settings, pipeline: $.pipeline().match({ _id: SETTINGS_DOC_ID }).limit(1).done(), as: 'settings' })
            .limit(1)
      },
      todays: { collection: COLL.bookings, build: (p) => p.match({ openid: first.openid, day: today }).limit(100) }
    })
    caller = read.caller
    const rooms = { list: read.docs.room }
    const todays = { data: read.docs.todays }
    const row = (rooms.list as (RoomDoc & { settings: Partial<CenterSettings>[] })[])[0]
    if (!row) throw new AppError('NOT_FOUND', '签到码无效，请核对活动室门口的签到码')
    const room = row
    settings = settingsOf(row.settings[0])
    let ofRoom = (todays.data as BookingDoc[]).filter((b) => b.roomId === room._id)
    // Time released some of them (the sweep had not run yet): release them first, then look again.
    if (ofRoom.some((b) => isDue(b, settings, now))) {
      await sweep({ roomId: room._id })
      ofRoom = (await db().collection(COLL.bookings).where({ roomId: room._id, openid: caller.openid, day: today }).limit(50).get()).data as BookingDoc[]
    }
    const window = settings.checkInMinutes * MINUTE
    const mine = ofRoom
      .sort((a, b) => a.start.getTime() - b.start.getTime())
      .filter((b) => b.status !== 'cancelled' && b.status !== 'rejected' && b.status !== 'expired')
    const inWindow = (b: BookingDoc) => now >= b.start.getTime() - window && now <= b.start.getTime() + window
    const candidate = mine.find((b) => inWindow(b) && (b.status === 'confirmed' || b.status === 'checked_in')) ?? mine.find(inWindow)
    if (!candidate) {
      const later = mine.find((b) => b.status === 'confirmed' && b.start.getTime() - window > now)
      if (later) throw new AppError('CONFLICT', `还未到签到时间，请在${hhmmOf(later.start.getTime() - window)}后签到`)
      const missed = mine.find((b) => b.status === 'no_show')
      if (missed) throw new AppError('EXPIRED', `已超过签到时间（开始后${settings.checkInMinutes}分钟），预约已释放`)
      throw new AppError('NOT_FOUND', `您今天没有${room.name}的预约`)
    }
    booking = candidate
  }
  const window = settings.checkInMinutes * MINUTE
  if (booking.status === 'checked_in') return toBookingView(booking, caller, { checkInMinutes: settings.checkInMinutes, staffView: true })
  if (booking.status === 'pending') throw new AppError('CONFLICT', '预约尚未通过审核，暂不能签到')
  if (booking.status === 'no_show') throw new AppError('EXPIRED', `已超过签到时间（开始后${settings.checkInMinutes}分钟），预约已释放`)
  if (booking.status !== 'confirmed') throw new AppError('CONFLICT', '该预约已取消或结束')
  const start = booking.start.getTime()
  if (now < start - window) throw new AppError('CONFLICT', `还未到签到时间，请在${hhmmOf(start - window)}后签到`)
  if (now > start + window) {
    await sweep({ roomId: booking.roomId })
    throw new AppError('EXPIRED', `已超过签到时间（开始后${settings.checkInMinutes}分钟），预约已释放`)
  }
  const byStaff = Boolean(input.bookingId)
  // One document decides (still confirmed): a guarded update instead of a transaction, so a
  // cancel or the sweep racing it either wins or loses as a whole.
  const at = clock.date()
  const entry: HistoryEntry = { at, action: 'checked_in', actor: caller.openid, actorName: callerName(caller), note: byStaff ? '工作人员代签到' : '扫码签到' }
  const res = await db()
    .collection(COLL.bookings)
    .where({ _id: booking._id, status: 'confirmed' })
    .update({ data: { status: 'checked_in', checkedInAt: at, checkedInBy: byStaff ? 'staff' : 'code', updatedAt: at, history: db().command.push([entry]) } })
  if (res.stats.updated !== 1) {
    const current = await getBooking(booking._id)
    if (current.status !== 'checked_in') throw new AppError('CONFLICT', '该预约已取消或结束')
    return toBookingView(current, caller, { checkInMinutes: settings.checkInMinutes, staffView: true })
  }
  const updated: BookingDoc = { ...booking, status: 'checked_in', checkedInAt: at, checkedInBy: byStaff ? 'staff' : 'code', updatedAt: at, history: [...booking.history, entry] }
  return toBookingView(updated, caller, { checkInMinutes: settings.checkInMinutes, staffView: true })
}
