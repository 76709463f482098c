/** Organisers keep activities: create, edit until the start, cancel with a reason, remind. */
import { z } from '../../contracts/zod'
import type { ActivityDetail, cancelInput, createInput, Place, updateInput } from '../../contracts/activities'
import { clock } from '../core/clock'
import { checkVisibleTexts } from '../core/content'
import { db } from '../core/db'
import { claimEventSlotsTx, planEventRoom, releaseEventSlots, releaseEventSlotsTx, retitleEventSlotsTx } from '../centers/events'
import { inTransaction } from '../centers/store'
import { AppError, conflict, invalid, notFound } from '../core/errors'
import type { Caller } from '../core/identity'
import { findById, getById, txGet } from '../core/records'
import { parseLocal } from '../core/time'
import { platform } from '../platform'
import { callerName, requireOrganiser } from './access'
import { ACTIVITIES, phaseOf, SIGNUPS, type ActivityDoc, type SignUpDoc, type StoredHistory } from './model'
import { notifyCancelled, notifyChanged, notifyReminder } from './notify'
import { activityDetailOf, getActivity, NO_STATS } from './queries'
import { ensurePlacesLeft, promoteWaiting } from './signups'
import { randomId } from './util'

type CreateInput = z.output<typeof createInput>
type UpdateInput = z.output<typeof updateInput>
type CancelInput = z.output<typeof cancelInput>

/** A room slot taken between the checks and the commit (a booking or another event won it). */
const SLOT_RACE = '该活动室此时段刚刚被预约，请选择其他时段'

/** The longest activity whose hours one record may carry (a long day of flood relief). */
const MAX_DURATION_MS = 24 * 3600_000

function instant(value: string | number, field: string): Date {
  const parsed = parseLocal(value)
  if (!parsed.isValid()) throw invalid(`时间格式有误：${field}`, [field])
  return parsed.toDate()
}

/** A geofence needs both coordinates and a radius; coordinates alone get a 200 m radius. */
function normalisePlace(place: Place): Place {
  if (place.radius !== undefined && !place.coordinates) throw invalid('设置签到范围需要活动地点的坐标', ['place.coordinates'])
  if (place.coordinates && place.radius === undefined) return { ...place, radius: 200 }
  return place
}

function checkTimes(start: Date, end: Date, deadline: Date, now: number, creating: boolean): void {
  if (+end <= +start) throw invalid('结束时间须晚于开始时间', ['end'])
  if (+end - +start > MAX_DURATION_MS) throw invalid('单次活动时长不能超过24小时，请分多次发布', ['end'])
  if (creating && +end <= now) throw invalid('活动结束时间已过', ['end'])
  if (+deadline > +start) throw invalid('报名截止时间不能晚于活动开始时间', ['signUpDeadline'])
}

async function checkText(caller: Caller, ...texts: (string | undefined)[]): Promise<void> {
  const content = texts.filter(Boolean).join('\n')
  if (!content) return
  const verdict = await platform().contentCheck.text(content, caller.openid)
  if (!verdict.ok) throw invalid(verdict.reason ?? '内容含有违规信息，请修改后再提交', ['title'])
}

/** A team may serve its own community's activities (or any district-wide one). */
async function checkTeam(teamId: string, communityId: string | null): Promise<{ _id: string; name: string }> {
  const team = await findById<{ _id: string; name: string; communityId: string; status: string }>('teams', teamId)
  if (!team || team.status === 'disbanded') throw notFound('队伍')
  if (communityId !== null && team.communityId !== communityId) throw invalid('只能指派本社区的队伍', ['teamId'])
  return team
}

type Named = { _id: string; name: string }
const namesOf = (...docs: (Named | null | undefined)[]) => new Map(docs.filter((d): d is Named => Boolean(d)).map((d) => [d._id, d.name]))

const entry = (caller: Caller, action: string, note?: string): StoredHistory => ({
  at: clock.date(),
  by: caller.openid,
  byName: callerName(caller),
  action,
  ...(note ? { note } : {})
})

export async function createActivity(caller: Caller, input: CreateInput): Promise<ActivityDetail> {
  let communityId: string | null = input.communityId ?? null
  let center: (Named & { communityId?: string }) | null = null
  if (input.centerId) {
    center = await findById<Named & { communityId?: string }>('centers', input.centerId)
    if (!center) throw notFound('邻里中心')
    if (communityId === null) communityId = center.communityId ?? null
    else if (center.communityId && center.communityId !== communityId) throw invalid('邻里中心不属于该社区', ['centerId'])
  }
  // Omitted: a staff member organises for their own community; a district admin for the district.
  if (communityId === null && !input.centerId && caller.roles.includes('staff') && caller.scopes.communityIds.length > 0)
    communityId = caller.scopes.communityIds[0]
  const community = communityId !== null ? await findById<Named>('communities', communityId) : null
  if (communityId !== null && !community) throw notFound('社区')
  requireOrganiser(caller, communityId)
  const now = clock.now()
  const start = instant(input.start, 'start')
  const end = instant(input.end, 'end')
  const deadline = input.signUpDeadline !== undefined ? instant(input.signUpDeadline, 'signUpDeadline') : start
  checkTimes(start, end, deadline, now, true)
  const place = normalisePlace(input.place)
  const team = input.teamId ? await checkTeam(input.teamId, communityId) : null
  await checkText(caller, input.title, input.description, place.name)
  const activityId = randomId('a', 9)
  // An event at a centre takes a room: its slots, checked like a booking's (server/centers/events.ts).
  const plan = input.centerId && input.roomId ? await planEventRoom(input.centerId, input.roomId, start, end, { activityId, title: input.title }) : null

  const doc: ActivityDoc = {
    _id: activityId,
    kind: input.kind,
    title: input.title,
    category: input.category,
    description: input.description,
    communityId,
    ...(input.centerId ? { centerId: input.centerId } : {}),
    ...(plan ? { roomId: plan.room._id, roomName: plan.room.name, slotIds: plan.slots.map((x) => x._id) } : {}),
    ...(input.teamId ? { teamId: input.teamId } : {}),
    start,
    end,
    signUpDeadline: deadline,
    place,
    capacity: input.capacity,
    audience: input.audience,
    status: 'published',
    confirmedCount: 0,
    placesLeft: input.capacity,
    waitingCount: 0,
    createdBy: caller.openid,
    createdByName: callerName(caller),
    createdAt: clock.date(),
    updatedAt: clock.date(),
    history: [entry(caller, '发布')]
  }
  if (plan) {
    // The activity and its room slots together, or nothing (a booking racing it for a slot: one wins).
    await inTransaction(async (tx) => {
      await claimEventSlotsTx(tx, plan, doc._id, [])
      await tx.collection(ACTIVITIES).add({ data: doc })
    }, SLOT_RACE)
  } else await db().collection(ACTIVITIES).add({ data: doc })
  // The detail from what was written and read above (nothing signed up or recorded yet).
  const names = { communities: namesOf(community), centers: namesOf(center), teams: namesOf(team) }
  return activityDetailOf(caller, { activity: doc, names, signUp: null, record: null }, NO_STATS)
}

/** Everyone signed up or waiting (openids), read page by page. */
export async function activeParticipants(activityId: string): Promise<string[]> {
  const _ = db().command
  const openids: string[] = []
  for (let skip = 0; ; skip += 1000) {
    const res = await db()
      .collection(SIGNUPS)
      .where({ activityId, status: _.in(['confirmed', 'waiting']) })
      .field({ openid: true })
      .orderBy('_id', 'asc')
      .skip(skip)
      .limit(1000)
      .get()
    openids.push(...(res.data as SignUpDoc[]).map((s) => s.openid))
    if (res.data.length < 1000) return openids
  }
}

export async function updateActivity(caller: Caller, input: UpdateInput): Promise<ActivityDetail> {
  const current = await getById<ActivityDoc>(ACTIVITIES, input.activityId, '活动')
  requireOrganiser(caller, current.communityId)
  const now = clock.now()
  const phase = phaseOf(current, now)
  if (phase === 'cancelled') throw conflict('活动已取消，不能修改')
  if (phase === 'ongoing' || phase === 'ended') throw conflict('活动已开始，不能修改')

  const start = input.start !== undefined ? instant(input.start, 'start') : current.start
  const end = input.end !== undefined ? instant(input.end, 'end') : current.end
  const deadline =
    input.signUpDeadline !== undefined ? instant(input.signUpDeadline, 'signUpDeadline') : input.start !== undefined && +current.signUpDeadline > +start ? start : current.signUpDeadline
  checkTimes(start, end, deadline, now, false)
  if (+start <= now && +start !== +current.start) throw invalid('开始时间已过', ['start'])
  const place = input.place ? normalisePlace(input.place) : current.place
  if (input.teamId) await checkTeam(input.teamId, current.communityId)
  await checkText(caller, input.title, input.description, input.place?.name, input.note)
  // A centre event's room slots follow its time, room and title (claimed and freed in the transaction below).
  if (input.roomId && !current.centerId) throw invalid('该活动不在邻里中心，不能选择活动室', ['roomId'])
  const roomId = input.roomId ?? current.roomId
  const title = input.title ?? current.title
  // Only a change of time or room re-plans the slots (and re-runs the room's checks); a new title
  // alone is written onto the slots the event holds (in the transaction below).
  const moving = Boolean(roomId) && (roomId !== current.roomId || +start !== +current.start || +end !== +current.end)
  const plan = moving && roomId && current.centerId ? await planEventRoom(current.centerId, roomId, start, end, { activityId: current._id, title }) : null
  const retitling = !plan && input.title !== undefined && input.title !== current.title && Boolean(current.slotIds?.length)

  const _ = db().command
  // Only what the input changes: fields copied from `current` (read before the transaction) would
  // write a stale time back over an edit that committed meanwhile.
  const changes: Record<string, unknown> = { updatedAt: clock.date() }
  if (input.start !== undefined) changes.start = start
  if (input.end !== undefined) changes.end = end
  if (input.signUpDeadline !== undefined || (input.start !== undefined && +deadline !== +current.signUpDeadline)) changes.signUpDeadline = deadline
  if (input.place !== undefined) changes.place = place
  if (input.title !== undefined) changes.title = input.title
  if (input.category !== undefined) changes.category = input.category
  if (input.description !== undefined) changes.description = input.description
  if (input.audience !== undefined) changes.audience = input.audience
  if (input.teamId !== undefined) changes.teamId = input.teamId === null ? _.remove() : input.teamId
  const timeOrPlaceChanged =
    +start !== +current.start || +end !== +current.end || JSON.stringify(place) !== JSON.stringify(current.place) || (plan !== null && plan.room._id !== current.roomId)
  // Decided from `current`: the time checks, the deadline and the slot plan. Inside the
  // transaction the activity must still be as they were made from, or the edit is refused.
  const timeDecided = plan !== null || input.start !== undefined || input.end !== undefined || input.signUpDeadline !== undefined || input.roomId !== undefined

  const note = input.note || (timeOrPlaceChanged ? '时间或地点有变更' : undefined)
  if (plan || retitling) await updateWithSlots(caller, current, changes, { plan, retitling, title, timeDecided, capacity: input.capacity, note })
  else await updateGuarded(caller, current, changes, { timeDecided, capacity: input.capacity, note })

  if (input.capacity !== undefined && input.capacity > current.capacity) await promoteWaiting(current._id)
  const detail = await getActivity(caller, current._id)
  if (timeOrPlaceChanged) {
    const updated = { ...current, ...detailTimes(detail) }
    await notifyChanged(updated, await activeParticipants(current._id), input.note || '时间或地点有变更，请留意')
  }
  return detail
}

/** What a change notice shows, from the detail just read (no second read of the activity). */
const detailTimes = (detail: ActivityDetail): Pick<ActivityDoc, 'title' | 'start' | 'place'> => ({ title: detail.title, start: new Date(detail.start), place: detail.place })

interface EditPlan {
  timeDecided: boolean
  capacity?: number
  note?: string
}

/**
 * An edit without room slots: one update whose filter is the decision (no transaction) — still
 * published, the times as they were decided from (when the edit decided on them), the capacity as
 * read and never below the confirmed count. `placesLeft` moves by the capacity's change, atomically
 * beside the sign-ups' own guarded updates of it. Refused by the filter: read once to say why.
 */
async function updateGuarded(caller: Caller, current: ActivityDoc, changes: Record<string, unknown>, edit: EditPlan): Promise<void> {
  const _ = db().command
  if (current.placesLeft === undefined) await ensurePlacesLeft(current)
  let seen = current
  for (let round = 0; round < 5; round++) {
    const where: Record<string, unknown> = { _id: current._id, status: 'published', capacity: seen.capacity }
    if (edit.timeDecided) Object.assign(where, { start: current.start, end: current.end, signUpDeadline: current.signUpDeadline })
    const data: Record<string, unknown> = { ...changes, history: _.push([entry(caller, '修改', edit.note)]) }
    if (edit.capacity !== undefined) {
      where.confirmedCount = _.lte(edit.capacity)
      data.capacity = edit.capacity
      if (edit.capacity !== seen.capacity) data.placesLeft = _.inc(edit.capacity - seen.capacity)
    }
    const res = await db().collection(ACTIVITIES).where(where).update({ data })
    if (res.stats.updated > 0) return
    const fresh = await findById<ActivityDoc>(ACTIVITIES, current._id)
    if (!fresh || fresh.status !== 'published') throw conflict('活动已取消，不能修改')
    const moved = +fresh.start !== +current.start || +fresh.end !== +current.end || +fresh.signUpDeadline !== +current.signUpDeadline
    if (edit.timeDecided && moved) throw conflict('活动刚被他人修改，请刷新后重试')
    if (edit.capacity !== undefined && edit.capacity < fresh.confirmedCount)
      throw new AppError('CONFLICT', `名额不能少于已报名人数（${fresh.confirmedCount}人）`, ['capacity'])
    if (fresh.placesLeft === undefined) await ensurePlacesLeft(fresh)
    seen = fresh
  }
  throw conflict('操作的人较多，请稍后重试')
}

/**
 * An edit of a centre event's time, room or title: its room slots change with it, so the activity
 * and the slots are written in one transaction (a booking racing it for a slot: one wins). Capacity
 * is checked against the confirmed count inside it: sign-ups (which write the counters) run in
 * parallel, and one of the two runs again.
 */
async function updateWithSlots(
  caller: Caller,
  current: ActivityDoc,
  changes: Record<string, unknown>,
  edit: EditPlan & { plan: Awaited<ReturnType<typeof planEventRoom>> | null; retitling: boolean; title: string }
): Promise<void> {
  const { plan } = edit
  await inTransaction(async (tx) => {
    const fresh = await txGet<ActivityDoc>(tx, ACTIVITIES, current._id)
    if (!fresh || fresh.status !== 'published') throw conflict('活动已取消，不能修改')
    const stale =
      +fresh.start !== +current.start ||
      +fresh.end !== +current.end ||
      (fresh.roomId ?? null) !== (current.roomId ?? null) ||
      +fresh.signUpDeadline !== +current.signUpDeadline ||
      (plan !== null && +fresh.updatedAt !== +current.updatedAt)
    if (edit.timeDecided && stale) throw conflict('活动刚被他人修改，请刷新后重试')
    const data: Record<string, unknown> = { ...changes }
    if (plan) Object.assign(data, { roomId: plan.room._id, roomName: plan.room.name, slotIds: await claimEventSlotsTx(tx, plan, current._id, fresh.slotIds ?? []) })
    else if (edit.retitling) await retitleEventSlotsTx(tx, current._id, fresh.slotIds ?? [], edit.title)
    if (edit.capacity !== undefined) {
      if (edit.capacity < fresh.confirmedCount) throw new AppError('CONFLICT', `名额不能少于已报名人数（${fresh.confirmedCount}人）`, ['capacity'])
      data.capacity = edit.capacity
    }
    // Kept with the counters (signups.ts): what is left of the new capacity.
    data.placesLeft = (edit.capacity ?? fresh.capacity) - fresh.confirmedCount
    data.history = [...(fresh.history ?? []), entry(caller, '修改', edit.note)]
    await tx.collection(ACTIVITIES).doc(current._id).update({ data })
  }, plan ? SLOT_RACE : '操作的人较多，请稍后重试', { rounds: 12 })
}

export async function cancelActivity(caller: Caller, input: CancelInput): Promise<{ notified: number }> {
  const activity = await getById<ActivityDoc>(ACTIVITIES, input.activityId, '活动')
  requireOrganiser(caller, activity.communityId)
  // The reason is pushed to everyone signed up.
  await checkVisibleTexts(caller.openid, [['reason', input.reason]])
  const phase = phaseOf(activity, clock.now())
  if (phase === 'cancelled') {
    // A cancel interrupted before its room slots were freed is finished by the next attempt.
    if (activity.slotIds?.length) await releaseEventSlots(activity._id, activity.slotIds)
    throw conflict('活动已取消')
  }
  if (phase === 'ended') throw conflict('活动已结束，不能取消')
  const _ = db().command
  if (activity.slotIds?.length) await cancelWithSlots(caller, activity, input.reason)
  else {
    // No room slots: one update whose filter is the decision (still published, not yet ended).
    const res = await db()
      .collection(ACTIVITIES)
      .where({ _id: activity._id, status: 'published', end: _.gt(clock.date()), slotIds: activity.slotIds ? _.size(0) : _.exists(false) })
      .update({ data: { ...cancelledFields(input.reason), history: _.push([entry(caller, '取消', input.reason)]) } })
    if (res.stats.updated === 0) {
      const fresh = await findById<ActivityDoc>(ACTIVITIES, activity._id)
      if (!fresh || fresh.status !== 'published') throw conflict('活动已取消')
      if (phaseOf(fresh, clock.now()) === 'ended') throw conflict('活动已结束，不能取消')
      // It took room slots meanwhile.
      await cancelWithSlots(caller, fresh, input.reason)
    }
  }
  const openids = await activeParticipants(activity._id)
  await db()
    .collection(SIGNUPS)
    .where({ activityId: activity._id, status: _.in(['confirmed', 'waiting']) })
    .update({
      data: {
        status: 'cancelled',
        updatedAt: clock.date(),
        history: _.push([{ at: clock.date(), by: caller.openid, byName: callerName(caller), action: '活动取消', note: input.reason }])
      }
    })
  const notified = await notifyCancelled({ ...activity, status: 'cancelled' }, openids, input.reason)
  return { notified }
}

const cancelledFields = (reason: string) => ({ status: 'cancelled', cancelReason: reason, cancelledAt: clock.date(), updatedAt: clock.date() })

/**
 * The status and the freeing of its room slots in one transaction: a cancel cut short never
 * leaves slots held by a cancelled event. Retry-safe: all read through `tx`.
 */
async function cancelWithSlots(caller: Caller, activity: ActivityDoc, reason: string): Promise<void> {
  await inTransaction(async (tx) => {
    const fresh = await txGet<ActivityDoc>(tx, ACTIVITIES, activity._id)
    if (!fresh || fresh.status !== 'published') throw conflict('活动已取消')
    if (phaseOf(fresh, clock.now()) === 'ended') throw conflict('活动已结束，不能取消')
    await tx
      .collection(ACTIVITIES)
      .doc(activity._id)
      .update({ data: { ...cancelledFields(reason), history: [...(fresh.history ?? []), entry(caller, '取消', reason)] } })
    await releaseEventSlotsTx(tx, activity._id, fresh.slotIds ?? [])
  }, '操作的人较多，请稍后重试', { rounds: 12 })
}

/** The organiser reminds everyone confirmed, once per activity, before it starts. */
export async function remindParticipants(caller: Caller, activityId: string): Promise<{ sent: number; already: boolean }> {
  const activity = await getById<ActivityDoc>(ACTIVITIES, activityId, '活动')
  requireOrganiser(caller, activity.communityId)
  const phase = phaseOf(activity, clock.now())
  if (phase === 'cancelled' || phase === 'ongoing' || phase === 'ended') throw conflict('活动已开始或已取消，无需提醒')
  const _ = db().command
  const res = await db()
    .collection(ACTIVITIES)
    .where({ _id: activityId, remindedAt: _.exists(false) })
    .update({ data: { remindedAt: clock.date(), history: _.push([entry(caller, '发送提醒')]) } })
  if (res.stats.updated === 0) return { sent: 0, already: true }
  const confirmed: string[] = []
  for (let skip = 0; ; skip += 1000) {
    const page = await db()
      .collection(SIGNUPS)
      .where({ activityId, status: 'confirmed' })
      .field({ openid: true })
      .orderBy('_id', 'asc')
      .skip(skip)
      .limit(1000)
      .get()
    confirmed.push(...(page.data as SignUpDoc[]).map((s) => s.openid))
    if (page.data.length < 1000) break
  }
  return { sent: await notifyReminder(activity, confirmed), already: false }
}
