/**
 * 党建+邻里中心 booking rules through the emulator and the real SDK: slot booking without double
 * booking (200-way race), quotas under parallel calls, notice and ahead windows, approvals,
 * cancellation, check-in, no-shows and suspension. The clock starts on Friday 2026-11-27 09:00
 * (Shanghai); each test uses its own room of 锦绣花园党建+邻里中心 (ctr-c1g1, kept by demo-staff;
 * open weekdays 08:00–21:00, weekends 09:00–18:00).
 */
import type { BookingView, RoomView } from '../../contracts/centers'
import { startTestCloud, type TestCloud } from '../support/cloud'
import { deliverMessages } from '../support/messages'

let cloud: TestCloud
const START = '2026-11-27T09:00:00+08:00'
const MONDAY = '2026-11-30'

beforeAll(async () => {
  cloud = await startTestCloud({ start: START })
})
afterAll(() => cloud.close())
beforeEach(() => cloud.clock.set(START))

let roomSeq = 0
async function newRoom(options: Partial<Record<string, unknown>> = {}): Promise<RoomView> {
  roomSeq++
  return cloud.ok<RoomView>(
    'centers',
    'saveRoom',
    { centerId: 'ctr-c1g1', name: `测试活动室${roomSeq}`, capacity: 20, slotMinutes: 60, weeklyQuota: 2, maxSlots: 3, needsApproval: false, ...options },
    'demo-staff'
  )
}

const book = (roomId: string, start: string, openid: string, extra: object = {}) =>
  cloud.call<BookingView>('centers', 'book', { roomId, start, slots: 1, purpose: '楼栋议事会', attendees: 8, ...extra }, openid)
const okBook = async (roomId: string, start: string, openid: string, extra: object = {}) => {
  const reply = await book(roomId, start, openid, extra)
  if (!reply.ok) throw new Error(`book failed: ${reply.error.code} ${reply.error.message}`)
  return reply.data
}
const codeOf = (reply: { ok: boolean; error?: { code: string } }) => (reply.ok ? 'OK' : reply.error!.code)
const slotDoc = (roomId: string, key: string) => cloud.store.get('roomSlots', `${roomId}:${key}`)

describe('finding centres', () => {
  test('a resident sees open centres, own community first; all 60 on request', async () => {
    const page = await cloud.ok('centers', 'list', { pageSize: 100 }, 'demo-resident')
    expect(page.total).toBe(24)
    expect(page.items.every((c: any) => c.status === 'built' || c.status === 'accepted')).toBe(true)
    const firstOther = page.items.findIndex((c: any) => c.communityId !== 'c1')
    expect(firstOther).toBeGreaterThan(0)
    expect(page.items.slice(firstOther).every((c: any) => c.communityId !== 'c1')).toBe(true)
    expect(page.items[0]).toMatchObject({ id: 'ctr-c1g1', name: '锦绣花园党建+邻里中心', communityName: '东风社区', ownCommunity: true })

    const all = await cloud.ok('centers', 'list', { status: 'all', pageSize: 10, page: 6 }, 'demo-resident')
    expect(all.total).toBe(60)
    expect(all.items).toHaveLength(10)

    // Staff of 红旗社区 (no community in profile? they have one: c2) see c2 first.
    const other = await cloud.ok('centers', 'list', { pageSize: 5 }, 'demo-staff-2')
    expect(other.items[0].communityId).toBe('c2')
  })

  test('paging across the own-community boundary neither skips nor repeats a centre', async () => {
    const seen: string[] = []
    for (let page = 1; page <= 5; page++) {
      const res = await cloud.ok('centers', 'list', { page, pageSize: 3 }, 'demo-resident')
      seen.push(...res.items.map((c: any) => c.id))
    }
    const all = await cloud.ok('centers', 'list', { pageSize: 15 }, 'demo-resident')
    expect(seen).toEqual(all.items.map((c: any) => c.id))
    expect(new Set(seen).size).toBe(15)
  })

  test('nearest first when a location is given', async () => {
    const target = await cloud.ok('centers', 'get', { centerId: 'ctr-c3g2' }, 'demo-resident')
    const res = await cloud.ok('centers', 'list', { near: target.location, pageSize: 5 }, 'demo-resident')
    expect(res.items[0].id).toBe('ctr-c3g2')
    expect(res.items[0].distance).toBe(0)
    const distances = res.items.map((c: any) => c.distance)
    expect([...distances].sort((a, b) => a - b)).toEqual(distances)
  })

  test('a centre with its rooms; codes, funding and history only for its staff', async () => {
    const resident = await cloud.ok('centers', 'get', { centerId: 'ctr-c1g1' }, 'demo-resident')
    expect(resident.canManage).toBe(false)
    expect(resident.rooms.length).toBeGreaterThanOrEqual(4)
    expect(resident.rooms.every((r: RoomView) => r.code === undefined)).toBe(true)
    expect(resident.funding).toBeUndefined()
    const staff = await cloud.ok('centers', 'get', { centerId: 'ctr-c1g1' }, 'demo-staff')
    expect(staff.canManage).toBe(true)
    expect(staff.rooms.every((r: RoomView) => typeof r.code === 'string' && r.code.length === 8)).toBe(true)
    expect(staff.funding.total).toBeGreaterThanOrEqual(10000)
    expect(staff.statusHistory.map((h: any) => h.status)).toEqual(['planned', 'under_construction', 'built', 'accepted'])
    const otherStaff = await cloud.ok('centers', 'get', { centerId: 'ctr-c1g1' }, 'demo-staff-2')
    expect(otherStaff.canManage).toBe(false)
    expect(codeOf(await cloud.call('centers', 'get', { centerId: 'nope' }, 'demo-resident'))).toBe('NOT_FOUND')
    expect(codeOf(await cloud.call('centers', 'get', { centerId: 'ctr-c1g1' }))).toBe('UNAUTHENTICATED')
  })
})

describe('availability', () => {
  test('free, taken and own slots; past, notice and ahead windows; hours of the day', async () => {
    const room = await newRoom({ minNoticeMinutes: 120, bookAheadDays: 7 })
    await okBook(room.id, `${MONDAY} 10:00`, 'demo-resident')
    await okBook(room.id, `${MONDAY} 11:00`, 'demo-member')
    const av = await cloud.ok('centers', 'availability', { roomId: room.id, days: 10 }, 'demo-resident')
    expect(av.days).toHaveLength(10)
    const friday = av.days[0]
    expect(friday).toMatchObject({ date: '2026-11-27', weekday: 5, open: '08:00', close: '21:00' })
    expect(friday.slots).toHaveLength(13)
    const at = (day: any, label: string) => day.slots.find((s: any) => s.label === label)
    expect(at(friday, '08:00')).toMatchObject({ state: 'free', bookable: false }) // past
    expect(at(friday, '10:00')).toMatchObject({ state: 'free', bookable: false }) // inside 2 h notice
    expect(at(friday, '11:00')).toMatchObject({ state: 'free', bookable: true })
    const saturday = av.days[1]
    expect(saturday).toMatchObject({ open: '09:00', close: '18:00' })
    expect(saturday.slots).toHaveLength(9)
    const monday = av.days.find((d: any) => d.date === MONDAY)
    expect(at(monday, '10:00')).toMatchObject({ state: 'booked', bookable: false })
    expect(at(monday, '10:00').mine).toBeTruthy()
    expect(at(monday, '11:00')).toMatchObject({ state: 'booked', bookable: false })
    expect(at(monday, '11:00').mine).toBeUndefined()
    expect(at(monday, '11:00').start).toBe('2026-11-30T11:00:00+08:00')
    // 7 days ahead: Friday 27 … Thursday 3; Friday 4 December is out of reach.
    const dec4 = av.days.find((d: any) => d.date === '2026-12-04')
    expect(dec4.slots.every((s: any) => !s.bookable)).toBe(true)
    const dec3 = av.days.find((d: any) => d.date === '2026-12-03')
    expect(dec3.slots.some((s: any) => s.bookable)).toBe(true)
    expect(av.quotaUsed['2026-11-30']).toBe(1)
  })

  test('input is checked', async () => {
    const room = await newRoom()
    expect(codeOf(await cloud.call('centers', 'availability', { roomId: room.id, days: 40 }, 'demo-resident'))).toBe('INVALID_INPUT')
    expect(codeOf(await cloud.call('centers', 'availability', { roomId: 'rm-none', days: 7 }, 'demo-resident'))).toBe('NOT_FOUND')
  })
})

describe('booking', () => {
  test('a room without approval confirms at once and holds its slots', async () => {
    const room = await newRoom()
    const b = await okBook(room.id, `${MONDAY} 14:00`, 'demo-resident', { slots: 2, attendees: 12 })
    expect(b).toMatchObject({ status: 'confirmed', start: '2026-11-30T14:00:00+08:00', end: '2026-11-30T16:00:00+08:00', slots: 2, canCancel: true, canCheckIn: false })
    expect(slotDoc(room.id, '202611301400')).toMatchObject({ state: 'booked', bookingId: b.id })
    expect(slotDoc(room.id, '202611301500')).toMatchObject({ state: 'booked', bookingId: b.id })
    const stored = cloud.store.get('bookings', b.id)!
    expect(stored).toMatchObject({ openid: 'demo-resident', bookerName: '王秀兰', status: 'confirmed', weekKey: '2026-11-30', day: MONDAY, hours: 2 })
  })

  test('Shanghai wall clock, ISO with offset and epoch millis name the same slot', async () => {
    const room = await newRoom()
    await okBook(room.id, `${MONDAY} 15:00`, 'demo-resident')
    expect(codeOf(await book(room.id, '2026-11-30T07:00:00Z', 'demo-member'))).toBe('CONFLICT')
    expect(codeOf(await book(room.id, Date.parse('2026-11-30T15:00:00+08:00') as unknown as string, 'demo-member'))).toBe('CONFLICT')
  })

  test('200 residents booking the same slot at once: exactly one succeeds, 199 get CONFLICT', async () => {
    const room = await newRoom()
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => book(room.id, `${MONDAY} 10:00`, `race-${i}`)))
    const codes = replies.map(codeOf)
    expect(codes.filter((c) => c === 'OK')).toHaveLength(1)
    expect(codes.filter((c) => c === 'CONFLICT')).toHaveLength(199)
    expect(cloud.store.count('bookings', { roomId: room.id })).toBe(1)
    expect(cloud.store.count('roomSlots', { roomId: room.id })).toBe(1)
    const winner = replies.find((r) => r.ok)!
    expect(slotDoc(room.id, '202611301000')!.bookingId).toBe((winner as any).data.id)
  })

  test('overlapping multi-slot bookings racing: no slot is ever held twice, each booking holds all its slots', async () => {
    const room = await newRoom({ maxSlots: 3 })
    // 30 residents, each wanting 2–3 consecutive slots starting between 09:00 and 13:00.
    const wants = Array.from({ length: 30 }, (_, i) => ({ start: `${MONDAY} ${String(9 + (i % 5)).padStart(2, '0')}:00`, slots: 2 + (i % 2), who: `multi-${i}` }))
    const replies = await Promise.all(wants.map((w) => book(room.id, w.start, w.who, { slots: w.slots })))
    expect(replies.every((r) => r.ok || r.error.code === 'CONFLICT')).toBe(true)
    const bookings = cloud.store.find('bookings', { roomId: room.id, status: 'confirmed' })
    expect(bookings.length).toBeGreaterThanOrEqual(1)
    expect(bookings.length).toBe(replies.filter((r) => r.ok).length)
    const held = new Map<string, string>()
    for (const b of bookings) {
      for (const slotId of b.slotIds) {
        expect(held.has(slotId)).toBe(false)
        held.set(slotId, b._id)
        expect(cloud.store.get('roomSlots', slotId)!.bookingId).toBe(b._id)
      }
    }
    expect(cloud.store.count('roomSlots', { roomId: room.id })).toBe(held.size)
  })

  test('a multi-slot booking is all or nothing', async () => {
    const room = await newRoom({ maxSlots: 3 })
    await okBook(room.id, `${MONDAY} 12:00`, 'demo-member')
    const reply = await book(room.id, `${MONDAY} 11:00`, 'demo-resident', { slots: 3 })
    expect(codeOf(reply)).toBe('CONFLICT')
    expect(slotDoc(room.id, '202611301100')).toBeNull()
    expect(slotDoc(room.id, '202611301300')).toBeNull()
    expect(cloud.store.count('bookings', { roomId: room.id, openid: 'demo-resident' })).toBe(0)
    expect(cloud.store.get('bookingQuotas', `${room.id}:demo-resident:2026-11-30`)).toBeNull()
  })

  test('the weekly quota holds under parallel calls by one resident', async () => {
    const room = await newRoom({ weeklyQuota: 2 })
    const hours = ['09:00', '10:00', '11:00', '13:00', '14:00', '15:00', '16:00', '17:00']
    const replies = await Promise.all(hours.map((h) => book(room.id, `${MONDAY} ${h}`, 'quota-racer')))
    const codes = replies.map(codeOf)
    expect(codes.filter((c) => c === 'OK')).toHaveLength(2)
    expect(codes.filter((c) => c === 'RATE_LIMITED' || c === 'CONFLICT')).toHaveLength(6)
    expect(cloud.store.count('bookings', { roomId: room.id, openid: 'quota-racer', status: 'confirmed' })).toBe(2)
    expect(cloud.store.get('bookingQuotas', `${room.id}:quota-racer:2026-11-30`)!.count).toBe(2)
    expect(cloud.store.count('roomSlots', { roomId: room.id })).toBe(2)
    // A third one in the same week is refused; next week is a new week.
    expect(codeOf(await book(room.id, '2026-12-02 10:00', 'quota-racer'))).toBe('RATE_LIMITED')
    await okBook(room.id, '2026-12-07 10:00', 'quota-racer')
    // Another resident is not affected.
    await okBook(room.id, '2026-12-02 10:00', 'quota-other')
  })

  test('the notice and ahead windows cannot be bypassed, even all at once', async () => {
    const room = await newRoom({ minNoticeMinutes: 180, bookAheadDays: 5 })
    const replies = await Promise.all([
      book(room.id, '2026-11-27 08:00', 'win-1'), // past
      book(room.id, '2026-11-27 11:00', 'win-2'), // inside 3 h notice
      book(room.id, '2026-11-27 12:00', 'win-3'), // exactly 3 h: fine
      book(room.id, '2026-12-02 10:00', 'win-4'), // 5 days ahead: Fri…Tue; Wednesday is out
      book(room.id, '2026-12-01 10:00', 'win-5') // Tuesday: fine
    ])
    expect(replies.map(codeOf)).toEqual(['EXPIRED', 'EXPIRED', 'OK', 'INVALID_INPUT', 'OK'])
    expect((replies[3] as any).error.fields).toEqual(['start'])
    expect(cloud.store.count('bookings', { roomId: room.id })).toBe(2)
  })

  test('the slot grid, opening hours, length, capacity and content are checked; bad input stores nothing', async () => {
    const room = await newRoom({ capacity: 10, maxSlots: 2 })
    const cases: [object, string, string[]?][] = [
      [{ start: `${MONDAY} 10:30` }, 'INVALID_INPUT', ['start']], // not on the grid
      [{ start: `${MONDAY} 07:00` }, 'INVALID_INPUT', ['start']], // before opening
      [{ start: `${MONDAY} 20:00`, slots: 2 }, 'INVALID_INPUT', ['start']], // past closing
      [{ start: `${MONDAY} 10:00`, slots: 3 }, 'INVALID_INPUT', ['slots']],
      [{ start: `${MONDAY} 10:00`, attendees: 11 }, 'INVALID_INPUT', ['attendees']],
      [{ start: `${MONDAY} 10:00`, purpose: '组织赌博活动' }, 'INVALID_INPUT', ['purpose']],
      [{ start: `${MONDAY} 10:00`, purpose: '' }, 'INVALID_INPUT', ['purpose']],
      [{ start: `${MONDAY} 10:00`, attendees: 0 }, 'INVALID_INPUT', ['attendees']],
      [{ start: `${MONDAY} 10:00`, slots: 'two' }, 'INVALID_INPUT', ['slots']]
    ]
    for (const [extra, code, fields] of cases) {
      const reply = await book(room.id, `${MONDAY} 10:00`, 'demo-resident', extra)
      expect(codeOf(reply)).toBe(code)
      if (fields) expect((reply as any).error.fields).toEqual(fields)
    }
    expect(codeOf(await cloud.call('centers', 'book', { roomId: room.id, start: `${MONDAY} 10:00`, attendees: 3 }, 'demo-resident'))).toBe('INVALID_INPUT')
    expect(codeOf(await cloud.call('centers', 'book', { roomId: room.id, start: `${MONDAY} 10:00`, purpose: '议事', attendees: 3 }))).toBe('UNAUTHENTICATED')
    expect(cloud.store.count('bookings', { roomId: room.id })).toBe(0)
    expect(cloud.store.count('roomSlots', { roomId: room.id })).toBe(0)
  })

  test('rooms of centres not yet built, and rooms switched off, cannot be booked', async () => {
    const building = await cloud.ok('centers', 'list', { status: 'under_construction', communityId: 'c1' }, 'demo-staff')
    const room = await cloud.ok<RoomView>('centers', 'saveRoom', { centerId: building.items[0].id, name: '预备活动室', capacity: 10 }, 'demo-staff')
    expect(codeOf(await book(room.id, `${MONDAY} 10:00`, 'demo-resident'))).toBe('CONFLICT')
    const off = await newRoom({ active: false })
    expect(codeOf(await book(off.id, `${MONDAY} 10:00`, 'demo-resident'))).toBe('CONFLICT')
  })
})

describe('approval', () => {
  test('a pending booking holds its slot; staff approve and the resident is told', async () => {
    const room = await newRoom({ needsApproval: true })
    // The booker agreed to be called (shareMobile): staff see the masked number.
    const b = await okBook(room.id, `${MONDAY} 10:00`, 'demo-resident', { shareMobile: true })
    expect(b.status).toBe('pending')
    expect(codeOf(await book(room.id, `${MONDAY} 10:00`, 'demo-member'))).toBe('CONFLICT')
    const queue = await cloud.ok('centers', 'bookings', { centerId: 'ctr-c1g1', status: 'pending', pageSize: 100 }, 'demo-staff')
    expect(queue.items.some((x: BookingView) => x.id === b.id && x.bookerName === '王秀兰' && x.bookerMobile === '139****0001')).toBe(true)

    expect(codeOf(await cloud.call('centers', 'review', { bookingId: b.id, decision: 'approve' }, 'demo-resident'))).toBe('FORBIDDEN')
    expect(codeOf(await cloud.call('centers', 'review', { bookingId: b.id, decision: 'approve' }, 'demo-staff-2'))).toBe('FORBIDDEN')
    expect(cloud.store.get('bookings', b.id)!.status).toBe('pending')

    const approved = await cloud.ok('centers', 'review', { bookingId: b.id, decision: 'approve' }, 'demo-staff')
    expect(approved.status).toBe('confirmed')
    expect(slotDoc(room.id, '202611301000')!.state).toBe('booked')
    const msg = cloud.store.findOne('outbox', { touser: 'demo-resident', templateId: 'tpl-booking-reviewed' }, { sort: { sentAt: -1 } })
    expect(msg!.data.phrase3.value).toBe('已通过')
    expect(msg!.summary).toContain('已通过审核')
    // Reviewing again is a conflict, not a second decision.
    expect(codeOf(await cloud.call('centers', 'review', { bookingId: b.id, decision: 'reject', reason: '重复' }, 'demo-staff'))).toBe('CONFLICT')
    const mine = await cloud.ok('centers', 'myBookings', { scope: 'upcoming' }, 'demo-resident')
    expect(mine.items.find((x: BookingView) => x.id === b.id).status).toBe('confirmed')
  })

  test('rejection needs a reason, frees the slot and the quota, and tells the resident why', async () => {
    const room = await newRoom({ needsApproval: true, weeklyQuota: 1 })
    const b = await okBook(room.id, `${MONDAY} 11:00`, 'demo-resident')
    const noReason = await cloud.call('centers', 'review', { bookingId: b.id, decision: 'reject' }, 'demo-staff')
    expect(codeOf(noReason)).toBe('INVALID_INPUT')
    expect((noReason as any).error.fields).toEqual(['reason'])
    const rejected = await cloud.ok('centers', 'review', { bookingId: b.id, decision: 'reject', reason: '该时段已安排社区党员大会' }, 'demo-admin')
    expect(rejected).toMatchObject({ status: 'rejected', reason: '该时段已安排社区党员大会' })
    expect(slotDoc(room.id, '202611301100')).toBeNull()
    const msg = cloud.store.findOne('outbox', { touser: 'demo-resident', 'data.thing4.value': '该时段已安排社区党员大会' })
    expect(msg!.data.phrase3.value).toBe('未通过')
    // Slot and quota are free again: someone else may take the slot, the resident may book again.
    await okBook(room.id, `${MONDAY} 11:00`, 'demo-member')
    await okBook(room.id, `${MONDAY} 12:00`, 'demo-resident')
    const history = cloud.store.get('bookings', b.id)!.history.map((h: any) => h.action)
    expect(history).toEqual(['booked', 'rejected'])
  })

  test('approval and rejection racing on one booking: one decision wins', async () => {
    const room = await newRoom({ needsApproval: true })
    const b = await okBook(room.id, `${MONDAY} 13:00`, 'demo-resident')
    const [a, r] = await Promise.all([
      cloud.call('centers', 'review', { bookingId: b.id, decision: 'approve' }, 'demo-staff'),
      cloud.call('centers', 'review', { bookingId: b.id, decision: 'reject', reason: '场地冲突' }, 'demo-admin')
    ])
    expect([codeOf(a), codeOf(r)].sort()).toEqual(['CONFLICT', 'OK'])
    const final = cloud.store.get('bookings', b.id)!
    expect(final.history).toHaveLength(2)
    expect(slotDoc(room.id, '202611301300') === null).toBe(final.status === 'rejected')
  })

  test('a pending booking nobody reviewed expires at its start and gives everything back', async () => {
    const room = await newRoom({ needsApproval: true, minNoticeMinutes: 0 })
    const b = await okBook(room.id, '2026-11-27 11:00', 'demo-resident')
    cloud.clock.set('2026-11-27T11:01:00+08:00')
    const av = await cloud.ok('centers', 'availability', { roomId: room.id, days: 1 }, 'demo-member')
    expect(av.days[0].slots.find((s: any) => s.label === '11:00').state).toBe('free')
    expect(cloud.store.get('bookings', b.id)!.status).toBe('expired')
    expect(cloud.store.get('bookingQuotas', `${room.id}:demo-resident:2026-11-23`)!.count).toBe(0)
    // The expiry's message is queued (server/notify/queue.ts) and sent by the timer within a minute.
    await deliverMessages(cloud)
    expect(cloud.store.count('outbox', { touser: 'demo-resident', templateId: 'tpl-booking-cancelled', summary: { $regex: '未完成审核' } })).toBeGreaterThan(0)
  })
})

describe('cancelling', () => {
  test('the resident cancels until the deadline; the slot and quota are freed; then it is too late', async () => {
    const room = await newRoom({ cancelBeforeMinutes: 120, weeklyQuota: 1 })
    const b = await okBook(room.id, `${MONDAY} 10:00`, 'demo-resident')
    expect(b.cancelDeadline).toBe('2026-11-30T08:00:00+08:00')
    expect(codeOf(await cloud.call('centers', 'cancel', { bookingId: b.id }, 'demo-member'))).toBe('NOT_FOUND')
    expect(codeOf(await cloud.call('centers', 'cancel', { bookingId: b.id }, 'demo-staff-2'))).toBe('NOT_FOUND')
    const cancelled = await cloud.ok('centers', 'cancel', { bookingId: b.id }, 'demo-resident')
    expect(cancelled).toMatchObject({ status: 'cancelled', canCancel: false })
    expect(slotDoc(room.id, '202611301000')).toBeNull()
    expect(codeOf(await cloud.call('centers', 'cancel', { bookingId: b.id }, 'demo-resident'))).toBe('CONFLICT')
    // The freed slot is bookable again, and the resident's quota (1 a week) came back.
    await okBook(room.id, `${MONDAY} 10:00`, 'demo-member')
    const again = await okBook(room.id, `${MONDAY} 11:00`, 'demo-resident')
    cloud.clock.set('2026-11-30T09:30:00+08:00')
    const late = await cloud.call('centers', 'cancel', { bookingId: again.id }, 'demo-resident')
    expect(codeOf(late)).toBe('EXPIRED')
    expect(cloud.store.get('bookings', again.id)!.status).toBe('confirmed')
  })

  test('staff of the community may cancel with a reason and the resident is told', async () => {
    const room = await newRoom()
    const b = await okBook(room.id, `${MONDAY} 16:00`, 'demo-member')
    const res = await cloud.ok('centers', 'cancel', { bookingId: b.id, reason: '临时安排防汛会议' }, 'demo-staff')
    expect(res).toMatchObject({ status: 'cancelled', reason: '临时安排防汛会议' })
    const msg = cloud.store.findOne('outbox', { touser: 'demo-member', templateId: 'tpl-booking-cancelled', 'data.thing3.value': '临时安排防汛会议' })
    expect(msg).not.toBeNull()
  })

  test('two cancels at once: one succeeds, the quota is given back once', async () => {
    const room = await newRoom({ weeklyQuota: 2 })
    const a = await okBook(room.id, `${MONDAY} 17:00`, 'demo-resident')
    await okBook(room.id, `${MONDAY} 18:00`, 'demo-resident')
    const replies = await Promise.all([1, 2, 3].map(() => cloud.call('centers', 'cancel', { bookingId: a.id }, 'demo-resident')))
    expect(replies.map(codeOf).sort()).toEqual(['CONFLICT', 'CONFLICT', 'OK'])
    expect(cloud.store.get('bookingQuotas', `${room.id}:demo-resident:2026-11-30`)!.count).toBe(1)
  })
})

describe('my bookings', () => {
  test('upcoming soonest first, past latest first, paged; the demo resident has her seeded bookings', async () => {
    const upcoming = await cloud.ok('centers', 'myBookings', { scope: 'upcoming' }, 'demo-resident')
    const starts = upcoming.items.map((b: BookingView) => b.start)
    expect([...starts].sort()).toEqual(starts)
    expect(upcoming.items.every((b: BookingView) => ['pending', 'confirmed', 'checked_in'].includes(b.status))).toBe(true)
    expect(upcoming.items.some((b: BookingView) => b.status === 'pending' && b.roomName === '党员活动室')).toBe(true)
    const past = await cloud.ok('centers', 'myBookings', { scope: 'past', pageSize: 2 }, 'demo-resident')
    expect(past.items.length).toBeLessThanOrEqual(2)
    expect(past.total).toBeGreaterThanOrEqual(2)
    const pastStarts = past.items.map((b: BookingView) => b.start)
    expect([...pastStarts].sort().reverse()).toEqual(pastStarts)
    expect(codeOf(await cloud.call('centers', 'myBookings', { pageSize: 101 }, 'demo-resident'))).toBe('INVALID_INPUT')
  })
})

describe('check-in and no-shows', () => {
  test('scanning the room code within 15 minutes of the start checks in; early, late and wrong codes do not', async () => {
    const room = await newRoom()
    const staffRoom = (await cloud.ok('centers', 'get', { centerId: 'ctr-c1g1' }, 'demo-staff')).rooms.find((r: RoomView) => r.id === room.id)
    const code: string = staffRoom.code
    const b = await okBook(room.id, `${MONDAY} 10:00`, 'demo-resident')
    cloud.clock.set('2026-11-30T09:40:00+08:00')
    const early = await cloud.call('centers', 'checkIn', { roomCode: code }, 'demo-resident')
    expect(codeOf(early)).toBe('CONFLICT')
    expect((early as any).error.message).toContain('09:45')
    expect(codeOf(await cloud.call('centers', 'checkIn', { roomCode: 'ZZZZZZZZ' }, 'demo-resident'))).toBe('NOT_FOUND')
    expect(codeOf(await cloud.call('centers', 'checkIn', { roomCode: code }, 'demo-member'))).toBe('NOT_FOUND')
    cloud.clock.set('2026-11-30T10:10:00+08:00')
    // The QR code's link works as well as the printed code, in any case.
    const done = await cloud.ok('centers', 'checkIn', { roomCode: `http://127.0.0.1:8080/#/packages/centers/pages/checkin/index?scene=${code.toLowerCase()}` }, 'demo-resident')
    expect(done).toMatchObject({ id: b.id, status: 'checked_in', checkedInAt: '2026-11-30T10:10:00+08:00' })
    const again = await cloud.ok('centers', 'checkIn', { roomCode: code }, 'demo-resident')
    expect(again.checkedInAt).toBe('2026-11-30T10:10:00+08:00')
    expect(cloud.store.get('bookings', b.id)!.history.filter((h: any) => h.action === 'checked_in')).toHaveLength(1)
  })

  test('a checked-in booking keeps its later slots: nobody can book over the room in use', async () => {
    const room = await newRoom({ maxSlots: 3 })
    const staffRoom = (await cloud.ok('centers', 'get', { centerId: 'ctr-c1g1' }, 'demo-staff')).rooms.find((r: RoomView) => r.id === room.id)
    const b = await okBook(room.id, `${MONDAY} 13:00`, 'in-use-resident', { slots: 3 })
    cloud.clock.set('2026-11-30T13:05:00+08:00')
    expect(await cloud.ok('centers', 'checkIn', { roomCode: staffRoom.code }, 'in-use-resident')).toMatchObject({ id: b.id, status: 'checked_in' })
    const over = await book(room.id, `${MONDAY} 15:00`, 'demo-member')
    expect(codeOf(over)).toBe('CONFLICT')
    expect((over as any).error.message).toContain('已被预约')
    expect(cloud.store.count('roomSlots', { roomId: room.id, bookingId: b.id })).toBe(3)
  })

  test('an unclaimed booking is released 15 minutes after the start and counted as a no-show', async () => {
    const room = await newRoom({ maxSlots: 3 })
    const staffRoom = (await cloud.ok('centers', 'get', { centerId: 'ctr-c1g1' }, 'demo-staff')).rooms.find((r: RoomView) => r.id === room.id)
    const b = await okBook(room.id, `${MONDAY} 13:00`, 'late-resident', { slots: 3 })
    cloud.clock.set('2026-11-30T13:14:00+08:00')
    await cloud.ok('centers', 'availability', { roomId: room.id, days: 1, from: MONDAY }, 'demo-member')
    expect(cloud.store.get('bookings', b.id)!.status).toBe('confirmed')
    cloud.clock.set('2026-11-30T13:16:00+08:00')
    const late = await cloud.call('centers', 'checkIn', { roomCode: staffRoom.code }, 'late-resident')
    expect(codeOf(late)).toBe('EXPIRED')
    const stored = cloud.store.get('bookings', b.id)!
    expect(stored.status).toBe('no_show')
    // The rest of its time is free again (14:00 and 15:00 can be booked with notice).
    expect(cloud.store.count('roomSlots', { roomId: room.id })).toBe(0)
    await okBook(room.id, `${MONDAY} 15:00`, 'demo-member')
    // No-shows keep their quota.
    expect(cloud.store.get('bookingQuotas', `${room.id}:late-resident:2026-11-30`)!.count).toBe(1)
    await deliverMessages(cloud)
    const msg = cloud.store.findOne('outbox', { touser: 'late-resident', templateId: 'tpl-booking-cancelled' })
    expect(msg!.data.thing3.value).toContain('未签到')
  })

  test('staff check a resident in at the desk; staff of another community cannot', async () => {
    const room = await newRoom()
    const b = await okBook(room.id, `${MONDAY} 18:00`, 'demo-member')
    cloud.clock.set('2026-11-30T18:05:00+08:00')
    expect(codeOf(await cloud.call('centers', 'checkIn', { bookingId: b.id }, 'demo-staff-2'))).toBe('FORBIDDEN')
    expect(codeOf(await cloud.call('centers', 'checkIn', { bookingId: b.id }, 'demo-resident'))).toBe('FORBIDDEN')
    const done = await cloud.ok('centers', 'checkIn', { bookingId: b.id }, 'demo-staff')
    expect(done.status).toBe('checked_in')
    expect(cloud.store.get('bookings', b.id)!.checkedInBy).toBe('staff')
    expect(codeOf(await cloud.call('centers', 'checkIn', {}, 'demo-member'))).toBe('INVALID_INPUT')
  })

  test('a pending booking cannot be checked into', async () => {
    const room = await newRoom({ needsApproval: true })
    const staffRoom = (await cloud.ok('centers', 'get', { centerId: 'ctr-c1g1' }, 'demo-staff')).rooms.find((r: RoomView) => r.id === room.id)
    await okBook(room.id, `${MONDAY} 19:00`, 'demo-member')
    cloud.clock.set('2026-11-30T18:50:00+08:00')
    expect(codeOf(await cloud.call('centers', 'checkIn', { roomCode: staffRoom.code }, 'demo-member'))).toBe('CONFLICT')
  })

  test('three no-shows within 30 days suspend booking for 14 days', async () => {
    const room = await newRoom({ weeklyQuota: 5 })
    const who = 'flaky-resident'
    for (const day of ['2026-11-30', '2026-12-01', '2026-12-02']) {
      cloud.clock.set(START)
      await okBook(room.id, `${day} 10:00`, who)
    }
    cloud.clock.set('2026-12-02T10:20:00+08:00')
    const sweep = await cloud.ok('centers', 'sweep', {}, 'demo-staff')
    expect(sweep.noShows).toBeGreaterThanOrEqual(3)
    expect(sweep.suspended).toBeGreaterThanOrEqual(1)
    expect(cloud.store.count('bookings', { openid: who, status: 'no_show' })).toBe(3)
    const refused = await book(room.id, '2026-12-04 10:00', who)
    expect(codeOf(refused)).toBe('FORBIDDEN')
    expect((refused as any).error.message).toContain('2026-12-16')
    const mine = await cloud.ok('centers', 'myBookings', {}, who)
    expect(mine.suspendedUntil).toBe('2026-12-16T10:20:00+08:00')
    const av = await cloud.ok('centers', 'availability', { roomId: room.id, days: 3 }, who)
    expect(av.suspendedUntil).toBeDefined()
    expect(av.days.every((d: any) => d.slots.every((s: any) => !s.bookable))).toBe(true)
    // After 14 days the resident may book again, and the old no-shows do not count twice.
    cloud.clock.set('2026-12-16T10:21:00+08:00')
    await okBook(room.id, '2026-12-17 10:00', who)
  })

  test('the district admin sets the no-show rules; staff may read but not change them', async () => {
    expect(await cloud.ok('centers', 'settings', {}, 'demo-staff')).toEqual({ noShowLimit: 3, noShowWindowDays: 30, suspensionDays: 14, checkInMinutes: 15 })
    expect(codeOf(await cloud.call('centers', 'settings', { noShowLimit: 1 }, 'demo-staff'))).toBe('FORBIDDEN')
    expect(codeOf(await cloud.call('centers', 'settings', {}, 'demo-resident'))).toBe('FORBIDDEN')
    expect(codeOf(await cloud.call('centers', 'settings', { noShowLimit: 0 }, 'demo-admin'))).toBe('INVALID_INPUT')
    const next = await cloud.ok('centers', 'settings', { noShowLimit: 1, suspensionDays: 7 }, 'demo-admin')
    expect(next).toMatchObject({ noShowLimit: 1, suspensionDays: 7, noShowWindowDays: 30 })
    const room = await newRoom()
    await okBook(room.id, `${MONDAY} 20:00`, 'one-strike')
    cloud.clock.set('2026-11-30T20:16:00+08:00')
    await cloud.ok('centers', 'sweep', { centerId: 'ctr-c1g1' }, 'demo-staff')
    expect(codeOf(await book(room.id, '2026-12-02 10:00', 'one-strike'))).toBe('FORBIDDEN')
    await cloud.ok('centers', 'settings', { noShowLimit: 3, suspensionDays: 14 }, 'demo-admin')
  })

  test('only staff trigger the sweep; staff of another community only sweep their own', async () => {
    expect(codeOf(await cloud.call('centers', 'sweep', {}, 'demo-resident'))).toBe('FORBIDDEN')
    expect(codeOf(await cloud.call('centers', 'sweep', { centerId: 'ctr-c1g1' }, 'demo-staff-2'))).toBe('FORBIDDEN')
    const room = await newRoom()
    const b = await okBook(room.id, '2026-12-03 10:00', 'sweep-target')
    cloud.clock.set('2026-12-03T10:30:00+08:00')
    await cloud.ok('centers', 'sweep', {}, 'demo-staff-2')
    expect(cloud.store.get('bookings', b.id)!.status).toBe('confirmed')
    await cloud.ok('centers', 'sweep', {}, 'demo-admin')
    expect(cloud.store.get('bookings', b.id)!.status).toBe('no_show')
  })
})

/** A no-show booking as an import (or an older system) would leave it: no sweep ever saw it. */
const importedNoShow = (roomId: string, roomName: string, who: string, day: string, i: number) => ({
  _id: `bk-imported-${who}-${i}`,
  roomId,
  roomName,
  centerId: 'ctr-c1g1',
  centerName: '锦绣花园党建+邻里中心',
  communityId: 'c1',
  openid: who,
  start: new Date(`${day}T10:00:00+08:00`),
  end: new Date(`${day}T11:00:00+08:00`),
  slots: 1,
  slotIds: [],
  purpose: '读书会',
  attendees: 3,
  status: 'no_show',
  needsApproval: false,
  cancelBeforeMinutes: 120,
  quotaId: `${roomId}:${who}:${day}`,
  day,
  weekKey: day,
  monthKey: day.slice(0, 7),
  hours: 1,
  history: [],
  createdAt: new Date(`${day}T08:00:00+08:00`),
  updatedAt: new Date(`${day}T10:15:00+08:00`)
})

describe('issue #17: open hours only while a room existed; suspension from the record of no-shows', () => {
  test('a room created mid-period counts open hours only from its creation (and not while switched off)', async () => {
    cloud.clock.set('2026-12-04T10:00:00+08:00') // a Friday: open 08:00–21:00; weekends 09:00–18:00
    const room = await newRoom()
    const u = await cloud.ok('centers', 'utilisation', { centerId: 'ctr-c1g1', from: '2026-11-01', to: '2026-12-06' }, 'demo-staff')
    const row = u.centers[0].rooms.find((r: any) => r.roomId === room.id)
    // November: it did not exist. December: Friday 10:00–21:00 (11 h), Saturday and Sunday 9 h each.
    expect(row.months.map((m: any) => [m.key, m.openHours])).toEqual([
      ['2026-11', 0],
      ['2026-12', 29]
    ])
    expect(row.openHours).toBe(29)
    // The seeded rooms (there since the centre was built) still count the whole of November.
    const seeded = u.centers[0].rooms.find((r: any) => r.roomId === 'rm-c1g1-1')
    expect(seeded.months[0].openHours).toBeGreaterThan(300)

    // Switched off on Saturday at noon: Saturday 09:00–12:00 still counts, Sunday does not.
    cloud.clock.set('2026-12-05T12:00:00+08:00')
    await cloud.ok('centers', 'saveRoom', { roomId: room.id, centerId: 'ctr-c1g1', name: room.name, capacity: 20, slotMinutes: 60, weeklyQuota: 2, maxSlots: 3, active: false }, 'demo-staff')
    const after = await cloud.ok('centers', 'utilisation', { centerId: 'ctr-c1g1', from: '2026-12-01', to: '2026-12-06' }, 'demo-staff')
    expect(after.centers[0].rooms.find((r: any) => r.roomId === room.id).openHours).toBe(11 + 3)
  })

  test('six no-shows already on record (no sweep ever judged them) suspend booking at once', async () => {
    const room = await newRoom()
    const who = 'imported-resident'
    const noShows = ['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25'].map((day, i) => importedNoShow(room.id, room.name, who, day, i))
    cloud.store.insertMany('bookings', noShows)
    const bookingsBefore = cloud.store.count('bookings')
    const refused = await book(room.id, `${MONDAY} 10:00`, who)
    // The third no-show (22 Nov, released 10:15) met 3 in 30 days: 14 days from then.
    expect(codeOf(refused)).toBe('FORBIDDEN')
    expect((refused as any).error.message).toBe('因多次预约后未签到，暂停预约至2026-12-06')
    expect(cloud.store.count('bookings')).toBe(bookingsBefore)
    expect(slotDoc(room.id, '202611301000')).toBeFalsy()
    const av = await cloud.ok('centers', 'availability', { roomId: room.id, days: 2 }, who)
    expect(av.suspendedUntil).toBe('2026-12-06T10:15:00+08:00')
    // Someone with fewer no-shows than the limit books as before.
    cloud.store.insertMany('bookings', noShows.slice(0, 2).map((b) => ({ ...b, _id: `${b._id}-x`, openid: 'two-strikes' })))
    expect(codeOf(await book(room.id, `${MONDAY} 11:00`, 'two-strikes'))).toBe('OK')
  })
})

describe('one suspension rule for bookings and the sweep (K1); centres closed before their first status (K4)', () => {
  test('no-shows inside an earlier, only derived suspension never count again when the sweep judges a new one', async () => {
    const room = await newRoom({ weeklyQuota: 5 })
    const who = 'k1-resident'
    // Days 0, 1, 2 on record (limit 3 in 30 days): a derived suspension from 22 Nov 10:15 to 6 Dec, never stored.
    cloud.store.insertMany('bookings', ['2026-11-20', '2026-11-21', '2026-11-22'].map((day, i) => importedNoShow(room.id, room.name, who, day, i)))
    expect(cloud.store.get('bookingSuspensions', who)).toBeFalsy()
    // Day 25: served long ago, the resident books again and misses it.
    cloud.clock.set('2026-12-14T09:00:00+08:00')
    await okBook(room.id, '2026-12-15 10:00', who)
    cloud.clock.set('2026-12-15T10:20:00+08:00')
    const av = await cloud.ok('centers', 'availability', { roomId: room.id, from: '2026-12-15', days: 1 }, who) // sweeps the room
    expect(cloud.store.count('bookings', { openid: who, status: 'no_show' })).toBe(4)
    // One no-show since the last suspension: no suspension, stored or shown.
    expect(av.suspendedUntil).toBeUndefined()
    expect(cloud.store.get('bookingSuspensions', who)).toBeFalsy()
    expect(codeOf(await book(room.id, '2026-12-17 10:00', who))).toBe('OK')
  })

  test('a centre counts no open hours before its first recorded status (planned, then open)', async () => {
    const room = await newRoom()
    const month = { centerId: 'ctr-c1g1', from: '2026-11-01', to: '2026-11-30' }
    const openHours = async () => (await cloud.ok('centers', 'utilisation', month, 'demo-staff')).centers[0].rooms.find((r: any) => r.roomId === room.id).openHours
    // The room existed all along (created before the month); the centre was planned on 10 Nov, opened on 20 Nov.
    const longAgo = new Date('2026-10-01T00:00:00+08:00')
    cloud.store.updateOne('rooms', { _id: room.id }, { $set: { createdAt: longAgo, activeHistory: [{ active: true, at: longAgo, by: 'demo-staff' }] } })
    const center = cloud.store.get('centers', 'ctr-c1g1')!
    cloud.store.updateOne('centers', { _id: 'ctr-c1g1' }, {
      $set: {
        statusHistory: [
          { status: 'planned', at: new Date('2026-11-10T00:00:00+08:00'), actor: 'demo-admin', actorName: '陈主任' },
          { status: center.status, at: new Date('2026-11-20T00:00:00+08:00'), actor: 'demo-staff', actorName: '王' }
        ]
      }
    })
    try {
      // 20–30 Nov only: Fri 20, Mon–Fri 23–27 and Mon 30 (13 h each), Sat/Sun 21, 22, 28, 29 (9 h each).
      expect(await openHours()).toBe(7 * 13 + 4 * 9)
    } finally {
      cloud.store.updateOne('centers', { _id: 'ctr-c1g1' }, { $set: { statusHistory: center.statusHistory } })
    }
  })
})


describe('issue #15: round trips, and figures kept on write or folded in memory still equal a direct count', () => {
  test('the common actions stay within their round trips', async () => {
    const room = await newRoom()
    const cost = async (action: string, input: object, openid: string) => {
      const { reply, stats } = await cloud.callWithStats('centers', action, input, openid)
      expect(reply.ok).toBe(true)
      return stats.dbRequests
    }
    // The shell's rate-limit counter is counted too (book and cancel have a row); the caller is read
    // with each action's first read (identity: 'withFirstRead').
    expect(await cost('list', {}, 'demo-resident')).toBeLessThanOrEqual(3)
    expect(await cost('get', { centerId: 'ctr-c1g1' }, 'demo-resident')).toBeLessThanOrEqual(1)
    // Availability: the caller with the room context and the days' slots joined (context.ts): one read.
    expect(await cost('availability', { roomId: room.id, days: 7 }, 'rt-resident')).toBeLessThanOrEqual(1)
    // A first booking: a new rate-limit counter (up to 2), the caller with the context, the slot, the quota, the booking.
    expect(await cost('book', { roomId: room.id, start: `${MONDAY} 10:00`, slots: 1, purpose: '楼栋议事会', attendees: 8 }, 'rt-resident')).toBeLessThanOrEqual(6)
    // Once the counter exists, one less.
    expect(await cost('book', { roomId: room.id, start: `${MONDAY} 12:00`, slots: 1, purpose: '楼栋议事会', attendees: 8 }, 'rt-resident')).toBeLessThanOrEqual(5)
    expect(await cost('myBookings', {}, 'rt-resident')).toBeLessThanOrEqual(1)
    expect(await cost('bookings', { roomId: room.id }, 'demo-staff')).toBeLessThanOrEqual(1)
    // One centre: the caller, the centres with rooms and blackouts, the hours and the event slots: one read.
    expect(await cost('utilisation', { centerId: 'ctr-c1g1', from: '2026-11-01', to: '2026-11-30' }, 'demo-staff')).toBeLessThanOrEqual(1)
    const mine = (await cloud.ok('centers', 'myBookings', {}, 'rt-resident')).items[0]
    // The counter, the caller with the booking, the guarded ending, the slots freed, the quota back.
    expect(await cost('cancel', { bookingId: mine.id }, 'rt-resident')).toBeLessThanOrEqual(5)
  })

  test("availability's weekly quota use equals the stored counter", async () => {
    const room = await newRoom({ weeklyQuota: 3 })
    const who = 'quota-compare'
    const a = await okBook(room.id, `${MONDAY} 09:00`, who)
    await okBook(room.id, `${MONDAY} 10:00`, who)
    await okBook(room.id, '2026-12-07 10:00', who)
    await cloud.ok('centers', 'cancel', { bookingId: a.id }, who)
    const av = await cloud.ok('centers', 'availability', { roomId: room.id, from: MONDAY, days: 14 }, who)
    for (const week of ['2026-11-30', '2026-12-07']) {
      expect(av.quotaUsed[week]).toBe(cloud.store.get('bookingQuotas', `${room.id}:${who}:${week}`)!.count)
    }
    expect(av.quotaUsed['2026-11-30']).toBe(1)
  })

  test('a slot claim whose booking never came is taken over once it is old; a fresh one is not', async () => {
    const room = await newRoom()
    const orphan = (key: string, at: Date) =>
      cloud.store.insertMany('roomSlots', [
        { _id: `${room.id}:${key}`, roomId: room.id, centerId: 'ctr-c1g1', day: MONDAY, start: new Date(`${MONDAY}T${key.slice(8, 10)}:00:00+08:00`), end: new Date(Date.parse(`${MONDAY}T${key.slice(8, 10)}:00:00+08:00`) + 3600_000), state: 'booked', bookingId: `bk-never-${key}`, openid: 'gone', at }
      ])
    orphan('202611301100', new Date(Date.parse(START) - 10 * 60_000))
    orphan('202611301200', new Date(Date.parse(START)))
    const b = await okBook(room.id, `${MONDAY} 11:00`, 'orphan-taker')
    expect(slotDoc(room.id, '202611301100')!.bookingId).toBe(b.id)
    expect(codeOf(await book(room.id, `${MONDAY} 12:00`, 'orphan-taker-2'))).toBe('CONFLICT')
  })

  test('the district sweep costs round trips per page of bookings, not per booking (its messages are one queued write a page; one write per suspension)', async () => {
    const room = await newRoom({ weeklyQuota: 5 })
    for (let i = 0; i < 5; i++) await okBook(room.id, `2026-12-0${i + 1} 10:00`, `sweep-cost-${i}`)
    cloud.clock.set('2026-12-08T10:30:00+08:00')
    await deliverMessages(cloud) // what earlier tests queued is sent first: the count below is this sweep's
    const outbox = cloud.store.count('outbox')
    const suspensions = cloud.store.count('bookingSuspensions')
    // A long backlog may take more than one call (each stops before the function's timeout).
    let ended = 0
    let requests = 0
    let calls = 0
    for (;;) {
      const { reply, stats } = await cloud.callWithStats<{ noShows: number; expired: number }>('centers', 'sweep', { centerId: 'ctr-c1g1' }, 'demo-staff')
      if (!reply.ok) throw new Error(reply.error.message)
      calls++
      requests += stats.dbRequests
      if (reply.data.noShows + reply.data.expired === 0) break
      ended += reply.data.noShows + reply.data.expired
    }
    expect(ended).toBeGreaterThanOrEqual(5)
    const pages = Math.ceil(ended / 100) + calls
    expect(requests - (cloud.store.count('bookingSuspensions') - suspensions)).toBeLessThanOrEqual(2 * calls + 8 * pages)
    // Everyone whose booking it ended is told, once, when the queue is delivered.
    await deliverMessages(cloud)
    expect(cloud.store.count('outbox') - outbox).toBe(ended)
    // What it ended holds no slot any more.
    for (const b of cloud.store.find('bookings', { roomId: room.id })) {
      expect(b.status).toBe('no_show')
      expect(cloud.store.count('roomSlots', { bookingId: b._id })).toBe(0)
    }
  })
})
