import { randomBytes } from 'node:crypto'
import type { Page } from '../../contracts/common'
import {
  UNFINISHED_WISH_STATUSES,
  WISH_STATUS_LABELS,
  type Wish,
  type WishFilter,
  type WishStatus,
  type wishesCancelInput,
  type wishesCompleteInput,
  type wishesConfirmInput,
  type wishesCreateInput,
  type wishesListInput,
  type wishesReviewInput
} from '../../contracts/wishes'
import type { z } from '../../contracts/zod'
import { recordServiceFromWish } from '../activities/records'
import { addVolunteer, priorOf, volunteerParts, type VolunteerPrior } from '../activities/volunteers'
import { clock } from '../core/clock'
import { recordConsent } from '../core/consents'
import { db, isDuplicateKey } from '../core/db'
import { AppError, busy, conflict, forbidden, notFound } from '../core/errors'
import { canManageCommunity, hasRole, inCommunities, managedCommunities } from '../core/guard'
import type { FirstReadContext } from '../core/function'
import type { Caller } from '../core/identity'
import type { Part } from '../core/together'
import { maskMobile, maskName } from '../core/mask'
import { namesById } from '../core/records'
import { shanghai } from '../core/time'
import { TEMPLATES, phrase, thing } from '../notify/templates'
import { platform } from '../platform'
import { checkPhotos, checkTexts, consentInForce, latestConsentPart } from '../tickets/content'
import { loadPlace, placeFrom, placePart, type Place } from '../tickets/places'
import { photoViews } from '../tickets/view'
import { wishDeed, type DeedRecord } from './deeds'
import { wishEventId, type WishEventRecord, type WishRecord } from './model'
import { mayCallResident } from './reveal'

const WISH_PAGE = 'packages/tickets/pages/wish/index'
const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'
const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : undefined)
const nameOf = (caller: Caller) => caller.user?.profile.name || '居民'

function newWishId(now: Date): string {
  return `W${shanghai(now).format('YYMMDD')}${[...randomBytes(4)].map((b) => ALPHABET[b % ALPHABET.length]).join('')}`
}

/** A member may claim wishes of the community where they are registered (their residence). */
function memberOf(caller: Caller, communityId: string): boolean {
  return hasRole(caller, 'member') && caller.user?.profile.communityId === communityId
}

interface WishChange {
  set: Partial<WishRecord>
  event: Pick<WishEventRecord, 'kind'> & { note?: string | null }
  deed?: DeedRecord
  /**
   * The history entry carried by the wish itself (written with the guarded update, no `wishEvents`
   * document; `wishHistoryOf` shows it): the fields to set for the entry numbered `seq`.
   */
  carry?: (seq: number) => Partial<WishRecord>
}

/**
 * One wish change + its history entry (+ a ledger entry); `decide` may rerun. `current`: the wish
 * as just read (saves the first read).
 *
 * No transaction: the update is conditional on the version `decide` saw (`seq`), so claim,
 * release, complete, confirm and cancel by two people at once cannot both apply — one update
 * matches, the other re-reads and decides again on the new state. The history entry
 * (`<wishId>:<seq>`) and the ledger entry (`wish:<id>`) have deterministic ids and are written by
 * the winner of that version only.
 */
async function mutateWish(caller: Caller, wishId: string, decide: (w: WishRecord) => WishChange, current?: WishRecord): Promise<WishRecord> {
  const _ = db().command
  const col = db().collection('wishes')
  let w: WishRecord | null = current ?? null
  for (let round = 0; round < 8; round++) {
    if (!w) w = ((await col.where({ _id: wishId }).limit(1).get()).data[0] as WishRecord | undefined) ?? null
    if (!w) throw notFound('心愿')
    const change = decide(w)
    const now = clock.date()
    const seq = (w.seq ?? 0) + 1
    const set = { ...change.set, ...change.carry?.(seq), seq, updatedAt: now }
    const res = await col.where({ _id: wishId, seq: w.seq == null ? _.exists(false) : w.seq }).update({ data: set })
    if (res.stats.updated === 1) {
      // The entry is its own document unless the wish carries it (`carry`).
      const event = (): WishEventRecord => ({ _id: wishEventId(wishId, seq), wishId, seq, kind: change.event.kind, at: now, actorOpenid: caller.openid, actorName: nameOf(caller), note: change.event.note ?? null })
      await Promise.all([change.carry ? undefined : db().collection('wishEvents').add({ data: event() }), change.deed ? addOnce('deeds', change.deed) : undefined])
      return { ...w, ...set } as WishRecord
    }
    w = null
  }
  throw busy()
}

async function addOnce(collection: string, data: { _id: string }): Promise<void> {
  try {
    await db().collection(collection).add({ data })
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
  }
}

interface WishNames {
  communities: Map<string, string>
  grids: Map<string, string>
  buildings: Map<string, string>
}

type JoinedWish = WishRecord & { _community?: { _id: string; name: string }[]; _grid?: { _id: string; name: string }[]; _building?: { _id: string; name: string }[] }

const NAME_LOOKUPS = [
  { from: 'communities', localField: 'communityId', foreignField: '_id', as: '_community' },
  { from: 'grids', localField: 'gridId', foreignField: '_id', as: '_grid' },
  { from: 'buildings', localField: 'buildingId', foreignField: '_id', as: '_building' }
]

const withNames = (pipeline: any): any => NAME_LOOKUPS.reduce((p, l) => p.lookup(l), pipeline)

function unjoinWishes(list: JoinedWish[]): { wishes: WishRecord[]; names: WishNames } {
  const names: WishNames = { communities: new Map(), grids: new Map(), buildings: new Map() }
  const wishes = list.map(({ _community, _grid, _building, ...w }) => {
    for (const d of _community ?? []) names.communities.set(d._id, d.name)
    for (const d of _grid ?? []) names.grids.set(d._id, d.name)
    for (const d of _building ?? []) names.buildings.set(d._id, d.name)
    return w as WishRecord
  })
  return { wishes, names }
}

/** Wishes with their place names joined, in one round trip. */
async function wishesWithNames(pipeline: any): Promise<{ wishes: WishRecord[]; names: WishNames }> {
  const res = await withNames(pipeline).end()
  return unjoinWishes((res as { list: JoinedWish[] }).list)
}

interface LoadedWish {
  wish: WishRecord
  names: WishNames
  volunteer?: { name?: string } | null
}

/**
 * One wish and its names as a part of a combined read (server/core/together.ts). `withVolunteer`:
 * also the member's volunteer document (confirm writes their hours).
 */
function wishPart(wishId: string, withVolunteer = false): Part {
  return {
    collection: 'wishes',
    build: (p) => {
      let q = p.match({ _id: wishId }).limit(1)
      if (withVolunteer) q = q.lookup({ from: 'volunteers', localField: 'memberOpenid', foreignField: '_id', as: '_volunteer' })
      return withNames(q)
    }
  }
}

function loadedWishOf(rows: Record<string, any>[], withVolunteer: boolean): LoadedWish {
  const { wishes, names } = unjoinWishes(rows as JoinedWish[])
  const first = wishes[0] as (WishRecord & { _volunteer?: { name?: string }[] }) | undefined
  if (!first) throw notFound('心愿')
  const { _volunteer, ...wish } = first
  return { wish: wish as WishRecord, names, volunteer: withVolunteer ? (_volunteer?.[0] ?? null) : undefined }
}

/** The caller and the wish in ONE round trip (`identity: 'withFirstRead'`), or NOT_FOUND. */
async function loadWishWithCaller(ctx: FirstReadContext, wishId: string): Promise<LoadedWish & { caller: Caller }> {
  const { caller, docs } = await ctx.readWithCaller({ wish: wishPart(wishId) })
  return { caller, ...loadedWishOf(docs.wish, false) }
}

async function notify(to: string | null, w: WishRecord, status: string, note: string): Promise<void> {
  if (!to) return
  try {
    await platform().messages.send({
      touser: to,
      templateId: TEMPLATES.wishProgress.id,
      page: `${WISH_PAGE}?id=${w._id}`,
      data: { thing1: thing(w.title), phrase2: phrase(status), thing3: thing(note), time4: { value: shanghai(clock.now()).format('YYYY-MM-DD HH:mm') } },
      summary: `心愿“${w.title}”：${status}。${note}`
    })
  } catch (error) {
    console.error('[wishes] message not sent', error)
  }
}

async function views(ws: WishRecord[], caller: Caller, known?: WishNames): Promise<Wish[]> {
  const [communities, grids, buildings] = known
    ? [known.communities, known.grids, known.buildings]
    : await Promise.all([
        namesById('communities', ws.map((w) => w.communityId)),
        namesById('grids', ws.map((w) => w.gridId)),
        namesById('buildings', ws.map((w) => w.buildingId ?? ''))
      ])
  return Promise.all(
    ws.map(async (w) => {
      const mine = w.residentOpenid === caller.openid
      const claimedByMe = !!w.memberOpenid && w.memberOpenid === caller.openid
      const staff = canManageCommunity(caller, w.communityId)
      const insider = mine || claimedByMe || staff
      const open = w.status === 'open'
      const reviewable = mine || staff
      return {
        _id: w._id,
        category: w.category,
        title: w.title,
        description: w.description ?? undefined,
        status: w.status,
        communityId: w.communityId,
        communityName: communities.get(w.communityId) ?? '',
        gridId: w.gridId,
        gridName: grids.get(w.gridId) ?? '',
        buildingName: w.buildingId ? buildings.get(w.buildingId) : undefined,
        residentName: insider || w.showName ? w.residentName : '居民',
        // Masked, for those who may call (they dial through `revealMobile`, audited).
        residentMobile: mayCallResident(caller, w) ? maskMobile(w.residentMobile ?? undefined) : undefined,
        mine,
        claimedByMe,
        memberName: w.memberName ? (insider ? w.memberName : maskName(w.memberName)) : undefined,
        minutes: w.minutes ?? undefined,
        completionNote: w.completionNote ?? undefined,
        photos: await photoViews(w.photos ?? []),
        rating: w.rating ?? undefined,
        createdAt: iso(w.createdAt)!,
        claimedAt: iso(w.claimedAt),
        completedAt: iso(w.completedAt),
        confirmedAt: iso(w.confirmedAt),
        serviceRecordId: w.serviceRecordId ?? undefined,
        reviewedAt: reviewable ? iso(w.reviewedAt) : undefined,
        rejectReason: reviewable && w.status === 'rejected' ? (w.rejectReason ?? undefined) : undefined,
        actions: {
          claim: open && !mine && memberOf(caller, w.communityId),
          release: claimedByMe && w.status === 'claimed',
          complete: claimedByMe && w.status === 'claimed',
          // also: a confirmed wish whose service hours could not be written yet (confirm again writes them)
          confirm: (w.status === 'completed' || (w.status === 'confirmed' && !w.serviceRecordId && !!w.memberOpenid)) && (mine || staff),
          cancel: (w.status === 'pending' || w.status === 'open' || w.status === 'claimed') && (mine || staff),
          review: w.status === 'pending' && staff
        }
      }
    })
  )
}

const one = async (w: WishRecord, caller: Caller, known?: WishNames) => (await views([w], caller, known))[0]

const placeNames = (place: Place): WishNames => ({
  communities: new Map([[place.community._id, place.community.name]]),
  grids: new Map([[place.grid._id, place.grid.name]]),
  buildings: new Map(place.building ? [[place.building._id, place.building.name]] : [])
})

/**
 * The poster's own compound (and building) from their profile, as a part of the first read: the
 * caller's users document with its grid, building and community joined (for a wish posted without
 * naming a compound).
 */
function ownPlacePart(openid: string): Part {
  return {
    collection: 'users',
    build: (p) =>
      p
        .match({ _id: openid })
        .limit(1)
        .project({ profile: true })
        .lookup({ from: 'grids', localField: 'profile.gridId', foreignField: '_id', as: '_grid' })
        .lookup({ from: 'buildings', localField: 'profile.buildingId', foreignField: '_id', as: '_building' })
        .lookup({ from: 'communities', localField: 'profile.communityId', foreignField: '_id', as: '_community' })
  }
}

/** The place from `ownPlacePart`, or null when it does not hold together (then read as loadPlace does). */
function ownPlaceFrom(rows: Record<string, any>[] | undefined, gridId: string, buildingId: string | undefined): Place | null {
  const row = rows?.[0]
  const grid = row?._grid?.[0]
  const community = row?._community?.[0]
  const building = buildingId ? row?._building?.[0] : null
  if (!grid || grid._id !== gridId || !community || community._id !== grid.communityId) return null
  if (buildingId && (!building || building._id !== buildingId || building.gridId !== grid._id)) return null
  return { grid, community, building: building ?? null, company: null, hasOwnersCommittee: false }
}

/**
 * A new wish. ONE read first (`identity: 'withFirstRead'`): the caller, the compound (named, or the
 * caller's own through their profile) and (sharing the number) the caller's latest contact consent.
 * The day's allowance of wishes is the rate-limit row's `perDay` (server/core/rateLimits.ts): taken
 * by the shell with the minute's buckets, and given back when this handler refuses the wish.
 */
export async function createWish(ctx: FirstReadContext, input: z.infer<typeof wishesCreateInput>): Promise<Wish> {
  const openid = ctx.openid
  const parts: Record<string, Part> = {}
  if (input.gridId) parts.place = placePart(input.gridId, input.buildingId)
  else parts.own = ownPlacePart(openid)
  if (input.shareMobile === true) parts.consent = latestConsentPart(openid, 'contact')
  const { caller, docs } = await ctx.readWithCaller<string>(parts)
  const gridId = input.gridId ?? caller.user?.profile.gridId
  if (!gridId) throw new AppError('INVALID_INPUT', '请选择所在小区', ['gridId'])
  const buildingId = input.buildingId ?? (input.gridId ? undefined : caller.user?.profile.buildingId)
  const place = input.gridId
    ? placeFrom(docs.place, input.buildingId).place
    : (ownPlaceFrom(docs.own, gridId, buildingId ?? undefined) ?? (await loadPlace(gridId, buildingId)))
  await checkTexts(caller.openid, [
    ['title', input.title],
    ['description', input.description]
  ])
  const now = clock.date()
  // The number goes onto the wish only with the poster's consent to be called (个人信息保护法 第十四条).
  const mobile = input.shareMobile === true ? caller.user?.profile.mobile || null : null
  const base: Omit<WishRecord, '_id'> = {
    category: input.category,
    title: input.title,
    description: input.description || null,
    communityId: place.grid.communityId,
    gridId: place.grid._id,
    buildingId: place.building?._id ?? null,
    residentOpenid: caller.openid,
    residentName: nameOf(caller),
    residentMobile: mobile,
    showName: input.showName ?? false,
    // Published only once the community's staff approve it (reviewWish).
    status: 'pending',
    memberOpenid: null,
    memberName: null,
    claimedAt: null,
    completedAt: null,
    minutes: null,
    completionNote: null,
    photos: [],
    confirmedAt: null,
    confirmedBy: null,
    rating: null,
    ratingComment: null,
    cancelledAt: null,
    serviceRecordId: null,
    reviewedAt: null,
    reviewedBy: null,
    reviewerName: null,
    rejectReason: null,
    createdAt: now,
    updatedAt: now,
    seq: 1
  }
  if (mobile && !consentInForce(docs.consent, 'wishes.create')) await recordConsent(caller.openid, 'contact', 'wishes.create')
  for (let attempt = 0; attempt < 5; attempt++) {
    const wish: WishRecord = { _id: newWishId(now), ...base }
    try {
      // ONE add: the unique `_id` claims the number (a duplicate key: taken, try another), and the
      // wish is its own first history entry (the poster at `createdAt`: `wishHistoryOf`).
      await db().collection('wishes').add({ data: wish })
      return one(wish, caller, placeNames(place))
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
    }
  }
  throw new Error('could not allocate a wish id')
}

/**
 * The staff lists (scopes 'all' and 'review'): the wishes of these communities (null: every one, the
 * district admin's), the review queue only those pending. users.overview counts the queue with it.
 */
export function staffWhere(communities: string[] | null, review: boolean): Record<string, unknown> {
  return {
    ...inCommunities(communities),
    ...(review ? { status: 'pending' } : {})
  }
}

/** The list's status filter (users.overview counts 我的心愿 and 我认领的心愿 with the same filters). */
export function statusWhere(status: WishFilter): unknown {
  return status === 'unfinished' ? db().command.in([...UNFINISHED_WISH_STATUSES]) : status
}

export async function listWishes(caller: Caller, input: z.infer<typeof wishesListInput>): Promise<Page<Wish>> {
  const where: Record<string, unknown> = {}
  const scope = input.scope ?? (hasRole(caller, 'member') ? 'open' : 'mine')
  if (scope === 'mine') where.residentOpenid = caller.openid
  else if (scope === 'claimed') where.memberOpenid = caller.openid
  else if (scope === 'open') {
    const communityId = input.communityId ?? caller.user?.profile.communityId
    if (!communityId) throw new AppError('INVALID_INPUT', '请先选择社区', ['communityId'])
    where.communityId = communityId
    where.status = 'open'
  } else {
    const managed = managedCommunities(caller)
    if (managed !== null && managed.length === 0) throw forbidden(scope === 'review' ? '仅社区工作人员可以审核心愿' : '仅社区工作人员可以查看全部心愿')
    if (input.communityId && managed !== null && !managed.includes(input.communityId)) throw forbidden('仅本社区工作人员可以查看')
    Object.assign(where, staffWhere(input.communityId ? [input.communityId] : managed, scope === 'review'))
  }
  if (input.status && scope !== 'open' && scope !== 'review') where.status = statusWhere(input.status)
  const col = db().collection('wishes')
  // The review queue: oldest first, so nobody waits longest.
  const dir = scope === 'review' ? 1 : -1
  const [count, page] = await Promise.all([
    col.where(where).count(),
    wishesWithNames(
      col
        .aggregate()
        .match(where)
        .sort({ createdAt: dir, _id: dir })
        .skip((input.page - 1) * input.pageSize)
        .limit(input.pageSize)
    )
  ])
  return { items: await views(page.wishes, caller, page.names), total: count.total, page: input.page, pageSize: input.pageSize }
}

/** What recordServiceFromWish needs to skip its reads: names known, and whether the member is a volunteer. */
interface ServiceHints {
  verifierName?: string
  volunteer?: { name?: string } | null
  /** The volunteer-number counter as read with the wish: a newcomer's number is claimed with it. */
  prior?: VolunteerPrior
}

/**
 * Writes the member's service hours of a wish (idempotent: the record's `_id` is fixed per wish);
 * null when they could not be written (the wish is still confirmed; confirming again retries).
 */
async function writeServiceRecord(w: WishRecord, verifiedBy: string, hints: ServiceHints): Promise<string | null> {
  if (!w.memberOpenid || !w.minutes) return null
  try {
    const name = (w.memberName && w.memberName !== '居民' ? w.memberName : undefined) || hints.volunteer?.name
    const id = await recordServiceFromWish({
      openid: w.memberOpenid,
      communityId: w.communityId,
      minutes: w.minutes,
      wishId: w._id,
      title: w.title,
      verifiedBy,
      name,
      verifierName: hints.verifierName,
      // With the counter read already, the newcomer's number is claimed here (no re-read of it).
      isVolunteer: !!hints.volunteer || !!hints.prior
    })
    if (!hints.volunteer && hints.prior) await addVolunteer({ openid: w.memberOpenid, name, communityId: w.communityId, fromUser: true }, hints.prior, { assumeOwn: true })
    return id
  } catch (error) {
    console.error('[wishes] service record not written', error)
    return null
  }
}

/** Writes the member's service hours for a confirmed wish whose record is missing, and remembers the record. */
async function ensureServiceRecord(w: WishRecord, hints: ServiceHints): Promise<WishRecord> {
  if (w.status !== 'confirmed' || w.serviceRecordId || !w.memberOpenid || !w.minutes) return w
  try {
    const serviceRecordId = await writeServiceRecord(w, w.confirmedBy ?? w.residentOpenid, hints)
    if (!serviceRecordId) return w
    await db().collection('wishes').doc(w._id).update({ data: { serviceRecordId } })
    return { ...w, serviceRecordId }
  } catch (error) {
    // The wish stays confirmed; the next read (or confirm) tries again.
    console.error('[wishes] service record not written', error)
    return w
  }
}

/** Reads never write: a confirmed wish whose hours are missing is completed by `confirm` again. */
export async function getWish(ctx: FirstReadContext, wishId: string): Promise<Wish> {
  const { caller, wish: w, names } = await loadWishWithCaller(ctx, wishId)
  // Not yet published (or not approved): only its poster and the community's staff see it.
  if (!isPublished(w) && w.residentOpenid !== caller.openid && !canManageCommunity(caller, w.communityId)) throw notFound('心愿')
  return one(w, caller, names)
}

/** Approved at some point: not pending or rejected, and not cancelled before anyone reviewed it. */
const isPublished = (w: WishRecord) => w.status !== 'pending' && w.status !== 'rejected' && !(w.status === 'cancelled' && w.reviewedAt === null)

/**
 * Staff of the wish's community (or a district admin) review a pending wish before it is published:
 * approve (it becomes 待认领 and is listed for members) or reject with a reason (checked like any
 * text; the poster sees it on the wish). The poster is told either way, as for member registrations.
 * Two reviewers at once: one wins, the other gets CONFLICT.
 */
export async function reviewWish(ctx: FirstReadContext, input: z.infer<typeof wishesReviewInput>): Promise<Wish> {
  const { caller, wish: current, names } = await loadWishWithCaller(ctx, input.wishId)
  if (!canManageCommunity(caller, current.communityId)) throw forbidden('仅本社区工作人员可以审核')
  if (current.status !== 'pending') throw conflict(`该心愿当前为“${WISH_STATUS_LABELS[current.status]}”，无需审核`)
  const reject = input.decision === 'reject'
  if (reject) await checkTexts(caller.openid, [['reason', input.reason]])
  else
    // Published text passes the content check at publication too (the word list may have changed since).
    await checkTexts(current.residentOpenid, [
      ['title', current.title],
      ['description', current.description ?? undefined]
    ])
  const w = await mutateWish(caller, input.wishId, (w) => {
    if (w.status !== 'pending') throw conflict(`该心愿当前为“${WISH_STATUS_LABELS[w.status]}”，无需审核`)
    const now = clock.date()
    const review = { reviewedAt: now, reviewedBy: caller.openid, reviewerName: nameOf(caller) }
    return reject
      ? { set: { status: 'rejected', ...review, rejectReason: input.reason ?? null }, event: { kind: 'rejected', note: input.reason ?? null } }
      : { set: { status: 'open', ...review, rejectReason: null }, event: { kind: 'approved' } }
  }, current)
  await notify(w.residentOpenid, w, reject ? '未通过' : '已发布', reject ? `原因：${input.reason}` : '心愿已通过审核，等待党员认领')
  return one(w, caller, names)
}

/**
 * A member claims an open wish. Their volunteer number (for the wish's hours) is given when they
 * complete it (`complete`, their own call), not here: a claim given up needs none, and the claim
 * stays 5 round trips for a first-timer too (issue #15: the rate limit, the read, the guarded
 * update, the history entry, the resident's message).
 */
export async function claimWish(ctx: FirstReadContext, wishId: string): Promise<Wish> {
  const { caller, wish: current, names } = await loadWishWithCaller(ctx, wishId)
  if (!memberOf(caller, current.communityId)) throw forbidden('只有本社区报到的在职党员可以认领')
  if (current.residentOpenid === caller.openid) throw forbidden('不能认领自己发布的心愿')
  const w = await mutateWish(caller, wishId, (w) => {
    if (w.status !== 'open') throw conflict(w.status === 'claimed' ? '该心愿已被其他党员认领' : `该心愿当前为“${WISH_STATUS_LABELS[w.status]}”`)
    return { set: { status: 'claimed', memberOpenid: caller.openid, memberName: nameOf(caller), claimedAt: clock.date() }, event: { kind: 'claimed' } }
  }, current)
  await notify(w.residentOpenid, w, '已认领', `党员${maskName(w.memberName ?? '')}认领了您的心愿，会尽快联系您`)
  return one(w, caller, names)
}

export async function releaseWish(ctx: FirstReadContext, wishId: string, note?: string): Promise<Wish> {
  const { caller, wish: current, names } = await loadWishWithCaller(ctx, wishId)
  if (current.memberOpenid !== caller.openid) throw forbidden('只有认领人可以放弃认领')
  await checkTexts(caller.openid, [['note', note]])
  return one(await releaseClaim(caller, wishId, note ?? null, current), caller, names)
}

/**
 * The claim given up: the wish open again for another member (its history says so, with `note`).
 * The core of `releaseWish` and of an account's deletion; the caller must be the claiming member
 * (checked again with the change).
 */
export function releaseClaim(caller: Caller, wishId: string, note: string | null, current?: WishRecord): Promise<WishRecord> {
  return mutateWish(caller, wishId, (w) => {
    if (w.status !== 'claimed' || w.memberOpenid !== caller.openid) throw conflict('该心愿当前不能放弃认领')
    return { set: { status: 'open', memberOpenid: null, memberName: null, claimedAt: null }, event: { kind: 'released', note } }
  }, current)
}

/**
 * The member marks the wish done. A member without a volunteer number yet gets it here (the counter
 * came with the first read, so the number takes one guarded update and one add: 6 round trips at
 * most): the hours of the wish will need it, and `confirm` — the resident's call, which already
 * writes the service record, the ledger entry and the member's message — then has no number to
 * claim on top.
 */
export async function completeWish(ctx: FirstReadContext, input: z.infer<typeof wishesCompleteInput>): Promise<Wish> {
  const { volunteer: ownVolunteer, counter, topNumber } = volunteerParts(ctx.openid)
  const { caller, docs } = await ctx.readWithCaller({ wish: wishPart(input.wishId), volunteer: ownVolunteer, counter, topNumber })
  const { wish: current, names } = loadedWishOf(docs.wish, false)
  if (current.memberOpenid !== caller.openid) throw forbidden('只有认领人可以标记完成')
  await checkTexts(caller.openid, [['note', input.note]])
  const photos = await checkPhotos(caller.openid, input.photos)
  const w = await mutateWish(caller, input.wishId, (w) => {
    if (w.status !== 'claimed' || w.memberOpenid !== caller.openid) throw conflict(`该心愿当前为“${WISH_STATUS_LABELS[w.status]}”，不能标记完成`)
    return {
      set: { status: 'completed', completedAt: clock.date(), minutes: input.minutes, completionNote: input.note || null, photos },
      event: { kind: 'completed', note: input.note || null },
      // The entry goes with the completing update: the member, `completedAt` and the note are the wish's.
      carry: (seq) => ({ completeEntry: { seq } })
    }
  }, current)
  const prior = priorOf({ volunteer: docs.volunteer, counter: docs.counter, topNumber: docs.topNumber })
  if (!prior.volunteer) {
    try {
      await addVolunteer({ openid: caller.openid, name: caller.user?.profile.name, communityId: caller.user?.profile.communityId, fromUser: true }, prior, { assumeOwn: true })
    } catch (error) {
      // The completion stands; the number is given with the hours at the latest (confirm).
      console.error('[wishes] volunteer number not given at completion', error)
    }
  }
  await notify(w.residentOpenid, w, '待确认', '心愿已完成，请确认')
  return one(w, caller, names)
}

/**
 * The resident confirms (or community staff on their behalf, e.g. after phoning an elderly
 * resident): the wish enters the ledger and the member's minutes become verified service hours.
 * Wishes never confirm themselves: hours must be verified by someone.
 */
export async function confirmWish(ctx: FirstReadContext, input: z.infer<typeof wishesConfirmInput>): Promise<Wish> {
  // The caller, the wish with its member's volunteer document, and the volunteer-number counter, in
  // one read: a member's first hours then give them a number without further reads.
  const { counter, topNumber } = volunteerParts('')
  const { caller, docs } = await ctx.readWithCaller({ wish: wishPart(input.wishId, true), counter, topNumber })
  const { wish: current, names, volunteer } = loadedWishOf(docs.wish, true)
  const prior = priorOf({ volunteer: volunteer ? [volunteer] : [], counter: docs.counter, topNumber: docs.topNumber })
  const mine = current.residentOpenid === caller.openid
  if (!mine && !canManageCommunity(caller, current.communityId)) throw forbidden('只有发布人或社区工作人员可以确认')
  if (current.status === 'confirmed' && !current.serviceRecordId && (mine || canManageCommunity(caller, current.communityId)))
    return one(await ensureServiceRecord(current, { volunteer, verifierName: current.confirmedBy === caller.openid ? (caller.user?.profile.name ?? '') : undefined }), caller, names)
  await checkTexts(caller.openid, [['comment', input.comment]])
  // The hours are written before the confirmation, so the confirming update can carry their record id
  // (one write fewer, and no confirmed wish without its hours after a crash in between). Safe: a
  // completed wish can only become confirmed (the member's minutes are fixed), and the record's `_id`
  // is fixed per wish, so a second confirmer's write is the same record.
  const serviceRecordId = current.status === 'completed' ? await writeServiceRecord(current, caller.openid, { volunteer, verifierName: caller.user?.profile.name ?? '', prior }) : null
  const w = await mutateWish(caller, input.wishId, (w) => {
    if (w.status !== 'completed') throw conflict(`该心愿当前为“${WISH_STATUS_LABELS[w.status]}”，不能确认`)
    const now = clock.date()
    const note = mine ? (input.comment ?? null) : `社区工作人员代为确认${input.comment ? `：${input.comment}` : ''}`
    return {
      set: { status: 'confirmed', confirmedAt: now, confirmedBy: caller.openid, rating: input.rating ?? null, ratingComment: input.comment || null, ...(serviceRecordId ? { serviceRecordId } : {}) },
      event: { kind: 'confirmed', note },
      // The confirmation's history entry goes with the confirming update (a wish is confirmed once).
      carry: (seq) => ({ confirmEntry: { seq, note, actorName: mine ? null : nameOf(caller) } }),
      deed: wishDeed(w, maskName(w.memberName ?? ''), now, input.rating ?? null, w.minutes ?? 0)
    }
  }, current)
  // Written above unless that failed (then tried once more here; a later confirm retries too).
  const done = serviceRecordId ? w : await ensureServiceRecord(w, { volunteer })
  await notify(w.memberOpenid, w, '已完成', `居民已确认，${w.minutes}分钟计入志愿服务时长`)
  return one(done, caller, names)
}

export async function cancelWish(ctx: FirstReadContext, input: z.infer<typeof wishesCancelInput>): Promise<Wish> {
  const { caller, wish: current, names } = await loadWishWithCaller(ctx, input.wishId)
  if (current.residentOpenid !== caller.openid && !canManageCommunity(caller, current.communityId)) throw forbidden('只有发布人或社区工作人员可以取消')
  await checkTexts(caller.openid, [['note', input.note]])
  return one(await cancelAs(caller, input.wishId, input.note ?? null, CANCELLABLE, current), caller, names)
}

const CANCELLABLE: readonly WishStatus[] = ['pending', 'open', 'claimed']

/**
 * The wish cancelled (its history says so, with `note`) if it is still in one of `from`; its
 * claiming member, if any, told. The core of `cancelWish` and of an account's deletion; access is
 * the caller's business.
 */
export async function cancelAs(caller: Caller, wishId: string, note: string | null, from: readonly WishStatus[] = CANCELLABLE, current?: WishRecord): Promise<WishRecord> {
  const w = await mutateWish(caller, wishId, (w) => {
    if (!from.includes(w.status)) throw conflict(`该心愿当前为“${WISH_STATUS_LABELS[w.status]}”，不能取消`)
    return { set: { status: 'cancelled', cancelledAt: clock.date() }, event: { kind: 'cancelled', note } }
  }, current)
  await notify(w.memberOpenid, w, '已取消', note ?? '发布人取消了心愿')
  return w
}

/** Wishes looked at per account deletion (each kind): more than anyone has at once. */
const DELETION_PAGE = 100

/**
 * An account's deletion (server/users/deleteAccount.ts), for the wishes: those the person claimed
 * and has not completed go back to open (认领人已注销账号), so the resident's wish is not stuck with
 * a gone account; those they posted that no one has claimed yet (pending review or open) are
 * cancelled — no one could reach them about it any more. `actor` is the person as the history
 * entries should name them (已注销用户). Two reads, then one guarded change per wish, in parallel
 * (distinct wishes); a wish changed meanwhile (completed, claimed) is left as it is, and running it
 * again finds nothing more to do.
 */
export async function settleWishesOfDeletedAccount(actor: Caller): Promise<{ released: number; cancelled: number }> {
  const _ = db().command
  const [claimed, posted] = await Promise.all([
    db().collection('wishes').where({ memberOpenid: actor.openid, status: 'claimed' }).limit(DELETION_PAGE).field({ _id: true }).get(),
    db()
      .collection('wishes')
      .where({ residentOpenid: actor.openid, status: _.in(['pending', 'open']) })
      .limit(DELETION_PAGE)
      .field({ _id: true })
      .get()
  ])
  const ids = (res: { data: unknown[] }) => (res.data as Pick<WishRecord, '_id'>[]).map((w) => w._id)
  const [released, cancelled] = await Promise.all([
    Promise.allSettled(ids(claimed).map((id) => releaseClaim(actor, id, '认领人已注销账号，心愿重新开放认领'))),
    Promise.allSettled(ids(posted).map((id) => cancelAs(actor, id, '发布人已注销账号，心愿已取消', ['pending', 'open'])))
  ])
  const done = (results: PromiseSettledResult<unknown>[]) => {
    // Only "changed meanwhile" is expected; anything else fails the deletion, which is run again.
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !(r.reason instanceof AppError && r.reason.code === 'CONFLICT'))
    if (failed) throw failed.reason
    return results.filter((r) => r.status === 'fulfilled').length
  }
  return { released: done(released), cancelled: done(cancelled) }
}
