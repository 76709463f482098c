import { db } from '../core/db'
import { AppError, notFound } from '../core/errors'
import { aggregateOf, type Part, type Pipeline } from '../core/together'

export interface GridDoc {
  _id: string
  communityId: string
  name: string
  households: number
  management: 'professional' | 'public_interest' | 'entrusted' | 'self_managed'
  companyId?: string
}
export interface BuildingDoc {
  _id: string
  gridId: string
  communityId: string
  name: string
}
export interface CommunityDoc {
  _id: string
  name: string
}
export interface CompanyDoc {
  _id: string
  name: string
  kind: 'professional' | 'public_interest'
  partyMembers: number
  hasBranch: boolean
  partyInstructor?: string
  contact?: string
}

export interface Place {
  grid: GridDoc
  community: CommunityDoc
  building: BuildingDoc | null
  company: CompanyDoc | null
  /** The compound has an owners' committee (`oc-<gridId>`). */
  hasOwnersCommittee: boolean
}

/**
 * The compound (and building) a report is about, with its parties, in one round trip: the grid
 * with its community, company, building and owners' committee joined. `extra`: a document of
 * another collection read in the same aggregate (the routing rule of the category).
 */
export async function loadPlace(gridId: string, buildingId?: string | null): Promise<Place> {
  return (await loadPlaceWith(gridId, buildingId)).place
}

/** A person who may be told about a ticket of the place (server/tickets/notify.ts peopleOf picks a party's). */
export interface PlacePerson {
  _id: string
  roles?: string[]
  scopes?: { communityIds?: string[]; companyIds?: string[]; gridIds?: string[] }
}

/**
 * `people`: also the people of the compound's three parties (the community's staff, the company's
 * staff, the owners' committee of the grid: those scoped to it), joined in the same read.
 */
export async function loadPlaceWith<X = never>(
  gridId: string,
  buildingId?: string | null,
  extra?: { from: string; id: string },
  people = false
): Promise<{ place: Place; extra: X | null; people?: PlacePerson[] }> {
  return placeFrom<X>(await aggregateOf(placePart(gridId, buildingId, extra, people)), buildingId, people)
}

/**
 * The read of `loadPlaceWith` as a part of a combined read (server/core/together.ts: e.g. with the
 * caller's users document, `identity: 'withFirstRead'`); `placeFrom` turns its rows into the place.
 */
export function placePart(gridId: string, buildingId?: string | null, extra?: { from: string; id: string }, people = false): Part {
  return { collection: 'grids', build: (pipeline) => placeJoins(pipeline.match({ _id: gridId }).limit(1), gridId, buildingId, extra, people) }
}

function placeJoins(pipeline: Pipeline, gridId: string, buildingId?: string | null, extra?: { from: string; id: string }, people = false): Pipeline {
  const $ = db().command.aggregate
  const one = (from: string, id: string, as: string) => ({ from, pipeline: ($.pipeline() as any).match({ _id: id }).limit(1).done(), as })
  let p = pipeline
    .lookup({ from: 'communities', localField: 'communityId', foreignField: '_id', as: '_community' })
    .lookup({ from: 'companies', localField: 'companyId', foreignField: '_id', as: '_company' })
    .lookup(one('ownersCommittees', `oc-${gridId}`, '_oc'))
  if (buildingId) p = p.lookup(one('buildings', buildingId, '_building'))
  if (extra) p = p.lookup(one(extra.from, extra.id, '_extra'))
  if (people) {
    // A grid without a company must join no one (a missing local field would match every user
    // without company scopes), hence a key that no user carries.
    p = p
      .addFields({ _companyKey: $.cond({ if: '$companyId', then: '$companyId', else: '-' }) })
      .lookup({ from: 'users', localField: 'communityId', foreignField: 'scopes.communityIds', as: '_communityPeople' })
      .lookup({ from: 'users', localField: '_companyKey', foreignField: 'scopes.companyIds', as: '_companyPeople' })
      .lookup({ from: 'users', pipeline: ($.pipeline() as any).match({ 'scopes.gridIds': gridId }).limit(50).done(), as: '_gridPeople' })
  }
  return p
}

/** The place from the rows of `placePart` (NOT_FOUND without the grid or its community). */
export function placeFrom<X = never>(rows: Record<string, any>[], buildingId?: string | null, people = false): { place: Place; extra: X | null; people?: PlacePerson[] } {
  type Row = GridDoc & { _community: CommunityDoc[]; _company: CompanyDoc[]; _oc: unknown[]; _building?: BuildingDoc[]; _extra?: X[] }
  type PeopleRow = { _companyKey?: string; _communityPeople?: PlacePerson[]; _companyPeople?: PlacePerson[]; _gridPeople?: PlacePerson[] }
  const row = rows[0] as (Row & PeopleRow) | undefined
  if (!row) throw notFound('小区')
  const { _community, _company, _oc, _building, _extra, _companyKey, _communityPeople, _companyPeople, _gridPeople, ...grid } = row
  const community = _community[0]
  if (!community) throw notFound('社区')
  const building = _building?.[0] ?? null
  if (buildingId && (!building || building.gridId !== grid._id)) throw new AppError('INVALID_INPUT', '楼栋不属于该小区', ['buildingId'])
  const company = grid.companyId ? (_company[0] ?? null) : null
  const pick = (p: PlacePerson): PlacePerson => ({ _id: p._id, roles: p.roles, scopes: p.scopes })
  return {
    place: { grid, community, building, company, hasOwnersCommittee: _oc.length > 0 },
    extra: _extra?.[0] ?? null,
    people: people ? [...(_communityPeople ?? []), ...(_companyPeople ?? []), ...(_gridPeople ?? [])].map(pick) : undefined
  }
}
