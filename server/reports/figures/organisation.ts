/**
 * 组织全覆盖: the four-level organisation (社区"大党委" → 小区（网格）党支部 → 楼栋党小组 → 党员中心户)
 * and the compounds' self-government (业主委员会, 物业自管委员会). All stock figures: the
 * organisation as it stands now (emulator/seed/district.ts holds the demo district).
 */
import type { FigureRecord } from '../../../contracts/reports'
import { db } from '../../core/db'
import { aggregateOf, type Pipeline } from '../../core/together'
import type { Period } from '../period'
import type { Scope } from '../scope'
import { collectionFigure } from './build'
import { rowsOf, total } from './data'
import { round, scoped, withNames, type RecordNames } from './query'
import type { Figure } from './types'

interface OrgDoc {
  _id: string
  communityId: string
  gridId?: string
  buildingId?: string
  name?: string
  secretary?: string
  leader?: string
  room?: string
  members?: number
  partyMembers?: number
}

interface GridDoc {
  _id: string
  communityId: string
  name: string
  households: number
  management: string
  companyId?: string
  order: number
}

const byCommunity = (scope: Scope) => scoped(scope)
const place = (n: RecordNames, ...more: (string | undefined)[]) => [n.grid, ...more].filter(Boolean).join(' · ')

const communityCommittees = collectionFigure<OrgDoc>({
  key: 'communityCommittees',
  label: '社区"大党委"',
  section: 'organisation',
  unit: '个',
  kind: 'stock',
  definition: '截至当前，社区"大党委"的个数；每个社区一个。',
  recordLabel: '社区"大党委"',
  collection: 'communityCommittees',
  where: byCommunity,
  part: 'communityCommittees',
  order: ['communityId', 'asc'],
  record: (d, n) => ({ id: d._id, title: d.name ?? d._id, detail: d.secretary ? `书记：${d.secretary}` : undefined, communityName: n.community })
})

const grids = collectionFigure<GridDoc>({
  key: 'grids',
  label: '物业小区（网格）',
  section: 'organisation',
  unit: '个',
  kind: 'stock',
  definition: '截至当前，划定的物业小区（小网格）个数。',
  recordLabel: '物业小区（网格）',
  collection: 'grids',
  where: byCommunity,
  part: 'grids',
  order: ['communityId', 'asc'],
  compare: true,
  record: (d, n) => ({ id: d._id, title: d.name, detail: `${d.households}户`, communityName: n.community })
})

const branches = collectionFigure<OrgDoc>({
  key: 'branches',
  label: '物业小区（网格）党支部',
  section: 'organisation',
  unit: '个',
  kind: 'stock',
  definition: '截至当前，已成立的物业小区（网格）党支部个数。',
  recordLabel: '小区（网格）党支部',
  collection: 'branches',
  where: byCommunity,
  part: 'branches',
  order: ['communityId', 'asc'],
  record: (d, n) => ({ id: d._id, title: d.name ?? d._id, detail: place(n, d.secretary ? `书记：${d.secretary}` : undefined), communityName: n.community })
})

const partyGroups = collectionFigure<OrgDoc>({
  key: 'partyGroups',
  label: '楼栋党小组',
  section: 'organisation',
  unit: '个',
  kind: 'stock',
  definition: '截至当前，已成立的楼栋党小组个数（每栋楼至多一个）。',
  recordLabel: '楼栋党小组',
  collection: 'partyGroups',
  where: byCommunity,
  part: 'partyGroups',
  order: ['communityId', 'asc'],
  compare: true,
  record: (d, n) => ({ id: d._id, title: d.name ?? d._id, detail: place(n, d.leader ? `组长：${d.leader}` : undefined), communityName: n.community })
})

const centralHouseholds = collectionFigure<OrgDoc>({
  key: 'centralHouseholds',
  label: '党员中心户',
  section: 'organisation',
  unit: '户',
  kind: 'stock',
  definition: '截至当前，推选的党员中心户户数。',
  recordLabel: '党员中心户',
  collection: 'centralHouseholds',
  where: byCommunity,
  part: 'centralHouseholds',
  order: ['communityId', 'asc'],
  compare: true,
  record: (d, n) => ({ id: d._id, title: d.name ?? d._id, detail: place(n, d.room), communityName: n.community })
})

const ownersCommittees = collectionFigure<OrgDoc>({
  key: 'ownersCommittees',
  label: '业主委员会',
  section: 'organisation',
  unit: '个',
  kind: 'stock',
  definition: '截至当前，依法选举产生的小区业主委员会个数。',
  recordLabel: '业主委员会',
  collection: 'ownersCommittees',
  where: byCommunity,
  part: 'ownersCommittees',
  order: ['communityId', 'asc'],
  record: (d, n) => ({ id: d._id, title: `${n.grid ?? d.gridId}业主委员会`, detail: `成员${d.members ?? 0}名，其中党员${d.partyMembers ?? 0}名`, communityName: n.community })
})

const selfManagementCommittees = collectionFigure<OrgDoc>({
  key: 'selfManagementCommittees',
  label: '物业自管委员会',
  section: 'organisation',
  unit: '个',
  kind: 'stock',
  definition: '截至当前，成立的小区物业自管委员会个数。',
  recordLabel: '物业自管委员会',
  collection: 'selfManagementCommittees',
  where: byCommunity,
  part: 'selfManagementCommittees',
  order: ['communityId', 'asc'],
  record: (d, n) => ({ id: d._id, title: `${n.grid ?? d.gridId}物业自管委员会`, detail: `成员${d.members ?? 0}名`, communityName: n.community })
})

const ownersCommitteeMembers = collectionFigure<OrgDoc>({
  key: 'ownersCommitteeMembers',
  label: '业委会成员',
  section: 'organisation',
  unit: '名',
  kind: 'stock',
  definition: '截至当前，各业主委员会成员人数之和。',
  recordLabel: '业主委员会',
  collection: 'ownersCommittees',
  where: byCommunity,
  part: 'ownersCommittees',
  order: ['communityId', 'asc'],
  field: 'members',
  record: (d, n) => ({ id: d._id, title: `${n.grid ?? d.gridId}业主委员会`, detail: `其中党员${d.partyMembers ?? 0}名`, communityName: n.community, amount: d.members ?? 0 })
})

const ownersCommitteePartyMembers = collectionFigure<OrgDoc>({
  key: 'ownersCommitteePartyMembers',
  label: '业委会成员中的党员',
  section: 'organisation',
  unit: '名',
  kind: 'stock',
  definition: '截至当前，各业主委员会成员中党员人数之和。',
  recordLabel: '业主委员会',
  collection: 'ownersCommittees',
  where: byCommunity,
  part: 'ownersCommittees',
  order: ['communityId', 'asc'],
  field: 'party',
  record: (d, n) => ({ id: d._id, title: `${n.grid ?? d.gridId}业主委员会`, detail: `成员${d.members ?? 0}名`, communityName: n.community, amount: d.partyMembers ?? 0 })
})

const ownersCommitteePartyShare: Figure = {
  key: 'ownersCommitteePartyShare',
  label: '业委会成员中党员占比',
  section: 'organisation',
  unit: '%',
  kind: 'stock',
  definition: '截至当前，业委会成员中的党员人数 ÷ 业委会成员人数 × 100，保留一位小数；没有业委会时为 0。',
  recordLabel: '业主委员会',
  parts: ['ownersCommittees'],
  compute(data) {
    const rows = rowsOf(data, 'ownersCommittees')
    const members = total(rows, undefined, 'members')
    const party = total(rows, undefined, 'party')
    const value = members > 0 ? round((party / members) * 100, 1) : 0
    return { value, note: rows.length ? `${members}名成员中有党员${party}名` : undefined }
  },
  records: (scope, period, page, pageSize) => ownersCommitteeMembers.records(scope, period, page, pageSize),
  recordParts: (scope, period, page, pageSize) => ownersCommitteeMembers.recordParts!(scope, period, page, pageSize)
}

/**
 * Compounds that have a document in `from` (their party branch, their 业委会 or 自管委员会),
 * counted and listed by the database: grids ⋈ from on gridId. On an aggregate builder: its own
 * read or a part of a combined one.
 */
function havingOn(p: Pipeline, scope: Scope, froms: string[]): Pipeline {
  const _ = db().command
  let q = p.match(scoped(scope))
  for (const from of froms) q = q.lookup({ from, localField: '_id', foreignField: 'gridId', as: from })
  return q.match(_.or(froms.map((from) => ({ [`${from}.0`]: _.exists(true) }))))
}

function gridsHavingFigure(
  meta: Omit<Figure, 'compute' | 'records' | 'parts'>,
  froms: string[],
  flag: 'hb' | 'hc',
  describe: (g: GridDoc & Record<string, unknown>) => string
): Figure {
  return {
    ...meta,
    parts: ['grids'],
    // The grids part flags each compound: hb (a branch), hc (a 业委会 or 自管委员会), joined the same way as the records.
    compute: (data) => ({ value: total(rowsOf(data, 'grids'), (k) => k[flag] === true) }),
    async records(scope: Scope, _period: Period, page: number, pageSize: number) {
      const parts = this.recordParts!(scope, _period, page, pageSize)
      const [list, total] = await Promise.all([aggregateOf(parts.page), aggregateOf(parts.total)])
      const docs = list as (GridDoc & Record<string, unknown>)[]
      const items: FigureRecord[] = await withNames(docs, (g, n) => ({ id: g._id, title: g.name, detail: describe(g), communityName: n.community }), scope.names)
      return { items, total: (total[0]?.n as number | undefined) ?? 0, page, pageSize }
    },
    recordParts(scope: Scope, _period: Period, page: number, pageSize: number) {
      return {
        page: { collection: 'grids', build: (p) => havingOn(p, scope, froms).sort({ communityId: 1, order: 1, _id: 1 }).skip((page - 1) * pageSize).limit(pageSize) },
        total: { collection: 'grids', build: (p) => havingOn(p, scope, froms).count('n') },
        items: (docs, named) =>
          (docs as (GridDoc & Record<string, unknown>)[]).map((g) => ({ id: g._id, title: g.name, detail: describe(g), communityName: g.communityId ? named.names?.get(g.communityId) : undefined }))
      }
    }
  }
}

const gridsWithBranch = gridsHavingFigure(
  {
    key: 'gridsWithBranch',
    label: '建立党支部的物业小区',
    section: 'organisation',
    unit: '个',
    kind: 'stock',
    definition: '截至当前，至少有一个小区（网格）党支部的物业小区个数。',
    recordLabel: '物业小区（网格）'
  },
  ['branches'],
  'hb',
  (g) => ((g.branches as { name: string }[]) ?? []).map((b) => b.name).join('、')
)

const gridsWithCommittee = gridsHavingFigure(
  {
    key: 'gridsWithCommittee',
    label: '成立业委会或物业自管委员会的小区',
    section: 'organisation',
    unit: '个',
    kind: 'stock',
    definition: '截至当前，成立了业主委员会或物业自管委员会（至少其一）的物业小区个数。',
    recordLabel: '物业小区（网格）'
  },
  ['ownersCommittees', 'selfManagementCommittees'],
  'hc',
  (g) => [(g.ownersCommittees as unknown[])?.length ? '业主委员会' : '', (g.selfManagementCommittees as unknown[])?.length ? '物业自管委员会' : ''].filter(Boolean).join('、')
)

export const organisationFigures: Figure[] = [
  communityCommittees,
  grids,
  branches,
  gridsWithBranch,
  partyGroups,
  centralHouseholds,
  ownersCommittees,
  selfManagementCommittees,
  gridsWithCommittee,
  ownersCommitteeMembers,
  ownersCommitteePartyMembers,
  ownersCommitteePartyShare
]
