/**
 * Read coverage of a notice, level by level: the district (rows per community), one community
 * (rows per grid and per building), one grid (rows per building), one building (its row and who
 * there has not read it, party members first, for the 楼栋党小组 to follow up in person).
 *
 * Audience = people in the notice's audience with a known residence (a `users` profile with a
 * building: approved members, residents who set their address), counted with an aggregate over
 * `users` grouped by place; read = their reads, an aggregate over `noticeReads` grouped the same way
 * (each read carries the reader's community/grid/building). Everything is counted in the database.
 * Inside one community the counts are live (indexed on the community); the district-wide audience
 * count scans the whole population, so it is kept in `noticeAudienceCounts` for 5 minutes (the
 * reply says when it was counted). Reads are always live.
 */
import { createHash } from 'node:crypto'
import type { z } from 'zod'
import type { CoverageRow, noticesReadStatsInput, ReadStats, UnreadPerson } from '../../contracts/notices'
import { clock } from '../core/clock'
import { db } from '../core/db'
import { notFound } from '../core/errors'
import { managedCommunities } from '../core/guard'
import type { Caller } from '../core/identity'
import { maskMobile } from '../core/mask'
import { findById } from '../core/records'
import type { UserRecord } from '../core/identity'
import type { BuildingDoc, CommunityDoc, GridDoc } from './audience'
import { AUDIENCE_COUNTS, canViewStats, iso, READS, statusOf, type NoticeRecord } from './model'
import { loadNotice } from './publish'

type StatsInput = z.output<typeof noticesReadStatsInput>
type Level = ReadStats['scope']['level']

export const AUDIENCE_COUNT_TTL_MS = 5 * 60_000

interface Scope {
  level: Level
  /** district level: the communities shown (null: all). */
  communities: string[] | null
  community?: CommunityDoc
  grid?: GridDoc
  building?: BuildingDoc
}

interface Counted {
  _id: string | null
  n: number
}

export async function readStats(input: StatsInput, caller: Caller): Promise<ReadStats> {
  const now = clock.date()
  const notice = await loadNotice(input.noticeId).catch(() => null)
  if (!notice || !canViewStats(notice, caller)) throw notFound('通知')
  const scope = await scopeOf(input, notice, caller)

  const users = db().collection('users')
  const reads = db().collection(READS)
  const $ = db().command.aggregate
  const _ = db().command
  const audienceWhereFor = (extra: object[]) => _.and([...audienceConditions(notice), ...extra])
  const audienceWhere = audienceWhereFor(userScope(scope))
  const readWhere = _.and([{ noticeId: notice._id }, { buildingId: _.neq(null) }, ...readScope(scope)])

  const groupBy = async (collection: 'users' | 'reads', key: string): Promise<Map<string, number>> => {
    const ref = collection === 'users' ? users : reads
    const res = await ref
      .aggregate()
      .match(collection === 'users' ? audienceWhere : readWhere)
      .group({ _id: `$${key}`, n: $.sum(1) })
      .limit(1000)
      .end()
    return new Map((res.list as Counted[]).filter((c) => c._id).map((c) => [c._id as string, c.n]))
  }

  let countedAt = now
  const result: Omit<ReadStats, 'audience' | 'read' | 'unread' | 'rate' | 'otherReaders' | 'audienceCountedAt'> = {
    noticeId: notice._id,
    title: notice.title,
    publishAt: iso(notice.publishAt)!,
    status: statusOf(notice, now),
    audienceLabel: notice.audienceLabel,
    scope: {
      level: scope.level,
      communityId: scope.community?._id,
      communityName: scope.community?.name,
      gridId: scope.grid?._id,
      gridName: scope.grid?.name,
      buildingId: scope.building?._id,
      buildingName: scope.building?.name
    }
  }
  let audience = 0
  let read = 0
  let otherReaders = 0

  if (scope.level === 'district') {
    // Reads per community come from the notice's own tallies; audience sizes from a short-lived count.
    const communities = scope.communities ?? (await allCommunityIds())
    const cached = await cachedCounts(notice, communities, now, () => countByCommunity(audienceWhereFor, communities))
    countedAt = cached.countedAt
    const housed = notice.housedByCommunity ?? {}
    const readsBy = notice.readsByCommunity ?? {}
    const ids = communities.filter((id) => (cached.counts.get(id) ?? 0) > 0 || (housed[id] ?? 0) > 0)
    const names = await docs<CommunityDoc>('communities', ids)
    const readBy = new Map(ids.map((id) => [id, housed[id] ?? 0]))
    result.byCommunity = ordered(ids.map((id) => row(id, names.get(id)?.name ?? id, cached.counts, readBy, undefined, names.get(id)?.order)))
    ;[audience, read] = totals(result.byCommunity)
    otherReaders = communities.reduce((sum, id) => sum + Math.max(0, (readsBy[id] ?? 0) - (housed[id] ?? 0)), 0) + (scope.communities ? 0 : readsBy._none ?? 0)
  } else {
    const others = reads.where(_.and([{ noticeId: notice._id }, { buildingId: null }, ...readScope(scope)])).count()
    const [audienceBy, readBy] = await Promise.all([groupBy('users', 'profile.buildingId'), groupBy('reads', 'buildingId')])
    const buildingIds = [...new Set([...audienceBy.keys(), ...readBy.keys()])]
    const buildings = await docs<BuildingDoc>('buildings', buildingIds)
    const grids = await docs<GridDoc>('grids', [...new Set([...buildings.values()].map((b) => b.gridId))])
    result.byBuilding = ordered(
      buildingIds.map((id) => {
        const b = buildings.get(id)
        const g = b ? grids.get(b.gridId) : undefined
        return row(id, b?.name ?? id, audienceBy, readBy, g?.name, (g?.order ?? 0) * 10_000 + (b?.order ?? 0))
      })
    )
    if (scope.level === 'community') {
      const byGrid = new Map<string, CoverageRow & { order: number }>()
      for (const r of result.byBuilding) {
        const b = buildings.get(r.id)
        const g = b ? grids.get(b.gridId) : undefined
        if (!b) continue
        const current = byGrid.get(b.gridId) ?? { id: b.gridId, name: g?.name ?? b.gridId, parentName: scope.community?.name, audience: 0, read: 0, order: g?.order ?? 0 }
        current.audience += r.audience
        current.read += r.read
        byGrid.set(b.gridId, current)
      }
      result.byGrid = [...byGrid.values()].sort((a, b) => a.order - b.order).map(({ order: _order, ...r }) => r)
    }
    ;[audience, read] = totals(result.byBuilding)
    otherReaders = (await others).total
  }

  const stats: ReadStats = {
    ...result,
    audience,
    read,
    unread: Math.max(0, audience - read),
    rate: audience > 0 ? Math.min(1, read / audience) : 0,
    otherReaders,
    audienceCountedAt: countedAt.toISOString()
  }
  if (scope.level === 'building') stats.unreadPeople = await unreadPeople(notice, scope.building!, input)
  return stats
}

/** The level asked for, checked against what the caller may see; by default the notice's own extent. */
async function scopeOf(input: StatsInput, notice: NoticeRecord, caller: Caller): Promise<Scope> {
  const managed = managedCommunities(caller)
  const reachable = (communityId: string) =>
    (managed === null || managed.includes(communityId)) && (notice.audience.district || notice.communityIds.includes(communityId))
  const community = async (id: string) => {
    const doc = await findById<CommunityDoc>('communities', id)
    if (!doc || !reachable(id)) throw notFound('社区')
    return doc
  }
  if (input.buildingId) {
    const building = await findById<BuildingDoc>('buildings', input.buildingId)
    if (!building || !reachable(building.communityId)) throw notFound('楼栋')
    const [grid, c] = await Promise.all([findById<GridDoc>('grids', building.gridId), community(building.communityId)])
    return { level: 'building', communities: [c._id], community: c, grid: grid ?? undefined, building }
  }
  if (input.gridId) {
    const grid = await findById<GridDoc>('grids', input.gridId)
    if (!grid || !reachable(grid.communityId)) throw notFound('小区')
    return { level: 'grid', communities: [grid.communityId], community: await community(grid.communityId), grid }
  }
  if (input.communityId) return { level: 'community', communities: [input.communityId], community: await community(input.communityId) }
  const candidates = notice.audience.district ? managed : notice.communityIds.filter((id) => managed === null || managed.includes(id))
  if (candidates && candidates.length === 1) return { level: 'community', communities: candidates, community: await community(candidates[0]) }
  return { level: 'district', communities: candidates ? [...candidates].sort() : null }
}

/** `users` in the notice's audience with a known residence. */
function audienceConditions(notice: NoticeRecord): object[] {
  const _ = db().command
  const conditions: object[] = [{ 'profile.buildingId': _.neq(null) }]
  if (!notice.audience.district) {
    const places: object[] = []
    const { communityIds, gridIds, buildingIds } = notice.audience
    if (communityIds.length) places.push({ 'profile.communityId': _.in(communityIds) })
    if (gridIds.length) places.push({ 'profile.gridId': _.in(gridIds) })
    if (buildingIds.length) places.push({ 'profile.buildingId': _.in(buildingIds) })
    conditions.push(places.length === 1 ? places[0] : _.or(places))
  }
  if (notice.audienceRoles[0] !== 'all') conditions.push({ roles: _.in(notice.audienceRoles) })
  return conditions
}

function userScope(scope: Scope): object[] {
  const _ = db().command
  if (scope.level === 'building') return [{ 'profile.buildingId': scope.building!._id }]
  if (scope.level === 'grid') return [{ 'profile.gridId': scope.grid!._id }]
  if (scope.level === 'community') return [{ 'profile.communityId': scope.community!._id }]
  return scope.communities ? [{ 'profile.communityId': _.in(scope.communities) }] : []
}

function readScope(scope: Scope): object[] {
  const _ = db().command
  if (scope.level === 'building') return [{ buildingId: scope.building!._id }]
  if (scope.level === 'grid') return [{ gridId: scope.grid!._id }]
  if (scope.level === 'community') return [{ communityId: scope.community!._id }]
  return scope.communities ? [{ communityId: _.in(scope.communities) }] : []
}

/**
 * District-level audience sizes per community, kept for AUDIENCE_COUNT_TTL_MS. Keyed by the audience
 * (place keys and roles) and the communities shown — not by the notice — so every district-wide
 * notice for everybody shares one count.
 */
async function cachedCounts(
  notice: NoticeRecord,
  communities: string[],
  now: Date,
  count: () => Promise<Map<string, number>>
): Promise<{ counts: Map<string, number>; countedAt: Date }> {
  const signature = JSON.stringify([notice.audienceKeys, notice.audienceRoles, communities])
  const key = `aud-${createHash('sha1').update(signature).digest('hex')}`
  const ref = db().collection(AUDIENCE_COUNTS)
  const res = await ref.where({ _id: key }).limit(1).get()
  const cached = res.data[0] as { counts: { id: string; n: number }[]; countedAt: Date } | undefined
  if (cached && now.getTime() - new Date(cached.countedAt).getTime() < AUDIENCE_COUNT_TTL_MS) {
    return { counts: new Map(cached.counts.map((c) => [c.id, c.n])), countedAt: new Date(cached.countedAt) }
  }
  const counts = await count()
  await ref.doc(key).set({ data: { counts: [...counts].map(([id, n]) => ({ id, n })), countedAt: now } })
  return { counts, countedAt: now }
}

/** One `count()` per community (each on the `profile.communityId` index), in parallel. */
async function countByCommunity(where: (extra: object[]) => object, communities: string[]): Promise<Map<string, number>> {
  const users = db().collection('users')
  const totals = await Promise.all(communities.map((id) => users.where(where([{ 'profile.communityId': id }])).count()))
  return new Map(communities.map((id, i) => [id, totals[i].total]))
}

async function allCommunityIds(): Promise<string[]> {
  const ids: string[] = []
  for (let page = 0; page < 20; page++) {
    const res = await db().collection('communities').orderBy('order', 'asc').skip(page * 100).limit(100).field({ _id: true }).get()
    ids.push(...(res.data as { _id: string }[]).map((c) => c._id))
    if (res.data.length < 100) break
  }
  return ids
}

async function docs<T extends { _id: string }>(collection: string, ids: string[]): Promise<Map<string, T>> {
  const _ = db().command
  const out = new Map<string, T>()
  const pages = []
  for (let i = 0; i < ids.length; i += 100) {
    pages.push(db().collection(collection).where({ _id: _.in(ids.slice(i, i + 100)) }).limit(100).get())
  }
  for (const page of await Promise.all(pages)) for (const doc of page.data as T[]) out.set(doc._id, doc)
  return out
}

function row(id: string, name: string, audienceBy: Map<string, number>, readBy: Map<string, number>, parentName?: string, order = 0): CoverageRow & { order: number } {
  return { id, name, ...(parentName ? { parentName } : {}), audience: audienceBy.get(id) ?? 0, read: readBy.get(id) ?? 0, order }
}

function ordered(rows: (CoverageRow & { order: number })[]): CoverageRow[] {
  return rows.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id)).map(({ order: _order, ...r }) => r)
}

function totals(rows: CoverageRow[]): [number, number] {
  return rows.reduce<[number, number]>(([a, r], row) => [a + row.audience, r + row.read], [0, 0])
}

/** People in the building's audience who have not opened it: members first, then residents; paged. */
async function unreadPeople(notice: NoticeRecord, building: BuildingDoc, input: StatsInput): Promise<ReadStats['unreadPeople']> {
  const _ = db().command
  const readers = await db()
    .collection(READS)
    .where({ noticeId: notice._id, buildingId: building._id })
    .field({ openid: true })
    .limit(1000)
    .get()
  const readOpenids = (readers.data as { openid: string }[]).map((r) => r.openid)
  const base = [...audienceConditions(notice), { 'profile.buildingId': building._id }, ...(readOpenids.length ? [{ _id: _.nin(readOpenids) }] : [])]
  const members = _.and([...base, { roles: 'member' }])
  const residents = _.and([...base, { roles: _.neq('member') }])
  const users = db().collection('users')
  const [memberCount, residentCount] = await Promise.all([users.where(members).count(), users.where(residents).count()])
  const offset = (input.page - 1) * input.pageSize
  const found: UserRecord[] = []
  if (offset < memberCount.total) {
    const res = await users.where(members).orderBy('_id', 'asc').skip(offset).limit(input.pageSize).get()
    found.push(...(res.data as UserRecord[]))
  }
  const left = input.pageSize - found.length
  if (left > 0) {
    const skip = Math.max(0, offset - memberCount.total)
    const res = await users.where(residents).orderBy('_id', 'asc').skip(skip).limit(left).get()
    found.push(...(res.data as UserRecord[]))
  }
  const items: UnreadPerson[] = found.map((u) => {
    const isMember = (u.roles ?? []).includes('member')
    return { name: u.profile?.name ?? '居民', mobileMasked: maskMobile(u.profile?.mobile), isMember, roleLabel: isMember ? '在职党员' : '居民' }
  })
  return { items, total: memberCount.total + residentCount.total, page: input.page, pageSize: input.pageSize }
}
