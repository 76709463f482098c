/**
 * Blackouts: staff of the centre's community close a room for a period (repairs, a community
 * meeting, a holiday). The blackout record is written first (so new bookings see it at once),
 * then it claims every grid slot it covers as a `blocked` slot document. A slot held by a booking
 * is taken over in one transaction that cancels the booking (freeing its other slots and quota)
 * and blocks the slot, so a booking racing the blackout either loses the slot or is displaced;
 * displaced residents are told, with the reason. Lifting a blackout frees the slots it blocked
 * (bookings it cancelled stay cancelled; their owners may book again).
 */
import type { BlackoutView } from '../../contracts/centers'
import type { z } from '../../contracts/zod'
import type { blackoutInput, blackoutsInput, liftBlackoutInput } from '../../contracts/centers'
import type { Page } from '../../contracts/common'
import { clock } from '../core/clock'
import { checkVisibleTexts } from '../core/content'
import { db, isDuplicateKey } from '../core/db'
import { AppError, invalid } from '../core/errors'
import { managedCommunities } from '../core/guard'
import type { Caller } from '../core/identity'
import { getById, txGet } from '../core/records'
import { parseLocal } from '../core/time'
import { getCenter, getRoomWithCenter, requireCenterStaff } from './access'
import { addDays, DAY_MS, dayOf, iso, slotKeyOf } from './calendar'
import { slotsOverlapping } from './grid'
import { endBookingTx } from './lifecycle'
import { callerName, COLL, newId, slotIdOf, type BlackoutDoc, type BookingDoc, type SlotDoc } from './model'
import { notifyCancelled } from './notify'
import { inTransaction } from './store'

/** The longest blackout one call may set; longer closures are several blackouts (or a status change). */
export const MAX_BLACKOUT_DAYS = 92

export async function blackout(input: z.infer<typeof blackoutInput>, caller: Caller): Promise<BlackoutView> {
  const { room, center } = await getRoomWithCenter(input.roomId)
  requireCenterStaff(caller, center)
  // The reason is shown on the calendar and pushed to the residents whose bookings it cancels.
  await checkVisibleTexts(caller.openid, [['reason', input.reason]])
  const startAt = parseLocal(input.start)
  const endAt = parseLocal(input.end)
  if (!startAt.isValid()) throw invalid('开始时间格式不正确', ['start'])
  if (!endAt.isValid()) throw invalid('结束时间格式不正确', ['end'])
  const now = clock.now()
  // A blackout that began in the past only affects what is still ahead.
  const start = Math.max(startAt.valueOf(), now)
  const end = endAt.valueOf()
  if (end <= startAt.valueOf()) throw invalid('结束时间须晚于开始时间', ['end'])
  if (end <= now) throw invalid('结束时间已过', ['end'])
  if (end - start > MAX_BLACKOUT_DAYS * DAY_MS) throw invalid(`一次最多设置${MAX_BLACKOUT_DAYS}天`, ['end'])

  const blackoutId = newId('bo')
  const doc: BlackoutDoc = {
    _id: blackoutId,
    roomId: room._id,
    roomName: room.name,
    centerId: center._id,
    communityId: center.communityId,
    start: new Date(startAt.valueOf()),
    end: new Date(end),
    reason: input.reason,
    slotIds: [],
    cancelledBookingIds: [],
    lifted: false,
    createdBy: caller.openid,
    createdByName: callerName(caller),
    createdAt: clock.date()
  }
  await db().collection(COLL.blackouts).add({ data: doc })
  await db()
    .collection(COLL.rooms)
    .doc(room._id)
    .update({ data: { blackoutUntil: db().command.max(new Date(end)) } })

  const reason = `暂停开放：${input.reason}`
  const claimed: string[] = []
  const displaced: BookingDoc[] = []
  for (let day = dayOf(start); day <= dayOf(end - 1); day = addDays(day, 1)) {
    for (const slot of slotsOverlapping(center.openingHours, room.slotMinutes, day, start, end)) {
      const slotId = slotIdOf(room._id, slotKeyOf(slot.start))
      const blocked: SlotDoc = {
        _id: slotId,
        roomId: room._id,
        centerId: center._id,
        day,
        start: new Date(slot.start),
        end: new Date(slot.end),
        state: 'blocked',
        blackoutId,
        reason: input.reason
      }
      try {
        await db().collection(COLL.slots).add({ data: blocked })
        claimed.push(slotId)
        continue
      } catch (error) {
        if (!isDuplicateKey(error)) throw error
      }
      // Taken: by a booking (displace it) or by another blackout (leave it to that one).
      const outcome = await inTransaction(async (tx) => {
        const current = await txGet<SlotDoc>(tx, COLL.slots, slotId)
        // Another blackout, or a centre event (its staff move or cancel it): left alone.
        if (current?.state === 'blocked' || current?.state === 'event') return { claimed: false as const }
        let ended: BookingDoc | null = null
        if (current?.bookingId) {
          ended = await endBookingTx(tx, current.bookingId, {
            status: 'cancelled',
            action: 'displaced',
            actor: caller.openid,
            actorName: callerName(caller),
            reason,
            closedBy: 'blackout',
            keepSlots: [slotId]
          })
        }
        const { _id, ...rest } = blocked
        await tx.collection(COLL.slots).doc(_id).set({ data: rest })
        return { claimed: true as const, ended }
      }, '操作冲突，请稍后重试')
      if (outcome.claimed) claimed.push(slotId)
      if (outcome.claimed && outcome.ended) displaced.push(outcome.ended)
    }
  }
  const cancelledBookingIds = displaced.map((b) => b._id)
  await db().collection(COLL.blackouts).doc(blackoutId).update({ data: { slotIds: claimed, cancelledBookingIds } })
  for (const b of displaced) await notifyCancelled(b, reason)
  return toView({ ...doc, slotIds: claimed, cancelledBookingIds })
}

export async function liftBlackout(input: z.infer<typeof liftBlackoutInput>, caller: Caller): Promise<BlackoutView> {
  const doc = await getById<BlackoutDoc>(COLL.blackouts, input.blackoutId, '暂停开放记录')
  requireCenterStaff(caller, doc)
  if (doc.lifted) return toView(doc)
  const _ = db().command
  const liftedAt = clock.date()
  const res = await db()
    .collection(COLL.blackouts)
    .where({ _id: doc._id, lifted: false })
    .update({ data: { lifted: true, liftedAt, liftedBy: caller.openid } })
  if (res.stats.updated === 1) {
    for (let i = 0; i < doc.slotIds.length; i += 100) {
      await db()
        .collection(COLL.slots)
        .where({ _id: _.in(doc.slotIds.slice(i, i + 100)), blackoutId: doc._id })
        .remove()
    }
  }
  return toView({ ...doc, lifted: true, liftedAt })
}

export async function listBlackouts(input: z.infer<typeof blackoutsInput>, caller: Caller): Promise<Page<BlackoutView>> {
  const where: Record<string, unknown> = { lifted: false }
  const _ = db().command
  if (input.roomId) {
    const { center } = await getRoomWithCenter(input.roomId)
    requireCenterStaff(caller, center)
    where.roomId = input.roomId
  } else if (input.centerId) {
    requireCenterStaff(caller, await getCenter(input.centerId))
    where.centerId = input.centerId
  } else {
    const communities = managedCommunities(caller)
    if (communities && communities.length === 0) throw new AppError('FORBIDDEN', '仅社区工作人员可查看')
    if (communities) where.communityId = _.in(communities)
  }
  if (!input.includePast) where.end = _.gt(clock.date())
  const query = db().collection(COLL.blackouts).where(where)
  const [{ total }, res] = await Promise.all([
    query.count(),
    db()
      .collection(COLL.blackouts)
      .where(where)
      .orderBy('start', 'asc')
      .skip((input.page - 1) * input.pageSize)
      .limit(input.pageSize)
      .get()
  ])
  return { items: (res.data as BlackoutDoc[]).map(toView), total, page: input.page, pageSize: input.pageSize }
}

function toView(doc: BlackoutDoc): BlackoutView {
  return {
    id: doc._id,
    _id: doc._id,
    roomId: doc.roomId,
    roomName: doc.roomName,
    start: iso(doc.start),
    end: iso(doc.end),
    reason: doc.reason,
    lifted: doc.lifted,
    createdByName: doc.createdByName,
    cancelledBookings: doc.cancelledBookingIds.length
  }
}
