/**
 * 管理后台扫码登录 (issue #19, docs/back-office.md §3): a PC shows a QR code, a staff member scans it
 * with the mini-program and confirms; the PC is then that person through a CloudBase custom-login
 * ticket issued by function `auth`. The PC's session is a `deskSessions` document whose `_id` (the
 * sid) is the ticket's customUserId; the shell maps it to the person on every call.
 *
 * Times in outputs are ISO strings (UTC) that the client shows in Asia/Shanghai.
 */
import { pageInputSchema } from './common'
import { roleSchema } from './roles'
import { z } from './zod'

/** The roles that may sign in to the back office. */
export const DESK_ROLES = ['staff', 'district_admin', 'property_staff', 'committee'] as const

/** A desk session id: `ds_` + 22 base64url characters (128 random bits). Also the ticket's customUserId. */
export const DESK_SID = /^ds_[A-Za-z0-9_-]{22}$/
export const deskSidSchema = z.string().regex(DESK_SID, '登录会话编号格式不正确')

/** The QR code's scene: 16 letters and digits (a mini-program code's scene holds at most 32). */
export const deskSceneSchema = z.string().regex(/^[A-Za-z0-9]{16}$/, '二维码无效，请在电脑上刷新后重新扫码')

/** How long a QR code may be scanned and confirmed (ms). */
export const DESK_QR_TTL_MS = 3 * 60_000
/** A signed-in PC's session ends this long after the confirmation (a working day) … */
export const DESK_SESSION_TTL_MS = 12 * 3_600_000
/** … or after this long without a call. */
export const DESK_IDLE_TTL_MS = 2 * 3_600_000
/** The PC polls this often while its QR code is shown. */
export const DESK_POLL_INTERVAL_MS = 2_000

export const DESK_STATUSES = ['pending', 'scanned', 'confirmed', 'active', 'ended', 'cancelled', 'expired', 'revoked'] as const
export type DeskStatus = (typeof DESK_STATUSES)[number]
export const DESK_STATUS_LABELS: Record<DeskStatus, string> = {
  pending: '等待扫码',
  scanned: '已扫码，等待确认',
  confirmed: '已确认',
  active: '已登录',
  ended: '已退出',
  cancelled: '已取消',
  expired: '已过期',
  revoked: '已在手机上退出'
}

/** The PC as the phone sees it before confirming: where the sign-in comes from. */
export const deskClientSchema = z.object({
  /** The PC's IP address as the cloud saw it (may be absent). */
  ip: z.string().optional(),
  /** The browser, as the PC reported it (shown, never trusted). */
  ua: z.string()
})
export type DeskClient = z.infer<typeof deskClientSchema>

export const deskStartInput = z.object({
  /** navigator.userAgent, cut to 200 characters by the client. */
  ua: z.string().max(200, '浏览器信息过长').default('')
})
export const deskStartOutput = z.object({
  sid: deskSidSchema,
  /** The secret only this PC knows; every poll must present it. */
  pollSecret: z.string(),
  scene: z.string(),
  /** The QR code (a mini-program code on WeChat) as `data:image/png;base64,…`. */
  qr: z.string(),
  expiresAt: z.string()
})

export const deskPollInput = z.object({ sid: deskSidSchema, pollSecret: z.string().min(16).max(64) })
export const deskPollOutput = z.object({
  status: z.enum(DESK_STATUSES),
  /** Given once, on the poll that sees the confirmation: the CloudBase custom-login ticket. */
  ticket: z.string().optional(),
  /** When the QR code (before confirmation) or the session (after) ends. */
  expiresAt: z.string().optional()
})

export const deskSceneInput = z.object({ scene: deskSceneSchema })
export const deskScanOutput = z.object({
  client: deskClientSchema,
  /** Until when the confirmation is possible. */
  expiresAt: z.string()
})

export const deskSessionSchema = z.object({
  sid: deskSidSchema,
  client: deskClientSchema,
  status: z.enum(DESK_STATUSES),
  confirmedAt: z.string().optional(),
  lastSeenAt: z.string().optional(),
  expiresAt: z.string(),
  /** The roles held when the sign-in was confirmed (shown only). */
  roles: z.array(roleSchema),
  /** This call comes from this very session (the PC's own row). */
  current: z.boolean()
})
export type DeskSession = z.infer<typeof deskSessionSchema>

export const mySessionsInput = pageInputSchema
export const deskRevokeInput = z.object({ sid: deskSidSchema })

// ---- 角色管理 (docs/back-office.md §6): grants by invitation, revocation by the district admin -----------

/** The roles granted here (never district_admin: seed or console only), and the scope field each is held in. */
export const GRANTABLE_ROLES = ['staff', 'property_staff', 'committee'] as const
export type GrantableRole = (typeof GRANTABLE_ROLES)[number]
export const ROLE_SCOPE_FIELD = { staff: 'communityIds', property_staff: 'companyIds', committee: 'gridIds' } as const satisfies Record<GrantableRole, 'communityIds' | 'companyIds' | 'gridIds'>
export type ScopeField = (typeof ROLE_SCOPE_FIELD)[GrantableRole]
/** What each scope field names, in Chinese. */
export const SCOPE_FIELD_LABELS: Record<ScopeField, string> = { communityIds: '社区', companyIds: '物业企业', gridIds: '小区（网格）' }

export const grantableRoleSchema = z.enum(GRANTABLE_ROLES, { error: '请选择角色（社区工作者、物业服务企业或业委会成员）' })

/** An invitation code: 8 characters of an alphabet without look-alikes (no I, L, O, 0, 1). */
export const ROLE_INVITE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'
export const ROLE_INVITE_CODE = /^[A-HJKMNP-Z2-9]{8}$/
export const roleInviteCodeSchema = z
  .string({ error: '请输入8位邀请码' })
  .trim()
  .toUpperCase()
  .regex(ROLE_INVITE_CODE, '邀请码应为8位字母或数字')
/** An invitation may be accepted this long after it was made, once. */
export const ROLE_INVITE_TTL_MS = 72 * 3_600_000
/** At most this many places in one invitation. */
export const ROLE_INVITE_MAX_SCOPES = 10

const scopeIds = (what: string) =>
  z
    .array(z.string({ error: `${what}编号格式不正确` }).min(1, `请选择${what}`).max(64, `${what}编号格式不正确`), { error: `请选择${what}` })
    .min(1, `请至少选择一个${what}`)
    .max(ROLE_INVITE_MAX_SCOPES, `一次最多邀请到${ROLE_INVITE_MAX_SCOPES}个${what}`)

export const roleInviteInput = z
  .object({
    role: grantableRoleSchema,
    /** Exactly one field, the role's: staff → communityIds, property_staff → companyIds, committee → gridIds. */
    scope: z.object(
      {
        communityIds: scopeIds('社区').optional(),
        companyIds: scopeIds('物业企业').optional(),
        gridIds: scopeIds('小区').optional()
      },
      { error: '请选择角色的范围' }
    ),
    /** The person's name as the admin knows it: it becomes their name if their account has none. */
    name: z.string({ error: '姓名格式不正确' }).trim().max(20, '姓名不能超过20个字').optional(),
    note: z.string({ error: '备注格式不正确' }).trim().max(100, '备注不能超过100个字').optional()
  })
  .refine((v) => {
    const given = (Object.keys(v.scope) as ScopeField[]).filter((key) => v.scope[key] !== undefined)
    return given.length === 1 && given[0] === ROLE_SCOPE_FIELD[v.role]
  }, { message: '所选范围与角色不符：社区工作者选社区，物业服务企业选物业企业，业委会成员选小区', path: ['scope'] })
export type RoleInviteInput = z.infer<typeof roleInviteInput>

export const ROLE_INVITE_STATUSES = ['open', 'used', 'cancelled', 'expired'] as const
export type RoleInviteStatus = (typeof ROLE_INVITE_STATUSES)[number]
export const ROLE_INVITE_STATUS_LABELS: Record<RoleInviteStatus, string> = { open: '待接受', used: '已接受', cancelled: '已撤回', expired: '已过期' }

/** One place of a scope, named. */
export const scopePlaceSchema = z.object({ id: z.string(), name: z.string() })

export const roleInviteCreatedSchema = z.object({
  code: z.string(),
  /** The mini-program code (a QR code in the emulator) of packages/mine/pages/role-invite/index?scene=<code>. */
  qr: z.string(),
  expiresAt: z.string(),
  /** 社区工作者（东风社区） */
  label: z.string()
})

export const roleInviteSchema = z.object({
  code: z.string(),
  role: grantableRoleSchema,
  label: z.string(),
  places: z.array(scopePlaceSchema),
  status: z.enum(ROLE_INVITE_STATUSES),
  expiresAt: z.string(),
  createdAt: z.string(),
  invitedByName: z.string().optional(),
  name: z.string().optional(),
  note: z.string().optional(),
  /** The invitation was accepted by the caller (a reload of the page after 接受). */
  mine: z.boolean().optional()
})
export type RoleInviteView = z.infer<typeof roleInviteSchema>

export const roleCodeInput = z.object({ code: roleInviteCodeSchema })

/** One role a person holds, in one place (or, for a role stored without a place, none). */
export const roleHoldingSchema = z.object({
  role: grantableRoleSchema,
  scopeId: z.string().optional(),
  scopeName: z.string().optional()
})
export const roleHolderSchema = z.object({
  openid: z.string(),
  name: z.string(),
  holdings: z.array(roleHoldingSchema),
  /** Also a district admin (shown; never revoked here). */
  districtAdmin: z.boolean()
})
export type RoleHolder = z.infer<typeof roleHolderSchema>

export const roleHoldersInput = pageInputSchema.extend({
  role: grantableRoleSchema.optional(),
  /** Staff of this community, and 业委会 members of its compounds. */
  communityId: z.string({ error: '社区编号格式不正确' }).min(1, '请选择社区').max(64, '社区编号格式不正确').optional(),
  /** A name (part of it) or an exact openid. */
  q: z.string({ error: '搜索内容格式不正确' }).trim().min(1, '请输入姓名').max(32, '搜索内容不能超过32个字').optional()
})

export const revokeRoleInput = z.object({
  openid: z.string({ error: '请选择人员' }).min(1, '请选择人员').max(64, '人员编号格式不正确'),
  role: grantableRoleSchema,
  /** One place of the role; without it, the whole role. */
  scopeId: z.string({ error: '范围编号格式不正确' }).min(1, '范围编号格式不正确').max(64, '范围编号格式不正确').optional(),
  reason: z.string({ error: '请填写撤销原因' }).trim().min(2, '请填写撤销原因（至少2个字）').max(200, '撤销原因不能超过200个字')
})

export const roleScopesSchema = z.object({
  communities: z.array(scopePlaceSchema),
  companies: z.array(scopePlaceSchema),
  grids: z.array(scopePlaceSchema.extend({ communityId: z.string().optional() }))
})

const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number(), page: z.number(), pageSize: z.number() })

export const authContract = {
  /** The PC, before anyone signed in: a new QR code. */
  deskStart: { input: deskStartInput, output: deskStartOutput },
  /** The PC, every 2 s while its QR code shows: the status, and the ticket once confirmed. */
  deskPoll: { input: deskPollInput, output: deskPollOutput },
  /** The phone, on scanning: claims the QR code and shows where the sign-in comes from. */
  deskScan: { input: deskSceneInput, output: deskScanOutput },
  /** The phone: 登录 (audited). */
  deskConfirm: { input: deskSceneInput, output: z.object({ confirmed: z.literal(true) }) },
  /** The phone: 取消. */
  deskCancel: { input: deskSceneInput, output: z.object({ cancelled: z.literal(true) }) },
  /** The PC: 退出登录 of its own session (audited). */
  deskSignOut: { input: z.object({}), output: z.object({ ended: z.literal(true) }) },
  /** 我的 → 登录设备: the caller's signed-in PCs, newest first. */
  mySessions: { input: mySessionsInput, output: page(deskSessionSchema) },
  /** The phone: sign a PC out (the caller's own; the district admin's anyone's; audited). */
  deskRevoke: { input: deskRevokeInput, output: z.object({ revoked: z.literal(true) }) },
  // ---- 角色管理 (§6)
  /** The district admin: an invitation to a staff-class role in named places (desk or phone). */
  inviteRole: { input: roleInviteInput, output: roleInviteCreatedSchema },
  /** The invited person's phone: what an invitation offers, for the confirm page. */
  roleInvite: { input: roleCodeInput, output: roleInviteSchema },
  /** The invited person's phone: 接受 (the role is theirs; audited as the admin's grant). */
  acceptRole: { input: roleCodeInput, output: z.object({ role: grantableRoleSchema, label: z.string() }) },
  /** The district admin: withdraws an open invitation. */
  cancelInvite: { input: roleCodeInput, output: z.object({ cancelled: z.literal(true) }) },
  /** The district admin: the open invitations, newest first. */
  invites: { input: pageInputSchema, output: page(roleInviteSchema) },
  /** The district admin: holders of staff-class roles, with their places named. */
  roleHolders: { input: roleHoldersInput, output: page(roleHolderSchema) },
  /** The district admin: takes a role (one place of it, or all) from a person; audited; their PCs are signed out. */
  revokeRole: { input: revokeRoleInput, output: z.object({ revoked: z.literal(true), roleDropped: z.boolean(), sessionsEnded: z.number() }) },
  /** The district admin: the communities, property companies and compounds to invite to. */
  roleScopes: { input: z.object({}), output: roleScopesSchema }
} as const
