import type { PlacementInput, PlacementOptions } from '../../contracts/members'
import { db } from '../core/db'
import { invalid, notFound } from '../core/errors'
import { requireCommunityStaff } from '../core/guard'
import type { Caller } from '../core/identity'
import { aggregateOf, readTogether, type Part } from '../core/together'
import { householdBuilding, knownOf, readPlaces, REGISTRATIONS, type BranchDoc, type CentralHouseholdDoc, type Known, type PartyGroupDoc, type RegistrationRecord } from './model'

/*
 * Placement in the four-level organisation: 社区大党委 (the community) → 网格党支部 (branch of a
 * grid, `br-<gridId>`) → 楼栋党小组 (party group of a building, `pg-<buildingId>`) → 党员中心户
 * (central household, `ch-<buildingId>`; not every building has one).
 *
 * Decision: the branch, group and household must all belong to one grid of the registration's
 * community (a group sits under its grid's branch); staff may place a member in another grid of
 * the community than their address (e.g. a member who serves where they grew up), not elsewhere.
 */

interface BuildingDoc {
  _id: string
  gridId: string
  name: string
  order: number
}

/** A registration with every document reviewing it names, read in one aggregate. */
export interface RegistrationForReview {
  record: RegistrationRecord
  /** The view's places: its community (and the one it transfers from), grid, building, and those below. */
  known: Known
  /** The suggestion from the address (the rule of suggestPlacement, over the documents read). */
  suggested: PlacementInput
  /** The community's branches and the address grid's groups, households and buildings. */
  options: GridOptions
  /** Whether the registrant has a `users` document (grantMember then updates it, else adds it). */
  userExists: boolean
  /** A transfer's registration in the community it leaves, as read (null for a first registration). */
  transferredFrom: RegistrationRecord | null
}

interface GridOptions {
  branches: BranchDoc[]
  groups: PartyGroupDoc[]
  households: CentralHouseholdDoc[]
  buildings: BuildingDoc[]
}

const JOINED = ['_old', '_community', '_fromCommunity', '_grid', '_building', '_gridBuildings', '_gridGroups', '_gridHouseholds', '_ownGroup', '_ownHousehold', '_branches', '_pg', '_ch', '_user'] as const

/**
 * One registration by `_id`, joined with what a review reads: its community's branches, its grid's
 * groups, households and buildings, and its own building's group and household (`pg-`/`ch-<buildingId>`).
 * One round trip; null when there is no such registration.
 */
export async function readForReview(registrationId: string): Promise<RegistrationForReview | null> {
  return reviewOf(await aggregateOf(reviewPart(registrationId)))
}

/** `readForReview` as a part of a combined read (server/core/together.ts): e.g. read with the caller. */
export function reviewPart(registrationId: string): Part {
  const $ = db().command.aggregate
  return {
    collection: REGISTRATIONS,
    build: (p) =>
      p
        .match({ _id: registrationId })
        .limit(1)
        .addFields({ _pg: $.concat(['pg-', '$buildingId']), _ch: $.concat(['ch-', '$buildingId']) })
        .lookup({ from: 'communities', localField: 'communityId', foreignField: '_id', as: '_community' })
        .lookup({ from: 'communities', localField: 'transferFromCommunityId', foreignField: '_id', as: '_fromCommunity' })
        .lookup({ from: 'grids', localField: 'gridId', foreignField: '_id', as: '_grid' })
        .lookup({ from: 'buildings', localField: 'buildingId', foreignField: '_id', as: '_building' })
        .lookup({ from: 'buildings', localField: 'gridId', foreignField: 'gridId', as: '_gridBuildings' })
        .lookup({ from: 'partyGroups', localField: 'gridId', foreignField: 'gridId', as: '_gridGroups' })
        .lookup({ from: 'centralHouseholds', localField: 'gridId', foreignField: 'gridId', as: '_gridHouseholds' })
        .lookup({ from: 'partyGroups', localField: '_pg', foreignField: '_id', as: '_ownGroup' })
        .lookup({ from: 'centralHouseholds', localField: '_ch', foreignField: '_id', as: '_ownHousehold' })
        .lookup({ from: 'branches', localField: 'communityId', foreignField: 'communityId', as: '_branches' })
        .lookup({ from: 'users', localField: 'openid', foreignField: '_id', as: '_user' })
        // A transfer's approved registration in the community it leaves (released by its approval).
        .lookup({ from: REGISTRATIONS, localField: 'transferFrom', foreignField: '_id', as: '_old' })
        .limit(1)
  }
}

/** The review's read of one registration (the part's documents): null when there is none. */
export function reviewOf(list: Record<string, any>[]): RegistrationForReview | null {
  const doc = list[0]
  if (!doc) return null
  const record = { ...doc } as RegistrationRecord
  for (const key of JOINED) delete (record as unknown as Record<string, unknown>)[key]
  const gridBuildings = doc._gridBuildings as BuildingDoc[]
  const groups = doc._gridGroups as PartyGroupDoc[]
  const households = doc._gridHouseholds as CentralHouseholdDoc[]
  const known = knownOf({
    communities: [...doc._community, ...doc._fromCommunity],
    grids: doc._grid,
    buildings: [...gridBuildings, ...doc._building],
    branches: doc._branches,
    partyGroups: [...groups, ...doc._ownGroup],
    centralHouseholds: [...households, ...doc._ownHousehold]
  })
  const order = new Map([...gridBuildings, ...(doc._building as BuildingDoc[])].map((b) => [b._id, b.order]))
  const group = (doc._ownGroup as PartyGroupDoc[])[0]
  const household = (doc._ownHousehold as CentralHouseholdDoc[])[0] ?? nearest(households.map((h) => ({ ...h, order: order.get(h.buildingId) ?? 0 })), order.get(record.buildingId) ?? 0)
  const suggested: PlacementInput = {
    branchId: `br-${record.gridId}`,
    partyGroupId: group?._id ?? '',
    ...(household ? { centralHouseholdId: household._id } : {})
  }
  return {
    record,
    known,
    suggested,
    options: { branches: doc._branches, groups, households, buildings: gridBuildings },
    userExists: doc._user.length > 0,
    transferredFrom: (doc._old?.[0] as RegistrationRecord | undefined) ?? null
  }
}

/** The household in the building with the closest number (buildings are numbered along the compound). */
function nearest<T extends { order: number }>(households: T[], order: number): T | undefined {
  return [...households].sort((a, b) => Math.abs(a.order - order) - Math.abs(b.order - order) || a.order - b.order)[0]
}

/** What staff choose from when placing: the community's branches, and the groups and households of one grid. */
export async function placementOptions(input: { registrationId: string; gridId?: string }, caller: Caller): Promise<PlacementOptions> {
  const read = await readForReview(input.registrationId)
  if (!read) throw notFound('报到记录')
  const r = read.record
  requireCommunityStaff(caller, r.communityId)
  const gridId = input.gridId ?? r.gridId
  let { groups, households, buildings } = read.options
  if (gridId !== r.gridId) {
    // Options for another grid than the address's (one more round trip): the suggestion stays the address's own.
    const other = await readTogether({
      grid: { collection: 'grids', build: (p) => p.match({ _id: gridId }).limit(1) },
      groups: { collection: 'partyGroups', build: (p) => p.match({ gridId }).limit(1000) },
      households: { collection: 'centralHouseholds', build: (p) => p.match({ gridId }).limit(1000) },
      buildings: { collection: 'buildings', build: (p) => p.match({ gridId }).limit(1000) }
    })
    if (other.grid[0]?.communityId !== r.communityId) throw invalid('所选小区（网格）不属于该社区', ['gridId'])
    groups = other.groups as PartyGroupDoc[]
    households = other.households as CentralHouseholdDoc[]
    buildings = other.buildings as BuildingDoc[]
  }
  const buildingNames = new Map(buildings.map((b) => [b._id, b.name]))
  const order = new Map(buildings.map((b) => [b._id, b.order]))
  return {
    suggested: read.suggested,
    gridId,
    branches: [...read.options.branches].sort(byNumber).map((b) => ({ id: b._id, name: b.name, secretary: b.secretary, gridId: b.gridId })),
    partyGroups: [...groups]
      .sort((a, b) => byNumber({ _id: a.buildingId }, { _id: b.buildingId }))
      .map((g) => ({ id: g._id, name: g.name, leader: g.leader, buildingId: g.buildingId })),
    centralHouseholds: households
      .map((h) => ({ ...h, order: order.get(h.buildingId) ?? 0 }))
      .sort((a, b) => a.order - b.order)
      .map((h) => ({ id: h._id, name: h.name, room: h.room, buildingId: h.buildingId, buildingName: buildingNames.get(h.buildingId) ?? '' }))
  }
}

/** c1g2 before c1g10: compare the numbers inside ids. */
function byNumber(a: { _id: string }, b: { _id: string }): number {
  return a._id.localeCompare(b._id, 'en', { numeric: true })
}

/**
 * Checks a placement chosen by staff against the registration's community; INVALID_INPUT names the
 * field. Reads (in one round trip) only what `known` lacks, and adds it there for the view.
 */
export async function validatePlacement(p: PlacementInput, communityId: string, known: Known = knownOf()): Promise<PlacementInput> {
  await readPlaces(known, {
    branches: [p.branchId],
    partyGroups: [p.partyGroupId],
    centralHouseholds: [p.centralHouseholdId],
    // The view names the household's building: usually the one it is named after.
    buildings: [householdBuilding(p.centralHouseholdId)]
  })
  const branch = known.branches.get(p.branchId)
  const group = known.partyGroups.get(p.partyGroupId)
  const household = p.centralHouseholdId ? known.centralHouseholds.get(p.centralHouseholdId) : undefined
  if (!branch || branch.communityId !== communityId) throw invalid('所选党支部不属于该社区', ['placement.branchId'])
  if (!group || group.gridId !== branch.gridId) throw invalid('所选党小组不在该党支部所在小区', ['placement.partyGroupId'])
  if (p.centralHouseholdId && (!household || household.gridId !== branch.gridId))
    throw invalid('所选党员中心户不在该党支部所在小区', ['placement.centralHouseholdId'])
  return { branchId: branch._id, partyGroupId: group._id, ...(household ? { centralHouseholdId: household._id } : {}) }
}
