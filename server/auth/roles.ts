/**
 * 角色管理 (docs/back-office.md §6): the district admin grants staff-class roles by invitation, so
 * nobody ever types an openid, and takes them back.
 *
 *   admin  inviteRole  → roleInvites/<code> open (8 characters, 72 h, one use; a QR code of the phone page)
 *   phone  roleInvite  → what it offers        phone acceptRole → used (guarded), the role added, audited
 *   admin  cancelInvite → cancelled            admin revokeRole → the scope entry (or role) pulled,
 *                                                  audited, the person's PCs signed out (endedBy 'role')
 *
 * The grant is audited as `auth.grantRole` with the inviting admin as the actor (the invitation
 * records who made it): the admin decided, the person only accepted. `district_admin` is never
 * granted or revoked here (the contracts' role enum leaves it out).
 */
import { randomBytes } from 'node:crypto'
import {
  GRANTABLE_ROLES,
  ROLE_INVITE_ALPHABET,
  ROLE_INVITE_TTL_MS,
  ROLE_SCOPE_FIELD,
  type GrantableRole,
  type RoleHolder,
  type RoleInviteInput,
  type RoleInviteStatus,
  type RoleInviteView,
  type ScopeField
} from '../../contracts/auth'
import type { PageInput } from '../../contracts/common'
import { ROLE_LABELS, type Role } from '../../contracts/roles'
import { audit } from '../core/audit'
import { clock } from '../core/clock'
import { db, isDuplicateKey } from '../core/db'
import { AppError } from '../core/errors'
import type { FirstReadContext } from '../core/function'
import { emptyScopes, type Caller, type UserRecord } from '../core/identity'
import { readTogether, type Part } from '../core/together'
import { platform } from '../platform'
import { pngDataUrl } from '../platform/qr'

/** The phone page an invitation's QR code opens (a weapp page in app.json; H5 in the emulator). */
export const ROLE_INVITE_PAGE = 'packages/mine/pages/role-invite/index'

const INVITES = 'roleInvites'
const invites = () => db().collection(INVITES)
const users = () => db().collection('users')
const _ = () => db().command

/** Where each scope field's places live. */
const PLACE_COLLECTION: Record<ScopeField, 'communities' | 'companies' | 'grids'> = { communityIds: 'communities', companyIds: 'companies', gridIds: 'grids' }

/** An invitation as stored (`roleInvites/<code>`). */
export interface RoleInviteRecord {
  _id: string
  role: GrantableRole
  scopeField: ScopeField
  /** The places, with their names as they were at the invitation. */
  places: { id: string; name: string }[]
  /** The communities the places are in (staff: the places; committee: their compounds'), for the audit log. */
  communityIds: string[]
  label: string
  status: 'open' | 'used' | 'cancelled'
  invitedBy: { openid: string; name?: string; roles: Role[] }
  name?: string
  note?: string
  createdAt: Date
  expiresAt: Date
  usedBy?: string
  usedAt?: Date
  /** Set once the role is granted: from then on the code grants nothing again (not after a revoke either). */
  grantedAt?: Date
  cancelledAt?: Date
}

const NOT_FOUND = '邀请码无效，请核对后重新输入'
const EXPIRED = '邀请已过期'
const USED = '邀请已被使用'
const CANCELLED = '邀请已被撤回'

/** An unbiased code of ROLE_INVITE_ALPHABET (31 letters and digits; bytes ≥ 248 are drawn again): ~40 bits. */
export function newInviteCode(): string {
  let out = ''
  while (out.length < 8) {
    for (const byte of randomBytes(16)) {
      if (byte < 248 && out.length < 8) out += ROLE_INVITE_ALPHABET[byte % 31]
    }
  }
  return out
}

/** 社区工作者（东风社区、红旗社区） */
export const roleLabelOf = (role: GrantableRole, names: string[]) => `${ROLE_LABELS[role]}（${names.join('、')}）`

const iso = (at: Date | string) => new Date(at).toISOString()

function statusOf(invite: RoleInviteRecord, now: number): RoleInviteStatus {
  if (invite.status !== 'open') return invite.status
  return now >= new Date(invite.expiresAt).getTime() ? 'expired' : 'open'
}

function viewOf(invite: RoleInviteRecord, now: number, caller?: Caller): RoleInviteView {
  return {
    code: invite._id,
    role: invite.role,
    label: invite.label,
    places: invite.places,
    status: statusOf(invite, now),
    expiresAt: iso(invite.expiresAt),
    createdAt: iso(invite.createdAt),
    ...(invite.invitedBy.name ? { invitedByName: invite.invitedBy.name } : {}),
    ...(invite.name ? { name: invite.name } : {}),
    ...(invite.note ? { note: invite.note } : {}),
    ...(caller && invite.usedBy === caller.openid ? { mine: true } : {})
  }
}

const invitePart = (code: string): Part => ({ collection: INVITES, build: (p) => p.match({ _id: code }).limit(1) })

// ---- the district admin --------------------------------------------------------------------------

/**
 * A new invitation. Round trips: 2 (the caller with the places, one read; then the add beside the
 * QR code). A code already taken (1 in ~10^12 per open code) is drawn again.
 */
export async function inviteRole(input: RoleInviteInput, ctx: FirstReadContext) {
  const field = ROLE_SCOPE_FIELD[input.role]
  const ids = [...new Set(input.scope[field] as string[])]
  const { caller, docs } = await ctx.readWithCaller({
    places: { collection: PLACE_COLLECTION[field], build: (p) => p.match({ _id: _().in(ids) }).limit(ids.length).project({ name: true, communityId: true }) }
  })
  const found = new Map(docs.places.map((d) => [String(d._id), d as { _id: string; name?: string; communityId?: string }]))
  const missing = ids.filter((id) => !found.has(id))
  if (missing.length) throw new AppError('NOT_FOUND', `所选的${field === 'communityIds' ? '社区' : field === 'companyIds' ? '物业企业' : '小区'}不存在：${missing.join('、')}`)
  const places = ids.map((id) => ({ id, name: found.get(id)?.name || id }))
  const communityIds = field === 'communityIds' ? ids : field === 'gridIds' ? [...new Set(ids.map((id) => found.get(id)?.communityId).filter((c): c is string => !!c))] : []
  const now = clock.now()
  const label = roleLabelOf(input.role, places.map((p) => p.name))
  const base: Omit<RoleInviteRecord, '_id'> = {
    role: input.role,
    scopeField: field,
    places,
    communityIds,
    label,
    status: 'open',
    invitedBy: { openid: caller.openid, ...(caller.user?.profile?.name ? { name: caller.user.profile.name } : {}), roles: caller.roles },
    ...(input.name ? { name: input.name } : {}),
    ...(input.note ? { note: input.note } : {}),
    createdAt: new Date(now),
    expiresAt: new Date(now + ROLE_INVITE_TTL_MS)
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const code = newInviteCode()
    try {
      const [, png] = await Promise.all([invites().add({ data: { _id: code, ...base } }), platform().codes.image({ scene: code, page: ROLE_INVITE_PAGE })])
      return { code, qr: pngDataUrl(png), expiresAt: base.expiresAt.toISOString(), label }
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
    }
  }
  throw new AppError('INTERNAL', '邀请码生成失败，请重试')
}

/** 撤回: an open invitation → cancelled. Round trips: 2 (the shell's read, the guarded update). */
export async function cancelInvite(input: { code: string }) {
  const res = await invites().where({ _id: input.code, status: 'open' }).update({ data: { status: 'cancelled', cancelledAt: clock.date() } })
  if (res.stats.updated !== 1) throw new AppError('CONFLICT', '该邀请已被使用、撤回或不存在')
  return { cancelled: true as const }
}

/** The open invitations (those past their 72 h left out), newest first. Round trips: 2. */
export async function listInvites(input: PageInput) {
  const now = clock.now()
  const where = { status: 'open', expiresAt: _().gt(new Date(now)) }
  const [found, counted] = await Promise.all([
    invites()
      .where(where)
      .orderBy('createdAt', 'desc')
      .skip((input.page - 1) * input.pageSize)
      .limit(input.pageSize)
      .get(),
    invites().where(where).count()
  ])
  return { items: (found.data as RoleInviteRecord[]).map((i) => viewOf(i, now)), total: counted.total, page: input.page, pageSize: input.pageSize }
}

/** The places to invite to: communities, property companies and compounds, named. Round trips: 2. */
export async function roleScopes() {
  const docs = await readTogether({
    communities: { collection: 'communities', build: (p) => p.match({}).sort({ order: 1 }).limit(1000).project({ name: true }) },
    companies: { collection: 'companies', build: (p) => p.match({}).sort({ _id: 1 }).limit(1000).project({ name: true }) },
    grids: { collection: 'grids', build: (p) => p.match({}).sort({ _id: 1 }).limit(5000).project({ name: true, communityId: true }) }
  })
  const named = (d: Record<string, any>) => ({ id: String(d._id), name: String(d.name ?? d._id) })
  return {
    communities: docs.communities.map(named),
    companies: docs.companies.map(named),
    grids: docs.grids.map((d) => ({ ...named(d), ...(d.communityId ? { communityId: String(d.communityId) } : {}) }))
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Holders of staff-class roles, by name, with their places named. Round trips: 2 (people and their
 * count together, then the names of their places); 3 with a community (its compounds first).
 */
export async function roleHolders(input: PageInput & { role?: GrantableRole; communityId?: string; q?: string }) {
  const conditions: Record<string, unknown>[] = [{ roles: input.role ?? _().in([...GRANTABLE_ROLES]) }]
  if (input.communityId) {
    const grids = await db().collection('grids').where({ communityId: input.communityId }).field({ _id: true }).limit(1000).get()
    const gridIds = (grids.data as { _id: string }[]).map((g) => g._id)
    const inCommunity: Record<string, unknown>[] = [{ roles: 'staff', 'scopes.communityIds': input.communityId }]
    if (gridIds.length) inCommunity.push({ roles: 'committee', 'scopes.gridIds': _().in(gridIds) })
    conditions.push(inCommunity.length === 1 ? inCommunity[0] : _().or(inCommunity))
  }
  if (input.q) conditions.push(_().or([{ _id: input.q }, { 'profile.name': db().RegExp({ regexp: escapeRegExp(input.q), options: 'i' }) }]))
  const where = conditions.length === 1 ? conditions[0] : _().and(conditions)
  const [found, counted] = await Promise.all([
    users()
      .where(where)
      .orderBy('_id', 'asc')
      .skip((input.page - 1) * input.pageSize)
      .limit(input.pageSize)
      .field({ roles: true, scopes: true, 'profile.name': true })
      .get(),
    users().where(where).count()
  ])
  const people = found.data as Pick<UserRecord, '_id' | 'roles' | 'scopes' | 'profile'>[]
  const wanted: Record<ScopeField, Set<string>> = { communityIds: new Set(), companyIds: new Set(), gridIds: new Set() }
  for (const person of people) for (const field of Object.keys(wanted) as ScopeField[]) for (const id of person.scopes?.[field] ?? []) wanted[field].add(id)
  const nameParts = Object.fromEntries(
    (Object.keys(wanted) as ScopeField[])
      .filter((field) => wanted[field].size)
      .map((field) => [field, { collection: PLACE_COLLECTION[field], build: (p) => p.match({ _id: _().in([...wanted[field]]) }).limit(wanted[field].size).project({ name: true }) } as Part])
  ) as Record<ScopeField, Part>
  const names = Object.keys(nameParts).length ? await readTogether(nameParts) : ({} as Record<ScopeField, Record<string, any>[]>)
  const nameOf = (field: ScopeField, id: string) => names[field]?.find((d) => d._id === id)?.name as string | undefined
  const items: RoleHolder[] = people.map((person) => ({
    openid: person._id,
    name: person.profile?.name || '未填写姓名',
    districtAdmin: (person.roles ?? []).includes('district_admin'),
    holdings: GRANTABLE_ROLES.filter((role) => (person.roles ?? []).includes(role)).flatMap((role) => {
      const field = ROLE_SCOPE_FIELD[role]
      const ids = person.scopes?.[field] ?? []
      if (!ids.length) return [{ role }]
      return ids.map((id) => ({ role, scopeId: id, scopeName: nameOf(field, id) ?? id }))
    })
  }))
  return { items, total: counted.total, page: input.page, pageSize: input.pageSize }
}

/**
 * Takes a role from a person: one place of it (`scopeId`), the role going with its last place, or
 * all of it. The update is guarded by the scope list as read, so a grant or revoke meanwhile makes
 * this one CONFLICT rather than drop a role that just gained a place. Then, together: the audit
 * row, and the person's signed-in PCs → revoked (endedBy 'role'; one multi-document update).
 * Round trips: 3 (the caller with the person; the update; the audit beside the sessions).
 */
export async function revokeRole(input: { openid: string; role: GrantableRole; scopeId?: string; reason: string }, ctx: FirstReadContext) {
  const { caller, docs } = await ctx.readWithCaller({ person: { collection: 'users', build: (p) => p.match({ _id: input.openid }).limit(1) } })
  const person = docs.person[0] as UserRecord | undefined
  if (!person || !(person.roles ?? []).includes(input.role)) throw new AppError('NOT_FOUND', `该人员没有“${ROLE_LABELS[input.role]}”角色`)
  const field = ROLE_SCOPE_FIELD[input.role]
  const held = person.scopes?.[field] ?? []
  if (input.scopeId && !held.includes(input.scopeId)) throw new AppError('NOT_FOUND', `该人员在所选范围没有“${ROLE_LABELS[input.role]}”角色`)
  const removed = input.scopeId ? [input.scopeId] : held
  const left = held.filter((id) => !removed.includes(id))
  const dropRole = left.length === 0
  const path = `scopes.${field}`
  const data: Record<string, unknown> = { [path]: left, updatedAt: clock.date() }
  if (dropRole) data.roles = _().pull(input.role)
  // Guarded by what was read: the role held, and the place list unchanged (an exact array match).
  const guard: Record<string, unknown> = { _id: input.openid, roles: input.role }
  // No places read: still none (missing or empty), or a grant landing meanwhile would be wiped.
  if (held.length) guard[path] = held
  const where = held.length ? guard : _().and([guard, _().or([{ [path]: _().size(0) }, { [path]: _().exists(false) }])])
  const res = await users().where(where).update({ data })
  if (res.stats.updated !== 1) throw new AppError('CONFLICT', '该人员的角色刚刚有变化，请刷新后重试')
  const now = clock.date()
  const [sessions] = await Promise.all([
    db()
      .collection('deskSessions')
      .where({ openid: input.openid, status: _().in(['confirmed', 'active']) })
      .update({ data: { status: 'revoked', endedAt: now, endedBy: 'role' } }),
    audit(caller, {
      action: 'auth.revokeRole',
      target: { collection: 'users', id: input.openid, ...(person.profile?.name ? { label: person.profile.name } : {}) },
      ...(field === 'communityIds' && removed.length === 1 ? { communityId: removed[0] } : {}),
      detail: { whose: input.openid, role: input.role, scope: { [field]: removed }, roleDropped: dropRole, reason: input.reason }
    })
  ])
  return { revoked: true as const, roleDropped: dropRole, sessionsEnded: sessions.stats.updated }
}

// ---- the invited person's phone ------------------------------------------------------------------

async function inviteOf(code: string, ctx: FirstReadContext): Promise<{ caller: Caller; invite: RoleInviteRecord }> {
  const { caller, docs } = await ctx.readWithCaller({ invite: invitePart(code) })
  const invite = docs.invite[0] as RoleInviteRecord | undefined
  if (!invite) throw new AppError('NOT_FOUND', NOT_FOUND)
  return { caller, invite }
}

/** What an invitation offers (any status: the page says why it cannot be accepted). Round trips: 1. */
export async function roleInvite(input: { code: string }, ctx: FirstReadContext) {
  const { caller, invite } = await inviteOf(input.code, ctx)
  return viewOf(invite, clock.now(), caller)
}

const holds = (caller: Caller, invite: RoleInviteRecord) =>
  caller.roles.includes(invite.role) && invite.places.every((p) => (caller.scopes[invite.scopeField] ?? []).includes(p.id))

/**
 * 接受: the invitation open → used (guarded: of two phones, one wins), then the role and its places
 * added to the caller's users document (`_.addToSet`; the document made when there is none), and
 * the grant audited with the inviting admin as the actor. The same person accepting again (a lost
 * reply) finishes what is missing and answers alike; once granted, the code never grants again (not
 * after a revoke either: `grantedAt`). Round trips: 5 and the rate unit (the caller with the
 * invitation; the guarded update; the users write; the audit beside the code's `grantedAt`).
 */
export async function acceptRole(input: { code: string }, ctx: FirstReadContext) {
  const { caller, invite } = await inviteOf(input.code, ctx)
  const now = clock.now()
  const answer = { role: invite.role, label: invite.label }
  if (invite.status === 'used') {
    if (invite.usedBy !== caller.openid) throw new AppError('CONFLICT', USED)
    if (holds(caller, invite)) return answer
    // Granted once and revoked since: the old code never gives the role back.
    if (invite.grantedAt) throw new AppError('CONFLICT', USED)
  } else {
    if (invite.status === 'cancelled') throw new AppError('CONFLICT', CANCELLED)
    if (now >= new Date(invite.expiresAt).getTime()) throw new AppError('CONFLICT', EXPIRED)
    const used = await invites()
      .where({ _id: invite._id, status: 'open', expiresAt: _().gt(new Date(now)) })
      .update({ data: { status: 'used', usedBy: caller.openid, usedAt: new Date(now) } })
    if (used.stats.updated !== 1) throw new AppError('CONFLICT', USED)
  }
  await grant(caller, invite, now)
  // The admin's decision, carried out now: their name and roles as the invitation recorded them.
  const inviter: Caller = {
    openid: invite.invitedBy.openid,
    roles: invite.invitedBy.roles,
    scopes: emptyScopes(),
    user: { _id: invite.invitedBy.openid, openid: invite.invitedBy.openid, roles: invite.invitedBy.roles, scopes: emptyScopes(), profile: invite.invitedBy.name ? { name: invite.invitedBy.name } : {} }
  }
  const personName = caller.user?.profile?.name || invite.name
  // Beside the audit: the code is spent for good (a retry after a lost reply finds the role held).
  const spent = invites().where({ _id: invite._id, status: 'used', usedBy: caller.openid }).update({ data: { grantedAt: new Date(now) } })
  await audit(inviter, {
    action: 'auth.grantRole',
    target: { collection: 'users', id: caller.openid, ...(personName ? { label: personName } : {}) },
    ...(invite.communityIds.length === 1 ? { communityId: invite.communityIds[0] } : {}),
    detail: { whose: caller.openid, acceptedBy: caller.openid, role: invite.role, scope: { [invite.scopeField]: invite.places.map((p) => p.id) }, invite: invite._id }
  })
  await spent
  return answer
}

/** The role and its places onto the person's users document: an update, or the document itself when there is none. */
async function grant(caller: Caller, invite: RoleInviteRecord, now: number): Promise<void> {
  const ids = invite.places.map((p) => p.id)
  const name = !caller.user?.profile?.name && invite.name ? invite.name : undefined
  const update = async () => {
    const data: Record<string, unknown> = { roles: _().addToSet(invite.role), [`scopes.${invite.scopeField}`]: _().addToSet({ each: ids }), updatedAt: new Date(now) }
    if (name) data['profile.name'] = name
    await users().where({ _id: caller.openid }).update({ data })
  }
  // An account read with the caller: updated (`updated` is 0 when it held all of it already, so it is not a test of existence).
  if (caller.user) return update()
  const scopes = { ...emptyScopes(), [invite.scopeField]: ids }
  const record: UserRecord = { _id: caller.openid, openid: caller.openid, roles: [invite.role], scopes, profile: name ? { name } : {}, createdAt: new Date(now), updatedAt: new Date(now) }
  try {
    await users().add({ data: record })
  } catch (error) {
    // Made meanwhile (another call of the person's): add to it.
    if (!isDuplicateKey(error)) throw error
    await update()
  }
}
