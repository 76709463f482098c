/**
 * 保障全覆盖: 阵地 and 资金 (党建+邻里中心 and their funding ledger, issue #5; room bookings used) and
 * 机制 (三方联动 tickets, their deeds and satisfaction, issue #7).
 */
import { CENTER_STATUS_LABELS, FUND_TYPE_LABELS, type CenterStatus } from '../../../contracts/centers'
import { TICKET_CATEGORY_LABELS, TICKET_STATUS_LABELS, type TicketCategory, type TicketStatus } from '../../../contracts/tickets'
import { db } from '../../core/db'
import { collectionFigure } from './build'
import { rowsOf } from './data'
import { namedRecords, pagePart, pageRecords, round, scoped, within, type RecordNames } from './query'
import { deedFigure, deedRecord, type DeedDoc } from './service'
import type { Figure } from './types'

const _ = () => db().command

// ------------------------------------------------------------------ 党建+邻里中心

interface CenterDoc {
  _id: string
  communityId: string
  gridId?: string
  name: string
  address: string
  status: CenterStatus
  roomCount: number
}

const centerRecord = (c: CenterDoc, n: { community?: string; grid?: string }) => ({
  id: c._id,
  title: c.name,
  detail: [CENTER_STATUS_LABELS[c.status], n.grid, `活动室${c.roomCount ?? 0}间`].filter(Boolean).join(' · '),
  communityName: n.community
})

const centersPlanned = collectionFigure<CenterDoc>({
  key: 'centersPlanned',
  label: '规划建设"党建+邻里中心"',
  section: 'support',
  unit: '个',
  kind: 'stock',
  definition: '截至当前，列入建设计划的"党建+邻里中心"个数（规划中、建设中、已建成、已验收之和），按状态分列。',
  recordLabel: '邻里中心',
  collection: 'centers',
  where: (scope) => scoped(scope),
  order: ['order', 'asc'],
  part: 'centers',
  breakdown: { dim: 's', labels: CENTER_STATUS_LABELS },
  record: centerRecord
})

const centersBuilt = collectionFigure<CenterDoc>({
  key: 'centersBuilt',
  label: '建成"党建+邻里中心"',
  section: 'support',
  unit: '个',
  kind: 'stock',
  definition: '截至当前，已建成（含已验收）的"党建+邻里中心"个数。',
  recordLabel: '邻里中心',
  collection: 'centers',
  where: (scope) => scoped(scope, { status: _().in(['built', 'accepted']) }),
  order: ['order', 'asc'],
  part: 'centers',
  pick: (k) => k.s === 'built' || k.s === 'accepted',
  compare: true,
  record: centerRecord
})

const centersAccepted = collectionFigure<CenterDoc>({
  key: 'centersAccepted',
  label: '验收合格的邻里中心',
  section: 'support',
  unit: '个',
  kind: 'stock',
  definition: '截至当前，建成并验收合格（获 5,000 元奖励）的"党建+邻里中心"个数。',
  recordLabel: '邻里中心',
  collection: 'centers',
  where: (scope) => scoped(scope, { status: 'accepted' }),
  order: ['order', 'asc'],
  part: 'centers',
  pick: (k) => k.s === 'accepted',
  record: centerRecord
})

interface FundDoc {
  _id: string
  communityId: string
  centerName: string
  type: keyof typeof FUND_TYPE_LABELS
  amountFen: number
  date: string
  note?: string
}

const centerFunding = collectionFigure<FundDoc>({
  key: 'centerFunding',
  label: '累计投入邻里中心建设资金',
  section: 'support',
  unit: '元',
  kind: 'stock',
  definition:
    '截至当前，邻里中心资金台账全部入账金额之和（分 ÷ 100，保留两位小数），按来源分列：建设补助（每个拟建中心 5,000 元）、验收奖励（5,000 元）、上级专项、物业出资、业主筹资等。',
  recordLabel: '资金入账',
  collection: 'centerFunds',
  where: (scope) => scoped(scope),
  order: ['date', 'desc'],
  part: 'centerFunds',
  field: 'v',
  divide: 100,
  digits: 2,
  compare: true,
  breakdown: { dim: 't', labels: FUND_TYPE_LABELS },
  note: (_data, _scope, value) => (value >= 10_000 ? `约 ${round(value / 10_000, 1)} 万元` : undefined),
  record: (f, n) => ({
    id: f._id,
    title: `${f.centerName} · ${FUND_TYPE_LABELS[f.type] ?? f.type}`,
    detail: [f.date, f.note].filter(Boolean).join(' · '),
    communityName: n.community,
    amount: round((f.amountFen ?? 0) / 100, 2)
  })
})

interface BookingDoc {
  _id: string
  communityId: string
  centerName: string
  roomName: string
  purpose: string
  start: Date
  attendees: number
}

const roomBookingsUsed = collectionFigure<BookingDoc>({
  key: 'roomBookingsUsed',
  label: '邻里中心活动室使用',
  section: 'support',
  unit: '场次',
  kind: 'flow',
  definition: '统计期内开始、并已到场签到的活动室预约场次。',
  recordLabel: '活动室预约',
  collection: 'bookings',
  where: (scope, period) => scoped(scope, { status: 'checked_in', start: within(period) }),
  order: ['start', 'desc'],
  part: 'bookings',
  record: (b, n) => ({
    id: b._id,
    title: `${b.centerName} ${b.roomName}`,
    detail: `${b.purpose} · ${b.attendees ?? 0}人`,
    communityName: n.community,
    at: new Date(b.start).toISOString()
  })
})

// ------------------------------------------------------------------ 三方联动

interface TicketDoc {
  _id: string
  communityId: string
  gridId: string
  category: TicketCategory
  description: string
  status: TicketStatus
  createdAt: Date
  rating: number | null
  ratedAt: Date | null
}

const ticketRecord = (t: TicketDoc, n: { community?: string; grid?: string }, at: Date | null, amount?: number) => ({
  id: t._id,
  title: `${TICKET_CATEGORY_LABELS[t.category] ?? t.category}：${t.description.length > 40 ? `${t.description.slice(0, 39)}…` : t.description}`,
  detail: [n.grid, TICKET_STATUS_LABELS[t.status], t.rating ? `评价${t.rating}星` : ''].filter(Boolean).join(' · '),
  communityName: n.community,
  at: at ? new Date(at).toISOString() : undefined,
  amount
})

const ticketsReceived = collectionFigure<TicketDoc>({
  key: 'ticketsReceived',
  label: '三方联动受理居民报事',
  section: 'support',
  unit: '件',
  kind: 'flow',
  definition: '统计期内居民提交的三方联动报事（含邻里纠纷）件数。',
  recordLabel: '报事工单',
  collection: 'tickets',
  where: (scope, period) => scoped(scope, { createdAt: within(period) }),
  order: ['createdAt', 'desc'],
  part: 'tickets',
  record: (t, n) => ticketRecord(t, n, t.createdAt)
})

const blockersSolved = deedFigure({
  key: 'blockersSolved',
  section: 'support',
  compare: true,
  definition: '统计期内三方联动办结的"堵点"问题件数：除邻里纠纷外的报事，经居民确认或解决后 7 天未评价自动办结（记入"我为群众办实事"台账）。'
})

const disputesSettled = deedFigure({
  key: 'disputesSettled',
  section: 'support',
  definition: '统计期内化解的矛盾纠纷件数：邻里纠纷类报事经居民确认或自动办结（记入"我为群众办实事"台账）。'
})

const ratedWhere = (scope: Parameters<typeof scoped>[0], period: Parameters<typeof within>[0]) =>
  scoped(scope, { rating: _().gte(1), doneAt: within(period) })

/** A rated deed as a record, its rating as the amount. */
const ratedRecord = (d: DeedDoc, n: RecordNames) => ({ ...deedRecord(d, n), amount: d.rating ?? undefined })

/**
 * Satisfaction is read from the deeds ledger: each entry keeps the rating the resident gave when
 * confirming (tickets and wishes alike), and its entries are small — the whole-district average
 * stays cheap where the tickets themselves are many and large.
 */
const satisfaction: Figure = {
  key: 'satisfaction',
  label: '群众满意度（平均评价）',
  section: 'support',
  unit: '分',
  kind: 'flow',
  definition:
    '统计期内办结的事项（三方联动报事与微心愿）中，居民确认时所作评价（1–5 星）的平均分，保留两位小数；未评价的（如 7 天未评价自动办结）不计；没有评价时为 0。',
  recordLabel: '已评价的办结事项',
  parts: ['deeds'],
  compute(data) {
    // The deeds part groups on the rating (r) too: Σ r·n ÷ Σ n over the rated groups is the average rating.
    const rated = (k: Record<string, unknown>) => typeof k.r === 'number' && k.r >= 1
    let sum = 0
    let n = 0
    for (const row of rowsOf(data, 'deeds')) {
      const k = row._id ?? {}
      if (!rated(k)) continue
      sum += (k.r as number) * row.n
      n += row.n
    }
    return { value: n === 0 ? 0 : round(sum / n, 2), note: n > 0 ? `共${n}次评价` : '统计期内暂无评价' }
  },
  records(scope, period, page, pageSize) {
    return pageRecords<DeedDoc>('deeds', ratedWhere(scope, period), ['doneAt', 'desc'], page, pageSize, ratedRecord, scope.names)
  },
  recordParts(scope, period, page, pageSize) {
    const where = ratedWhere(scope, period)
    return {
      page: pagePart('deeds', where, ['doneAt', 'desc'], page, pageSize),
      total: { collection: 'deeds', build: (p) => p.match(where).count('n') },
      items: (docs, named) => namedRecords<DeedDoc>(docs, named, ratedRecord)
    }
  }
}

export const supportFigures: Figure[] = [
  centersPlanned,
  centersBuilt,
  centersAccepted,
  centerFunding,
  roomBookingsUsed,
  ticketsReceived,
  blockersSolved,
  disputesSettled,
  satisfaction
]
