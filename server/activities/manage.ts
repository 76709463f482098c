/** Organisers keep activities: create, edit until the start, cancel with a reason, remind. */
import { z } from '../../contracts/zod'
import type { ActivityDetail, cancelInput, createInput, Place, updateInput } from '../../contracts/activities'
import { clock } from '../core/clock'
import { checkVisibleTexts } from '../core/content'
import { db } from '../core/db'
import {
  blackoutsComplete,
  blackoutsPart,
  claimEventSlots,
  EDITED_MEANWHILE,
  planEventRoom,
  releaseEventSlots,
  retitleEventSlots,
  type EventRoomDocs,
  type EventRoomPlan
} from '../centers/events'
import { COLL as CENTER_COLL, type BlackoutDoc, type CenterDoc, type RoomDoc } from '../centers/model'
import { inTransaction } from '../centers/store'
import { AppError, conflict, invalid, notFound } from '../core/errors'
import type { FirstReadContext } from '../core/function'
import type { Caller } from '../core/identity'
import { namesOf } from '../core/names'
import { findById, txGet } from '../core/records'
import { parseLocal } from '../core/time'
import type { Part } from '../core/together'
import { platform } from '../platform'
import { byIdPart, callerName, requireOrganiser } from './access'
import { ACTIVITIES, phaseOf, RECORDS, recordId, SIGNUPS, signUpId, type ActivityDoc, type RecordDoc, type SignUpDoc, type StoredHistory } from './model'
import { notifyCancelled, notifyReminder, queueChanged } from './notify'
import { activityDetailOf, getActivity, NO_STATS } from './queries'
import { ensurePlacesLeft, promoteWaiting } from './signups'
import { randomId } from './util'

type CreateInput = z.output<typeof createInput>
type UpdateInput = z.output<typeof updateInput>
type CancelInput = z.output<typeof cancelInput>
type Doc = Record<string, any>

/** The longest activity whose hours one record may carry (a long day of flood relief). */
const MAX_DURATION_MS = 24 * 3600_000

/** Participants read per page (signed up or waiting). */
const PARTICIPANTS_PAGE = 1000

function instant(value: string | number, field: string): Date {
  const parsed = parseLocal(value)
  if (!parsed.isValid()) throw invalid(`时间格式有误：${field}`, [field])
  return parsed.toDate()
}

/** A time read before the caller is known (for a part of the first read): null when it does not parse (refused after the read). */
function instantOrNull(value: string | number | undefined): Date | null {
  if (value === undefined) return null
  const parsed = parseLocal(value)
  return parsed.isValid() ? parsed.toDate() : null
}

/** The blackouts part of a first read, when the times are known from the input (else the plan reads them itself). */
function blackoutsPartOf(roomId: string | undefined, start: string | number | undefined, end: string | number | undefined): Record<string, Part> {
  const from = instantOrNull(start)
  const to = instantOrNull(end)
  return from && to && +to > +from ? { blackouts: blackoutsPart(roomId, from, to) } : {}
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

type TeamDoc = { _id: string; name: string; communityId: string; status: string }

/** A team may serve its own community's activities (or any district-wide one); `team` as read with the caller. */
function checkTeam(team: TeamDoc | undefined, communityId: string | null): TeamDoc {
  if (!team || team.status === 'disbanded') throw notFound('队伍')
  if (communityId !== null && team.communityId !== communityId) throw invalid('只能指派本社区的队伍', ['teamId'])
  return team
}

type Named = { _id: string; name: string }
const namesOfDocs = (...docs: (Named | null | undefined)[]) => new Map(docs.filter((d): d is Named => Boolean(d)).map((d) => [d._id, d.name]))

/** The openids of an activity's sign-ups in `statuses`, first page: a part of a combined read. */
function participantsPart(activityId: string, statuses: readonly string[]): Part {
  const _ = db().command
  return {
    collection: SIGNUPS,
    build: (p) =>
      p
        .match({ activityId, status: _.in([...statuses]) })
        .sort({ _id: 1 })
        .project({ openid: true })
        .limit(PARTICIPANTS_PAGE)
  }
}

/** The openids of an activity's sign-ups in `statuses` from `skip` on, read page by page. */
async function participants(activityId: string, statuses: readonly string[], skip = 0): Promise<string[]> {
  const _ = db().command
  const openids: string[] = []
  for (; ; skip += PARTICIPANTS_PAGE) {
    const res = await db()
      .collection(SIGNUPS)
      .where({ activityId, status: _.in([...statuses]) })
      .field({ openid: true })
      .orderBy('_id', 'asc')
      .skip(skip)
      .limit(PARTICIPANTS_PAGE)
      .get()
    openids.push(...(res.data as SignUpDoc[]).map((s) => s.openid))
    if (res.data.length < PARTICIPANTS_PAGE) return openids
  }
}

/** A first page read with the caller, completed when it was full. */
async function allParticipants(activityId: string, statuses: readonly string[], firstPage: Doc[]): Promise<string[]> {
  const openids = firstPage.map((s) => s.openid as string)
  if (firstPage.length < PARTICIPANTS_PAGE) return openids
  return [...openids, ...(await participants(activityId, statuses, PARTICIPANTS_PAGE))]
}

const ACTIVE = ['confirmed', 'waiting'] as const

/** Everyone signed up or waiting (openids), read page by page. */
export function activeParticipants(activityId: string): Promise<string[]> {
  return participants(activityId, ACTIVE)
}

const entry = (caller: Caller, action: string, note?: string): StoredHistory => ({
  at: clock.date(),
  by: caller.openid,
  byName: callerName(caller),
  action,
  ...(note ? { note } : {})
})

/**
 * Creating: the caller, the centre (with its community), the named community and the team — for
 * an event at a centre also its room and the blackouts of its time — in one read
 * (`withFirstRead`); a community found otherwise (the staff's own) by name (remembered); then one
 * add — for an event at a centre after its room slots (one unique add each: `addEventWithSlots`).
 */
export async function createActivity(ctx: FirstReadContext, input: CreateInput): Promise<ActivityDetail> {
  const parts: Record<string, Part> = {}
  if (input.centerId) {
    const centerId = input.centerId
    parts.center = {
      collection: 'centers',
      build: (p) => p.match({ _id: centerId }).limit(1).lookup({ from: 'communities', localField: 'communityId', foreignField: '_id', as: 'joinedCommunity' })
    }
  }
  if (input.communityId) parts.community = byIdPart('communities', input.communityId)
  if (input.teamId) parts.team = byIdPart('teams', input.teamId)
  if (input.centerId && input.roomId) Object.assign(parts, { room: byIdPart(CENTER_COLL.rooms, input.roomId) }, blackoutsPartOf(input.roomId, input.start, input.end))
  const { caller, docs } = await ctx.readWithCaller(parts)
  let communityId: string | null = input.communityId ?? null
  let center: (CenterDoc & { joinedCommunity?: Named[] }) | null = null
  if (input.centerId) {
    center = (docs.center?.[0] as (CenterDoc & { joinedCommunity?: Named[] }) | undefined) ?? null
    if (!center) throw notFound('邻里中心')
    if (communityId === null) communityId = center.communityId ?? null
    else if (center.communityId && center.communityId !== communityId) throw invalid('邻里中心不属于该社区', ['centerId'])
  }
  // Omitted: a staff member organises for their own community; a district admin for the district.
  if (communityId === null && !input.centerId && caller.roles.includes('staff') && caller.scopes.communityIds.length > 0)
    communityId = caller.scopes.communityIds[0]
  let community: Named | null = null
  if (communityId !== null && communityId === input.communityId) community = (docs.community?.[0] as Named | undefined) ?? null
  else if (communityId !== null && center && communityId === center.communityId) community = center.joinedCommunity?.find((c) => c._id === communityId) ?? null
  else if (communityId !== null) {
    const name = (await namesOf([{ collection: 'communities', id: communityId }])).get(`communities/${communityId}`)
    community = name ? { _id: communityId, name } : null
  }
  if (communityId !== null && !community) throw notFound('社区')
  requireOrganiser(caller, communityId)
  const now = clock.now()
  const start = instant(input.start, 'start')
  const end = instant(input.end, 'end')
  const deadline = input.signUpDeadline !== undefined ? instant(input.signUpDeadline, 'signUpDeadline') : start
  checkTimes(start, end, deadline, now, true)
  const place = normalisePlace(input.place)
  const team = input.teamId ? checkTeam(docs.team?.[0] as TeamDoc | undefined, communityId) : null
  await checkText(caller, input.title, input.description, place.name)
  const activityId = randomId('a', 9)
  // An event at a centre takes a room: its slots, checked like a booking's (server/centers/events.ts).
  // The room and the blackouts came with the first read (when the times parsed there).
  const { joinedCommunity: _joined, ...centerDoc } = center ?? {}
  const known: EventRoomDocs | undefined = docs.blackouts
    ? { room: docs.room?.[0] as RoomDoc | undefined, center: center ? (centerDoc as CenterDoc) : undefined, blackouts: docs.blackouts as BlackoutDoc[] }
    : undefined
  const plan = input.centerId && input.roomId ? await planEventRoom(input.centerId, input.roomId, start, end, { activityId, title: input.title }, known) : null

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
  if (plan) await addEventWithSlots(doc, plan)
  else await db().collection(ACTIVITIES).add({ data: doc })
  // The detail from what was written and read above (nothing signed up or recorded yet).
  const names = { communities: namesOfDocs(community), centers: namesOfDocs(center), teams: namesOfDocs(team) }
  return activityDetailOf(caller, { activity: doc, names, signUp: null, record: null }, NO_STATS)
}

/**
 * A new event and its room slots, all or nothing, without a transaction (like a booking, book.ts):
 * the slots are claimed first by unique adds (`claimEventSlots`: a booking or another event racing
 * for one, exactly one wins on the `_id`; a lost slot gives back the others and says which is
 * taken), then the activity is added; a failed add gives the slots back. Cut short between the
 * two, the slots are held by an activity that never came: never one too few (no double booking),
 * and their `at` lets a booking take them over after a minute (book.ts `claimSlots`).
 */
async function addEventWithSlots(doc: ActivityDoc, plan: EventRoomPlan): Promise<void> {
  const at = clock.date()
  await claimEventSlots(
    plan.slots.map((slot) => ({ ...slot, at })),
    doc._id
  )
  try {
    await db().collection(ACTIVITIES).add({ data: doc })
  } catch (error) {
    // A write that failed on the way back may have been stored: only an activity that is not gives back.
    const stored = await findById<ActivityDoc>(ACTIVITIES, doc._id).then(Boolean, () => true)
    if (!stored) await releaseEventSlots(doc._id, plan.slots.map((x) => x._id))
    throw error
  }
}

/** The organiser's figures of an activity not yet started, as parts of the first read (one per kind). */
function statsParts(activityId: string): Record<string, Part> {
  const _ = db().command
  const $ = _.aggregate
  return {
    recordStats: { collection: RECORDS, build: (p) => p.match({ activityId }).group({ _id: { source: '$source', status: '$status' }, n: $.sum(1) }) },
    checkedIn: { collection: SIGNUPS, build: (p) => p.match({ activityId, checkedInAt: _.exists(true) }).count('n') },
    checkedOut: { collection: SIGNUPS, build: (p) => p.match({ activityId, checkedOutAt: _.exists(true) }).count('n') }
  }
}

/** The figures `activities.get` shows the organiser (queries.ts activityStats), from `statsParts`. */
function statsOf(activity: ActivityDoc, docs: Record<string, Doc[]>): ActivityDetail['stats'] {
  if (activity.kind === 'volunteer') {
    const rows = (docs.recordStats ?? []) as { _id: { source: string; status: string }; n: number }[]
    const sum = (keep: (k: { source: string; status: string }) => boolean) => rows.filter((r) => keep(r._id)).reduce((t, r) => t + r.n, 0)
    const checkedIn = sum((k) => k.source === 'checkin')
    const open = sum((k) => k.status === 'open')
    return { checkedIn, checkedOut: checkedIn - open, pendingRecords: sum((k) => k.status === 'pending'), openRecords: open }
  }
  const checkedIn = (docs.checkedIn?.[0]?.n as number | undefined) ?? 0
  const checkedOut = (docs.checkedOut?.[0]?.n as number | undefined) ?? 0
  return { checkedIn, checkedOut, pendingRecords: 0, openRecords: checkedIn - checkedOut }
}

/**
 * Editing, before the start. The first read brings the caller, the activity, the team named, the
 * caller's own sign-up and record and the organiser's figures (`withFirstRead`); the reply is built
 * from it and from what was written (nothing re-read), unless waiting people were promoted into a
 * larger capacity. A change of time or place is told to everyone signed up or waiting, read after
 * the edit (so nobody who signs up meanwhile is missed) and queued (server/notify/queue.ts).
 */
export async function updateActivity(ctx: FirstReadContext, input: UpdateInput): Promise<ActivityDetail> {
  const openid = ctx.openid
  // The activity with the names its detail shows and, for an event that may move, its centre and
  // room (the room named by the input instead, and the blackouts of the new time when the input
  // gives it): everything the slot plan checks comes with the first read.
  const mayMove = input.start !== undefined || input.end !== undefined || input.roomId !== undefined
  const parts: Record<string, Part> = {
    activity: {
      collection: ACTIVITIES,
      build: (p) => {
        let q = p
          .match({ _id: input.activityId })
          .limit(1)
          .lookup({ from: 'communities', localField: 'communityId', foreignField: '_id', as: 'joinedCommunity' })
          .lookup({ from: 'centers', localField: 'centerId', foreignField: '_id', as: 'joinedCenter' })
        if (!input.teamId) q = q.lookup({ from: 'teams', localField: 'teamId', foreignField: '_id', as: 'joinedTeam' })
        if (mayMove && !input.roomId) q = q.lookup({ from: CENTER_COLL.rooms, localField: 'roomId', foreignField: '_id', as: 'joinedRoom' })
        return q
      }
    },
    signUp: byIdPart(SIGNUPS, signUpId(input.activityId, openid)),
    record: byIdPart(RECORDS, recordId(input.activityId, openid)),
    ...statsParts(input.activityId)
  }
  if (input.teamId) parts.team = byIdPart('teams', input.teamId)
  if (input.roomId) parts.room = byIdPart(CENTER_COLL.rooms, input.roomId)
  if (input.start !== undefined && input.end !== undefined) Object.assign(parts, blackoutsPartOf(input.roomId, input.start, input.end))
  const { caller, docs } = await ctx.readWithCaller(parts)
  const row = docs.activity[0] as (ActivityDoc & Joined) | undefined
  if (!row) throw notFound('活动')
  const { joinedCommunity = [], joinedCenter = [], joinedTeam = [], joinedRoom = [], ...currentDoc } = row
  const current = currentDoc as ActivityDoc
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
  if (input.teamId) checkTeam(docs.team?.[0] as TeamDoc | undefined, current.communityId)
  await checkText(caller, input.title, input.description, input.place?.name, input.note)
  // A centre event's room slots follow its time, room and title (claimed and freed below).
  if (input.roomId && !current.centerId) throw invalid('该活动不在邻里中心，不能选择活动室', ['roomId'])
  const roomId = input.roomId ?? current.roomId
  const title = input.title ?? current.title
  // Only a change of time or room re-plans the slots (and re-runs the room's checks); a new title
  // alone is written onto the slots the event holds (below).
  const moving = Boolean(roomId) && (roomId !== current.roomId || +start !== +current.start || +end !== +current.end)
  let plan: EventRoomPlan | null = null
  if (moving && roomId && current.centerId) {
    const room = (input.roomId ? docs.room?.[0] : joinedRoom[0]) as RoomDoc | undefined
    const blackouts = docs.blackouts as BlackoutDoc[] | undefined
    // Read with the caller when the input gave the times (else, or on a full page of other rooms' blackouts, read here).
    const known = room && blackouts && blackoutsComplete(input.roomId, roomId, blackouts) ? { room, center: joinedCenter[0] as CenterDoc | undefined, blackouts } : undefined
    plan = await planEventRoom(current.centerId, roomId, start, end, { activityId: current._id, title }, known)
  }
  const retitling = !plan && input.title !== undefined && input.title !== current.title && Boolean(current.slotIds?.length)

  // Only what the input changes: fields copied from `current` (read before the write) would
  // write a stale time back over an edit that committed meanwhile. `set` holds the plain values
  // (for the reply); `unset` the fields removed.
  const set: Record<string, unknown> = { updatedAt: clock.date() }
  const unset: string[] = []
  if (input.start !== undefined) set.start = start
  if (input.end !== undefined) set.end = end
  if (input.signUpDeadline !== undefined || (input.start !== undefined && +deadline !== +current.signUpDeadline)) set.signUpDeadline = deadline
  if (input.place !== undefined) set.place = place
  if (input.title !== undefined) set.title = input.title
  if (input.category !== undefined) set.category = input.category
  if (input.description !== undefined) set.description = input.description
  if (input.audience !== undefined) set.audience = input.audience
  if (input.teamId !== undefined) {
    if (input.teamId === null) unset.push('teamId')
    else set.teamId = input.teamId
  }
  const timeOrPlaceChanged =
    +start !== +current.start || +end !== +current.end || JSON.stringify(place) !== JSON.stringify(current.place) || (plan !== null && plan.room._id !== current.roomId)
  // Decided from `current`: the time checks, the deadline and the slot plan. When written the
  // activity must still be as they were made from, or the edit is refused.
  const timeDecided = plan !== null || input.start !== undefined || input.end !== undefined || input.signUpDeadline !== undefined || input.roomId !== undefined

  const note = input.note || (timeOrPlaceChanged ? '时间或地点有变更' : undefined)
  const edit = { set, unset, timeDecided, capacity: input.capacity, note }
  const written = plan ? await moveEvent(caller, current, edit, plan, title) : await updateGuarded(caller, current, edit)
  // The slots follow the new title once the activity carries it (a slot's title is only what availability shows).
  if (retitling) await retitleEventSlots(current._id, current.slotIds ?? [], title)

  const promoted = input.capacity !== undefined && input.capacity > current.capacity ? await promoteWaiting(current._id) : 0
  if (timeOrPlaceChanged) await queueChanged(written, await activeParticipants(current._id), input.note || '时间或地点有变更，请留意')
  const signUp = (docs.signUp[0] as SignUpDoc | undefined) ?? null
  // Promoted into the larger capacity: the counters moved by as many (known); the caller's own
  // waiting sign-up may have moved too (then read as `get` does).
  if (promoted > 0 && signUp?.status === 'waiting') return getActivity(caller, current._id)
  if (promoted > 0)
    Object.assign(written, {
      confirmedCount: written.confirmedCount + promoted,
      waitingCount: Math.max(0, written.waitingCount - promoted),
      ...(written.placesLeft !== undefined ? { placesLeft: written.placesLeft - promoted } : {})
    })
  // The names as read with the activity (a team the edit names: read with it too).
  const team = input.teamId ? (docs.team?.[0] as Named | undefined) : input.teamId === null ? undefined : (joinedTeam[0] as Named | undefined)
  const names = { communities: namesOfDocs(joinedCommunity[0] as Named | undefined), centers: namesOfDocs(joinedCenter[0] as Named | undefined), teams: namesOfDocs(team) }
  const view = { activity: written, names, signUp, record: (docs.record[0] as RecordDoc | undefined) ?? null }
  return activityDetailOf(caller, view, statsOf(written, docs))
}

/** What the update's first read joins onto the activity. */
type Joined = { joinedCommunity?: Doc[]; joinedCenter?: Doc[]; joinedTeam?: Doc[]; joinedRoom?: Doc[] }

interface EditPlan {
  set: Record<string, unknown>
  unset: string[]
  timeDecided: boolean
  capacity?: number
  note?: string
  /** A move: the room and `updatedAt` as read are part of the filter too (the slot plan was made from them). */
  moving?: boolean
}

/** The activity as an edit leaves it: `base` with the edit's values, without the fields it removes. */
function edited(base: ActivityDoc, values: Record<string, unknown>, unset: string[]): ActivityDoc {
  const out = { ...base, ...values } as Record<string, unknown>
  for (const field of unset) delete out[field]
  return out as unknown as ActivityDoc
}

/**
 * An edit without room slots: one update whose filter is the decision (no transaction) — still
 * published, the times as they were decided from (when the edit decided on them), the capacity as
 * read and never below the confirmed count. `placesLeft` moves by the capacity's change, atomically
 * beside the sign-ups' own guarded updates of it. Refused by the filter: read once to say why.
 * Returns the activity as written (from the last read and the edit; nothing re-read).
 */
async function updateGuarded(caller: Caller, current: ActivityDoc, edit: EditPlan): Promise<ActivityDoc> {
  const _ = db().command
  if (current.placesLeft === undefined) await ensurePlacesLeft(current)
  let seen = current
  for (let round = 0; round < 5; round++) {
    const where: Record<string, unknown> = { _id: current._id, status: 'published', capacity: seen.capacity }
    if (edit.timeDecided) Object.assign(where, { start: current.start, end: current.end, signUpDeadline: current.signUpDeadline })
    if (edit.moving) Object.assign(where, { roomId: current.roomId ?? _.exists(false), updatedAt: current.updatedAt })
    const note = entry(caller, '修改', edit.note)
    const data: Record<string, unknown> = { ...edit.set, history: _.push([note]) }
    for (const field of edit.unset) data[field] = _.remove()
    const values: Record<string, unknown> = { ...edit.set, history: [...(seen.history ?? []), note] }
    if (edit.capacity !== undefined) {
      where.confirmedCount = _.lte(edit.capacity)
      data.capacity = values.capacity = edit.capacity
      if (edit.capacity !== seen.capacity) {
        data.placesLeft = _.inc(edit.capacity - seen.capacity)
        values.placesLeft = (seen.placesLeft ?? seen.capacity - seen.confirmedCount) + edit.capacity - seen.capacity
      }
    }
    const res = await db().collection(ACTIVITIES).where(where).update({ data })
    if (res.stats.updated > 0) return edited(seen, values, edit.unset)
    const fresh = await findById<ActivityDoc>(ACTIVITIES, current._id)
    if (!fresh || fresh.status !== 'published') throw conflict('活动已取消，不能修改')
    const moved = +fresh.start !== +current.start || +fresh.end !== +current.end || +fresh.signUpDeadline !== +current.signUpDeadline
    if (edit.timeDecided && moved) throw conflict(EDITED_MEANWHILE)
    if (edit.moving && ((fresh.roomId ?? null) !== (current.roomId ?? null) || +fresh.updatedAt !== +current.updatedAt)) throw conflict(EDITED_MEANWHILE)
    if (edit.capacity !== undefined && edit.capacity < fresh.confirmedCount)
      throw new AppError('CONFLICT', `名额不能少于已报名人数（${fresh.confirmedCount}人）`, ['capacity'])
    if (fresh.placesLeft === undefined) await ensurePlacesLeft(fresh)
    seen = fresh
  }
  throw conflict('操作的人较多，请稍后重试')
}

/**
 * A move of a centre event (time or room), without a transaction, like a booking: the new slots
 * are claimed first (unique adds: a booking or another event racing for one, one wins), then the
 * activity is written by `updateGuarded` with the room and `updatedAt` the plan was made from in
 * its filter (a refusal gives the new slots back), then the slots left behind are freed. Cut short
 * anywhere, a slot can only stay held one too many, never one too few (no double booking).
 */
async function moveEvent(caller: Caller, current: ActivityDoc, edit: EditPlan, plan: EventRoomPlan, title: string): Promise<ActivityDoc> {
  const held = current.slotIds ?? []
  const wanted = plan.slots.map((x) => x._id)
  const added = plan.slots.filter((x) => !held.includes(x._id))
  await claimEventSlots(added, current._id)
  let written: ActivityDoc
  try {
    written = await updateGuarded(caller, current, {
      ...edit,
      set: { ...edit.set, roomId: plan.room._id, roomName: plan.room.name, slotIds: wanted },
      timeDecided: true,
      moving: true
    })
  } catch (error) {
    await releaseEventSlots(current._id, added.map((x) => x._id))
    throw error
  }
  const kept = wanted.filter((id) => held.includes(id))
  await Promise.all([
    releaseEventSlots(
      current._id,
      held.filter((id) => !wanted.includes(id))
    ),
    title !== current.title ? retitleEventSlots(current._id, kept, title) : undefined
  ])
  return written
}

/**
 * Cancelling: the caller, the activity and the first page of everyone signed up or waiting in one
 * read; the status by one update whose filter is the decision (an event: with its room slots in
 * one transaction); then the sign-ups (one batch update) and the messages (queued: delivered
 * within a minute).
 */
export async function cancelActivity(ctx: FirstReadContext, input: CancelInput): Promise<{ notified: number }> {
  const { caller, docs } = await ctx.readWithCaller({ activity: byIdPart(ACTIVITIES, input.activityId), participants: participantsPart(input.activityId, ACTIVE) })
  const activity = docs.activity[0] as ActivityDoc | undefined
  if (!activity) throw notFound('活动')
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
  let openids = await allParticipants(activity._id, ACTIVE, docs.participants)
  const res = await db()
    .collection(SIGNUPS)
    .where({ activityId: activity._id, status: _.in([...ACTIVE]) })
    .update({
      data: {
        status: 'cancelled',
        updatedAt: clock.date(),
        history: _.push([{ at: clock.date(), by: caller.openid, byName: callerName(caller), action: '活动取消', note: input.reason }])
      }
    })
  // Someone signed up or left between the first read and the cancel: those cancelled now are told.
  if (res.stats.updated !== openids.length) openids = await participants(activity._id, ['cancelled'])
  const notified = await notifyCancelled({ ...activity, status: 'cancelled' }, openids, input.reason)
  return { notified }
}

const cancelledFields = (reason: string) => ({ status: 'cancelled', cancelReason: reason, cancelledAt: clock.date(), updatedAt: clock.date() })

/**
 * The status and the freeing of its room slots in one transaction: a cancel cut short never
 * leaves slots held by a cancelled event. Retry-safe: the activity is read through `tx`, and the
 * slots removed are the ones its `slotIds` (read there) lists — only the event's own writes set
 * that list, after claiming the slots, and bookings never take an event's slot (only a claim whose
 * activity does not exist a minute on, far past any function's timeout) — so they are removed by
 * id without reading each first (removing one already gone changes nothing). Not cut to a guarded
 * update: the status and the freeing must stay one act (test C2), so this costs 4 + one per slot.
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
    for (const slotId of fresh.slotIds ?? []) await tx.collection(CENTER_COLL.slots).doc(slotId).remove()
  }, '操作的人较多，请稍后重试', { rounds: 12 })
}

/**
 * The organiser reminds everyone confirmed, once per activity, before it starts: the caller, the
 * activity and those confirmed in one read, one guarded update, the reminders queued.
 */
export async function remindParticipants(ctx: FirstReadContext, activityId: string): Promise<{ sent: number; already: boolean }> {
  const { caller, docs } = await ctx.readWithCaller({ activity: byIdPart(ACTIVITIES, activityId), confirmed: participantsPart(activityId, ['confirmed']) })
  const activity = docs.activity[0] as ActivityDoc | undefined
  if (!activity) throw notFound('活动')
  requireOrganiser(caller, activity.communityId)
  const phase = phaseOf(activity, clock.now())
  if (phase === 'cancelled' || phase === 'ongoing' || phase === 'ended') throw conflict('活动已开始或已取消，无需提醒')
  const _ = db().command
  const res = await db()
    .collection(ACTIVITIES)
    .where({ _id: activityId, remindedAt: _.exists(false) })
    .update({ data: { remindedAt: clock.date(), history: _.push([entry(caller, '发送提醒')]) } })
  if (res.stats.updated === 0) return { sent: 0, already: true }
  const confirmed = await allParticipants(activityId, ['confirmed'], docs.confirmed)
  return { sent: await notifyReminder(activity, confirmed), already: false }
}
