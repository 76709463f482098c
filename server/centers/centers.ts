/**
 * Finding centres (`list`: the caller's community first, or nearest first) and one centre with its
 * rooms (`get`). Residents see open centres by default; planned and under-construction ones are
 * listed on request (the district's plan is public: 60 planned).
 */
import {
  FUND_TYPES,
  formatOpeningHours,
  OPEN_CENTER_STATUSES,
  type CenterDetail,
  type CenterStatus,
  type CenterSummary
} from '../../contracts/centers'
import type { Page } from '../../contracts/common'
import type { z } from '../../contracts/zod'
import type { getInput, listInput } from '../../contracts/centers'
import { db } from '../core/db'
import type { Caller } from '../core/identity'
import { namesById } from '../core/records'
import { platform } from '../platform'
import { getCenter, managesCenter } from './access'
import { iso } from './calendar'
import { COLL, toRoomView, type CenterDoc, type RoomDoc } from './model'

/** Great-circle distance in metres. */
export function distanceMetres(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const rad = Math.PI / 180
  const dLat = (b.latitude - a.latitude) * rad
  const dLng = (b.longitude - a.longitude) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLng / 2) ** 2
  return Math.round(2 * 6371_000 * Math.asin(Math.sqrt(h)))
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Photos are cloud fileIDs; pages need URLs (temporary ones on WeChat, local ones on the emulator). */
async function photoUrl(fileID: string | undefined): Promise<string | undefined> {
  if (!fileID) return undefined
  if (/^https?:\/\//.test(fileID) || fileID.startsWith('cloud://')) return fileID // the mini-program's <Image> shows cloud:// itself
  return platform().files.url(fileID)
}

export async function listCenters(input: z.infer<typeof listInput>, caller: Caller): Promise<Page<CenterSummary>> {
  const _ = db().command
  const where: Record<string, unknown> = {}
  const statuses: readonly CenterStatus[] | undefined =
    input.status === 'open' ? OPEN_CENTER_STATUSES : input.status === 'all' ? undefined : [input.status as CenterStatus]
  if (statuses) where.status = statuses.length === 1 ? statuses[0] : _.in([...statuses])
  if (input.communityId) where.communityId = input.communityId
  if (input.keyword) where.name = db().RegExp({ regexp: escapeRegExp(input.keyword), options: 'i' })
  const skip = (input.page - 1) * input.pageSize
  const own = caller.user?.profile.communityId
  let docs: CenterDoc[]
  let total: number
  const distances = new Map<string, number>()

  if (input.near) {
    // Nearest first: distances need every candidate's coordinates (one projected read, at most
    // 1000 centres — the district plans 60), then the page is read by id.
    const all = await db().collection(COLL.centers).where(where).field({ _id: true, location: true, order: true }).limit(1000).get()
    const ranked = (all.data as Pick<CenterDoc, '_id' | 'location' | 'order'>[])
      .map((c) => ({ id: c._id, d: c.location ? distanceMetres(input.near!, c.location) : Number.MAX_SAFE_INTEGER, order: c.order }))
      .sort((a, b) => a.d - b.d || a.order - b.order)
    total = ranked.length
    const pageIds = ranked.slice(skip, skip + input.pageSize)
    for (const r of pageIds) if (r.d !== Number.MAX_SAFE_INTEGER) distances.set(r.id, r.d)
    const res = pageIds.length ? await db().collection(COLL.centers).where({ _id: _.in(pageIds.map((r) => r.id)) }).limit(100).get() : { data: [] }
    const byId = new Map((res.data as CenterDoc[]).map((c) => [c._id, c]))
    docs = pageIds.map((r) => byId.get(r.id)).filter((c): c is CenterDoc => Boolean(c))
  } else if (own && !input.communityId) {
    // The caller's community first, then the others in district order: two segments paged as one.
    const ownWhere = { ...where, communityId: own }
    const otherWhere = { ...where, communityId: _.neq(own) }
    const [ownCount, otherCount] = await Promise.all([
      db().collection(COLL.centers).where(ownWhere).count(),
      db().collection(COLL.centers).where(otherWhere).count()
    ])
    total = ownCount.total + otherCount.total
    docs = []
    if (skip < ownCount.total) {
      const res = await db().collection(COLL.centers).where(ownWhere).orderBy('order', 'asc').skip(skip).limit(input.pageSize).get()
      docs.push(...(res.data as CenterDoc[]))
    }
    const rest = input.pageSize - docs.length
    if (rest > 0) {
      const res = await db()
        .collection(COLL.centers)
        .where(otherWhere)
        .orderBy('order', 'asc')
        .skip(Math.max(0, skip - ownCount.total))
        .limit(rest)
        .get()
      docs.push(...(res.data as CenterDoc[]))
    }
  } else {
    const [count, res] = await Promise.all([
      db().collection(COLL.centers).where(where).count(),
      db().collection(COLL.centers).where(where).orderBy('order', 'asc').skip(skip).limit(input.pageSize).get()
    ])
    total = count.total
    docs = res.data as CenterDoc[]
  }

  const [communities, grids] = await Promise.all([
    namesById('communities', docs.map((c) => c.communityId)),
    namesById('grids', docs.map((c) => c.gridId ?? ''))
  ])
  const items = await Promise.all(
    docs.map(async (c): Promise<CenterSummary> => ({
      ...summaryOf(c, caller),
      communityName: communities.get(c.communityId),
      gridName: c.gridId ? grids.get(c.gridId) : undefined,
      photo: await photoUrl(c.photos?.[0]),
      distance: distances.get(c._id)
    }))
  )
  return { items, total, page: input.page, pageSize: input.pageSize }
}

function summaryOf(c: CenterDoc, caller: Caller): CenterSummary {
  return {
    id: c._id,
    _id: c._id,
    name: c.name,
    communityId: c.communityId,
    gridId: c.gridId,
    address: c.address,
    location: c.location,
    status: c.status,
    hoursText: formatOpeningHours(c.openingHours ?? []),
    roomCount: c.roomCount ?? 0,
    ownCommunity: caller.user?.profile.communityId === c.communityId
  }
}

export async function centerDetail(centerId: string, caller: Caller): Promise<CenterDetail> {
  const c = await getCenter(centerId)
  const canManage = managesCenter(caller, c)
  const roomWhere: Record<string, unknown> = { centerId: c._id }
  if (!canManage) roomWhere.active = true
  const [rooms, communities, grids, funding] = await Promise.all([
    db().collection(COLL.rooms).where(roomWhere).orderBy('order', 'asc').limit(100).get(),
    namesById('communities', [c.communityId]),
    namesById('grids', [c.gridId ?? '']),
    canManage ? fundingOf(c._id) : Promise.resolve(undefined)
  ])
  // Detail: every photo through the platform's files seam (a temporary URL on WeChat, ≤ 6 photos).
  const photoFiles = await Promise.all(
    (c.photos ?? []).map(async (fileID) => ({ fileID, url: /^https?:\/\//.test(fileID) ? fileID : await platform().files.url(fileID) }))
  )
  const photos = photoFiles.map((p) => p.url).filter(Boolean)
  return {
    ...summaryOf(c, caller),
    communityName: communities.get(c.communityId),
    gridName: c.gridId ? grids.get(c.gridId) : undefined,
    photo: photos[0],
    openingHours: c.openingHours ?? [],
    photos,
    photoFiles: canManage ? photoFiles : undefined,
    description: c.description,
    phone: c.phone,
    rooms: (rooms.data as RoomDoc[]).map((r) => toRoomView(r, canManage)),
    canManage,
    statusHistory: canManage ? (c.statusHistory ?? []).map((h) => ({ status: h.status, at: iso(h.at), actorName: h.actorName, note: h.note })) : undefined,
    funding
  }
}

export const getCenterDetail = (input: z.infer<typeof getInput>, caller: Caller) => centerDetail(input.centerId, caller)

/** A centre's funding in yuan, by type (one aggregation). */
async function fundingOf(centerId: string): Promise<{ total: number; byType: Record<string, number> }> {
  const $ = db().command.aggregate
  const res = await db()
    .collection(COLL.funds)
    .aggregate()
    .match({ centerId })
    .group({ _id: '$type', fen: $.sum('$amountFen') })
    .limit(FUND_TYPES.length)
    .end()
  const byType: Record<string, number> = {}
  let total = 0
  for (const row of res.list as { _id: string; fen: number }[]) {
    byType[row._id] = row.fen / 100
    total += row.fen
  }
  return { total: total / 100, byType }
}
