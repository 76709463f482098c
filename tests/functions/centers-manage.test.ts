/**
 * Keeping the centres: blackouts (displacing bookings, racing bookings), utilisation and its
 * export, the funding ledger (the seed's figures, automatic subsidy and reward), the construction
 * lifecycle, rooms and their check-in codes — with every role and scope refusal.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import type { BookingView, RoomView } from '../../contracts/centers'
import { startTestCloud, type TestCloud } from '../support/cloud'
import { deliverMessages } from '../support/messages'

let cloud: TestCloud
const START = '2026-11-27T09:00:00+08:00'

beforeAll(async () => {
  cloud = await startTestCloud({ start: START })
})
afterAll(() => cloud.close())
beforeEach(() => cloud.clock.set(START))

const codeOf = (reply: { ok: boolean; error?: { code: string } }) => (reply.ok ? 'OK' : reply.error!.code)
let seq = 0
const newRoom = (options: object = {}, centerId = 'ctr-c1g1', who = 'demo-staff') =>
  cloud.ok<RoomView>('centers', 'saveRoom', { centerId, name: `管理测试室${++seq}`, capacity: 20, slotMinutes: 60, weeklyQuota: 5, ...options }, who)
const book = (roomId: string, start: string, openid: string, slots = 1) =>
  cloud.call<BookingView>('centers', 'book', { roomId, start, slots, purpose: '兴趣小组活动', attendees: 6 }, openid)

describe('blackouts', () => {
  test('a blackout cancels the bookings it displaces, tells their owners why, and blocks the slots', async () => {
    const room = await newRoom({ maxSlots: 3 })
    const a = (await book(room.id, '2026-12-01 09:00', 'bo-a', 3)) as any // 09–12, partly inside
    const b = (await book(room.id, '2026-12-01 14:00', 'bo-b')) as any // outside
    expect(a.ok && b.ok).toBe(true)
    expect(codeOf(await cloud.call('centers', 'blackout', { roomId: room.id, start: '2026-12-01 11:00', end: '2026-12-01 13:30', reason: '墙面维修' }, 'demo-resident'))).toBe('FORBIDDEN')
    expect(codeOf(await cloud.call('centers', 'blackout', { roomId: room.id, start: '2026-12-01 11:00', end: '2026-12-01 13:30', reason: '墙面维修' }, 'demo-staff-2'))).toBe('FORBIDDEN')
    expect(codeOf(await cloud.call('centers', 'blackout', { roomId: room.id, start: '2026-12-01 13:00', end: '2026-12-01 11:00', reason: '墙面维修' }, 'demo-staff'))).toBe('INVALID_INPUT')
    expect(codeOf(await cloud.call('centers', 'blackout', { roomId: room.id, start: '2026-12-01 11:00', end: '2026-12-01 13:00' }, 'demo-staff'))).toBe('INVALID_INPUT')
    expect(cloud.store.count('roomBlackouts', { roomId: room.id })).toBe(0)

    const bo = await cloud.ok('centers', 'blackout', { roomId: room.id, start: '2026-12-01 11:00', end: '2026-12-01 13:30', reason: '墙面维修' }, 'demo-staff')
    expect(bo).toMatchObject({ reason: '墙面维修', cancelledBookings: 1, lifted: false })
    const displaced = cloud.store.get('bookings', a.data.id)!
    expect(displaced).toMatchObject({ status: 'cancelled', reason: '暂停开放：墙面维修', closedBy: 'blackout' })
    expect(cloud.store.get('bookings', b.data.id)!.status).toBe('confirmed')
    // 11:00, 12:00 and 13:00 are blocked (the blackout's record holds them: no document per slot);
    // the displaced booking's slots, 09:00 and 10:00 too, are free.
    expect(cloud.store.get('roomBlackouts', bo.id)!.slotIds).toEqual(['1100', '1200', '1300'].map((t) => `${room.id}:20261201${t}`))
    for (const t of ['0900', '1000', '1100', '1200', '1300']) expect(cloud.store.get('roomSlots', `${room.id}:20261201${t}`)).toBeNull()
    // The message is queued (one write for every displaced resident) and sent by the drain.
    expect(cloud.store.count('outbox', { touser: 'bo-a' })).toBe(0)
    await deliverMessages(cloud)
    const msg = cloud.store.findOne('outbox', { touser: 'bo-a', templateId: 'tpl-booking-cancelled' })
    expect(msg!.data.thing3.value).toBe('暂停开放：墙面维修')
    // The displaced resident's quota came back; blocked slots cannot be booked; free ones can.
    expect(cloud.store.get('bookingQuotas', `${room.id}:bo-a:2026-11-30`)!.count).toBe(0)
    expect(codeOf(await book(room.id, '2026-12-01 12:00', 'bo-c'))).toBe('CONFLICT')
    expect(codeOf(await book(room.id, '2026-12-01 10:00', 'bo-c'))).toBe('OK')
    const av = await cloud.ok('centers', 'availability', { roomId: room.id, from: '2026-12-01', days: 1 }, 'bo-c')
    const slot = av.days[0].slots.find((s: any) => s.label === '12:00')
    expect(slot).toMatchObject({ state: 'blocked', bookable: false, note: '墙面维修' })

    const list = await cloud.ok('centers', 'blackouts', { roomId: room.id }, 'demo-staff')
    expect(list.items.map((x: any) => x.id)).toEqual([bo.id])
    // Lifting frees the blocked slots (the displaced booking stays cancelled).
    expect(codeOf(await cloud.call('centers', 'liftBlackout', { blackoutId: bo.id }, 'demo-staff-2'))).toBe('FORBIDDEN')
    await cloud.ok('centers', 'liftBlackout', { blackoutId: bo.id }, 'demo-staff')
    expect(cloud.store.count('roomSlots', { roomId: room.id, state: 'blocked' })).toBe(0)
    expect(codeOf(await book(room.id, '2026-12-01 12:00', 'bo-c'))).toBe('OK')
    expect(cloud.store.get('bookings', a.data.id)!.status).toBe('cancelled')
  })

  test('bookings racing a blackout never end up inside it', async () => {
    const room = await newRoom()
    const hours = ['09:00', '10:00', '11:00', '12:00', '13:00', '14:00', '15:00', '16:00']
    const [, ...replies] = await Promise.all([
      cloud.call('centers', 'blackout', { roomId: room.id, start: '2026-12-02 10:00', end: '2026-12-02 15:00', reason: '社区党员大会' }, 'demo-staff'),
      ...hours.flatMap((h, i) => [book(room.id, `2026-12-02 ${h}`, `racer-${i}-a`), book(room.id, `2026-12-02 ${h}`, `racer-${i}-b`)])
    ])
    expect(replies.every((r) => r.ok || ['CONFLICT'].includes(r.error.code))).toBe(true)
    const inside = cloud.store
      .find('bookings', { roomId: room.id, status: { $in: ['pending', 'confirmed'] } })
      .filter((b) => b.start.getTime() < Date.parse('2026-12-02T15:00:00+08:00') && b.end.getTime() > Date.parse('2026-12-02T10:00:00+08:00'))
    expect(inside).toHaveLength(0)
    // The blackout's record holds its five slots; no booking holds a slot document inside it.
    const bo = cloud.store.findOne('roomBlackouts', { roomId: room.id })!
    expect(bo.slotIds).toHaveLength(5)
    expect(cloud.store.find('roomSlots', { roomId: room.id }).filter((s) => bo.slotIds.includes(s._id))).toHaveLength(0)
    // Outside the blackout each slot has exactly one booking.
    for (const key of ['202612020900', '202612021500', '202612021600']) expect(cloud.store.get('roomSlots', `${room.id}:${key}`)!.state).toBe('booked')
  })
})

describe('rooms and codes', () => {
  test('only staff of the community define rooms; rules are checked', async () => {
    expect(codeOf(await cloud.call('centers', 'saveRoom', { centerId: 'ctr-c1g1', name: '越权活动室', capacity: 10 }, 'demo-staff-2'))).toBe('FORBIDDEN')
    expect(codeOf(await cloud.call('centers', 'saveRoom', { centerId: 'ctr-c1g1', name: '越权活动室', capacity: 10 }, 'demo-resident'))).toBe('FORBIDDEN')
    expect(codeOf(await cloud.call('centers', 'saveRoom', { centerId: 'ctr-c1g1', name: '活动室', capacity: 10, slotMinutes: 45 }, 'demo-staff'))).toBe('INVALID_INPUT')
    const before = cloud.store.get('centers', 'ctr-c1g1')!.roomCount
    const room = await newRoom({ needsApproval: true, facilities: ['投影仪'] })
    expect(room).toMatchObject({ needsApproval: true, facilities: ['投影仪'], active: true, slotMinutes: 60, bookAheadDays: 14 })
    expect(room.code).toMatch(/^[A-Z2-9]{8}$/)
    expect(cloud.store.get('centers', 'ctr-c1g1')!.roomCount).toBe(before + 1)
    // The slot length cannot change under live bookings (slot documents follow the grid).
    await book(room.id, '2026-12-03 10:00', 'grid-holder')
    const change = await cloud.call('centers', 'saveRoom', { roomId: room.id, centerId: 'ctr-c1g1', name: room.name, capacity: 20, slotMinutes: 120, needsApproval: true }, 'demo-staff')
    expect(codeOf(change)).toBe('CONFLICT')
    const rename = await cloud.ok('centers', 'saveRoom', { roomId: room.id, centerId: 'ctr-c1g1', name: '新名字活动室', capacity: 25, slotMinutes: 60, needsApproval: true }, 'demo-staff')
    expect(rename).toMatchObject({ name: '新名字活动室', capacity: 25, code: room.code })
  })

  test("a room's check-in QR code opens the check-in page with the code", async () => {
    const room = await newRoom()
    expect(codeOf(await cloud.call('centers', 'roomCode', { roomId: room.id }, 'demo-staff-2'))).toBe('FORBIDDEN')
    const code = await cloud.ok('centers', 'roomCode', { roomId: room.id }, 'demo-staff')
    expect(code).toMatchObject({ code: room.code, page: 'packages/centers/pages/checkin/index', roomName: room.name })
    const file = join(cloud.dataDir, 'files', code.qrUrl.replace(/^.*\/files\//, ''))
    expect(existsSync(file)).toBe(true)
    expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG')
  })
})

describe('centre lifecycle and funding', () => {
  test('the seed: 60 centres planned, 24 built or accepted, about 1.3 million yuan', async () => {
    const ledger = await cloud.ok('centers', 'fund', { pageSize: 5 }, 'demo-admin')
    expect(ledger.centers.total).toBe(60)
    expect((ledger.centers.byStatus.built ?? 0) + (ledger.centers.byStatus.accepted ?? 0)).toBe(24)
    expect(ledger.totals.district).toBeGreaterThanOrEqual(1_300_000)
    expect(ledger.totals.district).toBeLessThan(1_400_000)
    expect(ledger.totals.byType.subsidy).toBe(60 * 5000)
    expect(ledger.totals.byType.reward).toBe((ledger.centers.byStatus.accepted ?? 0) * 5000)
    expect(ledger.totals.byCommunity).toHaveLength(7)
    expect(ledger.totals.byCommunity.reduce((s: number, c: any) => s + c.amount, 0)).toBeCloseTo(ledger.totals.district, 2)
    expect(ledger.items).toHaveLength(5)
    // Each accepted centre has its reward once; every centre its subsidy once.
    expect(cloud.store.count('centerFunds', { type: 'subsidy' })).toBe(60)
  })

  test('staff see their community\'s ledger and record other funding; residents and other communities cannot', async () => {
    expect(codeOf(await cloud.call('centers', 'fund', {}, 'demo-resident'))).toBe('FORBIDDEN')
    const mine = await cloud.ok('centers', 'fund', { pageSize: 100 }, 'demo-staff')
    expect(mine.items.every((e: any) => e.communityId === 'c1')).toBe(true)
    const entry = { centerId: 'ctr-c1g2', type: 'owners', amount: 1234.5, date: '2026-11-20', note: '业主自愿捐赠图书柜' }
    expect(codeOf(await cloud.call('centers', 'fund', { entry }, 'demo-staff-2'))).toBe('FORBIDDEN')
    expect(codeOf(await cloud.call('centers', 'fund', { entry: { ...entry, type: 'subsidy' } }, 'demo-staff'))).toBe('INVALID_INPUT')
    expect(codeOf(await cloud.call('centers', 'fund', { entry: { ...entry, amount: -5 } }, 'demo-staff'))).toBe('INVALID_INPUT')
    expect(codeOf(await cloud.call('centers', 'fund', { entry: { ...entry, amount: 1.234 } }, 'demo-staff'))).toBe('INVALID_INPUT')
    expect(codeOf(await cloud.call('centers', 'fund', { entry: { ...entry, date: '2026-12-20' } }, 'demo-staff'))).toBe('INVALID_INPUT')
    const before = await cloud.ok('centers', 'fund', { centerId: 'ctr-c1g2' }, 'demo-staff')
    const after = await cloud.ok('centers', 'fund', { centerId: 'ctr-c1g2', entry }, 'demo-staff')
    expect(after.recorded).toMatchObject({ type: 'owners', amount: 1234.5, centerId: 'ctr-c1g2', recordedByName: '张敏' })
    expect(after.totals.center).toBeCloseTo(before.totals.center + 1234.5, 2)
    expect(after.totals.district).toBeCloseTo(before.totals.district + 1234.5, 2)
    expect(after.items[0].id).toBe(after.recorded.id)
  })

  test('a new centre enters the plan (district admin, 5,000 subsidy); staff build it; the district accepts it (5,000 reward, once)', async () => {
    const input = {
      name: '测试家园党建+邻里中心',
      communityId: 'c1',
      gridId: 'c1g12',
      address: '东风社区测试家园3号楼',
      openingHours: [{ weekday: 1, open: '08:30', close: '20:00' }, { weekday: 6, open: '09:00', close: '12:00' }]
    }
    expect(codeOf(await cloud.call('centers', 'saveCenter', input, 'demo-staff'))).toBe('FORBIDDEN')
    expect(codeOf(await cloud.call('centers', 'saveCenter', { ...input, gridId: 'c2g1' }, 'demo-admin'))).toBe('INVALID_INPUT')
    expect(codeOf(await cloud.call('centers', 'saveCenter', { ...input, openingHours: [{ weekday: 1, open: '20:00', close: '08:00' }] }, 'demo-admin'))).toBe('INVALID_INPUT')
    const created = await cloud.ok('centers', 'saveCenter', input, 'demo-admin')
    expect(created).toMatchObject({ status: 'planned', hoursText: '周一 08:30-20:00；周六 09:00-12:00' })
    expect(cloud.store.get('centerFunds', `fund-subsidy-${created.id}`)).toMatchObject({ amountFen: 500000, type: 'subsidy' })

    expect(codeOf(await cloud.call('centers', 'setStatus', { centerId: created.id, status: 'built' }, 'demo-staff'))).toBe('CONFLICT')
    expect(codeOf(await cloud.call('centers', 'setStatus', { centerId: created.id, status: 'under_construction' }, 'demo-staff-2'))).toBe('FORBIDDEN')
    await cloud.ok('centers', 'setStatus', { centerId: created.id, status: 'under_construction', note: '开工' }, 'demo-staff')
    await cloud.ok('centers', 'setStatus', { centerId: created.id, status: 'built' }, 'demo-staff')
    expect(codeOf(await cloud.call('centers', 'setStatus', { centerId: created.id, status: 'accepted' }, 'demo-staff'))).toBe('FORBIDDEN')
    const accepted = await cloud.ok('centers', 'setStatus', { centerId: created.id, status: 'accepted', note: '验收合格' }, 'demo-admin')
    expect(accepted.statusHistory.map((h: any) => h.status)).toEqual(['planned', 'under_construction', 'built', 'accepted'])
    // A correction back and forth does not pay the reward twice.
    await cloud.ok('centers', 'setStatus', { centerId: created.id, status: 'built', note: '整改' }, 'demo-admin')
    await cloud.ok('centers', 'setStatus', { centerId: created.id, status: 'accepted' }, 'demo-admin')
    expect(cloud.store.count('centerFunds', { centerId: created.id })).toBe(2)
    const funding = (await cloud.ok('centers', 'get', { centerId: created.id }, 'demo-staff')).funding
    expect(funding).toEqual({ total: 10000, byType: { subsidy: 5000, reward: 5000 } })

    // Staff keep the details; they cannot move it to another community.
    const edited = await cloud.ok('centers', 'saveCenter', { ...input, centerId: created.id, phone: '0551-61234567', description: '新建中心' }, 'demo-staff')
    expect(edited).toMatchObject({ phone: '0551-61234567', description: '新建中心' })
    expect(codeOf(await cloud.call('centers', 'saveCenter', { ...input, centerId: created.id, communityId: 'c2', gridId: 'c2g1' }, 'demo-staff'))).toBe('FORBIDDEN')
  })
})

describe('centre photos', () => {
  const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='
  const base = {
    name: '照片测试党建+邻里中心',
    communityId: 'c1',
    gridId: 'c1g1',
    address: '东风社区照片测试点',
    openingHours: [{ weekday: 2, open: '09:00', close: '17:00' }]
  }
  const upload = (openid: string, data = PNG_1PX, contentType = 'image/png') => cloud.call<{ fileID: string; url: string }>('centers', 'upload', { contentType, data }, openid)

  test('staff upload photos (H5) and keep them on the centre; get returns their URLs', async () => {
    const created = await cloud.ok('centers', 'saveCenter', base, 'demo-admin')
    const a = await cloud.ok('centers', 'upload', { contentType: 'image/png', data: PNG_1PX }, 'demo-staff')
    const b = await cloud.ok('centers', 'upload', { contentType: 'image/png', data: PNG_1PX }, 'demo-staff')
    expect(a.fileID).toMatch(/^local:\/\/uploads\/demo-staff\/2026-11\/[0-9a-f]{16}\.png$/)
    const saved = await cloud.ok('centers', 'saveCenter', { ...base, centerId: created.id, photos: [a.fileID, b.fileID] }, 'demo-staff')
    expect(cloud.store.get('centers', created.id)!.photos).toEqual([a.fileID, b.fileID])
    expect(saved.photos).toEqual([expect.stringContaining('/files/uploads/demo-staff/'), expect.stringContaining('/files/uploads/demo-staff/')])
    expect(saved.photo).toBe(saved.photos[0])
    expect(saved.photoFiles).toEqual([{ fileID: a.fileID, url: saved.photos[0] }, { fileID: b.fileID, url: saved.photos[1] }])
    // A resident sees the photos, not the fileIDs.
    const seen = await cloud.ok('centers', 'get', { centerId: created.id }, 'demo-resident')
    expect(seen.photos).toEqual(saved.photos)
    expect(seen.photoFiles).toBeUndefined()
    // The district admin edits the text and keeps the staff member's photos, removing one.
    const edited = await cloud.ok('centers', 'saveCenter', { ...base, centerId: created.id, name: '照片测试邻里中心', photos: [b.fileID] }, 'demo-admin')
    expect(edited.name).toBe('照片测试邻里中心')
    expect(cloud.store.get('centers', created.id)!.photos).toEqual([b.fileID])
    // Saving without the photos field keeps them.
    await cloud.ok('centers', 'saveCenter', { ...base, centerId: created.id }, 'demo-staff')
    expect(cloud.store.get('centers', created.id)!.photos).toEqual([b.fileID])
  })

  test("foreign, forged or too many photos are refused and change nothing", async () => {
    const created = await cloud.ok('centers', 'saveCenter', base, 'demo-admin')
    const mine = await cloud.ok('centers', 'upload', { contentType: 'image/png', data: PNG_1PX }, 'demo-staff')
    const theirs = await cloud.ok('centers', 'upload', { contentType: 'image/png', data: PNG_1PX }, 'demo-staff-2')
    const ticketPhoto = await cloud.ok('tickets', 'upload', { contentType: 'image/png', data: PNG_1PX }, 'demo-resident')
    const save = (photos: string[], who = 'demo-staff') => cloud.call('centers', 'saveCenter', { ...base, centerId: created.id, photos }, who)
    for (const photos of [
      [theirs.fileID], // another staff member's upload
      [ticketPhoto.fileID], // a resident's ticket photo
      ['local://uploads/demo-staff-x/2026-11/aaaa.png'], // a prefix of the caller's openid is not theirs
      ['local://files/uploads/demo-staff/2026-11/aaaa.png'], // the folder is not at the start
      ['local://uploads/demo-staff/../demo-staff-2/a.png'],
      ['cloud://env-1.bucket/uploads/demo-staff/2026-11/a.jpg'], // a WeChat id on the emulator
      ['https://example.com/a.jpg'],
      [mine.fileID, mine.fileID],
      Array.from({ length: 7 }, (_, i) => `local://uploads/demo-staff/2026-11/${i}.png`)
    ]) {
      expect(codeOf(await save(photos))).toBe('INVALID_INPUT')
    }
    expect(cloud.store.get('centers', created.id)!.photos).toEqual([])
    // Six is the limit; other communities' staff and residents cannot save photos at all.
    expect(codeOf(await save([mine.fileID], 'demo-staff-2'))).toBe('FORBIDDEN')
    expect(codeOf(await save([mine.fileID], 'demo-resident'))).toBe('FORBIDDEN')
    const six = await Promise.all(Array.from({ length: 6 }, () => cloud.ok('centers', 'upload', { contentType: 'image/png', data: PNG_1PX }, 'demo-staff')))
    expect(codeOf(await save(six.map((p: any) => p.fileID)))).toBe('OK')
    expect(cloud.store.get('centers', created.id)!.photos).toHaveLength(6)
  })

  test("the edit page's choices: the caller's communities and a community's compounds", async () => {
    const staff = await cloud.ok('centers', 'places', { communityId: 'c1' }, 'demo-staff')
    expect(staff.communities).toEqual([{ id: 'c1', name: expect.any(String) }])
    expect(staff.grids.length).toBeGreaterThan(0)
    expect(staff.grids.every((g: any) => g.id.startsWith('c1g'))).toBe(true)
    expect(codeOf(await cloud.call('centers', 'places', { communityId: 'c2' }, 'demo-staff'))).toBe('FORBIDDEN')
    expect(codeOf(await cloud.call('centers', 'places', {}, 'demo-resident'))).toBe('FORBIDDEN')
    const admin = await cloud.ok('centers', 'places', {}, 'demo-admin')
    expect(admin.communities.map((c: any) => c.id)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'])
    expect(admin.grids).toEqual([])
  })

  test('uploads are checked: who, type, size and real image bytes', async () => {
    expect(codeOf(await upload('demo-resident'))).toBe('FORBIDDEN')
    expect(codeOf(await upload('demo-member'))).toBe('FORBIDDEN')
    expect(codeOf(await cloud.call('centers', 'upload', { contentType: 'image/png', data: PNG_1PX }))).toBe('UNAUTHENTICATED')
    expect(codeOf(await upload('demo-staff', PNG_1PX, 'image/jpeg'))).toBe('INVALID_INPUT') // PNG bytes declared as JPEG
    expect(codeOf(await upload('demo-staff', PNG_1PX, 'image/gif'))).toBe('INVALID_INPUT')
    expect(codeOf(await upload('demo-staff', Buffer.from('not an image at all, really').toString('base64')))).toBe('INVALID_INPUT')
    const big = Buffer.alloc(1024 * 1024 + 1, 0)
    big.set([0xff, 0xd8, 0xff], 0)
    expect(codeOf(await upload('demo-staff', big.toString('base64'), 'image/jpeg'))).toBe('INVALID_INPUT')
    const okJpeg = Buffer.alloc(1024 * 1024, 0)
    okJpeg.set([0xff, 0xd8, 0xff], 0)
    expect(codeOf(await upload('demo-staff', okJpeg.toString('base64'), 'image/jpeg'))).toBe('OK')
  })

  test('at most 60 uploads per person per day, even in parallel; refused bytes cost nothing', async () => {
    cloud.clock.set('2026-11-29T10:00:00+08:00')
    expect(codeOf(await upload('demo-staff-2', PNG_1PX, 'image/jpeg'))).toBe('INVALID_INPUT')
    const replies = await Promise.all(Array.from({ length: 63 }, () => upload('demo-staff-2')))
    expect(replies.filter((r) => r.ok)).toHaveLength(60)
    expect(replies.filter((r) => !r.ok).map(codeOf)).toEqual(['RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED'])
    expect(cloud.store.get('dailyQuotas', 'center-upload:demo-staff-2:2026-11-29')!.count).toBe(60)
    cloud.clock.set('2026-11-30T10:00:00+08:00')
    expect(codeOf(await upload('demo-staff-2'))).toBe('OK')
  })
})

describe('utilisation', () => {
  test('booked hours / open hours per room and centre, by week and month, and the export', async () => {
    const center = await cloud.ok('centers', 'saveCenter', {
      name: '统计测试党建+邻里中心', communityId: 'c1', gridId: 'c1g13', address: '东风社区统计测试', openingHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, open: '09:00', close: '17:00' }))
    }, 'demo-admin')
    await cloud.ok('centers', 'setStatus', { centerId: center.id, status: 'built' }, 'demo-admin')
    const r1 = await newRoom({ maxSlots: 3 }, center.id)
    const r2 = await newRoom({ slotMinutes: 120 }, center.id)
    // Week of 30 Nov (Mon–Fri 9–17 → 40 open hours per room): r1 booked 3 + 1 hours, r2 2 hours
    // used and 2 hours of no-show; a cancelled booking does not count.
    expect((await book(r1.id, '2026-11-30 09:00', 'u-1', 3)).ok).toBe(true)
    expect((await book(r1.id, '2026-12-01 09:00', 'u-2')).ok).toBe(true)
    expect((await book(r2.id, '2026-12-02 09:00', 'u-3')).ok).toBe(true)
    const noShow = (await book(r2.id, '2026-12-03 13:00', 'u-4')) as any
    const cancelled = (await book(r2.id, '2026-12-04 13:00', 'u-5')) as any
    await cloud.ok('centers', 'cancel', { bookingId: cancelled.data.id }, 'u-5')
    // A blackout closes r2 on Friday afternoon (13:00–17:00 → 4 hours).
    await cloud.ok('centers', 'blackout', { roomId: r2.id, start: '2026-12-04 13:00', end: '2026-12-04 17:00', reason: '消防检查' }, 'demo-staff')
    const rooms = (await cloud.ok('centers', 'get', { centerId: center.id }, 'demo-staff')).rooms
    const codeFor = (id: string) => rooms.find((r: RoomView) => r.id === id).code
    for (const [at, roomId, who] of [['2026-11-30T09:05:00+08:00', r1.id, 'u-1'], ['2026-12-01T09:05:00+08:00', r1.id, 'u-2'], ['2026-12-02T09:05:00+08:00', r2.id, 'u-3']]) {
      cloud.clock.set(at)
      await cloud.ok('centers', 'checkIn', { roomCode: codeFor(roomId) }, who)
    }
    cloud.clock.set('2026-12-03T13:30:00+08:00')

    expect(codeOf(await cloud.call('centers', 'utilisation', { centerId: center.id, from: '2026-11-30', to: '2026-12-06' }, 'demo-staff-2'))).toBe('FORBIDDEN')
    expect(codeOf(await cloud.call('centers', 'utilisation', { centerId: center.id, from: '2026-11-30', to: '2026-12-06' }, 'demo-resident'))).toBe('FORBIDDEN')
    expect(codeOf(await cloud.call('centers', 'utilisation', { centerId: center.id, from: '2026-12-06', to: '2026-11-30' }, 'demo-staff'))).toBe('INVALID_INPUT')

    const u = await cloud.ok('centers', 'utilisation', { centerId: center.id, from: '2026-11-30', to: '2026-12-06', export: true }, 'demo-staff')
    // The read does not sweep (issue #15): the booking is still stored confirmed, yet counted as
    // the no-show the sweep will make it.
    expect(cloud.store.get('bookings', noShow.data.id)!.status).toBe('confirmed')
    expect(u.centers).toHaveLength(1)
    const c = u.centers[0]
    const byRoom = Object.fromEntries(c.rooms.map((r: any) => [r.roomId, r]))
    expect(byRoom[r1.id]).toMatchObject({ openHours: 40, bookedHours: 4, usedHours: 4, noShowHours: 0, rate: 0.1 })
    expect(byRoom[r2.id]).toMatchObject({ openHours: 36, bookedHours: 2, usedHours: 2, noShowHours: 2 })
    expect(byRoom[r2.id].rate).toBeCloseTo(2 / 36, 3)
    expect(c).toMatchObject({ openHours: 76, bookedHours: 6 })
    expect(c.weeks).toEqual([expect.objectContaining({ key: '2026-11-30', openHours: 76, bookedHours: 6 })])
    expect(c.months.map((m: any) => [m.key, m.openHours, m.bookedHours])).toEqual([
      ['2026-11', 16, 3],
      ['2026-12', 60, 3]
    ])
    expect(u.total).toMatchObject({ openHours: 76, bookedHours: 6 })
    // The sweep then stores the no-show; the figures do not move.
    await cloud.ok('centers', 'sweep', { centerId: center.id }, 'demo-staff')
    expect(cloud.store.get('bookings', noShow.data.id)!.status).toBe('no_show')
    const swept = await cloud.ok('centers', 'utilisation', { centerId: center.id, from: '2026-11-30', to: '2026-12-06' }, 'demo-staff')
    expect(swept.centers).toEqual(u.centers)
    expect(swept.total).toEqual(u.total)

    expect(u.file.name).toBe('邻里中心使用率_2026-11-30_2026-12-06.xlsx')
    const path = join(cloud.dataDir, 'files', u.file.fileID.replace('local://', ''))
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(path)
    expect(wb.worksheets.map((w) => w.name)).toEqual(['中心汇总', '按周', '按月'])
    const summary = wb.getWorksheet('中心汇总')!
    expect(summary.getRow(2).getCell(1).value).toBe('统计测试党建+邻里中心')
    expect(summary.getRow(2).getCell(3).value).toBe(6)
    expect(cloud.store.count('auditLogs', { action: 'centers.exportUtilisation', actor: 'demo-staff' })).toBe(1)
  })

  test('staff without a centre see their communities; the district admin the district', async () => {
    const staff = await cloud.ok('centers', 'utilisation', { from: '2026-11-23', to: '2026-11-29' }, 'demo-staff')
    expect(staff.centers.length).toBeGreaterThan(0)
    expect(staff.centers.every((c: any) => c.communityId === 'c1')).toBe(true)
    expect(staff.total.bookedHours).toBeGreaterThan(0)
    const asTimes = await cloud.ok('centers', 'utilisation', { from: '2026-11-23T00:00:00+08:00', to: '2026-11-29 23:59' }, 'demo-staff')
    expect([asTimes.from, asTimes.to, asTimes.total.bookedHours]).toEqual(['2026-11-23', '2026-11-29', staff.total.bookedHours])
    const district = await cloud.ok('centers', 'utilisation', { from: '2026-11-23', to: '2026-11-29' }, 'demo-admin')
    expect(new Set(district.centers.map((c: any) => c.communityId)).size).toBe(7)
    expect(district.total.rate).toBeGreaterThan(0)
    expect(district.total.rate).toBeLessThan(1)
    expect(codeOf(await cloud.call('centers', 'utilisation', { communityId: 'c1', from: '2026-11-23', to: '2026-11-29' }, 'demo-staff-2'))).toBe('FORBIDDEN')
  })
})

describe('staff lists', () => {
  test("the day's bookings of a centre in time order, with the booker's name and masked mobile", async () => {
    const day = await cloud.ok('centers', 'bookings', { centerId: 'ctr-c1g1', date: '2026-11-30', pageSize: 100 }, 'demo-staff')
    expect(day.items.length).toBeGreaterThan(0)
    const starts = day.items.map((b: BookingView) => b.start)
    expect([...starts].sort()).toEqual(starts)
    expect(day.items.every((b: BookingView) => b.start.startsWith('2026-11-30') && b.bookerName && /\*{4}/.test(b.bookerMobile ?? ''))).toBe(true)
    expect(codeOf(await cloud.call('centers', 'bookings', { centerId: 'ctr-c1g1' }, 'demo-staff-2'))).toBe('FORBIDDEN')
    expect(codeOf(await cloud.call('centers', 'bookings', {}, 'demo-resident'))).toBe('FORBIDDEN')
    const pending = await cloud.ok('centers', 'bookings', { status: 'pending', pageSize: 100 }, 'demo-staff')
    expect(pending.items.every((b: BookingView) => b.status === 'pending' && b.communityId === 'c1')).toBe(true)
    expect(pending.items.some((b: BookingView) => b.bookerName === '王秀兰')).toBe(true)
  })
})

describe('centre events', () => {
  test('events are activities of kind "event" at the centre: listed by the activities function, no second sign-up here', async () => {
    const created = await cloud.ok(
      'activities',
      'create',
      { kind: 'event', centerId: 'ctr-c1g1', roomId: 'rm-c1g1-1', title: '物业管理条例宣讲', category: '其他', start: '2026-12-04 19:00', end: '2026-12-04 20:30', place: { name: '锦绣花园党建+邻里中心多功能活动室' }, capacity: 30 },
      'demo-staff'
    )
    const listed = await cloud.ok('activities', 'list', { kind: 'event', centerId: 'ctr-c1g1', when: 'upcoming' }, 'demo-resident')
    expect(listed.items.map((a: any) => a._id)).toContain(created._id)
    expect(listed.items.find((a: any) => a._id === created._id)).toMatchObject({ kind: 'event', centerName: '锦绣花园党建+邻里中心', communityId: 'c1' })
    expect(cloud.store.count('bookings', { purpose: '物业管理条例宣讲' })).toBe(0)
    // It holds its room's hours (19:00 and 20:00), shown as the event in the room's calendar.
    expect(listed.items.find((a: any) => a._id === created._id)).toMatchObject({ roomId: 'rm-c1g1-1', roomName: '多功能活动室' })
    const av = await cloud.ok('centers', 'availability', { roomId: 'rm-c1g1-1', from: '2026-12-04', days: 1 }, 'demo-resident')
    expect(av.days[0].slots.filter((s: any) => s.state === 'event').map((s: any) => [s.label, s.note])).toEqual([
      ['19:00', '物业管理条例宣讲'],
      ['20:00', '物业管理条例宣讲']
    ])
  })
})

describe('issue #15: figures computed another way still equal a direct count', () => {
  test("utilisation's weeks and months (one grouping by room, week, month and status) equal the bookings' hours summed directly", async () => {
    const room = await newRoom({ maxSlots: 3 })
    // A week across two months: Mon 28 Dec 2026 … Sun 3 Jan 2027 (bookable 7 days ahead from 27 Dec).
    cloud.clock.set('2026-12-27T09:00:00+08:00')
    expect((await book(room.id, '2026-12-28 09:00', 'sum-1', 2)).ok).toBe(true)
    expect((await book(room.id, '2026-12-31 10:00', 'sum-2', 3)).ok).toBe(true)
    expect((await book(room.id, '2027-01-02 10:00', 'sum-3')).ok).toBe(true)
    cloud.clock.set('2026-12-27T10:00:00+08:00')
    const u = await cloud.ok('centers', 'utilisation', { centerId: 'ctr-c1g1', from: '2026-12-28', to: '2027-01-03' }, 'demo-staff')
    const row = u.centers[0].rooms.find((r: any) => r.roomId === room.id)
    const direct = (match: (b: any) => boolean) =>
      cloud.store
        .find('bookings', { roomId: room.id, status: { $in: ['confirmed', 'checked_in'] } })
        .filter(match)
        .reduce((sum, b) => sum + b.hours, 0)
    expect(row.weeks.map((w: any) => [w.key, w.bookedHours])).toEqual([['2026-12-28', direct((b) => b.weekKey === '2026-12-28')]])
    expect(row.months.map((m: any) => [m.key, m.bookedHours])).toEqual([
      ['2026-12', direct((b) => b.monthKey === '2026-12')],
      ['2027-01', direct((b) => b.monthKey === '2027-01')]
    ])
    expect(row.bookedHours).toBe(6)
  })

  test("a centre's roomCount, kept on write, equals its active rooms counted directly", async () => {
    const center = await cloud.ok('centers', 'saveCenter', { name: '房间计数党建+邻里中心', communityId: 'c1', address: '东风社区计数', openingHours: [{ weekday: 1, open: '09:00', close: '17:00' }] }, 'demo-admin')
    const a = await newRoom({}, center.id)
    const b = await newRoom({ active: false }, center.id)
    await newRoom({}, center.id)
    const direct = () => cloud.store.count('rooms', { centerId: center.id, active: true })
    const stored = () => cloud.store.get('centers', center.id)!.roomCount
    expect(stored()).toBe(direct())
    const save = (room: RoomView, active: boolean) => cloud.call('centers', 'saveRoom', { centerId: center.id, roomId: room.id, name: room.name, capacity: 20, slotMinutes: 60, weeklyQuota: 5, active }, 'demo-staff')
    // Switching a room off twice at once, and another on, moves the count once each.
    await Promise.all([save(a, false), save(a, false), save(b, true)])
    expect(stored()).toBe(direct())
    expect(direct()).toBe(2)
    await save(a, false)
    expect(stored()).toBe(direct())
  })
})
