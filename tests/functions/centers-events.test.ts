/**
 * Centre events take their room (issue #17): an activity of kind "event" at a 党建+邻里中心 names a
 * room and claims its slots with the same slot documents bookings claim, so a booking and an event
 * never hold one hour — one after the other, or racing. The clock starts on Friday 2026-11-27 09:00
 * (Shanghai); each test uses its own room of 锦绣花园党建+邻里中心 (ctr-c1g1, kept by demo-staff;
 * open weekdays 08:00–21:00, weekends 09:00–18:00).
 */
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import type { Reply } from '../../contracts/reply'
import type { RoomView } from '../../contracts/centers'
import { startTestCloud, type TestCloud } from '../support/cloud'
import { localPlatform } from '../../server/platform/local'

let cloud: TestCloud
const START = '2026-11-27T09:00:00+08:00'

beforeAll(async () => {
  cloud = await startTestCloud({ start: START })
})
afterAll(() => cloud.close())
beforeEach(() => cloud.clock.set(START))

let roomSeq = 0
const newRoom = (options: Record<string, unknown> = {}) =>
  cloud.ok<RoomView>('centers', 'saveRoom', { centerId: 'ctr-c1g1', name: `活动测试室${++roomSeq}`, capacity: 30, slotMinutes: 60, weeklyQuota: 10, maxSlots: 3, ...options }, 'demo-staff')

const eventInput = (roomId: string | undefined, start: string, end: string, extra: object = {}) => ({
  kind: 'event',
  centerId: 'ctr-c1g1',
  ...(roomId ? { roomId } : {}),
  title: '物业政策宣讲会',
  category: '物业管理',
  start,
  end,
  place: { name: '锦绣花园党建+邻里中心' },
  capacity: 30,
  ...extra
})
const createEvent = (roomId: string | undefined, start: string, end: string, extra: object = {}) => cloud.call('activities', 'create', eventInput(roomId, start, end, extra), 'demo-staff')
const book = (roomId: string, start: string, openid = 'demo-resident', slots = 1) =>
  cloud.call('centers', 'book', { roomId, start, slots, purpose: '楼栋议事会', attendees: 6 }, openid)
const codeOf = (reply: Reply<unknown>) => (reply.ok ? 'OK' : reply.error.code)
const messageOf = (reply: Reply<unknown>) => (reply.ok ? '' : reply.error.message)
const slot = (roomId: string, key: string) => cloud.store.get('roomSlots', `${roomId}:${key}`)

describe('an event at a centre takes a room', () => {
  test('the room is required, must be the centre’s and open at that time; bad input stores nothing', async () => {
    const room = await newRoom()
    const before = [cloud.store.count('activities'), cloud.store.count('roomSlots')]
    const missing = await createEvent(undefined, '2026-11-30 14:00', '2026-11-30 16:00')
    expect(codeOf(missing)).toBe('INVALID_INPUT')
    expect((missing as any).error.fields).toContain('roomId')
    expect(codeOf(await createEvent('rm-c2g1-1', '2026-11-30 14:00', '2026-11-30 16:00'))).toBe('INVALID_INPUT')
    expect(codeOf(await createEvent('no-such-room', '2026-11-30 14:00', '2026-11-30 16:00'))).toBe('NOT_FOUND')
    // Sunday 29 Nov the centre closes at 18:00.
    expect(codeOf(await createEvent(room.id, '2026-11-29 19:00', '2026-11-29 21:00'))).toBe('INVALID_INPUT')
    expect([cloud.store.count('activities'), cloud.store.count('roomSlots')]).toEqual(before)
  })

  test('an event holds its hours: a booking there is refused, availability shows the event', async () => {
    const room = await newRoom()
    const event = await createEvent(room.id, '2026-11-30 14:00', '2026-11-30 15:30')
    expect(codeOf(event)).toBe('OK')
    const e = (event as any).data
    expect(e).toMatchObject({ kind: 'event', centerId: 'ctr-c1g1', roomId: room.id, roomName: room.name })
    // 14:00 and 15:00 (the 15:00 slot overlaps the last half hour).
    expect(slot(room.id, '202611301400')).toMatchObject({ state: 'event', activityId: e._id, title: '物业政策宣讲会' })
    expect(slot(room.id, '202611301500')).toMatchObject({ state: 'event', activityId: e._id })
    expect(cloud.store.get('activities', e._id)!.slotIds).toEqual([`${room.id}:202611301400`, `${room.id}:202611301500`])

    const refused = await book(room.id, '2026-11-30 14:00')
    expect(codeOf(refused)).toBe('CONFLICT')
    expect(messageOf(refused)).toContain('物业政策宣讲会')
    expect(codeOf(await book(room.id, '2026-11-30 13:00', 'demo-member', 2))).toBe('CONFLICT') // 13:00–15:00 runs into it
    expect(cloud.store.count('bookings', { roomId: room.id })).toBe(0)
    expect(codeOf(await book(room.id, '2026-11-30 16:00'))).toBe('OK')

    const av = await cloud.ok('centers', 'availability', { roomId: room.id, from: '2026-11-30', days: 1 }, 'demo-resident')
    const byLabel = Object.fromEntries(av.days[0].slots.map((s: any) => [s.label, s]))
    expect(byLabel['14:00']).toMatchObject({ state: 'event', bookable: false, note: '物业政策宣讲会', activityId: e._id })
    expect(byLabel['15:00']).toMatchObject({ state: 'event', bookable: false })
    expect(byLabel['13:00']).toMatchObject({ state: 'free', bookable: true })
  })

  test('an event cannot be created over a booked hour (all or nothing)', async () => {
    const room = await newRoom()
    expect(codeOf(await book(room.id, '2026-12-01 10:00'))).toBe('OK')
    const activities = cloud.store.count('activities')
    const refused = await createEvent(room.id, '2026-12-01 09:00', '2026-12-01 11:00')
    expect(codeOf(refused)).toBe('CONFLICT')
    expect(messageOf(refused)).toContain('10:00')
    expect(cloud.store.count('activities')).toBe(activities)
    expect(slot(room.id, '202612010900')).toBeFalsy()
    expect(slot(room.id, '202612011000')).toMatchObject({ state: 'booked' })
    // Nor over a blackout, nor over another event.
    await cloud.ok('centers', 'blackout', { roomId: room.id, start: '2026-12-02 09:00', end: '2026-12-02 12:00', reason: '消防检查' }, 'demo-staff')
    expect(codeOf(await createEvent(room.id, '2026-12-02 11:00', '2026-12-02 13:00'))).toBe('CONFLICT')
    expect(codeOf(await createEvent(room.id, '2026-12-03 09:00', '2026-12-03 10:00'))).toBe('OK')
    expect(codeOf(await createEvent(room.id, '2026-12-03 09:00', '2026-12-03 10:00', { title: '邻里观影会' }))).toBe('CONFLICT')
    expect(cloud.store.count('activities')).toBe(activities + 1)
  })

  test('cancelling the event frees its slots; moving it moves them; a move onto a booking changes nothing', async () => {
    const room = await newRoom()
    const e = ((await createEvent(room.id, '2026-12-01 14:00', '2026-12-01 16:00')) as any).data
    // Moved to the evening: 14:00 and 15:00 free, 18:00 and 19:00 held.
    await cloud.ok('activities', 'update', { activityId: e._id, start: '2026-12-01 18:00', end: '2026-12-01 20:00' }, 'demo-staff')
    expect(slot(room.id, '202612011400')).toBeFalsy()
    expect(slot(room.id, '202612011800')).toMatchObject({ state: 'event', activityId: e._id })
    expect(codeOf(await book(room.id, '2026-12-01 14:00'))).toBe('OK')
    // Onto that booking: refused, and the event keeps its evening slots.
    const clash = await cloud.call('activities', 'update', { activityId: e._id, start: '2026-12-01 14:00', end: '2026-12-01 16:00' }, 'demo-staff')
    expect(codeOf(clash)).toBe('CONFLICT')
    expect(cloud.store.get('activities', e._id)!.start).toEqual(new Date('2026-12-01T18:00:00+08:00'))
    expect(slot(room.id, '202612011800')).toMatchObject({ activityId: e._id })
    expect(slot(room.id, '202612011500')).toBeFalsy()
    // A new title follows onto the slots (availability shows it).
    await cloud.ok('activities', 'update', { activityId: e._id, title: '冬季消防安全讲座' }, 'demo-staff')
    expect(slot(room.id, '202612011900')).toMatchObject({ title: '冬季消防安全讲座' })

    await cloud.ok('activities', 'cancel', { activityId: e._id, reason: '主讲人临时有事' }, 'demo-staff')
    expect(cloud.store.count('roomSlots', { activityId: e._id })).toBe(0)
    expect(codeOf(await book(room.id, '2026-12-01 18:00', 'demo-member'))).toBe('OK')
  })

  test('a blackout leaves an event’s hours to the event', async () => {
    const room = await newRoom()
    const e = ((await createEvent(room.id, '2026-12-04 10:00', '2026-12-04 11:00')) as any).data
    const bo = await cloud.ok('centers', 'blackout', { roomId: room.id, start: '2026-12-04 09:00', end: '2026-12-04 12:00', reason: '设备检修' }, 'demo-staff')
    expect(slot(room.id, '202612041000')).toMatchObject({ state: 'event', activityId: e._id })
    // The blackout's record holds 09:00 and 11:00 (no document per slot), the event keeps 10:00.
    expect(cloud.store.get('roomBlackouts', bo.id)!.slotIds).toEqual([`${room.id}:202612040900`, `${room.id}:202612041100`])
    expect(codeOf(await book(room.id, '2026-12-04 09:00', 'demo-member'))).toBe('CONFLICT')
    expect(cloud.store.get('activities', e._id)!.status).toBe('published')
  })
})

describe('events and bookings racing for one hour', () => {
  test('created at the same moment as a booking of the same slot: never both', async () => {
    const room = await newRoom()
    const hours = ['09:00', '10:00', '11:00', '13:00', '14:00', '15:00', '16:00', '17:00']
    for (const [i, hhmm] of hours.entries()) {
      const start = `2026-12-0${1 + (i % 4)} ${hhmm}`
      const end = `2026-12-0${1 + (i % 4)} ${String(Number(hhmm.slice(0, 2)) + 1).padStart(2, '0')}:00`
      const openid = `racer-${i}`
      // Alternate who is fired first.
      const [event, booking] =
        i % 2
          ? await Promise.all([createEvent(room.id, start, end, { title: `竞争活动${i}` }), book(room.id, start, openid)])
          : await Promise.all([book(room.id, start, openid), createEvent(room.id, start, end, { title: `竞争活动${i}` })]).then(([b, e]) => [e, b])
      const codes = [codeOf(event), codeOf(booking)]
      expect(codes.every((c) => c === 'OK' || c === 'CONFLICT')).toBe(true)
      expect(codes.filter((c) => c === 'OK')).toHaveLength(1)
      const key = start.replace(/[- :]/g, '')
      const held = slot(room.id, key)!
      if (event.ok) {
        expect(held).toMatchObject({ state: 'event', activityId: (event.data as any)._id })
        expect(cloud.store.count('bookings', { roomId: room.id, openid })).toBe(0)
      } else {
        expect(held).toMatchObject({ state: 'booked', openid })
        expect(cloud.store.count('activities', { title: `竞争活动${i}` })).toBe(0)
      }
    }
  })
})

describe('utilisation counts the hours events hold', () => {
  test('a 2-hour event counts 2 event hours for its room, centre, week and month, and in the rate; cancelled, nothing', async () => {
    const room = await newRoom()
    const december = { centerId: 'ctr-c1g1', from: '2026-12-01', to: '2026-12-31' }
    const utilisation = (extra: object = {}) => cloud.ok('centers', 'utilisation', { ...december, ...extra }, 'demo-staff')
    const before = (await utilisation()).centers[0]

    const e = ((await createEvent(room.id, '2026-12-07 14:00', '2026-12-07 16:00')) as any).data
    expect(cloud.store.count('roomSlots', { activityId: e._id, state: 'event' })).toBe(2)
    expect(codeOf(await book(room.id, '2026-12-08 10:00', 'util-booker'))).toBe('OK')

    const u = await utilisation({ export: true })
    const c = u.centers[0]
    const row = c.rooms.find((r: any) => r.roomId === room.id)
    expect(row).toMatchObject({ bookedHours: 1, eventHours: 2 })
    expect(row.openHours).toBeGreaterThan(300)
    expect(row.rate).toBeCloseTo((1 + 2) / row.openHours, 3)
    expect(row.months).toEqual([expect.objectContaining({ key: '2026-12', bookedHours: 1, eventHours: 2, rate: row.rate })])
    expect(row.weeks.filter((w: any) => w.eventHours).map((w: any) => [w.key, w.eventHours, w.rate])).toEqual([['2026-12-07', 2, Math.round((3 / row.weeks.find((w: any) => w.key === '2026-12-07').openHours) * 1000) / 1000]])
    expect(c.eventHours).toBe(before.eventHours + 2)
    expect(c.months[0].eventHours).toBe(before.months[0].eventHours + 2)
    expect(c.rate).toBeCloseTo((c.bookedHours + c.eventHours) / c.openHours, 3)
    expect(u.total.eventHours).toBe(c.eventHours)

    // The export: 活动时长 beside 预约时长.
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(join(cloud.dataDir, 'files', u.file.fileID.replace('local://', '')))
    for (const name of ['中心汇总', '按周', '按月']) {
      const header = wb.getWorksheet(name)!.getRow(1).values as unknown[]
      expect(header.indexOf('活动时长(小时)')).toBe(header.indexOf('预约时长(小时)') + 1)
    }
    const monthly = wb.getWorksheet('按月')!
    const roomRow = monthly.getRows(2, monthly.rowCount - 1)!.find((r) => r.getCell(2).value === room.name)!
    expect([roomRow.getCell(5).value, roomRow.getCell(6).value]).toEqual([1, 2])

    // Cancelled: its slots are freed and it counts nothing.
    await cloud.ok('activities', 'cancel', { activityId: e._id, reason: '场地另有安排' }, 'demo-staff')
    const after = await utilisation()
    const afterRow = after.centers[0].rooms.find((r: any) => r.roomId === room.id)
    expect(afterRow).toMatchObject({ bookedHours: 1, eventHours: 0 })
    expect(afterRow.rate).toBeCloseTo(1 / afterRow.openHours, 3)
    expect(after.centers[0].eventHours).toBe(before.eventHours)
  })
})

describe('the seed', () => {
  test('every seeded centre event names a room of its centre and holds its slots, which no booking holds', () => {
    const events = cloud.store.find('activities', { kind: 'event', centerId: { $exists: true }, title: { $in: ['物业管理政策宣讲会', '邻里观影会'] } })
    expect(events.length).toBeGreaterThan(0)
    for (const e of events) {
      const room = cloud.store.get('rooms', e.roomId)!
      expect(room.centerId).toBe(e.centerId)
      expect(e.roomName).toBe(room.name)
      expect(e.slotIds.length).toBeGreaterThan(0)
      for (const id of e.slotIds) {
        expect(cloud.store.get('roomSlots', id)).toMatchObject({ state: 'event', activityId: e._id, title: e.title })
        expect(cloud.store.count('bookings', { slotIds: id, status: { $in: ['pending', 'confirmed', 'checked_in'] } })).toBe(0)
      }
    }
  })
})

describe('edits and cancels racing or cut short keep the event and its slots together', () => {
  /** The slots the event holds are exactly the hours of its time in its room (60-minute slots). */
  const expectSlotsMatch = (activityId: string) => {
    const a = cloud.store.get('activities', activityId)!
    const expected: string[] = []
    for (let t = +new Date(a.start); t < +new Date(a.end); t += 3600_000) {
      const d = new Date(t + 8 * 3600_000).toISOString() // Shanghai wall time
      expected.push(`${a.roomId}:${d.slice(0, 4)}${d.slice(5, 7)}${d.slice(8, 10)}${d.slice(11, 13)}${d.slice(14, 16)}`)
    }
    const held = cloud.store.find('roomSlots', { activityId }).map((x: any) => x._id).sort()
    expect(held).toEqual(expected.sort())
    expect([...a.slotIds].sort()).toEqual(expected.sort())
  }

  /** Runs `between` once, when the next update has read the activity but not yet written it (at its content check). */
  const interleave = (marker: string, between: () => Promise<unknown>) => {
    const original = localPlatform.contentCheck.text
    localPlatform.contentCheck.text = async (content, openid) => {
      if (content.includes(marker)) {
        localPlatform.contentCheck.text = original
        await between()
      }
      return original(content, openid)
    }
    return () => {
      localPlatform.contentCheck.text = original
    }
  }

  test('C1: a capacity edit that read the event before a move commits does not write the old time back', async () => {
    const room = await newRoom()
    const e = ((await createEvent(room.id, '2026-12-07 10:00', '2026-12-07 11:00')) as any).data
    // U2 (capacity and a description) reads the event at 10:00; U1 moves it to 14:00 before U2 writes.
    const restore = interleave('名额调整', () => cloud.ok('activities', 'update', { activityId: e._id, start: '2026-12-07 14:00', end: '2026-12-07 15:00' }, 'demo-staff'))
    try {
      const u2 = await cloud.call('activities', 'update', { activityId: e._id, capacity: 40, description: '名额调整' }, 'demo-staff')
      expect(codeOf(u2)).toBe('OK')
    } finally {
      restore()
    }
    const a = cloud.store.get('activities', e._id)!
    expect(a.start).toEqual(new Date('2026-12-07T14:00:00+08:00'))
    expect(a.capacity).toBe(40)
    expectSlotsMatch(e._id)
    // 10:00 is free and bookable again; 14:00 is the event's.
    expect(slot(room.id, '202612071000')).toBeFalsy()
    expect(codeOf(await book(room.id, '2026-12-07 14:00'))).toBe('CONFLICT')
  })

  test('C1: an edit planned from a stale time is refused (CONFLICT), the committed move stands', async () => {
    const room = await newRoom()
    const e = ((await createEvent(room.id, '2026-12-08 10:00', '2026-12-08 11:00')) as any).data
    // U2 sends the form with the old time and a new place: planned from 10:00, while U1 moves the event to 14:00.
    const restore = interleave('二楼会议室', () => cloud.ok('activities', 'update', { activityId: e._id, start: '2026-12-08 14:00', end: '2026-12-08 15:00' }, 'demo-staff'))
    try {
      const u2 = await cloud.call('activities', 'update', { activityId: e._id, start: '2026-12-08 10:00', end: '2026-12-08 11:00', place: { name: '二楼会议室' } }, 'demo-staff')
      expect(codeOf(u2)).toBe('CONFLICT')
      expect(messageOf(u2)).toContain('刷新')
    } finally {
      restore()
    }
    expect(cloud.store.get('activities', e._id)!.start).toEqual(new Date('2026-12-08T14:00:00+08:00'))
    expectSlotsMatch(e._id)
    // And a move planned from a stale time, likewise.
    const restore2 = interleave('再次调整', () => cloud.ok('activities', 'update', { activityId: e._id, start: '2026-12-08 16:00', end: '2026-12-08 17:00' }, 'demo-staff'))
    try {
      const u3 = await cloud.call('activities', 'update', { activityId: e._id, start: '2026-12-08 09:00', end: '2026-12-08 10:00', description: '再次调整' }, 'demo-staff')
      expect(codeOf(u3)).toBe('CONFLICT')
    } finally {
      restore2()
    }
    expect(cloud.store.get('activities', e._id)!.start).toEqual(new Date('2026-12-08T16:00:00+08:00'))
    expectSlotsMatch(e._id)
  })

  test('C2: a cancel cut short never leaves a cancelled event holding its slots', async () => {
    const room = await newRoom()
    const e = ((await createEvent(room.id, '2026-12-09 14:00', '2026-12-09 16:00')) as any).data
    // Any removal of room slots outside a transaction dies (as if the function stopped there).
    const store = cloud.store as any
    const remove = store.remove
    store.remove = function (coll: string, ...rest: unknown[]) {
      if (coll === 'roomSlots') throw new Error('function stopped')
      return remove.call(this, coll, ...rest)
    }
    let reply: any
    try {
      reply = await cloud.call('activities', 'cancel', { activityId: e._id, reason: '主讲人临时有事' }, 'demo-staff')
    } finally {
      store.remove = remove
    }
    const a = cloud.store.get('activities', e._id)!
    const held = cloud.store.count('roomSlots', { activityId: e._id })
    expect([a.status, held]).toEqual(['cancelled', 0])
    expect(codeOf(reply)).toBe('OK')
    expect(codeOf(await book(room.id, '2026-12-09 14:00'))).toBe('OK')
  })

  test('a create whose activity is not written gives its slots back; a claim whose activity never came is taken over by a booking once old', async () => {
    const room = await newRoom()
    // The activity's add fails: no activity, and its slot claims are given back.
    const store = cloud.store as any
    const insertBatch = store.insertBatch
    store.insertBatch = function (coll: string, ...rest: unknown[]) {
      if (coll === 'activities') throw new Error('write failed')
      return insertBatch.call(this, coll, ...rest)
    }
    let reply: any
    try {
      reply = await createEvent(room.id, '2026-12-15 10:00', '2026-12-15 12:00', { title: '写入失败的活动' })
    } finally {
      store.insertBatch = insertBatch
    }
    expect(codeOf(reply)).not.toBe('OK')
    expect(cloud.store.count('activities', { title: '写入失败的活动' })).toBe(0)
    expect([slot(room.id, '202612151000'), slot(room.id, '202612151100')]).toEqual([null, null])
    // Cut short between the claims and the add (the function stopped): the claims stay held, never
    // shared; once old, a booking takes them over.
    const orphan = (key: string, at: Date) =>
      cloud.store.insertMany('roomSlots', [
        { _id: `${room.id}:${key}`, roomId: room.id, centerId: 'ctr-c1g1', day: '2026-12-03', start: new Date(`2026-12-03T${key.slice(8, 10)}:00:00+08:00`), end: new Date(Date.parse(`2026-12-03T${key.slice(8, 10)}:00:00+08:00`) + 3600_000), state: 'event', activityId: `a-never-${key}`, title: '未成的活动', at }
      ])
    orphan('202612031000', new Date(Date.parse(START) - 10 * 60_000))
    orphan('202612031100', new Date(Date.parse(START)))
    expect(codeOf(await book(room.id, '2026-12-03 10:00', 'orphan-event-1'))).toBe('OK')
    expect(slot(room.id, '202612031000')).toMatchObject({ state: 'booked', openid: 'orphan-event-1' })
    expect(slot(room.id, '202612031000')!.activityId).toBeUndefined()
    expect(codeOf(await book(room.id, '2026-12-03 11:00', 'orphan-event-2'))).toBe('CONFLICT')
    expect(slot(room.id, '202612031100')).toMatchObject({ state: 'event', activityId: 'a-never-202612031100' })
    // Another event takes an old orphaned claim over the same way (events.ts isOrphanedEventClaim).
    orphan('202612031400', new Date(Date.parse(START) - 10 * 60_000))
    const taken = await createEvent(room.id, '2026-12-03 14:00', '2026-12-03 15:00', { title: '接手时段的活动' })
    expect(codeOf(taken)).toBe('OK')
    expect(slot(room.id, '202612031400')).toMatchObject({ state: 'event', activityId: (taken as any).data._id })
  })

  test('two moves of one event at once: one stands, its slots are exactly its hours, the other gives back what it added', async () => {
    const room = await newRoom()
    const e = ((await createEvent(room.id, '2026-12-11 10:00', '2026-12-11 11:00')) as any).data
    const [m1, m2] = await Promise.all([
      cloud.call('activities', 'update', { activityId: e._id, start: '2026-12-11 14:00', end: '2026-12-11 16:00' }, 'demo-staff'),
      cloud.call('activities', 'update', { activityId: e._id, start: '2026-12-11 15:00', end: '2026-12-11 17:00' }, 'demo-staff')
    ])
    expect([m1, m2].filter((r) => r.ok).length).toBeGreaterThanOrEqual(1)
    for (const r of [m1, m2]) expect(['OK', 'CONFLICT']).toContain(codeOf(r))
    expectSlotsMatch(e._id)
    expect(slot(room.id, '202612111000')).toBeFalsy()
  })

  test('round trips: a 2-hour event is created in 4, moved in ≤ 6, renamed in 3, cancelled in 8', async () => {
    const room = await newRoom()
    // Caller, centre, community, room and blackouts in one read; 2 slot adds; the activity's add.
    const created = await cloud.callWithStats('activities', 'create', eventInput(room.id, '2026-12-14 10:00', '2026-12-14 12:00'), 'demo-staff')
    expect(created.reply.ok).toBe(true)
    expect(created.stats.dbRequests).toBeLessThanOrEqual(4)
    const id = (created.reply as any).data._id
    // Caller, activity, room, centre and blackouts in one read; 2 slot adds; the guarded write; the old slots freed; those signed up read.
    const moved = await cloud.callWithStats('activities', 'update', { activityId: id, start: '2026-12-14 14:00', end: '2026-12-14 16:00' }, 'demo-staff')
    expect(moved.reply.ok).toBe(true)
    expect(moved.stats.dbRequests).toBeLessThanOrEqual(6)
    expectSlotsMatch(id)
    const renamed = await cloud.callWithStats('activities', 'update', { activityId: id, title: '冬季读书会' }, 'demo-staff')
    expect(renamed.stats.dbRequests).toBeLessThanOrEqual(3)
    expect(slot(room.id, '202612141500')).toMatchObject({ title: '冬季读书会' })
    const cancelled = await cloud.callWithStats('activities', 'cancel', { activityId: id, reason: '场地另有安排' }, 'demo-staff')
    expect(cancelled.reply.ok).toBe(true)
    expect(cancelled.stats.dbRequests).toBeLessThanOrEqual(8)
    expect(cloud.store.count('roomSlots', { activityId: id })).toBe(0)
  })

  test('K3: renaming an event whose room was since switched off or blacked out only retitles its slots', async () => {
    const room = await newRoom()
    const e = ((await createEvent(room.id, '2026-12-10 10:00', '2026-12-10 11:00')) as any).data
    await cloud.ok('centers', 'blackout', { roomId: room.id, start: '2026-12-10 09:00', end: '2026-12-10 12:00', reason: '设备检修' }, 'demo-staff')
    const renamed = await cloud.call('activities', 'update', { activityId: e._id, title: '冬季消防安全讲座' }, 'demo-staff')
    expect(codeOf(renamed)).toBe('OK')
    expect(slot(room.id, '202612101000')).toMatchObject({ state: 'event', activityId: e._id, title: '冬季消防安全讲座' })
    await cloud.ok('centers', 'saveRoom', { roomId: room.id, centerId: 'ctr-c1g1', name: room.name, capacity: 30, slotMinutes: 60, weeklyQuota: 10, maxSlots: 3, active: false }, 'demo-staff')
    expect(codeOf(await cloud.call('activities', 'update', { activityId: e._id, title: '消防安全讲座（第二期）', capacity: 25 }, 'demo-staff'))).toBe('OK')
    expect(slot(room.id, '202612101000')).toMatchObject({ activityId: e._id, title: '消防安全讲座（第二期）' })
    expect(cloud.store.get('activities', e._id)).toMatchObject({ title: '消防安全讲座（第二期）', capacity: 25, status: 'published' })
    // Moving it there is still checked (the room is off).
    expect(codeOf(await cloud.call('activities', 'update', { activityId: e._id, start: '2026-12-10 15:00', end: '2026-12-10 16:00' }, 'demo-staff'))).toBe('CONFLICT')
  })
})
