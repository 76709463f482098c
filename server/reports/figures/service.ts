/**
 * 服务全覆盖: 在职党员报到 (registrations, issue #3), the teams (teams, #4), volunteer activities and
 * verified hours (activities, serviceRecords, #4), 我为群众办实事 (the deeds ledger, #7) and
 * 政策宣讲进小区 (notices, noticeReads, #6).
 */
import { ACTIVITY_CATEGORIES } from '../../../contracts/activities'
import { DEFAULT_REGISTRATION_TARGET } from '../../../contracts/members'
import type { FigureRecord } from '../../../contracts/reports'
import { NOTICE_CATEGORY_LABELS } from '../../../contracts/notices'
import { TEAM_TYPE_LABELS, type TeamType } from '../../../contracts/teams'
import { DEED_FIGURE_LABELS } from '../../../contracts/wishes'
import { db } from '../../core/db'
import type { Pipeline } from '../../core/together'
import { maskName } from '../../core/mask'
import type { Period } from '../period'
import type { Scope } from '../scope'
import { collectionFigure } from './build'
import { countOf, noticesWhere, readsWhere, rowsOf, total, verifiedIn, type Data } from './data'
import { communityNames, round, scoped, within } from './query'
import type { Figure } from './types'

const _ = () => db().command
const categoryLabels = Object.fromEntries(ACTIVITY_CATEGORIES.map((c) => [c, c])) as Record<string, string>
const hours = (minutes: number) => round(minutes / 60, 1)

// ------------------------------------------------------------------ 在职党员报到

interface RegistrationDoc {
  _id: string
  communityId: string
  gridId: string
  name: string
  workUnit: string
  status: string
  submittedAt: Date
  reviewedAt?: Date
}

/** The district's 报到 target (settings; the seed document's 4,403 when never set). */
const targetFrom = (data: Data): number => (rowsOf(data, 'target')[0]?.target as number | undefined) ?? DEFAULT_REGISTRATION_TARGET

const registrationRecord = (r: RegistrationDoc, n: { community?: string; grid?: string }, at: Date | undefined): FigureRecord => ({
  id: r._id,
  title: `${r.name}（${r.workUnit}）`,
  detail: [n.grid, r.status === 'pending' ? '待审核' : '已报到'].filter(Boolean).join(' · '),
  communityName: n.community,
  at: at ? new Date(at).toISOString() : undefined
})

const membersApproved = collectionFigure<RegistrationDoc>({
  key: 'membersApproved',
  label: '到居住地报到的在职党员',
  section: 'service',
  unit: '名',
  kind: 'stock',
  definition:
    '截至当前，报到已审核通过的在职党员人数；每人至多一条有效报到，转出的不计。全区统计时与区定目标（默认 4,403 名）对照，社区统计时与区里为该社区设定的目标对照（未设目标的不计完成率）。',
  recordLabel: '报到记录',
  collection: 'registrations',
  where: (scope) => scoped(scope, { status: 'approved' }),
  order: ['reviewedAt', 'desc'],
  part: 'approved',
  compare: true,
  needs: ['target'],
  target: (scope, data) => (scope.communityId ? (scope.target ?? undefined) : targetFrom(data)),
  record: (r, n) => registrationRecord(r, n, r.reviewedAt)
})

const membersPending = collectionFigure<RegistrationDoc>({
  key: 'membersPending',
  label: '待审核的报到',
  section: 'service',
  unit: '名',
  kind: 'stock',
  definition: '截至当前，已提交、尚待社区审核的报到人数。',
  recordLabel: '报到记录',
  collection: 'registrations',
  where: (scope) => scoped(scope, { status: 'pending' }),
  order: ['submittedAt', 'desc'],
  part: 'pending',
  record: (r, n) => registrationRecord(r, n, r.submittedAt)
})

// ------------------------------------------------------------------ teams

interface TeamDoc {
  _id: string
  communityId: string
  name: string
  type: TeamType
  unit?: string
  memberCount: number
  leaderName?: string
}

function teamFigure(type: TeamType, key: 'teamsLiaison' | 'teamsEmergency'): Figure {
  return collectionFigure<TeamDoc>({
    key,
    label: TEAM_TYPE_LABELS[type],
    section: 'service',
    unit: '支',
    kind: 'stock',
    definition: `截至当前，在册（未撤销）的${TEAM_TYPE_LABELS[type]}支数。`,
    recordLabel: TEAM_TYPE_LABELS[type],
    collection: 'teams',
    where: (scope) => scoped(scope, { type, status: 'active' }),
    order: ['communityId', 'asc'],
    part: 'teams',
    pick: (k) => k.t === type,
    record: (t, n) => ({
      id: t._id,
      title: t.name,
      detail: [t.unit, `队员${t.memberCount ?? 0}名`, t.leaderName ? `队长：${t.leaderName}` : ''].filter(Boolean).join(' · '),
      communityName: n.community
    })
  })
}

// ------------------------------------------------------------------ volunteer activities and hours

interface ActivityDoc {
  _id: string
  communityId: string | null
  title: string
  category: string
  start: Date
  confirmedCount: number
}

const volunteerActivities = collectionFigure<ActivityDoc>({
  key: 'volunteerActivities',
  label: '开展志愿服务活动',
  section: 'service',
  unit: '场',
  kind: 'flow',
  definition: '统计期内开始的志愿服务活动（未取消）场数，按服务类别分列；按社区统计时为该社区组织的活动。',
  recordLabel: '志愿服务活动',
  collection: 'activities',
  where: (scope, period) => scoped(scope, { kind: 'volunteer', status: 'published', start: within(period) }),
  order: ['start', 'desc'],
  part: 'activities',
  trend: true,
  compare: true,
  breakdown: { dim: 'b', labels: categoryLabels, order: ACTIVITY_CATEGORIES },
  record: (a, n) => ({ id: a._id, title: a.title, detail: `${a.category} · 报名${a.confirmedCount ?? 0}人`, communityName: n.community ?? '全区', at: new Date(a.start).toISOString() })
})

interface ServiceRecordDoc {
  _id: string
  communityId: string | null
  name: string
  title: string
  category: string
  serviceDate: Date
  verifiedMinutes: number
}


const serviceRecord = (r: ServiceRecordDoc, n: { community?: string }, amount?: number): FigureRecord => ({
  id: r._id,
  title: r.title,
  detail: `${maskName(r.name)} · ${r.category} · ${hours(r.verifiedMinutes ?? 0)}小时`,
  communityName: n.community ?? '全区',
  at: new Date(r.serviceDate).toISOString(),
  amount
})

const volunteerServices = collectionFigure<ServiceRecordDoc>({
  key: 'volunteerServices',
  label: '志愿服务人次',
  section: 'service',
  unit: '人次',
  kind: 'flow',
  definition: '服务日期在统计期内、时长已认定（认定或调整后认定）的志愿服务记录条数（一人参加一次活动计一人次，含微心愿）；按社区统计时为该社区出具的记录。',
  recordLabel: '志愿服务记录',
  collection: 'serviceRecords',
  where: verifiedIn,
  order: ['serviceDate', 'desc'],
  part: 'serviceRecords',
  record: (r, n) => serviceRecord(r, n)
})

const volunteerHours = collectionFigure<ServiceRecordDoc>({
  key: 'volunteerHours',
  label: '认定志愿服务时长',
  section: 'service',
  unit: '小时',
  kind: 'flow',
  definition: '服务日期在统计期内、已认定的志愿服务记录的认定时长（分钟）之和 ÷ 60，保留一位小数，按服务类别分列。',
  recordLabel: '志愿服务记录',
  collection: 'serviceRecords',
  where: verifiedIn,
  order: ['serviceDate', 'desc'],
  part: 'serviceRecords',
  field: 'v',
  divide: 60,
  digits: 1,
  trend: true,
  compare: true,
  breakdown: { dim: 'b', labels: categoryLabels, order: ACTIVITY_CATEGORIES },
  record: (r, n) => serviceRecord(r, n, hours(r.verifiedMinutes ?? 0))
})

// ------------------------------------------------------------------ 我为群众办实事 (deeds)

export interface DeedDoc {
  _id: string
  communityId: string
  gridId: string
  figure: 'practicalDeeds' | 'blockersSolved' | 'disputesSettled'
  title: string
  doneBy: string
  doneAt: Date
  rating: number | null
}

export const deedRecord = (d: DeedDoc, n: { community?: string; grid?: string }): FigureRecord => ({
  id: d._id,
  title: d.title,
  detail: [n.grid, `办理：${d.doneBy}`, d.rating ? `评价${d.rating}星` : ''].filter(Boolean).join(' · '),
  communityName: n.community,
  at: new Date(d.doneAt).toISOString()
})

export function deedFigure(meta: { key: 'practicalDeeds' | 'blockersSolved' | 'disputesSettled'; section: 'service' | 'support'; definition: string; compare?: boolean }): Figure {
  return collectionFigure<DeedDoc>({
    key: meta.key,
    label: DEED_FIGURE_LABELS[meta.key],
    section: meta.section,
    unit: '件',
    kind: 'flow',
    definition: meta.definition,
    recordLabel: '办结事项',
    collection: 'deeds',
    where: (scope, period) => scoped(scope, { figure: meta.key, doneAt: within(period) }),
    order: ['doneAt', 'desc'],
    part: 'deeds',
    pick: (k) => k.f === meta.key,
    trend: true,
    compare: meta.compare,
    record: deedRecord
  })
}

const practicalDeeds = deedFigure({
  key: 'practicalDeeds',
  section: 'service',
  definition: '统计期内办结的民生实事件数：居民确认完成的微心愿（记入"我为群众办实事"台账）。'
})

const problemsSolved = collectionFigure<DeedDoc>({
  key: 'problemsSolved',
  label: DEED_FIGURE_LABELS.problemsSolved,
  section: 'service',
  unit: '件',
  kind: 'flow',
  definition:
    '统计期内"我为群众办实事"台账的全部条目：三方联动办结的问题（居民确认或 7 天未评价自动办结，含邻里纠纷）与居民确认完成的微心愿，按类别分列。',
  recordLabel: '办结事项',
  collection: 'deeds',
  where: (scope, period) => scoped(scope, { doneAt: within(period) }),
  order: ['doneAt', 'desc'],
  part: 'deeds',
  trend: true,
  compare: true,
  breakdown: { dim: 'f', labels: { practicalDeeds: '民生实事（微心愿）', blockersSolved: '三方联动"堵点"问题', disputesSettled: '矛盾纠纷' } },
  record: deedRecord
})

// ------------------------------------------------------------------ 政策宣讲与通知

interface NoticeDoc {
  _id: string
  title: string
  category: keyof typeof NOTICE_CATEGORY_LABELS
  audienceLabel: string
  communityIds: string[]
  publishAt: Date
  publisher?: { name?: string; orgName?: string }
}

const notices = collectionFigure<NoticeDoc & { communityId?: string }>({
  key: 'notices',
  label: '发布政策宣讲与通知',
  section: 'service',
  unit: '条',
  kind: 'flow',
  definition: '统计期内已发布（发布时间已到、未撤回）的通知公告条数，按类别分列；按社区统计时为面向该社区（含全区）的通知。',
  recordLabel: '通知公告',
  collection: 'notices',
  where: noticesWhere,
  order: ['publishAt', 'desc'],
  part: 'notices',
  trend: true,
  breakdown: { dim: 'b', labels: NOTICE_CATEGORY_LABELS },
  record: (d) => ({
    id: d._id,
    title: d.title,
    detail: [NOTICE_CATEGORY_LABELS[d.category], d.audienceLabel, d.publisher?.orgName].filter(Boolean).join(' · '),
    at: new Date(d.publishAt).toISOString()
  })
})

interface ReadDoc {
  _id: string
  noticeId: string
  openid: string
  communityId: string | null
  gridId: string | null
  readAt: Date
}


const noticeReads = collectionFigure<ReadDoc>({
  key: 'noticeReads',
  label: '通知阅读人次',
  section: 'service',
  unit: '人次',
  kind: 'flow',
  definition: '统计期内居民打开通知的次数，同一人同一条通知只计一次；按社区统计时为住在该社区的读者。',
  recordLabel: '阅读记录',
  collection: 'noticeReads',
  where: readsWhere,
  order: ['readAt', 'desc'],
  part: 'noticeReads',
  field: 'reads',
  record: (r, n) => ({ id: r._id, title: `通知 ${r.noticeId}`, detail: [n.grid, '已读'].filter(Boolean).join(' · '), communityName: n.community, at: new Date(r.readAt).toISOString() })
})

/** Readers (distinct openids) of the period, with their number of reads and last read, as an aggregation. */
function readers(scope: Scope, period: Period) {
  const $ = _().aggregate
  return db()
    .collection('noticeReads')
    .aggregate()
    .match(readsWhere(scope, period))
    .group({ _id: '$openid', reads: $.sum(1), last: $.max('$readAt'), communityId: $.first('$communityId') })
}

const noticeReaders: Figure = {
  key: 'noticeReaders',
  label: '阅读通知的居民',
  section: 'service',
  unit: '人',
  kind: 'flow',
  definition: '统计期内至少读过一条通知的人数（去重）；阅读覆盖率 = 该人数 ÷ 登记了住址的用户数（截至当前）。按社区统计时为住在该社区的读者。',
  recordLabel: '读者',
  parts: ['noticeReads', 'residents'],
  compute(data) {
    const value = total(rowsOf(data, 'noticeReads'), undefined, 'readers')
    const residents = countOf(data, 'residents')
    return { value, note: residents > 0 ? `阅读覆盖率 ${round((value / residents) * 100, 1)}%（登记住址${residents}人）` : '尚无登记住址的居民' }
  },
  recordParts(scope, period, page, pageSize) {
    const $ = _().aggregate
    const grouped = (p: Pipeline) => p.match(readsWhere(scope, period)).group({ _id: '$openid', reads: $.sum(1), last: $.max('$readAt'), communityId: $.first('$communityId') })
    return {
      // Each reader's users document joined for the name (one per openid).
      page: {
        collection: 'noticeReads',
        build: (p) =>
          grouped(p)
            .sort({ last: -1, _id: 1 })
            .skip((page - 1) * pageSize)
            .limit(pageSize)
            .lookup({ from: 'users', localField: '_id', foreignField: '_id', as: 'user' })
      },
      total: { collection: 'noticeReads', build: (p) => grouped(p).count('n') },
      items: (docs, named) =>
        (docs as { _id: string; reads: number; last: Date; communityId: string | null; user: { profile?: { name?: string } }[] }[]).map((r) => ({
          id: r._id,
          title: maskName(r.user[0]?.profile?.name),
          detail: `读了${r.reads}条通知`,
          communityName: r.communityId ? named.names?.get(r.communityId) : undefined,
          at: new Date(r.last).toISOString(),
          amount: r.reads
        }))
    }
  },
  async records(scope, period, page, pageSize) {
    const [res, total] = await Promise.all([
      readers(scope, period)
        .sort({ last: -1, _id: 1 })
        .skip((page - 1) * pageSize)
        .limit(pageSize)
        .end(),
      readers(scope, period).count('n').end()
    ])
    const rows = res.list as { _id: string; reads: number; last: Date; communityId: string | null }[]
    const ids = rows.map((r) => r._id)
    const users = ids.length
      ? ((await db().collection('users').where({ _id: _().in(ids) }).field({ profile: true }).limit(100).get()).data as { _id: string; profile?: { name?: string } }[])
      : []
    const nameOf = new Map(users.map((u) => [u._id, u.profile?.name]))
    const communities = await communityNames(rows, scope.names)
    const items: FigureRecord[] = rows.map((r) => ({
      id: r._id,
      title: maskName(nameOf.get(r._id)),
      detail: `读了${r.reads}条通知`,
      communityName: r.communityId ? communities.get(r.communityId) : undefined,
      at: new Date(r.last).toISOString(),
      amount: r.reads
    }))
    return { items, total: (total.list[0]?.n as number | undefined) ?? 0, page, pageSize }
  }
}

export const serviceFigures: Figure[] = [
  membersApproved,
  membersPending,
  teamFigure('liaison', 'teamsLiaison'),
  teamFigure('emergency', 'teamsEmergency'),
  volunteerActivities,
  volunteerServices,
  volunteerHours,
  practicalDeeds,
  problemsSolved,
  notices,
  noticeReads,
  noticeReaders
]

