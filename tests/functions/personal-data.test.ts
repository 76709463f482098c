/**
 * Personal data (issue #16): mobiles leave a function masked (138****1234) everywhere by default;
 * a full number only through one audited `revealMobile` per domain, to the person whose role needs
 * to call (the roster's organiser here; teams, tickets and wishes have theirs in their own tests);
 * the volunteer ranking shows names only of those who opted in (the seed has some who did).
 */
import { startTestCloud, type TestCloud } from '../support/cloud'

let cloud: TestCloud

beforeAll(async () => {
  cloud = await startTestCloud()
})
afterAll(() => cloud.close())

beforeEach(() => cloud.clock.set('2026-11-27T09:00:00+08:00'))

const codeOf = async (fn: string, action: string, input: object, openid?: string) => {
  const reply = await cloud.call(fn, action, input, openid)
  return reply.ok ? 'ok' : reply.error.code
}
// A full mobile as its own token: a generated hex _id can hold 11 digits in a row, which is no number.
const FULL_MOBILE = /(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/

const newActivity = (fields: Record<string, unknown> = {}) =>
  cloud.ok('activities', 'create', { title: '楼道清理', category: '文明创建', start: '2026-11-29 09:00', end: '2026-11-29 11:00', place: { name: '锦绣花园' }, capacity: 5, ...fields }, 'demo-staff')

describe('the activity roster', () => {
  test('shows masked numbers only; the organiser dials through revealMobile, which is audited', async () => {
    const a = await newActivity()
    await cloud.ok('activities', 'signUp', { activityId: a._id }, 'demo-member')
    const roster = await cloud.ok('activities', 'roster', { activityId: a._id }, 'demo-staff')
    expect(roster.items).toEqual([expect.objectContaining({ openid: 'demo-member', name: '李明', mobile: '139****0002' })])
    expect(JSON.stringify(roster)).not.toMatch(FULL_MOBILE)

    const audits = () => cloud.store.count('auditLogs', { action: 'activities.viewMobile' })
    const before = audits()
    // Nobody but the organiser (staff of the activity's community) may reveal.
    for (const who of ['demo-member', 'demo-resident', 'demo-staff-2', 'demo-admin', 'demo-property', 'someone-brand-new']) {
      expect(await codeOf('activities', 'revealMobile', { activityId: a._id, openid: 'demo-member' }, who)).toBe('FORBIDDEN')
    }
    expect(await codeOf('activities', 'revealMobile', { activityId: a._id, openid: 'demo-member' })).toBe('UNAUTHENTICATED')
    // Bad input or someone not on the roster: a clear error, nothing revealed, nothing logged.
    expect(await codeOf('activities', 'revealMobile', { activityId: a._id }, 'demo-staff')).toBe('INVALID_INPUT')
    expect(await codeOf('activities', 'revealMobile', { activityId: a._id, openid: 'demo-resident' }, 'demo-staff')).toBe('NOT_FOUND')
    expect(await codeOf('activities', 'revealMobile', { activityId: 'nope', openid: 'demo-member' }, 'demo-staff')).toBe('NOT_FOUND')
    expect(audits()).toBe(before)

    expect(await cloud.ok('activities', 'revealMobile', { activityId: a._id, openid: 'demo-member' }, 'demo-staff')).toEqual({ mobile: '13900000002' })
    expect(audits()).toBe(before + 1)
    expect(cloud.store.findOne('auditLogs', { action: 'activities.viewMobile', 'target.id': `${a._id}:demo-member` })).toMatchObject({
      actor: 'demo-staff',
      actorRoles: expect.arrayContaining(['staff']),
      target: { collection: 'activitySignups', id: `${a._id}:demo-member`, label: '李明' },
      communityId: 'c1',
      detail: { whose: 'demo-member', reason: '活动组织方联系报名者' }
    })
  })
})

describe('a brand-new user', () => {
  test('learns no full mobile and no team member list from anything they can call', async () => {
    const who = 'someone-brand-new'
    const team = cloud.store.findOne('teams', { communityId: 'c1', status: 'active' })!
    expect(await codeOf('teams', 'members', { teamId: team._id }, who)).toBe('FORBIDDEN')
    const wish = cloud.store.findOne('wishes', { communityId: 'c1' })
    const ticket = cloud.store.findOne('tickets', { communityId: 'c1' })
    const replies = await Promise.all([
      cloud.call('teams', 'get', { teamId: team._id }, who),
      cloud.call('teams', 'list', { communityId: 'c1', pageSize: 100 }, who),
      cloud.call('activities', 'ranking', { communityId: 'c1', pageSize: 100 }, who),
      cloud.call('activities', 'list', { communityId: 'c1', pageSize: 50 }, who),
      ...(wish ? [cloud.call('wishes', 'get', { wishId: wish._id }, who)] : []),
      ...(ticket ? [cloud.call('tickets', 'get', { ticketId: ticket._id }, who)] : [])
    ])
    for (const reply of replies) expect(JSON.stringify(reply)).not.toMatch(FULL_MOBILE)
    for (const [fn, input] of [
      ['teams', { teamId: team._id, memberKey: '0123456789abcdef' }],
      ['wishes', { wishId: wish?._id ?? 'W000000XXXX' }],
      ['tickets', { ticketId: ticket?._id ?? 'T000000XXXX' }]
    ] as const) {
      expect(['FORBIDDEN', 'NOT_FOUND']).toContain(await codeOf(fn, 'revealMobile', input, who))
    }
    expect(cloud.store.count('auditLogs', { actor: who })).toBe(0)
  })
})

describe('the volunteer ranking is opt-in', () => {
  test('the seed has volunteers who opted in (named) and others who did not (匿名志愿者)', async () => {
    const volunteers = cloud.store.find('volunteers', {})
    const optedIn = volunteers.filter((v) => v.rankingOptIn === true)
    expect(optedIn.length).toBeGreaterThan(0)
    expect(optedIn.length).toBeLessThan(volunteers.length)
    expect(volunteers.find((v) => v._id === 'demo-member')?.rankingOptIn).not.toBe(true)

    const ranking = await cloud.ok('activities', 'ranking', { communityId: 'c1', pageSize: 100 }, 'demo-resident')
    const named = ranking.items.filter((i: { anonymous: boolean }) => !i.anonymous)
    const anonymous = ranking.items.filter((i: { anonymous: boolean }) => i.anonymous)
    expect(named.length).toBeGreaterThan(0)
    expect(anonymous.length).toBeGreaterThan(0)
    const byNo = new Map(volunteers.map((v) => [v.volunteerNo, v]))
    for (const row of named) expect(byNo.get(row.volunteerNo)?.rankingOptIn).toBe(true)
    for (const row of anonymous) expect(row).toMatchObject({ name: '匿名志愿者', volunteerNo: undefined })
  })

  test('a new volunteer is anonymous until they opt in, and may opt out again', async () => {
    cloud.store.insertOne('users', { _id: 'u-rank-1', openid: 'u-rank-1', roles: ['member'], scopes: { communityIds: [], companyIds: [], gridIds: [] }, profile: { name: '韩新来', mobile: '13712345678', communityId: 'c1' } })
    const a = await newActivity({ start: '2026-11-27 10:00', end: '2026-11-27 11:00' })
    await cloud.ok('activities', 'signUp', { activityId: a._id }, 'u-rank-1')
    cloud.clock.set('2026-11-27T10:00:00+08:00')
    await cloud.ok('activities', 'checkIn', { token: (await cloud.ok('activities', 'checkinCode', { activityId: a._id }, 'demo-staff')).token }, 'u-rank-1')
    cloud.clock.set('2026-11-27T11:00:00+08:00')
    await cloud.ok('activities', 'checkOut', { token: (await cloud.ok('activities', 'checkinCode', { activityId: a._id }, 'demo-staff')).token }, 'u-rank-1')
    await cloud.ok('activities', 'verify', { recordId: `${a._id}:u-rank-1`, decision: 'approve' }, 'demo-staff')
    expect(cloud.store.get('volunteers', 'u-rank-1')).toMatchObject({ rankingOptIn: false })

    const mine = await cloud.ok('activities', 'ranking', { communityId: 'c1', pageSize: 100 }, 'u-rank-1')
    expect(mine.me).toMatchObject({ optIn: false, minutes: 60 })
    const seen = async () =>
      (await cloud.ok('activities', 'ranking', { communityId: 'c1', pageSize: 100 }, 'demo-resident')).items.find((i: { name: string }) => i.name === '韩新来')
    expect(JSON.stringify(await cloud.ok('activities', 'ranking', { communityId: 'c1', pageSize: 100 }, 'demo-resident'))).not.toContain('韩新来')

    expect(await cloud.ok('activities', 'setPreferences', { rankingOptIn: true }, 'u-rank-1')).toEqual({ rankingOptIn: true })
    expect((await cloud.ok('activities', 'ranking', { communityId: 'c1', pageSize: 100 }, 'u-rank-1')).me.optIn).toBe(true)
    expect(await seen()).toMatchObject({ name: '韩新来', anonymous: false })

    await cloud.ok('activities', 'setPreferences', { rankingOptIn: false }, 'u-rank-1')
    expect(JSON.stringify(await cloud.ok('activities', 'ranking', { communityId: 'c1', pageSize: 100 }, 'demo-resident'))).not.toContain('韩新来')
    // The old opt-out flag is not an input any more: a clear error, nothing changed.
    expect(await codeOf('activities', 'setPreferences', { rankingOptOut: false }, 'u-rank-1')).toBe('INVALID_INPUT')
    expect(cloud.store.get('volunteers', 'u-rank-1')).toMatchObject({ rankingOptIn: false })
  })
})
