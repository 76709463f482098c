/**
 * 角色管理 (docs/back-office.md §6, §7 "Roles"): the district admin invites a person to a
 * staff-class role, the person accepts on the phone, the admin revokes it. On the emulator backend
 * with the real wx-server-sdk: the invitation's guarded transitions, the users document's
 * `_.addToSet` / `_.pull`, the audit rows, and the revoked person's PCs signed out.
 */
import { generateKeyPairSync } from 'node:crypto'
import { ROLE_INVITE_CODE, ROLE_INVITE_TTL_MS } from '../../contracts/auth'
import { anonymousWeb, asDesk, startTestCloud, type TestCloud } from '../support/cloud'

// The desk sign-in issues tickets with the custom-login key (as tests/functions/desk-auth.test.ts).
if (!process.env.HONGLIN_CUSTOM_LOGIN_KEY) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const key = { private_key_id: 'test-key-roles', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), env_id: 'honglin-local' }
  process.env.HONGLIN_CUSTOM_LOGIN_KEY = Buffer.from(JSON.stringify(key)).toString('base64')
}

let cloud: TestCloud
beforeAll(async () => {
  cloud = await startTestCloud()
})
afterAll(() => cloud?.close())

const NOW = '2026-11-27T09:00:00+08:00'
beforeEach(() => cloud.clock.set(NOW))

const errorOf = (reply: { ok: boolean; error?: { code: string; message: string } }) => (reply.ok ? 'ok' : `${reply.error!.code} ${reply.error!.message}`)

let people = 0
/** A brand-new WeChat user (no users document). */
const newcomer = () => `roles-newcomer-${++people}`

let ips = 0
/** A PC signed in by scan as `openid` (start → scan → confirm → poll); returns the sid. */
async function deskSignIn(openid: string): Promise<string> {
  const s = await cloud.ok<{ sid: string; pollSecret: string; scene: string }>('auth', 'deskStart', { ua: 'roles-test' }, anonymousWeb(`10.9.0.${++ips}`))
  await cloud.ok('auth', 'deskScan', { scene: s.scene }, openid)
  await cloud.ok('auth', 'deskConfirm', { scene: s.scene }, openid)
  await cloud.ok('auth', 'deskPoll', { sid: s.sid, pollSecret: s.pollSecret }, anonymousWeb())
  return s.sid
}

const invite = (input: object, as: Parameters<TestCloud['ok']>[3] = 'demo-admin') => cloud.ok<{ code: string; qr: string; expiresAt: string; label: string }>('auth', 'inviteRole', input, as)
const staffOf = (...communityIds: string[]) => ({ role: 'staff', scope: { communityIds } })

describe('invite → accept', () => {
  it('grants the role in that community only; audited as the admin’s grant', async () => {
    const made = await invite({ ...staffOf('c1'), name: '刘新', note: '新入职' })
    expect(made.code).toMatch(ROLE_INVITE_CODE)
    expect(made.label).toBe('社区工作者（东风社区）')
    expect(made.qr).toMatch(/^data:image\/png;base64,iVBOR/)
    expect(new Date(made.expiresAt).getTime() - cloud.clock.now()).toBe(ROLE_INVITE_TTL_MS)
    expect(cloud.store.findOne('roleInvites', { _id: made.code })).toMatchObject({ status: 'open', role: 'staff', scopeField: 'communityIds', invitedBy: { openid: 'demo-admin', name: '陈主任' } })

    const person = newcomer()
    // Before accepting: a resident, refused the staff action.
    expect(errorOf(await cloud.call('qrcodes', 'community', { communityId: 'c1' }, person))).toMatch(/^FORBIDDEN/)
    // The confirm page's read (the code typed in lower case is the same code).
    const view = await cloud.ok('auth', 'roleInvite', { code: made.code.toLowerCase() }, person)
    expect(view).toMatchObject({ code: made.code, label: '社区工作者（东风社区）', status: 'open', invitedByName: '陈主任', places: [{ id: 'c1', name: '东风社区' }] })
    expect(view.mine).toBeUndefined()

    expect(await cloud.ok('auth', 'acceptRole', { code: made.code }, person)).toEqual({ role: 'staff', label: '社区工作者（东风社区）' })
    // The users document was made (the person had none), with the name the admin gave.
    expect(cloud.store.findOne('users', { _id: person })).toMatchObject({ openid: person, roles: ['staff'], scopes: { communityIds: ['c1'], companyIds: [], gridIds: [] }, profile: { name: '刘新' } })
    expect(cloud.store.findOne('roleInvites', { _id: made.code })).toMatchObject({ status: 'used', usedBy: person })
    // Staff of c1 now, and only there.
    expect((await cloud.call('qrcodes', 'community', { communityId: 'c1' }, person)).ok).toBe(true)
    expect(errorOf(await cloud.call('qrcodes', 'community', { communityId: 'c2' }, person))).toMatch(/^FORBIDDEN/)

    const row = cloud.store.findOne('auditLogs', { action: 'auth.grantRole', 'target.id': person })!
    expect(row).toMatchObject({ actor: 'demo-admin', actorName: '陈主任', actorRoles: expect.arrayContaining(['district_admin']), communityId: 'c1', target: { collection: 'users', label: '刘新' } })
    expect(row.detail).toMatchObject({ acceptedBy: person, whose: person, role: 'staff', scope: { communityIds: ['c1'] } })
    // 访问记录 lists it under 管理操作.
    const logs = await cloud.ok('users', 'auditLogs', { auditAction: 'auth.grantRole' }, 'demo-admin')
    expect(logs.items.some((e: { actionLabel: string; target: { id: string } }) => e.target.id === person && e.actionLabel === '授予角色')).toBe(true)

    // The page reloaded after 接受: the invitation is the caller's own.
    expect(await cloud.ok('auth', 'roleInvite', { code: made.code }, person)).toMatchObject({ status: 'used', mine: true })
  })

  it('adds to an existing account without touching the rest of it', async () => {
    const before = cloud.store.findOne('users', { _id: 'demo-member' })!
    const made = await invite({ role: 'committee', scope: { gridIds: ['c1g1'] }, name: '别的名字' })
    expect(made.label).toMatch(/^业委会成员（.+）$/)
    await cloud.ok('auth', 'acceptRole', { code: made.code }, 'demo-member')
    const after = cloud.store.findOne('users', { _id: 'demo-member' })!
    expect(after.roles).toEqual(['member', 'committee'])
    expect(after.scopes).toEqual({ ...before.scopes, gridIds: ['c1g1'] })
    // Their own name stays.
    expect(after.profile).toEqual(before.profile)
    // The audit row carries the grid's community.
    expect(cloud.store.findOne('auditLogs', { action: 'auth.grantRole', 'target.id': 'demo-member' })).toMatchObject({ communityId: 'c1', target: { label: '李明' } })
    // A second place of the same role is added to the set.
    const second = await invite({ role: 'committee', scope: { gridIds: ['c1g2', 'c1g1'] } })
    await cloud.ok('auth', 'acceptRole', { code: second.code }, 'demo-member')
    expect(cloud.store.findOne('users', { _id: 'demo-member' })!.scopes.gridIds).toEqual(['c1g1', 'c1g2'])
  })

  it('accepting what one holds already changes nothing and succeeds', async () => {
    const before = cloud.store.findOne('users', { _id: 'demo-staff' })!
    const made = await invite(staffOf('c1'))
    expect(await cloud.ok('auth', 'acceptRole', { code: made.code }, 'demo-staff')).toEqual({ role: 'staff', label: '社区工作者（东风社区）' })
    const after = cloud.store.findOne('users', { _id: 'demo-staff' })!
    expect({ roles: after.roles, scopes: after.scopes, profile: after.profile }).toEqual({ roles: before.roles, scopes: before.scopes, profile: before.profile })
    expect(cloud.store.findOne('roleInvites', { _id: made.code })).toMatchObject({ status: 'used', usedBy: 'demo-staff' })
  })

  it('an invitation is used once: another person is refused, the same person again is answered alike', async () => {
    const made = await invite(staffOf('c2'))
    const first = newcomer()
    await cloud.ok('auth', 'acceptRole', { code: made.code }, first)
    expect(await cloud.ok('auth', 'acceptRole', { code: made.code }, first)).toEqual({ role: 'staff', label: '社区工作者（红旗社区）' })
    expect(cloud.store.find('auditLogs', { action: 'auth.grantRole', 'target.id': first })).toHaveLength(1)
    const second = newcomer()
    expect(errorOf(await cloud.call('auth', 'acceptRole', { code: made.code }, second))).toBe('CONFLICT 邀请已被使用')
    expect(cloud.store.findOne('users', { _id: second })).toBeNull()
    expect(await cloud.ok('auth', 'roleInvite', { code: made.code }, second)).toMatchObject({ status: 'used' })
  })

  it('an expired, cancelled or unknown invitation is refused', async () => {
    const late = await invite(staffOf('c1'))
    cloud.clock.set(new Date(new Date(NOW).getTime() + ROLE_INVITE_TTL_MS))
    const person = newcomer()
    expect(await cloud.ok('auth', 'roleInvite', { code: late.code }, person)).toMatchObject({ status: 'expired' })
    expect(errorOf(await cloud.call('auth', 'acceptRole', { code: late.code }, person))).toBe('CONFLICT 邀请已过期')
    cloud.clock.set(NOW)

    const withdrawn = await invite(staffOf('c1'))
    const open = await cloud.ok('auth', 'invites', {}, 'demo-admin')
    expect(open.items.map((i: { code: string }) => i.code)).toContain(withdrawn.code)
    expect(await cloud.ok('auth', 'cancelInvite', { code: withdrawn.code }, 'demo-admin')).toEqual({ cancelled: true })
    expect(errorOf(await cloud.call('auth', 'cancelInvite', { code: withdrawn.code }, 'demo-admin'))).toMatch(/^CONFLICT/)
    expect(errorOf(await cloud.call('auth', 'acceptRole', { code: withdrawn.code }, person))).toBe('CONFLICT 邀请已被撤回')
    expect((await cloud.ok('auth', 'invites', {}, 'demo-admin')).items.map((i: { code: string }) => i.code)).not.toContain(withdrawn.code)

    expect(errorOf(await cloud.call('auth', 'acceptRole', { code: 'ABCDEFGH' }, person))).toBe('NOT_FOUND 邀请码无效，请核对后重新输入')
    expect(errorOf(await cloud.call('auth', 'acceptRole', { code: 'ABC' }, person))).toBe('INVALID_INPUT 邀请码应为8位字母或数字')
    expect(cloud.store.findOne('users', { _id: person })).toBeNull()
  })
})

describe('who may', () => {
  it('only the district admin invites, and only to a staff-class role in existing places that fit it', async () => {
    for (const who of ['demo-resident', 'demo-staff', 'demo-property', 'demo-committee']) {
      expect(errorOf(await cloud.call('auth', 'inviteRole', staffOf('c1'), who))).toMatch(/^FORBIDDEN/)
    }
    expect(errorOf(await cloud.call('auth', 'inviteRole', staffOf('c1')))).toMatch(/^UNAUTHENTICATED/)
    expect(errorOf(await cloud.call('auth', 'inviteRole', { role: 'district_admin', scope: { communityIds: ['c1'] } }, 'demo-admin'))).toMatch(/^INVALID_INPUT 请选择角色/)
    expect(errorOf(await cloud.call('auth', 'inviteRole', { role: 'staff', scope: { gridIds: ['c1g1'] } }, 'demo-admin'))).toMatch(/^INVALID_INPUT 所选范围与角色不符/)
    expect(errorOf(await cloud.call('auth', 'inviteRole', { role: 'staff', scope: { communityIds: ['c1'], gridIds: ['c1g1'] } }, 'demo-admin'))).toMatch(/^INVALID_INPUT 所选范围与角色不符/)
    expect(errorOf(await cloud.call('auth', 'inviteRole', { role: 'property_staff', scope: { companyIds: ['nope'] } }, 'demo-admin'))).toBe('NOT_FOUND 所选的物业企业不存在：nope')
    expect(cloud.store.count('roleInvites', { 'places.id': 'nope' })).toBe(0)
  })

  it('the admin invites from a PC too; nobody accepts from one (请在手机上操作)', async () => {
    const adminPc = await deskSignIn('demo-admin')
    const made = await invite({ role: 'property_staff', scope: { companyIds: ['co1'] } }, asDesk(adminPc))
    expect(made.label).toMatch(/^物业服务企业（.+）$/)
    const staffPc = await deskSignIn('demo-staff')
    expect(errorOf(await cloud.call('auth', 'acceptRole', { code: made.code }, asDesk(staffPc)))).toBe('FORBIDDEN 请在手机上操作')
    expect(cloud.store.findOne('roleInvites', { _id: made.code })).toMatchObject({ status: 'open' })
  })

  it('the admin’s lists are the admin’s only', async () => {
    for (const action of ['invites', 'roleHolders', 'roleScopes']) {
      expect(errorOf(await cloud.call('auth', action, {}, 'demo-staff'))).toMatch(/^FORBIDDEN/)
    }
    expect(errorOf(await cloud.call('auth', 'revokeRole', { openid: 'demo-staff-2', role: 'staff', reason: '调离岗位' }, 'demo-staff'))).toMatch(/^FORBIDDEN/)
    expect(errorOf(await cloud.call('auth', 'revokeRole', { openid: 'demo-admin', role: 'district_admin', reason: '调离岗位' }, 'demo-admin'))).toMatch(/^INVALID_INPUT/)
  })
})

describe('holders and revocation', () => {
  it('lists holders with their places named, filtered by role, community and name', async () => {
    const scopes = await cloud.ok('auth', 'roleScopes', {}, 'demo-admin')
    expect(scopes.communities[0]).toEqual({ id: 'c1', name: '东风社区' })
    expect(scopes.companies.some((c: { id: string }) => c.id === 'co1')).toBe(true)
    expect(scopes.grids.find((g: { id: string }) => g.id === 'c1g1')).toMatchObject({ communityId: 'c1' })

    const all = await cloud.ok('auth', 'roleHolders', { pageSize: 100 }, 'demo-admin')
    const zhang = all.items.find((h: { openid: string }) => h.openid === 'demo-staff')
    expect(zhang).toEqual({ openid: 'demo-staff', name: '张敏', districtAdmin: false, holdings: [{ role: 'staff', scopeId: 'c1', scopeName: '东风社区' }] })
    // The district admin holds no staff-class role: not listed.
    expect(all.items.some((h: { openid: string }) => h.openid === 'demo-admin')).toBe(false)

    const c1 = await cloud.ok('auth', 'roleHolders', { communityId: 'c1', pageSize: 100 }, 'demo-admin')
    const c1ids = c1.items.map((h: { openid: string }) => h.openid)
    expect(c1ids).toEqual(expect.arrayContaining(['demo-staff', 'demo-committee']))
    expect(c1ids).not.toContain('demo-staff-2')
    const committee = await cloud.ok('auth', 'roleHolders', { role: 'committee', pageSize: 100 }, 'demo-admin')
    expect(committee.items.every((h: { holdings: { role: string }[] }) => h.holdings.some((x) => x.role === 'committee'))).toBe(true)
    const byName = await cloud.ok('auth', 'roleHolders', { q: '赵' }, 'demo-admin')
    expect(byName.items.map((h: { openid: string }) => h.openid)).toEqual(['demo-staff-2'])
    expect(byName.total).toBe(1)
  })

  it('revoking ends the person’s PC sessions and their staff actions; audited', async () => {
    const person = newcomer()
    await cloud.ok('auth', 'acceptRole', { code: (await invite({ ...staffOf('c1'), name: '吴撤' })).code }, person)
    const pc = await deskSignIn(person)
    expect((await cloud.call('qrcodes', 'community', { communityId: 'c1' }, asDesk(pc))).ok).toBe(true)

    const res = await cloud.ok('auth', 'revokeRole', { openid: person, role: 'staff', scopeId: 'c1', reason: '调离岗位' }, 'demo-admin')
    expect(res).toEqual({ revoked: true, roleDropped: true, sessionsEnded: 1 })
    expect(cloud.store.findOne('users', { _id: person })).toMatchObject({ roles: [], scopes: { communityIds: [] } })
    expect(cloud.store.findOne('deskSessions', { _id: pc })).toMatchObject({ status: 'revoked', endedBy: 'role' })
    expect(errorOf(await cloud.call('qrcodes', 'community', { communityId: 'c1' }, asDesk(pc)))).toBe('UNAUTHENTICATED 登录已失效，请重新扫码登录')
    expect(errorOf(await cloud.call('qrcodes', 'community', { communityId: 'c1' }, person))).toMatch(/^FORBIDDEN/)

    const row = cloud.store.findOne('auditLogs', { action: 'auth.revokeRole', 'target.id': person })!
    expect(row).toMatchObject({ actor: 'demo-admin', communityId: 'c1', target: { label: '吴撤' } })
    expect(row.detail).toMatchObject({ whose: person, role: 'staff', scope: { communityIds: ['c1'] }, roleDropped: true, reason: '调离岗位' })
    // Nothing left to revoke.
    expect(errorOf(await cloud.call('auth', 'revokeRole', { openid: person, role: 'staff', reason: '调离岗位' }, 'demo-admin'))).toMatch(/^NOT_FOUND/)
  })

  it('the code of a revoked role never gives it back; a lost reply before the grant is still finished', async () => {
    const person = newcomer()
    const { code } = await invite(staffOf('c1'))
    await cloud.ok('auth', 'acceptRole', { code }, person)
    await cloud.ok('auth', 'revokeRole', { openid: person, role: 'staff', reason: '调离岗位' }, 'demo-admin')
    expect(errorOf(await cloud.call('auth', 'acceptRole', { code }, person))).toBe('CONFLICT 邀请已被使用')
    expect(cloud.store.findOne('users', { _id: person })).toMatchObject({ roles: [] })
    expect(cloud.store.find('auditLogs', { action: 'auth.grantRole', 'target.id': person })).toHaveLength(1)

    // An instance that died after spending the code and before the grant: the same person's retry grants.
    const other = newcomer()
    const second = await invite(staffOf('c2'))
    cloud.store.updateOne('roleInvites', { _id: second.code }, { $set: { status: 'used', usedBy: other, usedAt: new Date(cloud.clock.now()) } })
    await cloud.ok('auth', 'acceptRole', { code: second.code }, other)
    expect(cloud.store.findOne('users', { _id: other })).toMatchObject({ roles: ['staff'], scopes: { communityIds: ['c2'] } })
    expect(cloud.store.findOne('roleInvites', { _id: second.code })!.grantedAt).toBeDefined()
  })

  it('revoking a role held without places never wipes places a grant adds at the same moment', async () => {
    for (let i = 0; i < 8; i++) {
      const person = newcomer()
      cloud.store.insertOne('users', { _id: person, openid: person, roles: ['staff'], scopes: { communityIds: [], companyIds: [], gridIds: [] }, profile: { name: '无范围' } })
      const { code } = await invite(staffOf('c1'))
      const [revoked, accepted] = await Promise.all([
        cloud.call('auth', 'revokeRole', { openid: person, role: 'staff', reason: '调离岗位' }, 'demo-admin'),
        cloud.call('auth', 'acceptRole', { code }, person)
      ])
      expect(accepted.ok).toBe(true)
      // Whatever the order, an accepted place is held at the end: a revoke that read no places either
      // went first (the grant then adds role and place) or finds the list changed (CONFLICT).
      expect(cloud.store.findOne('users', { _id: person })).toMatchObject({ roles: ['staff'], scopes: { communityIds: ['c1'] } })
      if (!revoked.ok) expect(revoked.error.code).toBe('CONFLICT')
    }
  })

  it('one place of two: the role stays; without a place: all of it goes', async () => {
    const person = newcomer()
    await cloud.ok('auth', 'acceptRole', { code: (await invite(staffOf('c1', 'c2'))).code }, person)
    expect(errorOf(await cloud.call('auth', 'revokeRole', { openid: person, role: 'staff', scopeId: 'c3', reason: '调离岗位' }, 'demo-admin'))).toMatch(/^NOT_FOUND/)
    expect(await cloud.ok('auth', 'revokeRole', { openid: person, role: 'staff', scopeId: 'c1', reason: '调离岗位' }, 'demo-admin')).toMatchObject({ roleDropped: false })
    expect(cloud.store.findOne('users', { _id: person })).toMatchObject({ roles: ['staff'], scopes: { communityIds: ['c2'] } })
    expect(errorOf(await cloud.call('qrcodes', 'community', { communityId: 'c1' }, person))).toMatch(/^FORBIDDEN/)
    expect((await cloud.call('qrcodes', 'community', { communityId: 'c2' }, person)).ok).toBe(true)
    // A third place, then the whole role at once.
    await cloud.ok('auth', 'acceptRole', { code: (await invite(staffOf('c3'))).code }, person)
    expect(await cloud.ok('auth', 'revokeRole', { openid: person, role: 'staff', reason: '离职' }, 'demo-admin')).toMatchObject({ roleDropped: true })
    expect(cloud.store.findOne('users', { _id: person })).toMatchObject({ roles: [], scopes: { communityIds: [] } })
  })

  it('costs few database requests: invite 2, accept 6 (the rate unit beside the first read; the code spent beside the audit), revoke 4 (the sessions beside the audit)', async () => {
    const made = await cloud.callWithStats('auth', 'inviteRole', staffOf('c2'), 'demo-admin')
    expect(made.reply.ok).toBe(true)
    expect(made.stats.dbRequests).toBe(2)
    const person = newcomer()
    const accepted = await cloud.callWithStats('auth', 'acceptRole', { code: (made.reply as { data: { code: string } }).data.code }, person)
    expect(accepted.reply.ok).toBe(true)
    expect(accepted.stats.dbRequests).toBe(6)
    const revoked = await cloud.callWithStats('auth', 'revokeRole', { openid: person, role: 'staff', reason: '调离岗位' }, 'demo-admin')
    expect(revoked.reply.ok).toBe(true)
    expect(revoked.stats.dbRequests).toBe(4)
  })

  it('a revocation of a reason too short is refused in Chinese', async () => {
    expect(errorOf(await cloud.call('auth', 'revokeRole', { openid: 'demo-staff', role: 'staff', reason: '走' }, 'demo-admin'))).toBe('INVALID_INPUT 请填写撤销原因（至少2个字）')
    expect(cloud.store.findOne('users', { _id: 'demo-staff' })).toMatchObject({ roles: ['staff'], scopes: { communityIds: ['c1'] } })
  })
})
