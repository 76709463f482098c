import type { PlacementInput, PlacementOptions } from '../../contracts/members'
import { db } from '../core/db'
import { invalid } from '../core/errors'
import { requireCommunityStaff } from '../core/guard'
import type { Caller } from '../core/identity'
import { findById, getById } from '../core/records'
import { docsById, REGISTRATIONS, type BranchDoc, type CentralHouseholdDoc, type Known, type PartyGroupDoc, type RegistrationRecord } from './model'

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

/**
 * From the address: the grid's branch, the building's group, the building's household or the grid's
 * nearest. The documents read are added to `known` (the view of the placement names them).
 */
export async function suggestPlacement(r: Pick<RegistrationRecord, 'gridId' | 'buildingId'>, known?: Known): Promise<PlacementInput> {
  const [group, household] = await Promise.all([
    findById<PartyGroupDoc>('partyGroups', `pg-${r.buildingId}`),
    findById<CentralHouseholdDoc>('centralHouseholds', `ch-${r.buildingId}`)
  ])
  if (group) known?.partyGroups.set(group._id, group)
  let centralHouseholdId = household?._id
  if (household) known?.centralHouseholds.set(household._id, household)
  else {
    const [inGrid, building] = await Promise.all([gridHouseholds(r.gridId), findById<BuildingDoc>('buildings', r.buildingId)])
    const chosen = nearest(inGrid, building?.order ?? 0)
    centralHouseholdId = chosen?._id
    if (chosen) known?.centralHouseholds.set(chosen._id, chosen)
    if (building) known?.buildings.set(building._id, building)
  }
  return {
    branchId: `br-${r.gridId}`,
    partyGroupId: group?._id ?? '',
    ...(centralHouseholdId ? { centralHouseholdId } : {})
  }
}

async function gridHouseholds(gridId: string): Promise<(CentralHouseholdDoc & { order: number })[]> {
  const res = await db().collection('centralHouseholds').where({ gridId }).limit(1000).get()
  const households = res.data as CentralHouseholdDoc[]
  const buildings = await docsById<BuildingDoc>('buildings', households.map((h) => h.buildingId))
  return households.map((h) => ({ ...h, order: buildings.get(h.buildingId)?.order ?? 0 }))
}

/** The household in the building with the closest number (buildings are numbered along the compound). */
function nearest<T extends { order: number }>(households: T[], order: number): T | undefined {
  return [...households].sort((a, b) => Math.abs(a.order - order) - Math.abs(b.order - order) || a.order - b.order)[0]
}

/** What staff choose from when placing: the community's branches, and the groups and households of one grid. */
export async function placementOptions(input: { registrationId: string; gridId?: string }, caller: Caller): Promise<PlacementOptions> {
  const r = await getById<RegistrationRecord>(REGISTRATIONS, input.registrationId, '报到记录')
  requireCommunityStaff(caller, r.communityId)
  const gridId = input.gridId ?? r.gridId
  if (gridId !== r.gridId) {
    const grid = await findById<{ communityId: string }>('grids', gridId)
    if (!grid || grid.communityId !== r.communityId) throw invalid('所选小区（网格）不属于该社区', ['gridId'])
  }
  const [branchesRes, groupsRes, householdsRes, buildingsRes, otherGrid] = await Promise.all([
    db().collection('branches').where({ communityId: r.communityId }).limit(1000).get(),
    db().collection('partyGroups').where({ gridId }).limit(1000).get(),
    db().collection('centralHouseholds').where({ gridId }).limit(1000).get(),
    db().collection('buildings').where({ gridId }).field({ name: true, order: true }).limit(1000).get(),
    // Options for another grid than the address's: the suggestion is the address's own.
    gridId === r.gridId ? null : suggestPlacement(r)
  ])
  const buildings = buildingsRes.data as BuildingDoc[]
  const buildingNames = new Map(buildings.map((b) => [b._id, b.name]))
  const order = new Map(buildings.map((b) => [b._id, b.order]))
  const households = (householdsRes.data as CentralHouseholdDoc[]).map((h) => ({ ...h, order: order.get(h.buildingId) ?? 0 }))
  // The address's grid: its groups, households and buildings are those just read (the same rule as suggestPlacement).
  const suggested = otherGrid ?? suggestFrom(r, groupsRes.data as PartyGroupDoc[], households, order)
  const branches = (branchesRes.data as BranchDoc[]).sort(byNumber)
  const groups = (groupsRes.data as PartyGroupDoc[]).sort((a, b) => byNumber({ _id: a.buildingId }, { _id: b.buildingId }))
  return {
    suggested,
    gridId,
    branches: branches.map((b) => ({ id: b._id, name: b.name, secretary: b.secretary, gridId: b.gridId })),
    partyGroups: groups.map((g) => ({ id: g._id, name: g.name, leader: g.leader, buildingId: g.buildingId })),
    centralHouseholds: households
      .sort((a, b) => a.order - b.order)
      .map((h) => ({ id: h._id, name: h.name, room: h.room, buildingId: h.buildingId, buildingName: buildingNames.get(h.buildingId) ?? '' }))
  }
}

/** suggestPlacement over the documents of the address's grid already read. */
function suggestFrom(
  r: Pick<RegistrationRecord, 'gridId' | 'buildingId'>,
  groups: PartyGroupDoc[],
  households: (CentralHouseholdDoc & { order: number })[],
  order: Map<string, number>
): PlacementInput {
  const group = groups.find((g) => g._id === `pg-${r.buildingId}`)
  const household = households.find((h) => h._id === `ch-${r.buildingId}`) ?? nearest(households, order.get(r.buildingId) ?? 0)
  return {
    branchId: `br-${r.gridId}`,
    partyGroupId: group?._id ?? '',
    ...(household ? { centralHouseholdId: household._id } : {})
  }
}

/** c1g2 before c1g10: compare the numbers inside ids. */
function byNumber(a: { _id: string }, b: { _id: string }): number {
  return a._id.localeCompare(b._id, 'en', { numeric: true })
}

/** Checks a placement chosen by staff against the registration's community; INVALID_INPUT names the field. */
export async function validatePlacement(p: PlacementInput, communityId: string, known?: Known): Promise<PlacementInput> {
  const [branch, group, household] = await Promise.all([
    findById<BranchDoc>('branches', p.branchId),
    findById<PartyGroupDoc>('partyGroups', p.partyGroupId),
    p.centralHouseholdId ? findById<CentralHouseholdDoc>('centralHouseholds', p.centralHouseholdId) : null
  ])
  if (branch) known?.branches.set(branch._id, branch)
  if (group) known?.partyGroups.set(group._id, group)
  if (household) known?.centralHouseholds.set(household._id, household)
  if (!branch || branch.communityId !== communityId) throw invalid('所选党支部不属于该社区', ['placement.branchId'])
  if (!group || group.gridId !== branch.gridId) throw invalid('所选党小组不在该党支部所在小区', ['placement.partyGroupId'])
  if (p.centralHouseholdId && (!household || household.gridId !== branch.gridId))
    throw invalid('所选党员中心户不在该党支部所在小区', ['placement.centralHouseholdId'])
  return { branchId: branch._id, partyGroupId: group._id, ...(household ? { centralHouseholdId: household._id } : {}) }
}
