/**
 * 个人信息访问记录 (issue #16): reading the audit log (collection `auditLogs`, written by
 * server/core/audit.ts and server/core/reveal.ts). The district admin reads every entry; community
 * staff read the entries of their communities. Entries are never changed or deleted.
 *
 * Times in inputs are days (Asia/Shanghai, "YYYY-MM-DD", both ends included); times in outputs are
 * ISO strings (UTC) that the client shows in Asia/Shanghai.
 */
import { dayStringSchema, idSchema, pageInputSchema } from './common'
import { roleSchema } from './roles'
import { z } from './zod'

/**
 * Every action the server writes to the audit log (grep `audit(` / `revealMobile(` in server/).
 * A new audited action is added here with its label and kind.
 */
export const AUDIT_ACTIONS = [
  'members.viewMobile',
  'members.searchMobile',
  'members.export',
  'members.setTarget',
  'members.setCommunityTargets',
  'members.reviewMany',
  'activities.verifyMany',
  'tickets.viewMobile',
  'wishes.viewMobile',
  'teams.viewMobile',
  'activities.viewMobile',
  'activities.removeSignUp',
  'centers.viewMobile',
  'centers.exportUtilisation',
  'reports.workReport',
  'users.exportMyData',
  'users.deleteAccount',
  'auth.deskSignIn',
  'auth.deskSignOut',
  'auth.deskRevoke',
  'auth.grantRole',
  'auth.revokeRole',
  'members.import',
  'teams.import'
] as const
export type AuditAction = (typeof AUDIT_ACTIONS)[number]
export const auditActionSchema = z.enum(AUDIT_ACTIONS)

/** What each action was, in Chinese. */
export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  'members.viewMobile': '查看报到党员手机号',
  'members.searchMobile': '按手机号查找报到党员',
  'members.export': '导出报到名单',
  'members.setTarget': '修改全区报到目标',
  'members.setCommunityTargets': '修改社区报到目标',
  'members.reviewMany': '批量审核报到',
  'activities.verifyMany': '批量认定服务时长',
  'tickets.viewMobile': '查看问题反映人手机号',
  'wishes.viewMobile': '查看心愿居民手机号',
  'teams.viewMobile': '查看队员手机号',
  'activities.viewMobile': '查看活动报名者手机号',
  'activities.removeSignUp': '取消他人的活动报名',
  'centers.viewMobile': '查看场地预约人手机号',
  'centers.exportUtilisation': '导出邻里中心使用率',
  'reports.workReport': '导出工作报告',
  'users.exportMyData': '导出本人个人信息',
  'users.deleteAccount': '注销账号',
  'auth.deskSignIn': '扫码登录管理后台',
  'auth.deskSignOut': '退出管理后台',
  'auth.deskRevoke': '移除登录设备',
  'auth.grantRole': '授予角色',
  'auth.revokeRole': '撤销角色',
  'members.import': '导入名册',
  'teams.import': '导入名册'
}

/** The kinds the page filters by (one chip each). */
export const AUDIT_KINDS = ['mobile', 'export', 'account', 'manage', 'desk'] as const
export type AuditKind = (typeof AUDIT_KINDS)[number]
export const AUDIT_KIND_LABELS: Record<AuditKind, string> = {
  mobile: '查看手机号',
  export: '导出数据',
  account: '本人数据与注销',
  manage: '管理操作',
  desk: '电脑登录'
}
export const AUDIT_ACTION_KINDS: Record<AuditAction, AuditKind> = {
  'members.viewMobile': 'mobile',
  'members.searchMobile': 'mobile',
  'members.export': 'export',
  'members.setTarget': 'manage',
  'members.setCommunityTargets': 'manage',
  'members.reviewMany': 'manage',
  'activities.verifyMany': 'manage',
  'tickets.viewMobile': 'mobile',
  'wishes.viewMobile': 'mobile',
  'teams.viewMobile': 'mobile',
  'activities.viewMobile': 'mobile',
  'activities.removeSignUp': 'manage',
  'centers.viewMobile': 'mobile',
  'centers.exportUtilisation': 'export',
  'reports.workReport': 'export',
  'users.exportMyData': 'account',
  'users.deleteAccount': 'account',
  'auth.deskSignIn': 'desk',
  'auth.deskSignOut': 'desk',
  'auth.deskRevoke': 'desk',
  'auth.grantRole': 'manage',
  'auth.revokeRole': 'manage',
  'members.import': 'manage',
  'teams.import': 'manage'
}
export const auditActionsOfKind = (kind: AuditKind): AuditAction[] => AUDIT_ACTIONS.filter((a) => AUDIT_ACTION_KINDS[a] === kind)

/** What kind of record an entry's target is, in Chinese (by its collection). */
export const AUDIT_TARGET_LABELS: Record<string, string> = {
  registrations: '报到记录',
  tickets: '问题反映',
  wishes: '微心愿',
  teamMembers: '队伍成员',
  activitySignups: '活动报名',
  centers: '邻里中心',
  bookings: '场地预约',
  reports: '工作报告',
  settings: '设置',
  communities: '社区',
  users: '用户账号',
  deskSessions: '管理后台登录',
  imports: '导入的名册文件',
  serviceRecords: '服务记录'
}

/**
 * Filters (all optional, combined with AND). `person` is one exact text matched against both sides
 * of an entry: the name or openid of who acted, and the name, id or openid of whose record it was.
 */
export const auditLogsInput = pageInputSchema
  .extend({
    /** One action (not `action`: that field of an event names the function's action). */
    auditAction: auditActionSchema.optional(),
    kind: z.enum(AUDIT_KINDS).optional(),
    /** Who acted (openid). */
    actor: idSchema.optional(),
    communityId: idSchema.optional(),
    /** The record acted on (`target.id`: a registration, ticket, wish … id). */
    targetId: z.string().trim().min(1).max(140).optional(),
    /** Whose personal data it was (openid). */
    whose: idSchema.optional(),
    person: z.string().trim().min(1, '请输入姓名或编号').max(64, '姓名或编号不能超过64个字').optional(),
    from: dayStringSchema().optional(),
    to: dayStringSchema().optional()
  })
  .refine((v) => !v.from || !v.to || v.from <= v.to, { message: '开始日期不能晚于结束日期', path: ['to'] })
  .refine((v) => !v.auditAction || !v.kind || AUDIT_ACTION_KINDS[v.auditAction] === v.kind, { message: '操作类型与所选类别不符', path: ['auditAction'] })
export type AuditLogsInput = z.input<typeof auditLogsInput>

export const auditEntrySchema = z.object({
  _id: z.string(),
  /** When (ISO). */
  at: z.string(),
  /** The action name as stored (an unknown one is shown as is). */
  action: z.string(),
  actionLabel: z.string(),
  kind: z.enum(AUDIT_KINDS).optional(),
  /** Who did it. */
  actor: z.string(),
  actorName: z.string(),
  actorRoles: z.array(roleSchema),
  /** The role they acted in (the highest they held), in Chinese. */
  actorRoleLabel: z.string(),
  /** Which record (or, for an export, what was exported). */
  target: z.object({ collection: z.string(), id: z.string(), label: z.string().optional() }),
  targetKindLabel: z.string(),
  communityId: z.string().optional(),
  communityName: z.string().optional(),
  /** Whose number it was (openid), when the entry names a person. */
  whose: z.string().optional(),
  /** Why, in the acting person's words or the action's fixed reason (联系反映人 …). */
  reason: z.string().optional(),
  /** Further facts in Chinese (导出 35 行; 统计期 …; masked number searched …). */
  note: z.string().optional(),
  /** Done from a PC signed in by scan (the record's `via`), and that PC's desk session. */
  via: z.literal('desk').optional(),
  sessionId: z.string().optional()
})
export type AuditEntryView = z.infer<typeof auditEntrySchema>

export const auditLogsOutput = z.object({
  items: z.array(auditEntrySchema),
  total: z.number(),
  page: z.number(),
  pageSize: z.number()
})
export type AuditLogsPage = z.infer<typeof auditLogsOutput>

/** The piece of `usersContract` (action `users.auditLogs`). */
export const auditContract = {
  auditLogs: { input: auditLogsInput, output: auditLogsOutput }
} as const
