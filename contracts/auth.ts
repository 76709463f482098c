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
  deskRevoke: { input: deskRevokeInput, output: z.object({ revoked: z.literal(true) }) }
} as const
