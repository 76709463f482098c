/**
 * `users.auditLogs`: 个人信息访问记录 — who saw which full number, who exported what (issue #16).
 *
 * The district admin reads every entry; staff read the entries of their own communities (an entry
 * without a community, e.g. a district-wide export, is the district's); nobody else reads any.
 * Newest first, paged: one count and one page read in parallel (with the community names).
 */
import type { z } from '../../contracts/zod'
import {
  AUDIT_ACTION_KINDS,
  AUDIT_ACTION_LABELS,
  AUDIT_TARGET_LABELS,
  auditActionsOfKind,
  type AuditAction,
  type AuditEntryView,
  type auditLogsInput,
  type AuditLogsPage
} from '../../contracts/audit'
import { ROLE_LABELS, ROLES, type Role } from '../../contracts/roles'
import type { AuditRecord } from '../core/audit'
import { db } from '../core/db'
import { forbidden } from '../core/errors'
import { hasRole, managedCommunities } from '../core/guard'
import type { Caller } from '../core/identity'
import { readTogether, type Part } from '../core/together'
import { parseLocal } from '../core/time'

type AuditLogsInput = z.output<typeof auditLogsInput>

export const AUDIT_LOGS = 'auditLogs'

/** The role an entry's actor acted in: the highest they held. */
const ROLE_ORDER: Role[] = ['district_admin', 'staff', 'property_staff', 'committee', 'member', 'resident']

function roleLabelOf(roles: Role[]): string {
  const top = ROLE_ORDER.find((role) => roles.includes(role)) ?? 'resident'
  return ROLE_LABELS[top]
}

const isAction = (action: string): action is AuditAction => Object.prototype.hasOwnProperty.call(AUDIT_ACTION_LABELS, action)
const str = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined)
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined)

/** Further facts of an entry, in Chinese, from its `detail` (never a full number: searches store it masked). */
function noteOf(action: string, detail: Record<string, unknown>): string | undefined {
  const parts: string[] = []
  const rows = num(detail.rows)
  if (rows !== undefined) parts.push(`共${rows}条`)
  const from = str(detail.from)
  const to = str(detail.to)
  if (from && to) parts.push(`统计期 ${from} 至 ${to}`)
  const documents = num(detail.documents)
  if (documents !== undefined) parts.push(`共${documents}项个人数据`)
  if (action === 'members.searchMobile') {
    const matched = Array.isArray(detail.matched) ? detail.matched.length : 0
    parts.push(`查找号码 ${str(detail.mobile) ?? '-'}，找到${matched}条`)
  }
  if (action === 'members.setTarget' && num(detail.target) !== undefined) parts.push(`目标改为 ${detail.target}`)
  if (action === 'members.setCommunityTargets' && Array.isArray(detail.changes)) parts.push(`修改了${detail.changes.length}个社区的目标`)
  return parts.length ? parts.join('；') : undefined
}

export function auditEntryOf(record: AuditRecord & { _id: string }, communities: Map<string, string>): AuditEntryView {
  const detail = (record.detail ?? {}) as Record<string, unknown>
  const roles = (record.actorRoles ?? []).filter((role): role is Role => (ROLES as readonly string[]).includes(role))
  const note = noteOf(record.action, detail)
  const whose = str(detail.whose)
  const reason = str(detail.reason)
  return {
    _id: record._id,
    at: new Date(record.at).toISOString(),
    action: record.action,
    actionLabel: isAction(record.action) ? AUDIT_ACTION_LABELS[record.action] : record.action,
    ...(isAction(record.action) ? { kind: AUDIT_ACTION_KINDS[record.action] } : {}),
    actor: record.actor,
    actorName: record.actorName || '未登记姓名',
    actorRoles: roles,
    actorRoleLabel: roleLabelOf(roles),
    target: { collection: record.target.collection, id: record.target.id, ...(record.target.label ? { label: record.target.label } : {}) },
    targetKindLabel: AUDIT_TARGET_LABELS[record.target.collection] ?? record.target.collection,
    ...(record.communityId ? { communityId: record.communityId, communityName: communities.get(record.communityId) ?? record.communityId } : {}),
    ...(whose ? { whose } : {}),
    ...(reason ? { reason } : {}),
    ...(note ? { note } : {}),
    ...(record.via ? { via: record.via, ...(record.sessionId ? { sessionId: record.sessionId } : {}) } : {})
  }
}

/** The names of the communities the caller may see entries of (all of them for the district admin), as a part. */
function communityNamesPart(scope: string[] | null): Part {
  const _ = db().command
  return { collection: 'communities', build: (p) => (scope ? p.match({ _id: _.in(scope) }) : p.match({})).limit(1000).project({ name: true }) }
}

export async function auditLogs(caller: Caller, input: AuditLogsInput): Promise<AuditLogsPage> {
  // null: the whole district (district admin); otherwise the staff member's communities.
  const scope = managedCommunities(caller)
  if (scope !== null) {
    if (!hasRole(caller, 'staff') || scope.length === 0) throw forbidden('仅区级管理员和社区工作人员可查看个人信息访问记录')
    if (input.communityId && !scope.includes(input.communityId)) throw forbidden('只能查看本社区的个人信息访问记录')
  }
  const _ = db().command
  const conditions: Record<string, unknown>[] = []
  if (input.communityId) conditions.push({ communityId: input.communityId })
  else if (scope) conditions.push({ communityId: _.in(scope) })
  if (input.auditAction) conditions.push({ action: input.auditAction })
  else if (input.kind) conditions.push({ action: _.in(auditActionsOfKind(input.kind)) })
  if (input.actor) conditions.push({ actor: input.actor })
  if (input.targetId) conditions.push({ 'target.id': input.targetId })
  if (input.whose) conditions.push({ 'detail.whose': input.whose })
  if (input.person) {
    const p = input.person
    conditions.push(_.or([{ actor: p }, { actorName: p }, { 'target.label': p }, { 'target.id': p }, { 'detail.whose': p }]))
  }
  // Days are Asia/Shanghai days, both included.
  if (input.from) conditions.push({ at: _.gte(parseLocal(input.from).toDate()) })
  if (input.to) conditions.push({ at: _.lt(parseLocal(input.to).add(1, 'day').toDate()) })
  const where = conditions.length === 0 ? {} : conditions.length === 1 ? conditions[0] : _.and(conditions)

  // The total, the page and the communities' names in one combined read (server/core/together.ts).
  const found = await readTogether({
    total: { collection: AUDIT_LOGS, build: (p) => p.match(where).count('n') },
    page: {
      collection: AUDIT_LOGS,
      build: (p) =>
        p
          .match(where)
          .sort({ at: -1, _id: -1 })
          .skip((input.page - 1) * input.pageSize)
          .limit(input.pageSize)
    },
    names: communityNamesPart(input.communityId ? [input.communityId] : scope)
  })
  const names = new Map((found.names as { _id: string; name: string }[]).map((c) => [c._id, c.name]))
  const items = (found.page as (AuditRecord & { _id: string })[]).map((record) => auditEntryOf(record, names))
  return { items, total: (found.total[0]?.n as number | undefined) ?? 0, page: input.page, pageSize: input.pageSize }
}
