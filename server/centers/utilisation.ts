/**
 * `utilisation`: (booked hours + event hours) / open hours per room and centre, per week and
 * month, for staff of the centre's community (their communities without a centre; the district
 * for district admin), with an .xlsx export.
 *
 * - open hours: the room's bookable grid (opening hours cut into its slots) on each day, less the
 *   slots a blackout closed;
 * - booked hours: bookings that held their slots and were not released (confirmed or checked in);
 *   used hours: checked in; no-show hours: released after nobody came (their slots may have been
 *   booked again, so they are reported beside, not inside, booked hours);
 * - event hours: the slots centre events hold (`roomSlots` of state `event`, events.ts; a
 *   cancelled event has freed its slots). A room used by a neighbourhood event is in use, so the
 *   rate counts them with booked hours. Events claim grid slots only, so they fall in open hours;
 *   each counts the room's slot length, as open hours do, and a room's event hours on a day never
 *   exceed its open hours that day (a day it was closed, switched off or regridded since counts
 *   none beyond them).
 * Booked hours are summed in the database: one aggregation of bookings per batch of centres,
 * grouped by room, week, month, status and whether the check-in grace is still running (each row
 * folds into its week and its month; a confirmed booking past the grace counts as the no-show the
 * sweep will make it, so the figures do not wait for the sweep); event slots are counted there too
 * (one aggregation grouped by room and day, folded into weeks and months here); the centres, their
 * rooms, blackouts and the rules are one aggregate; open hours are calendar arithmetic.
 */
import * as ExcelJS from '../xlsx'
import { DEFAULT_SETTINGS, OPEN_CENTER_STATUSES, type CenterSettings, type Usage, type Utilisation } from '../../contracts/centers'
import type { z } from '../../contracts/zod'
import type { utilisationInput } from '../../contracts/centers'
import { audit } from '../core/audit'
import { db } from '../core/db'
import { AppError, invalid, notFound } from '../core/errors'
import { managedCommunities, requireCommunityStaff } from '../core/guard'
import type { FirstReadContext } from '../core/function'
import { aggregateOf, type Part } from '../core/together'
import { platform } from '../platform'
import { requireCenterStaff } from './access'
import { parseLocal } from '../core/time'
import { addDays, at, dayOf, daysBetween, monthKeyOf, slotKeyOf, weekKeyOf } from './calendar'
import { dayGrid } from './grid'
import { COLL, newId, type BlackoutDoc, type CenterDoc, type RoomDoc } from './model'
import { SETTINGS_DOC_ID, settingsOf } from './store'
import { clock } from '../core/clock'

const MAX_DAYS = 366

type Period = 'weekKey' | 'monthKey'

interface Acc {
  openHours: number
  bookedHours: number
  usedHours: number
  noShowHours: number
  eventHours: number
}
const zero = (): Acc => ({ openHours: 0, bookedHours: 0, usedHours: 0, noShowHours: 0, eventHours: 0 })
const round = (n: number) => Math.round(n * 100) / 100
const usage = (a: Acc): Usage => ({
  openHours: round(a.openHours),
  bookedHours: round(a.bookedHours),
  usedHours: round(a.usedHours),
  noShowHours: round(a.noShowHours),
  eventHours: round(a.eventHours),
  rate: a.openHours > 0 ? Math.round(((a.bookedHours + a.eventHours) / a.openHours) * 1000) / 1000 : 0
})
const add = (into: Acc, a: Partial<Acc>) => {
  into.openHours += a.openHours ?? 0
  into.bookedHours += a.bookedHours ?? 0
  into.usedHours += a.usedHours ?? 0
  into.noShowHours += a.noShowHours ?? 0
  into.eventHours += a.eventHours ?? 0
}
const weekLabel = (key: string) => `${Number(key.slice(5, 7))}月${Number(key.slice(8, 10))}日当周`
const monthLabel = (key: string) => `${key.slice(0, 4)}年${Number(key.slice(5, 7))}月`

/** "2026-11-23" stays; a date-time or epoch millis becomes its Shanghai day. */
function dayInput(value: string | number, field: string): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value
  const parsed = parseLocal(value)
  if (!parsed.isValid()) throw invalid('日期格式不正确', [field])
  return dayOf(parsed.valueOf())
}

export async function utilisation(raw: z.infer<typeof utilisationInput>, first: FirstReadContext): Promise<Utilisation> {
  let input: z.infer<typeof utilisationInput> & { from: string; to: string }
  let span: number
  try {
    input = { ...raw, from: dayInput(raw.from, 'from'), to: dayInput(raw.to, 'to') }
    if (input.to < input.from) throw invalid('结束日期须不早于开始日期', ['to'])
    span = daysBetween(input.from, input.to) + 1
    if (span > MAX_DAYS) throw invalid(`统计区间最长${MAX_DAYS}天`, ['to'])
  } catch (error) {
    // Who calls is still checked first (a refusal of access outranks a mistake in the input).
    await first.readWithCaller({})
    throw error
  }
  const _ = db().command

  // Scope: one centre, one community, or what the caller manages (the open centres are read with
  // the caller and kept to those it manages).
  const centerWhere: Record<string, unknown> = {}
  if (input.centerId) centerWhere._id = input.centerId
  else if (input.communityId) centerWhere.communityId = input.communityId
  if (!input.centerId) centerWhere.status = _.in(['built', 'accepted'])
  const rangeStart = at(input.from, '00:00')
  const rangeEnd = at(addDays(input.to, 1), '00:00')
  // The caller, the centres with their rooms, blackouts and the rules, and for one centre its
  // booked hours and event slots (counted with the default check-in grace; again only if the
  // district changed it): one read. No sweep: the figures count a booking time has released as
  // the sweep will (a confirmed one past the grace is a no-show; an unreviewed one never counted).
  const nowMs = clock.now()
  const defaultNoShowBefore = new Date(nowMs - DEFAULT_SETTINGS.checkInMinutes * 60_000)
  const one = input.centerId ? [input.centerId] : null
  const { caller, docs } = await first.readWithCaller({
    centers: centersPart(centerWhere),
    ...(one ? { hours: hoursPart(one, input.from, input.to, defaultNoShowBefore), events: eventSlotsPart(one, input.from, input.to) } : {})
  } as Record<'centers' | 'hours' | 'events', Part>)
  const centersRead = centersOf(docs.centers, rangeStart, rangeEnd)
  let scopeLabel = '全区'
  let scopeCommunity: string | undefined
  if (input.centerId) {
    const center = centersRead.centers[0]
    if (!center) throw notFound('邻里中心')
    requireCenterStaff(caller, center)
    scopeLabel = center.name
    scopeCommunity = center.communityId
  } else if (input.communityId) {
    requireCommunityStaff(caller, input.communityId)
    scopeCommunity = input.communityId
    scopeLabel = input.communityId
  } else {
    const communities = managedCommunities(caller)
    if (communities && communities.length === 0) throw new AppError('FORBIDDEN', '仅社区工作人员和区级管理员可查看')
    if (communities) {
      scopeCommunity = communities[0]
      scopeLabel = communities.join('、')
      keepCommunities(centersRead, new Set(communities))
    }
  }
  const { centers, rooms, blackouts } = centersRead
  const centerIds = centers.map((c) => c._id)
  const noShowBefore = new Date(nowMs - centersRead.settings.checkInMinutes * 60_000)

  const days = Array.from({ length: span }, (_x, i) => addDays(input.from, i))

  // Open hours per room per week / month, from the grid less blacked-out slots.
  const centerById = new Map(centers.map((c) => [c._id, c]))
  const open = new Map<string, { total: number; day: Map<string, number>; weekKey: Map<string, number>; monthKey: Map<string, number> }>()
  for (const room of rooms) {
    const center = centerById.get(room.centerId)!
    const closed = new Set<string>()
    for (const b of blackouts.filter((x) => x.roomId === room._id)) {
      for (const slotId of b.slotIds) closed.add(slotId.slice(slotId.lastIndexOf(':') + 1))
    }
    // Only while the room existed, was switched on and its centre was open (built or accepted).
    const windows = intersect(intersect(centerOpenWindows(center), roomActiveWindows(room)), [[room.createdAt ? new Date(room.createdAt).getTime() : -Infinity, Infinity]])
    const acc = { total: 0, day: new Map<string, number>(), weekKey: new Map<string, number>(), monthKey: new Map<string, number>() }
    for (const day of days) {
      if (!windows.some(([from, to]) => from < at(addDays(day, 1), '00:00') && to > at(day, '00:00'))) continue
      const slots = dayGrid(center.openingHours ?? [], room.slotMinutes, day).slots.filter((s) => !closed.has(slotKeyOf(s.start)) && windows.some(([from, to]) => s.start >= from && s.start < to))
      const hours = (slots.length * room.slotMinutes) / 60
      if (!hours) continue
      acc.total += hours
      acc.day.set(day, hours)
      acc.weekKey.set(weekKeyOf(day), (acc.weekKey.get(weekKeyOf(day)) ?? 0) + hours)
      acc.monthKey.set(monthKeyOf(day), (acc.monthKey.get(monthKeyOf(day)) ?? 0) + hours)
    }
    open.set(room._id, acc)
  }

  // Booked / used / no-show hours and event hours, summed in the database: per batch of centres,
  // one aggregation of bookings (weeks and months from one grouping) and one of event slots.
  const held = { weekKey: new Map<string, Acc>(), monthKey: new Map<string, Acc>() }
  const roomById = new Map(rooms.map((r) => [r._id, r]))
  const addHeld = (period: Period, roomId: string, key: string, a: Partial<Acc>) => {
    const acc = held[period].get(`${roomId}|${key}`) ?? zero()
    add(acc, a)
    held[period].set(`${roomId}|${key}`, acc)
  }
  const sameGrace = centersRead.settings.checkInMinutes === DEFAULT_SETTINGS.checkInMinutes
  for (let i = 0; i < centerIds.length; i += 100) {
    const batch = centerIds.slice(i, i + 100)
    // One centre: what the first read brought (its further pages, or a regrouping under the
    // district's own grace, read here).
    const preread = one && i === 0 ? { hours: docs.hours as unknown as HoursRow[], events: docs.events as unknown as EventSlotsRow[] } : null
    const [hours, events] = await Promise.all([
      preread && sameGrace ? restOf(preread.hours, (skip) => aggregateHours(batch, input.from, input.to, noShowBefore, skip)) : aggregateHours(batch, input.from, input.to, noShowBefore),
      preread ? restOf(preread.events, (skip) => aggregateEventSlots(batch, input.from, input.to, skip)) : aggregateEventSlots(batch, input.from, input.to)
    ])
    // One grouping by room, week, month and status: each row folds into its week and its month.
    for (const row of hours) {
      // Confirmed but not checked in within the grace: a no-show, whether or not the sweep has run.
      const status = row._id.status === 'confirmed' && !row._id.inGrace ? 'no_show' : row._id.status
      const a = {
        bookedHours: status === 'confirmed' || status === 'checked_in' ? row.hours : 0,
        usedHours: status === 'checked_in' ? row.hours : 0,
        noShowHours: status === 'no_show' ? row.hours : 0
      }
      addHeld('weekKey', row._id.roomId, row._id.weekKey, a)
      addHeld('monthKey', row._id.roomId, row._id.monthKey, a)
    }
    for (const row of events) {
      const room = roomById.get(row._id.roomId)
      if (!room) continue
      // Within the room's open hours that day (events hold grid slots only).
      const hours = Math.min((row.slots * room.slotMinutes) / 60, open.get(room._id)?.day.get(row._id.day) ?? 0)
      if (!hours) continue
      addHeld('weekKey', room._id, weekKeyOf(row._id.day), { eventHours: hours })
      addHeld('monthKey', room._id, monthKeyOf(row._id.day), { eventHours: hours })
    }
  }

  const weekKeys = [...new Set(days.map(weekKeyOf))]
  const monthKeys = [...new Set(days.map(monthKeyOf))]
  const total = zero()
  const result: Utilisation = {
    from: input.from,
    to: input.to,
    total: usage(total),
    centers: centers.map((center) => {
      const centerAcc = zero()
      const centerWeeks = new Map(weekKeys.map((k) => [k, zero()]))
      const centerMonths = new Map(monthKeys.map((k) => [k, zero()]))
      const roomRows = rooms
        .filter((r) => r.centerId === center._id)
        .map((room) => {
          const o = open.get(room._id)!
          const roomAcc = zero()
          const periods = (period: Period, keys: string[], into: Map<string, Acc>, label: (k: string) => string) =>
            keys.map((key) => {
              const a = zero()
              add(a, { openHours: o[period].get(key) ?? 0 })
              add(a, held[period].get(`${room._id}|${key}`) ?? {})
              add(into.get(key)!, a)
              if (period === 'weekKey') add(roomAcc, a)
              return { key, label: label(key), ...usage(a) }
            })
          const weeks = periods('weekKey', weekKeys, centerWeeks, weekLabel)
          const months = periods('monthKey', monthKeys, centerMonths, monthLabel)
          add(centerAcc, roomAcc)
          return { roomId: room._id, name: room.name, ...usage(roomAcc), weeks, months }
        })
      add(total, centerAcc)
      return {
        centerId: center._id,
        name: center.name,
        communityId: center.communityId,
        ...usage(centerAcc),
        weeks: weekKeys.map((k) => ({ key: k, label: weekLabel(k), ...usage(centerWeeks.get(k)!) })),
        months: monthKeys.map((k) => ({ key: k, label: monthLabel(k), ...usage(centerMonths.get(k)!) })),
        rooms: roomRows
      }
    })
  }
  result.total = usage(total)

  if (input.export) {
    const content = await workbook(result)
    const name = `邻里中心使用率_${input.from}_${input.to}.xlsx`
    const stored = await platform().files.put(
      `centers/exports/${newId('util')}.xlsx`,
      content,
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
    )
    await audit(caller, {
      action: 'centers.exportUtilisation',
      target: { collection: COLL.centers, id: input.centerId ?? input.communityId ?? 'district', label: scopeLabel },
      communityId: scopeCommunity,
      detail: { from: input.from, to: input.to, centers: centers.length, fileID: stored.fileID }
    })
    result.file = { fileID: stored.fileID, url: stored.url, name }
  }
  return result
}

type Window = [number, number]

/** The overlap of two sets of [from, to) windows (each sorted and disjoint). */
function intersect(a: Window[], b: Window[]): Window[] {
  const out: Window[] = []
  for (const [af, at_] of a) for (const [bf, bt] of b) if (Math.max(af, bf) < Math.min(at_, bt)) out.push([Math.max(af, bf), Math.min(at_, bt)])
  return out
}

/**
 * When the centre was open (built or accepted), from its status history. A centre without a
 * history counts as it is now, throughout.
 */
function centerOpenWindows(center: CenterDoc): Window[] {
  const history = [...(center.statusHistory ?? [])].sort((x, y) => new Date(x.at).getTime() - new Date(y.at).getTime())
  if (!history.length) return OPEN_CENTER_STATUSES.includes(center.status) ? [[-Infinity, Infinity]] : []
  // Nothing is open before a centre's first recorded status (it starts out planned, then is built).
  return windowsOf(history.map((h) => ({ at: new Date(h.at).getTime(), open: OPEN_CENTER_STATUSES.includes(h.status) })), false)
}

/**
 * When the room was switched on, from its `activeHistory` (kept by saveRoom). A room without one
 * counts as on throughout when on now, and as off since its last edit when off now.
 */
function roomActiveWindows(room: RoomDoc): Window[] {
  const history = room.activeHistory ?? []
  if (!history.length) return room.active === false ? [[-Infinity, new Date(room.updatedAt ?? 0).getTime()]] : [[-Infinity, Infinity]]
  return windowsOf(history.map((h) => ({ at: new Date(h.at).getTime(), open: h.active })))
}

/**
 * [from, to) windows from a time-ordered list of changes. Before the first: the opposite of it held
 * (a room's switches), or, with `openBefore` false, nothing was open (a centre's statuses).
 */
function windowsOf(changes: { at: number; open: boolean }[], openBefore = true): Window[] {
  const out: Window[] = []
  let since: number | null = openBefore && changes.length && !changes[0].open ? -Infinity : null
  for (const c of changes) {
    if (c.open && since === null) since = c.at
    else if (!c.open && since !== null) {
      out.push([since, c.at])
      since = null
    }
  }
  if (since !== null) out.push([since, Infinity])
  return out
}

/**
 * The centres in scope in district order, with their rooms and blackouts and the rules: one part
 * joining rooms and blackouts by centre (`centersOf` keeps the blackouts overlapping the range).
 */
function centersPart(where: Record<string, unknown>): Part {
  return {
    collection: COLL.centers,
    build: (p) =>
      p
        .match(where)
        .sort({ order: 1 })
        .limit(1000)
        .lookup({ from: COLL.rooms, localField: '_id', foreignField: 'centerId', as: 'rooms' })
        .lookup({ from: COLL.blackouts, localField: '_id', foreignField: 'centerId', as: 'blackouts' })
        .lookup({ from: COLL.settings, pipeline: db().command.aggregate.pipeline().match({ _id: SETTINGS_DOC_ID }).limit(1).done(), as: 'settings' })
        .limit(1000)
  }
}

interface CentersRead {
  centers: CenterDoc[]
  rooms: RoomDoc[]
  blackouts: BlackoutDoc[]
  settings: CenterSettings
}

function centersOf(list: Record<string, any>[], from: number, to: number): CentersRead {
  const centers: CenterDoc[] = []
  let settings: Partial<CenterSettings> | undefined
  const rooms: RoomDoc[] = []
  const blackouts: BlackoutDoc[] = []
  for (const row of list as (CenterDoc & { rooms: RoomDoc[]; blackouts: BlackoutDoc[]; settings: Partial<CenterSettings>[] })[]) {
    const { rooms: r, blackouts: b, settings: s, ...center } = row
    settings ??= s[0]
    centers.push(center as CenterDoc)
    rooms.push(...[...r].sort((x, y) => (x.order ?? 0) - (y.order ?? 0)))
    blackouts.push(...b.filter((x) => !x.lifted && new Date(x.start).getTime() < to && new Date(x.end).getTime() > from))
  }
  // No centre in scope: nothing is counted, the rules only matter with bookings.
  return { centers, rooms, blackouts, settings: list.length ? settingsOf(settings) : settingsOf(undefined) }
}

/** Only the centres of these communities (and their rooms and blackouts). */
function keepCommunities(read: CentersRead, communities: Set<string>): void {
  const kept = new Set(read.centers.filter((c) => communities.has(c.communityId)).map((c) => c._id))
  read.centers = read.centers.filter((c) => kept.has(c._id))
  read.rooms = read.rooms.filter((r) => kept.has(r.centerId))
  read.blackouts = read.blackouts.filter((b) => kept.has(b.centerId))
}

/** A first page read with the caller, and the pages after it when it was full. */
async function restOf<T>(firstPage: T[], more: (skip: number) => Promise<T[]>): Promise<T[]> {
  return firstPage.length < GROUP_PAGE ? firstPage : [...firstPage, ...(await more(GROUP_PAGE))]
}

const GROUP_PAGE = 1000

interface HoursRow {
  _id: { roomId: string; weekKey: string; monthKey: string; status: string; inGrace: boolean }
  hours: number
}

/** Booked, used and no-show hours by room, week, month, status and whether it is still inside the check-in grace (started after `noShowBefore`). */
function hoursPart(centerIds: string[], from: string, to: string, noShowBefore: Date, skip = 0): Part {
  const _ = db().command
  const $ = _.aggregate
  return {
    collection: COLL.bookings,
    build: (p) => {
      const grouped = p
        .match({ centerId: _.in(centerIds), day: _.gte(from).and(_.lte(to)), status: _.in(['confirmed', 'checked_in', 'no_show']) })
        .group({ _id: { roomId: '$roomId', weekKey: '$weekKey', monthKey: '$monthKey', status: '$status', inGrace: $.gt(['$start', noShowBefore]) }, hours: $.sum('$hours') })
        .sort({ '_id.roomId': 1, '_id.weekKey': 1, '_id.monthKey': 1, '_id.status': 1, '_id.inGrace': 1 })
      return (skip ? grouped.skip(skip) : grouped).limit(GROUP_PAGE)
    }
  }
}

async function aggregateHours(centerIds: string[], from: string, to: string, noShowBefore: Date, startAt = 0): Promise<HoursRow[]> {
  const rows: HoursRow[] = []
  for (let skip = startAt; ; skip += GROUP_PAGE) {
    const list = (await aggregateOf(hoursPart(centerIds, from, to, noShowBefore, skip))) as HoursRow[]
    rows.push(...list)
    if (list.length < GROUP_PAGE) return rows
  }
}

interface EventSlotsRow {
  _id: { roomId: string; day: string }
  slots: number
}

/** Slots held by centre events of these centres, by room and day (`day` is the slot's Shanghai day). */
function eventSlotsPart(centerIds: string[], from: string, to: string, skip = 0): Part {
  const _ = db().command
  const $ = _.aggregate
  return {
    collection: COLL.slots,
    build: (p) => {
      const grouped = p
        .match({ centerId: _.in(centerIds), state: 'event', day: _.gte(from).and(_.lte(to)) })
        .group({ _id: { roomId: '$roomId', day: '$day' }, slots: $.sum(1) })
        .sort({ '_id.roomId': 1, '_id.day': 1 })
      return (skip ? grouped.skip(skip) : grouped).limit(GROUP_PAGE)
    }
  }
}

async function aggregateEventSlots(centerIds: string[], from: string, to: string, startAt = 0): Promise<EventSlotsRow[]> {
  const rows: EventSlotsRow[] = []
  for (let skip = startAt; ; skip += GROUP_PAGE) {
    const list = (await aggregateOf(eventSlotsPart(centerIds, from, to, skip))) as EventSlotsRow[]
    rows.push(...list)
    if (list.length < GROUP_PAGE) return rows
  }
}

async function workbook(u: Utilisation): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  wb.creator = '红邻'
  const pct = (r: number) => Math.round(r * 1000) / 10
  const header = (ws: ExcelJS.Worksheet) => {
    ws.getRow(1).font = { bold: true }
    ws.views = [{ state: 'frozen', ySplit: 1 }]
  }
  const centers = wb.addWorksheet('中心汇总')
  centers.columns = [
    { header: '邻里中心', key: 'name', width: 28 },
    { header: '开放时长(小时)', key: 'open', width: 16 },
    { header: '预约时长(小时)', key: 'booked', width: 16 },
    { header: '活动时长(小时)', key: 'event', width: 16 },
    { header: '签到使用(小时)', key: 'used', width: 16 },
    { header: '未签到释放(小时)', key: 'noShow', width: 18 },
    { header: '使用率(%)', key: 'rate', width: 12 }
  ]
  for (const c of u.centers) centers.addRow({ name: c.name, open: c.openHours, booked: c.bookedHours, event: c.eventHours, used: c.usedHours, noShow: c.noShowHours, rate: pct(c.rate) })
  centers.addRow({ name: `合计（${u.from} 至 ${u.to}）`, open: u.total.openHours, booked: u.total.bookedHours, event: u.total.eventHours, used: u.total.usedHours, noShow: u.total.noShowHours, rate: pct(u.total.rate) })
  header(centers)

  const periodSheet = (title: string, pick: 'weeks' | 'months') => {
    const ws = wb.addWorksheet(title)
    ws.columns = [
      { header: '邻里中心', key: 'center', width: 28 },
      { header: '活动室', key: 'room', width: 16 },
      { header: pick === 'weeks' ? '周' : '月份', key: 'period', width: 16 },
      { header: '开放时长(小时)', key: 'open', width: 16 },
      { header: '预约时长(小时)', key: 'booked', width: 16 },
      { header: '活动时长(小时)', key: 'event', width: 16 },
      { header: '使用率(%)', key: 'rate', width: 12 }
    ]
    for (const c of u.centers) {
      for (const p of c[pick]) ws.addRow({ center: c.name, room: '（全部）', period: p.label, open: p.openHours, booked: p.bookedHours, event: p.eventHours, rate: pct(p.rate) })
      for (const r of c.rooms) for (const p of r[pick]) ws.addRow({ center: c.name, room: r.name, period: p.label, open: p.openHours, booked: p.bookedHours, event: p.eventHours, rate: pct(p.rate) })
    }
    header(ws)
  }
  periodSheet('按周', 'weeks')
  periodSheet('按月', 'months')
  return Buffer.from(await wb.xlsx.writeBuffer())
}
