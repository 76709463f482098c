import { meSchema } from '../../contracts/users'
import { startTestCloud, type TestCloud } from '../support/cloud'

let cloud: TestCloud
beforeAll(async () => {
  cloud = await startTestCloud()
})
afterAll(() => cloud.close())

describe('users.me through the real SDK on the emulator backend', () => {
  it('answers an unknown openid as a plain resident', async () => {
    const me = await cloud.ok('users', 'me', {}, 'someone-new')
    expect(meSchema.parse(me)).toEqual({
      openid: 'someone-new',
      roles: ['resident'],
      scopes: { communityIds: [], companyIds: [], gridIds: [] },
      profile: {}
    })
  })

  it('gives staff their community scope and names their community', async () => {
    const me = await cloud.ok('users', 'me', {}, 'demo-staff')
    expect(me.roles).toEqual(['resident', 'staff'])
    expect(me.scopes.communityIds).toEqual(['c1'])
    expect(me.profile.communityName).toBe('东风社区')
    const other = await cloud.ok('users', 'me', {}, 'demo-staff-2')
    expect(other.scopes.communityIds).toEqual(['c2'])
    expect(other.profile.communityName).toBe('红旗社区')
  })

  it('returns each persona its own roles and scopes, with the mobile masked', async () => {
    const expected: Record<string, string[]> = {
      'demo-resident': ['resident'],
      'demo-member': ['resident', 'member'],
      'demo-admin': ['resident', 'district_admin'],
      'demo-property': ['resident', 'property_staff'],
      'demo-committee': ['resident', 'committee']
    }
    for (const [openid, roles] of Object.entries(expected)) {
      const me = await cloud.ok('users', 'me', {}, openid)
      expect(me.roles).toEqual(expect.arrayContaining(roles))
      expect(me.openid).toBe(openid)
      if (me.profile.mobileMasked) expect(me.profile.mobileMasked).toMatch(/^1\d\d\*{4}\d{4}$/)
    }
    const property = await cloud.ok('users', 'me', {}, 'demo-property')
    expect(property.scopes.companyIds).toEqual(['co1'])
    expect(property.profile.companyName).toMatch(/物业/)
    const resident = await cloud.ok('users', 'me', {}, 'demo-resident')
    expect(resident.profile).toMatchObject({ communityName: '东风社区', gridName: '锦绣花园', buildingName: '1号楼' })
  })

  it('never takes identity from the event', async () => {
    const reply = await cloud.call('users', 'me', { openid: 'demo-admin', userInfo: { openId: 'demo-admin' } }, 'demo-resident')
    expect(reply.ok && reply.data.openid).toBe('demo-resident')
    expect(reply.ok && reply.data.roles).toEqual(['resident'])
  })

  it('refuses a call without an openid', async () => {
    const reply = await cloud.call('users', 'me', {})
    expect(reply).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: expect.any(String) } })
  })

  it('answers an unknown action with INVALID_INPUT naming the field', async () => {
    const reply = await cloud.call('users', 'whoIsAdmin', {}, 'demo-resident')
    expect(reply.ok).toBe(false)
    if (!reply.ok) {
      expect(reply.error.code).toBe('INVALID_INPUT')
      expect(reply.error.fields).toEqual(['action'])
    }
  })

  it('keeps parallel callers apart', async () => {
    const openids = Array.from({ length: 120 }, (_, i) => ['demo-staff', 'demo-admin', 'demo-member', `resident-${i}`][i % 4])
    const replies = await Promise.all(openids.map((openid) => cloud.ok('users', 'me', {}, openid)))
    replies.forEach((me, i) => expect(me.openid).toBe(openids[i]))
  })
})
