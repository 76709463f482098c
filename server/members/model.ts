import type { PlacementInput, Registration, RegistrationEvent, RegistrationStatus, ServiceKind } from '../../contracts/members'
import { db } from '../core/db'
import { maskMobile } from '../core/mask'

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

/** Documents by `_id` from one collection, in queries of 100. */
export async function docsById<T extends { _id: string }>(collection: string, ids: (string | undefined)[]): Promise<Map<string, T>> {
  const unique = [...new Set(ids.filter((id): id is string => !!id))]
  const out = new Map<string, T>()
  const _ = db().command
  for (let i = 0; i < unique.length; i += 100) {
    const res = await db()
      .collection(collection)
      .where({ _id: _.in(unique.slice(i, i + 100)) })
      .limit(100)
      .get()
    for (const doc of res.data as T[]) out.set(doc._id, doc)
  }
  return out
}

export interface ViewOptions {
  /** Include the full mobile number (only for the registrant themself). */
  withMobile?: boolean
  withHistory?: boolean
}

/** Registrations as the contract shows them, with names of every place they refer to (batched). */
export async function toViews(records: RegistrationRecord[], options: ViewOptions = {}): Promise<Registration[]> {
  if (records.length === 0) return []
  const [communities, grids, buildings, branches, groups, households] = await Promise.all([
    docsById<Named>('communities', records.flatMap((r) => [r.communityId, r.transferFromCommunityId])),
    docsById<Named>('grids', records.map((r) => r.gridId)),
    docsById<Named>('buildings', records.flatMap((r) => [r.buildingId])),
    docsById<BranchDoc>('branches', records.map((r) => r.placement?.branchId)),
    docsById<PartyGroupDoc>('partyGroups', records.map((r) => r.placement?.partyGroupId)),
    docsById<CentralHouseholdDoc>('centralHouseholds', records.map((r) => r.placement?.centralHouseholdId))
  ])
  // Buildings of the central households (a household may be in another building of the grid).
  const missingBuildings = [...households.values()].map((h) => h.buildingId).filter((id) => !buildings.has(id))
  if (missingBuildings.length) for (const [id, b] of await docsById<Named>('buildings', missingBuildings)) buildings.set(id, b)

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

export async function toView(record: RegistrationRecord, options: ViewOptions = {}): Promise<Registration> {
  return (await toViews([record], options))[0]
}
