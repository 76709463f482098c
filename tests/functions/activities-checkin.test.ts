/**
 * activities: on-site check-in and check-out — the rotating signed code, expired / forged /
 * other-activity tokens, the geofence with its drift tolerance, repeated scans, walk-ins, staff
 * scanning a volunteer's personal code, hours clipped to the activity, and the missing check-out.
 */
import { startTestCloud, type TestCloud } from '../support/cloud'

let cloud: TestCloud

beforeAll(async () => {
  cloud = await startTestCloud()
})
afterAll(() => cloud.close())

const at = (local: string) => cloud.clock.set(`${local}+08:00`)
beforeEach(() => at('2026-11-27T09:00:00'))

const SITE = { latitude: 31.82, longitude: 117.22 }
/** A point `meters` north of the site. */
const north = (meters: number) => ({ latitude: SITE.latitude + meters / 111_195, longitude: SITE.longitude })

async function activity(fields: Record<string, unknown> = {}, openid = 'demo-staff') {
  return cloud.ok('activities', 'create', {
    title: '消防通道清理',
    category: '安全隐患排查',
    start: '2026-11-27 10:00',
    end: '2026-11-27 12:00',
    signUpDeadline: '2026-11-27 09:30',
    place: { name: '锦绣花园' },
    capacity: 10,
    ...fields
  }, openid)
}

const code = async (activityId: string, openid = 'demo-staff') => (await cloud.ok('activities', 'checkinCode', { activityId }, openid)).token as string
const errorOf = async (fn: string, action: string, input: object, openid?: string) => {
  const reply = await cloud.call(fn, action, input, openid)
  return reply.ok ? 'ok' : reply.error.code
}

function addUser(openid: string, name = `志愿者${openid.slice(-2)}`) {
  cloud.store.insertOne('users', { _id: openid, openid, roles: ['member'], scopes: { communityIds: [], companyIds: [], gridIds: [] }, profile: { name, communityId: 'c1' } })
}

describe('the check-in code', () => {
  test('only the organiser gets it; it is short enough for a mini-program scene and lives at most 60 s', async () => {
    const a = await activity()
    at('2026-11-27T09:05:00')
    const reply = await cloud.ok('activities', 'checkinCode', { activityId: a._id }, 'demo-staff')
    expect(reply.token.length).toBeLessThanOrEqual(32)
    expect(+new Date(reply.expiresAt) - cloud.clock.now()).toBeLessThanOrEqual(60_000)
    expect(+new Date(reply.expiresAt) - cloud.clock.now()).toBeGreaterThan(50_000)
    expect(reply.link).toContain(`?t=${reply.token}`)
    expect(reply.qr).toMatch(/^data:image\/png;base64,/)
    for (const who of ['demo-member', 'demo-staff-2', 'demo-admin', 'demo-resident']) {
      expect(await errorOf('activities', 'checkinCode', { activityId: a._id }, who)).toBe('FORBIDDEN')
    }
  })

  test('is refused more than an hour before the start and two hours after the end', async () => {
    const a = await activity()
    at('2026-11-27T08:59:00')
    expect(await errorOf('activities', 'checkinCode', { activityId: a._id }, 'demo-staff')).toBe('CONFLICT')
    at('2026-11-27T14:00:00')
    expect(await errorOf('activities', 'checkinCode', { activityId: a._id }, 'demo-staff')).toBe('CONFLICT')
  })
})

describe('scanning the code', () => {
  test('checks in once however often it is scanned, in sequence or in parallel', async () => {
    const a = await activity()
    await cloud.ok('activities', 'signUp', { activityId: a._id }, 'demo-member')
    at('2026-11-27T09:50:00')
    const token = await code(a._id)
    const first = await cloud.ok('activities', 'checkIn', { token, activityId: a._id }, 'demo-member')
    expect(first).toMatchObject({ direction: 'in', already: false, walkIn: false, recordId: `${a._id}:demo-member` })
    expect(await cloud.ok('activities', 'checkIn', { token }, 'demo-member')).toMatchObject({ already: true, at: first.at })
    const again = await Promise.all(Array.from({ length: 10 }, () => cloud.call('activities', 'checkIn', { token }, 'demo-member')))
    expect(again.every((r) => r.ok && r.data.already)).toBe(true)
    expect(cloud.store.count('serviceRecords', { activityId: a._id })).toBe(1)
    expect(cloud.store.get('serviceRecords', `${a._id}:demo-member`)).toMatchObject({ status: 'open', checkInMethod: 'scan', name: '李明', communityId: 'c1' })
  })

  test('parallel first scans by ten people make ten records', async () => {
    const a = await activity()
    const people = Array.from({ length: 10 }, (_, i) => `u-par-${i}`)
    people.forEach((p) => addUser(p))
    at('2026-11-27T10:00:00')
    const token = await code(a._id)
    const replies = await Promise.all(people.flatMap((p) => [cloud.call('activities', 'checkIn', { token }, p), cloud.call('activities', 'checkIn', { token }, p)]))
    expect(replies.every((r) => r.ok)).toBe(true)
    expect(cloud.store.count('serviceRecords', { activityId: a._id })).toBe(10)
    // Walk-ins took places without exceeding the capacity.
    expect(cloud.store.get('activities', a._id)!.confirmedCount).toBe(10)
  })

  test('expired, forged and other activities’ tokens are refused and change nothing', async () => {
    const a = await activity()
    const b = await activity({ title: '另一场活动' })
    await cloud.ok('activities', 'signUp', { activityId: a._id }, 'demo-member')
    at('2026-11-27T09:50:00')
    const token = await code(a._id)
    const tokenB = await code(b._id)
    const records = cloud.store.count('serviceRecords')
    const signUps = cloud.store.count('activitySignups')

    cloud.clock.advance(61_000)
    expect(await errorOf('activities', 'checkIn', { token }, 'demo-member')).toBe('EXPIRED')
    cloud.clock.advance(-61_000)

    const [id, expiry, signature] = token.split('.')
    const flipped = signature[0] === 'A' ? 'B' + signature.slice(1) : 'A' + signature.slice(1)
    expect(await errorOf('activities', 'checkIn', { token: `${id}.${expiry}.${flipped}` }, 'demo-member')).toBe('FORBIDDEN')
    // A later expiry with the old signature is a forgery, not a longer-lived code.
    const later = (parseInt(expiry, 36) + 3600).toString(36)
    expect(await errorOf('activities', 'checkIn', { token: `${id}.${later}.${signature}` }, 'demo-member')).toBe('FORBIDDEN')
    // Another activity's id with this signature.
    expect(await errorOf('activities', 'checkIn', { token: `${b._id}.${expiry}.${signature}` }, 'demo-member')).toBe('FORBIDDEN')
    expect(await errorOf('activities', 'checkIn', { token: 'not-a-token-at-all' }, 'demo-member')).toBe('FORBIDDEN')
    // A genuine token of another activity, scanned from this activity's page.
    expect(await errorOf('activities', 'checkIn', { token: tokenB, activityId: a._id }, 'demo-member')).toBe('FORBIDDEN')
    expect(await errorOf('activities', 'checkOut', { token: tokenB, activityId: a._id }, 'demo-member')).toBe('FORBIDDEN')
    expect(await errorOf('activities', 'checkIn', { token }, undefined)).toBe('UNAUTHENTICATED')

    expect(cloud.store.count('serviceRecords')).toBe(records)
    expect(cloud.store.count('activitySignups')).toBe(signUps)
  })

  test('the token is also read from the scanned link (H5 URL, scene, or WeChat’s q parameter)', async () => {
    const a = await activity()
    at('2026-11-27T10:10:00')
    const { token, link } = await cloud.ok('activities', 'checkinCode', { activityId: a._id }, 'demo-staff')
    expect((await cloud.ok('activities', 'checkIn', { token: link }, 'demo-member')).already).toBe(false)
    expect((await cloud.ok('activities', 'checkIn', { token: `pages/x?q=${encodeURIComponent(link)}` }, 'demo-member')).already).toBe(true)
    expect((await cloud.ok('activities', 'checkIn', { token: `scene=${encodeURIComponent(token)}` }, 'demo-member')).already).toBe(true)
  })

  test('a walk-in takes a free place; when none is left the check-in is refused', async () => {
    const a = await activity({ capacity: 1 })
    at('2026-11-27T10:00:00')
    const token = await code(a._id)
    expect(await cloud.ok('activities', 'checkIn', { token }, 'demo-member')).toMatchObject({ walkIn: true, already: false })
    expect(cloud.store.get('activitySignups', `${a._id}:demo-member`)).toMatchObject({ status: 'confirmed', walkIn: true })
    expect(await errorOf('activities', 'checkIn', { token }, 'demo-resident')).toBe('CAPACITY_FULL')
    expect(cloud.store.count('serviceRecords', { activityId: a._id })).toBe(1)
    expect(cloud.store.get('activitySignups', `${a._id}:demo-resident`)).toBeNull()
  })

  test('check-in closes at the end (check-out stays open for the grace period)', async () => {
    const a = await activity()
    at('2026-11-27T12:00:30')
    const late = await code(a._id)
    expect(await errorOf('activities', 'checkIn', { token: late }, 'demo-member')).toBe('CONFLICT')
  })
})

describe('the geofence', () => {
  test('tolerates GPS drift of 50 m (more when the phone reports a poor fix, at most 300 m)', async () => {
    const a = await activity({ place: { name: '锦绣花园广场', coordinates: SITE, radius: 300 }, capacity: 20 })
    const people = ['u-geo-1', 'u-geo-2', 'u-geo-3', 'u-geo-4', 'u-geo-5', 'u-geo-6']
    people.forEach((p) => addUser(p))
    at('2026-11-27T10:05:00')
    const token = await code(a._id)
    const tryAt = (openid: string, location?: object) => errorOf('activities', 'checkIn', { token, ...(location ? { location } : {}) }, openid)
    expect(await tryAt('u-geo-1')).toBe('FORBIDDEN') // no location at all
    expect(await tryAt('u-geo-1', { ...north(400), accuracy: 10 })).toBe('FORBIDDEN') // 400 > 300 + 50
    expect(await tryAt('u-geo-2', { ...north(340), accuracy: 10 })).toBe('ok') // inside the drift tolerance
    expect(await tryAt('u-geo-3', { ...north(400), accuracy: 120 })).toBe('ok') // a poor fix widens it
    expect(await tryAt('u-geo-4', { ...north(700), accuracy: 5000 })).toBe('FORBIDDEN') // but never past 300 m of slack
    expect(await tryAt('u-geo-5', { ...north(590), accuracy: 5000 })).toBe('ok')
    expect(await tryAt('u-geo-6', { ...SITE })).toBe('ok')
    expect(cloud.store.count('serviceRecords', { activityId: a._id })).toBe(4)
    expect(cloud.store.get('serviceRecords', `${a._id}:u-geo-2`)!.checkInLocation.distance).toBe(340)
    const refused = await cloud.call('activities', 'checkIn', { token, location: north(900) }, 'u-geo-1')
    expect(refused.ok).toBe(false)
    if (!refused.ok) expect(refused.error.message).toContain('超出签到范围')
  })
})

describe('check-out and hours', () => {
  test('hours run from check-in to check-out, clipped to the activity; a second check-out changes nothing', async () => {
    const a = await activity()
    await cloud.ok('activities', 'signUp', { activityId: a._id }, 'demo-member')
    at('2026-11-27T09:40:00')
    await cloud.ok('activities', 'checkIn', { token: await code(a._id) }, 'demo-member')
    at('2026-11-27T12:30:00')
    const token = await code(a._id)
    const out = await cloud.ok('activities', 'checkOut', { token }, 'demo-member')
    expect(out).toMatchObject({ direction: 'out', already: false, minutes: 120 })
    at('2026-11-27T12:40:00')
    expect(await cloud.ok('activities', 'checkOut', { token: await code(a._id) }, 'demo-member')).toMatchObject({ already: true, minutes: 120 })
    expect(cloud.store.get('serviceRecords', `${a._id}:demo-member`)).toMatchObject({ status: 'pending', minutes: 120, autoClosed: false })
  })

  test('leaving early counts whole minutes served', async () => {
    const a = await activity()
    at('2026-11-27T10:20:00')
    await cloud.ok('activities', 'checkIn', { token: await code(a._id) }, 'demo-member')
    at('2026-11-27T11:05:40')
    expect((await cloud.ok('activities', 'checkOut', { token: await code(a._id) }, 'demo-member')).minutes).toBe(45)
  })

  test('checking out without checking in is refused', async () => {
    const a = await activity()
    at('2026-11-27T11:00:00')
    expect(await errorOf('activities', 'checkOut', { token: await code(a._id) }, 'demo-member')).toBe('CONFLICT')
    expect(cloud.store.count('serviceRecords', { activityId: a._id })).toBe(0)
  })

  test('a missing check-out is closed at the end and flagged; a late scan within the grace period clears the flag', async () => {
    const a = await activity()
    addUser('u-late-1')
    addUser('u-late-2')
    at('2026-11-27T10:00:00')
    const token = await code(a._id)
    await cloud.ok('activities', 'checkIn', { token }, 'u-late-1')
    await cloud.ok('activities', 'checkIn', { token }, 'u-late-2')
    at('2026-11-27T12:10:00')
    const records = await cloud.ok('activities', 'records', { activityId: a._id }, 'demo-staff')
    expect(records.items.map((r: { status: string; autoClosed: boolean; minutes: number }) => [r.status, r.autoClosed, r.minutes])).toEqual([
      ['pending', true, 120],
      ['pending', true, 120]
    ])
    const stored = cloud.store.get('serviceRecords', `${a._id}:u-late-1`)!
    expect(stored.checkOutAt).toEqual(new Date('2026-11-27T12:00:00+08:00'))
    expect(stored.history.map((h: { action: string }) => h.action)).toEqual(['扫码签到', '未签退，按活动结束时间自动签退'])
    at('2026-11-27T12:20:00')
    expect(await cloud.ok('activities', 'checkOut', { token: await code(a._id) }, 'u-late-1')).toMatchObject({ already: false, minutes: 120 })
    expect(cloud.store.get('serviceRecords', `${a._id}:u-late-1`)).toMatchObject({ autoClosed: false, minutes: 120 })
    // The person who never came back stays flagged.
    expect(cloud.store.get('serviceRecords', `${a._id}:u-late-2`)).toMatchObject({ autoClosed: true })
  })
})

describe('staff scan a personal code (people without a phone)', () => {
  test('in and out by the organiser; a second scan is recognised; forged codes and other staff are refused', async () => {
    const a = await activity()
    const card = await cloud.ok('activities', 'memberCode', {}, 'demo-resident')
    expect(card.volunteerNo).toMatch(/^SFQ\d{6}$/)
    expect(card.memberCode.startsWith(`${card.volunteerNo}.`)).toBe(true)
    at('2026-11-27T10:00:00')
    const inReply = await cloud.ok('activities', 'staffScan', { activityId: a._id, memberCode: card.memberCode, direction: 'in' }, 'demo-staff')
    expect(inReply).toMatchObject({ already: false, walkIn: true, volunteerName: '王秀兰' })
    expect((await cloud.ok('activities', 'staffScan', { activityId: a._id, memberCode: card.memberCode, direction: 'in' }, 'demo-staff')).already).toBe(true)
    expect(cloud.store.get('serviceRecords', `${a._id}:demo-resident`)).toMatchObject({ checkInMethod: 'staff', status: 'open' })

    const forged = `${card.volunteerNo}.AAAAAAAA`
    expect(await errorOf('activities', 'staffScan', { activityId: a._id, memberCode: forged, direction: 'out' }, 'demo-staff')).toBe('FORBIDDEN')
    expect(await errorOf('activities', 'staffScan', { activityId: a._id, memberCode: card.memberCode, direction: 'out' }, 'demo-staff-2')).toBe('FORBIDDEN')
    expect(await errorOf('activities', 'staffScan', { activityId: a._id, memberCode: card.memberCode, direction: 'out' }, 'demo-member')).toBe('FORBIDDEN')
    expect(await errorOf('activities', 'staffScan', { activityId: a._id, memberCode: 'SFQ999999', direction: 'in' }, 'demo-staff')).toBe('FORBIDDEN')
    expect(await errorOf('activities', 'staffScan', { activityId: a._id, memberCode: 'made-up-code', direction: 'in' }, 'demo-staff')).toBe('FORBIDDEN')
    expect(cloud.store.get('serviceRecords', `${a._id}:demo-resident`)!.status).toBe('open')

    at('2026-11-27T11:30:00')
    // Staff may type the number printed on the card when the camera will not read it.
    const out = await cloud.ok('activities', 'staffScan', { activityId: a._id, memberCode: card.volunteerNo, direction: 'out' }, 'demo-staff')
    expect(out).toMatchObject({ direction: 'out', minutes: 90, already: false })
    expect(cloud.store.get('serviceRecords', `${a._id}:demo-resident`)).toMatchObject({ checkOutMethod: 'staff', status: 'pending', minutes: 90 })
  })
})
