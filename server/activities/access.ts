import { forbidden } from '../core/errors'
import { hasRole, isDistrictAdmin } from '../core/guard'
import type { Caller } from '../core/identity'
import type { Part } from '../core/together'

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

/** The refusal for verifying or making up one's own hours (four eyes). */
export const OWN_HOURS_MESSAGE = '不能认定自己的服务时长'

/** The refusal for verifying hours one entered (four eyes): a make-up, or a queued scan. */
export const enteredByMessage = (makeUp: boolean) =>
  makeUp ? '补录的时长须由其他工作人员认定，补录人不能认定' : '您在无信号时扫码登记的时长须由其他工作人员认定'

/**
 * Who may decide on a service record (four eyes: nobody decides on their own hours, and hours a
 * staff member entered — a make-up, or a queued scan of the volunteer's code, see checkin.ts — are
 * decided by someone other than who entered them): the organiser of its activity; and, for a
 * community's record that needs a second person (one entered by staff, or the hours of the
 * community's own staff, where the community may have no other staff member), the district admin.
 * `enteredBy`: who entered it (records.ts enteredByOf). `volunteerIsOrganiser`: whether the
 * record's volunteer organises that community's activities (asked only when it matters).
 */
export async function requireVerifier(
  caller: Caller,
  record: { openid: string; communityId: string | null; makeUp: boolean; enteredBy?: string },
  volunteerIsOrganiser: () => Promise<boolean>
): Promise<void> {
  if (record.openid === caller.openid) throw forbidden(OWN_HOURS_MESSAGE)
  if (record.enteredBy === caller.openid) throw forbidden(enteredByMessage(record.makeUp))
  if (isOrganiser(caller, record.communityId)) return
  if (record.communityId !== null && isDistrictAdmin(caller) && (record.makeUp || record.enteredBy !== undefined || (await volunteerIsOrganiser()))) return
  requireOrganiser(caller, record.communityId)
}

/** One document by `_id` as a part of a combined read (server/core/together.ts). */
export const byIdPart = (collection: string, id: string): Part => ({ collection, build: (p) => p.match({ _id: id }).limit(1) })
