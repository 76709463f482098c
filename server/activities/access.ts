import { forbidden } from '../core/errors'
import { hasRole, isDistrictAdmin } from '../core/guard'
import type { Caller } from '../core/identity'

/**
 * The organiser of an activity records and certifies its hours (志愿服务记录与证明出具办法:
 * 谁组织谁记录、谁记录谁证明). For a community's activity that is the staff of that community;
 * for a district-wide activity (communityId null) the district admins. Only the organiser edits,
 * cancels, shows the check-in code, scans volunteers in, sees the roster's mobile numbers and
 * verifies hours. A district admin does not act on a community's activity: the community issues
 * its certificates, so the community records them.
 */
export function isOrganiser(caller: Caller | null, communityId: string | null): boolean {
  if (!caller) return false
  if (communityId === null) return isDistrictAdmin(caller)
  return hasRole(caller, 'staff') && caller.scopes.communityIds.includes(communityId)
}

export function requireOrganiser(caller: Caller, communityId: string | null): void {
  if (!isOrganiser(caller, communityId))
    throw forbidden(communityId === null ? '仅区级管理员可操作区级活动' : '仅本社区工作人员可操作')
}

/** The caller's display name as stored in their profile. */
export const callerName = (caller: Caller): string | undefined => caller.user?.profile?.name
