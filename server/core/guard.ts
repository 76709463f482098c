import type { Role } from '../../contracts/roles'
import { db } from './db'
import { AppError } from './errors'
import type { Caller } from './identity'

/**
 * Who may call an action:
 * - 'public': anyone, even without an openid (e.g. verifying a certificate);
 * - 'signedIn': any caller with an openid (every openid is a resident);
 * - a list of roles: the caller must hold at least one of them.
 * Scope checks (which community, company or grid) follow in the handler with the helpers below,
 * because the scope depends on the record being acted on.
 */
export type Access = 'public' | 'signedIn' | readonly Role[]

export function checkAccess(caller: Caller | null, access: Access): void {
  if (access === 'public') return
  if (!caller) throw new AppError('UNAUTHENTICATED', '请先登录')
  if (access === 'signedIn') return
  if (!access.some((role) => caller.roles.includes(role))) throw new AppError('FORBIDDEN', '无权进行此操作')
}

export const hasRole = (caller: Caller, role: Role) => caller.roles.includes(role)
export const isDistrictAdmin = (caller: Caller) => hasRole(caller, 'district_admin')

/** Staff of the community, or district admin. */
export function canManageCommunity(caller: Caller, communityId: string): boolean {
  return isDistrictAdmin(caller) || (hasRole(caller, 'staff') && caller.scopes.communityIds.includes(communityId))
}

export function requireCommunityStaff(caller: Caller, communityId: string): void {
  if (!canManageCommunity(caller, communityId)) throw new AppError('FORBIDDEN', '仅本社区工作人员可操作')
}

export function requireCompanyStaff(caller: Caller, companyId: string): void {
  if (!(hasRole(caller, 'property_staff') && caller.scopes.companyIds.includes(companyId)))
    throw new AppError('FORBIDDEN', '仅本物业企业人员可操作')
}

export function requireGridCommittee(caller: Caller, gridId: string): void {
  if (!(hasRole(caller, 'committee') && caller.scopes.gridIds.includes(gridId)))
    throw new AppError('FORBIDDEN', '仅本小区业委会成员可操作')
}

/**
 * The communities a caller may administer: `null` means all (district admin);
 * an empty list means none.
 */
export function managedCommunities(caller: Caller): string[] | null {
  if (isDistrictAdmin(caller)) return null
  return hasRole(caller, 'staff') ? caller.scopes.communityIds : []
}

/**
 * The database condition for "in one of these communities" (null: no condition, every community):
 * a plain equality for one (the index serves it as a point lookup), `in` for several.
 */
export function inCommunities(communities: string[] | null): Record<string, unknown> {
  if (!communities) return {}
  return { communityId: communities.length === 1 ? communities[0] : db().command.in(communities) }
}
