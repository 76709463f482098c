/**
 * activities: scans made without signal and sent later with their `scannedAt` — accepted when the
 * code was valid at the scan time within the bounded window, counted from the scan time, refused
 * (nothing written) otherwise; re-sending never records twice; the organiser's scans likewise.
 */
import { startTestCloud, type TestCloud } from '../support/cloud'

let cloud: TestCloud

beforeAll(async () => {
  cloud = await startTestCloud()
})
afterAll(() => cloud.close())

const at = (local: string) => cloud.clock.set(`${local}+08:00`)
const ms = (local: string) => +new Date(`${local}+08:00`)
const isoAt = (local: string) => new Date(`${local}+08:00`).toISOString()
beforeEach(() => at('2026-11-27T09:00:00'))

const SITE = { latitude: 31.82, longitude: 117.22 }
const north = (meters: number) => ({ latitude: SITE.latitude + meters / 111_195, longitude: SITE.longitude })

async function activity(fields: Record<string, unknown> = {}) {
  return cloud.ok('activities', 'create', {
    title: '楼道清理',
    category: '文明创建',
    start: '2026-11-27 10:00',
    end: '2026-11-27 12:00',
    signUpDeadline: '2026-11-27 09:30',
    place: { name: '锦绣花园' },
    capacity: 10,
    ...fields
  }, 'demo-staff')
}

function addUser(openid: string) {
  cloud.store.insertOne('users', { _id: openid, openid, roles: ['member'], scopes: { communityIds: [], companyIds: [], gridIds: [] }, profile: { name: `志愿者${openid.slice(-2)}`, communityId: 'c1' } })
}

async function signUp(activityId: string, people: string[]) {
  const now = cloud.clock.now()
  at('2026-11-27T09:00:00')
  for (const p of people) await cloud.ok('activities', 'signUp', { activityId }, p)
  cloud.clock.set(now)
}

/** The code the organiser's phone showed at `local`. */
async function codeAt(activityId: string, local: string) {
  const now = cloud.clock.now()
  at(local)
  const token = (await cloud.ok('activities', 'checkinCode', { activityId }, 'demo-staff')).token as string
  cloud.clock.set(now)
  return token
}

const refusal = async (action: string, input: object, openid: string) => {
  const reply = await cloud.call('activities', action, input, openid)
  return reply.ok ? { code: 'ok', message: '', fields: undefined } : reply.error
}

describe('a check-in scanned without signal', () => {
  test('is accepted later with a code valid at the scan time (expired now), counted from the scan time; re-sending records once', async () => {
    const a = await activity()
    addUser('u-off-1')
    await signUp(a._id, ['u-off-1'])
    const token = await codeAt(a._id, '2026-11-27T10:00:00')
    at('2026-11-27T10:40:00')
    // The code itself is long expired: a live scan of it is refused.
    expect((await refusal('checkIn', { token }, 'u-off-1')).code).toBe('EXPIRED')
    const scannedAt = ms('2026-11-27T10:00:30')
    const first = await cloud.ok('activities', 'checkIn', { token, scannedAt }, 'u-off-1')
    expect(first).toMatchObject({ direction: 'in', already: false, at: isoAt('2026-11-27T10:00:30'), recordId: `${a._id}:u-off-1` })
    const stored = cloud.store.get('serviceRecords', `${a._id}:u-off-1`)!
    expect(stored).toMatchObject({ status: 'open', queued: true, checkInAt: new Date(scannedAt), uploadedAt: new Date(ms('2026-11-27T10:40:00')) })
    expect(stored.history[0]).toMatchObject({ action: '扫码签到', note: '无信号时扫码，联网后上传', at: new Date(scannedAt) })

    at('2026-11-27T10:41:00')
    const again = await Promise.all([1, 2].map(() => cloud.ok('activities', 'checkIn', { token, scannedAt }, 'u-off-1')))
    expect(again.map((r) => [r.already, r.at])).toEqual([
      [true, first.at],
      [true, first.at]
    ])
    expect(cloud.store.count('serviceRecords', { activityId: a._id })).toBe(1)

    // Hours run from the scan: a live check-out at 11:30 counts 89 minutes (10:00:30 → 11:30).
    at('2026-11-27T11:30:00')
    const out = await cloud.ok('activities', 'checkOut', { token: await codeAt(a._id, '2026-11-27T11:30:00') }, 'u-off-1')
    expect(out).toMatchObject({ already: false, minutes: 89 })
  })

  test('a phone clock that is off is corrected by the time it sent (sentAt)', async () => {
    const a = await activity()
    addUser('u-off-2')
    await signUp(a._id, ['u-off-2'])
    const token = await codeAt(a._id, '2026-11-27T10:00:00')
    at('2026-11-27T10:30:00')
    // The phone runs 10 minutes slow: it scanned at "09:50:30" and sends at "10:20:00".
    const reply = await cloud.ok('activities', 'checkIn', { token, scannedAt: ms('2026-11-27T09:50:30'), sentAt: ms('2026-11-27T10:20:00') }, 'u-off-2')
    expect(reply.at).toBe(isoAt('2026-11-27T10:00:30'))
  })

  test('a scan time the code was not valid at, or one in the future, is refused with nothing written', async () => {
    const a = await activity()
    addUser('u-off-3')
    await signUp(a._id, ['u-off-3'])
    const token = await codeAt(a._id, '2026-11-27T10:00:00')
    const signUpBefore = cloud.store.get('activitySignups', `${a._id}:u-off-3`)
    at('2026-11-27T10:30:00')
    // Valid 10:00–10:01, with 2 minutes for the phone's clock: 10:05 and 09:55 are outside.
    for (const scanned of ['2026-11-27T10:05:00', '2026-11-27T09:55:00']) {
      const refused = await refusal('checkIn', { token, scannedAt: ms(scanned) }, 'u-off-3')
      expect(refused.code).toBe('EXPIRED')
      expect(refused.fields).toEqual(['scannedAt'])
      expect(refused.message).toContain('未能计入')
    }
    // Within the clock tolerance: 10:02:30 is accepted later on (checked below after the future case).
    const future = await refusal('checkIn', { token, scannedAt: ms('2026-11-27T10:40:00') }, 'u-off-3')
    expect(future).toMatchObject({ code: 'INVALID_INPUT', fields: ['scannedAt'] })
    expect(future.message).toContain('手机的日期和时间')
    expect(cloud.store.count('serviceRecords', { activityId: a._id })).toBe(0)
    expect(cloud.store.get('activitySignups', `${a._id}:u-off-3`)).toEqual(signUpBefore)

    expect((await refusal('checkIn', { token, scannedAt: ms('2026-11-27T10:02:30') }, 'u-off-3')).code).toBe('ok')
  })

  test('a scan sent more than 6 hours later is refused', async () => {
    const a = await activity({ start: '2026-11-27 10:00', end: '2026-11-27 20:00' })
    addUser('u-off-4')
    await signUp(a._id, ['u-off-4'])
    const token = await codeAt(a._id, '2026-11-27T10:00:00')
    at('2026-11-27T16:01:00')
    const refused = await refusal('checkIn', { token, scannedAt: ms('2026-11-27T10:00:30') }, 'u-off-4')
    expect(refused).toMatchObject({ code: 'EXPIRED', fields: ['scannedAt'] })
    expect(refused.message).toContain('6小时')
    expect(cloud.store.count('serviceRecords', { activityId: a._id })).toBe(0)
    at('2026-11-27T15:59:00')
    expect((await refusal('checkIn', { token, scannedAt: ms('2026-11-27T10:00:30') }, 'u-off-4')).code).toBe('ok')
  })

  test('still needs a confirmed sign-up and the geofence at the place of the scan', async () => {
    const a = await activity({ place: { name: '锦绣花园广场', coordinates: SITE, radius: 200 } })
    addUser('u-off-5')
    addUser('u-off-6')
    await signUp(a._id, ['u-off-5'])
    const token = await codeAt(a._id, '2026-11-27T10:00:00')
    at('2026-11-27T10:20:00')
    const scannedAt = ms('2026-11-27T10:00:20')
    expect((await refusal('checkIn', { token, scannedAt, location: SITE }, 'u-off-6')).code).toBe('FORBIDDEN') // not signed up
    expect((await refusal('checkIn', { token, scannedAt }, 'u-off-5')).code).toBe('FORBIDDEN') // no location
    expect((await refusal('checkIn', { token, scannedAt, location: north(900) }, 'u-off-5')).message).toContain('超出签到范围')
    expect(cloud.store.count('serviceRecords', { activityId: a._id })).toBe(0)
    expect((await refusal('checkIn', { token, scannedAt, location: north(100) }, 'u-off-5')).code).toBe('ok')
  })
})

describe('a queued check-out', () => {
  test('after a queued check-in sent after the end: stored closed at the end, then the check-out counts from the scans', async () => {
    const a = await activity()
    addUser('u-off-8')
    await signUp(a._id, ['u-off-8'])
    const inToken = await codeAt(a._id, '2026-11-27T10:00:00')
    const outToken = await codeAt(a._id, '2026-11-27T11:30:00')
    at('2026-11-27T12:30:00')
    const arrived = await cloud.ok('activities', 'checkIn', { token: inToken, scannedAt: ms('2026-11-27T10:00:30') }, 'u-off-8')
    expect(arrived).toMatchObject({ already: false, at: isoAt('2026-11-27T10:00:30') })
    expect(cloud.store.get('serviceRecords', `${a._id}:u-off-8`)).toMatchObject({ status: 'pending', autoClosed: true, minutes: 119, checkOutAt: new Date(ms('2026-11-27T12:00:00')) })
    const left = await cloud.ok('activities', 'checkOut', { token: outToken, scannedAt: ms('2026-11-27T11:30:10') }, 'u-off-8')
    expect(left).toMatchObject({ already: false, minutes: 89, at: isoAt('2026-11-27T11:30:10') })
    expect(cloud.store.get('serviceRecords', `${a._id}:u-off-8`)).toMatchObject({ status: 'pending', autoClosed: false, minutes: 89, queued: true })
    // Sent again: nothing changes.
    expect(await cloud.ok('activities', 'checkOut', { token: outToken, scannedAt: ms('2026-11-27T11:30:10') }, 'u-off-8')).toMatchObject({ already: true, minutes: 89 })
  })

  test('never changes a record staff have already verified', async () => {
    const a = await activity()
    addUser('u-off-9')
    await signUp(a._id, ['u-off-9'])
    at('2026-11-27T10:00:00')
    await cloud.ok('activities', 'checkIn', { token: await codeAt(a._id, '2026-11-27T10:00:00') }, 'u-off-9')
    const outToken = await codeAt(a._id, '2026-11-27T11:00:00')
    at('2026-11-27T12:10:00')
    await cloud.ok('activities', 'records', { activityId: a._id }, 'demo-staff') // closes it at the end
    await cloud.ok('activities', 'verify', { recordId: `${a._id}:u-off-9`, decision: 'approve' }, 'demo-staff')
    const before = cloud.store.get('serviceRecords', `${a._id}:u-off-9`)
    const refused = await refusal('checkOut', { token: outToken, scannedAt: ms('2026-11-27T11:00:10') }, 'u-off-9')
    expect(refused.code).toBe('CONFLICT')
    expect(refused.message).toContain('已审核')
    expect(cloud.store.get('serviceRecords', `${a._id}:u-off-9`)).toEqual(before)
  })
})

describe("the organiser's scan without signal", () => {
  test('is counted from the scan time, once, and bounded like the code', async () => {
    const a = await activity()
    addUser('u-off-10')
    await signUp(a._id, ['u-off-10'])
    const memberCode = (await cloud.ok('activities', 'memberCode', {}, 'u-off-10')).memberCode as string
    at('2026-11-27T10:50:00')
    const scannedAt = ms('2026-11-27T10:10:00')
    const input = { activityId: a._id, memberCode, direction: 'in', scannedAt }
    const first = await cloud.ok('activities', 'staffScan', input, 'demo-staff')
    expect(first).toMatchObject({ already: false, at: isoAt('2026-11-27T10:10:00'), volunteerName: '志愿者10' })
    expect(await cloud.ok('activities', 'staffScan', input, 'demo-staff')).toMatchObject({ already: true, at: first.at })
    expect(cloud.store.count('serviceRecords', { activityId: a._id })).toBe(1)
    expect(cloud.store.get('serviceRecords', `${a._id}:u-off-10`)).toMatchObject({ checkInMethod: 'staff', checkInAt: new Date(scannedAt), queued: true })

    // Another organiser's community: still refused; too old, or before check-in opened: refused.
    expect((await refusal('staffScan', input, 'demo-staff-2')).code).toBe('FORBIDDEN')
    addUser('u-off-11')
    await signUp(a._id, ['u-off-11'])
    const other = (await cloud.ok('activities', 'memberCode', {}, 'u-off-11')).memberCode as string
    expect((await refusal('staffScan', { activityId: a._id, memberCode: other, direction: 'in', scannedAt: ms('2026-11-27T08:50:00') }, 'demo-staff')).message).toContain('开始前1小时')
    expect((await refusal('staffScan', { activityId: a._id, memberCode: other, direction: 'in', scannedAt: ms('2026-11-27T10:51:00') + 180_000 }, 'demo-staff')).code).toBe('INVALID_INPUT')
    at('2026-11-27T16:20:00')
    expect((await refusal('staffScan', { activityId: a._id, memberCode: other, direction: 'in', scannedAt }, 'demo-staff')).code).toBe('EXPIRED')
    expect(cloud.store.get('serviceRecords', `${a._id}:u-off-11`)).toBeNull()
  })
})

describe('queued scans refused with nothing written', () => {
  test('a check-out earlier than the check-in', async () => {
    const a = await activity()
    addUser('u-off-30')
    await signUp(a._id, ['u-off-30'])
    const inToken = await codeAt(a._id, '2026-11-27T10:30:00')
    const outToken = await codeAt(a._id, '2026-11-27T10:10:00')
    at('2026-11-27T10:50:00')
    await cloud.ok('activities', 'checkIn', { token: inToken, scannedAt: ms('2026-11-27T10:30:10') }, 'u-off-30')
    const before = cloud.store.get('serviceRecords', `${a._id}:u-off-30`)
    const refused = await refusal('checkOut', { token: outToken, scannedAt: ms('2026-11-27T10:10:10') }, 'u-off-30')
    expect(refused).toMatchObject({ code: 'CONFLICT', message: '签退时间早于签到时间，未能计入，请联系活动组织者' })
    expect(cloud.store.get('serviceRecords', `${a._id}:u-off-30`)).toEqual(before)
  })

  test('a cancelled activity', async () => {
    const a = await activity()
    addUser('u-off-31')
    await signUp(a._id, ['u-off-31'])
    const token = await codeAt(a._id, '2026-11-27T10:00:00')
    at('2026-11-27T10:20:00')
    await cloud.ok('activities', 'cancel', { activityId: a._id, reason: '突降暴雨' }, 'demo-staff')
    const refused = await refusal('checkIn', { token, scannedAt: ms('2026-11-27T10:00:30') }, 'u-off-31')
    expect(refused).toMatchObject({ code: 'CONFLICT', message: '活动已取消' })
    expect(cloud.store.count('serviceRecords', { activityId: a._id })).toBe(0)
  })

  test('a withdrawn sign-up', async () => {
    const a = await activity()
    addUser('u-off-32')
    await signUp(a._id, ['u-off-32'])
    at('2026-11-27T09:05:00')
    await cloud.ok('activities', 'withdraw', { activityId: a._id }, 'u-off-32')
    const token = await codeAt(a._id, '2026-11-27T10:00:00')
    at('2026-11-27T10:20:00')
    const refused = await refusal('checkIn', { token, scannedAt: ms('2026-11-27T10:00:30') }, 'u-off-32')
    expect(refused.code).toBe('FORBIDDEN')
    expect(refused.message).toContain('您未报名此活动')
    expect(cloud.store.count('serviceRecords', { activityId: a._id })).toBe(0)
    expect(cloud.store.get('activitySignups', `${a._id}:u-off-32`)).toMatchObject({ status: 'withdrawn' })
  })

  test("another activity's code sent with this activity's id", async () => {
    const a = await activity({ title: '楼道清理甲' })
    const b = await activity({ title: '楼道清理乙' })
    addUser('u-off-33')
    await signUp(a._id, ['u-off-33'])
    await signUp(b._id, ['u-off-33'])
    const tokenOfB = await codeAt(b._id, '2026-11-27T10:00:00')
    at('2026-11-27T10:20:00')
    const refused = await refusal('checkIn', { token: tokenOfB, activityId: a._id, scannedAt: ms('2026-11-27T10:00:30') }, 'u-off-33')
    expect(refused).toMatchObject({ code: 'FORBIDDEN', message: '这不是本活动的签到码' })
    expect(cloud.store.count('serviceRecords', { openid: 'u-off-33' })).toBe(0)
  })
})

describe('an event (邻里活动) scanned without signal', () => {
  const event = () => activity({ kind: 'event', title: '邻里观影会', category: '其他' })

  test('check-in and check-out count from the scan times on the sign-up; re-sending changes nothing', async () => {
    const e = await event()
    addUser('u-off-40')
    await signUp(e._id, ['u-off-40'])
    const inToken = await codeAt(e._id, '2026-11-27T10:00:00')
    const outToken = await codeAt(e._id, '2026-11-27T11:30:00')
    at('2026-11-27T12:30:00')
    expect(await cloud.ok('activities', 'checkIn', { token: inToken, scannedAt: ms('2026-11-27T10:00:30') }, 'u-off-40')).toMatchObject({ kind: 'event', already: false, at: isoAt('2026-11-27T10:00:30') })
    const left = await cloud.ok('activities', 'checkOut', { token: outToken, scannedAt: ms('2026-11-27T11:30:10') }, 'u-off-40')
    expect(left).toMatchObject({ kind: 'event', direction: 'out', already: false, at: isoAt('2026-11-27T11:30:10') })
    const stored = cloud.store.get('activitySignups', `${e._id}:u-off-40`)!
    expect(stored).toMatchObject({ checkedInAt: new Date(ms('2026-11-27T10:00:30')), checkedOutAt: new Date(ms('2026-11-27T11:30:10')) })
    expect(stored.history.filter((h: { note?: string }) => h.note === '无信号时扫码，联网后上传')).toHaveLength(2)
    expect(await cloud.ok('activities', 'checkOut', { token: outToken, scannedAt: ms('2026-11-27T11:30:10') }, 'u-off-40')).toMatchObject({ already: true, at: left.at })
    expect(cloud.store.get('activitySignups', `${e._id}:u-off-40`)).toEqual(stored)
    expect(cloud.store.count('serviceRecords', { activityId: e._id })).toBe(0)
  })

  test('a check-out earlier than the check-in is refused (CONFLICT), not answered as done', async () => {
    const e = await event()
    addUser('u-off-41')
    await signUp(e._id, ['u-off-41'])
    const inToken = await codeAt(e._id, '2026-11-27T11:30:00')
    const outToken = await codeAt(e._id, '2026-11-27T10:00:00')
    at('2026-11-27T11:50:00')
    await cloud.ok('activities', 'checkIn', { token: inToken, scannedAt: ms('2026-11-27T11:30:10') }, 'u-off-41')
    const before = cloud.store.get('activitySignups', `${e._id}:u-off-41`)
    const refused = await refusal('checkOut', { token: outToken, scannedAt: ms('2026-11-27T10:00:30') }, 'u-off-41')
    expect(refused).toMatchObject({ code: 'CONFLICT', message: '签退时间早于签到时间，未能计入，请联系活动组织者' })
    expect(cloud.store.get('activitySignups', `${e._id}:u-off-41`)).toEqual(before)
    // A later one is still accepted.
    expect(await cloud.ok('activities', 'checkOut', { token: await codeAt(e._id, '2026-11-27T11:45:00'), scannedAt: ms('2026-11-27T11:45:10') }, 'u-off-41')).toMatchObject({ already: false })
  })
})

describe("the organiser's queued scans need a second person to verify (four eyes)", () => {
  const staffOf = (openid: string) =>
    cloud.store.insertOne('users', { _id: openid, openid, roles: ['staff', 'member'], scopes: { communityIds: ['c1'], companyIds: [], gridIds: [] }, profile: { name: '郑工', communityId: 'c1' } })
  const codeOfVolunteer = async (openid: string) => (await cloud.ok('activities', 'memberCode', {}, openid)).memberCode as string
  const pendingList = async (openid: string) => ((await cloud.ok('activities', 'records', { page: 1, pageSize: 100 }, openid)).items as { _id: string }[]).map((r) => r._id)
  beforeAll(() => staffOf('u-off-staff'))

  test('a queued walk-in check-in: the scanning organiser may not verify it; a colleague or the district admin does', async () => {
    const a = await activity()
    addUser('u-off-50')
    addUser('u-off-51')
    const walkInCode = await codeOfVolunteer('u-off-50')
    at('2026-11-27T11:50:00')
    const first = await cloud.ok('activities', 'staffScan', { activityId: a._id, memberCode: walkInCode, direction: 'in', walkIn: true, scannedAt: ms('2026-11-27T10:05:00') }, 'demo-staff')
    expect(first).toMatchObject({ walkIn: true, at: isoAt('2026-11-27T10:05:00') })
    const id = `${a._id}:u-off-50`
    expect(cloud.store.get('serviceRecords', id)).toMatchObject({ queued: true, checkInMethod: 'staff', enteredBy: 'demo-staff', enteredByName: expect.any(String), makeUp: false })

    // A live organiser's scan is as before: no enterer, the organiser verifies it.
    await signUp(a._id, ['u-off-51'])
    const liveCode = await codeOfVolunteer('u-off-51')
    at('2026-11-27T11:55:00')
    await cloud.ok('activities', 'staffScan', { activityId: a._id, memberCode: liveCode, direction: 'in' }, 'demo-staff')
    expect(cloud.store.get('serviceRecords', `${a._id}:u-off-51`)!.enteredBy).toBeUndefined()

    at('2026-11-27T12:10:00')
    await cloud.ok('activities', 'records', { activityId: a._id }, 'demo-staff') // closes both at the end
    const refused = await refusal('verify', { recordId: id, decision: 'approve' }, 'demo-staff')
    expect(refused).toMatchObject({ code: 'FORBIDDEN', message: '您在无信号时扫码登记的时长须由其他工作人员认定' })
    expect(cloud.store.get('serviceRecords', id)).toMatchObject({ status: 'pending', verifiedMinutes: 0 })
    expect(await cloud.ok('activities', 'verify', { recordId: `${a._id}:u-off-51`, decision: 'approve' }, 'demo-staff')).toMatchObject({ status: 'approved' })

    // 待认定时长: not on the organiser's list; on a colleague's and on the district admin's.
    expect(await pendingList('demo-staff')).not.toContain(id)
    expect(await pendingList('u-off-staff')).toContain(id)
    expect(await pendingList('demo-admin')).toContain(id)
    // 补录复核 is for make-ups only.
    const makeUps = await cloud.ok('activities', 'pendingMakeUps', { page: 1, pageSize: 100 }, 'u-off-staff')
    expect(makeUps.items.map((m: { recordId: string }) => m.recordId)).not.toContain(id)

    expect(await cloud.ok('activities', 'verify', { recordId: id, decision: 'approve' }, 'demo-admin')).toMatchObject({ status: 'approved', verifiedMinutes: 115 })
  })

  test('a queued check-out closes the record as entered by the organiser; it may not end before the check-in', async () => {
    const a = await activity()
    addUser('u-off-52')
    await signUp(a._id, ['u-off-52'])
    at('2026-11-27T10:00:00')
    await cloud.ok('activities', 'checkIn', { token: await codeAt(a._id, '2026-11-27T10:00:00') }, 'u-off-52')
    expect(cloud.store.get('serviceRecords', `${a._id}:u-off-52`)!.enteredBy).toBeUndefined()
    const memberCode = await codeOfVolunteer('u-off-52')
    at('2026-11-27T11:50:00')
    const early = await refusal('staffScan', { activityId: a._id, memberCode, direction: 'out', scannedAt: ms('2026-11-27T09:50:00') }, 'demo-staff')
    expect(early).toMatchObject({ code: 'CONFLICT', message: '签退时间早于签到时间，未能计入，请联系活动组织者' })
    expect(cloud.store.get('serviceRecords', `${a._id}:u-off-52`)).toMatchObject({ status: 'open' })

    const left = await cloud.ok('activities', 'staffScan', { activityId: a._id, memberCode, direction: 'out', scannedAt: ms('2026-11-27T11:30:00') }, 'demo-staff')
    expect(left).toMatchObject({ already: false, minutes: 90, at: isoAt('2026-11-27T11:30:00') })
    const id = `${a._id}:u-off-52`
    expect(cloud.store.get('serviceRecords', id)).toMatchObject({ status: 'pending', checkOutMethod: 'staff', queued: true, enteredBy: 'demo-staff' })
    expect((await refusal('verify', { recordId: id, decision: 'adjust', minutes: 120, reason: '全程参加' }, 'demo-staff')).code).toBe('FORBIDDEN')
    expect(await pendingList('demo-staff')).not.toContain(id)
    expect(await cloud.ok('activities', 'verify', { recordId: id, decision: 'approve' }, 'u-off-staff')).toMatchObject({ status: 'approved', verifiedMinutes: 90 })
  })
})
