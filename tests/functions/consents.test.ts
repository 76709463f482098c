/**
 * Consent records (issue #16, 个人信息保护法 第十四条): a resident's mobile goes onto a ticket, a
 * booking or a wish only when they tick "允许处理人员拨打我的手机" (`shareMobile: true`), and that
 * consent is recorded (collection `consents`: purpose, the privacy rules' version, the time, the
 * action). Without it the stored number is null and nobody can reveal one. The other consents —
 * 报到 (registration), the certificate's identity document, the ranking by name — are recorded
 * where they are given; turning the ranking off records a withdrawal.
 */
import type { BookingView, RoomView } from '../../contracts/centers'
import { PRIVACY_POLICY_VERSION } from '../../contracts/privacy'
import { statesOf, type ConsentEvent } from '../../server/core/consents'
import { startTestCloud, type TestCloud } from '../support/cloud'

let cloud: TestCloud
const START = '2026-11-27T09:00:00+08:00'
const MONDAY = '2026-11-30'

beforeAll(async () => {
  cloud = await startTestCloud({ start: START })
  cloud.store.insertMany('users', [
    resident('cs-1', '周凤兰', '13800001001'),
    resident('cs-2', '钱大爷', '13800001002'),
    resident('cs-3', '孙阿婆', '13800001003'),
    // Registered without a mobile: ticking the box cannot put a number anywhere.
    resident('cs-nomobile', '郑奶奶')
  ])
})
afterAll(() => cloud.close())
beforeEach(() => cloud.clock.set(START))

function resident(openid: string, name: string, mobile?: string) {
  return {
    _id: openid,
    openid,
    roles: [],
    scopes: { communityIds: [], companyIds: [], gridIds: [] },
    profile: { name, ...(mobile ? { mobile } : {}), communityId: 'c1', gridId: 'c1g1', buildingId: 'c1g1b1' }
  }
}

const codeOf = async (fn: string, action: string, input: object, openid?: string) => {
  const reply = await cloud.call(fn, action, input, openid)
  return reply.ok ? 'ok' : reply.error.code
}
const messageOf = async (fn: string, action: string, input: object, openid?: string) => {
  const reply = await cloud.call(fn, action, input, openid)
  return reply.ok ? 'ok' : reply.error.message
}
const consents = (query: Record<string, unknown>) => cloud.store.find('consents', query)

const ticket = (openid: string, extra: object = {}) =>
  cloud.ok('tickets', 'create', { category: 'drain', description: '1号楼门口下水道堵塞，污水漫到路面', gridId: 'c1g1', buildingId: 'c1g1b1', ...extra }, openid)
const wish = (openid: string, extra: object = {}) => cloud.ok('wishes', 'create', { category: 'shopping', title: '帮忙买一周的菜和药', ...extra }, openid)

let roomSeq = 0
const newRoom = () =>
  cloud.ok<RoomView>('centers', 'saveRoom', { centerId: 'ctr-c1g1', name: `同意测试室${++roomSeq}`, capacity: 20, slotMinutes: 60, weeklyQuota: 5, maxSlots: 3, needsApproval: true }, 'demo-staff')
const booking = (roomId: string, hour: number, openid: string, extra: object = {}) =>
  cloud.ok<BookingView>('centers', 'book', { roomId, start: `${MONDAY} ${String(hour).padStart(2, '0')}:00`, slots: 1, purpose: '楼栋议事会', attendees: 6, ...extra }, openid)

describe('contact: the mobile goes onto a ticket, booking or wish only with consent', () => {
  test('without shareMobile nothing is copied, nothing is recorded, and revealMobile has no number to give', async () => {
    const room = await newRoom()
    const t = await ticket('cs-1')
    const b = await booking(room.id, 10, 'cs-1')
    const w = await wish('cs-1', { shareMobile: false })

    expect(cloud.store.get('tickets', t._id)).toMatchObject({ reporterOpenid: 'cs-1', reporterMobile: null })
    expect(cloud.store.get('bookings', b.id)).toMatchObject({ openid: 'cs-1', bookerMobile: null })
    expect(cloud.store.get('wishes', w._id)).toMatchObject({ residentOpenid: 'cs-1', residentMobile: null })
    expect(JSON.stringify([cloud.store.get('tickets', t._id), cloud.store.get('bookings', b.id), cloud.store.get('wishes', w._id)])).not.toContain('13800001001')
    expect(consents({ openid: 'cs-1' })).toHaveLength(0)

    // The handling parties see no masked number either, and revealing answers 对方未登记手机号 (nothing audited).
    expect((await cloud.ok('tickets', 'get', { ticketId: t._id }, 'demo-property')).reporter).toEqual({ name: '周凤兰' })
    const queue = await cloud.ok('centers', 'bookings', { centerId: 'ctr-c1g1', status: 'pending', pageSize: 100 }, 'demo-staff')
    expect(queue.items.find((x: BookingView) => x.id === b.id)).toMatchObject({ bookerName: '周凤兰' })
    expect(queue.items.find((x: BookingView) => x.id === b.id).bookerMobile).toBeUndefined()
    expect((await cloud.ok('wishes', 'get', { wishId: w._id }, 'demo-staff')).residentMobile).toBeUndefined()
    const audits = () => cloud.store.count('auditLogs', { actor: { $in: ['demo-property', 'demo-staff'] } })
    const before = audits()
    for (const [fn, input, who] of [
      ['tickets', { ticketId: t._id }, 'demo-property'],
      ['centers', { bookingId: b.id }, 'demo-staff'],
      ['wishes', { wishId: w._id }, 'demo-staff']
    ] as const) {
      expect(await codeOf(fn, 'revealMobile', input, who)).toBe('NOT_FOUND')
      expect(await messageOf(fn, 'revealMobile', input, who)).toBe('对方未登记手机号')
    }
    expect(audits()).toBe(before)
  })

  test('with shareMobile: true the number is stored and a contact consent is recorded with the policy version and the action', async () => {
    const room = await newRoom()
    const t = await ticket('cs-2', { shareMobile: true })
    const b = await booking(room.id, 11, 'cs-2', { shareMobile: true })
    const w = await wish('cs-2', { shareMobile: true })

    expect(cloud.store.get('tickets', t._id)).toMatchObject({ reporterMobile: '13800001002' })
    expect(cloud.store.get('bookings', b.id)).toMatchObject({ bookerMobile: '13800001002' })
    expect(cloud.store.get('wishes', w._id)).toMatchObject({ residentMobile: '13800001002' })

    const records = consents({ openid: 'cs-2' })
    expect(records).toHaveLength(3)
    for (const source of ['tickets.create', 'centers.book', 'wishes.create']) {
      expect(consents({ openid: 'cs-2', source })).toEqual([
        expect.objectContaining({ openid: 'cs-2', purpose: 'contact', event: 'given', policyVersion: PRIVACY_POLICY_VERSION, source })
      ])
    }
    expect(records.every((r) => new Date(r.at as Date).getTime() === Date.parse(START))).toBe(true)

    // Staff see the masked number and reach the full one through the audited revealMobile.
    expect((await cloud.ok('tickets', 'get', { ticketId: t._id }, 'demo-property')).reporter).toEqual({ name: '钱大爷', mobile: '138****1002' })
    expect(await cloud.ok('tickets', 'revealMobile', { ticketId: t._id }, 'demo-property')).toEqual({ mobile: '13800001002' })
    expect(await cloud.ok('wishes', 'revealMobile', { wishId: w._id }, 'demo-staff')).toEqual({ mobile: '13800001002' })
  })

  test('a number nobody registered is not invented: shareMobile with no mobile stores null and records nothing', async () => {
    const room = await newRoom()
    const t = await ticket('cs-nomobile', { shareMobile: true })
    const b = await booking(room.id, 12, 'cs-nomobile', { shareMobile: true })
    const w = await wish('cs-nomobile', { shareMobile: true })
    expect(cloud.store.get('tickets', t._id)!.reporterMobile).toBeNull()
    expect(cloud.store.get('bookings', b.id)!.bookerMobile).toBeNull()
    expect(cloud.store.get('wishes', w._id)!.residentMobile).toBeNull()
    expect(consents({ openid: 'cs-nomobile' })).toHaveLength(0)
  })

  test('a booking whose slot is taken records no consent (the consent is part of the booking transaction)', async () => {
    const room = await newRoom()
    await booking(room.id, 14, 'cs-2')
    const before = consents({ openid: 'cs-3' }).length
    expect(await codeOf('centers', 'book', { roomId: room.id, start: `${MONDAY} 14:00`, slots: 1, purpose: '楼栋议事会', attendees: 6, shareMobile: true }, 'cs-3')).toBe('CONFLICT')
    expect(consents({ openid: 'cs-3' })).toHaveLength(before)
  })
})

describe('centers.revealMobile: the booker’s full number to the centre’s managers, audited', () => {
  test('masked in the staff lists; only staff of the community and the district admin reveal it; each view is logged', async () => {
    const room = await newRoom()
    const b = await booking(room.id, 15, 'cs-3', { shareMobile: true })
    const queue = await cloud.ok('centers', 'bookings', { centerId: 'ctr-c1g1', status: 'pending', pageSize: 100 }, 'demo-staff')
    expect(queue.items.find((x: BookingView) => x.id === b.id)).toMatchObject({ bookerName: '孙阿婆', bookerMobile: '138****1003' })
    expect(JSON.stringify(queue)).not.toContain('13800001003')
    // The booker's own view carries no number.
    expect(JSON.stringify(await cloud.ok('centers', 'myBookings', {}, 'cs-3'))).not.toContain('1003')

    const audits = () => cloud.store.count('auditLogs', { action: 'centers.viewMobile', 'target.id': b.id })
    for (const who of ['cs-3', 'demo-resident', 'demo-member', 'demo-property', 'demo-committee']) {
      expect(await codeOf('centers', 'revealMobile', { bookingId: b.id }, who)).toBe('FORBIDDEN')
    }
    expect(await codeOf('centers', 'revealMobile', { bookingId: b.id }, 'demo-staff-2')).toBe('FORBIDDEN')
    expect(await codeOf('centers', 'revealMobile', { bookingId: b.id })).toBe('UNAUTHENTICATED')
    expect(await codeOf('centers', 'revealMobile', {}, 'demo-staff')).toBe('INVALID_INPUT')
    expect(await codeOf('centers', 'revealMobile', { bookingId: 'bk-nope' }, 'demo-staff')).toBe('NOT_FOUND')
    expect(audits()).toBe(0)

    expect(await cloud.ok('centers', 'revealMobile', { bookingId: b.id }, 'demo-staff')).toEqual({ mobile: '13800001003' })
    expect(await cloud.ok('centers', 'revealMobile', { bookingId: b.id }, 'demo-admin')).toEqual({ mobile: '13800001003' })
    expect(audits()).toBe(2)
    expect(cloud.store.findOne('auditLogs', { action: 'centers.viewMobile', actor: 'demo-staff', 'target.id': b.id })).toMatchObject({
      actorRoles: expect.arrayContaining(['staff']),
      target: { collection: 'bookings', id: b.id, label: '孙阿婆' },
      communityId: 'c1',
      detail: { whose: 'cs-3', reason: '中心联系预约人' }
    })
  })
})

describe('the other consents are recorded where they are given', () => {
  test('报到 (members.register): a registration consent beside consentAt', async () => {
    const scene = (await cloud.ok('qrcodes', 'community', { communityId: 'c1' }, 'demo-staff')).scene
    const form = {
      scene,
      name: '刘志远',
      mobile: '13600009001',
      workUnit: '市第一人民医院',
      partyOrg: '市一院党委第二党支部',
      gridId: 'c1g2',
      buildingId: 'c1g2b3',
      unit: '2',
      room: '502',
      consent: true
    }
    const out = await cloud.ok('members', 'register', form, 'cs-reg')
    expect(cloud.store.get('registrations', out.registration.id)!.consentAt).toBeInstanceOf(Date)
    expect(consents({ openid: 'cs-reg' })).toEqual([
      expect.objectContaining({ purpose: 'registration', event: 'given', policyVersion: PRIVACY_POLICY_VERSION, source: 'members.register' })
    ])
    // Editing the pending registration is submitted with the consent again: recorded again.
    await cloud.ok('members', 'register', { ...form, room: '503' }, 'cs-reg')
    expect(consents({ openid: 'cs-reg', purpose: 'registration' })).toHaveLength(2)
  })

  test('the certificate’s identity document: an identity consent when a new document is given, none when the stored one is reused', async () => {
    await cloud.ok('activities', 'certificate', { identity: { idType: 'resident_id', idNumber: '110101199003071233', consent: true } }, 'demo-member')
    expect(consents({ openid: 'demo-member', purpose: 'identity' })).toEqual([
      expect.objectContaining({ event: 'given', policyVersion: PRIVACY_POLICY_VERSION, source: 'activities.certificate' })
    ])
    await cloud.ok('activities', 'certificate', {}, 'demo-member')
    await cloud.ok('activities', 'certificate', { identity: { idType: 'resident_id', idNumber: '110101199003071233', consent: true } }, 'demo-member')
    expect(consents({ openid: 'demo-member', purpose: 'identity' })).toHaveLength(1)
  })

  test('the ranking by name: turning it on records a consent, turning it off a withdrawal; no change, no record', async () => {
    const who = 'cs-1'
    expect(await cloud.ok('activities', 'setPreferences', { rankingOptIn: false }, who)).toEqual({ rankingOptIn: false })
    expect(consents({ openid: who, purpose: 'ranking' })).toHaveLength(0)
    await cloud.ok('activities', 'setPreferences', { rankingOptIn: true }, who)
    await cloud.ok('activities', 'setPreferences', { rankingOptIn: true }, who)
    expect(consents({ openid: who, purpose: 'ranking' })).toEqual([
      expect.objectContaining({ event: 'given', policyVersion: PRIVACY_POLICY_VERSION, source: 'activities.setPreferences' })
    ])
    cloud.clock.advance(60_000)
    await cloud.ok('activities', 'setPreferences', { rankingOptIn: false }, who)
    const events = consents({ openid: who, purpose: 'ranking' })
    expect(events.map((e) => e.event).sort()).toEqual(['given', 'withdrawn'])
    expect(events.find((e) => e.event === 'withdrawn')).toMatchObject({ source: 'activities.setPreferences', policyVersion: PRIVACY_POLICY_VERSION })
    expect(statesOf(events as unknown as ConsentEvent[])).toEqual([
      expect.objectContaining({ purpose: 'ranking', active: false, withdrawnAt: new Date(Date.parse(START) + 60_000).toISOString() })
    ])
  })
})

describe('statesOf: the latest event of each purpose decides', () => {
  const at = (minute: number) => new Date(Date.parse(START) + minute * 60_000)
  const event = (purpose: ConsentEvent['purpose'], kind: ConsentEvent['event'], minute: number, policyVersion = PRIVACY_POLICY_VERSION): ConsentEvent => ({
    openid: 'x',
    purpose,
    event: kind,
    policyVersion,
    at: at(minute),
    source: 'test'
  })

  test('given, withdrawn, given again; out of order; a withdrawal with nothing given is ignored', () => {
    const states = statesOf([
      event('contact', 'given', 5),
      event('ranking', 'withdrawn', 1),
      event('contact', 'given', 1, '2025-01-01'),
      event('contact', 'withdrawn', 3),
      event('identity', 'given', 2),
      event('identity', 'withdrawn', 4)
    ])
    expect(states).toHaveLength(2)
    expect(states.find((s) => s.purpose === 'contact')).toEqual({ purpose: 'contact', active: true, policyVersion: PRIVACY_POLICY_VERSION, givenAt: at(5).toISOString(), withdrawnAt: null })
    expect(states.find((s) => s.purpose === 'identity')).toEqual({ purpose: 'identity', active: false, policyVersion: PRIVACY_POLICY_VERSION, givenAt: at(2).toISOString(), withdrawnAt: at(4).toISOString() })
    expect(statesOf([])).toEqual([])
  })
})
