/**
 * Demo data of 三方联动 (issue #7): a year of residents' reports across the district, handled by the
 * three parties, rated, with the 我为群众办实事 ledger and the published 红黑榜.
 *
 * At scale 1, over the 12 months before `now` (more in recent months):
 *  - 124 "堵点" resolved through 三方联动 (停车、下水道、楼道杂物 …: 116 across the district, 8 in
 *    锦绣花园) and 93 disputes settled, i.e. the seed document's "集中解决…堵点问题120余件，化解矛盾纠纷90余件"; most confirmed with a rating,
 *    the rest closed automatically after 7 days; a few reopened once, some late, some handed over;
 *  - 7 reports closed as invalid or withdrawn, and 9 open ones elsewhere in the district;
 *  - in 锦绣花园 (c1g1), for the personas: a blocked drain waiting for demo-property, a stairwell
 *    clean-up in progress, a parking question handed to demo-committee (业委会), a dispute the
 *    居委会 (demo-staff) is mediating, a repair waiting for demo-resident's rating, and a safety
 *    hazard past its 4-hour acceptance deadline (escalated on first read);
 *  - 微心愿: open ones for demo-member to claim, one claimed by demo-member, one completed by him
 *    and waiting for demo-resident's confirmation, and confirmed ones across the district;
 *  - party-building entries and a published ranking (红黑榜, 流动红旗) for the last three months
 *    whose appeal windows have closed, with one answered appeal.
 * Scale N multiplies the history by N (the companies and compounds are N× too). The benchmark sets
 * SEED_TICKET_SCALE to multiply only the history (a busy year for the 33 companies of scale 1).
 * Everything is deterministic (a seeded generator), so tests and screenshots are stable.
 */
import { DEFAULT_ROUTING, type Party, type TicketCategory } from '../../contracts/tickets'
import type { CompanyMonthRecord } from '../../server/companies/scorecards'
import type { RankingRecord } from '../../server/companies/ranking'
import type { AppealRecord } from '../../server/companies/appeals'
import { buildCards, countTickets, rankCards, emptyCounts, type CardInputs } from '../../server/companies/score'
import { dayjs, shanghai, ZONE } from '../../server/core/time'
import { eventId, newTicketRecord, type TicketEventRecord, type TicketRecord } from '../../server/tickets/model'
import { ticketDeed, wishDeed, type DeedRecord } from '../../server/wishes/deeds'
import type { WishRecord, WishEventRecord } from '../../server/wishes/model'
import { buildDistrict, type Company, type District, type Grid } from './district'
import { seedConsents } from './consents'
import type { DomainSeed } from './types'

const HOUR = 3600 * 1000
const DAY = 24 * HOUR

/*
 * Asia/Shanghai is UTC+8 all year (no daylight saving since 1991): the seed formats its thousands of
 * dates with plain arithmetic rather than dayjs-timezone (which goes through Intl and would make
 * every test cloud's start noticeably slower). Same results as server/core/time.ts.
 */
const local = (at: number | Date) => new Date(new Date(at).getTime() + 8 * HOUR).toISOString()
const monthKey = (at: number | Date) => local(at).slice(0, 7)
const yymmdd = (at: number | Date) => local(at).slice(2, 10).replace(/-/g, '')

/**
 * At scale 1, a year: 1,273 reports one party solved alone, 116 "堵点" solved jointly across the
 * district (+8 in 锦绣花园 = 124), 93 disputes settled, 122 wishes fulfilled — so the ledger reads
 * 解决实际困难和问题 1,612 项, 民生实事 122 件, 堵点 124 件, 纠纷 93 件 (the seed document's
 * "1600余项 / 120余件 / 120余件 / 90余件"); plus reports closed as invalid or withdrawn and open ones.
 */
export const TICKET_SEED_FIGURES = { otherSolved: 1273, blockersSolved: 116, c1g1Joint: 8, disputesSettled: 93, closedOther: 40, openElsewhere: 12, confirmedWishes: 122 } as const

/** mulberry32: a small deterministic generator. */
function generator(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    between: (lo: number, hi: number) => lo + (hi - lo) * next(),
    int: (lo: number, hi: number) => lo + Math.floor((hi - lo + 1) * next()),
    pick: <T>(list: readonly T[]) => list[Math.floor(next() * list.length)],
    chance: (p: number) => next() < p
  }
}
type Rng = ReturnType<typeof generator>

const DESCRIPTIONS: Record<TicketCategory, string[]> = {
  parking: ['消防通道被私家车长期占用，救护车进不来', '小区门口车辆乱停，早上出门堵得走不动', '地面车位划线模糊，经常为车位吵架', '外来车辆随意进出停放，业主车位被占', '充电桩附近燃油车占位，电动车充不上电'],
  drain: ['楼下下水道堵塞，污水冒到路面上', '雨水井盖下陷，一下雨就积水', '厨房下水管返臭味，整栋楼都能闻到', '化粪池满溢，单元门口污水横流', '地下管网漏水，路面一直湿的'],
  stairwell: ['楼道里堆满纸箱和旧家具，走路都困难', '电动车推进楼道充电，存在火灾隐患', '楼梯间有人长期堆放杂物，消防通道不畅', '地下室过道堆了很多废弃物品，有老鼠', '楼道窗台上放满花盆，有掉落危险'],
  sanitation: ['垃圾桶满了好几天没人清运', '绿化带里到处是狗粪，没人清理', '小区角落有卫生死角，蚊蝇很多', '楼前垃圾分类点气味很大，夏天受不了', '单元门口的小广告贴满了，影响环境'],
  repair: ['单元门禁坏了，谁都能进', '楼道声控灯不亮，晚上上下楼看不见', '电梯经常停在半层，老人不敢坐', '小区路灯坏了好几盏，晚上很黑', '健身器材螺丝松动，孩子玩有危险'],
  safety: ['配电箱门坏了，电线裸露在外面', '高层有人往下扔东西，差点砸到人', '消防栓没有水，灭火器过期了', '小区围墙有一段开裂倾斜', '楼顶有人私拉电线给电瓶车充电'],
  dispute: ['楼上漏水到我家天花板，沟通不了', '邻居深夜装修噪音大，多次协商无果', '隔壁在公共过道安装鞋柜，影响通行', '楼上养的狗整夜叫，影响休息', '邻居空调外机对着我家窗户吹', '楼下在公共绿地种菜施肥，气味大'],
  other: ['希望小区增设几张休息长椅', '快递柜太少，包裹经常放门口丢失', '建议在小区门口增设减速带', '老年人希望有个活动室下棋']
}
const RESOLUTIONS: Record<TicketCategory, string[]> = {
  parking: ['已张贴告示并联系车主挪车，施划禁停线', '已与业委会研究，增设临时停车位并加强巡查'],
  drain: ['已安排疏通，管道恢复正常，路面已冲洗', '已更换破损管段，并做了闭水试验'],
  stairwell: ['已通知住户清理，剩余杂物由保洁清运', '已上门劝导，电动车改到集中充电棚充电'],
  sanitation: ['已清运并调整清运频次为每日两次', '已安排保洁清理卫生死角并消杀'],
  repair: ['已更换损坏部件，经测试正常', '已报修并完成维修，后续纳入日常巡检'],
  safety: ['已封闭隐患点位并完成整改', '已更换设备，消防设施检测合格'],
  dispute: ['经居委会组织双方协商，已达成调解协议', '已上门调解，双方同意各退一步，问题化解'],
  other: ['建议已采纳，纳入下季度小区改造计划', '已协调相关单位落实']
}
const WISHES = [
  { category: 'shopping', title: '帮忙代买一周的降压药', description: '腿脚不便，社区医院排队太久' },
  { category: 'escort', title: '周四陪同去医院复查', description: '子女在外地，自己不会挂号' },
  { category: 'repair', title: '家里水龙头漏水，想请人帮忙换个', description: '配件已经买好了' },
  { category: 'companionship', title: '想找人陪着聊聊天、读读报', description: '老伴走了，一个人在家' },
  { category: 'shopping', title: '帮忙把旧衣物送到回收点', description: '两大袋，搬不动' },
  { category: 'repair', title: '帮忙调一下电视机顶盒', description: '换了遥控器就看不了了' },
  { category: 'other', title: '教我用手机挂号和视频通话', description: '想和孙子视频' },
  { category: 'escort', title: '陪同去银行办理社保卡', description: '' },
  { category: 'shopping', title: '帮忙买米面油送上五楼', description: '没有电梯' },
  { category: 'companionship', title: '周末陪孩子写作业', description: '双职工家庭' }
] as const
const GIVEN = ['桂兰', '建国', '秀英', '志明', '玉珍', '德福', '淑芬', '国强', '凤英', '长海', '素华', '振华']
const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗'
const weights: Array<[TicketCategory, number]> = [
  ['parking', 22],
  ['drain', 16],
  ['stairwell', 20],
  ['sanitation', 18],
  ['repair', 18],
  ['safety', 4],
  ['other', 2]
]

function weighted<T>(rng: Rng, items: Array<[T, number]>): T {
  const total = items.reduce((n, [, w]) => n + w, 0)
  let x = rng.next() * total
  for (const [item, w] of items) {
    if ((x -= w) < 0) return item
  }
  return items[items.length - 1][0]
}

interface Ctx {
  rng: Rng
  district: District
  companies: Map<string, Company>
  ocGrids: Set<string>
  quality: Map<string, number>
  tickets: TicketRecord[]
  events: TicketEventRecord[]
  deeds: DeedRecord[]
  names: { grid: Map<string, string>; community: Map<string, string> }
  serial: number
  buildingsOf: Map<string, District['buildings']>
  /** Tickets made so far (their ids are `T<date>S<count>`). */
  count: number
}

function partyLabel(ctx: Ctx, t: { party: Party; companyId: string | null; gridId: string; communityId: string }, party = t.party): string {
  if (party === 'property_company') return ctx.companies.get(t.companyId ?? '')?.name ?? '物业服务企业'
  if (party === 'owners_committee') return `${ctx.names.grid.get(t.gridId)}业委会`
  return `${(ctx.names.community.get(t.communityId) ?? '').replace(/社区$/, '')}社区居委会`
}

const personName = (rng: Rng) => `${rng.pick(SURNAMES.split(''))}${rng.pick(GIVEN)}`

interface Plan {
  grid: Grid
  category: TicketCategory
  createdAt: number
  reporter?: { openid: string; name: string; mobile?: string }
  outcome: 'confirmed' | 'auto' | 'invalid' | 'withdrawn' | 'submitted' | 'accepted' | 'resolved'
  showName?: boolean
  handoverTo?: Party
  /** Solved jointly: a second party takes part (a hand-over, or an update from another party). */
  joint?: boolean
  description?: string
  buildingId?: string
  /** Force timings (hours after creation) for the demo tickets. */
  acceptAfter?: number
  resolveAfter?: number
  rating?: number
  forceOnTime?: boolean
}

/** Builds one ticket with its history (and its ledger entry when it is closed after resolution). */
function makeTicket(ctx: Ctx, plan: Plan, now: number): TicketRecord {
  const { rng } = ctx
  const grid = plan.grid
  const rule = DEFAULT_ROUTING[plan.category]
  const hasOc = ctx.ocGrids.has(grid._id)
  let party: Party = rule.leadParty
  if (party === 'property_company' && !grid.companyId) party = 'residents_committee'
  const q = grid.companyId && party === 'property_company' ? (ctx.quality.get(grid.companyId) ?? 0.8) : 0.85
  const created = plan.createdAt
  const resolveBy = created + rule.resolveHours * HOUR
  const buildings = ctx.buildingsOf.get(grid._id) ?? []
  const building = plan.buildingId ?? rng.pick(buildings)._id
  const reporter = plan.reporter ?? { openid: `seed-resident-${++ctx.serial}`, name: personName(rng) }
  const id = `T${yymmdd(created)}S${String(++ctx.count).padStart(4, '0')}`
  const description = plan.description ?? rng.pick(DESCRIPTIONS[plan.category])
  const t: TicketRecord = {
    _id: id,
    ...newTicketRecord({
      category: plan.category,
      description,
      photos: [],
      grid,
      buildingId: building,
      companyId: grid.companyId ?? null,
      hasOwnersCommittee: hasOc,
      reporter: { openid: reporter.openid, name: reporter.name, mobile: reporter.mobile ?? null },
      showName: plan.showName ?? rng.chance(0.3),
      party,
      rule,
      createdAt: created
    }),
    seq: 0
  }
  const events: TicketEventRecord[] = []
  const involved = new Set<Party>()
  const staffName = (p: Party) => (p === 'property_company' ? rng.pick(['孙经理', '物业客服小刘', '维修主管老陈']) : p === 'owners_committee' ? rng.pick(['周委员', '业委会主任']) : rng.pick(['张敏', '网格员小王', '社区主任']))
  const push = (at: number, e: Omit<TicketEventRecord, '_id' | 'ticketId' | 'seq' | 'at' | 'actorOpenid' | 'photos' | 'internal' | 'rating' | 'from' | 'to' | 'party' | 'note'> & Partial<TicketEventRecord>) => {
    t.seq++
    events.push({ _id: eventId(id, t.seq), ticketId: id, seq: t.seq, at: new Date(at), actorOpenid: null, photos: [], internal: false, rating: null, from: null, to: null, party: null, note: null, ...e })
    t.updatedAt = new Date(at)
  }
  push(created, { kind: 'created', actor: 'reporter', actorOpenid: reporter.openid, actorName: reporter.name, to: 'submitted', party, note: `已分派：由${partyLabel(ctx, t)}牵头办理${party !== rule.leadParty ? '（本小区无对应单位，由居委会牵头）' : ''}` })

  // 三方联动: a joint ticket gets a second party — a hand-over (parking questions go to the owners'
  // committee) or an update from another party of the compound (after acceptance, below).
  let cursor = created
  const others = ([grid.companyId ? 'property_company' : null, hasOc ? 'owners_committee' : null, 'residents_committee'] as Array<Party | null>).filter(
    (p): p is Party => !!p && p !== party
  )
  const handoverTo = plan.handoverTo ?? (plan.joint && party === 'property_company' && plan.category === 'parking' && hasOc && rng.chance(0.6) ? 'owners_committee' : undefined)
  if (handoverTo && handoverTo !== party && (handoverTo !== 'owners_committee' || hasOc)) {
    cursor = created + rng.between(1, 5) * HOUR
    push(cursor, { kind: 'handover', actor: party, actorName: staffName(party), from: 'submitted', to: 'submitted', party: handoverTo, note: handoverTo === 'owners_committee' ? '车位规划需业委会研究决定' : '涉及邻里矛盾，请居委会协调' })
    involved.add(party)
    party = handoverTo
    t.party = party
    t.acceptBy = new Date(cursor + rule.acceptHours * HOUR)
  }
  const helper = plan.joint && involved.size === 0 && others.length ? rng.pick(others) : null
  if (plan.outcome === 'submitted') {
    // an open report past its deadline is escalated lazily on its first read, as in production
    t.involvedParties = [...involved]
    ctx.events.push(...events)
    return t
  }
  if (plan.outcome === 'invalid' || plan.outcome === 'withdrawn') {
    const at = cursor + rng.between(2, 20) * HOUR
    t.status = 'closed'
    t.closeReason = plan.outcome
    t.closedAt = new Date(at)
    if (plan.outcome === 'invalid') involved.add('residents_committee')
    if (plan.outcome === 'invalid') push(at, { kind: 'closed', actor: 'residents_committee', actorName: '张敏', from: 'submitted', to: 'closed', note: '经核实为重复反映，已在原问题中处理' })
    else push(at, { kind: 'closed', actor: 'reporter', actorOpenid: reporter.openid, actorName: reporter.name, from: 'submitted', to: 'closed', note: '问题已自行解决' })
    t.involvedParties = [...involved]
    ctx.events.push(...events)
    return t
  }

  // accepted
  const acceptAt = plan.acceptAfter !== undefined ? created + plan.acceptAfter * HOUR : cursor + rule.acceptHours * HOUR * rng.between(0.05, 0.6 + (1 - q))
  if (acceptAt > t.acceptBy.getTime()) {
    t.acceptEscalatedAt = t.acceptBy
    t.escalated = true
    push(t.acceptBy.getTime(), { kind: 'escalated', actor: 'system', actorName: '系统', note: '超过受理时限，已提请社区“大党委”督办' })
  }
  t.status = 'accepted'
  t.acceptedAt = new Date(acceptAt)
  push(acceptAt, { kind: 'accepted', actor: party, actorName: staffName(party), from: 'submitted', to: 'accepted', note: rng.pick(['已受理，马上安排人员处理', '收到，今天上门查看', '已派单给维修班组']) })
  involved.add(party)
  let helpedAt = acceptAt
  if (helper) {
    const notes: Record<Party, string> = {
      residents_committee: '社区已协调城管执法中队和网格员，共同现场处置',
      owners_committee: '业委会已开会研究，同意使用公共维修资金',
      property_company: '物业已派人配合现场查看'
    }
    helpedAt = acceptAt + rng.between(1, 6) * HOUR
    push(helpedAt, { kind: 'comment', actor: helper, actorName: staffName(helper), note: notes[helper] })
    involved.add(helper)
  }
  if (plan.outcome === 'accepted') {
    if (rng.chance(0.6)) push(acceptAt + 3 * HOUR, { kind: 'comment', actor: party, actorName: staffName(party), note: '正在处理中，预计明天完成' })
    t.involvedParties = [...involved]
    ctx.events.push(...renumber(events, id, t))
    return t
  }

  // resolved (first time)
  const onTime = plan.forceOnTime ?? rng.chance(0.55 + 0.4 * q)
  const firstResolve =
    plan.resolveAfter !== undefined
      ? created + plan.resolveAfter * HOUR
      : onTime
        ? Math.min(resolveBy, Math.max(helpedAt + HOUR, created + rule.resolveHours * HOUR * rng.between(0.15, 0.95)))
        : created + rule.resolveHours * HOUR * rng.between(1.05, 1.8)
  if (firstResolve > resolveBy) {
    t.resolveEscalatedAt = new Date(resolveBy)
    t.acceptEscalatedAt = t.acceptEscalatedAt ?? new Date(resolveBy)
    t.escalated = true
    push(resolveBy, { kind: 'escalated', actor: 'system', actorName: '系统', note: '超过办结时限，已提请社区“大党委”督办' })
  }
  t.firstResolvedAt = new Date(firstResolve)
  t.firstResolvedMonth = monthKey(firstResolve)
  t.resolvedOnTime = firstResolve <= resolveBy
  t.status = 'resolved'
  t.resolvedAt = new Date(firstResolve)
  t.resolvedBy = party
  involved.add(party)
  push(firstResolve, { kind: 'resolved', actor: party, actorName: staffName(party), from: 'accepted', to: 'resolved', note: rng.pick(RESOLUTIONS[plan.category]) })
  let lastResolve = firstResolve

  // reopened once, then resolved again
  if (plan.outcome !== 'resolved' && rng.chance(0.04 + 0.14 * (1 - q))) {
    const reopenAt = firstResolve + rng.between(4, 40) * HOUR
    t.reopenCount = 1
    t.resolveBy = new Date(reopenAt + rule.resolveHours * HOUR)
    push(reopenAt, { kind: 'reopened', actor: 'reporter', actorOpenid: reporter.openid, actorName: reporter.name, from: 'resolved', to: 'accepted', note: '问题没有彻底解决，又出现了' })
    lastResolve = reopenAt + rule.resolveHours * HOUR * rng.between(0.2, 0.7)
    t.resolvedAt = new Date(lastResolve)
    push(lastResolve, { kind: 'resolved', actor: party, actorName: staffName(party), from: 'accepted', to: 'resolved', note: '已彻底处理，并安排回访' })
  }
  if (plan.outcome === 'resolved') {
    t.involvedParties = [...involved]
    ctx.events.push(...renumber(events, id, t))
    return t
  }

  t.involvedParties = [...involved]
  const doneBy = partyLabel(ctx, t)
  if (plan.outcome === 'confirmed') {
    const at = Math.min(lastResolve + rng.between(2, 60) * HOUR, now - HOUR)
    const mean = 2.4 + 2.6 * q - (t.resolvedOnTime ? 0 : 0.6) - t.reopenCount * 0.5
    const rating = plan.rating ?? Math.max(1, Math.min(5, Math.round(mean + rng.between(-0.9, 0.9))))
    t.status = 'closed'
    t.closeReason = 'confirmed'
    t.closedAt = new Date(at)
    t.rating = rating
    t.ratingComment = rating >= 4 ? rng.pick(['处理很及时，谢谢！', '师傅态度很好', '问题解决了，满意', '']) || null : rng.pick(['拖的时间有点长', '解决了但不够彻底', null])
    t.ratedAt = new Date(at)
    t.ratedMonth = monthKey(at)
    push(at, { kind: 'confirmed', actor: 'reporter', actorOpenid: reporter.openid, actorName: reporter.name, from: 'resolved', to: 'closed', rating, note: t.ratingComment })
    ctx.deeds.push(ticketDeed(t, doneBy, new Date(at), rating))
  } else {
    const at = lastResolve + 7 * DAY
    if (at > now) throw new Error('an auto-closed demo ticket must close before now')
    t.status = 'closed'
    t.closeReason = 'auto'
    t.closedAt = new Date(at)
    push(at, { kind: 'closed', actor: 'system', actorName: '系统', from: 'resolved', to: 'closed', note: '办结后7天未评价，自动办结' })
    ctx.deeds.push(ticketDeed(t, doneBy, new Date(at), null))
  }
  ctx.events.push(...renumber(events, id, t))
  return t
}


/** Events in time order with consecutive sequence numbers. */
function renumber(events: TicketEventRecord[], id: string, t: TicketRecord): TicketEventRecord[] {
  const sorted = [...events].sort((a, b) => a.at.getTime() - b.at.getTime() || a.seq - b.seq)
  sorted.forEach((e, i) => {
    e.seq = i + 1
    e._id = eventId(id, i + 1)
  })
  t.seq = sorted.length
  return sorted
}

/** Grids weighted by households (busier compounds report more). */
function gridPicker(rng: Rng, grids: Grid[]) {
  const items = grids.map((g) => [g, g.households] as [Grid, number])
  return () => weighted(rng, items)
}

export const seedTickets: DomainSeed = async (store, { scale, now: nowDate }) => {
  const now = nowDate.getTime()
  const district = buildDistrict(scale)
  const rng = generator(20261127 + scale)
  const ctx: Ctx = {
    rng,
    district,
    companies: new Map(district.companies.map((c) => [c._id, c])),
    ocGrids: new Set(district.ownersCommittees.map((oc) => oc.gridId)),
    quality: new Map(district.companies.map((c, i) => [c._id, 0.45 + 0.55 * generator(i * 7919 + 17).next()])),
    tickets: [],
    events: [],
    deeds: [],
    names: { grid: new Map(district.grids.map((g) => [g._id, g.name])), community: new Map(district.communities.map((c) => [c._id, c.name])) },
    serial: 0,
    count: 0,
    buildingsOf: new Map()
  }
  for (const b of district.buildings) ctx.buildingsOf.set(b.gridId, [...(ctx.buildingsOf.get(b.gridId) ?? []), b])
  const F = TICKET_SEED_FIGURES
  const history = Number(process.env.SEED_TICKET_SCALE) || scale
  const pickGrid = gridPicker(rng, district.grids.filter((g) => g._id !== 'c1g1'))
  // More reports in recent months: days ago = min + (365 − min) × u^1.3, where min leaves time for the
  // slowest resolution (1.8 × the deadline, a reopen) and the 7-day auto-close before now.
  const when = (category: TicketCategory) => {
    const min = Math.ceil((2.5 * DEFAULT_ROUTING[category].resolveHours + 40 + 7 * 24 + 4) / 24)
    return now - (min + (365 - min) * Math.pow(rng.next(), 1.3)) * DAY - rng.between(0, 10) * HOUR
  }

  const pickServed = gridPicker(rng, district.grids.filter((g) => g._id !== 'c1g1' && !!g.companyId))
  const closed = () => (rng.chance(0.78) ? 'confirmed' : 'auto') as Plan['outcome']
  for (let i = 0; i < F.otherSolved * history; i++) {
    const category = weighted(rng, weights)
    ctx.tickets.push(makeTicket(ctx, { grid: pickGrid(), category, createdAt: when(category), outcome: closed() }, now))
  }
  for (let i = 0; i < F.blockersSolved * history; i++) {
    const category = weighted(rng, weights)
    ctx.tickets.push(makeTicket(ctx, { grid: pickServed(), category, createdAt: when(category), outcome: closed(), joint: true }, now))
  }
  for (let i = 0; i < F.disputesSettled * history; i++) {
    ctx.tickets.push(makeTicket(ctx, { grid: pickGrid(), category: 'dispute', createdAt: when('dispute'), outcome: rng.chance(0.8) ? 'confirmed' : 'auto', joint: rng.chance(0.3) }, now))
  }
  for (let i = 0; i < F.closedOther * history; i++) {
    const category = weighted(rng, weights)
    ctx.tickets.push(makeTicket(ctx, { grid: pickGrid(), category, createdAt: when(category), outcome: i % 3 === 0 ? 'withdrawn' : 'invalid' }, now))
  }
  for (let i = 0; i < F.openElsewhere * history; i++) {
    const outcome = (['submitted', 'accepted', 'accepted', 'resolved'] as const)[i % 4]
    ctx.tickets.push(makeTicket(ctx, { grid: pickGrid(), category: weighted(rng, weights), createdAt: now - rng.between(2, 30) * HOUR, outcome, acceptAfter: 1, resolveAfter: 1.5 }, now))
  }

  // 锦绣花园 (c1g1) for the personas.
  const c1g1 = district.grids.find((g) => g._id === 'c1g1')!
  const resident = { openid: 'demo-resident', name: '王秀兰', mobile: '13900000001' }
  const neighbour = (n: number) => ({ openid: `seed-resident-c1g1-${n}`, name: ['李桂兰', '赵建国', '陈淑芬', '刘德福', '杨玉珍'][n % 5], mobile: `1390000${String(1100 + n).padStart(4, '0')}` })
  const demo: Plan[] = [
    { grid: c1g1, category: 'drain', createdAt: now - 2 * HOUR, outcome: 'submitted', reporter: neighbour(0), buildingId: 'c1g1b3', description: '3号楼东侧下水道堵塞，污水漫到路上，老人出门很不方便', showName: true },
    { grid: c1g1, category: 'stairwell', createdAt: now - 26 * HOUR, outcome: 'accepted', reporter: neighbour(1), buildingId: 'c1g1b2', description: '2号楼2单元楼道堆满纸箱和旧家具，消防通道被堵', acceptAfter: 3 },
    { grid: c1g1, category: 'parking', createdAt: now - 20 * HOUR, outcome: 'submitted', reporter: neighbour(2), buildingId: 'c1g1b4', description: '小区东门地面车位不够，晚上车停到了消防通道上，建议重新规划车位', handoverTo: 'owners_committee' },
    { grid: c1g1, category: 'dispute', createdAt: now - 30 * HOUR, outcome: 'accepted', reporter: neighbour(3), buildingId: 'c1g1b5', description: '楼上卫生间漏水到我家天花板，找过几次都不开门', acceptAfter: 5 },
    { grid: c1g1, category: 'repair', createdAt: now - 3 * DAY, outcome: 'resolved', reporter: resident, buildingId: 'c1g1b1', description: '1号楼单元门禁坏了，陌生人随便进出', acceptAfter: 2, resolveAfter: 30, forceOnTime: true, showName: false },
    { grid: c1g1, category: 'safety', createdAt: now - 6 * HOUR, outcome: 'submitted', reporter: neighbour(4), buildingId: 'c1g1b1', description: '1号楼后面配电箱门坏了，电线露在外面，孩子经常在旁边玩' }
  ]
  // a closed history in 锦绣花园 too, so the compound's list has resolved reports
  for (let i = 0; i < F.c1g1Joint; i++) {
    const category = weighted(rng, weights)
    demo.push({ grid: c1g1, category, createdAt: when(category), joint: true, outcome: i === 0 ? 'auto' : 'confirmed', reporter: i === 1 ? resident : neighbour(i) })
  }
  for (const plan of demo) ctx.tickets.push(makeTicket(ctx, plan, now))

  await store.insertMany('tickets', ctx.tickets as unknown as Record<string, unknown>[])
  await store.insertMany('ticketEvents', ctx.events as unknown as Record<string, unknown>[])

  // 微心愿
  const { wishes, wishEvents, deeds: wishDeeds } = buildWishes(store, district, rng, now, history)
  await store.insertMany('wishes', wishes as unknown as Record<string, unknown>[])
  await store.insertMany('wishEvents', wishEvents as unknown as Record<string, unknown>[])
  await store.insertMany('deeds', [...ctx.deeds, ...wishDeeds] as unknown as Record<string, unknown>[])
  // The reports and wishes that carry the poster's mobile: the contact consent that goes with it.
  await store.insertMany('consents', [
    ...seedConsents('contact', 'tickets', nowDate, ctx.tickets.filter((t) => t.reporterMobile).map((t) => ({ openid: t.reporterOpenid, at: t.createdAt }))),
    ...seedConsents('contact', 'wishes', nowDate, wishes.filter((w) => w.residentMobile).map((w) => ({ openid: w.residentOpenid, at: w.createdAt })))
  ])

  // Party-building entries and published rankings for the last three months whose appeal window closed.
  const { entries, rankings, appeals } = buildRankings(ctx, now)
  await store.insertMany('companyMonths', entries as unknown as Record<string, unknown>[])
  await store.insertMany('rankings', rankings as unknown as Record<string, unknown>[])
  await store.insertMany('rankingAppeals', appeals as unknown as Record<string, unknown>[])
}

/** Who approved the seeded wishes (the personas' communities; others: 社区工作人员). */
const SEED_REVIEWERS: Record<string, { openid: string; name: string }> = { c1: { openid: 'demo-staff', name: '张敏' }, c2: { openid: 'demo-staff-2', name: '赵磊' } }

function buildWishes(store: Parameters<DomainSeed>[0], district: District, rng: Rng, now: number, scale: number) {
  const wishes: WishRecord[] = []
  const wishEvents: WishEventRecord[] = []
  const deeds: DeedRecord[] = []
  const members = (store.find ? store.find('users', { roles: 'member' }) : []) as Array<{ _id: string; profile?: { name?: string; communityId?: string } }>
  const byCommunity = new Map<string, typeof members>()
  for (const m of members) {
    const c = m.profile?.communityId
    if (!c || m._id === 'demo-member') continue
    byCommunity.set(c, [...(byCommunity.get(c) ?? []), m])
  }
  const memberIn = (communityId: string) => {
    const local = byCommunity.get(communityId) ?? []
    const m = local.length ? rng.pick(local) : null
    return m ? { openid: m._id, name: m.profile?.name ?? '党员' } : { openid: `seed-member-${communityId}`, name: personName(rng) }
  }
  let n = 0
  const add = (w: Partial<WishRecord> & Pick<WishRecord, 'category' | 'title' | 'gridId' | 'communityId' | 'residentOpenid' | 'residentName' | 'status' | 'createdAt'>, events: Array<[WishEventRecord['kind'], Date, string, string, string | null]>) => {
    n++
    const id = `W${yymmdd(w.createdAt)}${String(n).padStart(4, '0')}`
    const rec: WishRecord = {
      _id: id,
      description: null,
      buildingId: null,
      residentMobile: null,
      showName: false,
      memberOpenid: null,
      memberName: null,
      claimedAt: null,
      completedAt: null,
      minutes: null,
      completionNote: null,
      photos: [],
      confirmedAt: null,
      confirmedBy: null,
      rating: null,
      ratingComment: null,
      cancelledAt: null,
      serviceRecordId: null,
      // Seeded wishes past 待审核 were approved by their community's staff an hour after posting.
      ...(w.status === 'pending' ? { reviewedAt: null, reviewedBy: null, reviewerName: null } : { reviewedAt: new Date(+w.createdAt + HOUR), reviewedBy: SEED_REVIEWERS[w.communityId]?.openid ?? null, reviewerName: SEED_REVIEWERS[w.communityId]?.name ?? '社区工作人员' }),
      rejectReason: null,
      updatedAt: events[events.length - 1][1],
      seq: events.length,
      ...w
    }
    events.forEach(([kind, at, actorOpenid, actorName, note], i) =>
      wishEvents.push({ _id: `${id}:${String(i + 1).padStart(4, '0')}`, wishId: id, seq: i + 1, kind, at, actorOpenid, actorName, note })
    )
    wishes.push(rec)
    return rec
  }
  const at = (hoursAgo: number) => new Date(now - hoursAgo * HOUR)
  const elder = { openid: 'seed-resident-c1g1-elder', name: '马桂兰' }
  // c1g1, for the personas
  add({ ...WISHES[0], description: WISHES[0].description, gridId: 'c1g1', buildingId: 'c1g1b1', communityId: 'c1', residentOpenid: 'demo-resident', residentName: '王秀兰', residentMobile: '13900000001', status: 'open', createdAt: at(20) }, [['created', at(20), 'demo-resident', '王秀兰', null]])
  add({ ...WISHES[1], description: WISHES[1].description, gridId: 'c1g1', buildingId: 'c1g1b3', communityId: 'c1', residentOpenid: elder.openid, residentName: elder.name, residentMobile: '13900001201', status: 'open', createdAt: at(8) }, [['created', at(8), elder.openid, elder.name, null]])
  // one waiting for 张敏's review (not listed publicly until approved)
  add({ ...WISHES[5], description: WISHES[5].description, gridId: 'c1g1', buildingId: 'c1g1b3', communityId: 'c1', residentOpenid: elder.openid, residentName: elder.name, residentMobile: '13900001201', status: 'pending', createdAt: at(2) }, [['created', at(2), elder.openid, elder.name, null]])
  add(
    { ...WISHES[2], description: WISHES[2].description, gridId: 'c1g1', buildingId: 'c1g1b4', communityId: 'c1', residentOpenid: 'seed-resident-c1g1-2', residentName: '陈淑芬', residentMobile: '13900001202', status: 'claimed', memberOpenid: 'demo-member', memberName: '李明', claimedAt: at(5), createdAt: at(30) },
    [
      ['created', at(30), 'seed-resident-c1g1-2', '陈淑芬', null],
      ['claimed', at(5), 'demo-member', '李明', null]
    ]
  )
  add(
    { ...WISHES[4], description: WISHES[4].description, gridId: 'c1g1', buildingId: 'c1g1b1', communityId: 'c1', residentOpenid: 'demo-resident', residentName: '王秀兰', residentMobile: '13900000001', status: 'completed', memberOpenid: 'demo-member', memberName: '李明', claimedAt: at(50), completedAt: at(26), minutes: 45, completionNote: '两袋旧衣物已送到社区回收点', createdAt: at(72) },
    [
      ['created', at(72), 'demo-resident', '王秀兰', null],
      ['claimed', at(50), 'demo-member', '李明', null],
      ['completed', at(26), 'demo-member', '李明', '两袋旧衣物已送到社区回收点']
    ]
  )
  // confirmed wishes across the district (the ledger's 办理民生实事)
  for (let i = 0; i < TICKET_SEED_FIGURES.confirmedWishes * scale; i++) {
    const grid = rng.pick(district.grids)
    const member = memberIn(grid.communityId)
    const resident = { openid: `seed-resident-w${i}`, name: personName(rng) }
    const tpl = WISHES[i % WISHES.length]
    const created = now - rng.between(10, 300) * DAY
    const claimed = created + rng.between(2, 30) * HOUR
    const completed = claimed + rng.between(20, 96) * HOUR
    const confirmed = completed + rng.between(2, 48) * HOUR
    const minutes = rng.pick([30, 45, 60, 90, 120, 180])
    const rating = rng.chance(0.85) ? 5 : 4
    const w = add(
      { category: tpl.category, title: tpl.title, description: tpl.description || null, gridId: grid._id, communityId: grid.communityId, residentOpenid: resident.openid, residentName: resident.name, status: 'confirmed', memberOpenid: member.openid, memberName: member.name, claimedAt: new Date(claimed), completedAt: new Date(completed), minutes, confirmedAt: new Date(confirmed), confirmedBy: resident.openid, rating, ratingComment: '谢谢党员同志！', createdAt: new Date(created) },
      [
        ['created', new Date(created), resident.openid, resident.name, null],
        ['claimed', new Date(claimed), member.openid, member.name, null],
        ['completed', new Date(completed), member.openid, member.name, null],
        ['confirmed', new Date(confirmed), resident.openid, resident.name, '谢谢党员同志！']
      ]
    )
    deeds.push(wishDeed(w, `${member.name.slice(0, 1)}${'*'.repeat(Math.max(1, member.name.length - 1))}`, new Date(confirmed), rating, minutes))
  }
  return { wishes, wishEvents, deeds }
}

function buildRankings(ctx: Ctx, now: number) {
  const { rng, district } = ctx
  const entries: CompanyMonthRecord[] = []
  const rankings: RankingRecord[] = []
  const appeals: AppealRecord[] = []
  // The newest month whose review (1st of the next month) + 5-day appeal window + a day is over.
  const start = (month: string) => dayjs.tz(`${month}-01 00:00`, 'YYYY-MM-DD HH:mm', ZONE)
  let month = shanghai(now).subtract(1, 'month').format('YYYY-MM')
  if (start(month).add(1, 'month').add(7, 'day').valueOf() > now) month = shanghai(now).subtract(2, 'month').format('YYYY-MM')
  const months = [0, 1, 2].map((k) => start(month).subtract(k, 'month').format('YYYY-MM'))
  const gridsBy = new Map<string, { n: number; households: number }>()
  for (const g of district.grids) {
    if (!g.companyId) continue
    const c = gridsBy.get(g.companyId) ?? { n: 0, households: 0 }
    c.n++
    c.households += g.households
    gridsBy.set(g.companyId, c)
  }
  for (const m of months) {
    const reviewedAt = start(m).add(1, 'month').add(1, 'day').hour(10).valueOf()
    const appealUntil = reviewedAt + 5 * DAY
    const publishedAt = appealUntil + 2 * HOUR
    const monthEntries = new Map<string, CompanyMonthRecord>()
    for (const c of district.companies) {
      if (c.kind !== 'professional') continue
      const e: CompanyMonthRecord = {
        _id: `${c._id}:${m}`,
        companyId: c._id,
        month: m,
        jointActivities: rng.int(c.hasBranch ? 1 : 0, 2),
        meetingsAttended: rng.int(0, 2),
        note: null,
        updatedAt: new Date(reviewedAt - 2 * HOUR),
        updatedBy: '陈主任'
      }
      entries.push(e)
      monthEntries.set(c._id, e)
    }
    const counts = countTickets(ctx.tickets, m, publishedAt)
    const inputs = new Map<string, CardInputs>()
    for (const c of district.companies) {
      const g = gridsBy.get(c._id) ?? { n: 0, households: 0 }
      inputs.set(c._id, { counts: counts.get(c._id) ?? emptyCounts(), grids: g.n, households: g.households, entry: monthEntries.get(c._id) })
    }
    const cards = rankCards(buildCards(district.companies, inputs, m)).map((card) => ({ ...card, source: 'snapshot' as const }))
    rankings.push({ _id: m, month: m, status: 'published', cards, reviewedAt: new Date(reviewedAt), reviewedBy: '陈主任', appealUntil: new Date(appealUntil), publishedAt: new Date(publishedAt), publishedBy: '陈主任' })
    if (m === months[0]) {
      const last = cards.filter((c) => c.list === 'black')[0]
      if (last) {
        appeals.push({
          _id: `${m}:${last.companyId}`,
          month: m,
          companyId: last.companyId,
          companyName: last.companyName,
          openid: `seed-property-${last.companyId}`,
          reason: '本月多件问题系小区老旧管网所致，已报市政部门，请求酌情考虑',
          ticketIds: [],
          status: 'dismissed',
          reply: '老旧管网问题也属物业应及时协调处置的范围，申诉不予支持，请加强整改',
          excludedTicketIds: [],
          createdAt: new Date(reviewedAt + DAY),
          answeredAt: new Date(appealUntil - 3 * HOUR),
          answeredBy: '陈主任'
        })
      }
    }
  }
  return { entries, rankings, appeals }
}
