/**
 * Blackouts: staff of the centre's community close a room for a period (repairs, a community
 * meeting, a holiday). The blackout record is written first (so new bookings see it at once),
 * then it claims every grid slot it covers as a `blocked` slot document (one add each). Slots
 * held by bookings are taken over together: one guarded update cancels the holders still active
 * (`takeOver`), their other slots and quota are given back and the slots are blocked, so a booking
 * racing the blackout either loses the slot or is displaced (a booking caught between claiming
 * its slot and being written is waited for); displaced residents are told, with the reason. Lifting a blackout frees the slots it blocked
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
import { getById } from '../core/records'
import { parseLocal } from '../core/time'
import { getCenter, getRoomWithCenter, requireCenterStaff } from './access'
import { addDays, DAY_MS, dayOf, iso, slotKeyOf } from './calendar'
import { slotsOverlapping } from './grid'
import { endGuarded, releaseHeld } from './lifecycle'
import { callerName, COLL, isActive, newId, slotIdOf, type BlackoutDoc, type BookingDoc, type SlotDoc } from './model'
import { notifyCancelled } from './notify'

/** The longest blackout one call may set; longer closures are several blackouts (or a status change). */
export const MAX_BLACKOUT_DAYS = 92

/** How long a blackout waits, at most, for bookings caught between claiming a slot and being written. */
const IN_FLIGHT_WAIT_MS = 1200
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

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
  const wanted: SlotDoc[] = []
  for (let day = dayOf(start); day <= dayOf(end - 1); day = addDays(day, 1)) {
    for (const slot of slotsOverlapping(center.openingHours, room.slotMinutes, day, start, end)) {
      wanted.push({
        _id: slotIdOf(room._id, slotKeyOf(slot.start)),
        roomId: room._id,
        centerId: center._id,
        day,
        start: new Date(slot.start),
        end: new Date(slot.end),
        state: 'blocked',
        blackoutId,
        reason: input.reason
      })
    }
  }
  const doc: BlackoutDoc = {
    _id: blackoutId,
    roomId: room._id,
    roomName: room.name,
    centerId: center._id,
    communityId: center.communityId,
    start: new Date(startAt.valueOf()),
    end: new Date(end),
    reason: input.reason,
    // What it will claim; corrected below when some slot stays with another blackout or an event.
    slotIds: wanted.map((s) => s._id),
    cancelledBookingIds: [],
    lifted: false,
    createdBy: caller.openid,
    createdByName: callerName(caller),
    createdAt: clock.date()
  }
  // The record first, so new bookings see it at once (and the room's `blackoutUntil` with it).
  await Promise.all([
    db().collection(COLL.blackouts).add({ data: doc }),
    db()
      .collection(COLL.rooms)
      .doc(room._id)
      .update({ data: { blackoutUntil: db().command.max(new Date(end)) } })
  ])

  const reason = `暂停开放：${input.reason}`
  // Every free slot is claimed by adding its document (one add each: the SDK adds one document per call).
  const results = await Promise.allSettled(wanted.map((slot) => db().collection(COLL.slots).add({ data: slot })))
  const rejected = results.find((r) => r.status === 'rejected' && !isDuplicateKey(r.reason))
  if (rejected && rejected.status === 'rejected') throw rejected.reason
  let taken = wanted.filter((_s, i) => results[i].status === 'rejected')
  // The slots this blackout holds, known exactly while every take-over updated all it meant to.
  const holds = new Set(wanted.filter((_s, i) => results[i].status === 'fulfilled').map((s) => s._id))
  let exact = true
  const displaced: BookingDoc[] = []
  const deadline = Date.now() + IN_FLIGHT_WAIT_MS
  const rangeIds = new Set(wanted.map((s) => s._id))
  for (let round = 0; taken.length && round < 40; round++) {
    const giveUp = Date.now() >= deadline
    const { gone, waiting, ended, took } = await takeOver(taken, rangeIds, blackoutId, input.reason, reason, caller, giveUp)
    displaced.push(...ended)
    if (took) took.forEach((id) => holds.add(id))
    else exact = false
    if (gone.length + waiting.length === 0 || giveUp) break
    // Slots freed meanwhile are claimed again; claims still waiting for their booking get a moment
    // (still held: looked at again, not re-added).
    await sleep(40)
    const again = await Promise.allSettled(gone.map((slot) => db().collection(COLL.slots).add({ data: slot })))
    gone.forEach((slot, i) => again[i].status === 'fulfilled' && holds.add(slot._id))
    taken = [...waiting, ...gone.filter((_s, i) => again[i].status === 'rejected')]
  }
  let slotIds = doc.slotIds
  const cancelledBookingIds = displaced.map((b) => b._id)
  if (results.some((r) => r.status === 'rejected')) {
    const _ = db().command
    // Read back only when a take-over updated fewer slots than it meant to (something raced it).
    const held = exact
      ? holds
      : new Set(((await db().collection(COLL.slots).where({ _id: _.in(slotIds), blackoutId }).field({ _id: true }).limit(slotIds.length).get()).data as { _id: string }[]).map((d) => d._id))
    slotIds = slotIds.filter((id) => held.has(id))
    await db().collection(COLL.blackouts).doc(blackoutId).update({ data: { slotIds, cancelledBookingIds } })
  }
  for (const b of displaced) await notifyCancelled(b, reason)
  return toView({ ...doc, slotIds, cancelledBookingIds })
}

/**
 * The slots a blackout found taken: left with another blackout or a centre event; taken over from
 * bookings — each holder still active is displaced (cancelled, one guarded update for all: a
 * holder's own cancel or check-in racing it wins or loses as a whole), its other slots freed and
 * its quota given back — and from holders that ended or whose claim was abandoned. A claim whose
 * booking is still being written is waited for (`waiting`: looked at again, not re-added), unless
 * `giveUp`: then it is taken over; slots released meanwhile (`gone`) are claimed again.
 */
async function takeOver(
  taken: SlotDoc[],
  rangeIds: Set<string>,
  blackoutId: string,
  text: string,
  reason: string,
  caller: Caller,
  giveUp: boolean
): Promise<{ gone: SlotDoc[]; waiting: SlotDoc[]; ended: BookingDoc[]; took: string[] | null }> {
  const _ = db().command
  const byId = new Map(taken.map((s) => [s._id, s]))
  // The slots with the bookings holding them joined: one read.
  const rows = (
    await db()
      .collection(COLL.slots)
      .aggregate()
      .match({ _id: _.in([...byId.keys()]) })
      .limit(taken.length)
      .lookup({ from: COLL.bookings, localField: 'bookingId', foreignField: '_id', as: 'owner' })
      .end()
  ).list as (SlotDoc & { owner?: BookingDoc[] })[]
  const current: SlotDoc[] = rows.map(({ owner: _o, ...slot }) => slot as SlotDoc)
  const present = new Set(current.map((s) => s._id))
  // Gone meanwhile (released): claim again.
  const gone = taken.filter((s) => !present.has(s._id))
  const held = current.filter((s) => (s.state === 'booked' || s.state === 'pending') && s.bookingId)
  if (held.length === 0) return { gone, waiting: [], ended: [], took: [] }
  const owners = new Map<string, BookingDoc>()
  for (const row of rows) for (const b of row.owner ?? []) if (row.bookingId && b._id === row.bookingId) owners.set(b._id, b)
  const now = clock.now()
  const waiting = held.filter((s) => !owners.has(s.bookingId!) && !giveUp && s.at && now - new Date(s.at).getTime() < 60_000)
  const active = [...owners.values()].filter((b) => isActive(b.status))
  const ended = await displace(active, caller, reason)
  const endedIds = new Set(ended.map((b) => b._id))
  // Slots to take over: held by what this displaced, by bookings that ended, or by abandoned claims.
  const over = held.filter((s) => {
    const owner = owners.get(s.bookingId!)
    if (owner) return endedIds.has(owner._id) || !isActive(owner.status)
    return !waiting.includes(s)
  })
  const [overRes] = await Promise.all([
    over.length
      ? db()
          .collection(COLL.slots)
          .where({ _id: _.in(over.map((s) => s._id)), bookingId: _.in([...new Set(over.map((s) => s.bookingId!))]) })
          .update({ data: { state: 'blocked', blackoutId, reason: text, bookingId: _.remove(), openid: _.remove(), at: _.remove() } })
      : undefined,
    // The displaced bookings' other slots are free again, and their quota comes back.
    releaseHeld(
      ended.map((b) => ({ ...b, slotIds: b.slotIds.filter((id) => !rangeIds.has(id)) })),
      ended
    )
  ])
  // Still held by an active booking someone else just confirmed, or waiting for its booking: look again.
  const again = held.filter((s) => !over.includes(s)).map((s) => byId.get(s._id)!)
  // All it meant to take over, taken: the slots it now holds are known without reading them back.
  const took = !over.length ? [] : overRes?.stats.updated === over.length ? over.map((s) => s._id) : null
  return { gone, waiting: again, ended, took }
}

/** Cancels the active bookings a blackout displaces (one guarded update); returns those it ended. */
function displace(bookings: BookingDoc[], caller: Caller, reason: string): Promise<BookingDoc[]> {
  return endGuarded(bookings, { status: 'cancelled', action: 'displaced', actor: caller.openid, actorName: callerName(caller), reason, closedBy: 'blackout' })
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
