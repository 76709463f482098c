/**
 * 管理后台扫码登录 (docs/back-office.md §3): the desk sessions, `deskSessions/<sid>`.
 *
 *   PC  deskStart  → pending (a QR code whose scene names it; the PC keeps sid + pollSecret)
 *   phone deskScan → scanned (the scanner's openid)      phone deskConfirm → confirmed (audited)
 *   PC  deskPoll   → active, with the ticket, once        PC deskSignOut / phone deskRevoke → ended / revoked
 *   side exits: cancelled (phone 取消), expired (QR after 3 min, ticket not fetched within 60 s,
 *   session after 12 h or 2 h idle: the shell checks the times itself; the hourly sweep records them).
 *
 * Every transition is a guarded single-document update `where({_id, status})`, checked by
 * `stats.updated`: two phones, two polls or a poll and a revoke at once never both win.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import {
  DESK_IDLE_TTL_MS,
  DESK_QR_TTL_MS,
  DESK_ROLES,
  DESK_SESSION_TTL_MS,
  type DeskSession,
  type DeskStatus
} from '../../contracts/auth'
import type { PageInput } from '../../contracts/common'
import type { Role } from '../../contracts/roles'
import { audit } from '../core/audit'
import { clock } from '../core/clock'
import { db } from '../core/db'
import { AppError } from '../core/errors'
import type { ActionContext, FirstReadContext, SignedInContext } from '../core/function'
import { isDistrictAdmin } from '../core/guard'
import type { Caller, DeskSessionRecord } from '../core/identity'
import type { Part } from '../core/together'
import { platform } from '../platform'
import { pngDataUrl } from '../platform/qr'
import { issueTicket, requireCustomLoginKey } from './ticket'

/** The phone page a desk QR code opens (a weapp page in app.json; H5 in the emulator). */
export const DESK_CONFIRM_PAGE = 'packages/mine/pages/desk/index'
/** The ticket must be fetched this soon after the confirmation. */
export const DESK_TICKET_WINDOW_MS = 60_000

const SESSIONS = 'deskSessions'
const col = () => db().collection(SESSIONS)
const _ = () => db().command

const QR_EXPIRED = '二维码已过期，请在电脑上刷新后重新扫码'
const QR_UNKNOWN = '二维码无效，请在电脑上刷新后重新扫码'
const POLL_UNKNOWN = '登录二维码不存在或已失效，请刷新'

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const iso = (at: Date | string | number | undefined) => (at === undefined ? undefined : new Date(at).toISOString())

/** A random sid: `ds_` + 22 base64url characters (128 bits). */
export const newSid = () => `ds_${randomBytes(16).toString('base64url')}`

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
/** A QR scene: 16 letters and digits (~95 bits), unbiased (bytes ≥ 248 are drawn again). */
export function newScene(): string {
  let out = ''
  while (out.length < 16) {
    for (const byte of randomBytes(24)) {
      if (byte < 248 && out.length < 16) out += ALPHANUMERIC[byte % 62]
    }
  }
  return out
}

/** The session a scene names, as a part of the phone's first read (with the caller). */
const scenePart = (scene: string): Part => ({ collection: SESSIONS, build: (p) => p.match({ scene }).limit(1) })

const qrOver = (session: DeskSessionRecord, now: number) => now >= new Date(session.createdAt).getTime() + DESK_QR_TTL_MS

/** A guarded transition: `from` → the fields; false when someone else moved the session first. */
async function transition(sid: string, from: DeskStatus | DeskStatus[], guard: Record<string, unknown>, data: Record<string, unknown>): Promise<boolean> {
  const status = Array.isArray(from) ? _().in(from) : from
  const res = await col().where({ _id: sid, status, ...guard }).update({ data })
  return res.stats.updated === 1
}

// ---- PC, before sign-in --------------------------------------------------------------------------

/** A new pending session and its QR code. Round trips: the rate unit, the add (the QR beside it). */
export async function deskStart(input: { ua: string }, ctx: ActionContext) {
  const now = clock.now()
  const sid = newSid()
  const scene = newScene()
  const pollSecret = randomBytes(24).toString('base64url')
  const expiresAt = new Date(now + DESK_QR_TTL_MS)
  const record: DeskSessionRecord = {
    _id: sid,
    scene,
    pollKeyHash: sha256(pollSecret),
    status: 'pending',
    client: { ...(ctx.ip ? { ip: ctx.ip } : {}), ua: input.ua.slice(0, 200) },
    createdAt: new Date(now),
    expiresAt
  }
  const [, png] = await Promise.all([col().add({ data: record }), platform().codes.image({ scene, page: DESK_CONFIRM_PAGE })])
  return { sid, pollSecret, scene, qr: pngDataUrl(png), expiresAt: expiresAt.toISOString() }
}

function pollKeyMatches(session: DeskSessionRecord, pollSecret: string): boolean {
  const given = Buffer.from(sha256(pollSecret), 'hex')
  const stored = Buffer.from(String(session.pollKeyHash ?? ''), 'hex')
  return stored.length === given.length && timingSafeEqual(stored, given)
}

/**
 * The PC's poll: the status; on `confirmed`, the ticket, once (guarded confirmed → active). Reads
 * never write an expiry: a time past its limit is reported as `expired`. Round trips: the rate unit
 * beside the read; the ticket's poll one guarded update more.
 */
export async function deskPoll(input: { sid: string; pollSecret: string }) {
  const now = clock.now()
  const res = await col().where({ _id: input.sid }).limit(1).get()
  const session = res.data[0] as DeskSessionRecord | undefined
  // An unknown session and a wrong secret answer alike.
  if (!session || !pollKeyMatches(session, input.pollSecret)) throw new AppError('NOT_FOUND', POLL_UNKNOWN)
  const expiresAt = iso(session.expiresAt)
  switch (session.status) {
    case 'pending':
    case 'scanned':
      return qrOver(session, now) ? { status: 'expired' as const } : { status: session.status, expiresAt }
    case 'confirmed': {
      if (now - new Date(session.confirmedAt as Date).getTime() > DESK_TICKET_WINDOW_MS) return { status: 'expired' as const }
      // Without the key nothing moves: the session stays confirmed for a PC that polls once it is set.
      requireCustomLoginKey()
      const end = new Date(session.expiresAt).getTime()
      const ticket = issueTicket(session._id, end)
      const issued = await transition(session._id, 'confirmed', { pollKeyHash: session.pollKeyHash }, { status: 'active', ticketIssuedAt: new Date(now), lastSeenAt: new Date(now) })
      if (!issued) throw new AppError('CONFLICT', '登录凭证已领取，请重新扫码登录')
      return { status: 'active' as const, ticket, expiresAt }
    }
    case 'active':
      throw new AppError('CONFLICT', '登录凭证已领取，请重新扫码登录')
    default:
      return { status: session.status }
  }
}

// ---- the phone -----------------------------------------------------------------------------------

async function sessionOfScene(scene: string, ctx: FirstReadContext): Promise<{ caller: Caller; session: DeskSessionRecord }> {
  const { caller, docs } = await ctx.readWithCaller({ session: scenePart(scene) })
  const session = docs.session[0] as DeskSessionRecord | undefined
  if (!session) throw new AppError('NOT_FOUND', QR_UNKNOWN)
  return { caller, session }
}

/** The scan: claims a pending QR code for the caller (guarded pending → scanned). Round trips: 2. */
export async function deskScan(input: { scene: string }, ctx: FirstReadContext) {
  const { caller, session } = await sessionOfScene(input.scene, ctx)
  const now = clock.now()
  const answer = { client: session.client, expiresAt: new Date(new Date(session.createdAt).getTime() + DESK_QR_TTL_MS).toISOString() }
  if (session.status === 'scanned' && session.openid === caller.openid && !qrOver(session, now)) return answer // the same phone again (page reloaded)
  if (session.status !== 'pending') throw new AppError('CONFLICT', session.status === 'scanned' ? '此二维码已被其他人扫描' : QR_EXPIRED)
  if (qrOver(session, now)) throw new AppError('CONFLICT', QR_EXPIRED)
  if (!(await transition(session._id, 'pending', {}, { status: 'scanned', openid: caller.openid, scannedAt: new Date(now) })))
    throw new AppError('CONFLICT', '此二维码已被其他人扫描')
  return answer
}

/** 登录: guarded scanned (by this caller) → confirmed, the session's end set; audited. Round trips: 3. */
export async function deskConfirm(input: { scene: string }, ctx: FirstReadContext) {
  const { caller, session } = await sessionOfScene(input.scene, ctx)
  const now = clock.now()
  if (session.status === 'pending') throw new AppError('CONFLICT', '请先扫描电脑上的二维码')
  if (session.openid !== caller.openid) throw new AppError('FORBIDDEN', '请使用扫码的手机确认登录')
  if (session.status !== 'scanned' || qrOver(session, now)) throw new AppError('CONFLICT', QR_EXPIRED)
  const roles = caller.roles.filter((role): role is Role => (DESK_ROLES as readonly string[]).includes(role))
  const confirmed = await transition(session._id, 'scanned', { openid: caller.openid }, {
    status: 'confirmed',
    confirmedAt: new Date(now),
    expiresAt: new Date(now + DESK_SESSION_TTL_MS),
    roles
  })
  if (!confirmed) throw new AppError('CONFLICT', QR_EXPIRED)
  await audit(caller, {
    action: 'auth.deskSignIn',
    target: { collection: SESSIONS, id: session._id, label: session.client.ua.slice(0, 60) || undefined },
    detail: { ip: session.client.ip ?? null, ua: session.client.ua }
  })
  return { confirmed: true as const }
}

/** 取消: pending or scanned (by this caller) → cancelled. Round trips: 2. */
export async function deskCancel(input: { scene: string }, ctx: FirstReadContext) {
  const { caller, session } = await sessionOfScene(input.scene, ctx)
  if (session.openid && session.openid !== caller.openid) throw new AppError('FORBIDDEN', '请使用扫码的手机操作')
  if (session.status !== 'pending' && session.status !== 'scanned') throw new AppError('CONFLICT', '此二维码已失效')
  const guard = session.openid ? { openid: caller.openid } : {}
  if (!(await transition(session._id, session.status, guard, { status: 'cancelled', endedAt: clock.date() }))) throw new AppError('CONFLICT', '此二维码已失效')
  return { cancelled: true as const }
}

// ---- signed in -----------------------------------------------------------------------------------

/** The PC's 退出登录: its own session → ended (self); audited. Round trips: 3 (the shell's read included). */
export async function deskSignOut(_input: object, { caller }: SignedInContext) {
  const sid = caller.via?.sid
  if (!sid) throw new AppError('FORBIDDEN', '仅管理后台可退出登录')
  if (!(await transition(sid, 'active', {}, { status: 'ended', endedAt: clock.date(), endedBy: 'self' }))) throw new AppError('UNAUTHENTICATED', '登录已失效，请重新扫码登录')
  await audit(caller, { action: 'auth.deskSignOut', target: { collection: SESSIONS, id: sid } })
  return { ended: true as const }
}

/** 我的 → 登录设备: the caller's signed-in PCs, newest first (those past their limits left out). */
export async function mySessions(input: PageInput, { caller }: SignedInContext) {
  const now = clock.now()
  const where = { openid: caller.openid, status: 'active', expiresAt: _().gt(new Date(now)), lastSeenAt: _().gt(new Date(now - DESK_IDLE_TTL_MS)) }
  const [found, counted] = await Promise.all([
    col()
      .where(where)
      .orderBy('confirmedAt', 'desc')
      .skip((input.page - 1) * input.pageSize)
      .limit(input.pageSize)
      .get(),
    col().where(where).count()
  ])
  const items: DeskSession[] = (found.data as DeskSessionRecord[]).map((s) => ({
    sid: s._id,
    client: { ...(s.client.ip ? { ip: s.client.ip } : {}), ua: s.client.ua },
    status: s.status,
    ...(s.confirmedAt ? { confirmedAt: iso(s.confirmedAt) } : {}),
    ...(s.lastSeenAt ? { lastSeenAt: iso(s.lastSeenAt) } : {}),
    expiresAt: iso(s.expiresAt) as string,
    roles: s.roles ?? [],
    current: caller.via?.sid === s._id
  }))
  return { items, total: counted.total, page: input.page, pageSize: input.pageSize }
}

/**
 * The phone's 退出登录 of a PC: the caller's own session (endedBy 'phone'), or anyone's for the
 * district admin ('admin'); audited. Another's session is "not found" to anyone else. Round trips: 3.
 */
export async function deskRevoke(input: { sid: string }, ctx: FirstReadContext) {
  const { caller, docs } = await ctx.readWithCaller({ session: { collection: SESSIONS, build: (p) => p.match({ _id: input.sid }).limit(1) } })
  const session = docs.session[0] as DeskSessionRecord | undefined
  const own = !!session && session.openid === caller.openid
  if (!session || !(own || isDistrictAdmin(caller))) throw new AppError('NOT_FOUND', '该登录设备不存在')
  const endedBy = own ? 'phone' : 'admin'
  if (!(await transition(session._id, ['confirmed', 'active'], {}, { status: 'revoked', endedAt: clock.date(), endedBy })))
    throw new AppError('CONFLICT', '该设备已退出登录')
  await audit(caller, {
    action: 'auth.deskRevoke',
    target: { collection: SESSIONS, id: session._id, label: session.client.ua.slice(0, 60) || undefined },
    detail: { owner: session.openid, endedBy }
  })
  return { revoked: true as const }
}

// ---- the timer -----------------------------------------------------------------------------------

/**
 * Hourly: records as `expired` what is over (the shell and the actions never rely on it: they check
 * the times themselves). Four guarded multi-document updates, each by status and `expiresAt` (the
 * index): a QR code's is its 3 minutes, a confirmed session's its end, 12 h after the confirmation
 * (so a ticket not fetched within 60 s has `expiresAt` before now + 12 h − 60 s).
 */
export async function sweepDeskSessions() {
  const now = clock.now()
  const data = { status: 'expired', endedAt: new Date(now) }
  const [qr, unfetched, ended, idle] = await Promise.all([
    col().where({ status: _().in(['pending', 'scanned']), expiresAt: _().lt(new Date(now)) }).update({ data }),
    col().where({ status: 'confirmed', expiresAt: _().lt(new Date(now + DESK_SESSION_TTL_MS - DESK_TICKET_WINDOW_MS)) }).update({ data }),
    col().where({ status: 'active', expiresAt: _().lt(new Date(now)) }).update({ data }),
    col().where({ status: 'active', expiresAt: _().lt(new Date(now + DESK_SESSION_TTL_MS)), lastSeenAt: _().lt(new Date(now - DESK_IDLE_TTL_MS)) }).update({ data })
  ])
  return { expiredCodes: qr.stats.updated + unfetched.stats.updated, expiredSessions: ended.stats.updated + idle.stats.updated }
}
