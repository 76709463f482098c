/**
 * activities.records without an activity (待认定时长, issue #18): the records waiting for
 * verification across activities that the caller may decide — the list 首页's 时长认定 tile opens.
 * Checked against the store counted here independently: staff see their communities' records, never
 * their own hours, hours they entered by a queued scan of a volunteer's code, nor make-ups (their
 * own queue); the district admin sees exactly what only the admin may verify (district activities,
 * community staff's own hours, hours staff entered by a queued scan) and can verify each;
 * residents and members are refused; pages add up; the count on 首页 is the list's total; an
 * activity's own list is unchanged.
 */
import { startTestCloud, type TestCloud } from '../support/cloud'
import { joinVolunteers } from '../support/volunteers'

let cloud: TestCloud
type Doc = Record<string, any>

beforeAll(async () => {
  cloud = await startTestCloud()
})
afterAll(() => cloud.close())

const at = (local: string) => cloud.clock.set(`${local}+08:00`)

function addUser(openid: string, name: string, communityId = 'c1', roles = ['member'], communityIds: string[] = []) {
  cloud.store.insertOne('users', { _id: openid, openid, roles, scopes: { communityIds, companyIds: [], gridIds: [] }, profile: { name, mobile: '13812345678', communityId } })
}

/** An activity on `day` 10:00–12:00 organised by `organiser`; each person checks in at 10:00 and out at 11:30. */
async function served(organiser: string, people: string[], day: string, title: string) {
  at(`${day}T08:00:00`)
  const a = await cloud.ok(
    'activities',
    'create',
    { title, category: '文明创建', start: `${day} 10:00`, end: `${day} 12:00`, signUpDeadline: `${day} 09:30`, place: { name: '锦绣花园' }, capacity: 50 },
    organiser
  )
  for (const p of people) await cloud.ok('activities', 'signUp', { activityId: a._id }, p)
  at(`${day}T10:00:00`)
  const token = (await cloud.ok('activities', 'checkinCode', { activityId: a._id }, organiser)).token
  for (const p of people) await cloud.ok('activities', 'checkIn', { token }, p)
  at(`${day}T11:30:00`)
  const out = (await cloud.ok('activities', 'checkinCode', { activityId: a._id }, organiser)).token
  for (const p of people) await cloud.ok('activities', 'checkOut', { token: out }, p)
  return a as Doc
}

const codeOf = async (input: object, openid?: string) => {
  const reply = await cloud.call('activities', 'records', input, openid)
  return reply.ok ? 'ok' : reply.error.code
}

/** Every page of the no-activity list, as the page loads them. */
async function allPages(openid: string, pageSize = 100): Promise<{ items: Doc[]; total: number }> {
  const items: Doc[] = []
  let total = 0
  for (let page = 1; page < 50; page++) {
    const res = await cloud.ok('activities', 'records', { page, pageSize }, openid)
    total = res.total
    items.push(...res.items)
    if (items.length >= total || res.items.length === 0) break
  }
  return { items, total }
}

const ids = (items: Doc[]) => items.map((r) => r._id).sort()
const pending = () => cloud.store.find('serviceRecords', { status: 'pending', makeUp: false }) as Doc[]
const userOf = (openid: string) => cloud.store.find('users', { _id: openid })[0] as Doc | undefined
/** What `verify` lets this staff member decide (access.ts): their communities' records, not their own nor ones they entered. */
const staffSet = (openid: string) =>
  pending().filter((r) => r.openid !== openid && r.enteredBy !== openid && userOf(openid)!.scopes.communityIds.includes(r.communityId))
/** What only the district admin may verify: district activities' records, a community's own staff's hours, hours staff entered by a queued scan. */
const adminSet = (openid: string) =>
  pending().filter((r) => {
    if (r.openid === openid || r.enteredBy === openid) return false
    if (r.communityId === null || r.enteredBy) return true
    const volunteer = userOf(r.openid)
    return !!volunteer?.roles?.includes('staff') && volunteer.scopes.communityIds.includes(r.communityId)
  })

let c1: Doc, c2: Doc, district: Doc
beforeAll(async () => {
  addUser('rq-1', '吴一')
  addUser('rq-2', '吴二')
  addUser('rq-3', '吴三', 'c2')
  // A second staff member of c1 who volunteers at a c1 activity: his hours go to the other staff
  // member (and, as a community's own staff, also to the district admin).
  addUser('rq-staff', '郑工', 'c1', ['staff', 'member'], ['c1'])
  await joinVolunteers(cloud, 'demo-staff', { name: '张敏' })
  c1 = await served('demo-staff', ['rq-1', 'rq-2', 'rq-staff'], '2026-11-28', '楼道清扫')
  // demo-staff scanned a walk-in's code without signal and sent both scans later (checkin.ts):
  // entered by demo-staff, so the other c1 staff member or the district admin verifies it.
  addUser('rq-5', '吴五')
  const walkIn = (await cloud.ok('activities', 'memberCode', {}, 'rq-5')).memberCode
  at('2026-11-28T11:50:00')
  const scan = { activityId: c1._id, memberCode: walkIn }
  await cloud.ok('activities', 'staffScan', { ...scan, direction: 'in', walkIn: true, scannedAt: +new Date('2026-11-28T10:05:00+08:00') }, 'demo-staff')
  await cloud.ok('activities', 'staffScan', { ...scan, direction: 'out', scannedAt: +new Date('2026-11-28T11:35:00+08:00') }, 'demo-staff')
  // demo-staff serves at c2's activity: c2's staff verify it, the district admin may not.
  c2 = await served('demo-staff-2', ['rq-3', 'demo-staff'], '2026-11-29', '红旗社区义诊')
  district = await served('demo-admin', ['rq-1', 'rq-3'], '2026-11-30', '全区河道巡护')
  // A make-up waiting for a second person is not in this queue (activities.pendingMakeUps).
  at('2026-11-30T13:00:00')
  addUser('rq-4', '吴四')
  const code = (await cloud.ok('activities', 'memberCode', {}, 'rq-4')).memberCode
  await cloud.ok('activities', 'makeUp', { activityId: c1._id, memberCode: code, minutes: 60, reason: '老人无智能手机，全程参加' }, 'rq-staff')
})

describe('activities.records without an activity (待认定时长)', () => {
  test('staff: their communities’ pending records, not their own, not make-ups; each names its activity', async () => {
    const mine = await allPages('demo-staff')
    expect(mine.items).toHaveLength(mine.total)
    expect(ids(mine.items)).toEqual(ids(staffSet('demo-staff')))
    expect(ids(mine.items)).toEqual(expect.arrayContaining([`${c1._id}:rq-1`, `${c1._id}:rq-2`, `${c1._id}:rq-staff`]))
    expect(mine.items.every((r) => r.status === 'pending' && !r.makeUp && r.communityId === 'c1' && r.openid !== 'demo-staff')).toBe(true)
    expect(mine.items.find((r) => r._id === `${c1._id}:rq-1`)).toMatchObject({ title: '楼道清扫', name: '吴一', issuerName: '东风社区' })
    // c2's staff: the c2 activity, c1's staff member's hours there included.
    const other = await allPages('demo-staff-2')
    expect(ids(other.items)).toEqual(ids(staffSet('demo-staff-2')))
    expect(ids(other.items)).toEqual(expect.arrayContaining([`${c2._id}:rq-3`, `${c2._id}:demo-staff`]))
    expect(other.items.some((r) => r.communityId !== 'c2')).toBe(false)
    // The other c1 staff member: the same community, but not his own hours.
    const colleague = await allPages('rq-staff')
    expect(ids(colleague.items)).toEqual(ids(staffSet('rq-staff')))
    expect(ids(colleague.items)).not.toContain(`${c1._id}:rq-staff`)
    // The queued scans demo-staff entered: the colleague's to decide, not demo-staff's.
    expect(ids(colleague.items)).toContain(`${c1._id}:rq-5`)
    expect(ids(mine.items)).not.toContain(`${c1._id}:rq-5`)
    expect(cloud.store.get('serviceRecords', `${c1._id}:rq-5`)).toMatchObject({ status: 'pending', makeUp: false, enteredBy: 'demo-staff' })
    // Not in 补录复核 (make-ups only): one queue for it.
    const makeUps = await cloud.ok('activities', 'pendingMakeUps', { page: 1, pageSize: 100 }, 'rq-staff')
    expect(makeUps.items.map((m: Doc) => m.recordId)).not.toContain(`${c1._id}:rq-5`)
  })

  test('oldest service first, and pages add up to the whole list without repeats', async () => {
    const whole = await allPages('demo-staff-2')
    const dates = whole.items.map((r) => Date.parse(r.serviceDate))
    expect(dates).toEqual([...dates].sort((x, y) => x - y))
    const paged = await allPages('demo-staff-2', 1)
    expect(paged.total).toBe(whole.total)
    expect(paged.items.map((r) => r._id)).toEqual(whole.items.map((r) => r._id))
    expect(new Set(paged.items.map((r) => r._id)).size).toBe(whole.total)
    const beyond = await cloud.ok('activities', 'records', { page: whole.total + 1, pageSize: 1 }, 'demo-staff-2')
    expect(beyond).toMatchObject({ items: [], total: whole.total })
  })

  test('the district admin: exactly what the admin may verify — district activities and community staff’s own hours', async () => {
    const admin = await allPages('demo-admin')
    expect(ids(admin.items)).toEqual(ids(adminSet('demo-admin')))
    expect(ids(admin.items)).toEqual(expect.arrayContaining([`${district._id}:rq-1`, `${district._id}:rq-3`, `${c1._id}:rq-staff`, `${c1._id}:rq-5`]))
    // Not an ordinary volunteer's record of a community, nor c1's staff member's hours at c2 (not c2's staff).
    expect(ids(admin.items)).not.toContain(`${c1._id}:rq-1`)
    expect(ids(admin.items)).not.toContain(`${c2._id}:demo-staff`)
    // Each one listed the admin may indeed verify; the ones left out the admin may not.
    expect(await codeOf({}, 'demo-admin')).toBe('ok')
    const refused = await cloud.call('activities', 'verify', { recordId: `${c1._id}:rq-1`, decision: 'approve' }, 'demo-admin')
    expect(refused.ok ? 'ok' : refused.error.code).toBe('FORBIDDEN')
    const refused2 = await cloud.call('activities', 'verify', { recordId: `${c2._id}:demo-staff`, decision: 'approve' }, 'demo-admin')
    expect(refused2.ok ? 'ok' : refused2.error.code).toBe('FORBIDDEN')
    for (const id of [`${district._id}:rq-1`, `${c1._id}:rq-staff`, `${c1._id}:rq-5`]) {
      expect(await cloud.ok('activities', 'verify', { recordId: id, decision: 'approve' }, 'demo-admin')).toMatchObject({ status: 'approved' })
    }
    // Decided: off everyone's list.
    const after = await allPages('demo-admin')
    expect(after.total).toBe(admin.total - 3)
    expect(ids((await allPages('rq-staff')).items)).not.toContain(`${c1._id}:rq-5`)
    expect(ids((await allPages('demo-staff')).items)).not.toContain(`${c1._id}:rq-staff`)
  })

  test('residents, members, property and committee are refused; a staff role without a community too', async () => {
    for (const who of ['demo-resident', 'demo-member', 'demo-property', 'demo-committee', 'rq-1']) expect(await codeOf({}, who)).toBe('FORBIDDEN')
    expect(await codeOf({})).toBe('UNAUTHENTICATED')
    addUser('rq-staff-none', '无社区', 'c1', ['staff'], [])
    expect(await codeOf({}, 'rq-staff-none')).toBe('FORBIDDEN')
    // Without an activity only the pending ones: another status is refused, clearly.
    const bad = await cloud.call('activities', 'records', { status: 'approved' }, 'demo-staff')
    expect(bad.ok ? null : [bad.error.code, bad.error.message]).toEqual(['INVALID_INPUT', '不指定活动时只能查看待认定的记录'])
    expect(await codeOf({ status: 'pending' }, 'demo-staff')).toBe('ok')
  })

  test('首页’s 时长认定 count is the list’s total, for each community’s staff', async () => {
    for (const openid of ['demo-staff', 'demo-staff-2', 'rq-staff']) {
      const overview = await cloud.ok('users', 'overview', {}, openid)
      const tile = overview.work.find((w: Doc) => w.key === 'records')
      const list = await cloud.ok('activities', 'records', { page: 1, pageSize: 1 }, openid)
      expect([openid, tile.count]).toEqual([openid, list.total])
      expect(list.total).toBe(staffSet(openid).length)
      expect(list.total).toBeGreaterThan(0)
    }
    // A decision takes one off both.
    const before = (await cloud.ok('activities', 'records', { page: 1, pageSize: 1 }, 'demo-staff')).total
    await cloud.ok('activities', 'verify', { recordId: `${c1._id}:rq-2`, decision: 'approve' }, 'demo-staff')
    const overview = await cloud.ok('users', 'overview', {}, 'demo-staff')
    expect(overview.work.find((w: Doc) => w.key === 'records').count).toBe(before - 1)
  })

  test('round trips: the caller with the staff list, then the count and the page with its names', async () => {
    const staff = await cloud.callWithStats('activities', 'records', { page: 1, pageSize: 20 }, 'demo-staff')
    expect(staff.reply.ok).toBe(true)
    expect(staff.stats.dbRequests).toBeLessThanOrEqual(2)
    const admin = await cloud.callWithStats('activities', 'records', { page: 1, pageSize: 20 }, 'demo-admin')
    expect(admin.reply.ok).toBe(true)
    expect(admin.stats.dbRequests).toBeLessThanOrEqual(2)
  })

  test('with an activity the list is as before: all its records, make-ups included, the status filter, organiser only', async () => {
    const all = await cloud.ok('activities', 'records', { activityId: c1._id, page: 1, pageSize: 50 }, 'demo-staff')
    expect(ids(all.items)).toEqual(ids(cloud.store.find('serviceRecords', { activityId: c1._id })))
    expect(all.items.some((r: Doc) => r.makeUp)).toBe(true)
    const approved = await cloud.ok('activities', 'records', { activityId: c1._id, status: 'approved', page: 1, pageSize: 50 }, 'demo-staff')
    expect(approved.items.every((r: Doc) => r.status === 'approved')).toBe(true)
    expect(approved.total).toBe(cloud.store.count('serviceRecords', { activityId: c1._id, status: 'approved' }))
    expect(await codeOf({ activityId: c1._id }, 'demo-admin')).toBe('FORBIDDEN')
    expect(await codeOf({ activityId: c1._id }, 'demo-staff-2')).toBe('FORBIDDEN')
    expect(await codeOf({ activityId: district._id }, 'demo-admin')).toBe('ok')
  })
})
