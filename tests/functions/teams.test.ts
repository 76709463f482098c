/**
 * teams: the seed's 71 联系社区工作队 and 24 党员应急突击队, creating and keeping teams, members
 * (added by their personal code or volunteer number), leaders, team hours from the records of
 * the team's activities, and who may do what.
 */
import { startTestCloud, type TestCloud } from '../support/cloud'

let cloud: TestCloud

beforeAll(async () => {
  cloud = await startTestCloud()
})
afterAll(() => cloud.close())

beforeEach(() => cloud.clock.set('2026-11-27T09:00:00+08:00'))

const errorOf = async (fn: string, action: string, input: object, openid?: string) => {
  const reply = await cloud.call(fn, action, input, openid)
  return reply.ok ? 'ok' : reply.error.code
}

test('the demo district has the seed’s 71 liaison teams and 24 emergency squads', async () => {
  const liaison = await cloud.ok('teams', 'list', { type: 'liaison', pageSize: 10 }, 'demo-member')
  const emergency = await cloud.ok('teams', 'list', { type: 'emergency', pageSize: 10 }, 'demo-member')
  expect(liaison.total).toBe(71)
  expect(emergency.total).toBe(24)
  expect(liaison.items).toHaveLength(10)
  const c1 = await cloud.ok('teams', 'list', { communityId: 'c1', pageSize: 100 }, 'demo-member')
  expect(c1.items.every((t: { communityId: string }) => t.communityId === 'c1')).toBe(true)
  expect(c1.total).toBe(cloud.store.count('teams', { communityId: 'c1' }))
  const mine = await cloud.ok('teams', 'myTeams', {}, 'demo-member')
  expect(mine.items.length).toBeGreaterThanOrEqual(1)
})

test('staff create a team for their community; others cannot; bad input stores nothing', async () => {
  const before = cloud.store.count('teams')
  const input = { name: '区城管局联系东风社区工作队', type: 'liaison', communityId: 'c1', unit: '区城市管理局', description: '常态化下沉服务' }
  for (const who of ['demo-staff-2', 'demo-member', 'demo-resident', 'demo-property']) expect(await errorOf('teams', 'create', input, who)).toBe('FORBIDDEN')
  expect(await errorOf('teams', 'create', { ...input, type: 'choir' }, 'demo-staff')).toBe('INVALID_INPUT')
  expect(await errorOf('teams', 'create', { ...input, name: 'x' }, 'demo-staff')).toBe('INVALID_INPUT')
  expect(await errorOf('teams', 'create', { ...input, communityId: 'c99' }, 'demo-staff')).toBe('NOT_FOUND')
  expect(cloud.store.count('teams')).toBe(before)
  const team = await cloud.ok('teams', 'create', input, 'demo-staff')
  expect(team).toMatchObject({ name: input.name, type: 'liaison', communityName: '东风社区', memberCount: 0, canManage: true, status: 'active', verifiedMinutes: 0 })
  // The district admin may keep any community's teams.
  expect(await errorOf('teams', 'update', { teamId: team._id, description: '区级调整' }, 'demo-admin')).toBe('ok')
  expect(await errorOf('teams', 'update', { teamId: team._id, description: '越权' }, 'demo-staff-2')).toBe('FORBIDDEN')
})

test('members join by personal code or volunteer number, once; a leader is appointed; masked mobiles for keepers only', async () => {
  const team = await cloud.ok('teams', 'create', { name: '东风社区党员应急突击队（测试）', type: 'emergency', communityId: 'c1' }, 'demo-staff')
  const member = await cloud.ok('activities', 'memberCode', {}, 'demo-member')
  const resident = await cloud.ok('activities', 'memberCode', {}, 'demo-resident')

  const added = await Promise.all(Array.from({ length: 4 }, () => cloud.call('teams', 'addMember', { teamId: team._id, memberCode: member.memberCode }, 'demo-staff')))
  expect(added.filter((r) => r.ok)).toHaveLength(1)
  expect(added.filter((r) => !r.ok && r.error.code === 'CONFLICT')).toHaveLength(3)
  expect(await errorOf('teams', 'addMember', { teamId: team._id, memberCode: `${member.volunteerNo}.XXXXXXXX` }, 'demo-staff')).toBe('FORBIDDEN')
  expect(await errorOf('teams', 'addMember', { teamId: team._id, memberCode: resident.memberCode }, 'demo-staff-2')).toBe('FORBIDDEN')
  const leader = await cloud.ok('teams', 'addMember', { teamId: team._id, memberCode: resident.volunteerNo, role: 'leader' }, 'demo-staff')
  // What addMember returns carries a masked number only.
  expect(leader).toMatchObject({ name: '王秀兰', role: 'leader', mobile: '139****0001' })

  const detail = await cloud.ok('teams', 'get', { teamId: team._id }, 'demo-member')
  expect(detail).toMatchObject({ memberCount: 2, leaderName: '王秀兰', isMember: true, canManage: false })
  const seenByKeeper = await cloud.ok('teams', 'members', { teamId: team._id }, 'demo-staff')
  expect(seenByKeeper.items.map((m: { name: string; role: string; mobile?: string }) => [m.name, m.role, m.mobile])).toEqual([
    ['王秀兰', 'leader', '139****0001'],
    ['李明', 'member', '139****0002']
  ])
  const seenByMember = await cloud.ok('teams', 'members', { teamId: team._id }, 'demo-member')
  expect(JSON.stringify(seenByMember)).not.toMatch(/1390000000\d/)

  // A new leader replaces the old one, who stays a member.
  await cloud.ok('teams', 'removeMember', { teamId: team._id, openid: 'demo-member', reason: '调整分工' }, 'demo-staff')
  await cloud.ok('teams', 'addMember', { teamId: team._id, memberCode: member.memberCode, role: 'leader' }, 'demo-staff')
  const roles = await cloud.ok('teams', 'members', { teamId: team._id }, 'demo-staff')
  expect(roles.items.map((m: { name: string; role: string }) => [m.name, m.role])).toEqual([
    ['李明', 'leader'],
    ['王秀兰', 'member']
  ])
  expect((await cloud.ok('teams', 'get', { teamId: team._id }, 'demo-staff')).memberCount).toBe(2)
  // setLeader hands the role back to 王秀兰.
  expect(await errorOf('teams', 'setLeader', { teamId: team._id, openid: 'demo-resident' }, 'demo-member')).toBe('FORBIDDEN')
  expect(await errorOf('teams', 'setLeader', { teamId: team._id, openid: 'nobody' }, 'demo-staff')).toBe('NOT_FOUND')
  expect((await cloud.ok('teams', 'setLeader', { teamId: team._id, openid: 'demo-resident' }, 'demo-staff')).leaderName).toBe('王秀兰')
  const swapped = await cloud.ok('teams', 'members', { teamId: team._id }, 'demo-staff')
  expect(swapped.items.map((m: { name: string; role: string }) => [m.name, m.role])).toEqual([
    ['王秀兰', 'leader'],
    ['李明', 'member']
  ])
  const history = cloud.store.get('teamMembers', `${team._id}:demo-member`)!.history.map((h: { action: string }) => h.action)
  expect(history).toEqual(['加入', '移出', '重新加入', '卸任队长'])
})

test('removing needs a reason and the keeper; disbanding keeps the team on record', async () => {
  const team = await cloud.ok('teams', 'create', { name: '临时突击队', type: 'emergency', communityId: 'c1' }, 'demo-staff')
  const member = await cloud.ok('activities', 'memberCode', {}, 'demo-member')
  await cloud.ok('teams', 'addMember', { teamId: team._id, memberCode: member.memberCode }, 'demo-staff')
  expect(await errorOf('teams', 'removeMember', { teamId: team._id, openid: 'demo-member' }, 'demo-staff')).toBe('INVALID_INPUT')
  expect(await errorOf('teams', 'removeMember', { teamId: team._id, openid: 'demo-member', reason: '退出' }, 'demo-member')).toBe('FORBIDDEN')
  expect(await errorOf('teams', 'removeMember', { teamId: team._id, openid: 'nobody', reason: '退出' }, 'demo-staff')).toBe('NOT_FOUND')
  const both = await Promise.all([
    cloud.call('teams', 'removeMember', { teamId: team._id, openid: 'demo-member', reason: '工作调动' }, 'demo-staff'),
    cloud.call('teams', 'removeMember', { teamId: team._id, openid: 'demo-member', reason: '工作调动' }, 'demo-staff')
  ])
  expect(both.filter((r) => r.ok)).toHaveLength(1)
  expect(cloud.store.get('teams', team._id)!.memberCount).toBe(0)
  const disbanded = await cloud.ok('teams', 'disband', { teamId: team._id, reason: '任务完成' }, 'demo-staff')
  expect(disbanded.status).toBe('disbanded')
  expect(await errorOf('teams', 'disband', { teamId: team._id, reason: '任务完成' }, 'demo-staff')).toBe('CONFLICT')
  const listed = await cloud.ok('teams', 'list', { communityId: 'c1', pageSize: 100 }, 'demo-staff')
  expect(listed.items.map((t: { _id: string }) => t._id)).not.toContain(team._id)
  expect(cloud.store.get('teams', team._id)).not.toBeNull()
})

test('a count that drifted to 0 (a call that died between a membership and its count) never goes below 0', async () => {
  const team = await cloud.ok('teams', 'create', { name: '计数修正测试队', type: 'emergency', communityId: 'c1' }, 'demo-staff')
  const member = await cloud.ok('activities', 'memberCode', {}, 'demo-member')
  await cloud.ok('teams', 'addMember', { teamId: team._id, memberCode: member.memberCode, role: 'leader' }, 'demo-staff')
  cloud.store.updateOne('teams', { _id: team._id }, { $set: { memberCount: 0 } })
  await cloud.ok('teams', 'removeMember', { teamId: team._id, openid: 'demo-member', reason: '工作调动' }, 'demo-staff')
  const stored = cloud.store.get('teams', team._id) as any
  expect(stored.memberCount).toBe(0)
  // The leader who left is no longer the team's leader.
  expect(stored.leaderOpenid).toBeUndefined()
  expect(cloud.store.get('teamMembers', `${team._id}:demo-member`)).toMatchObject({ status: 'removed' })
})

test('team hours are the verified hours of the team’s activities, per member too', async () => {
  const team = await cloud.ok('teams', 'create', { name: '文明创建工作队', type: 'liaison', communityId: 'c1' }, 'demo-staff')
  const member = await cloud.ok('activities', 'memberCode', {}, 'demo-member')
  await cloud.ok('teams', 'addMember', { teamId: team._id, memberCode: member.memberCode }, 'demo-staff')
  const a = await cloud.ok('activities', 'create', { title: '文明劝导', category: '文明创建', start: '2026-11-27 10:00', end: '2026-11-27 11:30', place: { name: '路口' }, capacity: 5, teamId: team._id }, 'demo-staff')
  await cloud.ok('activities', 'signUp', { activityId: a._id }, 'demo-member')
  cloud.clock.set('2026-11-27T10:00:00+08:00')
  await cloud.ok('activities', 'checkIn', { token: (await cloud.ok('activities', 'checkinCode', { activityId: a._id }, 'demo-staff')).token }, 'demo-member')
  cloud.clock.set('2026-11-27T11:30:00+08:00')
  await cloud.ok('activities', 'checkOut', { token: (await cloud.ok('activities', 'checkinCode', { activityId: a._id }, 'demo-staff')).token }, 'demo-member')
  expect((await cloud.ok('teams', 'get', { teamId: team._id }, 'demo-member')).verifiedMinutes).toBe(0)
  await cloud.ok('activities', 'verify', { recordId: `${a._id}:demo-member`, decision: 'approve' }, 'demo-staff')
  const detail = await cloud.ok('teams', 'get', { teamId: team._id }, 'demo-member')
  expect(detail).toMatchObject({ verifiedMinutes: 90, activityCount: 1 })
  const members = await cloud.ok('teams', 'members', { teamId: team._id }, 'demo-member')
  expect(members.items[0]).toMatchObject({ name: '李明', verifiedMinutes: 90 })

  // A seeded team's hours equal the sum of its verified records.
  const seeded = cloud.store.findOne('teams', { communityId: 'c1', type: 'liaison' })!
  const expected = cloud.store
    .find('serviceRecords', { teamId: seeded._id, status: { $in: ['approved', 'adjusted'] } })
    .reduce((s, r) => s + r.verifiedMinutes, 0)
  expect((await cloud.ok('teams', 'get', { teamId: seeded._id }, 'demo-member')).verifiedMinutes).toBe(expected)
})

describe('who sees a team’s members (issue #16)', () => {
  let teamId: string
  beforeAll(async () => {
    cloud.clock.set('2026-11-27T09:00:00+08:00')
    const team = await cloud.ok('teams', 'create', { name: '名单可见范围测试队', type: 'emergency', communityId: 'c1' }, 'demo-staff')
    teamId = team._id
    const member = await cloud.ok('activities', 'memberCode', {}, 'demo-member')
    const resident = await cloud.ok('activities', 'memberCode', {}, 'demo-resident')
    await cloud.ok('teams', 'addMember', { teamId, memberCode: resident.memberCode, role: 'leader' }, 'demo-staff')
    await cloud.ok('teams', 'addMember', { teamId, memberCode: member.memberCode }, 'demo-staff')
  })

  test('outsiders — a brand-new user, other staff, the property company — get FORBIDDEN and nothing else', async () => {
    for (const who of ['someone-brand-new', 'demo-staff-2', 'demo-property', 'demo-committee']) {
      const reply = await cloud.call('teams', 'members', { teamId }, who)
      expect(reply.ok).toBe(false)
      expect(!reply.ok && reply.error.code).toBe('FORBIDDEN')
      expect(JSON.stringify(reply)).not.toMatch(/李明|王秀兰|demo-member|SFQ/)
    }
    expect(await errorOf('teams', 'members', { teamId })).toBe('UNAUTHENTICATED')
    // Team details stay public, but who changed them (an openid) is for the keepers only.
    const detail = await cloud.ok('teams', 'get', { teamId }, 'someone-brand-new')
    expect(detail.history.every((h: { by?: string }) => h.by === undefined)).toBe(true)
    expect((await cloud.ok('teams', 'get', { teamId }, 'demo-staff')).history[0].by).toBe('demo-staff')
  })

  test('fellow members see names, roles and hours — no openids, volunteer numbers or mobiles', async () => {
    const seen = await cloud.ok('teams', 'members', { teamId }, 'demo-member')
    expect(seen.items.map((m: { name: string; role: string }) => [m.name, m.role])).toEqual([
      ['王秀兰', 'leader'],
      ['李明', 'member']
    ])
    for (const m of seen.items) {
      expect(Object.keys(m).sort()).toEqual(['joinedAt', 'memberKey', 'name', 'role', 'verifiedMinutes'])
    }
    const text = JSON.stringify(seen)
    expect(text).not.toMatch(/demo-(member|resident)/)
    expect(text).not.toMatch(/\d{3}\*{4}\d{4}|1390000000\d/)
    // …and cannot reveal a number.
    const key = seen.items[0].memberKey
    expect(await errorOf('teams', 'revealMobile', { teamId, memberKey: key }, 'demo-member')).toBe('FORBIDDEN')
  })

  test('the leader sees masked mobiles and reveals one through the audited action', async () => {
    const seen = await cloud.ok('teams', 'members', { teamId }, 'demo-resident')
    const li = seen.items.find((m: { name: string }) => m.name === '李明')
    expect(li).toMatchObject({ mobile: '139****0002' })
    expect(li.openid).toBeUndefined()
    const before = cloud.store.count('auditLogs', { action: 'teams.viewMobile' })
    expect(await cloud.ok('teams', 'revealMobile', { teamId, memberKey: li.memberKey }, 'demo-resident')).toEqual({ mobile: '13900000002' })
    const entry = cloud.store.findOne('auditLogs', { action: 'teams.viewMobile', actor: 'demo-resident' })!
    expect(entry).toMatchObject({ target: { collection: 'teamMembers', id: `${teamId}:demo-member`, label: '李明' }, communityId: 'c1', detail: { whose: 'demo-member', reason: '队长联系队员' } })
    expect(cloud.store.count('auditLogs', { action: 'teams.viewMobile' })).toBe(before + 1)
  })

  test("a leader's rights come from the team's leader, not a member document left behind by a change of leader", async () => {
    // An appointment cut short after the team changed: the previous leader's document still says leader.
    cloud.store.updateOne('teams', { _id: teamId }, { $set: { leaderOpenid: 'demo-member' } })
    try {
      const seen = await cloud.ok('teams', 'members', { teamId }, 'demo-resident')
      expect(JSON.stringify(seen)).not.toMatch(/\d{3}\*{4}\d{4}/)
      expect(await errorOf('teams', 'revealMobile', { teamId, memberKey: seen.items[0].memberKey }, 'demo-resident')).toBe('FORBIDDEN')
      // The team's leader has the rights, whatever their own document says.
      expect((await cloud.ok('teams', 'members', { teamId }, 'demo-member')).items.some((m: { mobile?: string }) => m.mobile === '139****0001')).toBe(true)
    } finally {
      cloud.store.updateOne('teams', { _id: teamId }, { $set: { leaderOpenid: 'demo-resident' } })
    }
  })

  test('staff of the community and the district admin see everything but full mobiles; others cannot reveal', async () => {
    for (const who of ['demo-staff', 'demo-admin']) {
      const seen = await cloud.ok('teams', 'members', { teamId }, who)
      expect(seen.items.map((m: { openid: string; name: string; mobile: string }) => [m.openid, m.name, m.mobile])).toEqual([
        ['demo-resident', '王秀兰', '139****0001'],
        ['demo-member', '李明', '139****0002']
      ])
      expect(seen.items.every((m: { volunteerNo?: string }) => /^SFQ\d{6}$/.test(m.volunteerNo ?? ''))).toBe(true)
    }
    const { items } = await cloud.ok('teams', 'members', { teamId }, 'demo-staff')
    const before = cloud.store.count('auditLogs', { action: 'teams.viewMobile' })
    expect(await cloud.ok('teams', 'revealMobile', { teamId, memberKey: items[0].memberKey }, 'demo-admin')).toEqual({ mobile: '13900000001' })
    expect(cloud.store.count('auditLogs', { action: 'teams.viewMobile' })).toBe(before + 1)
    for (const who of ['demo-staff-2', 'someone-brand-new']) expect(await errorOf('teams', 'revealMobile', { teamId, memberKey: items[0].memberKey }, who)).toBe('FORBIDDEN')
    // Bad input: a clear error, nothing logged.
    const bad = await cloud.call('teams', 'revealMobile', { teamId, memberKey: 'demo-member' }, 'demo-staff')
    expect(!bad.ok && bad.error).toMatchObject({ code: 'INVALID_INPUT', message: '队员标识不正确' })
    expect(await errorOf('teams', 'revealMobile', { teamId, memberKey: '0123456789abcdef' }, 'demo-staff')).toBe('NOT_FOUND')
    expect(cloud.store.count('auditLogs', { action: 'teams.viewMobile' })).toBe(before + 1)
  })
})

test('a team’s figures, read with the team in one aggregate, equal direct counts (issue #15)', async () => {
  const teams = (await cloud.ok('teams', 'list', { pageSize: 100, includeDisbanded: true }, 'demo-member')).items as { _id: string }[]
  expect(teams.length).toBeGreaterThan(0)
  let withFigures = 0
  for (const { _id } of teams) {
    const { reply, stats } = await cloud.callWithStats('teams', 'get', { teamId: _id }, 'demo-staff')
    expect(reply.ok).toBe(true)
    const detail = reply.ok ? (reply.data as { verifiedMinutes: number; activityCount: number }) : null
    const minutes = cloud.store
      .find('serviceRecords', { teamId: _id, status: { $in: ['approved', 'adjusted'] } })
      .reduce((sum, r) => sum + ((r.verifiedMinutes as number) ?? 0), 0)
    expect(detail).toMatchObject({ verifiedMinutes: minutes, activityCount: cloud.store.count('activities', { teamId: _id, status: 'published' }) })
    if (minutes > 0 || detail!.activityCount > 0) withFigures++
    // The caller with the team, its names, the caller's membership and its figures: one read.
    expect(stats.dbRequests).toBeLessThanOrEqual(1)
  }
  expect(withFigures).toBeGreaterThan(0)
})
