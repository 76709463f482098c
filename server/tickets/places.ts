import { findById } from '../core/records'
import { AppError, notFound } from '../core/errors'

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

/** The compound (and building) a report is about, with its parties. */
export async function loadPlace(gridId: string, buildingId?: string | null): Promise<Place> {
  const grid = await findById<GridDoc>('grids', gridId)
  if (!grid) throw notFound('小区')
  const [community, building, company, oc] = await Promise.all([
    findById<CommunityDoc>('communities', grid.communityId),
    buildingId ? findById<BuildingDoc>('buildings', buildingId) : Promise.resolve(null),
    grid.companyId ? findById<CompanyDoc>('companies', grid.companyId) : Promise.resolve(null),
    findById<{ _id: string }>('ownersCommittees', `oc-${grid._id}`)
  ])
  if (!community) throw notFound('社区')
  if (buildingId && (!building || building.gridId !== grid._id)) throw new AppError('INVALID_INPUT', '楼栋不属于该小区', ['buildingId'])
  return { grid, community, building, company, hasOwnersCommittee: !!oc }
}
