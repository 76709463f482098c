/**
 * 志愿者实名登记 (issue #16, "anyone fills any activity"): a place is held only by a known,
 * real-name person — a party member, or someone registered once with name, mobile and consent
 * (`activities.joinVolunteers`). A brand-new openid's sign-up answers REGISTRATION_REQUIRED and
 * changes nothing; ending the registration (`endVolunteerRegistration`, on withdrawing the consent)
 * withdraws the upcoming sign-ups; the organiser removes a bogus sign-up (`activities.removeSignUp`).
 * The clock starts at 2026-11-27 09:00 Asia/Shanghai.
 */
import type { Reply } from '../../contracts/reply'
import { endVolunteerRegistration } from '../../server/activities/volunteerRegistration'
import { loadCaller } from '../../server/core/identity'
import { startTestCloud, type TestCloud } from '../support/cloud'
import { createActivity } from '../support/activities'
import { addVolunteer, joinVolunteers } from '../support/volunteers'
import { closeWaitingClaims } from '../support/messages'

let cloud: TestCloud

beforeAll(async () => {
  cloud = await startTestCloud()
})
afterAll(() => cloud.close())

const START = '2026-11-27T09:00:00+08:00'
beforeEach(() => cloud.clock.set(START))

const create = (fields: Record<string, unknown> = {}, openid = 'demo-staff') => createActivity(cloud, openid, fields)

const codeOf = (reply: Reply<unknown>) => (reply.ok ? 'ok' : reply.error.code)

/** The activity's counters and open claims, and its sign-ups, as stored. */
function state(activityId: string) {
  const a = cloud.store.get('activities', activityId)!
  return {
    confirmedCount: a.confirmedCount,
    waitingCount: a.waitingCount,
    placesLeft: a.placesLeft,
    claims: Object.keys(a.claims ?? {}),
    signUps: cloud.store.count('activitySignups', { activityId })
  }
}

/** Counters equal the sign-ups, no claim is left open. */
function expectCountersAgree(activityId: string) {
  const a = cloud.store.get('activities', activityId)!
  const confirmed = cloud.store.count('activitySignups', { activityId, status: 'confirmed' })
  const waiting = cloud.store.count('activitySignups', { activityId, status: 'waiting' })
  expect({ confirmedCount: a.confirmedCount, placesLeft: a.placesLeft, waitingCount: a.waitingCount, claims: Object.keys(a.claims ?? {}) }).toEqual({
    confirmedCount: confirmed,
    placesLeft: a.capacity - confirmed,
    waitingCount: waiting,
    claims: []
  })
}

const statusOf = (activityId: string, openid: string) => cloud.store.get('activitySignups', `${activityId}:${openid}`)?.status

describe('sign-up needs a member or a registered volunteer', () => {
  test('a brand-new openid is answered REGISTRATION_REQUIRED, at no round trip beyond the shell, and nothing changes', async () => {
    const a = await create()
    const before = state(a._id)
    const { reply, stats } = await cloud.callWithStats('activities', 'signUp', { activityId: a._id }, 'vr-new-1')
    expect(reply).toEqual({ ok: false, error: { code: 'REGISTRATION_REQUIRED', message: '请先完成志愿者实名登记' } })
    // The shell reads the caller's users document and takes one unit of the sign-up's rate limit:
    // the registration check itself reads nothing.
    expect(stats.dbRequests).toBeLessThanOrEqual(2)
    expect(state(a._id)).toEqual(before)
    expect(before).toEqual({ confirmedCount: 0, waitingCount: 0, placesLeft: 5, claims: [], signUps: 0 })
    expect(cloud.store.get('users', 'vr-new-1')).toBeNull()
  })

  test('a resident with a users document but no registration is refused too', async () => {
    const a = await create()
    cloud.store.insertOne('users', { _id: 'vr-res-1', openid: 'vr-res-1', roles: [], scopes: { communityIds: [], companyIds: [], gridIds: [] }, profile: { communityId: 'c1', gridId: 'c1g1', buildingId: 'c1g1b1' } })
    expect(codeOf(await cloud.call('activities', 'signUp', { activityId: a._id }, 'vr-res-1'))).toBe('REGISTRATION_REQUIRED')
    expect(state(a._id).signUps).toBe(0)
  })

  test('after joinVolunteers the same person signs up; the registration is one users document with the consent recorded and a volunteer number', async () => {
    const a = await create()
    expect(codeOf(await cloud.call('activities', 'signUp', { activityId: a._id }, 'vr-new-2'))).toBe('REGISTRATION_REQUIRED')
    const joined = await cloud.ok('activities', 'joinVolunteers', { name: '  刘桂芳 ', mobile: '13812345678', consent: true }, 'vr-new-2')
    // No volunteer number yet: it is handed out at first need (here the personal code).
    expect(joined).toEqual({ volunteerNo: null, already: false })
    expect(cloud.store.get('users', 'vr-new-2')).toMatchObject({
      openid: 'vr-new-2',
      roles: [],
      profile: { name: '刘桂芳', mobile: '13812345678' },
      volunteerSince: expect.any(Date),
      volunteerMobile: '13812345678'
    })
    const consents = cloud.store.find('consents', { openid: 'vr-new-2' })
    expect(consents).toHaveLength(1)
    expect(consents[0]).toMatchObject({ purpose: 'volunteer', event: 'given', source: 'activities.joinVolunteers', policyVersion: expect.any(String) })
    expect(cloud.store.get('volunteers', 'vr-new-2')).toBeNull()
    const card = await cloud.ok('activities', 'memberCode', {}, 'vr-new-2')
    expect(card.volunteerNo).toMatch(/^SFQ\d{6}$/)
    expect(cloud.store.get('volunteers', 'vr-new-2')).toMatchObject({ volunteerNo: card.volunteerNo, name: '刘桂芳' })
    expect(await cloud.ok('activities', 'joinVolunteers', { name: '刘桂芳', mobile: '13812345678', consent: true }, 'vr-new-2')).toEqual({ volunteerNo: card.volunteerNo, already: true })

    expect(await cloud.ok('activities', 'signUp', { activityId: a._id }, 'vr-new-2')).toEqual({ status: 'confirmed', already: false })
    expect(cloud.store.get('activitySignups', `${a._id}:vr-new-2`)).toMatchObject({ name: '刘桂芳', mobile: '13812345678', status: 'confirmed' })
    expect(state(a._id)).toMatchObject({ confirmedCount: 1, placesLeft: 4, claims: [], signUps: 1 })
  })

  test('50 brand-new openids at once cannot fill an activity; a registered volunteer still gets a place', async () => {
    const a = await create({ capacity: 5 })
    const crowd = Array.from({ length: 50 }, (_, i) => `vr-crowd-${i}`)
    const replies = await Promise.all(crowd.map((p) => cloud.call('activities', 'signUp', { activityId: a._id }, p)))
    expect(replies.map(codeOf)).toEqual(crowd.map(() => 'REGISTRATION_REQUIRED'))
    expect(state(a._id)).toEqual({ confirmedCount: 0, waitingCount: 0, placesLeft: 5, claims: [], signUps: 0 })
    expect(cloud.store.count('users', { _id: { $in: crowd } })).toBe(0)
    await joinVolunteers(cloud, 'vr-real-1', { name: '周建国' })
    expect((await cloud.ok('activities', 'signUp', { activityId: a._id }, 'vr-real-1')).status).toBe('confirmed')
    expectCountersAgree(a._id)
  })

  test('a party member signs up without joining', async () => {
    const a = await create()
    expect(cloud.store.get('users', 'demo-member')!.volunteerSince).toBeUndefined()
    expect((await cloud.ok('activities', 'signUp', { activityId: a._id }, 'demo-member')).status).toBe('confirmed')
  })
})

describe('joinVolunteers', () => {
  test('is idempotent and never overwrites a member’s registered name or mobile', async () => {
    cloud.store.insertOne('users', {
      _id: 'vr-member-1',
      openid: 'vr-member-1',
      roles: ['member'],
      scopes: { communityIds: [], companyIds: [], gridIds: [] },
      profile: { name: '孙立新', mobile: '13700001111', communityId: 'c1', gridId: 'c1g1' }
    })
    const first = await cloud.ok('activities', 'joinVolunteers', { name: '别的名字', mobile: '13900009999', consent: true }, 'vr-member-1')
    expect(first.already).toBe(false)
    const second = await cloud.ok('activities', 'joinVolunteers', { name: '又一个名字', mobile: '13900008888', consent: true }, 'vr-member-1')
    expect(second).toEqual({ volunteerNo: first.volunteerNo, already: true })
    const user = cloud.store.get('users', 'vr-member-1')!
    expect(user.profile).toEqual({ name: '孙立新', mobile: '13700001111', communityId: 'c1', gridId: 'c1g1' })
    expect(user.volunteerSince).toEqual(expect.any(Date))
    expect(user.volunteerMobile).toBeUndefined()
    expect(cloud.store.count('consents', { openid: 'vr-member-1', purpose: 'volunteer' })).toBe(1)
    expect(cloud.store.count('volunteers', { _id: 'vr-member-1' })).toBe(0)
  })

  test('round trips (issue #15): a first join is the read, the rate unit, the consent and the users write; again, the read and the rate unit', async () => {
    // No users document yet (the users document is added).
    const fresh = await cloud.callWithStats('activities', 'joinVolunteers', { name: '许文华', mobile: '13811110001', consent: true }, 'vr-rt-1')
    expect(fresh.reply).toEqual({ ok: true, data: { volunteerNo: null, already: false } })
    expect(fresh.stats.dbRequests).toBeLessThanOrEqual(4)
    // A users document already there (an address set first: the users document is updated).
    cloud.store.insertOne('users', { _id: 'vr-rt-2', openid: 'vr-rt-2', roles: [], scopes: { communityIds: [], companyIds: [], gridIds: [] }, profile: { communityId: 'c1', gridId: 'c1g1' } })
    const known = await cloud.callWithStats('activities', 'joinVolunteers', { name: '许文丽', mobile: '13811110002', consent: true }, 'vr-rt-2')
    expect(known.reply.ok).toBe(true)
    expect(known.stats.dbRequests).toBeLessThanOrEqual(4)
    const again = await cloud.callWithStats('activities', 'joinVolunteers', { name: '许文丽', mobile: '13811110002', consent: true }, 'vr-rt-2')
    expect(again.reply).toEqual({ ok: true, data: { volunteerNo: null, already: true } })
    expect(again.stats.dbRequests).toBeLessThanOrEqual(2)
    expect(cloud.store.get('users', 'vr-rt-2')).toMatchObject({ profile: { name: '许文丽', mobile: '13811110002', communityId: 'c1', gridId: 'c1g1' }, volunteerSince: expect.any(Date) })
  })

  test('two phones of one person at once: both answered, one registration', async () => {
    const input = { name: '何志明', mobile: '13811110003', consent: true }
    const both = await Promise.all([1, 2].map(() => cloud.callWithStats('activities', 'joinVolunteers', input, 'vr-twice-1')))
    for (const { reply, stats } of both) {
      expect(reply).toMatchObject({ ok: true, data: { volunteerNo: null } })
      // The read, the consent, the users write (the second finds the document added: its update) and
      // the rate unit (two at the same instant in a new window: one insert and one update today).
      expect(stats.dbRequests).toBeLessThanOrEqual(6)
    }
    expect(cloud.store.find('users', { _id: 'vr-twice-1' })).toHaveLength(1)
    expect(cloud.store.get('users', 'vr-twice-1')).toMatchObject({ profile: { name: '何志明', mobile: '13811110003' }, volunteerSince: expect.any(Date), volunteerMobile: '13811110003' })
    expect(cloud.store.count('consents', { openid: 'vr-twice-1', purpose: 'volunteer', event: 'given' })).toBeGreaterThanOrEqual(1)
    expect(cloud.store.get('volunteers', 'vr-twice-1')).toBeNull()
  })

  test('a number handed out before joining (the personal code opened first) is kept, gets the name, and stays after the registration ends and starts again', async () => {
    const card = await cloud.ok('activities', 'memberCode', {}, 'vr-code-first')
    expect(cloud.store.get('volunteers', 'vr-code-first')).toMatchObject({ volunteerNo: card.volunteerNo, name: '志愿者' })
    const joined = await cloud.ok('activities', 'joinVolunteers', { name: '邓丽君', mobile: '13811110004', consent: true }, 'vr-code-first')
    expect(joined).toEqual({ volunteerNo: card.volunteerNo, already: false })
    expect(cloud.store.get('volunteers', 'vr-code-first')).toMatchObject({ volunteerNo: card.volunteerNo, name: '邓丽君' })
    await endVolunteerRegistration(await loadCaller('vr-code-first'))
    expect(await cloud.ok('activities', 'joinVolunteers', { name: '邓丽君', mobile: '13811110005', consent: true }, 'vr-code-first')).toEqual({ volunteerNo: card.volunteerNo, already: false })
    expect(cloud.store.count('volunteers', { _id: 'vr-code-first' })).toBe(1)
  })

  test('a profile without a mobile needs one; a profile with one keeps it and needs none', async () => {
    // A resident who set their address first (users document without name or mobile).
    cloud.store.insertOne('users', { _id: 'vr-addr-1', openid: 'vr-addr-1', roles: [], scopes: { communityIds: [], companyIds: [], gridIds: [] }, profile: { communityId: 'c1', gridId: 'c1g1', buildingId: 'c1g1b1' } })
    const missing = await cloud.call('activities', 'joinVolunteers', { name: '钱多多', consent: true }, 'vr-addr-1')
    expect(missing).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fields: ['mobile'] } })
    expect(cloud.store.get('users', 'vr-addr-1')!.volunteerSince).toBeUndefined()
    await cloud.ok('activities', 'joinVolunteers', { name: '钱多多', mobile: '13655556666', consent: true }, 'vr-addr-1')
    // The address stays; name and mobile are added.
    expect(cloud.store.get('users', 'vr-addr-1')).toMatchObject({
      profile: { name: '钱多多', mobile: '13655556666', communityId: 'c1', gridId: 'c1g1', buildingId: 'c1g1b1' },
      volunteerMobile: '13655556666'
    })
    // Staff (no member role) with a registered mobile: none needed, theirs is kept.
    await cloud.ok('activities', 'joinVolunteers', { name: '张敏', consent: true }, 'demo-staff')
    expect(cloud.store.get('users', 'demo-staff')).toMatchObject({ profile: { name: '张敏', mobile: '13900000003' }, volunteerSince: expect.any(Date) })
    expect(cloud.store.get('users', 'demo-staff')!.volunteerMobile).toBeUndefined()
  })

  test('the consent is recorded before the registration: a failed consent write leaves nothing registered, and the retry records it', async () => {
    const insertBatch = cloud.store.insertBatch.bind(cloud.store)
    let failed = 0
    cloud.store.insertBatch = ((coll: string, docs: any, options: any) => {
      if (coll === 'consents' && failed === 0) {
        failed++
        throw new Error('injected: consent write failed')
      }
      return insertBatch(coll, docs, options)
    }) as typeof cloud.store.insertBatch
    try {
      const first = await cloud.call('activities', 'joinVolunteers', { name: '吴小燕', mobile: '13811112222', consent: true }, 'vr-retry-1')
      expect(first.ok).toBe(false)
    } finally {
      cloud.store.insertBatch = insertBatch
    }
    expect(failed).toBe(1)
    expect(cloud.store.get('users', 'vr-retry-1')?.volunteerSince).toBeUndefined()
    const retry = await cloud.ok('activities', 'joinVolunteers', { name: '吴小燕', mobile: '13811112222', consent: true }, 'vr-retry-1')
    expect(retry.already).toBe(false)
    expect(cloud.store.get('users', 'vr-retry-1')).toMatchObject({ volunteerSince: expect.any(Date), volunteerMobile: '13811112222' })
    expect(cloud.store.count('consents', { openid: 'vr-retry-1', purpose: 'volunteer', event: 'given' })).toBe(1)
  })

  test('withdrawing after 报到 was approved keeps the member’s own number (only the number given at joining goes)', async () => {
    await cloud.ok('activities', 'joinVolunteers', { name: '冯志强', mobile: '13822223333', consent: true }, 'vr-later-member')
    // The approval of 报到 (grantMember) replaces the profile with the registered number and gives the role.
    cloud.store.updateOne('users', { _id: 'vr-later-member' }, { $set: { 'profile.mobile': '13744445555', roles: ['member'] } })
    cloud.store.insertOne('activitySignups', { _id: 'vr-old-act:vr-later-member', activityId: 'vr-old-act', openid: 'vr-later-member', name: '冯志强', mobile: '13822223333', status: 'checked_in', history: [] })
    cloud.store.insertOne('activitySignups', { _id: 'vr-old-act-2:vr-later-member', activityId: 'vr-old-act-2', openid: 'vr-later-member', name: '冯志强', mobile: '13744445555', status: 'checked_in', history: [] })
    const out = await cloud.ok('users', 'withdrawConsent', { purpose: 'volunteer' }, 'vr-later-member')
    expect(out.done[0]).toBe('志愿者登记已结束，登记的手机号已删除')
    const user = cloud.store.get('users', 'vr-later-member')!
    expect(user.profile.mobile).toBe('13744445555')
    expect(user.volunteerSince).toBeUndefined()
    expect(user.volunteerMobile).toBeUndefined()
    expect(cloud.store.get('activitySignups', 'vr-old-act:vr-later-member')!.mobile).toBeUndefined()
    expect(cloud.store.get('activitySignups', 'vr-old-act-2:vr-later-member')!.mobile).toBe('13744445555')
  })

  test('refuses without consent, with a bad mobile or name, and with a blocked name — writing nothing', async () => {
    const bad = [
      { name: '赵小兰', mobile: '13812340000' },
      { name: '赵小兰', mobile: '13812340000', consent: false },
      { name: '赵小兰', mobile: '12345', consent: true },
      { name: '赵', mobile: '13812340000', consent: true },
      { name: '赌博大王', mobile: '13812340000', consent: true }
    ]
    for (const input of bad) {
      const reply = await cloud.call('activities', 'joinVolunteers', input, 'vr-bad-1')
      expect(codeOf(reply)).toBe('INVALID_INPUT')
    }
    const noConsent = await cloud.call('activities', 'joinVolunteers', bad[0], 'vr-bad-1')
    expect(noConsent.ok ? '' : noConsent.error.message).toBe('请阅读并同意志愿者登记的个人信息使用说明')
    expect(cloud.store.get('users', 'vr-bad-1')).toBeNull()
    expect(cloud.store.count('consents', { openid: 'vr-bad-1' })).toBe(0)
    expect(cloud.store.get('volunteers', 'vr-bad-1')).toBeNull()
  })

  test('an anonymous caller cannot join', async () => {
    expect(codeOf(await cloud.call('activities', 'joinVolunteers', { name: '匿名', mobile: '13812340001', consent: true }))).toBe('UNAUTHENTICATED')
  })
})

describe('endVolunteerRegistration', () => {
  test('withdraws the upcoming sign-ups (counters right, the first waiting promoted), keeps past ones, erases the registered mobile', async () => {
    const person = await joinVolunteers(cloud, 'vr-end-1', { name: '吴秀英', mobile: '13811112222' })
    const waiter = addVolunteer(cloud, 'vr-end-wait', { name: '候补人' })
    const other = addVolunteer(cloud, 'vr-end-other', { name: '另一人' })
    // Upcoming, full: the person holds a place, someone waits.
    const full = await create({ capacity: 2 })
    await cloud.ok('activities', 'signUp', { activityId: full._id }, person)
    await cloud.ok('activities', 'signUp', { activityId: full._id }, other)
    expect((await cloud.ok('activities', 'signUp', { activityId: full._id }, waiter)).status).toBe('waiting')
    // Upcoming, past its deadline (a confirmed place the person could no longer give back online).
    const closing = await create({ start: '2026-11-27 15:00', end: '2026-11-27 17:00', signUpDeadline: '2026-11-27 10:00' })
    await cloud.ok('activities', 'signUp', { activityId: closing._id }, person)
    // Waiting on another upcoming one.
    const tiny = await create({ capacity: 1, start: '2026-11-30 09:00', end: '2026-11-30 11:00', signUpDeadline: '2026-11-29 18:00' })
    await cloud.ok('activities', 'signUp', { activityId: tiny._id }, other)
    expect((await cloud.ok('activities', 'signUp', { activityId: tiny._id }, person)).status).toBe('waiting')
    // Past: taken part in already (started before the registration ends).
    const past = await create({ start: '2026-11-27 12:00', end: '2026-11-27 13:00', signUpDeadline: '2026-11-27 11:00' })
    await cloud.ok('activities', 'signUp', { activityId: past._id }, person)

    cloud.clock.set('2026-11-27T12:30:00+08:00')
    const outboxBefore = cloud.store.count('outbox')
    const result = await endVolunteerRegistration(await loadCaller(person))
    expect(result).toEqual({ withdrawnSignUps: 3, mobileErased: true })

    expect(statusOf(full._id, person)).toBe('withdrawn')
    expect(statusOf(full._id, waiter)).toBe('confirmed')
    expect(cloud.store.find('outbox').slice(outboxBefore).map((m) => m.touser)).toEqual([waiter])
    expect(statusOf(closing._id, person)).toBe('withdrawn')
    expect(statusOf(tiny._id, person)).toBe('withdrawn')
    expect(statusOf(past._id, person)).toBe('confirmed')
    await closeWaitingClaims(cloud, full._id, closing._id, tiny._id, past._id)
    for (const a of [full, closing, tiny, past]) expectCountersAgree(a._id)
    expect(cloud.store.get('activities', full._id)).toMatchObject({ confirmedCount: 2, waitingCount: 0 })
    expect(cloud.store.get('activities', tiny._id)).toMatchObject({ confirmedCount: 1, waitingCount: 0 })
    const entry = cloud.store.get('activitySignups', `${full._id}:${person}`)!.history.at(-1)
    expect(entry).toMatchObject({ by: 'system', action: '登记结束（撤回同意或注销账号），报名取消', released: 'confirmed' })

    // The registration is gone, and with it the mobile given at it (also on the sign-ups); the name stays.
    const user = cloud.store.get('users', person)!
    expect(user.volunteerSince).toBeUndefined()
    expect(user.volunteerMobile).toBeUndefined()
    expect(user.profile).toEqual({ name: '吴秀英' })
    expect(cloud.store.count('activitySignups', { openid: person, mobile: { $exists: true } })).toBe(0)
    expect(cloud.store.get('activitySignups', `${past._id}:${person}`)).toMatchObject({ name: '吴秀英', status: 'confirmed' })
    // No new sign-up until they register again.
    const next = await create({ start: '2026-12-02 09:00', end: '2026-12-02 11:00', signUpDeadline: '2026-12-01 18:00' })
    expect(codeOf(await cloud.call('activities', 'signUp', { activityId: next._id }, person))).toBe('REGISTRATION_REQUIRED')
    await cloud.ok('activities', 'joinVolunteers', { name: '吴秀英', mobile: '13811113333', consent: true }, person)
    expect((await cloud.ok('activities', 'signUp', { activityId: next._id }, person)).status).toBe('confirmed')
  })

  test('a member keeps their sign-ups and their registered mobile', async () => {
    const member = 'vr-end-member'
    cloud.store.insertOne('users', { _id: member, openid: member, roles: ['member'], scopes: { communityIds: [], companyIds: [], gridIds: [] }, profile: { name: '郑党员', mobile: '13722223333', communityId: 'c1' } })
    await cloud.ok('activities', 'joinVolunteers', { name: '郑党员', consent: true }, member)
    const a = await create()
    await cloud.ok('activities', 'signUp', { activityId: a._id }, member)
    expect(await endVolunteerRegistration(await loadCaller(member))).toEqual({ withdrawnSignUps: 0, mobileErased: false })
    expect(statusOf(a._id, member)).toBe('confirmed')
    const user = cloud.store.get('users', member)!
    expect(user.profile.mobile).toBe('13722223333')
    expect(user.volunteerSince).toBeUndefined()
    expect(cloud.store.get('activitySignups', `${a._id}:${member}`)!.mobile).toBe('13722223333')
  })
})

describe('removeSignUp (the organiser against bogus sign-ups)', () => {
  test('only the activity’s organiser removes; the place goes to the first waiting; the person is told; audited', async () => {
    const a = await create({ capacity: 1 })
    const bogus = addVolunteer(cloud, 'vr-bogus-1', { name: '乱报名' })
    const waiting = addVolunteer(cloud, 'vr-rm-wait', { name: '排队人' })
    await cloud.ok('activities', 'signUp', { activityId: a._id }, bogus)
    expect((await cloud.ok('activities', 'signUp', { activityId: a._id }, waiting)).status).toBe('waiting')
    const input = { activityId: a._id, openid: bogus, reason: '重复报名，名额让给候补' }
    for (const who of ['demo-staff-2', 'demo-admin', 'demo-member', 'demo-resident', bogus]) {
      expect([who, codeOf(await cloud.call('activities', 'removeSignUp', input, who))]).toEqual([who, 'FORBIDDEN'])
    }
    expect(statusOf(a._id, bogus)).toBe('confirmed')
    expect(cloud.store.count('auditLogs', { action: 'activities.removeSignUp' })).toBe(0)

    const outboxBefore = cloud.store.count('outbox')
    expect(await cloud.ok('activities', 'removeSignUp', input, 'demo-staff')).toEqual({ status: 'withdrawn', promoted: 1 })
    expect(statusOf(a._id, bogus)).toBe('withdrawn')
    expect(statusOf(a._id, waiting)).toBe('confirmed')
    await closeWaitingClaims(cloud, a._id)
    expectCountersAgree(a._id)
    expect(cloud.store.get('activitySignups', `${a._id}:${bogus}`)!.history.at(-1)).toMatchObject({
      by: 'demo-staff',
      byName: '张敏',
      action: '组织者移除报名',
      note: '重复报名，名额让给候补',
      released: 'confirmed'
    })
    const sent = cloud.store.find('outbox').slice(outboxBefore)
    expect(sent.map((m) => m.touser).sort()).toEqual([bogus, waiting].sort())
    expect(sent.find((m) => m.touser === bogus)!.summary).toContain('重复报名，名额让给候补')
    const logs = cloud.store.find('auditLogs', { action: 'activities.removeSignUp' })
    expect(logs).toHaveLength(1)
    expect(logs[0]).toMatchObject({ actor: 'demo-staff', communityId: 'c1', target: { collection: 'activitySignups', id: `${a._id}:${bogus}`, label: '乱报名' }, detail: { reason: '重复报名，名额让给候补', released: 'confirmed' } })

    // Again: nothing changes, nothing is told or audited twice.
    expect(await cloud.ok('activities', 'removeSignUp', input, 'demo-staff')).toEqual({ status: 'withdrawn', promoted: 0 })
    expect(cloud.store.count('auditLogs', { action: 'activities.removeSignUp' })).toBe(1)
    expect(cloud.store.count('outbox')).toBe(outboxBefore + 2)
  })

  test('works after the deadline, not once the activity started nor after a check-in; needs a reason; someone not signed up is NOT_FOUND', async () => {
    const a = await create({ start: '2026-11-27 15:00', end: '2026-11-27 17:00', signUpDeadline: '2026-11-27 10:00' })
    const late = addVolunteer(cloud, 'vr-rm-late', { name: '晚到者' })
    const stays = addVolunteer(cloud, 'vr-rm-stays', { name: '留下者' })
    await cloud.ok('activities', 'signUp', { activityId: a._id }, late)
    await cloud.ok('activities', 'signUp', { activityId: a._id }, stays)
    cloud.clock.set('2026-11-27T11:00:00+08:00')
    expect(codeOf(await cloud.call('activities', 'removeSignUp', { activityId: a._id, openid: late, reason: '' }, 'demo-staff'))).toBe('INVALID_INPUT')
    expect(codeOf(await cloud.call('activities', 'removeSignUp', { activityId: a._id, openid: late, reason: '赌博广告' }, 'demo-staff'))).toBe('INVALID_INPUT')
    expect(codeOf(await cloud.call('activities', 'removeSignUp', { activityId: a._id, openid: 'vr-nobody', reason: '无此人' }, 'demo-staff'))).toBe('NOT_FOUND')
    expect(statusOf(a._id, late)).toBe('confirmed')
    expect(await cloud.ok('activities', 'removeSignUp', { activityId: a._id, openid: late, reason: '虚假报名' }, 'demo-staff')).toEqual({ status: 'withdrawn', promoted: 0 })
    // Check-in opens an hour before the start.
    cloud.clock.set('2026-11-27T14:30:00+08:00')
    const { token } = await cloud.ok('activities', 'checkinCode', { activityId: a._id }, 'demo-staff')
    await cloud.ok('activities', 'checkIn', { token, activityId: a._id }, stays)
    expect(codeOf(await cloud.call('activities', 'removeSignUp', { activityId: a._id, openid: stays, reason: '虚假报名' }, 'demo-staff'))).toBe('CONFLICT')
    cloud.clock.set('2026-11-27T15:30:00+08:00')
    expect(codeOf(await cloud.call('activities', 'removeSignUp', { activityId: a._id, openid: stays, reason: '虚假报名' }, 'demo-staff'))).toBe('CONFLICT')
    expect(statusOf(a._id, stays)).toBe('confirmed')
    expectCountersAgree(a._id)
  })
})
