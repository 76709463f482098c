/**
 * Blackouts: staff of the centre's community close a room for a period (repairs, a community
 * meeting, a holiday). The blackout record itself holds the period's slots (`slotIds`, from the
 * room's grid): bookings, availability and events read the blackouts overlapping what they look
 * at, so closing a room costs the same few round trips however long the period (no document per
 * slot). Lifting it reopens them (bookings it cancelled stay cancelled; their owners may book again).
 *
 * Bookings already holding slots of the period are displaced: after the record is written, one
 * read of the period's slot documents with their bookings, one guarded update cancels the holders
 * still active (a holder's own cancel or check-in racing it wins or loses as a whole), one removal
 * frees every slot they held (and the claims of bookings that ended or never came), their quota
 * comes back, and the displaced residents are told, with the reason, through the message queue.
 *
 * A booking racing the blackout: one that read its context after the record was written sees the
 * blackout and is refused. One that read it before is fenced by time: the blackout reads the slots
 * only BOOKING_FENCE_MS (+ a margin) after writing its record, and a booking writes its booking
 * within BOOKING_FENCE_MS of starting its read — or, slower, looks for blackouts once more after
 * writing and withdraws (book.ts). So every such booking is either seen here or sees the record.
 */
import type { BlackoutView } from '../../contracts/centers'
import type { z } from '../../contracts/zod'
import type { blackoutInput, blackoutsInput, liftBlackoutInput } from '../../contracts/centers'
import type { Page } from '../../contracts/common'
import { clock } from '../core/clock'
import { checkVisibleTexts } from '../core/content'
import { db } from '../core/db'
import { AppError, invalid, notFound } from '../core/errors'
import type { FirstReadContext } from '../core/function'
import { managedCommunities } from '../core/guard'
import type { Caller } from '../core/identity'
import { parseLocal } from '../core/time'
import { readTogether, type Part } from '../core/together'
import { byIdPart, requireCenterStaff, roomWithCenterOf, roomWithCenterPart } from './access'
import { addDays, DAY_MS, dayOf, iso, slotKeyOf } from './calendar'
import { slotsOverlapping } from './grid'
import { BOOKING_FENCE_MS, endGuarded, releaseHeld } from './lifecycle'
import { callerName, COLL, isActive, newId, slotIdOf, type BlackoutDoc, type BookingDoc, type CenterDoc, type SlotDoc } from './model'
import { queueCancellations } from './notify'

/** The longest blackout one call may set; longer closures are several blackouts (or a status change). */
export const MAX_BLACKOUT_DAYS = 92

/** Beyond the fence: how long a booking's last write may take to reach the database. */
const FENCE_MARGIN_MS = 250
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Slot documents a blackout reads at once (a room's grid over 92 days is far less). */
const SLOTS_READ = 1000

export async function blackout(input: z.infer<typeof blackoutInput>, first: FirstReadContext): Promise<BlackoutView> {
  // The caller with the room and its centre: one read.
  const { caller, docs } = await first.readWithCaller({ room: roomWithCenterPart(input.roomId) })
  const { room, center } = roomWithCenterOf(docs.room)
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
  const wanted: string[] = []
  for (let day = dayOf(start); day <= dayOf(end - 1); day = addDays(day, 1)) {
    for (const slot of slotsOverlapping(center.openingHours, room.slotMinutes, day, start, end)) wanted.push(slotIdOf(room._id, slotKeyOf(slot.start)))
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
    // The period's slots; corrected below when some stay with a centre event or another blackout.
    slotIds: wanted,
    cancelledBookingIds: [],
    lifted: false,
    slotDocs: false,
    createdBy: caller.openid,
    createdByName: callerName(caller),
    createdAt: clock.date()
  }
  // The record first: from here on new bookings see it.
  await db().collection(COLL.blackouts).add({ data: doc })
  // The fence (see above): bookings that read before the record have written theirs by now.
  await sleep(BOOKING_FENCE_MS + FENCE_MARGIN_MS)

  const reason = `暂停开放：${input.reason}`
  const { displaced, kept } = await displaceHolders(room._id, start, end, reason, caller)
  const slotIds = kept.size ? wanted.filter((id) => !kept.has(id)) : wanted
  const cancelledBookingIds = displaced.map((b) => b._id)
  if (displaced.length || kept.size) await db().collection(COLL.blackouts).doc(blackoutId).update({ data: { slotIds, cancelledBookingIds } })
  await queueCancellations(displaced.map((booking) => ({ booking, reason })))
  return toView({ ...doc, slotIds, cancelledBookingIds })
}

/**
 * The period's slot documents with the bookings holding them (one read): active holders are
 * displaced (one guarded update), the slots of what this displaced, of bookings that ended or
 * are checked in, and of claims whose booking never came (past the fence) are freed with the
 * displaced bookings' other slots and their quota (releaseHeld). Slots of a centre event or of an
 * older blackout's documents stay theirs (`kept`).
 */
async function displaceHolders(
  roomId: string,
  start: number,
  end: number,
  reason: string,
  caller: Caller
): Promise<{ displaced: BookingDoc[]; kept: Set<string> }> {
  const _ = db().command
  const rows = (
    await db()
      .collection(COLL.slots)
      .aggregate()
      .match({ roomId, day: _.gte(dayOf(start)).and(_.lte(dayOf(end - 1))), start: _.lt(new Date(end)), end: _.gt(new Date(start)) })
      .limit(SLOTS_READ)
      .lookup({ from: COLL.bookings, localField: 'bookingId', foreignField: '_id', as: 'owner' })
      .end()
  ).list as (SlotDoc & { owner?: BookingDoc[] })[]
  const kept = new Set(rows.filter((s) => s.state === 'event' || s.state === 'blocked').map((s) => s._id))
  const held = rows.filter((s) => (s.state === 'booked' || s.state === 'pending') && s.bookingId)
  if (held.length === 0) return { displaced: [], kept }
  const owners = new Map<string, BookingDoc>()
  for (const row of held) for (const b of row.owner ?? []) if (b._id === row.bookingId) owners.set(b._id, b)
  const active = [...owners.values()].filter((b) => isActive(b.status))
  const displaced = (await endGuarded(active, { status: 'cancelled', action: 'displaced', actor: caller.openid, actorName: callerName(caller), reason, closedBy: 'blackout' })) as BookingDoc[]
  const ended = new Set(displaced.map((b) => b._id))
  // Active holders that were not displaced here were ended by someone else meanwhile (who frees
  // their slots); every other holder's slots in the period are freed with the displaced ones'.
  const others = new Map<string, string[]>()
  for (const s of held) {
    const owner = owners.get(s.bookingId!)
    if (owner && (ended.has(owner._id) || isActive(owner.status))) continue
    others.set(s.bookingId!, [...(others.get(s.bookingId!) ?? []), s._id])
  }
  const freed = [...others].map(([bookingId, slotIds]) => ({ _id: bookingId, slotIds }) as BookingDoc)
  await releaseHeld([...displaced, ...freed], displaced)
  return { displaced, kept }
}

export async function liftBlackout(input: z.infer<typeof liftBlackoutInput>, first: FirstReadContext): Promise<BlackoutView> {
  const { caller, docs } = await first.readWithCaller({ blackout: byIdPart(COLL.blackouts, input.blackoutId) })
  const doc = docs.blackout[0] as BlackoutDoc | undefined
  if (!doc) throw notFound('暂停开放记录')
  requireCenterStaff(caller, doc)
  if (doc.lifted) return toView(doc)
  const liftedAt = clock.date()
  const res = await db()
    .collection(COLL.blackouts)
    .where({ _id: doc._id, lifted: false })
    .update({ data: { lifted: true, liftedAt, liftedBy: caller.openid } })
  // A blackout set before its record held the slots claimed a document per slot: freed in one removal.
  if (res.stats.updated === 1 && doc.slotDocs !== false && doc.slotIds.length) {
    await db()
      .collection(COLL.slots)
      .where({ roomId: doc.roomId, blackoutId: doc._id })
      .remove()
  }
  return toView({ ...doc, lifted: true, liftedAt })
}

export async function listBlackouts(input: z.infer<typeof blackoutsInput>, first: FirstReadContext): Promise<Page<BlackoutView>> {
  const _ = db().command
  const where: Record<string, unknown> = { lifted: false }
  if (!input.includePast) where.end = _.gt(clock.date())
  if (input.roomId) where.roomId = input.roomId
  else if (input.centerId) where.centerId = input.centerId
  const pageParts = (w: object): Record<'total' | 'items', Part> => ({
    total: { collection: COLL.blackouts, build: (p) => p.match(w).count('n') },
    items: { collection: COLL.blackouts, build: (p) => p.match(w).sort({ start: 1 }).skip((input.page - 1) * input.pageSize).limit(input.pageSize) }
  })
  let got: Record<string, Record<string, any>[]>
  if (input.roomId || input.centerId) {
    // The caller, the room (or centre) to check access on, the total and the page: one read.
    const scope: Part = input.roomId ? roomWithCenterPart(input.roomId) : byIdPart(COLL.centers, input.centerId!)
    const { caller, docs } = await first.readWithCaller({ scope, ...pageParts(where) })
    if (input.roomId) requireCenterStaff(caller, roomWithCenterOf(docs.scope).center)
    else {
      const center = docs.scope[0] as CenterDoc | undefined
      if (!center) throw notFound('邻里中心')
      requireCenterStaff(caller, center)
    }
    got = docs
  } else {
    const { caller } = await first.readWithCaller({})
    const communities = managedCommunities(caller)
    if (communities && communities.length === 0) throw new AppError('FORBIDDEN', '仅社区工作人员可查看')
    if (communities) where.communityId = _.in(communities)
    got = await readTogether(pageParts(where))
  }
  return { items: (got.items as BlackoutDoc[]).map(toView), total: (got.total[0]?.n as number | undefined) ?? 0, page: input.page, pageSize: input.pageSize }
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
