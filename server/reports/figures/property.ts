/**
 * 物业全覆盖: how compounds are managed (grid.management), the property companies with their party
 * organisations (companies: kind, partyMembers, hasBranch, partyInstructor) and the latest published
 * 红黑榜 (rankings, issue #7). Stock figures: as of now.
 *
 * Companies carry no community: a community's companies are those managing at least one of its
 * compounds (grid.companyId), so a company serving two communities counts in each of them, once in
 * the district.
 */
import { COMPANY_KIND_LABELS, type Scorecard } from '../../../contracts/companies'
import type { FigureRecord } from '../../../contracts/reports'
import { db } from '../../core/db'
import type { Scope } from '../scope'
import { collectionFigure } from './build'
import { rowsOf, total, totalsBy, type Data } from './data'
import { round, scoped, type Where } from './query'
import type { Figure } from './types'

interface GridDoc {
  _id: string
  communityId: string
  name: string
  households: number
  management: 'professional' | 'public_interest' | 'entrusted' | 'self_managed'
  companyId?: string
}

interface CompanyDoc {
  _id: string
  name: string
  kind: 'professional' | 'public_interest'
  partyMembers: number
  hasBranch: boolean
  partyInstructor?: string
}

export const MANAGEMENT_LABELS: Record<GridDoc['management'], string> = {
  professional: '专业物业企业管理',
  public_interest: '公益性物业服务实体管理',
  entrusted: '社区托管或社会组织代管',
  self_managed: '居民自管'
}

const gridsManaged = collectionFigure<GridDoc>({
  key: 'gridsManaged',
  label: '实现物业管理的小区',
  section: 'property',
  unit: '个',
  kind: 'stock',
  definition: '截至当前，已落实管理方式（专业物业企业、公益性物业服务实体、社区托管或社会组织代管、居民自管之一）的物业小区个数，按管理方式分列。',
  recordLabel: '物业小区（网格）',
  collection: 'grids',
  where: (scope) => scoped(scope, { management: db().command.in(Object.keys(MANAGEMENT_LABELS)) }),
  order: ['communityId', 'asc'],
  part: 'grids',
  pick: (k) => Object.prototype.hasOwnProperty.call(MANAGEMENT_LABELS, String(k.m)),
  breakdown: { dim: 'm', labels: MANAGEMENT_LABELS },
  note: (data, _scope, value) => {
    const all = total(rowsOf(data, 'grids'))
    return all > 0 ? `覆盖率 ${round((value / all) * 100, 1)}%（共${all}个小区）` : undefined
  },
  record: (g, n) => ({ id: g._id, title: g.name, detail: MANAGEMENT_LABELS[g.management] ?? '未落实', communityName: n.community })
})

const gridsProfessional = collectionFigure<GridDoc>({
  key: 'gridsProfessional',
  label: '专业化物业管理的小区',
  section: 'property',
  unit: '个',
  kind: 'stock',
  definition: '截至当前，由专业物业企业管理的物业小区个数。',
  recordLabel: '物业小区（网格）',
  collection: 'grids',
  where: (scope) => scoped(scope, { management: 'professional' }),
  order: ['communityId', 'asc'],
  part: 'grids',
  pick: (k) => k.m === 'professional',
  record: (g, n) => ({ id: g._id, title: g.name, detail: `${g.households}户`, communityName: n.community })
})

/** Companies in the scope matching `where`, as an aggregation (for a community: through its compounds). */
function companiesIn(scope: Scope, where: Where) {
  const _ = db().command
  if (!scope.communityId) return db().collection('companies').aggregate().match(where)
  return db()
    .collection('grids')
    .aggregate()
    .match({ communityId: scope.communityId, companyId: _.exists(true) })
    .group({ _id: '$companyId' })
    .lookup({ from: 'companies', localField: '_id', foreignField: '_id', as: 'company' })
    .unwind('$company')
    .replaceRoot({ newRoot: '$company' })
    .match(where)
}

/** A company's groups in the companies part: k kind, b hasBranch, i partyInstructor. */
type CompanyKey = { k?: string; b?: unknown; i?: unknown }

function companyFigure(
  meta: Omit<Figure, 'compute' | 'records' | 'parts'>,
  where: () => Where,
  pick: (k: CompanyKey) => boolean,
  options: { sumField?: keyof CompanyDoc; detail: (c: CompanyDoc) => string }
): Figure {
  return {
    ...meta,
    parts: ['companies'],
    compute: (data) => ({ value: total(rowsOf(data, 'companies'), pick, options.sumField ? 'pm' : 'n') }),
    async records(scope, _period, page, pageSize) {
      const [res, total] = await Promise.all([
        companiesIn(scope, where())
          .sort({ _id: 1 })
          .skip((page - 1) * pageSize)
          .limit(pageSize)
          .end(),
        companiesIn(scope, where()).count('n').end()
      ])
      const items: FigureRecord[] = (res.list as CompanyDoc[]).map((c) => ({
        id: c._id,
        title: c.name,
        detail: options.detail(c),
        amount: options.sumField ? Number(c[options.sumField] ?? 0) : undefined
      }))
      return { items, total: (total.list[0]?.n as number | undefined) ?? 0, page, pageSize }
    }
  }
}

const partyLine = (c: CompanyDoc) =>
  [`党员${c.partyMembers ?? 0}名`, c.hasBranch ? '已建支部' : '未建支部', c.partyInstructor ? `党建指导员：${c.partyInstructor}` : ''].filter(Boolean).join(' · ')

const COMMUNITY_NOTE = '按社区统计时，为管理该社区至少一个小区的企业。'

const companies = companyFigure(
  {
    key: 'companies',
    label: '专业物业企业',
    section: 'property',
    unit: '家',
    kind: 'stock',
    definition: `截至当前，专业物业企业家数。${COMMUNITY_NOTE}`,
    recordLabel: '物业企业'
  },
  () => ({ kind: 'professional' }),
  (k) => k.k === 'professional',
  { detail: partyLine }
)

const publicInterestEntities = companyFigure(
  {
    key: 'publicInterestEntities',
    label: '公益性物业服务实体',
    section: 'property',
    unit: '个',
    kind: 'stock',
    definition: `截至当前，公益性物业服务实体个数。${COMMUNITY_NOTE}`,
    recordLabel: '公益性物业服务实体'
  },
  () => ({ kind: 'public_interest' }),
  (k) => k.k === 'public_interest',
  { detail: () => COMPANY_KIND_LABELS.public_interest }
)

const companyPartyMembers = companyFigure(
  {
    key: 'companyPartyMembers',
    label: '专业物业企业党员',
    section: 'property',
    unit: '名',
    kind: 'stock',
    definition: `截至当前，各专业物业企业登记的党员人数之和。${COMMUNITY_NOTE}`,
    recordLabel: '物业企业'
  },
  () => ({ kind: 'professional' }),
  (k) => k.k === 'professional',
  { sumField: 'partyMembers', detail: partyLine }
)

const companyBranches = companyFigure(
  {
    key: 'companyBranches',
    label: '建立党支部的物业企业',
    section: 'property',
    unit: '家',
    kind: 'stock',
    definition: `截至当前，已建立党支部（单独建、联合建或挂靠建）的专业物业企业家数。${COMMUNITY_NOTE}`,
    recordLabel: '物业企业'
  },
  () => ({ kind: 'professional', hasBranch: true }),
  (k) => k.k === 'professional' && k.b === true,
  { detail: partyLine }
)

const partyInstructors = companyFigure(
  {
    key: 'partyInstructors',
    label: '选派党建指导员',
    section: 'property',
    unit: '名',
    kind: 'stock',
    definition: `截至当前，已选派党建指导员的专业物业企业数，每家一名。${COMMUNITY_NOTE}`,
    recordLabel: '物业企业'
  },
  () => ({ kind: 'professional', partyInstructor: db().command.nin([null, '']) }),
  (k) => k.k === 'professional' && k.i !== undefined && k.i !== null && k.i !== '',
  { detail: (c) => `党建指导员：${c.partyInstructor}` }
)

// ------------------------------------------------------------------ 红黑榜

interface RankingDoc {
  _id: string
  month: string
  status: 'appeal' | 'published'
  cards: Scorecard[]
  publishedAt: Date | null
}

async function latestPublished(): Promise<RankingDoc | null> {
  const res = await db().collection('rankings').where({ status: 'published' }).orderBy('month', 'desc').limit(1).get()
  return (res.data[0] as RankingDoc | undefined) ?? null
}

/** The ranked cards on the red or black list, limited to the companies serving the scope (`serving`: null for the district). */
function listedCards(ranking: RankingDoc, serving: Set<string> | null): Scorecard[] {
  let cards = (ranking.cards ?? []).filter((c) => c.rank != null && (c.list === 'red' || c.list === 'black'))
  if (serving) cards = cards.filter((c) => serving.has(c.companyId))
  return cards.sort((a, b) => (a.list === b.list ? (a.rank ?? 0) - (b.rank ?? 0) : a.list === 'red' ? -1 : 1))
}

/** Companies managing a compound of the community (the grids part's `co`). */
const servingOf = (scope: Scope, data: Data): Set<string> | null =>
  scope.communityId ? new Set([...totalsBy(rowsOf(data, 'grids'), 'co').keys()]) : null

/** The same for the records page, read on its own. */
async function servingCompanies(scope: Scope): Promise<Set<string> | null> {
  if (!scope.communityId) return null
  const res = await db()
    .collection('grids')
    .aggregate()
    .match({ communityId: scope.communityId, companyId: db().command.exists(true) })
    .group({ _id: '$companyId' })
    .limit(10_000)
    .end()
  return new Set((res.list as { _id: string }[]).map((r) => String(r._id)))
}

const monthLabel = (month: string) => `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`

const latestRanking: Figure = {
  key: 'latestRanking',
  label: '最新红黑榜（红榜企业）',
  section: 'property',
  unit: '家',
  kind: 'stock',
  definition:
    '截至当前最新一期已公示的物业企业红黑榜：数值为红榜（十佳红色物业企业）上的企业家数，并列出黑榜家数与"流动红旗"得主。按社区统计时，只计管理该社区小区的企业。尚无公示的榜单时为 0。',
  recordLabel: '上榜企业',
  parts: ['ranking', 'grids'],
  compute(data, scope) {
    const ranking = (rowsOf(data, 'ranking')[0] as unknown as RankingDoc | undefined) ?? null
    if (!ranking) return { value: 0, note: '尚未公示红黑榜', breakdown: [{ key: 'red', label: '红榜', value: 0 }, { key: 'black', label: '黑榜', value: 0 }] }
    const cards = listedCards(ranking, servingOf(scope, data))
    const red = cards.filter((c) => c.list === 'red').length
    const black = cards.filter((c) => c.list === 'black').length
    const banner = cards.find((c) => c.banner) ?? (ranking.cards ?? []).find((c) => c.banner)
    return {
      value: red,
      note: `${monthLabel(ranking.month)}榜单${banner ? ` · 流动红旗：${banner.companyName}` : ''}`,
      breakdown: [
        { key: 'red', label: '红榜', value: red },
        { key: 'black', label: '黑榜', value: black }
      ]
    }
  },
  async records(scope, _period, page, pageSize) {
    const [ranking, serving] = await Promise.all([latestPublished(), servingCompanies(scope)])
    // One published month's lists: at most the top ten and bottom three companies, held in one document.
    const cards = ranking ? listedCards(ranking, serving) : []
    const items: FigureRecord[] = cards.slice((page - 1) * pageSize, page * pageSize).map((c) => ({
      id: `${ranking!.month}:${c.companyId}`,
      title: `${c.list === 'red' ? '红榜' : '黑榜'} 第${c.rank}名 ${c.companyName}${c.banner ? '（流动红旗）' : ''}`,
      detail: `${monthLabel(ranking!.month)} · 综合得分 ${c.score}${c.averageRating != null ? ` · 满意度 ${c.averageRating}` : ''}`,
      amount: c.score
    }))
    return { items, total: cards.length, page, pageSize }
  }
}

export const propertyFigures: Figure[] = [
  gridsManaged,
  gridsProfessional,
  companies,
  publicInterestEntities,
  companyPartyMembers,
  companyBranches,
  partyInstructors,
  latestRanking
]
