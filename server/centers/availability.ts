/**
 * `availability`: a room's slots for the coming days, each free / pending / booked / blocked, and
 * whether the caller can book it now (notice and ahead windows, weekly quota, suspension).
 * Who holds a slot is never shown; the caller's own bookings are marked `mine`.
 *
 * Cost: one read (with the caller; context.ts: the room with its centre, the rules, the caller's suspension, no-shows
 * and quota use, the blackouts, the room's due bookings and the days' slot documents, joined); the
 * grid is arithmetic. When the lazy sweep releases something, its changes are folded in.
 */
import type { Availability, SlotView } from '../../contracts/centers'
import type { z } from '../../contracts/zod'
import type { availabilityInput } from '../../contracts/centers'
import { clock } from '../core/clock'
import { db } from '../core/db'
import { invalid } from '../core/errors'
import type { FirstReadContext } from '../core/function'
import { parseLocal } from '../core/time'
import { isOpenCenter, managesCenter } from './access'
import { readRoomContextWithCaller, SLOT_READ } from './context'
import { addDays, dayOf, iso, MINUTE, startOfDay, weekKeyOf } from './calendar'
import { dayGrid, hhmmOfMinute } from './grid'
import { sweepReleasing } from './lifecycle'
import { COLL, toRoomView, type BlackoutDoc, type SlotDoc } from './model'
import { settleSuspension } from './store'

type AvailabilityInput = z.infer<typeof availabilityInput>

export async function availability(input: AvailabilityInput, firstRead: FirstReadContext): Promise<Availability> {
  const now = clock.now()
  const today = dayOf(now)
  let first = today
  if (input.from !== undefined) {
    const from = parseLocal(input.from)
    if (!from.isValid()) {
      // Who calls is still checked first.
      await firstRead.readWithCaller({})
      throw invalid('日期格式不正确', ['from'])
    }
    first = dayOf(from.valueOf())
  }
  const days = Array.from({ length: input.days }, (_, i) => addDays(first, i))
  const rangeStart = startOfDay(days[0])
  const rangeEnd = startOfDay(addDays(days[days.length - 1], 1))
  const weeks = [...new Set(days.map(weekKeyOf))]

  // Room, centre, rules, the caller's standing and quota use, blackouts, the room's due bookings
  // and the days' slot documents (context.ts): one read.
  const read = await readRoomContextWithCaller(firstRead, input.roomId, { weeks, blackoutsIn: { from: rangeStart, to: rangeEnd }, due: true, slotDays: days })
  const caller = read.caller
  let ctx = read.context
  let slotDocs = ctx.slots.length < SLOT_READ ? ctx.slots : await readSlots(input.roomId, days)
  const { room, center } = ctx
  // The lazy sweep: only when something is due.
  if (ctx.due.length) {
    // What the sweep changed is folded into what was read: the slots it freed, the quota units
    // expiries gave back, the caller's new no-shows.
    const { ended } = await sweepReleasing({ roomId: room._id }, 1, { due: ctx.due, settings: ctx.settings })
    if (ended.length) {
      const endedIds = new Set(ended.map((b) => b._id))
      const expiredIds = new Set(ended.filter((b) => b.status === 'expired').map((b) => b._id))
      slotDocs = slotDocs.filter((s) => !s.bookingId || !endedIds.has(s.bookingId))
      const mineNoShows = ended.filter((b) => b.status === 'no_show' && b.openid === caller.openid).map((b) => ({ start: b.start, updatedAt: b.updatedAt }))
      ctx = { ...ctx, quotaBookings: ctx.quotaBookings.filter((b) => !expiredIds.has(b._id)), noShows: [...mineNoShows, ...ctx.noShows] }
    }
  }
  const { until: suspendedUntil } = await settleSuspension(caller.openid, ctx.suspension, ctx.settings, ctx.noShows)
  // The weekly quota's use: the caller's bookings of the room that hold a unit (what the counter counts).
  const quotas = weeks.map((weekKey) => ({ weekKey, count: ctx.quotaBookings.filter((b) => b.weekKey === weekKey).length }))
  // Blackouts only matter for rooms closed at some time in this range (blackoutUntil).
  // The blackouts overlapping the range (read with the context): their records hold their slots.
  const blackouts: BlackoutDoc[] = ctx.blackouts
  const byId = new Map(slotDocs.map((s) => [s._id, s]))
  const quotaUsed: Record<string, number> = {}
  for (const w of weeks) quotaUsed[w] = 0
  for (const q of quotas) quotaUsed[q.weekKey] = q.count

  const open = isOpenCenter(center) && room.active
  const closedNote = !isOpenCenter(center) ? '中心尚未开放' : !room.active ? '活动室暂停预约' : undefined
  const noticeEnd = now + room.minNoticeMinutes * MINUTE
  const lastDay = addDays(today, room.bookAheadDays) // exclusive

  return {
    room: toRoomView(room, managesCenter(caller, center)),
    centerId: center._id,
    centerName: center.name,
    centerStatus: center.status,
    suspendedUntil: suspendedUntil ? iso(suspendedUntil) : undefined,
    quotaUsed,
    days: days.map((day) => {
      const grid = dayGrid(center.openingHours, room.slotMinutes, day)
      const quotaFull = quotaUsed[weekKeyOf(day)] >= room.weeklyQuota
      // Strings from the wall clock directly (hundreds of slots per call; no Date formatting).
      const compact = day.replace(/-/g, '')
      const slots = grid.slots.map((g): SlotView => {
        const label = hhmmOfMinute(g.minute)
        const doc = byId.get(`${room._id}:${compact}${label.replace(':', '')}`)
        const blackout = doc?.state === 'blocked' || !blackouts.length ? undefined : blackouts.find((b) => b.start.getTime() < g.end && b.end.getTime() > g.start)
        const endLabel = hhmmOfMinute(g.minute + room.slotMinutes)
        const base = { start: `${day}T${label}:00+08:00`, end: `${day}T${endLabel === '24:00' ? '23:59' : endLabel}:00+08:00`, label }
        if (doc) {
          const mine = doc.openid === caller.openid ? doc.bookingId : undefined
          if (doc.state === 'event') return { ...base, state: 'event', bookable: false, note: doc.title ?? '社区活动', activityId: doc.activityId }
          return { ...base, state: doc.state, bookable: false, note: doc.state === 'blocked' ? doc.reason : undefined, mine }
        }
        if (blackout) return { ...base, state: 'blocked', bookable: false, note: blackout.reason }
        let note: string | undefined
        if (closedNote) note = closedNote
        else if (g.start < now) note = '已过时'
        else if (g.start < noticeEnd) note = '已截止预约'
        else if (day >= lastDay) note = `仅可预约${room.bookAheadDays}天内`
        else if (suspendedUntil) note = '暂停预约中'
        else if (quotaFull) note = '本周预约次数已满'
        return { ...base, state: 'free', bookable: open && !note, note }
      })
      return { date: day, weekday: grid.weekday, open: grid.open, close: grid.close, slots }
    })
  }
}

/** Slot documents of a room on the given days (indexed by room and day). */
async function readSlots(roomId: string, days: string[]): Promise<SlotDoc[]> {
  const _ = db().command
  const out: SlotDoc[] = []
  for (let skip = 0; ; skip += 1000) {
    const res = await db()
      .collection(COLL.slots)
      .where({ roomId, day: _.in(days) })
      .skip(skip)
      .limit(1000)
      .get()
    out.push(...(res.data as SlotDoc[]))
    if (res.data.length < 1000) return out
  }
}

