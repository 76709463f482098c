/**
 * `book`: one or more consecutive slots of a room.
 *
 * Rules, in the order a resident would want to hear them: the room and centre are open; the
 * resident is not suspended; the start is on the room's slot grid and the slots fit in the day;
 * the notice and ahead windows hold; the number of slots and attendees fit the room; the purpose
 * passes the content check. Everything decided on is read in one round trip (context.ts).
 *
 * Then, without a transaction: each slot is claimed by adding its document with the deterministic
 * `_id` `${roomId}:${slot}` — the database's unique `_id` lets exactly one of any number of
 * concurrent claims win, so a second claim of a slot fails with CONFLICT; a booking that lost one
 * of its slots removes the ones it claimed (all or nothing). Then the resident's weekly quota
 * counter for the room is taken with one guarded update (`count < weeklyQuota` in the filter is
 * the decision; a refusal gives the slots back: RATE_LIMITED), and the booking is written.
 * A claim whose booking was never written (the instance died in between) holds its slot only for
 * `STALE_CLAIM_MS`: the next claim of the slot finds it and takes the slot over.
 */
import type { BookingView, CenterSettings } from '../../contracts/centers'
import type { z } from '../../contracts/zod'
import type { bookInput } from '../../contracts/centers'
import { clock } from '../core/clock'
import { recordConsent } from '../core/consents'
import { db, isDuplicateKey } from '../core/db'
import { AppError, invalid } from '../core/errors'
import type { FirstReadContext } from '../core/function'
import { parseLocal } from '../core/time'
import { platform } from '../platform'
import { isOpenCenter } from './access'
import { addDays, DAY_MS, dayOf, hhmmOf, MINUTE, monthKeyOf, slotKeyOf, weekKeyOf } from './calendar'
import { readRoomContextWithCaller } from './context'
import { isOrphanedEventClaim, readHeldSlots, removeOrphanedEventClaims } from './events'
import { consecutiveSlots } from './grid'
import { BOOKING_FENCE_MS, endBookingGuarded, releaseHeld, sweep } from './lifecycle'
import { callerName, COLL, holdsSlots, newId, quotaIdOf, slotIdOf, toBookingView, type BlackoutDoc, type BookingDoc, type RoomDoc, type SlotDoc } from './model'
import { settleSuspension } from './store'

type BookInput = z.infer<typeof bookInput>

function noticeText(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440}天`
  if (minutes % 60 === 0) return `${minutes / 60}小时`
  return `${minutes}分钟`
}

/** How long a slot claim may wait for its booking before another claim may take the slot over. */
const STALE_CLAIM_MS = 60_000

export async function book(input: BookInput, first: FirstReadContext): Promise<BookingView> {
  const startAt = parseLocal(input.start)
  const start = startAt.isValid() ? startAt.valueOf() : NaN
  // Real time since the first read began: the fence with a blackout set meanwhile (blackout.ts).
  const began = performance.now()
  const weekKey = Number.isFinite(start) ? weekKeyOf(dayOf(start)) : undefined
  const quotaId = weekKey ? quotaIdOf(input.roomId, first.openid, weekKey) : undefined
  // The caller, the room, its centre, the rules, the resident's standing (the suspension is judged
  // from the record of no-shows on every booking, store.ts) and whether the week's quota counter
  // exists: one read.
  const { caller, context: ctx } = await readRoomContextWithCaller(first, input.roomId, {
    blackoutsIn: Number.isFinite(start) ? { from: start, to: start + DAY_MS } : undefined,
    quotaId
  })
  const { room, center, settings } = ctx
  if (!isOpenCenter(center)) throw new AppError('CONFLICT', '该邻里中心尚未建成开放，暂不能预约')
  if (!room.active) throw new AppError('CONFLICT', '该活动室暂停预约')

  const { until: suspendedUntil } = await settleSuspension(caller.openid, ctx.suspension, settings, ctx.noShows)
  if (suspendedUntil) throw new AppError('FORBIDDEN', `因多次预约后未签到，暂停预约至${dayOf(suspendedUntil.getTime())}`)

  if (!weekKey || !quotaId) throw invalid('开始时间格式不正确', ['start'])
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

  // A blackout covers it: its record holds its slots (a blackout set while this booking is under
  // way is fenced by time: blackout.ts, and the look below after writing).
  const end = grid.slots[grid.slots.length - 1].end
  const blocked = ctx.blackouts.find((b) => new Date(b.start).getTime() < end && new Date(b.end).getTime() > start)
  if (blocked) throw new AppError('CONFLICT', `该时段暂停开放：${blocked.reason}`)

  const check = await platform().contentCheck.text(input.purpose, caller.openid)
  if (!check.ok) throw invalid(check.reason ?? '用途含有违规内容，请修改', ['purpose'])


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
  const slots: SlotDoc[] = grid.slots.map((g, i) => ({
    _id: slotIds[i],
    roomId: room._id,
    centerId: center._id,
    day,
    start: new Date(g.start),
    end: new Date(g.end),
    state: room.needsApproval ? 'pending' : 'booked',
    bookingId,
    openid: caller.openid,
    at: createdAt
  }))

  await claimSlots(slots, bookingId, settings)
  // A unit may still be held by a pending booking whose start passed unreviewed: the sweep returns it.
  // The week's counter, looked up with the context, says whether it exists: then it is raised
  // first, else created first (one round trip either way).
  const counterExists = ctx.quotaCounterExists === true
  const quotaTaken =
    (await takeQuota(quotaId, room, caller.openid, weekKey, counterExists)) ||
    ((await sweep({ roomId: room._id, openid: caller.openid })).expired > 0 && (await takeQuota(quotaId, room, caller.openid, weekKey, true)))
  if (!quotaTaken) {
    await releaseSlots(slotIds, bookingId)
    throw new AppError('RATE_LIMITED', `每人每周最多预约该活动室${room.weeklyQuota}次，本周已约满`)
  }
  const giveBack = () => Promise.all([releaseSlots(slotIds, bookingId), releaseHeld([], [booking])])
  // The consent first: a number on a booking always has its consent on record (a consent
  // recorded for a booking that then failed is still the booker's own act).
  if (mobile) await recordConsent(caller.openid, 'contact', 'centers.book').catch(async (error) => {
    await giveBack()
    throw error
  })
  try {
    await db().collection(COLL.bookings).add({ data: booking })
  } catch (error) {
    // A write that failed on the way back may have been stored: only a booking that is not gives back.
    const stored = await db().collection(COLL.bookings).where({ _id: bookingId }).limit(1).get().then((r) => r.data.length > 0, () => true)
    if (!stored) await giveBack()
    throw error
  }
  // Measured once the write is acknowledged (it landed no later): past the fence, a blackout set
  // meanwhile may not have seen this booking, so look once more and withdraw it as the blackout
  // would have (rare: a slow content check or a loaded database).
  const late = performance.now() - began > BOOKING_FENCE_MS
  if (late) {
    const _ = db().command
    const found = (await db().collection(COLL.blackouts).where({ roomId: room._id, lifted: false, start: _.lt(new Date(end)), end: _.gt(new Date(start)) }).limit(1).get()).data as BlackoutDoc[]
    if (found.length) {
      const reason = `暂停开放：${found[0].reason}`
      await endBookingGuarded(booking, { status: 'cancelled', action: 'displaced', actor: 'system', reason, closedBy: 'blackout' })
      throw new AppError('CONFLICT', `该时段暂停开放：${found[0].reason}`)
    }
  }

  return toBookingView(booking, caller, { checkInMinutes: settings.checkInMinutes })
}

const releaseSlots = (slotIds: string[], bookingId: string) =>
  slotIds.length
    ? db()
        .collection(COLL.slots)
        .where({ _id: db().command.in(slotIds), bookingId })
        .remove()
    : Promise.resolve()

/**
 * Claims every slot (one add each, at once); all or nothing: a lost slot gives back the others and
 * fails with CONFLICT, naming what holds it. A slot still held by a booking that ended (its
 * release was cut short), by a claim whose booking never came, or by an event's claim whose
 * activity never came (its create was cut short) is taken over, once.
 */
async function claimSlots(slots: SlotDoc[], bookingId: string, settings: CenterSettings, retry = true): Promise<void> {
  const results = await Promise.allSettled(slots.map((slot) => db().collection(COLL.slots).add({ data: slot })))
  const lost = slots.filter((_s, i) => results[i].status === 'rejected')
  if (lost.length === 0) return
  for (const r of results) if (r.status === 'rejected' && !isDuplicateKey(r.reason)) {
    await releaseSlots(slots.map((s) => s._id), bookingId)
    throw r.reason
  }
  const won = slots.filter((_s, i) => results[i].status === 'fulfilled').map((s) => s._id)
  // The lost slots with their holders joined: one read (beside giving back the won ones).
  const [, held] = await Promise.all([releaseSlots(won, bookingId), readHeldSlots(lost.map((s) => s._id))])
  const now = clock.now()
  const orphans = held.filter((h) => isOrphanedEventClaim(h, now))
  // Held by a booking time has released (the sweep frees it: no-shows and expiries are swept
  // lazily, here, when they stand in the way), by a booking that ended, or by a claim old enough
  // to be abandoned: taken over once.
  const holders = held.filter((h) => (h.state === 'booked' || h.state === 'pending') && h.bookingId)
  const owners = new Map<string, BookingDoc>()
  for (const row of held) for (const b of row.owner ?? []) if (row.bookingId && b._id === row.bookingId) owners.set(b._id, b)
  const grace = settings.checkInMinutes * MINUTE
  const due = holders.filter((h) => {
    const owner = owners.get(h.bookingId!)
    return owner && ((owner.status === 'pending' && owner.start.getTime() <= now) || (owner.status === 'confirmed' && owner.start.getTime() + grace <= now))
  })
  const stale = holders.filter((h) => {
    const owner = owners.get(h.bookingId!)
    return owner ? !holdsSlots(owner.status) : !h.at || now - new Date(h.at).getTime() > STALE_CLAIM_MS
  })
  if (retry && held.length > 0 && due.length + stale.length + orphans.length === held.length) {
    await Promise.all([
      due.length ? sweep({ roomId: slots[0].roomId }, 1) : undefined,
      ...stale.map((h) => db().collection(COLL.slots).where({ _id: h._id, bookingId: h.bookingId }).remove()),
      removeOrphanedEventClaims(orphans)
    ])
    return claimSlots(slots, bookingId, settings, false)
  }
  const taken = held.find((h) => !stale.includes(h) && !orphans.includes(h)) ?? held[0]
  if (!taken) throw new AppError('CONFLICT', '该时段刚刚被预约，请选择其他时段')
  throw new AppError('CONFLICT', taken.state === 'blocked' ? `该时段暂停开放：${taken.reason ?? ''}` : taken.state === 'event' ? `该时段已安排社区活动「${taken.title ?? ''}」，请选择其他时段` : '该时段已被预约，请选择其他时段')
}

/**
 * One unit of the resident's weekly quota for the room: the counter is raised with a guarded update
 * whose filter (`count < weeklyQuota`) is the decision, so parallel calls never pass the limit; the
 * week's first booking creates it (a duplicate `_id` means it exists after all). Which is tried
 * first follows `counterExists`, so the usual case costs one round trip.
 */
async function takeQuota(quotaId: string, room: RoomDoc, openid: string, weekKey: string, counterExists: boolean): Promise<boolean> {
  if (room.weeklyQuota < 1) return false
  const _ = db().command
  const raise = async () =>
    (
      await db()
        .collection(COLL.quotas)
        .where({ _id: quotaId, count: _.lt(room.weeklyQuota) })
        .update({ data: { count: _.inc(1) } })
    ).stats.updated === 1
  const create = async () => {
    try {
      await db().collection(COLL.quotas).add({ data: { _id: quotaId, roomId: room._id, openid, weekKey, count: 1 } })
      return true
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
      return false
    }
  }
  if (counterExists) return (await raise()) || ((await create()) || (await raise()))
  return (await create()) || (await raise())
}
