/**
 * activities: creating and keeping activities, browsing, sign-up, the waiting list (with 200
 * people signing up for 50 places at once), withdrawal and promotion, cancellation, reminders,
 * the roster, and centre events (kind "event").
 * The clock starts at 2026-11-27 09:00 Asia/Shanghai.
 */
import { startTestCloud, type TestCloud } from '../support/cloud'
import { createActivity } from '../support/activities'
import { addVolunteer } from '../support/volunteers'
import { closeWaitingClaims, deliverMessages } from '../support/messages'

let cloud: TestCloud

beforeAll(async () => {
  cloud = await startTestCloud()
})
afterAll(() => cloud.close())

const START = '2026-11-27T09:00:00+08:00'
beforeEach(() => cloud.clock.set(START))

const HOUR = 3_600_000

const create = (openid: string, fields: Record<string, unknown> = {}) => createActivity(cloud, openid, fields)

const codeOf = async (fn: string, action: string, input: object, openid?: string) => {
  const reply = await cloud.call(fn, action, input, openid)
  return reply.ok ? 'ok' : reply.error.code
}

/** A resident registered as a volunteer (志愿者实名登记; `roles` may make them a member too), with a name. */
function addUser(openid: string, roles: string[] = [], communityId = 'c1') {
  addVolunteer(cloud, openid, { roles, name: `测试${openid.slice(-3)}`, mobile: `136${String(Math.abs(hash(openid))).padStart(8, '0').slice(0, 8)}`, communityId })
}
function hash(s: string) {
  let h = 0
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0
  return h
}

describe('create', () => {
  test('staff create for their own community; the activity opens for sign-up', async () => {
    const a = await create('demo-staff')
    expect(a).toMatchObject({ communityId: 'c1', communityName: '东风社区', kind: 'volunteer', phase: 'open', placesLeft: 5, canManage: true, status: 'published' })
    expect(a._id.length).toBeLessThanOrEqual(12)
    expect(a.history[0]).toMatchObject({ by: 'demo-staff', byName: '张敏', action: '发布' })
    expect(new Date(a.start).toISOString()).toBe('2026-11-29T01:00:00.000Z')
  })

  test('district admins create district-wide activities; nobody creates for a community not theirs', async () => {
    const a = await create('demo-admin')
    expect(a.communityId).toBeNull()
    expect(a.communityName).toBe('区级活动')
    expect(await codeOf('activities', 'create', { title: '巡查', category: '其他', start: '2026-11-29 09:00', end: '2026-11-29 10:00', place: { name: 'x' }, capacity: 3, communityId: 'c1' }, 'demo-admin')).toBe('FORBIDDEN')
    const before = cloud.store.count('activities')
    const input = { title: '巡查', category: '其他', start: '2026-11-29 09:00', end: '2026-11-29 10:00', place: { name: 'x' }, capacity: 3 }
    expect(await codeOf('activities', 'create', { ...input, communityId: 'c1' }, 'demo-staff-2')).toBe('FORBIDDEN')
    expect(await codeOf('activities', 'create', input, 'demo-member')).toBe('FORBIDDEN')
    expect(await codeOf('activities', 'create', input, 'demo-resident')).toBe('FORBIDDEN')
    expect(await codeOf('activities', 'create', input, 'demo-property')).toBe('FORBIDDEN')
    expect(await codeOf('activities', 'create', input)).toBe('UNAUTHENTICATED')
    expect(cloud.store.count('activities')).toBe(before)
  })

  test.each([
    ['end before start', { end: '2026-11-29 08:00' }, 'end'],
    ['no title', { title: '' }, 'title'],
    ['unknown category', { category: '唱歌' }, 'category'],
    ['no places', { capacity: 0 }, 'capacity'],
    ['deadline after the start', { signUpDeadline: '2026-11-29 10:00' }, 'signUpDeadline'],
    ['a radius without coordinates', { place: { name: '广场', radius: 200 } }, 'place.coordinates'],
    ['already over', { start: '2026-11-20 09:00', end: '2026-11-20 10:00', signUpDeadline: '2026-11-19 09:00' }, 'end'],
    ['longer than a day', { end: '2026-11-30 10:00' }, 'end'],
    ['an unreadable time', { start: 'tomorrow' }, 'start']
  ])('bad input (%s) is INVALID_INPUT naming the field and stores nothing', async (_name, fields, field) => {
    const before = cloud.store.count('activities')
    const reply = await cloud.call('activities', 'create', { title: '楼道清理', category: '文明创建', start: '2026-11-29 09:00', end: '2026-11-29 11:00', place: { name: '锦绣花园' }, capacity: 5, ...fields }, 'demo-staff')
    expect(reply.ok).toBe(false)
    if (reply.ok) return
    expect(reply.error.code).toBe('INVALID_INPUT')
    expect(reply.error.fields).toContain(field)
    expect(cloud.store.count('activities')).toBe(before)
  })

  test('text that fails the content check is refused', async () => {
    const before = cloud.store.count('activities')
    expect(await codeOf('activities', 'create', { title: '网上赌博宣传', category: '其他', start: '2026-11-29 09:00', end: '2026-11-29 10:00', place: { name: 'x' }, capacity: 3 }, 'demo-staff')).toBe('INVALID_INPUT')
    expect(cloud.store.count('activities')).toBe(before)
  })

  test('common spellings of the fields are accepted (startAt/endAt, deadline, membersOnly, a flat or plain place)', async () => {
    const flat = await cloud.ok('activities', 'create', {
      title: '消防演练',
      category: '安全隐患排查',
      startAt: '2026-11-30 09:00',
      endAt: '2026-11-30 10:30',
      deadline: '2026-11-29 12:00',
      membersOnly: true,
      place: { name: '小区广场', latitude: 31.82, longitude: 117.22, radius: 150 },
      capacity: 8
    }, 'demo-staff')
    expect(flat).toMatchObject({ audience: 'members', place: { name: '小区广场', coordinates: { latitude: 31.82, longitude: 117.22 }, radius: 150 } })
    expect(new Date(flat.end).toISOString()).toBe('2026-11-30T02:30:00.000Z')
    expect(new Date(flat.signUpDeadline).toISOString()).toBe('2026-11-29T04:00:00.000Z')
    const plain = await cloud.ok('activities', 'create', { title: '读书会', category: '其他', start: '2026-11-30 19:00', end: '2026-11-30 20:00', place: '党群服务中心', capacity: 10 }, 'demo-staff')
    expect(plain.place).toEqual({ name: '党群服务中心' })
  })

  test('coordinates without a radius get a 200 m geofence', async () => {
    const a = await create('demo-staff', { place: { name: '广场', coordinates: { latitude: 31.82, longitude: 117.22 } } })
    expect(a.place.radius).toBe(200)
  })

  test('a team of another community cannot be assigned', async () => {
    const c2team = cloud.store.findOne('teams', { communityId: 'c2' })!
    const c1team = cloud.store.findOne('teams', { communityId: 'c1' })!
    expect(await codeOf('activities', 'create', { title: '巡查', category: '其他', start: '2026-11-29 09:00', end: '2026-11-29 10:00', place: { name: 'x' }, capacity: 3, teamId: c2team._id }, 'demo-staff')).toBe('INVALID_INPUT')
    const a = await create('demo-staff', { teamId: c1team._id })
    expect(a.teamName).toBe(c1team.name)
  })
})

describe('update', () => {
  test('organisers edit until the start; the signed-up are told of a new time', async () => {
    const a = await create('demo-staff')
    await cloud.ok('activities', 'signUp', { activityId: a._id }, 'demo-member')
    const before = cloud.store.count('outbox', { touser: 'demo-member' })
    const updated = await cloud.ok('activities', 'update', { activityId: a._id, start: '2026-11-29 14:00', end: '2026-11-29 16:00', note: '上午有雨，改到下午' }, 'demo-staff')
    expect(new Date(updated.start).toISOString()).toBe('2026-11-29T06:00:00.000Z')
    expect(updated.history.map((h: { action: string }) => h.action)).toEqual(['发布', '修改'])
    // Queued by the edit, sent by the next drain (the activities timer, every minute).
    await deliverMessages(cloud)
    expect(cloud.store.count('outbox', { touser: 'demo-member' })).toBe(before + 1)
    const message = cloud.store.find('outbox', { touser: 'demo-member' }).pop()!
    expect(message.summary).toContain('上午有雨')

    expect(await codeOf('activities', 'update', { activityId: a._id, title: '别人改的' }, 'demo-staff-2')).toBe('FORBIDDEN')
    expect(await codeOf('activities', 'update', { activityId: a._id, title: '成员改的' }, 'demo-member')).toBe('FORBIDDEN')
    cloud.clock.set('2026-11-29T14:30:00+08:00')
    expect(await codeOf('activities', 'update', { activityId: a._id, title: '开始后改' }, 'demo-staff')).toBe('CONFLICT')
  })

  test('capacity cannot drop below those already confirmed; raising it promotes the waiting list', async () => {
    const a = await create('demo-staff', { capacity: 1 })
    addUser('u-cap-1')
    addUser('u-cap-2')
    await cloud.ok('activities', 'signUp', { activityId: a._id }, 'u-cap-1')
    expect((await cloud.ok('activities', 'signUp', { activityId: a._id }, 'u-cap-2')).status).toBe('waiting')
    expect(await codeOf('activities', 'update', { activityId: a._id, capacity: 0 }, 'demo-staff')).toBe('INVALID_INPUT')
    await cloud.ok('activities', 'update', { activityId: a._id, capacity: 2 }, 'demo-staff')
    const detail = await cloud.ok('activities', 'get', { activityId: a._id }, 'u-cap-2')
    expect(detail.mySignUp.status).toBe('confirmed')
    expect(detail).toMatchObject({ confirmedCount: 2, waitingCount: 0 })
    addUser('u-cap-3')
    await cloud.ok('activities', 'signUp', { activityId: a._id }, 'u-cap-3')
    const reply = await cloud.call('activities', 'update', { activityId: a._id, capacity: 1 }, 'demo-staff')
    expect(reply.ok ? 'ok' : reply.error.code).toBe('CONFLICT')
  })
})

describe('list and get', () => {
  test('filters by kind, category, community (district-wide included), day, and pages with a total', async () => {
    const ours = await create('demo-staff', { title: '消防通道清理', category: '安全隐患排查', start: '2026-12-03 09:00', end: '2026-12-03 11:00', signUpDeadline: '2026-12-02 12:00' })
    const district = await create('demo-admin', { title: '全区集中服务', start: '2026-12-03 14:00', end: '2026-12-03 16:00', signUpDeadline: '2026-12-02 12:00' })
    const theirs = await create('demo-staff-2', { title: '红旗社区巡查', start: '2026-12-03 09:00', end: '2026-12-03 10:00', signUpDeadline: '2026-12-02 12:00' })

    const day = await cloud.ok('activities', 'list', { date: '2026-12-03', kind: 'volunteer', pageSize: 100 }, 'demo-member')
    expect(day.items.map((i: { _id: string }) => i._id).sort()).toEqual([ours._id, district._id, theirs._id].sort())
    const c1 = await cloud.ok('activities', 'list', { date: '2026-12-03', communityId: 'c1' }, 'demo-member')
    expect(c1.items.map((i: { _id: string }) => i._id).sort()).toEqual([ours._id, district._id].sort())
    const c1only = await cloud.ok('activities', 'list', { date: '2026-12-03', communityId: 'c1', includeDistrict: false }, 'demo-member')
    expect(c1only.items.map((i: { _id: string }) => i._id)).toEqual([ours._id])
    const safety = await cloud.ok('activities', 'list', { date: '2026-12-03', category: '安全隐患排查' }, 'demo-member')
    expect(safety.items.map((i: { _id: string }) => i._id)).toEqual([ours._id])

    // Soonest first; pages of 2 with the true total.
    const all = await cloud.ok('activities', 'list', { communityId: 'c1', kind: 'volunteer', pageSize: 100 }, 'demo-member')
    const starts = all.items.map((i: { start: string }) => +new Date(i.start))
    expect(starts).toEqual([...starts].sort((x, y) => x - y))
    expect(all.items.every((i: { kind: string }) => i.kind === 'volunteer')).toBe(true)
    const expected = cloud.store.count('activities', { kind: 'volunteer', status: 'published', communityId: { $in: ['c1', null] }, end: { $gt: new Date(START) } })
    expect(all.total).toBe(expected)
    const page2 = await cloud.ok('activities', 'list', { communityId: 'c1', kind: 'volunteer', page: 2, pageSize: 2 }, 'demo-member')
    expect(page2.total).toBe(expected)
    expect(page2.items.map((i: { _id: string }) => i._id)).toEqual(all.items.slice(2, 4).map((i: { _id: string }) => i._id))

    const past = await cloud.ok('activities', 'list', { communityId: 'c1', when: 'past', pageSize: 5 }, 'demo-member')
    expect(past.items.every((i: { phase: string }) => i.phase === 'ended')).toBe(true)
    expect(past.total).toBe(cloud.store.count('activities', { status: 'published', communityId: { $in: ['c1', null] }, end: { $lte: new Date(START) } }))
  })

  test('shows places left and the caller’s own sign-up; "mine" lists only theirs', async () => {
    const a = await create('demo-staff', { capacity: 3 })
    await cloud.ok('activities', 'signUp', { activityId: a._id }, 'demo-resident')
    const seen = await cloud.ok('activities', 'get', { activityId: a._id }, 'demo-resident')
    expect(seen).toMatchObject({ placesLeft: 2, confirmedCount: 1, canManage: false, mySignUp: { status: 'confirmed' } })
    expect(seen.stats).toBeUndefined()
    const mine = await cloud.ok('activities', 'list', { mine: true, pageSize: 50 }, 'demo-resident')
    expect(mine.items.map((i: { _id: string }) => i._id)).toContain(a._id)
    expect(mine.items.every((i: { mySignUp?: { status: string } }) => i.mySignUp && ['confirmed', 'waiting'].includes(i.mySignUp.status))).toBe(true)
    expect(await codeOf('activities', 'get', { activityId: 'nope' }, 'demo-resident')).toBe('NOT_FOUND')
    expect(await codeOf('activities', 'list', { pageSize: 101 }, 'demo-resident')).toBe('INVALID_INPUT')
    expect(await codeOf('activities', 'list', {})).toBe('UNAUTHENTICATED')
  })
})

describe('sign-up and withdrawal', () => {
  test('signing up twice changes nothing; withdrawing before the deadline frees the place', async () => {
    const a = await create('demo-staff', { capacity: 2 })
    expect(await cloud.ok('activities', 'signUp', { activityId: a._id }, 'demo-member')).toEqual({ status: 'confirmed', already: false })
    expect(await cloud.ok('activities', 'signUp', { activityId: a._id }, 'demo-member')).toEqual({ status: 'confirmed', already: true })
    expect(cloud.store.count('activitySignups', { activityId: a._id })).toBe(1)
    expect((await cloud.ok('activities', 'withdraw', { activityId: a._id }, 'demo-member')).status).toBe('withdrawn')
    expect((await cloud.ok('activities', 'get', { activityId: a._id }, 'demo-member')).confirmedCount).toBe(0)
    // Signing up again reuses the same sign-up, whose history keeps both.
    await cloud.ok('activities', 'signUp', { activityId: a._id }, 'demo-member')
    const doc = cloud.store.get('activitySignups', `${a._id}:demo-member`)!
    expect(doc.history.map((h: { action: string }) => h.action)).toEqual(['报名', '取消报名', '报名'])
  })

  test('five parallel sign-ups by one person hold one place', async () => {
    const a = await create('demo-staff', { capacity: 3 })
    const replies = await Promise.all(Array.from({ length: 5 }, () => cloud.call('activities', 'signUp', { activityId: a._id }, 'demo-resident')))
    expect(replies.every((r) => r.ok)).toBe(true)
    expect(replies.filter((r) => r.ok && !r.data.already)).toHaveLength(1)
    expect(cloud.store.get('activities', a._id)).toMatchObject({ confirmedCount: 1, waitingCount: 0 })
  })

  test('after the deadline: no sign-up and no online withdrawal; the waiting list may still leave', async () => {
    const a = await create('demo-staff', { capacity: 1 })
    addUser('u-dl-1')
    await cloud.ok('activities', 'signUp', { activityId: a._id }, 'demo-member')
    expect((await cloud.ok('activities', 'signUp', { activityId: a._id }, 'u-dl-1')).status).toBe('waiting')
    cloud.clock.set('2026-11-28T19:00:00+08:00')
    expect(await codeOf('activities', 'signUp', { activityId: a._id }, 'demo-resident')).toBe('CONFLICT')
    expect(await codeOf('activities', 'withdraw', { activityId: a._id }, 'demo-member')).toBe('CONFLICT')
    expect(await codeOf('activities', 'withdraw', { activityId: a._id }, 'u-dl-1')).toBe('ok')
    expect(cloud.store.get('activities', a._id)).toMatchObject({ confirmedCount: 1, waitingCount: 0 })
    expect(await codeOf('activities', 'withdraw', { activityId: a._id }, 'demo-resident')).toBe('NOT_FOUND')
  })

  test('members-only activities refuse residents who are not members', async () => {
    const a = await create('demo-staff', { audience: 'members' })
    expect(await codeOf('activities', 'signUp', { activityId: a._id }, 'demo-resident')).toBe('FORBIDDEN')
    expect(await codeOf('activities', 'signUp', { activityId: a._id }, 'demo-member')).toBe('ok')
    expect(cloud.store.count('activitySignups', { activityId: a._id })).toBe(1)
  })

  test('200 people signing up at the same instant for 50 places: exactly 50 confirmed, 150 waiting in order', async () => {
    const a = await create('demo-staff', { capacity: 50 })
    const people = Array.from({ length: 200 }, (_, i) => `u-rush-${String(i).padStart(3, '0')}`)
    people.forEach((p) => addUser(p))
    const replies = await Promise.all(people.map((p) => cloud.call('activities', 'signUp', { activityId: a._id }, p)))
    expect(replies.every((r) => r.ok)).toBe(true)
    const results = replies.map((r) => (r.ok ? r.data : null))
    expect(results.filter((r) => r?.status === 'confirmed')).toHaveLength(50)
    expect(results.filter((r) => r?.status === 'waiting')).toHaveLength(150)

    // The store agrees (every claim settled). The waiting list's order is (signedUpAt, _id): each
    // waiting person's position is their place in it, 1…150 without gaps or repeats; the position
    // told at sign-up counted those ahead at that moment, so it is never later than that place.
    expect(cloud.store.count('activitySignups', { activityId: a._id, status: 'confirmed' })).toBe(50)
    const waiting = cloud.store.find('activitySignups', { activityId: a._id, status: 'waiting' }, { sort: { signedUpAt: 1, _id: 1 } })
    expect(waiting).toHaveLength(150)
    const stored = cloud.store.get('activities', a._id)!
    expect(stored).toMatchObject({ confirmedCount: 50, waitingCount: 150 })
    // Waiting sign-ups leave their claims open (no settle, signups.ts step 3): the timer closes them once stale.
    await closeWaitingClaims(cloud, a._id)
    expect(cloud.store.get('activities', a._id)).toMatchObject({ confirmedCount: 50, waitingCount: 150 })
    expect(Object.keys(cloud.store.get('activities', a._id)!.claims ?? {})).toEqual([])
    const positions = await Promise.all(waiting.map(async (s) => (await cloud.ok('activities', 'get', { activityId: a._id }, s.openid)).mySignUp))
    expect(positions).toEqual(waiting.map((_, i) => ({ status: 'waiting', position: i + 1 })))
    const told = new Map(people.map((p, i) => [p, results[i]]))
    for (const [i, s] of waiting.entries()) {
      const position = told.get(s.openid)!.position
      expect(position).toBeGreaterThanOrEqual(1)
      expect(position).toBeLessThanOrEqual(i + 1)
    }

    // Three confirmed people leave: the first three waiting are promoted, in order, and told.
    const leaving = cloud.store.find('activitySignups', { activityId: a._id, status: 'confirmed' }).slice(0, 3)
    const outboxBefore = cloud.store.count('outbox')
    for (const s of leaving) await cloud.ok('activities', 'withdraw', { activityId: a._id }, s.openid)
    const promoted = waiting.slice(0, 3).map((s) => s.openid)
    for (const openid of promoted) expect(cloud.store.get('activitySignups', `${a._id}:${openid}`)!.status).toBe('confirmed')
    expect(cloud.store.get('activitySignups', `${a._id}:${waiting[3].openid}`)!.status).toBe('waiting')
    expect(cloud.store.get('activities', a._id)).toMatchObject({ confirmedCount: 50, waitingCount: 147 })
    const sent = cloud.store.find('outbox').slice(outboxBefore)
    expect(sent.map((m) => m.touser).sort()).toEqual([...promoted].sort())
    expect(sent.every((m) => m.templateId === 'tpl-activity-promoted')).toBe(true)
    // The fourth in line is now first.
    const fourth = await cloud.ok('activities', 'get', { activityId: a._id }, waiting[3].openid)
    expect(fourth.mySignUp).toEqual({ status: 'waiting', position: 1 })
  })

  test('parallel withdrawals and sign-ups never exceed the capacity nor lose a place', async () => {
    const a = await create('demo-staff', { capacity: 10 })
    const first = Array.from({ length: 20 }, (_, i) => `u-mix-a${i}`)
    const later = Array.from({ length: 20 }, (_, i) => `u-mix-b${i}`)
    ;[...first, ...later].forEach((p) => addUser(p))
    await Promise.all(first.map((p) => cloud.call('activities', 'signUp', { activityId: a._id }, p)))
    const confirmed = cloud.store.find('activitySignups', { activityId: a._id, status: 'confirmed' }).map((s) => s.openid)
    await Promise.all([
      ...confirmed.slice(0, 5).map((p) => cloud.call('activities', 'withdraw', { activityId: a._id }, p)),
      ...later.map((p) => cloud.call('activities', 'signUp', { activityId: a._id }, p))
    ])
    const doc = cloud.store.get('activities', a._id)!
    const confirmedNow = cloud.store.count('activitySignups', { activityId: a._id, status: 'confirmed' })
    const waitingNow = cloud.store.count('activitySignups', { activityId: a._id, status: 'waiting' })
    expect(confirmedNow).toBe(10)
    expect(doc.confirmedCount).toBe(10)
    expect(doc.waitingCount).toBe(waitingNow)
    expect(waitingNow).toBe(40 - 5 - 10)
    // The freed places went to the first wave's waiting list: nobody who came later jumped it.
    expect(cloud.store.count('activitySignups', { activityId: a._id, status: 'confirmed', openid: { $in: later } })).toBe(0)
    expect(cloud.store.count('activitySignups', { activityId: a._id, status: 'waiting', openid: { $in: first } })).toBe(5)
  })
})

describe('cancel and remind', () => {
  test('cancelling needs a reason, tells everyone signed up or waiting, and keeps the records', async () => {
    const a = await create('demo-staff', { capacity: 1 })
    addUser('u-cx-1')
    await cloud.ok('activities', 'signUp', { activityId: a._id }, 'demo-member')
    await cloud.ok('activities', 'signUp', { activityId: a._id }, 'u-cx-1')
    expect(await codeOf('activities', 'cancel', { activityId: a._id }, 'demo-staff')).toBe('INVALID_INPUT')
    expect(await codeOf('activities', 'cancel', { activityId: a._id, reason: '天气原因' }, 'demo-staff-2')).toBe('FORBIDDEN')
    expect(await codeOf('activities', 'cancel', { activityId: a._id, reason: '天气原因' }, 'demo-member')).toBe('FORBIDDEN')
    const before = cloud.store.count('outbox', { templateId: 'tpl-activity-cancelled' })
    expect(await cloud.ok('activities', 'cancel', { activityId: a._id, reason: '暴雨预警，活动取消' }, 'demo-staff')).toEqual({ notified: 2 })
    await deliverMessages(cloud)
    const told = cloud.store.find('outbox', { templateId: 'tpl-activity-cancelled' }).slice(before)
    expect(told.map((m) => m.touser).sort()).toEqual(['demo-member', 'u-cx-1'])
    expect(told[0].summary).toContain('暴雨预警')
    expect(cloud.store.get('activities', a._id)).toMatchObject({ status: 'cancelled', cancelReason: '暴雨预警，活动取消' })
    expect(cloud.store.count('activitySignups', { activityId: a._id, status: 'cancelled' })).toBe(2)
    expect(await codeOf('activities', 'cancel', { activityId: a._id, reason: '再取消一次' }, 'demo-staff')).toBe('CONFLICT')
    expect(await codeOf('activities', 'signUp', { activityId: a._id }, 'demo-resident')).toBe('CONFLICT')
    const listed = await cloud.ok('activities', 'list', { communityId: 'c1', pageSize: 100 }, 'demo-member')
    expect(listed.items.map((i: { _id: string }) => i._id)).not.toContain(a._id)
    const staffView = await cloud.ok('activities', 'list', { communityId: 'c1', includeCancelled: true, pageSize: 100 }, 'demo-staff')
    expect(staffView.items.find((i: { _id: string }) => i._id === a._id).phase).toBe('cancelled')
  })

  test('a reminder goes once to everyone confirmed', async () => {
    const a = await create('demo-staff', { capacity: 1 })
    addUser('u-rm-1')
    await cloud.ok('activities', 'signUp', { activityId: a._id }, 'demo-member')
    await cloud.ok('activities', 'signUp', { activityId: a._id }, 'u-rm-1')
    expect(await codeOf('activities', 'remind', { activityId: a._id }, 'demo-member')).toBe('FORBIDDEN')
    expect(await cloud.ok('activities', 'remind', { activityId: a._id }, 'demo-staff')).toEqual({ sent: 1, already: false })
    expect(await cloud.ok('activities', 'remind', { activityId: a._id }, 'demo-staff')).toEqual({ sent: 0, already: true })
    await deliverMessages(cloud)
    expect(cloud.store.find('outbox', { templateId: 'tpl-activity-reminder' }).map((m) => m.touser)).toEqual(['demo-member'])
  })
})

describe('roster', () => {
  test('the organiser sees names and masked mobile numbers; nobody else sees the roster', async () => {
    const a = await create('demo-staff', { capacity: 1 })
    await cloud.ok('activities', 'signUp', { activityId: a._id }, 'demo-member')
    await cloud.ok('activities', 'signUp', { activityId: a._id }, 'demo-resident')
    const roster = await cloud.ok('activities', 'roster', { activityId: a._id }, 'demo-staff')
    expect(roster.total).toBe(2)
    // Masked (issue #16): the full number only through the audited revealMobile (personal-data.test.ts).
    expect(roster.items[0]).toMatchObject({ name: '李明', mobile: '139****0002', status: 'confirmed' })
    const waiting = await cloud.ok('activities', 'roster', { activityId: a._id, status: 'waiting' }, 'demo-staff')
    expect(waiting.items).toEqual([expect.objectContaining({ name: '王秀兰', position: 1 })])
    for (const who of ['demo-member', 'demo-resident', 'demo-staff-2', 'demo-admin', 'demo-property']) {
      expect(await codeOf('activities', 'roster', { activityId: a._id }, who)).toBe('FORBIDDEN')
    }
    // A detail view never carries anyone's mobile number.
    const detail = await cloud.call('activities', 'get', { activityId: a._id }, 'demo-resident')
    expect(JSON.stringify(detail)).not.toContain('13900000002')
  })
})

describe('centre events (kind "event")', () => {
  beforeAll(() => {
    // An event at a centre takes one of its rooms (server/centers/events.ts): open centres, with rooms.
    const openingHours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, open: '08:00', close: '21:00' }))
    cloud.store.insertMany('centers', [
      { _id: 'ctr-test-1', name: '锦绣花园党建+邻里中心', communityId: 'c1', status: 'accepted', openingHours },
      { _id: 'ctr-test-2', name: '红旗社区党建+邻里中心', communityId: 'c2', status: 'accepted', openingHours }
    ])
    const room = (id: string, centerId: string) => ({ _id: id, centerId, name: '多功能厅', capacity: 50, slotMinutes: 60, active: true, code: id.toUpperCase() })
    cloud.store.insertMany('rooms', [room('rm-test-1', 'ctr-test-1'), room('rm-test-2', 'ctr-test-1'), room('rm-test-3', 'ctr-test-2')])
  })

  test('staff publish an event at their community’s centre; it is listed by kind and centre', async () => {
    const e = await create('demo-staff', { kind: 'event', centerId: 'ctr-test-1', roomId: 'rm-test-1', title: '物业政策宣讲会', category: '其他', capacity: 30, communityId: undefined })
    expect(e).toMatchObject({ kind: 'event', centerId: 'ctr-test-1', centerName: '锦绣花园党建+邻里中心', communityId: 'c1' })
    const listed = await cloud.ok('activities', 'list', { kind: 'event', centerId: 'ctr-test-1' }, 'demo-resident')
    expect(listed.items.map((i: { _id: string }) => i._id)).toEqual([e._id])
    expect(await codeOf('activities', 'create', { kind: 'event', centerId: 'ctr-test-2', roomId: 'rm-test-3', title: '观影', category: '其他', start: '2026-11-29 19:00', end: '2026-11-29 21:00', place: { name: '中心' }, capacity: 10 }, 'demo-staff')).toBe('FORBIDDEN')
    expect(await codeOf('activities', 'create', { kind: 'event', centerId: 'no-such-centre', roomId: 'rm-test-1', title: '观影', category: '其他', start: '2026-11-29 19:00', end: '2026-11-29 21:00', place: { name: '中心' }, capacity: 10 }, 'demo-staff')).toBe('NOT_FOUND')
    expect(await codeOf('activities', 'create', { kind: 'event', centerId: 'ctr-test-1', roomId: 'rm-test-1', communityId: 'c2', title: '观影', category: '其他', start: '2026-11-29 19:00', end: '2026-11-29 21:00', place: { name: '中心' }, capacity: 10 }, 'demo-staff')).toBe('INVALID_INPUT')
  })

  test('events have sign-up, a waiting list and check-in, but never service records or hours', async () => {
    const e = await create('demo-staff', { kind: 'event', centerId: 'ctr-test-1', roomId: 'rm-test-2', title: '邻里观影会', category: '其他', capacity: 1 })
    await cloud.ok('activities', 'signUp', { activityId: e._id }, 'demo-member')
    expect((await cloud.ok('activities', 'signUp', { activityId: e._id }, 'demo-resident')).status).toBe('waiting')
    const hoursBefore = await cloud.ok('activities', 'myHours', {}, 'demo-member')
    cloud.clock.set('2026-11-29T08:50:00+08:00')
    const { token } = await cloud.ok('activities', 'checkinCode', { activityId: e._id }, 'demo-staff')
    const first = await cloud.ok('activities', 'checkIn', { token }, 'demo-member')
    expect(first).toMatchObject({ kind: 'event', direction: 'in', already: false })
    expect((await cloud.ok('activities', 'checkIn', { token }, 'demo-member')).already).toBe(true)
    cloud.clock.set('2026-11-29T10:30:00+08:00')
    const { token: later } = await cloud.ok('activities', 'checkinCode', { activityId: e._id }, 'demo-staff')
    expect(await cloud.ok('activities', 'checkOut', { token: later }, 'demo-member')).toMatchObject({ direction: 'out', already: false })
    expect(cloud.store.count('serviceRecords', { activityId: e._id })).toBe(0)
    const signUp = cloud.store.get('activitySignups', `${e._id}:demo-member`)!
    expect(signUp.checkedInAt).toBeInstanceOf(Date)
    expect(signUp.checkedOutAt).toBeInstanceOf(Date)
    const hoursAfter = await cloud.ok('activities', 'myHours', {}, 'demo-member')
    expect(hoursAfter.verifiedMinutes).toBe(hoursBefore.verifiedMinutes)
    expect(hoursAfter.pendingMinutes).toBe(hoursBefore.pendingMinutes)
    expect(await codeOf('activities', 'records', { activityId: e._id }, 'demo-staff')).toBe('CONFLICT')
    const detail = await cloud.ok('activities', 'get', { activityId: e._id }, 'demo-staff')
    expect(detail.stats).toMatchObject({ checkedIn: 1, checkedOut: 1 })
    void HOUR
  })
})
