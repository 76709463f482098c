import { getCloudbaseContext } from '@cloudbase/node-sdk'
import { DESK_IDLE_TTL_MS, DESK_ROLES, DESK_SID, type DeskStatus } from '../../contracts/auth'
import type { Role, Scopes } from '../../contracts/roles'
import { db, sdk } from './db'
import { AppError } from './errors'
import type { Part } from './together'

/** A user as stored in `users` (`_id` is the openid). Residents need no record: any openid is one. */
export interface UserRecord {
  _id: string
  openid: string
  roles: Role[]
  scopes: Scopes
  profile: {
    name?: string
    mobile?: string
    communityId?: string
    gridId?: string
    buildingId?: string
  }
  /**
   * 志愿者实名登记 (server/activities/volunteerRegistration.ts): when the person registered as a
   * volunteer (name, mobile, consent 'volunteer'); with it, or the member role, they may sign up.
   */
  volunteerSince?: Date
  /** The mobile given at the volunteer registration (erased where it still stands when it ends). */
  volunteerMobile?: string
  /**
   * What a withdrawal of 报到 left for the activities timer to erase (server/members/withdraw.ts
   * `erasePendingCopies`): the person's other registrations and the numbers on their sign-ups.
   */
  pendingErasure?: { registrations: string[]; mobiles: string[]; at: Date }
  createdAt?: Date
  updatedAt?: Date
}

export interface Caller {
  openid: string
  roles: Role[]
  scopes: Scopes
  user: UserRecord | null
  /** A call from a PC signed in by scan (docs/back-office.md §2): its desk session. Absent: the phone. */
  via?: { kind: 'desk'; sid: string }
}

export const emptyScopes = (): Scopes => ({ communityIds: [], companyIds: [], gridIds: [] })

/** The caller an openid is, given its users document (or none: a resident). */
export function callerOf(openid: string, user: UserRecord | null): Caller {
  const roles = new Set<Role>(['resident', ...(user?.roles ?? [])])
  return { openid, roles: [...roles], scopes: user?.scopes ?? emptyScopes(), user }
}

/** Loads the caller's roles and scopes; every openid is at least a resident. */
export async function loadCaller(openid: string): Promise<Caller> {
  const res = await db().collection('users').where({ _id: openid }).limit(1).get()
  return callerOf(openid, (res.data[0] as UserRecord | undefined) ?? null)
}

/** The caller's users document as a part of a combined read (server/core/together.ts). */
export const callerPart = (openid: string): Part => ({ collection: 'users', build: (p) => p.match({ _id: openid }).limit(1) })

// ---------------------------------------------------------------------------------------------
// Who is calling (docs/back-office.md §2): a mini-program user, a signed-in PC (the back office),
// or nobody the shell knows.

/**
 * The caller as the platform tells it, never as the event does:
 * - `wechat`: `getWXContext().OPENID` (a mini-program user);
 * - `desk`: no OPENID, and the CloudBase custom-login user id is a desk session id (`ds_…`): a PC
 *   signed in by scan; who it is comes from `deskSessions/<sid>` (loadDeskCaller);
 * - `none`: timers, other functions, anonymous web users (the PC before sign-in), any other
 *   custom-login uid.
 * `ip`: the client's address when the platform gives one (WX_CLIENTIP).
 */
export type Identity = ({ kind: 'wechat'; openid: string } | { kind: 'desk'; sid: string } | { kind: 'none' }) & { ip?: string; web?: boolean }

/**
 * node-sdk's view of the call: `TCB_CONTEXT_KEYS` / `WX_CONTEXT_KEYS` values from the per-call
 * environment and, when the entry's `context` carries it (`environment`, a JSON string, on the
 * current SCF architecture), from the context, which wins. A context without `environment` or
 * `environ` (the emulator's, a test's) would make parseContext throw: then only process.env counts.
 */
export function cloudbaseContext(context?: unknown): Record<string, string | undefined> {
  const usable = context && typeof context === 'object' && (typeof (context as Record<string, unknown>).environment === 'string' || typeof (context as Record<string, unknown>).environ === 'string')
  try {
    return getCloudbaseContext(usable ? (context as Parameters<typeof getCloudbaseContext>[0]) : undefined) as unknown as Record<string, string | undefined>
  } catch (error) {
    // A context the SDK cannot parse: the per-call environment alone (never a caller from the event).
    console.warn('[identity] unreadable function context', (error as Error)?.message)
    return getCloudbaseContext() as unknown as Record<string, string | undefined>
  }
}

/**
 * The CloudBase custom-login user id of a web caller (the ticket's uid), if any. **[verify on
 * deploy]** that CloudBase auth v2/v3 fills TCB_CUSTOM_USER_ID for a custom-login caller; if it
 * does not, this is the one place to add the `auth().getEndUserInfo(uid)` fallback (cached per
 * instance: uid → customUserId never changes).
 */
export function webCustomUserId(ctx: Record<string, string | undefined>): string | undefined {
  const id = ctx.TCB_CUSTOM_USER_ID
  if (!id || ctx.TCB_ISANONYMOUS_USER === 'true') return undefined
  return id
}

/** Who calls: see Identity. Nothing in the event counts. */
export function identify(context?: unknown): Identity {
  const wx = sdk().getWXContext() as { OPENID?: string; CLIENTIP?: string }
  const ctx = cloudbaseContext(context)
  const ip = wx.CLIENTIP || ctx.WX_CLIENTIP || undefined
  // A CloudBase end user (the js-sdk of a web page): never a timer, never WeChat's own push.
  const web = !!(ctx.TCB_UUID || ctx.TCB_CUSTOM_USER_ID) || ctx.TCB_ISANONYMOUS_USER === 'true'
  if (wx.OPENID) return { kind: 'wechat', openid: wx.OPENID, ip }
  const custom = webCustomUserId(ctx)
  if (custom && DESK_SID.test(custom)) return { kind: 'desk', sid: custom, ip, web }
  // A signed-in (not anonymous) CloudBase user without a customUserId: the deploy smoke check of
  // docs/back-office.md §8 (then every PC call is "nobody" and the back office cannot sign in).
  if (web && !custom && ctx.TCB_ISANONYMOUS_USER !== 'true' && !warnedNoCustomUserId) {
    warnedNoCustomUserId = true
    console.warn('[identity] a CloudBase web user arrived without TCB_CUSTOM_USER_ID: add the getEndUserInfo fallback in webCustomUserId (server/core/identity.ts)')
  }
  return { kind: 'none', ip, web }
}

let warnedNoCustomUserId = false

/** A desk session as stored (`deskSessions/<sid>`, server/auth/sessions.ts). */
export interface DeskSessionRecord {
  _id: string
  scene: string
  pollKeyHash: string
  status: DeskStatus
  openid?: string
  roles?: Role[]
  client: { ip?: string; ua: string }
  createdAt: Date
  scannedAt?: Date
  confirmedAt?: Date
  ticketIssuedAt?: Date
  lastSeenAt?: Date
  expiresAt: Date
  endedAt?: Date
  endedBy?: 'self' | 'phone' | 'admin' | 'role'
}

export const DESK_SIGNED_OUT = '登录已失效，请重新扫码登录'
/** lastSeenAt is written at most this often per session. */
export const DESK_TOUCH_MS = 5 * 60_000

/**
 * The caller a desk session is, or UNAUTHENTICATED: the session must be active, within its 12 h
 * and its 2 h idle limit, and its person must still hold a role that may use the back office.
 * `touch`: lastSeenAt is older than DESK_TOUCH_MS (the shell writes it).
 */
export function deskCallerOf(sid: string, session: DeskSessionRecord | undefined | null, user: UserRecord | null, now: number): { caller: Caller; touch: boolean } {
  const refuse = () => new AppError('UNAUTHENTICATED', DESK_SIGNED_OUT)
  if (!session || session._id !== sid || session.status !== 'active' || !session.openid) throw refuse()
  const expiresAt = new Date(session.expiresAt).getTime()
  const lastSeen = session.lastSeenAt ? new Date(session.lastSeenAt).getTime() : 0
  if (!(now < expiresAt) || !(now - lastSeen < DESK_IDLE_TTL_MS)) throw refuse()
  const caller = { ...callerOf(session.openid, user), via: { kind: 'desk' as const, sid } }
  if (!DESK_ROLES.some((role) => caller.roles.includes(role))) throw refuse()
  return { caller, touch: now - lastSeen >= DESK_TOUCH_MS }
}

/** The desk session (and its person's users document, by `$lookup`) in one round trip. */
export async function readDeskSession(sid: string): Promise<{ session: DeskSessionRecord | null; user: UserRecord | null }> {
  const res = (await db()
    .collection('deskSessions')
    .aggregate()
    .match({ _id: sid })
    .limit(1)
    .lookup({ from: 'users', localField: 'openid', foreignField: '_id', as: 'user' })
    .end()) as { list: (DeskSessionRecord & { user?: UserRecord[] })[] }
  const found = res.list[0]
  if (!found) return { session: null, user: null }
  const { user, ...session } = found
  return { session, user: user?.[0] ?? null }
}

/** A desk session as a part of a combined read (withFirstRead: next to the caller's users document). */
export const deskSessionPart = (sid: string): Part => ({ collection: 'deskSessions', build: (p) => p.match({ _id: sid }).limit(1) })

/**
 * Writes lastSeenAt when it is older than DESK_TOUCH_MS (guarded: of calls at once, one writes).
 * The idle limit counts from it, so a PC in use stays signed in and a forgotten one is not.
 */
export async function touchDeskSession(sid: string, now: number): Promise<void> {
  const _ = db().command
  await db()
    .collection('deskSessions')
    .where({ _id: sid, status: 'active', lastSeenAt: _.lt(new Date(now - DESK_TOUCH_MS)) })
    .update({ data: { lastSeenAt: new Date(now) } })
}

/** sid → openid, learnt from this instance's reads (immutable: a session never changes its person). Bounded. */
const deskOpenids = new Map<string, string>()
export function knownDeskOpenid(sid: string): string | undefined {
  return deskOpenids.get(sid)
}
export function rememberDeskOpenid(sid: string, openid: string): void {
  if (deskOpenids.size >= 5000) deskOpenids.clear()
  deskOpenids.set(sid, openid)
}
