/**
 * Two phones at once, on every state machine: calls fired together with Promise.all through the
 * real SDK (each database round trip yields to the event loop, so the calls interleave), then the
 * invariants read straight from the store. Whatever the interleaving, every reply is either ok or
 * a stable error code — never INTERNAL — and the records agree with each other:
 *
 * - activities: withdraw vs check-in of the same 30 people (no service record on a withdrawn
 *   sign-up, no place given away twice), a crowd for the last places, cancel vs sign-up, two
 *   staff verifying one record, first volunteer numbers;
 * - centres: one slot booked by many, cancel vs check-in of one booking;
 * - 微心愿: claims vs the resident's cancel;
 * - tickets: the lead party, the 居委会 and the reporter moving one ticket at once;
 * - 在职党员报到: approve vs reject, approve vs the registrant moving to another community;
 * - teams: adding, removing and appointing leaders at once.
 *
 * Written against the emulator's transactions as the cloud runs them (snapshot isolation,
 * write–write conflicts, emulator/backend/transactions.ts); also valid when they are serialised.
 */
import type { Reply } from '../../contracts/reply'
import { startTestCloud, type TestCloud } from '../support/cloud'
import { addVolunteer } from '../support/volunteers'
import { clearTicketDomain, ticketHistory, wishHistory } from './tickets-support'
import { closeWaitingClaims } from '../support/messages'

let cloud: TestCloud

beforeAll(async () => {
  cloud = await startTestCloud()
  clearTicketDomain(cloud)
})
afterAll(() => cloud.close())

const at = (local: string) => cloud.clock.set(`${local}+08:00`)
beforeEach(() => at('2026-11-27T09:00:00'))

/** Runs `call` after `ms` milliseconds (0: in the same turn). */
const after = <T>(ms: number, call: () => Promise<T>): Promise<T> => (ms ? new Promise((resolve) => setTimeout(resolve, ms)).then(call) : call())

const codeOf = (reply: Reply<unknown>) => (reply.ok ? 'OK' : reply.error.code)

/** Every reply is ok or one of the expected codes (never INTERNAL); returns the codes. */
function expectStable(replies: Reply<unknown>[], allowed: string[]): string[] {
  const codes = replies.map(codeOf)
  const unexpected = replies.filter((r) => !r.ok && !allowed.includes(r.error.code))
  expect(unexpected.map((r) => (r.ok ? '' : `${r.error.code} ${r.error.message}`))).toEqual([])
  return codes
}

let people = 0
function addUser(prefix: string, fields: { roles?: string[]; communityId?: string; gridId?: string; name?: string } = {}): string {
  people++
  const openid = `${prefix}-${people}`
  // A registered volunteer (志愿者实名登记), so that they may sign up for activities.
  return addVolunteer(cloud, openid, {
    roles: fields.roles ?? [],
    name: fields.name ?? `居民${people}`,
    mobile: `137${String(people).padStart(8, '0')}`,
    communityId: fields.communityId ?? 'c1',
    gridId: fields.gridId ?? 'c1g1'
  })
}

async function activity(fields: Record<string, unknown> = {}) {
  return cloud.ok('activities', 'create', {
    title: '楼道杂物清理',
    category: '文明创建',
    description: '清理楼道杂物',
    start: '2026-11-27 10:00',
    end: '2026-11-27 12:00',
    signUpDeadline: '2026-11-27 09:30',
    place: { name: '锦绣花园3号楼' },
    capacity: 10,
    ...fields
  }, 'demo-staff')
}

/** The activity's counters agree with its sign-ups, and never exceed the capacity. */
function expectCountersAgree(activityId: string) {
  const a = cloud.store.get('activities', activityId)!
  const confirmed = cloud.store.count('activitySignups', { activityId, status: 'confirmed' })
  const waiting = cloud.store.count('activitySignups', { activityId, status: 'waiting' })
  expect({ confirmedCount: a.confirmedCount, waitingCount: a.waitingCount }).toEqual({ confirmedCount: confirmed, waitingCount: waiting })
  expect(Object.keys(a.claims ?? {})).toEqual([]) // every sign-up settled
  expect(a.placesLeft).toBe(a.capacity - confirmed)
  expect(confirmed).toBeLessThanOrEqual(a.capacity)
  return { confirmed, waiting, activity: a }
}

describe('activities', () => {
  test('30 people each withdraw and check in at the same instant: never both; no record on a withdrawn sign-up; freed places go once', async () => {
    const a = await activity({ capacity: 30 })
    const crowd = Array.from({ length: 30 }, () => addUser('wc', { roles: ['member'] }))
    const waiting = Array.from({ length: 5 }, () => addUser('wcw'))
    for (const p of [...crowd, ...waiting]) await cloud.ok('activities', 'signUp', { activityId: a._id }, p)
    at('2026-11-27T09:10:00') // check-in is open (from 09:00), withdrawal still allowed (until 09:30)
    const token = (await cloud.ok('activities', 'checkinCode', { activityId: a._id }, 'demo-staff')).token

    // Both phones at once; the check-in a few milliseconds later for some, so that both orders
    // (and the overlaps between them) happen.
    const replies = await Promise.all(
      crowd.flatMap((p, i) => [
        cloud.call('activities', 'withdraw', { activityId: a._id }, p),
        after(i % 2 ? 0 : i * 6, () => cloud.call('activities', 'checkIn', { token, activityId: a._id }, p))
      ])
    )
    // A check-in after the withdrawal is refused (FORBIDDEN: the code checks in only those signed up).
    expectStable(replies, ['CONFLICT', 'FORBIDDEN'])
    if (process.env.RACE_DEBUG) console.log('withdraw/check-in outcomes', replies.map(codeOf).join(' '))

    for (const [i, p] of crowd.entries()) {
      const [withdrew, checkedIn] = [replies[2 * i], replies[2 * i + 1]]
      const signUp = cloud.store.get('activitySignups', `${a._id}:${p}`)!
      const record = cloud.store.get('serviceRecords', `${a._id}:${p}`)
      // Exactly one story per person: checked in (and the withdrawal refused), or withdrawn (and
      // the check-in refused: no walk-in by the code).
      expect(withdrew.ok !== checkedIn.ok).toBe(true)
      if (record) expect(signUp.status).toBe('confirmed')
      if (signUp.status === 'withdrawn') expect(record).toBeNull()
      if (checkedIn.ok) expect(record).not.toBeNull()
      if (withdrew.ok) expect(signUp.status).toBe('withdrawn')
    }
    // Every service record belongs to a confirmed sign-up, and the counters agree.
    for (const r of cloud.store.find('serviceRecords', { activityId: a._id }))
      expect(cloud.store.get('activitySignups', `${a._id}:${r.openid}`)!.status).toBe('confirmed')
    await closeWaitingClaims(cloud, a._id)
    const { confirmed } = expectCountersAgree(a._id)
    // Each of the waiting was promoted at most once, in order; the freed places went to them.
    const promoted = waiting.filter((p) => cloud.store.get('activitySignups', `${a._id}:${p}`)!.status === 'confirmed')
    expect(promoted).toEqual(waiting.slice(0, promoted.length))
    const withdrawn = crowd.filter((p) => cloud.store.get('activitySignups', `${a._id}:${p}`)!.status === 'withdrawn').length
    expect(promoted).toHaveLength(Math.min(waiting.length, withdrawn))
    expect(confirmed).toBe(30 - withdrawn + promoted.length)
  })

  test('40 people at once for the last 2 places: exactly 2 confirmed, 38 waiting numbered 1…38', async () => {
    const a = await activity({ capacity: 5 })
    for (let i = 0; i < 3; i++) await cloud.ok('activities', 'signUp', { activityId: a._id }, addUser('lp'))
    const crowd = Array.from({ length: 40 }, () => addUser('lpc'))
    const replies = await Promise.all(crowd.map((p) => cloud.call('activities', 'signUp', { activityId: a._id }, p)))
    expectStable(replies, [])
    const statuses = replies.map((r) => (r.ok ? (r.data as { status: string }).status : ''))
    expect(statuses.filter((s) => s === 'confirmed')).toHaveLength(2)
    await closeWaitingClaims(cloud, a._id)
    const { confirmed, waiting } = expectCountersAgree(a._id)
    expect({ confirmed, waiting }).toEqual({ confirmed: 5, waiting: 38 })
    // The waiting list is ordered by (signedUpAt, _id): positions 1…38, each person's their place.
    const line = cloud.store.find('activitySignups', { activityId: a._id, status: 'waiting' }, { sort: { signedUpAt: 1, _id: 1 } })
    const seen = await Promise.all(line.map(async (s) => (await cloud.ok('activities', 'get', { activityId: a._id }, s.openid)).mySignUp))
    expect(seen).toEqual(line.map((_, i) => ({ status: 'waiting', position: i + 1 })))
  })

  test('sign-ups, withdrawals and the organiser cancelling, all at once: nobody stays signed up for a cancelled activity', async () => {
    const a = await activity({ capacity: 8 })
    const early = Array.from({ length: 10 }, () => addUser('cs'))
    for (const p of early) await cloud.ok('activities', 'signUp', { activityId: a._id }, p)
    const late = Array.from({ length: 12 }, () => addUser('csl'))
    const replies = await Promise.all([
      ...late.map((p) => cloud.call('activities', 'signUp', { activityId: a._id }, p)),
      ...early.slice(0, 4).map((p) => cloud.call('activities', 'withdraw', { activityId: a._id }, p)),
      cloud.call('activities', 'cancel', { activityId: a._id, reason: '暴雨预警，活动取消' }, 'demo-staff')
    ])
    expectStable(replies, ['CONFLICT'])
    expect(replies[replies.length - 1].ok).toBe(true)
    expect(cloud.store.get('activities', a._id)!.status).toBe('cancelled')
    // A waiting sign-up whose claim came before the cancel and its add after the cancel's bulk
    // update is cancelled by the timer (signups.ts step 3).
    await closeWaitingClaims(cloud, a._id)
    expect(cloud.store.count('activitySignups', { activityId: a._id, status: { $in: ['confirmed', 'waiting'] } })).toBe(0)
    // A sign-up that was answered ok was recorded (and then cancelled with the activity).
    for (const [i, p] of late.entries()) {
      const s = cloud.store.get('activitySignups', `${a._id}:${p}`)
      if (replies[i].ok) expect(s?.status).toBe('cancelled')
      else expect(s).toBeNull()
    }
  })

  test('the organiser lowers the capacity while ten people sign up: never more confirmed than places', async () => {
    const a = await activity({ capacity: 10, start: '2026-11-29 09:00', end: '2026-11-29 11:00', signUpDeadline: '2026-11-28 18:00' })
    for (let i = 0; i < 5; i++) await cloud.ok('activities', 'signUp', { activityId: a._id }, addUser('ce'))
    const crowd = Array.from({ length: 10 }, () => addUser('cec'))
    const replies = await Promise.all([
      ...crowd.map((p) => cloud.call('activities', 'signUp', { activityId: a._id }, p)),
      cloud.call('activities', 'update', { activityId: a._id, capacity: 7 }, 'demo-staff')
    ])
    const codes = expectStable(replies, ['CONFLICT'])
    expect(codes.slice(0, 10).every((c) => c === 'OK')).toBe(true)
    await closeWaitingClaims(cloud, a._id)
    const { confirmed, waiting, activity: stored } = expectCountersAgree(a._id)
    // Lowered: 7 places (taken by those confirmed before); or refused because more held places by then.
    if (codes[10] === 'OK') expect(stored.capacity).toBe(7)
    else expect({ capacity: stored.capacity, confirmed }).toEqual({ capacity: 10, confirmed: 10 })
    expect(confirmed + waiting).toBe(15)
  })

  test('a make-up record added while the volunteer scans in: one record, never an error', async () => {
    const a = await activity({ capacity: 10 })
    const crowd = Array.from({ length: 6 }, () => addUser('mu', { roles: ['member'] }))
    for (const p of crowd) await cloud.ok('activities', 'signUp', { activityId: a._id }, p)
    const codes = await Promise.all(crowd.map(async (p) => (await cloud.ok('activities', 'memberCode', {}, p)).memberCode as string))
    at('2026-11-27T10:30:00')
    const token = (await cloud.ok('activities', 'checkinCode', { activityId: a._id }, 'demo-staff')).token
    const replies = await Promise.all(
      crowd.flatMap((p, i) => [
        cloud.call('activities', 'checkIn', { token }, p),
        cloud.call('activities', 'makeUp', { activityId: a._id, memberCode: codes[i], minutes: 90, reason: '手机没电，现场确认' }, 'demo-staff')
      ])
    )
    expectStable(replies, ['CONFLICT'])
    for (const [i, p] of crowd.entries()) {
      const record = cloud.store.get('serviceRecords', `${a._id}:${p}`)!
      const [scan, makeUp] = [replies[2 * i], replies[2 * i + 1]]
      expect(scan.ok).toBe(true)
      // Whichever came first made the record; the other was told so.
      expect(record.source).toBe(makeUp.ok ? 'makeup' : 'checkin')
      expect((scan as { data: { already: boolean } }).data.already).toBe(makeUp.ok)
    }
    expect(cloud.store.count('serviceRecords', { activityId: a._id })).toBe(6)
  })

  test('staff scanning a volunteer while the volunteer scans the code, ten times over: one record each (walk-ins: the code refused or told it was done)', async () => {
    const a = await activity({ capacity: 10 })
    const crowd = Array.from({ length: 10 }, () => addUser('ss', { roles: ['member'] }))
    for (const p of crowd.slice(0, 5)) await cloud.ok('activities', 'signUp', { activityId: a._id }, p)
    const codes = await Promise.all(crowd.map(async (p) => (await cloud.ok('activities', 'memberCode', {}, p)).memberCode as string))
    at('2026-11-27T09:50:00')
    const token = (await cloud.ok('activities', 'checkinCode', { activityId: a._id }, 'demo-staff')).token
    const replies = await Promise.all(
      crowd.flatMap((p, i) => [
        cloud.call('activities', 'checkIn', { token }, p),
        cloud.call('activities', 'staffScan', { activityId: a._id, memberCode: codes[i], direction: 'in', walkIn: i >= 5 }, 'demo-staff')
      ])
    )
    expectStable(replies, ['FORBIDDEN'])
    expect(cloud.store.count('serviceRecords', { activityId: a._id })).toBe(10)
    for (const [i] of crowd.entries()) {
      const [scan, staff] = [replies[2 * i], replies[2 * i + 1]]
      const both = [scan, staff].map((r) => (r.ok ? (r.data as { already: boolean }).already : null))
      if (i < 5) expect(both.sort()).toEqual([false, true]) // one did it, the other was told it was done
      else {
        // Not signed up: only the organiser's scan records them; the code is refused, or (after
        // the walk-in) told it was done.
        expect(both[1]).toBe(false)
        expect(scan.ok ? both[0] : codeOf(scan)).toBe(scan.ok ? true : 'FORBIDDEN')
      }
    }
    expect(expectCountersAgree(a._id).confirmed).toBe(10)
  })

  test('two organisers verify one record at once, while 20 first-timers ask for their volunteer numbers', async () => {
    const a = await activity({ capacity: 10 })
    const volunteer = addUser('vr', { roles: ['member'] })
    await cloud.ok('activities', 'signUp', { activityId: a._id }, volunteer)
    at('2026-11-27T09:55:00')
    const token = (await cloud.ok('activities', 'checkinCode', { activityId: a._id }, 'demo-staff')).token
    await cloud.ok('activities', 'checkIn', { token }, volunteer)
    at('2026-11-27T12:30:00')
    const recordId = `${a._id}:${volunteer}`
    await cloud.ok('activities', 'records', { activityId: a._id, page: 1, pageSize: 20 }, 'demo-staff') // closes it at the end
    const taken = cloud.store.find('volunteers', {}).map((v) => Number(String(v.volunteerNo).replace(/\D/g, '')))
    const before = Math.max(0, ...taken)
    const firstTimers = Array.from({ length: 20 }, () => addUser('vn'))
    const replies = await Promise.all([
      cloud.call('activities', 'verify', { recordId, decision: 'approve' }, 'demo-staff'),
      cloud.call('activities', 'verify', { recordId, decision: 'adjust', minutes: 60, reason: '中途离开一小时' }, 'demo-staff'),
      ...firstTimers.map((p) => cloud.call('activities', 'memberCode', {}, p))
    ])
    expectStable(replies, [])
    const record = cloud.store.get('serviceRecords', recordId)!
    const decisions = record.history.filter((h: { action: string }) => h.action === '认定' || h.action === '调整后认定')
    expect(decisions).toHaveLength(2) // both applied, one after the other
    const last = decisions[decisions.length - 1]
    expect(record.status).toBe(last.action === '认定' ? 'approved' : 'adjusted')
    expect(record.verifiedMinutes).toBe(last.minutes)
    // Volunteer numbers: distinct and consecutive after the highest one taken before.
    const numbers = [volunteer, ...firstTimers].map((p) => cloud.store.get('volunteers', p)?.volunteerNo).filter(Boolean) as string[]
    expect(new Set(numbers).size).toBe(numbers.length)
    const sequence = numbers.map((n) => Number(n.replace(/\D/g, ''))).sort((x, y) => x - y)
    expect(sequence).toEqual(Array.from({ length: numbers.length }, (_, i) => before + 1 + i))
  })
})

describe('centres', () => {
  const MONDAY = '2026-11-30'
  let roomSeq = 0
  async function newRoom() {
    roomSeq++
    return cloud.ok('centers', 'saveRoom', { centerId: 'ctr-c1g1', name: `竞争活动室${roomSeq}`, capacity: 20, slotMinutes: 60, weeklyQuota: 2, maxSlots: 3, needsApproval: false }, 'demo-staff')
  }
  const book = (roomId: string, start: string, openid: string) =>
    cloud.call<{ id: string }>('centers', 'book', { roomId, start, slots: 1, purpose: '楼栋议事会', attendees: 8 }, openid)

  test('twenty residents book one slot at once: exactly one booking, one slot document, one quota used', async () => {
    const room = await newRoom()
    const crowd = Array.from({ length: 20 }, () => addUser('bk'))
    const replies = await Promise.all(crowd.map((p) => book(room.id, `${MONDAY} 10:00`, p)))
    const codes = expectStable(replies, ['CONFLICT'])
    expect(codes.filter((c) => c === 'OK')).toHaveLength(1)
    expect(cloud.store.count('bookings', { roomId: room.id, status: { $in: ['pending', 'confirmed'] } })).toBe(1)
    expect(cloud.store.count('roomSlots', { roomId: room.id })).toBe(1)
    const winner = crowd[codes.indexOf('OK')]
    expect(cloud.store.find('bookingQuotas', { roomId: room.id }).map((q) => [q.openid, q.count])).toEqual([[winner, 1]])
  })

  test('staff cancel while the resident checks in, for five bookings at once: one or the other, never both', async () => {
    const rooms = [] as { id: string; code: string }[]
    for (let i = 0; i < 5; i++) rooms.push(await newRoom())
    const staffRooms = (await cloud.ok('centers', 'get', { centerId: 'ctr-c1g1' }, 'demo-staff')).rooms as { id: string; code: string }[]
    const residents = rooms.map(() => addUser('ci'))
    const bookings = [] as { id: string }[]
    for (const [i, room] of rooms.entries()) bookings.push((await book(room.id, `${MONDAY} 10:00`, residents[i]) as { ok: true; data: { id: string } }).data)
    at('2026-11-30T09:55:00')
    const replies = await Promise.all(
      rooms.flatMap((room, i) => [
        cloud.call('centers', 'cancel', { bookingId: bookings[i].id, reason: '临时安排防汛会议' }, 'demo-staff'),
        cloud.call('centers', 'checkIn', { roomCode: staffRooms.find((r) => r.id === room.id)!.code }, residents[i])
      ])
    )
    expectStable(replies, ['CONFLICT'])
    for (const [i, b] of bookings.entries()) {
      const [cancelled, checkedIn] = [replies[2 * i], replies[2 * i + 1]]
      expect([cancelled.ok, checkedIn.ok].filter(Boolean)).toHaveLength(1)
      const stored = cloud.store.get('bookings', b.id)!
      expect(stored.status).toBe(cancelled.ok ? 'cancelled' : 'checked_in')
      // A cancelled booking gave its slot back; a checked-in one holds it.
      expect(cloud.store.count('roomSlots', { bookingId: b.id })).toBe(cancelled.ok ? 0 : 1)
    }
  })

  test('two cancels, a blackout and the resident racing on one booking (guarded updates, no transactions): one ending, the quota given back once', async () => {
    for (let round = 0; round < 3; round++) {
      const room = (await newRoom()) as { id: string }
      const resident = addUser('gx')
      const b = (await book(room.id, `${MONDAY} 10:00`, resident)) as { ok: true; data: { id: string } }
      const replies = await Promise.all([
        cloud.call('centers', 'cancel', { bookingId: b.data.id }, resident),
        cloud.call('centers', 'cancel', { bookingId: b.data.id, reason: '临时安排防汛会议' }, 'demo-staff'),
        cloud.call('centers', 'blackout', { roomId: room.id, start: `${MONDAY} 09:00`, end: `${MONDAY} 12:00`, reason: '线路检修' }, 'demo-staff')
      ])
      expectStable(replies, ['CONFLICT'])
      const stored = cloud.store.get('bookings', b.data.id)!
      expect(stored.status).toBe('cancelled')
      expect(stored.history.filter((h: { action: string }) => h.action === 'cancelled' || h.action === 'displaced')).toHaveLength(1)
      expect(cloud.store.get('bookingQuotas', `${room.id}:${resident}:${MONDAY}`)!.count).toBe(0)
      // The blackout (its record) holds every slot of its period, the booking none.
      expect(cloud.store.findOne('roomBlackouts', { roomId: room.id })!.slotIds).toHaveLength(3)
      expect(cloud.store.count('roomSlots', { bookingId: b.data.id })).toBe(0)
    }
  })
})

describe('微心愿', () => {
  test('five members claim while the resident cancels: at most one claim, and the wish’s history is whole', async () => {
    for (let round = 0; round < 4; round++) {
      const resident = addUser('wr')
      const members = Array.from({ length: 5 }, () => addUser('wm', { roles: ['member'] }))
      const wish = await cloud.ok('wishes', 'create', { category: 'shopping', title: '帮忙买一周的菜和药', description: '腿脚不便，下不了楼' }, resident)
      // Published first (a pending wish cannot be claimed at all, which would make the race vacuous).
      await cloud.ok('wishes', 'review', { wishId: wish._id, decision: 'approve' }, 'demo-staff')
      const replies = await Promise.all([
        ...members.map((m) => cloud.call('wishes', 'claim', { wishId: wish._id }, m)),
        cloud.call('wishes', 'cancel', { wishId: wish._id, note: '家里人回来了' }, resident)
      ])
      const codes = expectStable(replies, ['CONFLICT'])
      const claims = codes.slice(0, 5).filter((c) => c === 'OK').length
      expect(claims).toBeLessThanOrEqual(1)
      // An open or claimed wish can always be cancelled by its resident: the cancel never loses.
      expect(codes[5]).toBe('OK')
      const stored = cloud.store.get('wishes', wish._id)!
      expect(stored.status).toBe('cancelled')
      const events = wishHistory(cloud, wish._id)
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1))
      expect(stored.seq).toBe(events.length)
      expect(events.map((e) => e.kind)).toEqual(claims ? ['created', 'approved', 'claimed', 'cancelled'] : ['created', 'approved', 'cancelled'])
      // The member who holds it is the one whose claim succeeded (or nobody).
      expect(stored.memberOpenid ?? null).toBe(claims ? members[codes.indexOf('OK')] : null)
    }
  })
})

describe('tickets', () => {
  test('the lead party resolves, the 居委会 closes and the reporter withdraws at once: one change wins, history intact', async () => {
    for (let round = 0; round < 4; round++) {
      const reporter = addUser('tr')
      const t = await cloud.ok('tickets', 'create', { category: 'drain', description: '1号楼门口下水道堵塞，污水漫到路面', gridId: 'c1g1', buildingId: 'c1g1b1' }, reporter)
      await cloud.ok('tickets', 'transition', { ticketId: t._id, to: 'accepted' }, 'demo-property')
      const replies = await Promise.all([
        cloud.call('tickets', 'transition', { ticketId: t._id, to: 'resolved', note: '管道已疏通' }, 'demo-property'),
        cloud.call('tickets', 'transition', { ticketId: t._id, to: 'closed', note: '重复反映' }, 'demo-staff'),
        cloud.call('tickets', 'transition', { ticketId: t._id, to: 'closed' }, reporter),
        cloud.call('tickets', 'comment', { ticketId: t._id, text: '师傅什么时候到？' }, reporter)
      ])
      const codes = expectStable(replies, ['CONFLICT'])
      expect(codes.slice(0, 3).filter((c) => c === 'OK')).toHaveLength(1)
      expect(codes[3]).toBe('OK')
      const stored = cloud.store.get('tickets', t._id)!
      const events = ticketHistory(cloud, t._id)
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1))
      expect(stored.seq).toBe(events.length)
      const moves = events.filter((e) => e.kind === 'resolved' || e.kind === 'closed')
      expect(moves).toHaveLength(1)
      expect(stored.status).toBe(moves[0].to)
    }
  })
})

describe('在职党员报到', () => {
  let sceneC1 = ''
  let sceneC2 = ''
  let n = 0
  const form = (scene: string, mobile: string) => ({
    scene,
    name: '刘志远',
    mobile,
    workUnit: '市第一人民医院',
    partyOrg: '市一院党委第二党支部',
    gridId: scene === sceneC1 ? 'c1g2' : 'c2g1',
    buildingId: scene === sceneC1 ? 'c1g2b3' : 'c2g1b1',
    room: '502',
    consent: true
  })
  async function registerNew(scene: string) {
    n++
    const openid = `race-reg-${n}`
    const mobile = `135${String(n).padStart(8, '0')}`
    const out = await cloud.ok('members', 'register', form(scene, mobile), openid)
    return { openid, mobile, id: out.registration.id as string }
  }
  beforeAll(async () => {
    sceneC1 = (await cloud.ok('qrcodes', 'community', { communityId: 'c1' }, 'demo-staff')).scene
    sceneC2 = (await cloud.ok('qrcodes', 'community', { communityId: 'c2' }, 'demo-staff-2')).scene
  })

  test('approve and reject by two staff at once, five times: exactly one decision each time', async () => {
    for (let round = 0; round < 5; round++) {
      const r = await registerNew(sceneC1)
      const replies = await Promise.all([
        cloud.call('members', 'review', { registrationId: r.id, decision: 'approve' }, 'demo-staff'),
        cloud.call('members', 'review', { registrationId: r.id, decision: 'reject', reason: '信息不实' }, 'demo-admin')
      ])
      const codes = expectStable(replies, ['CONFLICT'])
      expect(codes.filter((c) => c === 'OK')).toHaveLength(1)
      const stored = cloud.store.get('registrations', r.id)!
      expect(stored.status).toBe(codes[0] === 'OK' ? 'approved' : 'rejected')
      expect(stored.history.filter((h: { event: string }) => h.event === 'approved' || h.event === 'rejected')).toHaveLength(1)
      const user = cloud.store.get('users', r.openid)
      expect(Boolean(user?.roles?.includes('member'))).toBe(stored.status === 'approved')
    }
  })

  test('staff approve while the registrant moves the registration to another community: never approved where it no longer is', async () => {
    for (let round = 0; round < 5; round++) {
      const r = await registerNew(sceneC1)
      const replies = await Promise.all([
        cloud.call('members', 'review', { registrationId: r.id, decision: 'approve' }, 'demo-staff'),
        cloud.call('members', 'register', form(sceneC2, r.mobile), r.openid)
      ])
      expectStable(replies, ['CONFLICT'])
      const mine = cloud.store.find('registrations', { openid: r.openid })
      for (const reg of mine.filter((x) => x.status === 'approved')) {
        // Approved by staff of the community it is in, placed in that community's branches.
        expect(reg.communityId).toBe('c1')
        expect(reg.placement.branchId).toMatch(/^br-c1/)
      }
      expect(mine.filter((x) => x.status === 'approved')).toHaveLength(replies[0].ok ? 1 : 0)
      expect(mine.filter((x) => x.status === 'pending').length).toBeLessThanOrEqual(1)
    }
  })

  test('the new community approves a transfer while the old one is asked to review it too: one transfer, one approved registration', async () => {
    const r = await registerNew(sceneC1)
    await cloud.ok('members', 'review', { registrationId: r.id, decision: 'approve' }, 'demo-staff')
    const moved = await cloud.ok('members', 'register', form(sceneC2, r.mobile), r.openid)
    const transferId = moved.registration.id as string
    const replies = await Promise.all([
      cloud.call('members', 'review', { registrationId: transferId, decision: 'approve' }, 'demo-staff-2'),
      cloud.call('members', 'review', { registrationId: transferId, decision: 'approve' }, 'demo-admin'),
      cloud.call('members', 'review', { registrationId: transferId, decision: 'reject', reason: '请核实住址' }, 'demo-admin')
    ])
    const codes = expectStable(replies, ['CONFLICT'])
    expect(codes.filter((c) => c === 'OK')).toHaveLength(1)
    const all = cloud.store.find('registrations', { openid: r.openid })
    expect(all.filter((x) => x.status === 'approved')).toHaveLength(1)
    const old = cloud.store.get('registrations', r.id)!
    expect(old.status).toBe(codes[2] === 'OK' ? 'approved' : 'transferred')
  })
})

describe('teams', () => {
  test('adding, removing and appointing leaders at once: the count is right and there is one leader', async () => {
    const team = await cloud.ok('teams', 'create', { name: '竞争测试服务队', type: 'liaison', communityId: 'c1', description: '测试用的服务队' }, 'demo-staff')
    const crowd = Array.from({ length: 8 }, () => addUser('tm', { roles: ['member'] }))
    const codes = await Promise.all(crowd.map(async (p) => (await cloud.ok('activities', 'memberCode', {}, p)).memberCode as string))
    for (const code of codes.slice(0, 4)) await cloud.ok('teams', 'addMember', { teamId: team._id, memberCode: code, role: 'member' }, 'demo-staff')
    const teamId = team._id
    const replies = await Promise.all([
      ...codes.slice(4).map((code, i) => cloud.call('teams', 'addMember', { teamId, memberCode: code, role: i === 0 ? 'leader' : 'member' }, 'demo-staff')),
      cloud.call('teams', 'removeMember', { teamId, openid: crowd[0], reason: '搬离本社区' }, 'demo-staff'),
      cloud.call('teams', 'setLeader', { teamId, openid: crowd[1] }, 'demo-staff'),
      cloud.call('teams', 'setLeader', { teamId, openid: crowd[2] }, 'demo-staff'),
      cloud.call('teams', 'addMember', { teamId, memberCode: codes[5], role: 'member' }, 'demo-staff')
    ])
    expectStable(replies, ['CONFLICT'])
    // codes[5] is added twice: one of the two is refused (已是本队队员). A change that met too many
    // others may be refused with CONFLICT too (at the cloud's 20 ms per round trip): what stands
    // is exactly what was answered ok.
    const adds = replies.slice(0, 4).concat(replies[7])
    const [removed, leaderA, leaderB] = replies.slice(4, 7)
    expect(adds.filter((r) => r.ok).length).toBeLessThanOrEqual(4)
    const stored = cloud.store.get('teams', teamId)!
    const active = cloud.store.find('teamMembers', { teamId, status: 'active' })
    expect(stored.memberCount).toBe(active.length)
    expect(active).toHaveLength(4 + adds.filter((r) => r.ok).length - (removed.ok ? 1 : 0))
    const leaders = active.filter((m) => m.role === 'leader')
    const leaderAppointed = replies[0].ok || leaderA.ok || leaderB.ok
    expect(leaders).toHaveLength(leaderAppointed ? 1 : 0)
    expect(stored.leaderOpenid ?? null).toBe(leaders[0]?.openid ?? null)
  })
})

describe('a conflict that outlives the retries', () => {
  test('answers CONFLICT with a message people understand, never INTERNAL', async () => {
    const { db } = await import('../../server/core/db')
    const { action, defineFunction } = await import('../../server/core/function')
    const { isTransactionConflict } = await import('../../server/core/errors')
    const { transaction } = await import('../../server/core/transaction')
    const { z } = await import('../../contracts/zod')
    // Another transaction holds the document for the whole time.
    const blocker = await (db() as unknown as { startTransaction(): Promise<any> }).startTransaction()
    await blocker.collection('settings').doc('race-probe').set({ data: { value: 1 } })
    let seen: unknown
    const main = defineFunction('probe', {
      probe: action({
        input: z.object({}),
        access: 'public',
        handler: () =>
          transaction(async (tx) => {
            await tx.collection('settings').doc('race-probe').set({ data: { value: 2 } })
          }, { rounds: 2 }).catch((error) => {
            seen = error
            throw error
          })
      })
    })
    try {
      expect(await main({ action: 'probe' })).toEqual({ ok: false, error: { code: 'CONFLICT', message: '操作的人较多，请稍后重试' } })
      expect(isTransactionConflict(seen)).toBe(true)
    } finally {
      await blocker.rollback()
    }
  })
})
