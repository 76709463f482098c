/**
 * activities.pendingMakeUps (issue #16): make-up hours waiting for their second person, across
 * activities. In a community with one staff member the district admin is that second person and
 * now finds them; whoever entered an entry never sees it in their queue; staff see only their
 * communities; decisions go through the existing `verify`, after which the entry leaves the queue.
 */
import { startTestCloud, type TestCloud } from '../support/cloud'

let cloud: TestCloud
beforeAll(async () => {
  cloud = await startTestCloud()
})
afterAll(() => cloud.close())

const at = (local: string) => cloud.clock.set(`${local}+08:00`)
const codeOf = async (fn: string, action: string, input: object, openid?: string) => {
  const reply = await cloud.call(fn, action, input, openid)
  return reply.ok ? 'OK' : reply.error.code
}

function addUser(openid: string, name: string, roles: string[] = ['member'], communityId = 'c1') {
  cloud.store.insertOne('users', {
    _id: openid,
    openid,
    roles,
    scopes: { communityIds: roles.includes('staff') ? [communityId] : [], companyIds: [], gridIds: [] },
    profile: { name, mobile: '13812345678', communityId }
  })
}

/** A finished volunteer activity (10:00–12:00 today) of the organiser's community. */
async function activity(organiser: string, title: string) {
  at('2026-11-27T09:00:00')
  const a = await cloud.ok(
    'activities',
    'create',
    { title, category: '文明创建', start: '2026-11-27 10:00', end: '2026-11-27 12:00', signUpDeadline: '2026-11-27 09:30', place: { name: '社区广场' }, capacity: 30 },
    organiser
  )
  return a._id as string
}

const codeFor = async (openid: string) => (await cloud.ok('activities', 'memberCode', {}, openid)).memberCode as string
const pendingWhere = (communityId: string | { $in: string[] } | undefined, caller: string) => ({
  makeUp: true,
  status: 'pending',
  enteredBy: { $ne: caller },
  'history.0.by': { $ne: caller },
  openid: { $ne: caller },
  ...(communityId ? { communityId } : {})
})

let c1Activity: string
let c1Record: string
const c2Records: string[] = []

beforeAll(async () => {
  addUser('u-mk-1', '孙一', ['member'], 'c2')
  addUser('u-mk-2', '孙二', ['member'], 'c2')
  addUser('u-mk-3', '孙三', ['member'], 'c2')
  c1Activity = await activity('demo-staff', '楼道清理志愿服务')
  const c2Activity = await activity('demo-staff-2', '红旗社区敬老探访')
  const residentCode = await codeFor('demo-resident')
  const c2Codes = await Promise.all(['u-mk-1', 'u-mk-2', 'u-mk-3'].map(codeFor))
  at('2026-11-27T12:30:00')
  // 东风社区 has one staff member (demo-staff), who enters a make-up…
  const made = await cloud.ok('activities', 'makeUp', { activityId: c1Activity, memberCode: residentCode, minutes: 60, reason: '老人无智能手机，现场服务全程' }, 'demo-staff')
  c1Record = made._id
  // …and 红旗社区's staff enter three, a minute apart.
  for (const code of c2Codes) {
    cloud.clock.advance(60_000)
    c2Records.push((await cloud.ok('activities', 'makeUp', { activityId: c2Activity, memberCode: code, minutes: 45, reason: '忘记扫码，现场确认' }, 'demo-staff-2'))._id)
  }
  expect(cloud.store.count('serviceRecords', { makeUp: true, status: 'pending' })).toBe(4)
})

describe('activities.pendingMakeUps', () => {
  it('never shows staff what they entered themselves', async () => {
    const mine = await cloud.ok('activities', 'pendingMakeUps', {}, 'demo-staff')
    expect(mine.total).toBe(cloud.store.count('serviceRecords', pendingWhere('c1', 'demo-staff')))
    expect(mine.items.map((r: any) => r.recordId)).not.toContain(c1Record)
    expect(mine.total).toBe(0)
    const theirs = await cloud.ok('activities', 'pendingMakeUps', {}, 'demo-staff-2')
    expect(theirs.total).toBe(0)
  })

  it('shows a colleague of the same community what the other entered (and nothing of another community)', async () => {
    addUser('u-staff-c2b', '钱同事', ['staff'], 'c2')
    const colleague = await cloud.ok('activities', 'pendingMakeUps', { pageSize: 50 }, 'u-staff-c2b')
    expect(colleague.total).toBe(cloud.store.count('serviceRecords', pendingWhere('c2', 'u-staff-c2b')))
    expect(colleague.items.map((r: any) => r.recordId).sort()).toEqual([...c2Records].sort())
    expect(colleague.items.map((r: any) => r.recordId)).not.toContain(c1Record)
  })

  it('shows the district admin every community’s entries, newest first, with what a decision needs and no number', async () => {
    const { reply, stats } = await cloud.callWithStats('activities', 'pendingMakeUps', { pageSize: 50 }, 'demo-admin')
    expect(reply.ok).toBe(true)
    const all = (reply as any).data
    expect(all.total).toBe(cloud.store.count('serviceRecords', pendingWhere(undefined, 'demo-admin')))
    expect(all.total).toBe(4)
    // the caller, then one read: the count, and the page with its community names
    expect(stats.dbRequests).toBeLessThanOrEqual(2)
    expect(all.items.map((r: any) => r.recordId)).toEqual([...c2Records].reverse().concat(c1Record))
    expect(all.items[3]).toMatchObject({
      recordId: c1Record,
      activityId: c1Activity,
      activityTitle: '楼道清理志愿服务',
      communityId: 'c1',
      issuerName: '东风社区',
      volunteerName: '王秀兰',
      minutes: 60,
      reason: '老人无智能手机，现场服务全程',
      enteredByName: '张敏'
    })
    expect(Date.parse(all.items[3].enteredAt)).toBe(Date.parse('2026-11-27T12:30:00+08:00'))
    expect(JSON.stringify(all)).not.toMatch(/(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/)

    const c1 = await cloud.ok('activities', 'pendingMakeUps', { communityId: 'c1' }, 'demo-admin')
    expect(c1.total).toBe(cloud.store.count('serviceRecords', pendingWhere('c1', 'demo-admin')))
    expect(c1.items.map((r: any) => r.recordId)).toEqual([c1Record])
  })

  it('pages through the queue', async () => {
    const pages = await Promise.all([1, 2, 3].map((page) => cloud.ok('activities', 'pendingMakeUps', { page, pageSize: 3 }, 'demo-admin')))
    expect(pages.map((p: any) => p.items.length)).toEqual([3, 1, 0])
    const ids = pages.flatMap((p: any) => p.items.map((r: any) => r.recordId))
    expect(new Set(ids).size).toBe(4)
    expect(pages.every((p: any) => p.total === 4)).toBe(true)
  })

  it('refuses staff another community and everyone who is not staff or the district admin', async () => {
    expect(await codeOf('activities', 'pendingMakeUps', { communityId: 'c1' }, 'demo-staff-2')).toBe('FORBIDDEN')
    expect(await codeOf('activities', 'pendingMakeUps', { communityId: 'c2' }, 'demo-staff')).toBe('FORBIDDEN')
    for (const who of ['demo-resident', 'demo-member', 'demo-property', 'demo-committee'])
      expect(await codeOf('activities', 'pendingMakeUps', {}, who)).toBe('FORBIDDEN')
    expect(await codeOf('activities', 'pendingMakeUps', {})).toBe('UNAUTHENTICATED')
    expect(await codeOf('activities', 'pendingMakeUps', { pageSize: 1000 }, 'demo-admin')).toBe('INVALID_INPUT')
  })

  it('the district admin approves the single-staff community’s entry with verify: it leaves the queue and counts', async () => {
    const before = await cloud.ok('activities', 'myHours', {}, 'demo-resident')
    // the one who entered it still may not decide
    expect(await codeOf('activities', 'verify', { recordId: c1Record, decision: 'approve' }, 'demo-staff')).toBe('FORBIDDEN')
    const approved = await cloud.ok('activities', 'verify', { recordId: c1Record, decision: 'approve' }, 'demo-admin')
    expect(approved).toMatchObject({ status: 'approved', verifiedMinutes: 60 })
    expect(cloud.store.findOne('serviceRecords', { _id: c1Record })).toMatchObject({ status: 'approved', verifiedBy: 'demo-admin', verifiedMinutes: 60 })

    const queue = await cloud.ok('activities', 'pendingMakeUps', { pageSize: 50 }, 'demo-admin')
    expect(queue.items.map((r: any) => r.recordId)).not.toContain(c1Record)
    expect(queue.total).toBe(3)
    const after = await cloud.ok('activities', 'myHours', {}, 'demo-resident')
    expect(after.verifiedMinutes).toBe(before.verifiedMinutes + 60)
    expect(after.pendingMinutes).toBe(before.pendingMinutes - 60)

    // a decline takes it out of the queue as well
    await cloud.ok('activities', 'verify', { recordId: c2Records[0], decision: 'decline', reason: '现场未见到本人' }, 'demo-admin')
    expect((await cloud.ok('activities', 'pendingMakeUps', {}, 'u-staff-c2b')).total).toBe(2)
  })

  it('a legacy entry without `enteredBy` stays out of its enterer’s queue (the first history entry names them)', async () => {
    const { enteredBy, enteredByName, ...rest } = cloud.store.findOne('serviceRecords', { _id: c2Records[1] }) as any
    expect(enteredBy).toBe('demo-staff-2')
    expect(rest.history[0].by).toBe('demo-staff-2')
    cloud.store.insertOne('serviceRecords', { ...rest, _id: `${c2Records[1]}:legacy`, openid: 'u-mk-legacy' })
    const mine = await cloud.ok('activities', 'pendingMakeUps', { pageSize: 50 }, 'demo-staff-2')
    expect(mine.items.map((r: any) => r.recordId)).not.toContain(`${c2Records[1]}:legacy`)
    expect(mine.total).toBe(0)
    const colleague = await cloud.ok('activities', 'pendingMakeUps', { pageSize: 50 }, 'u-staff-c2b')
    expect(colleague.items.map((r: any) => r.recordId)).toContain(`${c2Records[1]}:legacy`)
    expect(colleague.total).toBe(3)
  })
})
