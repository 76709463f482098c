import { fullMobileOf, type Registration, type RegistrationStatus } from '../../contracts/members'
import { db } from '../core/db'
import { forbidden } from '../core/errors'
import { inCommunities, isDistrictAdmin, managedCommunities } from '../core/guard'
import type { Caller } from '../core/identity'
import { findById } from '../core/records'

export interface Filters {
  communityId?: string
  status?: RegistrationStatus
  gridId?: string
  buildingId?: string
  workUnit?: string
  q?: string
}

/** Regex-safe literal text for a "contains" search. */
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * The communities a list or export covers: district admin — all, or the one asked for; staff — their
 * own (one of them if asked). A grid or building outside those is FORBIDDEN, so another community's
 * staff cannot read c1's members by naming c1's grid.
 */
export async function resolveScope(caller: Caller, filters: Filters): Promise<string[] | null> {
  const [grid, building] = await Promise.all([
    filters.gridId ? findById<{ communityId: string }>('grids', filters.gridId) : null,
    filters.buildingId ? findById<{ communityId: string }>('buildings', filters.buildingId) : null
  ])
  return scopeOf(caller, filters, grid, building)
}

/** `resolveScope` on the grid and building the filters name, as read (null: none, or not found). */
export function scopeOf(caller: Caller, filters: Filters, grid: { communityId: string } | null | undefined, building: { communityId: string } | null | undefined): string[] | null {
  const managed = managedCommunities(caller)
  let communities: string[] | null
  if (filters.communityId) {
    if (managed && !managed.includes(filters.communityId)) throw forbidden('仅本社区工作人员可查看')
    communities = [filters.communityId]
  } else {
    communities = managed
  }
  if (communities && communities.length === 0) throw forbidden('仅社区工作人员可查看')
  const inScope = (communityId: string | undefined) => !!communityId && (communities === null || communities.includes(communityId))
  if (filters.gridId && (!grid || !inScope(grid.communityId))) throw forbidden('仅本社区工作人员可查看')
  if (filters.buildingId && (!building || !inScope(building.communityId))) throw forbidden('仅本社区工作人员可查看')
  return communities
}

/** The database condition for the filters within the scope. */
export function whereOf(communities: string[] | null, filters: Filters): Record<string, unknown> {
  const d = db()
  const _ = d.command
  const parts: Record<string, unknown>[] = []
  if (communities) parts.push(inCommunities(communities))
  if (filters.status) parts.push({ status: filters.status })
  if (filters.gridId) parts.push({ gridId: filters.gridId })
  if (filters.buildingId) parts.push({ buildingId: filters.buildingId })
  if (filters.workUnit) parts.push({ workUnit: d.RegExp({ regexp: escape(filters.workUnit), options: 'i' }) })
  if (filters.q) {
    // A mobile only as the whole number, never a part of one (issue #16): the list audits it.
    const mobile = fullMobileOf(filters.q)
    if (mobile) parts.push({ mobile })
    else {
      const re = d.RegExp({ regexp: escape(filters.q), options: 'i' })
      parts.push(_.or([{ name: re }, { workUnit: re }, { partyOrg: re }]))
    }
  }
  if (parts.length === 0) return {}
  if (parts.length === 1) return parts[0]
  return _.and(parts)
}

/** Staff and district admin see masked numbers in lists; a full number needs `revealMobile`. */
export function stripMobile<T extends Registration>(view: T): Omit<T, 'mobile'> {
  const { mobile: _mobile, ...rest } = view
  return rest
}

export { isDistrictAdmin }
