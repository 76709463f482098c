/**
 * activities: verification of service records (approve / adjust / decline, never deleted, with
 * history), four eyes (nobody verifies or makes up their own hours; make-up hours wait for a second
 * person), make-up hours, a volunteer's totals (aggregates checked against the records), stable
 * volunteer numbers, certificates and their public verification, the ranking with opt-out, and
 * hours from completed 微心愿 (recordServiceFromWish, used by the 三方联动 issue).
 */
import { recordServiceFromWish } from '../../server/activities/records'
import { startTestCloud, type TestCloud } from '../support/cloud'
import { joinVolunteers } from '../support/volunteers'

let cloud: TestCloud

beforeAll(async () => {
  cloud = await startTestCloud()
})
afterAll(() => cloud.close())

const at = (local: string) => cloud.clock.set(`${local}+08:00`)
beforeEach(() => at('2026-11-27T09:00:00'))

const errorOf = async (fn: string, action: string, input: object, openid?: string) => {
  const reply = await cloud.call(fn, action, input, openid)
  return reply.ok ? 'ok' : reply.error.code
}

function addUser(openid: string, name: string, communityId = 'c1') {
  cloud.store.insertOne('users', { _id: openid, openid, roles: ['member'], scopes: { communityIds: [], companyIds: [], gridIds: [] }, profile: { name, mobile: '13812345678', communityId } })
}

/** An activity 10:00–12:00 today in c1 where each person signs up, checks in at 10:00 and out at `outAt`. */
async function served(people: string[], outAt = '2026-11-27T11:30:00', fields: Record<string, unknown> = {}, organiser = 'demo-staff') {
  at('2026-11-27T09:00:00')
  const a = await cloud.ok('activities', 'create', {
    title: '垃圾分类宣传引导',
    category: '文明创建',
    start: '2026-11-27 10:00',
    end: '2026-11-27 12:00',
    signUpDeadline: '2026-11-27 09:30',
    place: { name: '锦绣花园' },
    capacity: 50,
    ...fields
  }, organiser)
  for (const p of people) await cloud.ok('activities', 'signUp', { activityId: a._id }, p)
  at('2026-11-27T10:00:00')
  const token = (await cloud.ok('activities', 'checkinCode', { activityId: a._id }, organiser)).token
  for (const p of people) await cloud.ok('activities', 'checkIn', { token }, p)
  at(outAt)
  const out = (await cloud.ok('activities', 'checkinCode', { activityId: a._id }, organiser)).token
  for (const p of people) await cloud.ok('activities', 'checkOut', { token: out }, p)
  return a
}

describe('verification', () => {
  test('approve, adjust (capped at the activity, with a reason) and decline (with a reason); history kept, nothing deleted', async () => {
    addUser('u-v-1', '钱一')
    addUser('u-v-2', '钱二')
    addUser('u-v-3', '钱三')
    const a = await served(['u-v-1', 'u-v-2', 'u-v-3'])
    const id = (p: string) => `${a._id}:${p}`
    at('2026-11-27T13:00:00')

    const approved = await cloud.ok('activities', 'verify', { recordId: id('u-v-1'), decision: 'approve' }, 'demo-staff')
    expect(approved).toMatchObject({ status: 'approved', minutes: 90, verifiedMinutes: 90 })

    expect(await errorOf('activities', 'verify', { recordId: id('u-v-2'), decision: 'adjust', minutes: 60 }, 'demo-staff')).toBe('INVALID_INPUT')
    expect(await errorOf('activities', 'verify', { recordId: id('u-v-2'), decision: 'adjust', reason: '中途离开' }, 'demo-staff')).toBe('INVALID_INPUT')
    const adjusted = await cloud.ok('activities', 'verify', { recordId: id('u-v-2'), decision: 'adjust', minutes: 300, reason: '帮忙收尾到下午' }, 'demo-staff')
    expect(adjusted).toMatchObject({ status: 'adjusted', minutes: 90, verifiedMinutes: 120 })

    const declined = await cloud.ok('activities', 'verify', { recordId: id('u-v-3'), decision: 'decline', reason: '签到后未参加服务' }, 'demo-staff')
    expect(declined).toMatchObject({ status: 'declined', verifiedMinutes: 0 })
    // A second look changes the decision; both stay in the history.
    const again = await cloud.ok('activities', 'verify', { recordId: id('u-v-3'), decision: 'approve' }, 'demo-staff')
    expect(again).toMatchObject({ status: 'approved', verifiedMinutes: 90 })
    expect(again.history.map((h: { action: string }) => h.action)).toEqual(['扫码签到', '扫码签退', '不予认定', '认定'])
    expect(again.history[2]).toMatchObject({ by: 'demo-staff', byName: '张敏', note: '签到后未参加服务' })
    expect(cloud.store.count('serviceRecords', { activityId: a._id })).toBe(3)

    const told = cloud.store.find('outbox', { templateId: 'tpl-hours-verified', touser: 'u-v-2' })
    expect(told).toHaveLength(1)
    expect(told[0].summary).toContain('2小时')
  })

  test('only the organiser verifies: other staff, the district admin, members and the volunteer are refused', async () => {
    addUser('u-v-4', '孙四')
    const a = await served(['u-v-4'])
    const recordId = `${a._id}:u-v-4`
    at('2026-11-27T13:00:00')
    for (const who of ['demo-staff-2', 'demo-admin', 'demo-member', 'u-v-4', 'demo-property', 'demo-committee']) {
      expect(await errorOf('activities', 'verify', { recordId, decision: 'approve' }, who)).toBe('FORBIDDEN')
      expect(await errorOf('activities', 'records', { activityId: a._id }, who)).toBe('FORBIDDEN')
    }
    expect(cloud.store.get('serviceRecords', recordId)!.status).toBe('pending')
    expect(await errorOf('activities', 'verify', { recordId: 'nope', decision: 'approve' }, 'demo-staff')).toBe('NOT_FOUND')
  })

  test('district-wide activities are verified by the district admin', async () => {
    addUser('u-v-5', '李五')
    const a = await served(['u-v-5'], '2026-11-27T12:00:00', {}, 'demo-admin')
    at('2026-11-27T13:00:00')
    expect(await errorOf('activities', 'verify', { recordId: `${a._id}:u-v-5`, decision: 'approve' }, 'demo-staff')).toBe('FORBIDDEN')
    expect(await cloud.ok('activities', 'verify', { recordId: `${a._id}:u-v-5`, decision: 'approve' }, 'demo-admin')).toMatchObject({ status: 'approved', verifiedMinutes: 120, issuerName: '区级活动' })
  })

  test('a record still open is closed at the end before it can be verified; during the activity it cannot', async () => {
    addUser('u-v-6', '周六')
    at('2026-11-27T09:00:00')
    const a = await cloud.ok('activities', 'create', { title: '小区巡查', category: '安全隐患排查', start: '2026-11-27 10:00', end: '2026-11-27 11:00', place: { name: '锦绣花园' }, capacity: 5 }, 'demo-staff')
    await cloud.ok('activities', 'signUp', { activityId: a._id }, 'u-v-6')
    at('2026-11-27T10:10:00')
    await cloud.ok('activities', 'checkIn', { token: (await cloud.ok('activities', 'checkinCode', { activityId: a._id }, 'demo-staff')).token }, 'u-v-6')
    expect(await errorOf('activities', 'verify', { recordId: `${a._id}:u-v-6`, decision: 'approve' }, 'demo-staff')).toBe('CONFLICT')
    at('2026-11-27T15:00:00')
    expect(await cloud.ok('activities', 'verify', { recordId: `${a._id}:u-v-6`, decision: 'approve' }, 'demo-staff')).toMatchObject({ status: 'approved', autoClosed: true, minutes: 50, verifiedMinutes: 50 })
  })
})

describe('make-up hours', () => {
  test('capped at the activity’s length, marked as make-up, once per person and activity', async () => {
    const a = await served([])
    const card = await cloud.ok('activities', 'memberCode', {}, 'demo-resident')
    at('2026-11-27T12:30:00')
    expect(await errorOf('activities', 'makeUp', { activityId: a._id, memberCode: card.memberCode, minutes: 60, reason: '手机没电' }, 'demo-staff-2')).toBe('FORBIDDEN')
    const record = await cloud.ok('activities', 'makeUp', { activityId: a._id, memberCode: card.memberCode, minutes: 500, reason: '老人无智能手机，现场服务全程' }, 'demo-staff')
    expect(record).toMatchObject({ makeUp: true, source: 'makeup', status: 'pending', minutes: 120, verifiedMinutes: 0, name: '王秀兰' })
    expect(record.history[0].note).toContain('按120分钟计')
    expect(await errorOf('activities', 'makeUp', { activityId: a._id, memberCode: card.memberCode, minutes: 30, reason: '再补一次' }, 'demo-staff')).toBe('CONFLICT')
    expect(cloud.store.count('serviceRecords', { activityId: a._id, openid: 'demo-resident' })).toBe(1)
  })
})

describe('four eyes', () => {
  function addStaff(openid: string, name: string, communityId = 'c1') {
    cloud.store.insertOne('users', { _id: openid, openid, roles: ['staff'], scopes: { communityIds: [communityId], companyIds: [], gridIds: [] }, profile: { name, mobile: '13812345679', communityId } })
  }

  test('nobody makes up their own hours, and a staff member’s own make-up never reaches their total', async () => {
    const a = await served([])
    const own = await cloud.ok('activities', 'memberCode', {}, 'demo-staff')
    const before = await cloud.ok('activities', 'myHours', {}, 'demo-staff')
    at('2026-11-27T12:30:00')
    for (const memberCode of [own.memberCode, own.volunteerNo]) {
      const reply = await cloud.call('activities', 'makeUp', { activityId: a._id, memberCode, minutes: 120, reason: '全程在现场组织' }, 'demo-staff')
      expect(reply.ok ? 'ok' : reply.error).toMatchObject({ code: 'FORBIDDEN', message: '不能认定自己的服务时长' })
    }
    expect(cloud.store.get('serviceRecords', `${a._id}:demo-staff`)).toBeNull()
    expect((await cloud.ok('activities', 'myHours', {}, 'demo-staff')).verifiedMinutes).toBe(before.verifiedMinutes)
  })

  test('a make-up entry is pending until a second person approves it: not who entered it; another staff member of the community or the district admin', async () => {
    addStaff('u-staff-c1b', '钱二审')
    addUser('u-mu-1', '补一')
    addUser('u-mu-2', '补二')
    const a = await served([])
    const cards = await Promise.all(['u-mu-1', 'u-mu-2'].map(async (p) => (await cloud.ok('activities', 'memberCode', {}, p)).memberCode as string))
    at('2026-11-27T12:30:00')
    const first = await cloud.ok('activities', 'makeUp', { activityId: a._id, memberCode: cards[0], minutes: 90, reason: '手机没电，现场确认' }, 'demo-staff')
    const second = await cloud.ok('activities', 'makeUp', { activityId: a._id, memberCode: cards[1], minutes: 60, reason: '忘记扫码' }, 'u-staff-c1b')
    expect(first).toMatchObject({ status: 'pending', verifiedMinutes: 0 })
    expect(first.history[0]).toMatchObject({ action: '补录时长', by: 'demo-staff' })
    // Not counted while pending.
    expect(await cloud.ok('activities', 'myHours', {}, 'u-mu-1')).toMatchObject({ verifiedMinutes: 0, pendingMinutes: 90, verifiedRecords: 0 })
    // Whoever entered it cannot decide on it, in any way.
    for (const decision of [{ decision: 'approve' }, { decision: 'adjust', minutes: 60, reason: '按实际时长' }, { decision: 'decline', reason: '重复' }]) {
      const reply = await cloud.call('activities', 'verify', { recordId: first._id, ...decision }, 'demo-staff')
      expect(reply.ok ? 'ok' : reply.error.code).toBe('FORBIDDEN')
    }
    expect(await errorOf('activities', 'verify', { recordId: second._id, decision: 'approve' }, 'u-staff-c1b')).toBe('FORBIDDEN')
    // Staff of another community cannot either.
    expect(await errorOf('activities', 'verify', { recordId: first._id, decision: 'approve' }, 'demo-staff-2')).toBe('FORBIDDEN')
    expect(cloud.store.get('serviceRecords', first._id)).toMatchObject({ status: 'pending', verifiedMinutes: 0 })
    // A second staff member of the community; the district admin.
    expect(await cloud.ok('activities', 'verify', { recordId: first._id, decision: 'approve' }, 'u-staff-c1b')).toMatchObject({ status: 'approved', verifiedMinutes: 90 })
    expect(await cloud.ok('activities', 'verify', { recordId: second._id, decision: 'approve' }, 'demo-admin')).toMatchObject({ status: 'approved', verifiedMinutes: 60 })
    expect(await cloud.ok('activities', 'myHours', {}, 'u-mu-1')).toMatchObject({ verifiedMinutes: 90, pendingMinutes: 0, verifiedRecords: 1 })
    expect(cloud.store.get('serviceRecords', second._id)).toMatchObject({ verifiedBy: 'demo-admin', enteredBy: 'u-staff-c1b' })
  })

  test('nobody verifies their own record: a staff member’s own check-in is verified by another staff member or the district admin', async () => {
    // Staff are not party members: they sign up as registered volunteers (志愿者实名登记).
    await joinVolunteers(cloud, 'demo-staff')
    const a = await served(['demo-staff'], '2026-11-27T11:00:00')
    const recordId = `${a._id}:demo-staff`
    at('2026-11-27T13:00:00')
    for (const decision of [{ decision: 'approve' }, { decision: 'adjust', minutes: 120, reason: '全程在现场' }]) {
      const reply = await cloud.call('activities', 'verify', { recordId, ...decision }, 'demo-staff')
      expect(reply.ok ? 'ok' : reply.error).toMatchObject({ code: 'FORBIDDEN', message: '不能认定自己的服务时长' })
    }
    expect(cloud.store.get('serviceRecords', recordId)!.status).toBe('pending')
    expect(await cloud.ok('activities', 'verify', { recordId, decision: 'approve' }, 'demo-admin')).toMatchObject({ status: 'approved', verifiedMinutes: 60 })
  })

  test('a record its own volunteer approved (before the rule) does not count in their hours', async () => {
    addUser('u-self-1', '自审')
    const a = await served(['u-self-1'], '2026-11-27T11:00:00')
    at('2026-11-27T13:00:00')
    await cloud.ok('activities', 'verify', { recordId: `${a._id}:u-self-1`, decision: 'approve' }, 'demo-staff')
    expect((await cloud.ok('activities', 'myHours', {}, 'u-self-1')).verifiedMinutes).toBe(60)
    cloud.store.updateOne('serviceRecords', { _id: `${a._id}:u-self-1` }, { $set: { verifiedBy: 'u-self-1' } })
    expect(await cloud.ok('activities', 'myHours', {}, 'u-self-1')).toMatchObject({ verifiedMinutes: 0, verifiedRecords: 0 })
  })
})

describe('a volunteer’s hours', () => {
  test('totals, per year, per category and per issuer equal the records; pending apart', async () => {
    const hours = await cloud.ok('activities', 'myHours', { pageSize: 100 }, 'demo-member')
    const mine = cloud.store.find('serviceRecords', { openid: 'demo-member' })
    const verified = mine.filter((r) => ['approved', 'adjusted'].includes(r.status))
    const sum = (rs: typeof mine, f: string) => rs.reduce((s, r) => s + r[f], 0)
    expect(hours.verifiedMinutes).toBe(sum(verified, 'verifiedMinutes'))
    expect(hours.verifiedMinutes).toBeGreaterThan(0)
    expect(hours.pendingMinutes).toBe(sum(mine.filter((r) => r.status === 'pending'), 'minutes'))
    expect(hours.verifiedRecords).toBe(verified.length)
    expect(hours.verifiedHours).toBe(Math.round((hours.verifiedMinutes / 60) * 10) / 10)
    for (const row of hours.byCategory) expect(row.minutes).toBe(sum(verified.filter((r) => r.category === row.key), 'verifiedMinutes'))
    for (const row of hours.byYear) expect(row.minutes).toBe(sum(verified.filter((r) => String(r.year) === row.key), 'verifiedMinutes'))
    expect(hours.byIssuer.find((r: { key: string }) => r.key === 'c1').name).toBe('东风社区')
    expect(hours.records.total).toBe(mine.length)
    expect(hours.volunteerNo).toMatch(/^SFQ\d{6}$/)
    expect(hours.memberCode.startsWith(`${hours.volunteerNo}.`)).toBe(true)
    const dates = hours.records.items.map((r: { serviceDate: string }) => +new Date(r.serviceDate))
    expect(dates).toEqual([...dates].sort((x, y) => y - x))
    const pendingOnly = await cloud.ok('activities', 'myHours', { status: 'pending' }, 'demo-member')
    expect(pendingOnly.records.items.every((r: { status: string }) => r.status === 'pending')).toBe(true)
  })

  test('round trips (issue #15): a first-timer’s approval gives the next number with one guarded claim (5), a later one 3', async () => {
    addUser('u-rt-1', '孙一')
    addUser('u-rt-2', '孙二')
    const a = await served(['u-rt-1', 'u-rt-2'])
    at('2026-11-27T13:00:00')
    const highest = () => Math.max(0, ...cloud.store.find('volunteers', {}).map((v) => Number(String(v.volunteerNo).slice(3))))
    const before = highest()
    for (const [i, p] of ['u-rt-1', 'u-rt-2'].entries()) {
      expect(cloud.store.get('volunteers', p)).toBeFalsy()
      const { reply, stats } = await cloud.callWithStats('activities', 'verify', { recordId: `${a._id}:${p}`, decision: 'approve' }, 'demo-staff')
      expect(reply.ok).toBe(true)
      // the caller with the record, its volunteer and the counter 1, the decision 1, the claim 1, the volunteer 1, the message 1
      expect(stats.dbRequests).toBeLessThanOrEqual(5)
      expect(Number(String(cloud.store.get('volunteers', p)?.volunteerNo).slice(3))).toBe(before + 1 + i)
    }
    const { stats } = await cloud.callWithStats('activities', 'verify', { recordId: `${a._id}:u-rt-1`, decision: 'adjust', minutes: 60, reason: '核实后按实际时长' }, 'demo-staff')
    expect(stats.dbRequests).toBe(3)
    expect(highest()).toBe(before + 2)
  })

  test('a volunteer number is handed out once and never changes; parallel first requests get distinct numbers', async () => {
    const people = Array.from({ length: 12 }, (_, i) => `u-no-${i}`)
    people.forEach((p, i) => addUser(p, `编号${i}`))
    const highest = () => Math.max(0, ...cloud.store.find('volunteers', {}).map((v) => Number(String(v.volunteerNo).slice(3))))
    const before = highest()
    const cards = await Promise.all(people.map((p) => cloud.ok('activities', 'memberCode', {}, p)))
    const numbers = cards.map((c) => c.volunteerNo)
    expect(new Set(numbers).size).toBe(12)
    const sequence = numbers.map((n) => Number(n.slice(3))).sort((x, y) => x - y)
    expect(sequence).toEqual(Array.from({ length: 12 }, (_, i) => before + 1 + i))
    const again = await cloud.ok('activities', 'memberCode', {}, people[3])
    expect(again.volunteerNo).toBe(numbers[3])
    expect(again.memberCode).toBe(cards[3].memberCode)
    expect(highest()).toBe(before + 12)
  })
})

/** The identity document a volunteer gives (with consent) the first time they ask for a certificate. */
const ID = { idType: 'resident_id', idNumber: '110101199003071233', consent: true }

describe('certificates', () => {
  test('carry what the 办法 requires, and anyone can verify them without signing in', async () => {
    const cert = await cloud.ok('activities', 'certificate', { identity: ID }, 'demo-member')
    const verified = cloud.store.find('serviceRecords', { openid: 'demo-member', communityId: 'c1', status: { $in: ['approved', 'adjusted'] } })
    expect(cert).toMatchObject({
      name: '李明',
      issuerId: 'c1',
      issuerName: '东风社区居民委员会',
      sealText: '东风社区居民委员会',
      handler: '张敏',
      idType: 'resident_id',
      idNumberMasked: '1101**********1233',
      recordCount: verified.length,
      totalMinutes: verified.reduce((s, r) => s + r.verifiedMinutes, 0)
    })
    expect(cert.certificateNo).toMatch(/^ZM\d{8}[A-Z0-9]{6}$/)
    expect(cert.volunteerNo).toMatch(/^SFQ\d{6}$/)
    expect(cert.personInCharge.length).toBeGreaterThan(1)
    expect(cert.items).toHaveLength(verified.length)
    expect(cert.verifyUrl).toContain(cert.certificateNo)
    expect(cert.verifyCodeUrl).toContain('.png')

    // The same records give the same certificate.
    expect((await cloud.ok('activities', 'certificate', { issuerId: 'c1' }, 'demo-member')).certificateNo).toBe(cert.certificateNo)

    const check = await cloud.call('activities', 'verifyCertificate', { certificateNo: cert.certificateNo })
    expect(check.ok).toBe(true)
    if (!check.ok) return
    expect(check.data).toMatchObject({ valid: true, status: 'valid', volunteerNo: cert.volunteerNo, totalMinutes: cert.totalMinutes, currentMinutes: cert.totalMinutes, issuerName: '东风社区居民委员会' })
    expect(check.data.name).toBe('李*')
    expect(check.data).toMatchObject({ idType: 'resident_id', idNumberMasked: '1101**********1233' })
    expect(JSON.stringify(check.data)).not.toContain(ID.idNumber)
    expect(JSON.stringify(check.data)).not.toMatch(/(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/)
    expect(JSON.stringify(check.data)).not.toContain('李明')
    // Lower case works too; an unknown number is NOT_FOUND.
    expect((await cloud.ok('activities', 'verifyCertificate', { certificateNo: cert.certificateNo.toLowerCase() })).valid).toBe(true)
    expect(await errorOf('activities', 'verifyCertificate', { certificateNo: 'ZM20260101ABCDEF' })).toBe('NOT_FOUND')
  })

  test('a record corrected after issue makes the certificate "changed"; a new one is then issued', async () => {
    addUser('u-c-1', '冯一')
    const a = await served(['u-c-1'], '2026-11-27T12:00:00')
    at('2026-11-27T13:00:00')
    await cloud.ok('activities', 'verify', { recordId: `${a._id}:u-c-1`, decision: 'approve' }, 'demo-staff')
    const cert = await cloud.ok('activities', 'certificate', { identity: ID }, 'u-c-1')
    expect(cert).toMatchObject({ totalMinutes: 120, recordCount: 1, name: '冯一' })
    await cloud.ok('activities', 'verify', { recordId: `${a._id}:u-c-1`, decision: 'adjust', minutes: 60, reason: '核实后按实际时长' }, 'demo-staff')
    const check = await cloud.ok('activities', 'verifyCertificate', { certificateNo: cert.certificateNo })
    expect(check).toMatchObject({ valid: false, status: 'changed', totalMinutes: 120, currentMinutes: 60 })
    const next = await cloud.ok('activities', 'certificate', {}, 'u-c-1')
    expect(next.certificateNo).not.toBe(cert.certificateNo)
    expect(next.totalMinutes).toBe(60)
  })

  test('no verified hours, no certificate', async () => {
    addUser('u-c-2', '冯二')
    expect(await errorOf('activities', 'certificate', {}, 'u-c-2')).toBe('CONFLICT')
    expect(await errorOf('activities', 'certificate', { issuerId: 'c2' }, 'demo-member')).toBe('CONFLICT')
    expect(await errorOf('activities', 'certificate', {})).toBe('UNAUTHENTICATED')
  })
})

describe('ranking', () => {
  test('highest verified hours first within the community; only those who opted in appear by name', async () => {
    const ranking = await cloud.ok('activities', 'ranking', { communityId: 'c1', pageSize: 100 }, 'demo-member')
    const verified = cloud.store.find('serviceRecords', { communityId: 'c1', status: { $in: ['approved', 'adjusted'] } })
    const perPerson = new Map<string, number>()
    for (const r of verified) perPerson.set(r.openid, (perPerson.get(r.openid) ?? 0) + r.verifiedMinutes)
    expect(ranking.total).toBe(perPerson.size)
    const minutes = ranking.items.map((i: { minutes: number }) => i.minutes)
    expect(minutes).toEqual([...perPerson.values()].sort((x, y) => y - x).slice(0, 100))
    expect(ranking.me.minutes).toBe(perPerson.get('demo-member'))
    expect(ranking.items.find((i: { isMe: boolean }) => i.isMe).rank).toBe(ranking.me.rank)

    // Opt-in (issue #16): the seed's demo member has not opted in, so they are anonymous…
    expect(ranking.me.optIn).toBe(false)
    const hidden = await cloud.ok('activities', 'ranking', { communityId: 'c1', pageSize: 100 }, 'demo-resident')
    const row = hidden.items.find((i: { rank: number; anonymous: boolean }) => i.rank === ranking.me.rank && i.anonymous)
    expect(row).toMatchObject({ name: '匿名志愿者', anonymous: true })
    expect(row.volunteerNo).toBeUndefined()
    expect(JSON.stringify(hidden)).not.toContain('李明')
    // …until they turn it on.
    await cloud.ok('activities', 'setPreferences', { rankingOptIn: true }, 'demo-member')
    const shown = await cloud.ok('activities', 'ranking', { communityId: 'c1', pageSize: 100 }, 'demo-resident')
    expect(shown.items.find((i: { rank: number; name: string }) => i.rank === ranking.me.rank && i.name === '李明')).toMatchObject({ anonymous: false })
    await cloud.ok('activities', 'setPreferences', { rankingOptIn: false }, 'demo-member')

    // Equal minutes share a rank.
    for (let i = 1; i < ranking.items.length; i++) {
      const [prev, cur] = [ranking.items[i - 1], ranking.items[i]]
      expect(cur.rank).toBe(cur.minutes === prev.minutes ? prev.rank : i + 1)
    }
    const page2 = await cloud.ok('activities', 'ranking', { communityId: 'c1', page: 2, pageSize: 10 }, 'demo-member')
    expect(page2.items.map((i: { minutes: number }) => i.minutes)).toEqual(minutes.slice(10, 20))
    expect(page2.items[0].rank).toBe(ranking.items[10].rank)
    // Ranks come from one grouping of the totals (issue #15): each equals 1 + a direct count of those with more minutes.
    const ahead = (m: number) => 1 + [...perPerson.values()].filter((x) => x > m).length
    expect(ranking.me.rank).toBe(ahead(perPerson.get('demo-member')!))
    for (const item of [...ranking.items, ...page2.items]) expect(item.rank).toBe(ahead(item.minutes))
  })
})

describe('hours from 微心愿 (recordServiceFromWish)', () => {
  test('creates one verified 邻里互助 record per wish, however often it is called', async () => {
    addUser('u-w-1', '吴一')
    const input = { openid: 'u-w-1', communityId: 'c1', minutes: 90, wishId: 'wish-test-1', title: '帮独居老人买菜', verifiedBy: 'demo-resident' }
    const ids = await Promise.all([recordServiceFromWish(input), recordServiceFromWish(input), recordServiceFromWish(input)])
    expect(new Set(ids)).toEqual(new Set(['wish:wish-test-1']))
    expect(await recordServiceFromWish({ ...input, minutes: 200 })).toBe('wish:wish-test-1')
    expect(cloud.store.count('serviceRecords', { wishId: 'wish-test-1' })).toBe(1)
    expect(cloud.store.get('serviceRecords', 'wish:wish-test-1')).toMatchObject({
      source: 'wish',
      category: '邻里互助',
      status: 'approved',
      minutes: 90,
      verifiedMinutes: 90,
      communityId: 'c1',
      name: '吴一',
      verifiedBy: 'demo-resident',
      title: '微心愿：帮独居老人买菜'
    })
    const hours = await cloud.ok('activities', 'myHours', {}, 'u-w-1')
    expect(hours).toMatchObject({ verifiedMinutes: 90, byCategory: [{ key: '邻里互助', minutes: 90, records: 1 }] })
    expect(hours.volunteerNo).toMatch(/^SFQ/)
    // Hours verified only by the resident who confirmed the wish: no staff handler yet, so the
    // volunteer's identity is kept and the community's staff issue the certificate (and handle it).
    const asked = await cloud.call('activities', 'certificate', { identity: ID }, 'u-w-1')
    expect(asked.ok ? 'ok' : asked.error.code).toBe('CONFLICT')
    const cert = await cloud.ok('activities', 'certificate', { volunteerNo: hours.volunteerNo }, 'demo-staff')
    expect(cert).toMatchObject({ totalMinutes: 90, issuerName: '东风社区居民委员会', handler: '张敏', name: '吴一' })
    await expect(recordServiceFromWish({ ...input, wishId: 'wish-test-2', minutes: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    expect(cloud.store.get('serviceRecords', 'wish:wish-test-2')).toBeNull()
  })
})

describe('figures from one grouping (issue #15)', () => {
  test('我的时长’s list total and the ranking’s own minutes equal direct counts, for every volunteer with records', async () => {
    const openids = [...new Set(cloud.store.find('serviceRecords', {}).map((r) => r.openid as string))].slice(0, 20)
    expect(openids.length).toBeGreaterThan(0)
    for (const openid of openids) {
      const count = (where: Record<string, unknown>) => cloud.store.count('serviceRecords', { openid, ...where })
      expect((await cloud.ok('activities', 'myHours', { pageSize: 5 }, openid)).records.total).toBe(count({}))
      expect((await cloud.ok('activities', 'myHours', { status: 'pending', pageSize: 5 }, openid)).records.total).toBe(count({ status: 'pending' }))
      const year = cloud.store.find('serviceRecords', { openid })[0].year as number
      expect((await cloud.ok('activities', 'myHours', { year, pageSize: 5 }, openid)).records.total).toBe(count({ year }))
      for (const communityId of ['c1', 'c2']) {
        const minutes = cloud.store
          .find('serviceRecords', { openid, communityId, status: { $in: ['approved', 'adjusted'] } })
          .reduce((sum, r) => sum + ((r.verifiedMinutes as number) ?? 0), 0)
        expect((await cloud.ok('activities', 'ranking', { communityId, pageSize: 5 }, openid)).me.minutes).toBe(minutes)
      }
    }
  })
})
