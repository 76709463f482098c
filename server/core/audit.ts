import { clock } from './clock'
import { db } from './db'
import type { Caller } from './identity'

/**
 * The audit log (collection `auditLogs`): who did what sensitive thing to which record, when.
 * Written for every access to personal data beyond what a list shows — an export, a view of a
 * full mobile number — so a district can answer "who saw this person's number" (个人信息保护法).
 * Entries are never updated or deleted.
 *
 * `action` is `<domain>.<verb>` (e.g. 'members.export', 'members.viewMobile'); `target` names the
 * record (or, for an export, what was exported); `communityId` lets a district filter by community.
 */
export interface AuditEntry {
  action: string
  target: { collection: string; id: string; label?: string }
  communityId?: string
  detail?: Record<string, unknown>
}

export interface AuditRecord extends AuditEntry {
  _id?: string
  actor: string
  actorName?: string
  actorRoles: string[]
  at: Date
  /** Done from a PC signed in by scan (docs/back-office.md §2.6): 访问记录 shows it. */
  via?: 'desk'
  /** That PC's desk session. */
  sessionId?: string
}

export async function audit(caller: Caller, entry: AuditEntry): Promise<void> {
  const record: AuditRecord = {
    actor: caller.openid,
    actorName: caller.user?.profile?.name,
    actorRoles: caller.roles,
    action: entry.action,
    target: entry.target,
    ...(entry.communityId ? { communityId: entry.communityId } : {}),
    ...(entry.detail ? { detail: entry.detail } : {}),
    ...(caller.via?.kind === 'desk' ? { via: 'desk' as const, sessionId: caller.via.sid } : {}),
    at: clock.date()
  }
  await db().collection('auditLogs').add({ data: record })
}
