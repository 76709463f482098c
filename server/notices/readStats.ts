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
import type { FirstReadContext } from '../core/function'
import { managedCommunities } from '../core/guard'
import type { Caller } from '../core/identity'
import { maskMobile } from '../core/mask'
import { aggregateOf, readTogether, type Part, type Pipeline } from '../core/together'
import type { UserRecord } from '../core/identity'
import type { BuildingDoc, CommunityDoc, GridDoc } from './audience'
import { AUDIENCE_COUNTS, canViewStats, iso, NOTICES, READS, statusOf, type NoticeRecord } from './model'

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

const countOf = (docs: Record<string, any>[] | undefined): number => (docs?.[0]?.n as number | undefined) ?? 0
const countedBy = (docs: Record<string, any>[] | undefined): Map<string, number> =>
  new Map(((docs ?? []) as Counted[]).filter((c) => c._id).map((c) => [c._id as string, c.n]))
const named = <T extends { _id: string }>(docs: Record<string, any>[] | undefined): Map<string, T> => new Map(((docs ?? []) as T[]).map((d) => [d._id, d]))

/**
 * Round trips (server/core/together.ts): one combined read of the notice and the places the input
 * names (with the district's communities), one of every count of the level (audience and reads by
 * building, the readers outside the audience, the level's buildings and compounds, and for a
 * building the people who have not read it) — 2, the caller read with the first. The district level reads its
 * kept audience count instead, and when that is stale counts it again (one aggregate) and keeps it
 * (one write). A later page of a building's unread people whose members ran out on an earlier page
 * reads its residents after the count (one more).
 */
export async function readStats(input: StatsInput, ctx: FirstReadContext): Promise<ReadStats> {
  const now = clock.date()
  const first: Record<string, Part> = {
    notice: { collection: NOTICES, build: (p) => p.match({ _id: input.noticeId }).limit(1) },
    communities: { collection: 'communities', build: (p) => p.match({}).sort({ order: 1, _id: 1 }).limit(1000).project({ name: true, order: true }) }
  }
  if (input.buildingId)
    first.building = {
      collection: 'buildings',
      build: (p) => p.match({ _id: input.buildingId }).limit(1).lookup({ from: 'grids', localField: 'gridId', foreignField: '_id', as: 'grids' })
    }
  else if (input.gridId) first.grid = { collection: 'grids', build: (p) => p.match({ _id: input.gridId }).limit(1) }
  // The caller comes with it (`identity: 'withFirstRead'`).
  const { caller, docs: one } = await ctx.readWithCaller(first)
  const notice = (one.notice[0] as NoticeRecord | undefined) ?? null
  if (!notice || !canViewStats(notice, caller)) throw notFound('通知')
  const communityDocs = named<CommunityDoc>(one.communities)
  const scope = scopeOf(input, notice, caller, communityDocs, one.building?.[0] as (BuildingDoc & { grids: GridDoc[] }) | undefined, one.grid?.[0] as GridDoc | undefined)

  const $ = db().command.aggregate
  const _ = db().command
  const audienceWhereFor = (extra: object[]) => _.and([...audienceConditions(notice), ...extra])
  const audienceWhere = audienceWhereFor(userScope(scope))
  const readWhere = _.and([{ noticeId: notice._id }, { buildingId: _.neq(null) }, ...readScope(scope)])
  const groupPart = (collection: string, where: object, key: string): Part => ({
    collection,
    build: (p) => p.match(where).group({ _id: `$${key}`, n: $.sum(1) }).limit(1000)
  })

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
  let unread: ReadStats['unreadPeople'] | undefined

  if (scope.level === 'district') {
    const communities = scope.communities ?? [...communityDocs.keys()]
    const cached = await cachedCounts(notice, communities, now, audienceWhereFor)
    countedAt = cached.countedAt
    const housed = notice.housedByCommunity ?? {}
    const readsBy = notice.readsByCommunity ?? {}
    const ids = communities.filter((id) => (cached.counts.get(id) ?? 0) > 0 || (housed[id] ?? 0) > 0)
    const readBy = new Map(ids.map((id) => [id, housed[id] ?? 0]))
    result.byCommunity = ordered(ids.map((id) => row(id, communityDocs.get(id)?.name ?? id, cached.counts, readBy, undefined, communityDocs.get(id)?.order)))
    ;[audience, read] = totals(result.byCommunity)
    otherReaders = communities.reduce((sum, id) => sum + Math.max(0, (readsBy[id] ?? 0) - (housed[id] ?? 0)), 0) + (scope.communities ? 0 : readsBy._none ?? 0)
  } else {
    const place =
      scope.level === 'community' ? { communityId: scope.community!._id } : scope.level === 'grid' ? { gridId: scope.grid!._id } : { _id: scope.building!._id }
    const second: Record<string, Part> = {
      audienceBy: groupPart('users', audienceWhere, 'profile.buildingId'),
      readBy: groupPart(READS, readWhere, 'buildingId'),
      others: { collection: READS, build: (p) => p.match(_.and([{ noticeId: notice._id }, { buildingId: null }, ...readScope(scope)])).count('n') },
      buildings: { collection: 'buildings', build: (p) => p.match(place).limit(1000).project({ name: true, gridId: true, communityId: true, order: true }) }
    }
    if (scope.level === 'community') second.grids = { collection: 'grids', build: (p) => p.match({ communityId: scope.community!._id }).limit(1000).project({ name: true, order: true, communityId: true }) }
    const people = scope.level === 'building' ? unreadParts(notice, scope.building!, input) : null
    if (people) Object.assign(second, people.parts)
    const two = await readTogether(second)
    const audienceBy = countedBy(two.audienceBy)
    const readBy = countedBy(two.readBy)
    const buildingIds = [...new Set([...audienceBy.keys(), ...readBy.keys()])]
    const buildings = named<BuildingDoc>(two.buildings)
    const grids = scope.level === 'community' ? named<GridDoc>(two.grids) : new Map(scope.grid ? [[scope.grid._id, scope.grid]] : [])
    // A profile naming a building outside its own place (inconsistent data): named by a read of its own.
    const strays = buildingIds.filter((id) => !buildings.has(id))
    if (strays.length) for (const [id, b] of await docs<BuildingDoc>('buildings', strays)) buildings.set(id, b)
    const strayGrids = [...new Set([...buildings.values()].map((b) => b.gridId))].filter((id) => !grids.has(id))
    if (strayGrids.length) for (const [id, g] of await docs<GridDoc>('grids', strayGrids)) grids.set(id, g)
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
    otherReaders = countOf(two.others)
    if (people) unread = await people.finish(two)
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
  if (scope.level === 'building') stats.unreadPeople = unread
  return stats
}

/** The level asked for, checked against what the caller may see; by default the notice's own extent (no reads: the places came with the notice). */
function scopeOf(
  input: StatsInput,
  notice: NoticeRecord,
  caller: Caller,
  communities: Map<string, CommunityDoc>,
  building: (BuildingDoc & { grids?: GridDoc[] }) | undefined,
  grid: GridDoc | undefined
): Scope {
  const managed = managedCommunities(caller)
  const reachable = (communityId: string) =>
    (managed === null || managed.includes(communityId)) && (notice.audience.district || notice.communityIds.includes(communityId))
  const community = (id: string) => {
    const doc = communities.get(id)
    if (!doc || !reachable(id)) throw notFound('社区')
    return doc
  }
  if (input.buildingId) {
    if (!building || !reachable(building.communityId)) throw notFound('楼栋')
    const { grids, ...b } = building
    const c = community(building.communityId)
    return { level: 'building', communities: [c._id], community: c, grid: grids?.[0] ?? undefined, building: b }
  }
  if (input.gridId) {
    if (!grid || !reachable(grid.communityId)) throw notFound('小区')
    return { level: 'grid', communities: [grid.communityId], community: community(grid.communityId), grid }
  }
  if (input.communityId) return { level: 'community', communities: [input.communityId], community: community(input.communityId) }
  const candidates = notice.audience.district ? managed : notice.communityIds.filter((id) => managed === null || managed.includes(id))
  if (candidates && candidates.length === 1) return { level: 'community', communities: candidates, community: community(candidates[0]) }
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
 * notice for everybody shares one count. Counted again: one aggregate by community (on the
 * `profile.communityId` index), then kept.
 */
async function cachedCounts(
  notice: NoticeRecord,
  communities: string[],
  now: Date,
  where: (extra: object[]) => object
): Promise<{ counts: Map<string, number>; countedAt: Date }> {
  const signature = JSON.stringify([notice.audienceKeys, notice.audienceRoles, communities])
  const key = `aud-${createHash('sha1').update(signature).digest('hex')}`
  const ref = db().collection(AUDIENCE_COUNTS)
  const res = await ref.where({ _id: key }).limit(1).get()
  const cached = res.data[0] as { counts: { id: string; n: number }[]; countedAt: Date } | undefined
  if (cached && now.getTime() - new Date(cached.countedAt).getTime() < AUDIENCE_COUNT_TTL_MS) {
    return { counts: new Map(cached.counts.map((c) => [c.id, c.n])), countedAt: new Date(cached.countedAt) }
  }
  const _ = db().command
  const grouped = await aggregateOf({
    collection: 'users',
    build: (p) => p.match(where([{ 'profile.communityId': _.in(communities) }])).group({ _id: '$profile.communityId', n: _.aggregate.sum(1) }).limit(1000)
  })
  const found = countedBy(grouped)
  const counts = new Map(communities.map((id) => [id, found.get(id) ?? 0]))
  await ref.doc(key).set({ data: { counts: [...counts].map(([id, n]) => ({ id, n })), countedAt: now } })
  return { counts, countedAt: now }
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

/**
 * People in the building's audience who have not opened it: members first, then residents; paged.
 * Parts of the level's combined read: each person's read looked up by its readId, the two counts,
 * the members' page and (on the first page, or once the members ran out before this page) the
 * residents' page.
 */
function unreadParts(
  notice: NoticeRecord,
  building: BuildingDoc,
  input: StatsInput
): { parts: Record<string, Part>; finish: (found: Record<string, Record<string, any>[]>) => Promise<ReadStats['unreadPeople']> } {
  const _ = db().command
  const $ = _.aggregate
  const base = _.and([...audienceConditions(notice), { 'profile.buildingId': building._id }])
  const unread = (p: Pipeline, role: object) =>
    p
      .match(base)
      .addFields({ readKey: $.concat([`${notice._id}:`, '$_id']) })
      .lookup({ from: READS, localField: 'readKey', foreignField: '_id', as: 'reads' })
      .match(_.and([{ reads: _.size(0) }, role]))
  const members = { roles: 'member' }
  const residents = { roles: _.neq('member') }
  const offset = (input.page - 1) * input.pageSize
  const pageOf = (role: object, skip: number, limit: number): Part => ({
    collection: 'users',
    build: (p) => unread(p, role).sort({ _id: 1 }).skip(skip).limit(limit).project({ profile: true, roles: true })
  })
  const parts: Record<string, Part> = {
    memberCount: { collection: 'users', build: (p) => unread(p, members).count('n') },
    residentCount: { collection: 'users', build: (p) => unread(p, residents).count('n') },
    memberPage: pageOf(members, offset, input.pageSize)
  }
  if (offset === 0) parts.residentPage = pageOf(residents, 0, input.pageSize)
  const finish = async (found: Record<string, Record<string, any>[]>): Promise<ReadStats['unreadPeople']> => {
    const memberTotal = countOf(found.memberCount)
    const people = [...(found.memberPage as UserRecord[])]
    const left = input.pageSize - people.length
    if (left > 0) {
      const page = offset === 0 ? found.residentPage : await aggregateOf(pageOf(residents, Math.max(0, offset - memberTotal), left))
      people.push(...(page as UserRecord[]).slice(0, left))
    }
    const items: UnreadPerson[] = people.map((u) => {
      const isMember = (u.roles ?? []).includes('member')
      return { name: u.profile?.name ?? '居民', mobileMasked: maskMobile(u.profile?.mobile), isMember, roleLabel: isMember ? '在职党员' : '居民' }
    })
    return { items, total: memberTotal + countOf(found.residentCount), page: input.page, pageSize: input.pageSize }
  }
  return { parts, finish }
}
