/**
 * Demo data for 党建+邻里中心. At scale 1 the seed's figures hold:
 * - 60 centres planned across the 7 communities (one per compound, the first compounds of each
 *   community), 24 of them built or accepted (18 accepted, 6 built), 14 under construction,
 *   22 planned; each with its status history;
 * - the funding ledger: a 5,000 yuan subsidy for every centre in the plan, a 5,000 yuan reward for
 *   every accepted one, and the other sources (上级专项资金, 物业出一点, 业主筹一点) for the built and
 *   building ones — about 1.31 million yuan in all ("130余万元");
 * - 2–4 rooms for every built or accepted centre, with realistic rules (some need approval);
 * - four weeks of past bookings (for utilisation) and upcoming ones, including the personas':
 *   demo-resident (lives in c1g1) has a confirmed and a pending booking at 锦绣花园党建+邻里中心
 *   (`ctr-c1g1`, the first centre of 东风社区, kept by demo-staff), a past checked-in one and a
 *   cancelled one; demo-member has a confirmed one and one waiting for review; and a blackout
 *   (equipment check) on one room.
 * Scale N: N× everything (each block of seven communities repeats the pattern).
 *
 * Ids are deterministic: centre `ctr-<gridId>`, room `rm-<gridId>-<n>`, so other domains' seeds
 * (centre events in `activities`) and the demo can point at them.
 */
import { createHash } from 'node:crypto'
import { FUND_AMOUNTS, type CenterStatus, type OpeningHours } from '../../contracts/centers'
import { addDays, at, dayOf, monthKeyOf, slotKeyOf, weekKeyOf } from '../../server/centers/calendar'
import { dayGrid } from '../../server/centers/grid'
import type { BlackoutDoc, BookingDoc, CenterDoc, FundDoc, QuotaDoc, RoomDoc, SlotDoc } from '../../server/centers/model'
import { quotaIdOf, slotIdOf } from '../../server/centers/model'
import { buildDistrict, spread, type Grid } from './district'
import { seedConsents } from './consents'
import type { DomainSeed } from './types'

const DAY = 86_400_000
export const CENTER_FIGURES = { planned: 60, builtOrAccepted: 24, accepted: 18, underConstruction: 14 } as const

const WEEKDAY_HOURS: OpeningHours = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, open: '08:00', close: '21:00' }))
const WEEKEND_HOURS: OpeningHours = [6, 7].map((weekday) => ({ weekday, open: '09:00', close: '18:00' }))
const HOURS_VARIANTS: OpeningHours[] = [
  [...WEEKDAY_HOURS, ...WEEKEND_HOURS],
  [...[1, 2, 3, 4, 5].map((weekday) => ({ weekday, open: '08:00', close: '20:00' })), ...[6].map((weekday) => ({ weekday, open: '09:00', close: '17:00' }))],
  [...[1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, open: '08:00', close: '20:00' }))]
]

interface RoomTemplate {
  name: string
  capacity: number
  facilities: string[]
  slotMinutes: number
  needsApproval: boolean
  weeklyQuota: number
  maxSlots: number
  description: string
  purposes: string[]
}
const ROOM_TEMPLATES: RoomTemplate[] = [
  {
    name: '多功能活动室',
    capacity: 40,
    facilities: ['投影仪', '音响话筒', '桌椅40套', '空调'],
    slotMinutes: 60,
    needsApproval: true,
    weeklyQuota: 2,
    maxSlots: 3,
    description: '适合讲座、议事协商、居民会议，使用后请恢复桌椅。',
    purposes: ['楼栋居民议事会', '业委会例会', '健康知识讲座', '老年大学书法课', '物业管理政策宣讲', '社区志愿者培训']
  },
  {
    name: '党员活动室',
    capacity: 20,
    facilities: ['党建书架', '学习桌椅', '电视'],
    slotMinutes: 60,
    needsApproval: true,
    weeklyQuota: 2,
    maxSlots: 3,
    description: '支部主题党日、党小组学习优先。',
    purposes: ['党小组学习', '主题党日活动', '在职党员报到座谈', '党员中心户交流']
  },
  {
    name: '书画阅览室',
    capacity: 12,
    facilities: ['图书约800册', '书画桌', '老花镜'],
    slotMinutes: 60,
    needsApproval: false,
    weeklyQuota: 3,
    maxSlots: 3,
    description: '安静阅读、书法绘画，请勿大声喧哗。',
    purposes: ['书法练习', '读书分享', '国画兴趣小组', '孩子写作业']
  },
  {
    name: '棋牌室',
    capacity: 16,
    facilities: ['麻将桌4张', '象棋围棋', '茶水'],
    slotMinutes: 120,
    needsApproval: false,
    weeklyQuota: 2,
    maxSlots: 2,
    description: '禁止赌博，文明娱乐。',
    purposes: ['象棋友谊赛', '邻里棋牌娱乐', '围棋兴趣小组']
  },
  {
    name: '舞蹈排练室',
    capacity: 30,
    facilities: ['镜面墙', '音响', '把杆'],
    slotMinutes: 60,
    needsApproval: false,
    weeklyQuota: 2,
    maxSlots: 2,
    description: '广场舞、合唱排练，请穿软底鞋。',
    purposes: ['广场舞排练', '合唱团排练', '太极拳练习']
  },
  {
    name: '四点半课堂',
    capacity: 15,
    facilities: ['课桌椅', '白板', '儿童绘本'],
    slotMinutes: 60,
    needsApproval: true,
    weeklyQuota: 2,
    maxSlots: 2,
    description: '放学后作业辅导，家长或志愿者需陪同。',
    purposes: ['作业辅导', '亲子阅读', '科普小实验']
  }
]

const NAMES = ['刘桂英', '陈建军', '杨秀珍', '黄志明', '周玉梅', '吴国华', '徐凤英', '孙立军', '胡淑芬', '朱德明', '高秀兰', '林文博', '何丽萍', '郭建平', '马红霞', '罗永刚']
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'

/** A stable 8-character room code (same alphabet as generated ones). */
function roomCodeFor(seed: string): string {
  const hash = createHash('sha1').update(seed).digest()
  let code = ''
  for (let i = 0; i < 8; i++) code += CODE_ALPHABET[hash[i] % CODE_ALPHABET.length]
  return code
}

/** Deterministic pseudo-random numbers from a string seed. */
function rng(seed: string): () => number {
  let x = createHash('sha1').update(seed).digest().readUInt32LE(0) || 1
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return ((x >>> 0) % 1_000_000) / 1_000_000
  }
}

export interface CenterSeed {
  centers: CenterDoc[]
  rooms: RoomDoc[]
  funds: FundDoc[]
  bookings: BookingDoc[]
  slots: SlotDoc[]
  quotas: QuotaDoc[]
  blackouts: BlackoutDoc[]
}

export function buildCenters(scale: number, nowDate: Date): CenterSeed {
  const now = nowDate.getTime()
  const today = dayOf(now)
  const district = buildDistrict(scale)
  const out: CenterSeed = { centers: [], rooms: [], funds: [], bookings: [], slots: [], quotas: [], blackouts: [] }
  const gridsByCommunity = new Map<string, Grid[]>()
  for (const g of district.grids) gridsByCommunity.set(g.communityId, [...(gridsByCommunity.get(g.communityId) ?? []), g])
  const communities = district.communities
  const codes = new Set<string>()

  for (let block = 0; block < scale; block++) {
    const blockCommunities = communities.slice(block * 7, block * 7 + 7)
    const planned = spread(CENTER_FIGURES.planned, blockCommunities.length)
    const open = spread(CENTER_FIGURES.builtOrAccepted, blockCommunities.length)
    const accepted = spread(CENTER_FIGURES.accepted, blockCommunities.length)
    const building = spread(CENTER_FIGURES.underConstruction, blockCommunities.length)
    blockCommunities.forEach((community, ci) => {
      const grids = gridsByCommunity.get(community._id) ?? []
      const base = { latitude: 31.82 + 0.012 * (ci % 4), longitude: 117.22 + 0.015 * Math.floor(ci / 2) + block * 0.2 }
      for (let n = 0; n < planned[ci] && n < grids.length; n++) {
        const grid = grids[n]
        const status: CenterStatus = n < accepted[ci] ? 'accepted' : n < open[ci] ? 'built' : n < open[ci] + building[ci] ? 'under_construction' : 'planned'
        const id = `ctr-${grid._id}`
        const plannedAt = now - (400 - n * 7) * DAY
        const history: CenterDoc['statusHistory'] = [{ status: 'planned', at: new Date(plannedAt), actor: 'demo-admin', actorName: '陈主任', note: '列入建设计划' }]
        if (status !== 'planned') history.push({ status: 'under_construction', at: new Date(plannedAt + 60 * DAY), actor: 'seed', actorName: '社区工作者', note: '物业服务用房清理移交，开工改造' })
        if (status === 'built' || status === 'accepted') history.push({ status: 'built', at: new Date(plannedAt + 150 * DAY), actor: 'seed', actorName: '社区工作者', note: '改造完成，试运行' })
        if (status === 'accepted') history.push({ status: 'accepted', at: new Date(plannedAt + 190 * DAY), actor: 'demo-admin', actorName: '陈主任', note: '验收合格' })
        const rand = rng(id)
        const center: CenterDoc = {
          _id: id,
          name: `${grid.name}党建+邻里中心`,
          communityId: community._id,
          gridId: grid._id,
          address: `${community.name}${grid.name}${1 + (n % 5)}号楼一层`,
          location: { latitude: round6(base.latitude + (rand() - 0.5) * 0.012), longitude: round6(base.longitude + (rand() - 0.5) * 0.014) },
          openingHours: HOURS_VARIANTS[(ci + n) % HOURS_VARIANTS.length],
          phone: `0551-6${String(3000000 + block * 1000 + ci * 100 + n).slice(-6)}`,
          description:
            status === 'planned' || status === 'under_construction'
              ? '按照"一个阵地、部门联合、资源共享、集约服务"要求建设中，建成后向全体居民开放。'
              : '党员群众"愿意来、喜欢来、还想来"的温馨家园：学习议事、文化娱乐、邻里互助都在这里。',
          photos: [],
          status,
          statusHistory: history,
          order: community.order * 1000 + n + 1,
          roomCount: 0,
          createdAt: new Date(plannedAt),
          updatedAt: history[history.length - 1].at
        }
        out.centers.push(center)

        // Funding: subsidy on entering the plan, reward on acceptance, other sources for the built.
        const fund = (type: FundDoc['type'], yuan: number, at: number, note: string) =>
          out.funds.push({
            _id: type === 'subsidy' || type === 'reward' ? `fund-${type}-${id}` : `fund-${type}-${id}-${out.funds.length}`,
            centerId: id,
            centerName: center.name,
            communityId: community._id,
            type,
            amountFen: Math.round(yuan * 100),
            date: dayOf(at),
            note,
            recordedBy: type === 'subsidy' || type === 'reward' ? 'demo-admin' : 'seed',
            recordedByName: type === 'subsidy' || type === 'reward' ? '陈主任' : '社区工作者',
            createdAt: new Date(at)
          })
        fund('subsidy', FUND_AMOUNTS.subsidy, plannedAt, '列入"党建+邻里中心"建设计划')
        if (status === 'accepted') fund('reward', FUND_AMOUNTS.reward, plannedAt + 190 * DAY, '建成验收合格奖励')
        const wiggle = [-2000, 0, 2000][n % 3]
        if (status === 'built' || status === 'accepted') {
          fund('grant', 20000 + wiggle, plannedAt + 70 * DAY, '区级党建阵地建设专项资金')
          fund('property', 10000 - wiggle / 2, plannedAt + 80 * DAY, `${grid.companyId ? '物业服务企业' : '公益物业'}出资：装修及设施`)
          fund('owners', 4500, plannedAt + 90 * DAY, '业主自愿筹资：桌椅图书')
        } else if (status === 'under_construction') {
          fund('property', 5000, plannedAt + 70 * DAY, '物业服务企业出资：用房改造')
          fund('owners', 1800, plannedAt + 75 * DAY, '业主自愿筹资')
        }

        if (status !== 'built' && status !== 'accepted') continue
        const roomCount = ci === 0 && n === 0 && block === 0 ? 4 : 2 + ((ci + n) % 3)
        const templates = ci === 0 && n === 0 && block === 0 ? [0, 1, 2, 3] : pickTemplates(n + ci, roomCount)
        templates.forEach((t, k) => {
          const tpl = ROOM_TEMPLATES[t]
          const roomId = `rm-${grid._id}-${k + 1}`
          let code = roomCodeFor(roomId)
          while (codes.has(code)) code = roomCodeFor(code + roomId)
          codes.add(code)
          out.rooms.push({
            _id: roomId,
            centerId: id,
            communityId: community._id,
            name: tpl.name,
            capacity: tpl.capacity,
            facilities: tpl.facilities,
            slotMinutes: tpl.slotMinutes,
            bookAheadDays: 14,
            minNoticeMinutes: 60,
            cancelBeforeMinutes: 120,
            needsApproval: tpl.needsApproval,
            weeklyQuota: tpl.weeklyQuota,
            maxSlots: tpl.maxSlots,
            active: true,
            description: tpl.description,
            code,
            order: k + 1,
            activeHistory: [{ active: true, at: history[2].at }],
            createdAt: history[2].at,
            updatedAt: history[2].at
          })
        })
        center.roomCount = templates.length
      }
    })
  }

  // Bookings: four weeks back and two weeks ahead, denser in 东风社区.
  const centerById = new Map(out.centers.map((c) => [c._id, c]))
  for (const room of out.rooms) {
    const center = centerById.get(room.centerId)!
    const tpl = ROOM_TEMPLATES.find((t) => t.name === room.name)!
    const rand = rng(room._id)
    const density = room.communityId === 'c1' ? 0.3 : 0.15
    for (let d = -28; d <= 13; d++) {
      const day = addDays(today, d)
      const grid = dayGrid(center.openingHours, room.slotMinutes, day)
      for (const slot of grid.slots) {
        const upcoming = slot.start > now
        if (rand() > (upcoming ? density / 2 : density)) continue
        // The first room of every centre is left free ahead (a clean room for demos and for
        // anyone trying the booking rules against the seed).
        if (upcoming && room.order === 1) continue
        const person = Math.floor(rand() * 40)
        const openid = `seed-resident-${room.communityId}-${person}`
        const roll = rand()
        let status: BookingDoc['status']
        if (upcoming) status = room.needsApproval && roll < 0.2 ? 'pending' : 'confirmed'
        else if (slot.start + 15 * 60_000 > now) status = 'confirmed'
        else status = roll < 0.78 ? 'checked_in' : roll < 0.88 ? 'cancelled' : roll < 0.95 ? 'no_show' : 'rejected'
        addBooking(out, { room, center, openid, name: NAMES[person % NAMES.length], start: slot.start, slots: 1, purpose: tpl.purposes[person % tpl.purposes.length], attendees: 2 + Math.floor(rand() * Math.min(room.capacity - 2, 15)), status })
      }
    }
  }

  // The personas, in 锦绣花园党建+邻里中心 (c1g1): rooms 1 多功能活动室 (approval), 2 党员活动室
  // (approval), 3 书画阅览室, 4 棋牌室.
  const first = centerById.get('ctr-c1g1')
  if (first) {
    const room = (n: number) => out.rooms.find((r) => r._id === `rm-c1g1-${n}`)!
    const when = (days: number, hhmm: string) => {
      const day = addDays(today, days)
      const weekday = new Date(`${day}T00:00:00Z`).getUTCDay()
      // Keep the demo's persona bookings on weekdays (longest hours).
      const shift = weekday === 6 ? 2 : weekday === 0 ? 1 : 0
      return at(addDays(day, shift), hhmm)
    }
    const persona = (openid: string, name: string, mobile: string, r: RoomDoc, start: number, slots: number, purpose: string, attendees: number, status: BookingDoc['status'], reason?: string) => {
      // Free the slots the random bookings took.
      for (let i = 0; i < slots; i++) clearSlot(out, slotIdOf(r._id, slotKeyOf(start + i * r.slotMinutes * 60_000)))
      addBooking(out, { room: r, center: first, openid, name, mobile, start, slots, purpose, attendees, status, reason })
    }
    persona('demo-resident', '王秀兰', '13900000001', room(3), when(1, '09:00'), 2, '老年书法兴趣小组练习', 6, 'confirmed')
    persona('demo-resident', '王秀兰', '13900000001', room(2), when(2, '14:00'), 2, '1号楼居民议事会：加装电梯意见征集', 18, 'pending')
    persona('demo-resident', '王秀兰', '13900000001', room(3), when(-6, '15:00'), 1, '读书分享会', 8, 'checked_in')
    persona('demo-resident', '王秀兰', '13900000001', room(4), when(-3, '14:00'), 1, '象棋友谊赛', 4, 'cancelled', '本人取消')
    persona('demo-member', '李明', '13900000002', room(2), when(3, '19:00'), 1, '锦绣花园第二党小组主题党日', 12, 'confirmed')
    persona('demo-member', '李明', '13900000002', room(2), when(4, '19:00'), 2, '在职党员报到座谈会', 16, 'pending')

    // An equipment check on the 棋牌室 in three days' time.
    const r4 = room(4)
    const boStart = when(3, '14:00')
    const boEnd = boStart + 4 * 3600_000
    const slotIds: string[] = []
    const cancelled: string[] = []
    for (const s of dayGrid(first.openingHours, r4.slotMinutes, dayOf(boStart)).slots.filter((s) => s.start < boEnd && s.end > boStart)) {
      const id = slotIdOf(r4._id, slotKeyOf(s.start))
      const held = out.slots.find((x) => x._id === id)
      if (held?.bookingId) {
        const b = out.bookings.find((x) => x._id === held.bookingId)!
        b.status = 'cancelled'
        b.reason = '暂停开放：空调及电路检修'
        b.closedBy = 'blackout'
        b.history.push({ at: new Date(now - DAY), action: 'displaced', actor: 'demo-staff', actorName: '张敏', note: b.reason })
        for (const sid of b.slotIds) clearSlot(out, sid)
        cancelled.push(b._id)
      }
      slotIds.push(id)
      out.slots.push({ _id: id, roomId: r4._id, centerId: first._id, day: dayOf(s.start), start: new Date(s.start), end: new Date(s.end), state: 'blocked', blackoutId: 'bo-seed-c1g1-4', reason: '空调及电路检修' })
    }
    r4.blackoutUntil = new Date(boEnd)
    out.blackouts.push({
      _id: 'bo-seed-c1g1-4',
      roomId: r4._id,
      roomName: r4.name,
      centerId: first._id,
      communityId: first.communityId,
      start: new Date(boStart),
      end: new Date(boEnd),
      reason: '空调及电路检修',
      slotIds,
      cancelledBookingIds: cancelled,
      lifted: false,
      createdBy: 'demo-staff',
      createdByName: '张敏',
      createdAt: new Date(now - DAY)
    })
  }

  // Weekly quota counters from the bookings that count (everything but cancelled / rejected / expired).
  const counts = new Map<string, QuotaDoc>()
  for (const b of out.bookings) {
    if (b.status === 'cancelled' || b.status === 'rejected' || b.status === 'expired') continue
    const q = counts.get(b.quotaId) ?? { _id: b.quotaId, roomId: b.roomId, openid: b.openid, weekKey: b.weekKey, count: 0 }
    q.count++
    counts.set(b.quotaId, q)
  }
  out.quotas = [...counts.values()]
  return out
}

function pickTemplates(seed: number, count: number): number[] {
  const order = [0, 2, 3, 1, 4, 5]
  const start = seed % order.length
  return Array.from({ length: count }, (_, i) => order[(start + i) % order.length]).sort((a, b) => a - b)
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6

function clearSlot(out: CenterSeed, slotId: string): void {
  const i = out.slots.findIndex((s) => s._id === slotId)
  if (i < 0) return
  const slot = out.slots[i]
  out.slots.splice(i, 1)
  if (!slot.bookingId) return
  const b = out.bookings.find((x) => x._id === slot.bookingId)
  if (b && (b.status === 'pending' || b.status === 'confirmed' || b.status === 'checked_in')) {
    b.status = 'cancelled'
    b.reason = '本人取消'
    b.history.push({ at: new Date(b.createdAt.getTime() + 3600_000), action: 'cancelled', actor: b.openid, note: '本人取消' })
    for (const sid of b.slotIds) if (sid !== slotId) clearSlot(out, sid)
  }
}

interface NewBooking {
  room: RoomDoc
  center: CenterDoc
  openid: string
  name: string
  mobile?: string
  start: number
  slots: number
  purpose: string
  attendees: number
  status: BookingDoc['status']
  reason?: string
}

function addBooking(out: CenterSeed, b: NewBooking): void {
  const step = b.room.slotMinutes * 60_000
  const end = b.start + b.slots * step
  const day = dayOf(b.start)
  const id = `bk-seed-${b.room._id}-${slotKeyOf(b.start)}-${out.bookings.length}`
  const slotIds = Array.from({ length: b.slots }, (_, i) => slotIdOf(b.room._id, slotKeyOf(b.start + i * step)))
  const createdAt = new Date(b.start - (2 + (out.bookings.length % 5)) * DAY)
  const history: BookingDoc['history'] = [{ at: createdAt, action: 'booked', actor: b.openid, actorName: b.name }]
  const reviewAt = new Date(createdAt.getTime() + 5 * 3600_000)
  if (b.room.needsApproval && b.status !== 'pending') {
    if (b.status === 'rejected') history.push({ at: reviewAt, action: 'rejected', actor: 'demo-staff', actorName: '张敏', note: b.reason ?? '该时段已安排社区活动' })
    else history.push({ at: reviewAt, action: 'approved', actor: 'demo-staff', actorName: '张敏' })
  }
  if (b.status === 'checked_in') history.push({ at: new Date(b.start - 5 * 60_000), action: 'checked_in', actor: b.openid, actorName: b.name, note: '扫码签到' })
  if (b.status === 'cancelled') history.push({ at: new Date(createdAt.getTime() + DAY), action: 'cancelled', actor: b.openid, actorName: b.name, note: b.reason ?? '本人取消' })
  if (b.status === 'no_show') history.push({ at: new Date(b.start + 15 * 60_000), action: 'no_show', actor: 'system', note: '开始后15分钟内未签到，已释放' })
  const doc: BookingDoc = {
    _id: id,
    roomId: b.room._id,
    roomName: b.room.name,
    centerId: b.center._id,
    centerName: b.center.name,
    communityId: b.center.communityId,
    openid: b.openid,
    bookerName: b.name,
    bookerMobile: b.mobile ?? `139${String(10000000 + ((out.bookings.length * 7919) % 89999999)).slice(-8)}`,
    start: new Date(b.start),
    end: new Date(end),
    slots: b.slots,
    slotIds,
    purpose: b.purpose,
    attendees: b.attendees,
    status: b.status,
    needsApproval: b.room.needsApproval,
    reason: b.status === 'rejected' ? (b.reason ?? '该时段已安排社区活动') : b.status === 'cancelled' ? (b.reason ?? '本人取消') : b.status === 'no_show' ? '开始后15分钟内未签到，已释放' : undefined,
    closedBy: b.status === 'no_show' ? 'sweep' : b.status === 'rejected' ? 'staff' : undefined,
    cancelBeforeMinutes: b.room.cancelBeforeMinutes,
    quotaId: quotaIdOf(b.room._id, b.openid, weekKeyOf(day)),
    day,
    weekKey: weekKeyOf(day),
    monthKey: monthKeyOf(day),
    hours: (end - b.start) / 3600_000,
    checkedInAt: b.status === 'checked_in' ? new Date(b.start - 5 * 60_000) : undefined,
    checkedInBy: b.status === 'checked_in' ? 'code' : undefined,
    history,
    createdAt,
    updatedAt: history[history.length - 1].at
  }
  out.bookings.push(doc)
  if (b.status === 'pending' || b.status === 'confirmed' || b.status === 'checked_in') {
    slotIds.forEach((slotId, i) =>
      out.slots.push({
        _id: slotId,
        roomId: b.room._id,
        centerId: b.center._id,
        day,
        start: new Date(b.start + i * step),
        end: new Date(b.start + (i + 1) * step),
        state: b.status === 'pending' ? 'pending' : 'booked',
        bookingId: id,
        openid: b.openid
      })
    )
  }
}

/** The store would keep `undefined` as null; the app's documents leave such fields out. */
function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutUndefined) as T
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = withoutUndefined(v)
    return out as T
  }
  return value
}

export const seedCenters: DomainSeed = async (store, { scale, now }) => {
  const s = buildCenters(scale, now)
  const docs = <T>(list: T[]) => list.map(withoutUndefined) as unknown as Record<string, unknown>[]
  await store.insertMany('centers', docs(s.centers))
  await store.insertMany('rooms', docs(s.rooms))
  await store.insertMany('centerFunds', docs(s.funds))
  await store.insertMany('bookings', docs(s.bookings))
  // Every seeded booking carries the booker's mobile: the contact consent that goes with it.
  await store.insertMany('consents', seedConsents('contact', 'bookings', now, s.bookings.filter((b) => b.bookerMobile).map((b) => ({ openid: b.openid, at: b.createdAt }))))
  await store.insertMany('roomSlots', docs(s.slots))
  await store.insertMany('bookingQuotas', docs(s.quotas))
  await store.insertMany('roomBlackouts', docs(s.blackouts))
}
