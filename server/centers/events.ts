/**
 * Centre events hold their room: an activity of kind "event" at a 党建+邻里中心 names one of the
 * centre's rooms and claims every grid slot of it that its time overlaps, with the very documents
 * bookings claim (`roomSlots/${roomId}:${YYYYMMDDHHmm}`, state `event`, with the activity's id and
 * title). So the same exclusivity holds both ways and under any race: a slot already booked,
 * pending, blocked by a blackout or held by another event cannot be taken by the event, and a
 * slot the event holds cannot be booked (book.ts finds the document; a booking and an event
 * adding the same `_id` at once: one of the two commits fails on the unique `_id`).
 *
 * The claim runs inside the activity's own transaction (server/activities/manage.ts): the
 * activity and its slot documents are written together, or nothing is. Moving the event (time or
 * room) claims the new slots and frees the old ones in the same transaction; renaming it retitles
 * them there; cancelling it frees them in the transaction that marks it cancelled. A blackout leaves an event's slots alone (staff who close the room move or cancel the
 * event themselves).
 */
import { clock } from '../core/clock'
import { db, type TransactionRef } from '../core/db'
import { AppError, invalid } from '../core/errors'
import { txGet } from '../core/records'
import { getCenter, getRoom, isOpenCenter } from './access'
import { addDays, dayOf, hhmmOf, slotKeyOf } from './calendar'
import { slotsOverlapping } from './grid'
import { COLL, slotIdOf, type BlackoutDoc, type CenterDoc, type RoomDoc, type SlotDoc } from './model'

export interface EventRoomPlan {
  room: RoomDoc
  center: CenterDoc
  slots: SlotDoc[]
}

/** The longest event (24 h) spans two days at most; a guard against runaway loops. */
const MAX_DAYS = 3

/**
 * What an event at `roomId` from `start` to `end` would claim, after the checks a booking also
 * passes outside its transaction: the room is the centre's and switched on, the centre is open,
 * the time overlaps the room's opening hours, and no blackout covers it. The slot documents
 * themselves are checked inside the transaction (`claimEventSlotsTx`).
 */
export async function planEventRoom(centerId: string, roomId: string, start: Date, end: Date, event: { activityId: string; title: string }): Promise<EventRoomPlan> {
  const [room, center] = await Promise.all([getRoom(roomId), getCenter(centerId)])
  if (room.centerId !== center._id) throw invalid('活动室不属于该邻里中心', ['roomId'])
  if (!isOpenCenter(center)) throw new AppError('CONFLICT', '该邻里中心尚未建成开放，暂不能安排活动', ['centerId'])
  if (!room.active) throw new AppError('CONFLICT', '该活动室暂停使用，请选择其他活动室', ['roomId'])
  const from = +start
  const to = +end
  const slots: SlotDoc[] = []
  for (let day = dayOf(from), n = 0; day <= dayOf(to - 1) && n < MAX_DAYS; day = addDays(day, 1), n++) {
    for (const s of slotsOverlapping(center.openingHours ?? [], room.slotMinutes, day, from, to)) {
      slots.push({
        _id: slotIdOf(room._id, slotKeyOf(s.start)),
        roomId: room._id,
        centerId: center._id,
        day,
        start: new Date(s.start),
        end: new Date(s.end),
        state: 'event',
        activityId: event.activityId,
        title: event.title
      })
    }
  }
  if (slots.length === 0) throw invalid(`活动时间不在${room.name}的开放时段内`, ['start'])
  if (room.blackoutUntil && room.blackoutUntil.getTime() > from) {
    const _ = db().command
    const blocked = await db()
      .collection(COLL.blackouts)
      .where({ roomId: room._id, lifted: false, start: _.lt(new Date(to)), end: _.gt(new Date(from)) })
      .limit(1)
      .get()
    if (blocked.data.length) throw new AppError('CONFLICT', `该活动室此时段暂停开放：${(blocked.data[0] as BlackoutDoc).reason}`, ['start'])
  }
  return { room, center, slots }
}

/** Why a slot document stops an event (or a booking) from taking it. */
export function takenMessage(taken: SlotDoc): string {
  if (taken.state === 'blocked') return `该时段暂停开放：${taken.reason ?? ''}`
  if (taken.state === 'event') return `${hhmmOf(taken.start.getTime())}已安排活动「${taken.title ?? '社区活动'}」，请选择其他时段`
  return `${hhmmOf(taken.start.getTime())}的时段已被预约，请选择其他时段或活动室`
}

/**
 * Inside the activity's transaction (retry-safe: everything is read through `tx`): claims the
 * plan's slots for the event, keeping those it already holds, and frees the ones in `held` it no
 * longer needs. Throws CONFLICT naming the first slot someone else holds. Returns the slot ids held.
 */
export async function claimEventSlotsTx(tx: TransactionRef, plan: EventRoomPlan | null, activityId: string, held: readonly string[]): Promise<string[]> {
  const slots = plan?.slots ?? []
  const wanted = new Set(slots.map((s) => s._id))
  const dropped = held.filter((id) => !wanted.has(id))
  // Every slot read at once (one round trip's wait, not one per slot); the writes follow.
  const [taken, old] = await Promise.all([
    Promise.all(slots.map((s) => txGet<SlotDoc>(tx, COLL.slots, s._id))),
    Promise.all(dropped.map((id) => txGet<SlotDoc>(tx, COLL.slots, id)))
  ])
  const other = taken.find((t) => t && t.activityId !== activityId)
  if (other) throw new AppError('CONFLICT', takenMessage(other), ['start'])
  for (const [i, slot] of slots.entries()) {
    const have = taken[i]
    if (!have) await tx.collection(COLL.slots).add({ data: slot })
    else if (have.title !== slot.title) await tx.collection(COLL.slots).doc(slot._id).update({ data: { title: slot.title } })
  }
  for (const [i, slotId] of dropped.entries()) {
    if (old[i]?.activityId === activityId) await tx.collection(COLL.slots).doc(slotId).remove()
  }
  return [...wanted]
}

/**
 * Inside the activity's transaction: writes a new title onto the slots the event holds (a rename
 * keeps its time and room, so nothing is re-planned or re-checked). Retry-safe.
 */
export async function retitleEventSlotsTx(tx: TransactionRef, activityId: string, held: readonly string[], title: string): Promise<void> {
  const slots = await Promise.all(held.map((id) => txGet<SlotDoc>(tx, COLL.slots, id)))
  for (const [i, slot] of slots.entries()) {
    if (slot && slot.activityId === activityId && slot.title !== title) await tx.collection(COLL.slots).doc(held[i]).update({ data: { title } })
  }
}

/** Inside the cancel's transaction: frees the slots the event holds (only its own). Retry-safe. */
export async function releaseEventSlotsTx(tx: TransactionRef, activityId: string, held: readonly string[]): Promise<void> {
  const slots = await Promise.all(held.map((id) => txGet<SlotDoc>(tx, COLL.slots, id)))
  for (const [i, slot] of slots.entries()) {
    if (slot && slot.activityId === activityId) await tx.collection(COLL.slots).doc(held[i]).remove()
  }
}

/** Frees the slots a cancelled event held (only its own; safe to run again). One round trip per 100. */
export async function releaseEventSlots(activityId: string, slotIds: readonly string[]): Promise<void> {
  const _ = db().command
  for (let i = 0; i < slotIds.length; i += 100) {
    await db()
      .collection(COLL.slots)
      .where({ _id: _.in(slotIds.slice(i, i + 100)), activityId })
      .remove()
  }
}

/** Slot documents held by events of a room from now on (saveRoom refuses a new slot length over them). */
export async function upcomingEventSlots(roomId: string): Promise<number> {
  const _ = db().command
  const { total } = await db()
    .collection(COLL.slots)
    .where({ roomId, state: 'event', end: _.gt(clock.date()) })
    .count()
  return total
}
