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
