/**
 * Centre events hold their room: an activity of kind "event" at a 党建+邻里中心 names one of the
 * centre's rooms and claims every grid slot of it that its time overlaps, with the very documents
 * bookings claim (`roomSlots/${roomId}:${YYYYMMDDHHmm}`, state `event`, with the activity's id and
 * title). So the same exclusivity holds both ways and under any race: a slot already booked,
 * pending, blocked by a blackout or held by another event cannot be taken by the event, and a
 * slot the event holds cannot be booked (book.ts finds the document; a booking and an event
 * adding the same `_id` at once: one of the two commits fails on the unique `_id`).
 *
 * Creating the event needs no transaction, like a booking (server/activities/manage.ts): its
 * slots are claimed by unique adds, then the activity is added (a failed add gives them back; a
 * create cut short in between leaves claims with no activity, which a booking takes over once a
 * minute old: book.ts). Moving it (time or room) needs no transaction either: the new slots are
 * claimed by unique adds first, then the activity is written by one update whose filter is what
 * the plan was made from, then the old slots are freed — so a move cut short can only leave a slot
 * held too many (never one too few: no double booking). Renaming it retitles its slots; cancelling
 * it frees them in the transaction that marks it cancelled. A blackout leaves an event's slots
 * alone (staff who close the room move or cancel the event themselves).
 */
import { clock } from '../core/clock'
import { db, isDuplicateKey } from '../core/db'
import { AppError, invalid, notFound } from '../core/errors'
import type { Part } from '../core/together'
import { isOpenCenter } from './access'
import { addDays, dayOf, hhmmOf, slotKeyOf } from './calendar'
import { slotsOverlapping } from './grid'
import { COLL, slotIdOf, type BlackoutDoc, type BookingDoc, type CenterDoc, type RoomDoc, type SlotDoc } from './model'

export interface EventRoomPlan {
  room: RoomDoc
  center: CenterDoc
  slots: SlotDoc[]
}

/** What a plan is made from: the room, its centre and the blackouts read for the time (any room's: filtered here). */
export interface EventRoomDocs {
  room: RoomDoc | undefined
  center: CenterDoc | undefined
  blackouts: BlackoutDoc[]
}

/** The longest event (24 h) spans two days at most; a guard against runaway loops. */
const MAX_DAYS = 3

/** Blackouts read with a caller's first read when the room is not known yet (filtered by room here). */
export const BLACKOUTS_PAGE = 50

/**
 * The blackouts covering `start`–`end` (of `roomId`, or of any room when not known yet), as a part
 * of a combined read (server/core/together.ts). `planEventRoomFrom` picks the room's; a full page
 * without it is not trusted (`blackoutsComplete`).
 */
export function blackoutsPart(roomId: string | undefined, start: Date, end: Date): Part {
  const _ = db().command
  return {
    collection: COLL.blackouts,
    build: (p) =>
      p
        .match({ ...(roomId ? { roomId } : {}), lifted: false, start: _.lt(new Date(+end)), end: _.gt(new Date(+start)) })
        .limit(roomId ? 1 : BLACKOUTS_PAGE)
  }
}

/** Whether blackouts read by `blackoutsPart` answer for `roomId`: read for that room, or a page not full. */
export const blackoutsComplete = (readFor: string | undefined, roomId: string, list: readonly BlackoutDoc[]) =>
  readFor === roomId || list.length < BLACKOUTS_PAGE || list.some((b) => b.roomId === roomId)

/** The room, the centre and a blackout covering the time, if any: one read of their own. */
export async function readEventRoom(centerId: string, roomId: string, start: Date, end: Date): Promise<EventRoomDocs> {
  const _ = db().command
  const $ = _.aggregate
  const res = await db()
    .collection(COLL.rooms)
    .aggregate()
    .match({ _id: roomId })
    .limit(1)
    .lookup({ from: COLL.centers, pipeline: $.pipeline().match({ _id: centerId }).limit(1).done(), as: 'center' })
    .lookup({ from: COLL.blackouts, pipeline: $.pipeline().match({ roomId, lifted: false, start: _.lt(new Date(+end)), end: _.gt(new Date(+start)) }).limit(1).done(), as: 'blocked' })
    .end()
  const row = (res.list as (RoomDoc & { center: CenterDoc[]; blocked: BlackoutDoc[] })[])[0]
  if (!row) return { room: undefined, center: undefined, blackouts: [] }
  const { center: [center], blocked, ...room } = row
  return { room: room as RoomDoc, center, blackouts: blocked }
}

/**
 * What an event at `roomId` from `start` to `end` would claim, after the checks a booking also
 * passes: the room is the centre's and switched on, the centre is open, the time overlaps the
 * room's opening hours, and no blackout covers it (the blackout records hold their slots). The
 * documents come from the caller's first read (`docs`) or, without them, from one read here.
 * The slot documents themselves are claimed by unique adds (`claimEventSlots`).
 */
export async function planEventRoom(centerId: string, roomId: string, start: Date, end: Date, event: { activityId: string; title: string }, docs?: EventRoomDocs): Promise<EventRoomPlan> {
  return planEventRoomFrom(docs ?? (await readEventRoom(centerId, roomId, start, end)), centerId, roomId, start, end, event)
}

function planEventRoomFrom(docs: EventRoomDocs, centerId: string, roomId: string, start: Date, end: Date, event: { activityId: string; title: string }): EventRoomPlan {
  const { room, center } = docs
  if (!room || room._id !== roomId) throw notFound('活动室')
  if (!center || center._id !== centerId) throw notFound('邻里中心')
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
  const blocked = docs.blackouts.find((b) => b.roomId === roomId && !b.lifted && +b.start < to && +b.end > from)
  if (blocked) throw new AppError('CONFLICT', `该活动室此时段暂停开放：${blocked.reason}`, ['start'])
  return { room, center, slots }
}

/** Why a slot document stops an event (or a booking) from taking it. */
export function takenMessage(taken: SlotDoc): string {
  if (taken.state === 'blocked') return `该时段暂停开放：${taken.reason ?? ''}`
  if (taken.state === 'event') return `${hhmmOf(taken.start.getTime())}已安排活动「${taken.title ?? '社区活动'}」，请选择其他时段`
  return `${hhmmOf(taken.start.getTime())}的时段已被预约，请选择其他时段或活动室`
}

/** The event's own edit raced another edit of it (a slot it adds is already its own). */
export const EDITED_MEANWHILE = '活动刚被他人修改，请刷新后重试'

/**
 * Claims `slots` for the event: one unique add each (at once), all or nothing. A slot someone
 * holds fails its add on the `_id`: the slots this call added are given back and the taken ones
 * read (only then) to say which — CONFLICT. A slot already the event's own was added by an edit
 * racing this one: refused likewise (never shared, so the other edit's removal cannot take it from
 * under this one). Slots held only by orphaned event claims (`isOrphanedEventClaim`) are taken
 * over once.
 */
export async function claimEventSlots(slots: readonly SlotDoc[], activityId: string, retry = true): Promise<void> {
  if (slots.length === 0) return
  const results = await Promise.allSettled(slots.map((slot) => db().collection(COLL.slots).add({ data: slot })))
  const lost = slots.filter((_s, i) => results[i].status === 'rejected')
  if (lost.length === 0) return
  const won = slots.filter((_s, i) => results[i].status === 'fulfilled').map((s) => s._id)
  const [, held] = await Promise.all([releaseEventSlots(activityId, won), readHeldSlots(lost.map((s) => s._id))])
  for (const r of results) if (r.status === 'rejected' && !isDuplicateKey(r.reason)) throw r.reason
  const others = held.filter((t) => t.activityId !== activityId)
  // Held only by claims of events that never came (a create cut short): taken over once.
  const orphans = others.filter((t) => isOrphanedEventClaim(t, clock.now()))
  if (retry && others.length > 0 && orphans.length === others.length && others.length === held.length) {
    await removeOrphanedEventClaims(orphans)
    return claimEventSlots(slots, activityId, false)
  }
  const other = others.find((t) => !orphans.includes(t)) ?? others[0]
  if (other) throw new AppError('CONFLICT', takenMessage(other), ['start'])
  throw new AppError('CONFLICT', held.length ? EDITED_MEANWHILE : '该活动室此时段刚刚被预约，请选择其他时段')
}

/** How long an event's slot claim may wait for its activity before a claim may take the slot over. */
export const EVENT_CLAIM_STALE_MS = 60_000

/** A slot document as a claim that lost it reads it: with the booking holding it and the event's activity joined. */
export type HeldSlot = SlotDoc & { owner?: BookingDoc[]; event?: { _id: string }[] }

/** The slot documents a claim lost, with their holders joined: one round trip. */
export async function readHeldSlots(ids: readonly string[]): Promise<HeldSlot[]> {
  const _ = db().command
  const res = await db()
    .collection(COLL.slots)
    .aggregate()
    .match({ _id: _.in([...ids]) })
    .limit(ids.length)
    .lookup({ from: COLL.bookings, localField: 'bookingId', foreignField: '_id', as: 'owner' })
    .lookup({ from: 'activities', localField: 'activityId', foreignField: '_id', as: 'event' })
    .end()
  return res.list as HeldSlot[]
}

/**
 * An event's claim whose activity never got written (its create was cut short between its slot
 * claims and its activity: activities/manage.ts), once older than any call: a booking or another
 * event takes it over (`removeOrphanedEventClaims`, then claims again).
 */
export const isOrphanedEventClaim = (slot: HeldSlot, now: number): boolean =>
  slot.state === 'event' && Boolean(slot.activityId) && (slot.event ?? []).length === 0 && Boolean(slot.at) && now - new Date(slot.at!).getTime() > EVENT_CLAIM_STALE_MS

/** Removes orphaned event claims, each guarded by still being that claim. */
export async function removeOrphanedEventClaims(slots: readonly HeldSlot[]): Promise<void> {
  await Promise.all(slots.map((h) => db().collection(COLL.slots).where({ _id: h._id, activityId: h.activityId, state: 'event' }).remove()))
}

/** Writes a new title onto the slots the event holds (only its own): one round trip. */
export async function retitleEventSlots(activityId: string, slotIds: readonly string[], title: string): Promise<void> {
  if (slotIds.length === 0) return
  const _ = db().command
  await db()
    .collection(COLL.slots)
    .where({ _id: _.in([...slotIds]), activityId })
    .update({ data: { title } })
}

/** Frees the slots a cancelled event held (only its own; safe to run again). One round trip per 100. */
export async function releaseEventSlots(activityId: string, slotIds: readonly string[]): Promise<void> {
  if (slotIds.length === 0) return
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
