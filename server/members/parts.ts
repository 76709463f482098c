import type { Part, Pipeline } from '../core/together'
import { knownOf, REGISTRATIONS, type Known, type RegistrationRecord } from './model'

/** One document by `_id` as a part of a combined read. */
export const byIdPart = (collection: string, id: string): Part => ({ collection, build: (p) => p.match({ _id: id }).limit(1) })

const JOINED = ['_br', '_pg', '_ch', '_community', '_fromCommunity', '_grid', '_building', '_branch', '_group', '_household', '_householdBuilding'] as const

/**
 * Registrations (the pipeline's documents, already matched and limited) joined with every place
 * their view names: community (and the one a transfer leaves), grid, building, and the placement's
 * branch, party group, central household and its building. `viewsOf` turns them into records and
 * the `Known` places `toViews` then reads nothing for.
 */
export function withPlaces(p: Pipeline): Pipeline {
  return p
    .addFields({ _br: '$placement.branchId', _pg: '$placement.partyGroupId', _ch: '$placement.centralHouseholdId' })
    .lookup({ from: 'communities', localField: 'communityId', foreignField: '_id', as: '_community' })
    .lookup({ from: 'communities', localField: 'transferFromCommunityId', foreignField: '_id', as: '_fromCommunity' })
    .lookup({ from: 'grids', localField: 'gridId', foreignField: '_id', as: '_grid' })
    .lookup({ from: 'buildings', localField: 'buildingId', foreignField: '_id', as: '_building' })
    .lookup({ from: 'branches', localField: '_br', foreignField: '_id', as: '_branch' })
    .lookup({ from: 'partyGroups', localField: '_pg', foreignField: '_id', as: '_group' })
    .lookup({ from: 'centralHouseholds', localField: '_ch', foreignField: '_id', as: '_household' })
    .lookup({ from: 'buildings', localField: '_household.buildingId', foreignField: '_id', as: '_householdBuilding' })
}

/** Registrations read `withPlaces`: the records as stored, and the places joined to them. */
export function viewsOf(docs: Record<string, any>[]): { records: RegistrationRecord[]; known: Known } {
  const records = docs.map((doc) => {
    const record = { ...doc }
    for (const key of JOINED) delete record[key]
    return record as RegistrationRecord
  })
  const all = (key: string) => docs.flatMap((doc) => (doc[key] as Record<string, any>[] | undefined) ?? [])
  const known = knownOf({
    communities: [...all('_community'), ...all('_fromCommunity')] as any[],
    grids: all('_grid') as any[],
    buildings: [...all('_building'), ...all('_householdBuilding')] as any[],
    branches: all('_branch') as any[],
    partyGroups: all('_group') as any[],
    centralHouseholds: all('_household') as any[]
  })
  return { records, known }
}

/** One registration by `_id` with its places, as a part. */
export const registrationPart = (id: string): Part => ({ collection: REGISTRATIONS, build: (p) => withPlaces(p.match({ _id: id }).limit(1)) })
