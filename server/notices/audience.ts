import { AUDIENCE_ROLE_LABELS, type Audience } from '../../contracts/notices'
import type { Role } from '../../contracts/roles'
import { db } from '../core/db'
import { AppError } from '../core/errors'
import { canManageCommunity, isDistrictAdmin } from '../core/guard'
import type { Caller } from '../core/identity'
import { readTogether, type Part, type Pipeline } from '../core/together'
import { audienceKeysOf, audienceRolesOf } from './model'

export interface CommunityDoc {
  _id: string
  name: string
  order?: number
}
export interface GridDoc {
  _id: string
  communityId: string
  name: string
  order?: number
}
export interface BuildingDoc {
  _id: string
  gridId: string
  communityId: string
  name: string
  order?: number
}

export interface ResolvedAudience {
  audience: Audience
  audienceKeys: string[]
  audienceRoles: string[]
  communityIds: string[]
  manageKeys: string[]
  label: string
  /** Read with the places (not for a district-wide audience): every community's name, and the district's. */
  communityNames?: Map<string, string>
  districtName?: string
}

/** Documents by `_id`, read in pages of 100. */
export async function docsByIds<T extends { _id: string }>(collection: string, ids: readonly string[]): Promise<Map<string, T>> {
  const unique = [...new Set(ids)]
  const out = new Map<string, T>()
  const _ = db().command
  const pages: Promise<{ data: any[] }>[] = []
  for (let i = 0; i < unique.length; i += 100) {
    pages.push(db().collection(collection).where({ _id: _.in(unique.slice(i, i + 100)) }).limit(100).get())
  }
  for (const page of await Promise.all(pages)) for (const doc of page.data as T[]) out.set(doc._id, doc)
  return out
}

function missing(field: string, what: string): AppError {
  return new AppError('INVALID_INPUT', `所选${what}不存在`, [`audience.${field}`])
}

/**
 * Checks an audience against the district (every place exists) and the caller's scope (staff reach
 * their own communities; only the district admin reaches the whole district), drops places already
 * covered by a wider one, and works out the stored keys and a readable label.
 */
export async function resolveAudience(input: Audience, caller: Caller): Promise<ResolvedAudience> {
  const roles = [...new Set(input.roles)] as Role[]
  const audienceRoles = audienceRolesOf(roles)
  const shownRoles = audienceRoles[0] === 'all' ? [] : (audienceRoles as Role[])
  const roleLabel = shownRoles.length ? ` · 仅${shownRoles.map((role) => AUDIENCE_ROLE_LABELS[role]).join('、')}` : ''

  if (input.district) {
    if (!isDistrictAdmin(caller)) throw new AppError('FORBIDDEN', '只有区级管理员可以向全区发布通知')
    const audience: Audience = { district: true, communityIds: [], gridIds: [], buildingIds: [], roles: shownRoles }
    return {
      audience,
      audienceKeys: audienceKeysOf(audience),
      audienceRoles,
      communityIds: [],
      manageKeys: ['district'],
      label: `全区${roleLabel}`
    }
  }

  // The places named, the compounds of the buildings named and the district's communities (for the
  // publisher's name): one combined read (server/core/together.ts).
  const _ = db().command
  const byIds = (collection: string, ids: readonly string[], more?: (p: Pipeline) => Pipeline): Part => ({
    collection,
    build: (p) => (more ? more(p.match({ _id: _.in([...new Set(ids)]) }).limit(1000)) : p.match({ _id: _.in([...new Set(ids)]) }).limit(1000))
  })
  const reads: Record<string, Part> = { allCommunities: { collection: 'communities', build: (p) => p.match({}).limit(1000).project({ name: true, district: true }) } }
  if (input.gridIds.length) reads.grids = byIds('grids', input.gridIds)
  if (input.buildingIds.length) reads.buildings = byIds('buildings', input.buildingIds, (p) => p.lookup({ from: 'grids', localField: 'gridId', foreignField: '_id', as: 'grid' }))
  const found = await readTogether(reads)
  const allCommunities = new Map((found.allCommunities as (CommunityDoc & { district?: string })[]).map((c) => [c._id, c]))
  const communities = new Map([...new Set(input.communityIds)].filter((id) => allCommunities.has(id)).map((id) => [id, allCommunities.get(id)!]))
  const grids = new Map(((found.grids ?? []) as GridDoc[]).map((g) => [g._id, g]))
  const buildingDocs = (found.buildings ?? []) as (BuildingDoc & { grid: GridDoc[] })[]
  const buildings = new Map(buildingDocs.map(({ grid: _grid, ...b }) => [b._id, b as BuildingDoc]))
  const parentGrids = new Map(buildingDocs.flatMap((b) => b.grid).map((g) => [g._id, g]))
  for (const id of input.communityIds) if (!communities.has(id)) throw missing('communityIds', '社区')
  for (const id of input.gridIds) if (!grids.has(id)) throw missing('gridIds', '小区')
  for (const id of input.buildingIds) if (!buildings.has(id)) throw missing('buildingIds', '楼栋')

  const touched = new Set<string>([...communities.keys(), ...[...grids.values()].map((g) => g.communityId), ...[...buildings.values()].map((b) => b.communityId)])
  for (const communityId of touched) {
    if (!canManageCommunity(caller, communityId)) throw new AppError('FORBIDDEN', '只能向本社区的居民发布通知')
  }

  // A place inside a wider place of the same audience adds nobody.
  const communityIds = [...communities.keys()]
  const gridIds = [...grids.values()].filter((g) => !communities.has(g.communityId)).map((g) => g._id)
  const buildingIds = [...buildings.values()].filter((b) => !communities.has(b.communityId) && !gridIds.includes(b.gridId)).map((b) => b._id)
  const audience: Audience = { district: false, communityIds, gridIds, buildingIds, roles: shownRoles }

  // Label: 东风社区；锦绣花园；阳光小区 2号楼 · 仅在职党员
  const gridName = (id: string) => grids.get(id)?.name ?? parentGrids.get(id)?.name ?? ''
  const parts = [
    ...communityIds.map((id) => communities.get(id)!.name),
    ...gridIds.map((id) => grids.get(id)!.name),
    ...buildingIds.map((id) => {
      const b = buildings.get(id)!
      return `${gridName(b.gridId)}${b.name}`
    })
  ]
  const shown = parts.length > 4 ? `${parts.slice(0, 4).join('、')}等${parts.length}处` : parts.join('、')
  const ids = [...touched].sort()
  return {
    audience,
    audienceKeys: audienceKeysOf(audience),
    audienceRoles,
    communityIds: ids,
    manageKeys: ids,
    label: `${shown}${roleLabel}`,
    communityNames: new Map([...allCommunities].map(([id, c]) => [id, c.name])),
    districtName: [...allCommunities.values()][0]?.district
  }
}
