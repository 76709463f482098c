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
import type { FirstReadContext } from '../core/function'
import type { Part } from '../core/together'
import { notFound } from '../core/errors'
import { platform } from '../platform'
import { managesCenter } from './access'
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
  let docs: NamedCenter[]
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
    const res = pageIds.length ? await withNames(db().collection(COLL.centers).aggregate().match({ _id: _.in(pageIds.map((r) => r.id)) }).limit(100)) : []
    const byId = new Map(res.map((c) => [c._id, c]))
    docs = pageIds.map((r) => byId.get(r.id)).filter((c): c is NamedCenter => Boolean(c))
  } else {
    // The caller's community first (when it has one and no community is asked for), then the
    // others in district order: one sorted page and one count.
    const ownFirst = own && !input.communityId ? own : undefined
    const $ = _.aggregate
    let page = db().collection(COLL.centers).aggregate().match(where)
    page = ownFirst ? page.addFields({ ownFirst: $.eq(['$communityId', ownFirst]) }).sort({ ownFirst: -1, order: 1 }) : page.sort({ order: 1 })
    const [count, res] = await Promise.all([db().collection(COLL.centers).where(where).count(), withNames(page.skip(skip).limit(input.pageSize))])
    total = count.total
    docs = res
  }

  const items = await Promise.all(
    docs.map(async (c): Promise<CenterSummary> => ({
      ...summaryOf(c, caller),
      communityName: c.communityNames?.[0]?.name,
      gridName: c.gridId ? c.gridNames?.[0]?.name : undefined,
      photo: await photoUrl(c.photos?.[0]),
      distance: distances.get(c._id)
    }))
  )
  return { items, total, page: input.page, pageSize: input.pageSize }
}

type NamedCenter = CenterDoc & { communityNames?: { name: string }[]; gridNames?: { name: string }[] }

/** A page of centres with their community's and compound's names joined (the same round trip). */
async function withNames(page: any): Promise<NamedCenter[]> {
  const res = await page
    .lookup({ from: 'communities', localField: 'communityId', foreignField: '_id', as: 'communityNames' })
    .lookup({ from: 'grids', localField: 'gridId', foreignField: '_id', as: 'gridNames' })
    .end()
  return (res.list as NamedCenter[]).map(({ ownFirst: _o, ...c }: NamedCenter & { ownFirst?: boolean }) => c)
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

/** The centre with its rooms, names and funding by type, joined: one part. */
export function centerDetailPart(centerId: string): Part {
  const $ = db().command.aggregate
  return {
    collection: COLL.centers,
    build: (p) =>
      p
        .match({ _id: centerId })
        .limit(1)
        .lookup({ from: COLL.rooms, localField: '_id', foreignField: 'centerId', as: 'roomDocs' })
        .lookup({ from: 'communities', localField: 'communityId', foreignField: '_id', as: 'communityNames' })
        .lookup({ from: 'grids', localField: 'gridId', foreignField: '_id', as: 'gridNames' })
        .lookup({
          from: COLL.funds,
          pipeline: $.pipeline()
            .match({ centerId })
            .group({ _id: '$type', fen: $.sum('$amountFen') })
            .limit(FUND_TYPES.length)
            .done(),
          as: 'fundRows'
        })
        .limit(1)
  }
}

/** A row of `centerDetailPart`: the centre and what is joined onto it. */
export type CenterDetailRow = NamedCenter & { roomDocs: RoomDoc[]; fundRows: { _id: string; fen: number }[] }

/** The detail view of a read (or a read patched with what the caller just wrote). */
export async function detailOf(row: CenterDetailRow, caller: Caller): Promise<CenterDetail> {
  const { roomDocs, fundRows, communityNames, gridNames, ...c } = row
  const canManage = managesCenter(caller, c)
  const rooms = roomDocs
    .filter((r) => canManage || r.active === true)
    .sort((x, y) => (x.order ?? 0) - (y.order ?? 0))
    .slice(0, 100)
  const funding = canManage ? fundingOf(fundRows) : undefined
  // Detail: every photo through the platform's files seam (a temporary URL on WeChat, ≤ 6 photos).
  const photoFiles = await Promise.all(
    (c.photos ?? []).map(async (fileID) => ({ fileID, url: /^https?:\/\//.test(fileID) ? fileID : await platform().files.url(fileID) }))
  )
  const photos = photoFiles.map((p) => p.url).filter(Boolean)
  return {
    ...summaryOf(c, caller),
    communityName: communityNames?.[0]?.name,
    gridName: c.gridId ? gridNames?.[0]?.name : undefined,
    photo: photos[0],
    openingHours: c.openingHours ?? [],
    photos,
    photoFiles: canManage ? photoFiles : undefined,
    description: c.description,
    phone: c.phone,
    rooms: rooms.map((r) => toRoomView(r, canManage)),
    canManage,
    statusHistory: canManage ? (c.statusHistory ?? []).map((h) => ({ status: h.status, at: iso(h.at), actorName: h.actorName, note: h.note })) : undefined,
    funding
  }
}

/** `get`: the caller and the centre's detail in one round trip (`identity: 'withFirstRead'`). */
export async function getCenterDetail(input: z.infer<typeof getInput>, first: FirstReadContext): Promise<CenterDetail> {
  const { caller, docs } = await first.readWithCaller({ center: centerDetailPart(input.centerId) })
  const row = docs.center[0] as CenterDetailRow | undefined
  if (!row) throw notFound('邻里中心')
  return detailOf(row, caller)
}

/** A centre's funding in yuan, by type (grouped in the database). */
function fundingOf(rows: { _id: string; fen: number }[]): { total: number; byType: Record<string, number> } {
  const byType: Record<string, number> = {}
  let total = 0
  for (const row of rows) {
    byType[row._id] = row.fen / 100
    total += row.fen
  }
  return { total: total / 100, byType }
}
