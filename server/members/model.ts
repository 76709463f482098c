import type { PlacementInput, Registration, RegistrationEvent, RegistrationStatus, ServiceKind } from '../../contracts/members'
import { db } from '../core/db'
import { maskMobile } from '../core/mask'
import { readTogether, type Part } from '../core/together'

export const REGISTRATIONS = 'registrations'
export const SETTINGS = 'settings'
/** The settings document holding the district's registration target. */
export const TARGET_SETTING_ID = 'registration'

export interface HistoryRecord {
  at: Date
  event: RegistrationEvent
  actor: string
  actorName?: string
  note?: string
}

/**
 * One registration (报到) in `registrations`. Never deleted: a rejected one stays as a record,
 * a released one becomes 'transferred'.
 *
 * `slot` makes "one active registration per person" a database guarantee (unique index):
 * `pending:<openid>` while pending, `approved:<openid>` while approved, `closed:<_id>` after.
 * So a person has at most one pending and at most one approved registration (both at once only
 * during a transfer), even when two phones submit at the same moment.
 */
export interface RegistrationRecord {
  _id: string
  openid: string
  slot: string
  status: RegistrationStatus
  scene?: string
  communityId: string
  gridId: string
  buildingId: string
  unit?: string
  room: string
  name: string
  mobile: string
  workUnit: string
  partyOrg: string
  skills: string[]
  services: ServiceKind[]
  /** When the registrant consented to the processing of their personal information. */
  consentAt: Date
  submittedAt: Date
  updatedAt: Date
  reviewedAt?: Date
  reviewedBy?: string
  reviewerName?: string
  rejectReason?: string
  /** Always present (false for a first registration): stats group on it. */
  isTransfer: boolean
  /** The approved registration in another community this one replaces when approved. */
  transferFrom?: string
  transferFromCommunityId?: string
  /** On a released registration: the one that replaced it. */
  transferredTo?: string
  placement?: PlacementInput
  history: HistoryRecord[]
}

export const slotFor = (status: RegistrationStatus, openid: string, id: string): string =>
  status === 'pending' ? `pending:${openid}` : status === 'approved' ? `approved:${openid}` : `closed:${id}`

export const iso = (d: Date | string | undefined): string | undefined => (d ? new Date(d).toISOString() : undefined)

interface Named {
  _id: string
  name: string
}
interface BranchDoc extends Named {
  gridId: string
  communityId: string
  secretary: string
}
interface PartyGroupDoc extends Named {
  buildingId: string
  gridId: string
  communityId: string
  leader: string
}
interface CentralHouseholdDoc extends Named {
  buildingId: string
  gridId: string
  communityId: string
  room: string
}
export type { BranchDoc, PartyGroupDoc, CentralHouseholdDoc }

/** One get returns at most this many documents (the cloud server SDK's limit). */
const READ_LIMIT = 1000

/** Places a view names, by collection: documents already read (a registration's grid, a placement's group …) are not read again. */
export interface Known {
  communities: Map<string, Named>
  grids: Map<string, Named>
  buildings: Map<string, Named>
  branches: Map<string, BranchDoc>
  partyGroups: Map<string, PartyGroupDoc>
  centralHouseholds: Map<string, CentralHouseholdDoc>
}

export function knownOf(docs: { [K in keyof Known]?: (Parameters<Known[K]['set']>[1] | null | undefined)[] } = {}): Known {
  const map = <T extends { _id: string }>(list?: (T | null | undefined)[]) => new Map((list ?? []).filter((d): d is T => !!d).map((d) => [d._id, d]))
  return {
    communities: map(docs.communities),
    grids: map(docs.grids),
    buildings: map(docs.buildings),
    branches: map(docs.branches),
    partyGroups: map(docs.partyGroups),
    centralHouseholds: map(docs.centralHouseholds)
  }
}

export interface ViewOptions {
  /** Include the full mobile number (only for the registrant themself). */
  withMobile?: boolean
  withHistory?: boolean
}

/** The view's collections, by `Known` key. */
const PLACE_COLLECTIONS: Record<keyof Known, string> = {
  communities: 'communities',
  grids: 'grids',
  buildings: 'buildings',
  branches: 'branches',
  partyGroups: 'partyGroups',
  centralHouseholds: 'centralHouseholds'
}

/**
 * Reads the documents of `wanted` that `known` does not hold yet, every collection in one round trip
 * (server/core/together.ts), and adds them to `known`.
 */
export async function readPlaces(known: Known, wanted: { [K in keyof Known]?: (string | undefined)[] }): Promise<void> {
  const parts: Record<string, Part> = {}
  for (const key of Object.keys(wanted) as (keyof Known)[]) {
    const ids = [...new Set((wanted[key] ?? []).filter((id): id is string => !!id && !known[key].has(id)))]
    // Parts of at most READ_LIMIT ids, as a get would read them (an export names thousands).
    for (let i = 0; i < ids.length; i += READ_LIMIT) {
      const chunk = ids.slice(i, i + READ_LIMIT)
      parts[`${key}_${i}`] = { collection: PLACE_COLLECTIONS[key], build: (p) => p.match({ _id: chunk.length === 1 ? chunk[0] : db().command.in(chunk) }).limit(chunk.length) }
    }
  }
  if (Object.keys(parts).length === 0) return
  const found = await readTogether(parts)
  for (const [name, docs] of Object.entries(found)) {
    const map = known[name.split('_')[0] as keyof Known] as Map<string, unknown>
    for (const doc of docs) map.set(doc._id, doc)
  }
}

/** Registrations as the contract shows them, with names of every place they refer to (one round trip for those not known). */
export async function toViews(records: RegistrationRecord[], options: ViewOptions = {}, known: Known = knownOf()): Promise<Registration[]> {
  if (records.length === 0) return []
  await readPlaces(known, {
    communities: records.flatMap((r) => [r.communityId, r.transferFromCommunityId]),
    grids: records.map((r) => r.gridId),
    // A household is usually in the member's own building or named after its building (`ch-<buildingId>`): read with the others.
    buildings: records.flatMap((r) => [r.buildingId, householdBuilding(r.placement?.centralHouseholdId)]),
    branches: records.map((r) => r.placement?.branchId),
    partyGroups: records.map((r) => r.placement?.partyGroupId),
    centralHouseholds: records.map((r) => r.placement?.centralHouseholdId)
  })
  const { communities, grids, buildings, branches, partyGroups: groups, centralHouseholds: households } = known
  // Buildings of the central households in another building of the grid (rare: a second round trip).
  await readPlaces(known, { buildings: records.map((r) => (r.placement?.centralHouseholdId ? households.get(r.placement.centralHouseholdId)?.buildingId : undefined)) })

  return records.map((r) => {
    const branch = r.placement ? branches.get(r.placement.branchId) : undefined
    const group = r.placement ? groups.get(r.placement.partyGroupId) : undefined
    const household = r.placement?.centralHouseholdId ? households.get(r.placement.centralHouseholdId) : undefined
    const view: Registration = {
      id: r._id,
      status: r.status,
      scene: r.scene,
      communityId: r.communityId,
      communityName: communities.get(r.communityId)?.name ?? '',
      gridId: r.gridId,
      gridName: grids.get(r.gridId)?.name ?? '',
      buildingId: r.buildingId,
      buildingName: buildings.get(r.buildingId)?.name ?? '',
      unit: r.unit || undefined,
      room: r.room,
      name: r.name,
      mobileMasked: maskMobile(r.mobile) ?? '',
      mobile: options.withMobile ? r.mobile : undefined,
      workUnit: r.workUnit,
      partyOrg: r.partyOrg,
      skills: r.skills ?? [],
      services: r.services ?? [],
      submittedAt: iso(r.submittedAt)!,
      updatedAt: iso(r.updatedAt)!,
      reviewedAt: iso(r.reviewedAt),
      reviewerName: r.reviewerName,
      rejectReason: r.rejectReason,
      transferFrom:
        r.transferFrom && r.transferFromCommunityId
          ? { registrationId: r.transferFrom, communityId: r.transferFromCommunityId, communityName: communities.get(r.transferFromCommunityId)?.name ?? '' }
          : undefined,
      placement:
        branch && group
          ? {
              branch: { id: branch._id, name: branch.name, secretary: branch.secretary, gridId: branch.gridId },
              partyGroup: { id: group._id, name: group.name, leader: group.leader, buildingId: group.buildingId },
              centralHousehold: household
                ? { id: household._id, name: household.name, room: household.room, buildingName: buildings.get(household.buildingId)?.name }
                : null
            }
          : undefined,
      history: options.withHistory
        ? (r.history ?? []).map((h) => ({ at: iso(h.at)!, event: h.event, actorName: h.actorName, note: h.note }))
        : undefined
    }
    // Drop undefined keys: the reply is JSON anyway, and tests compare shapes.
    for (const key of Object.keys(view) as (keyof Registration)[]) if (view[key] === undefined) delete view[key]
    return view
  })
}

export async function toView(record: RegistrationRecord, options: ViewOptions = {}, known?: Known): Promise<Registration> {
  return (await toViews([record], options, known))[0]
}

/** The building a central household id names (`ch-<buildingId>`, server/members/placement.ts). */
export const householdBuilding = (id: string | undefined) => (id?.startsWith('ch-') ? id.slice(3) : undefined)
