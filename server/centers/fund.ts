/**
 * `fund`: the funding ledger of the centres. Entries are never edited or deleted (a correction is
 * another entry with a note). The subsidy (entering the plan) and the reward (acceptance) are
 * written by the system (server/centers/manage.ts); staff record the other sources by hand —
 * 上级专项资金, 物业出一点, 业主筹一点, other. Totals are aggregations in the database.
 */
import { AUTOMATIC_FUND_TYPES, CENTER_STATUSES, type FundEntry, type FundLedger } from '../../contracts/centers'
import type { z } from '../../contracts/zod'
import type { fundInput } from '../../contracts/centers'
import { clock } from '../core/clock'
import { db } from '../core/db'
import { AppError, invalid, notFound } from '../core/errors'
import type { FirstReadContext } from '../core/function'
import { readTogether, type Part } from '../core/together'
import { managedCommunities, requireCommunityStaff } from '../core/guard'
import { platform } from '../platform'
import { byIdPart, requireCenterStaff } from './access'
import { dayOf } from './calendar'
import { callerName, COLL, newId, type CenterDoc, type FundDoc } from './model'

interface FundRow {
  _id: { type: string; communityId: string; center: boolean }
  fen: number
  community: { name?: string }[]
  statuses: { _id: string; n: number }[]
}

const toEntry = (f: FundDoc): FundEntry => ({
  id: f._id,
  _id: f._id,
  centerId: f.centerId,
  centerName: f.centerName,
  communityId: f.communityId,
  type: f.type,
  amount: f.amountFen / 100,
  date: f.date,
  note: f.note,
  recordedByName: f.recordedByName
})

export async function fund(input: z.infer<typeof fundInput>, first: FirstReadContext): Promise<FundLedger> {
  let recorded: FundEntry | undefined
  const _ = db().command
  const $ = db().command.aggregate
  const where: Record<string, unknown> = {}
  if (input.centerId) where.centerId = input.centerId
  else if (input.communityId) where.communityId = input.communityId
  if (input.type) where.type = input.type
  // The page and its total, and every figure in one aggregate: district sums grouped by type,
  // community and whether the entry is the viewed centre's (folded into the three totals here),
  // with the communities' names and the centres by status joined onto the rows.
  const listParts = (w: object): Record<'count' | 'page' | 'grouped', Part> => ({
    count: { collection: COLL.funds, build: (p) => p.match(w).count('n') },
    page: { collection: COLL.funds, build: (p) => p.match(w).sort({ date: -1, createdAt: -1 }).skip((input.page - 1) * input.pageSize).limit(input.pageSize) },
    grouped: {
      collection: COLL.funds,
      build: (p) =>
        p
          .group({ _id: { type: '$type', communityId: '$communityId', center: $.eq(['$centerId', input.centerId ?? null]) }, fen: $.sum('$amountFen') })
          .sort({ '_id.communityId': 1, '_id.type': 1, '_id.center': 1 })
          .limit(1000)
          .lookup({ from: 'communities', localField: '_id.communityId', foreignField: '_id', as: 'community' })
          .lookup({ from: COLL.centers, pipeline: $.pipeline().group({ _id: '$status', n: $.sum(1) }).limit(CENTER_STATUSES.length).done(), as: 'statuses' })
          .limit(1000)
    }
  })
  // The caller with what decides access (the centres named) and, when nothing is recorded first
  // and the scope is known, the ledger itself: one read.
  const scoped = Boolean(input.centerId || input.communityId)
  const readList = scoped && !input.entry
  const { caller, docs } = await first.readWithCaller({
    ...(input.entry ? { entryCenter: byIdPart(COLL.centers, input.entry.centerId) } : {}),
    ...(input.centerId && input.centerId !== input.entry?.centerId ? { viewed: byIdPart(COLL.centers, input.centerId) } : {}),
    ...(readList ? listParts(where) : {})
  } as Record<'entryCenter' | 'viewed' | 'count' | 'page' | 'grouped', Part>)
  const centerOf = (rows: Record<string, any>[] | undefined): CenterDoc => {
    const c = rows?.[0] as CenterDoc | undefined
    if (!c) throw notFound('邻里中心')
    return c
  }
  if (input.entry) {
    const e = input.entry
    const center = centerOf(docs.entryCenter)
    requireCenterStaff(caller, center)
    if (AUTOMATIC_FUND_TYPES.includes(e.type)) throw invalid('建设补助和验收奖励在中心列入计划、验收合格时自动记账', ['entry.type'])
    if (e.date > dayOf(clock.now())) throw invalid('到账日期不能晚于今天', ['entry.date'])
    if (e.note) {
      const check = await platform().contentCheck.text(e.note, caller.openid)
      if (!check.ok) throw invalid(check.reason ?? '备注含有违规内容', ['entry.note'])
    }
    const doc: FundDoc = {
      _id: newId('fund-'),
      centerId: center._id,
      centerName: center.name,
      communityId: center.communityId,
      type: e.type,
      amountFen: Math.round(e.amount * 100),
      date: e.date,
      note: e.note,
      recordedBy: caller.openid,
      recordedByName: callerName(caller),
      createdAt: clock.date()
    }
    // Access to the viewed scope is checked before anything is written.
    if (input.centerId) requireCenterStaff(caller, input.centerId === e.centerId ? center : centerOf(docs.viewed))
    else if (input.communityId) requireCommunityStaff(caller, input.communityId)
    await db().collection(COLL.funds).add({ data: doc })
    recorded = toEntry(doc)
  } else if (input.centerId) requireCenterStaff(caller, centerOf(docs.viewed))
  else if (input.communityId) requireCommunityStaff(caller, input.communityId)
  if (!scoped) {
    const communities = managedCommunities(caller)
    if (communities && communities.length === 0) throw new AppError('FORBIDDEN', '仅社区工作人员和区级管理员可查看')
    if (communities) where.communityId = _.in(communities)
  }
  const got = readList ? docs : await readTogether(listParts(where))
  const count = { total: (got.count[0]?.n as number | undefined) ?? 0 }
  const page = got.page as FundDoc[]
  const grouped = got.grouped as unknown as FundRow[]
  const byTypeMap = new Map<string, number>()
  const byCommunityMap = new Map<string, { fen: number; name?: string }>()
  let centerFen = 0
  for (const row of grouped) {
    byTypeMap.set(row._id.type, (byTypeMap.get(row._id.type) ?? 0) + row.fen)
    const c = byCommunityMap.get(row._id.communityId) ?? { fen: 0, name: row.community[0]?.name }
    c.fen += row.fen
    byCommunityMap.set(row._id.communityId, c)
    if (row._id.center === true) centerFen += row.fen
  }
  const byType = { list: [...byTypeMap].map(([_id, fen]) => ({ _id, fen })) }
  const communityRows = [...byCommunityMap].map(([_id, c]) => ({ _id, fen: c.fen }))
  const names = new Map([...byCommunityMap].filter(([, c]) => c.name !== undefined).map(([id, c]) => [id, c.name!]))
  const byStatus = {
    list: grouped.length
      ? grouped[0].statuses
      : (await db().collection(COLL.centers).aggregate().group({ _id: '$status', n: $.sum(1) }).limit(CENTER_STATUSES.length).end()).list
  }
  const centerTotal = input.centerId ? { list: [{ fen: centerFen }] } : undefined
  const typeTotals: Record<string, number> = {}
  let district = 0
  for (const row of byType.list as { _id: string; fen: number }[]) {
    typeTotals[row._id] = row.fen / 100
    district += row.fen
  }
  const statusCounts: Record<string, number> = {}
  let centers = 0
  for (const row of byStatus.list as { _id: string; n: number }[]) {
    statusCounts[row._id] = row.n
    centers += row.n
  }
  return {
    items: page.map(toEntry),
    total: count.total,
    page: input.page,
    pageSize: input.pageSize,
    totals: {
      district: district / 100,
      byType: typeTotals,
      byCommunity: communityRows
        .map((r) => ({ communityId: r._id, communityName: names.get(r._id) ?? r._id, amount: r.fen / 100 }))
        .sort((a, b) => a.communityId.localeCompare(b.communityId, 'en', { numeric: true })),
      center: centerTotal ? ((centerTotal.list[0] as { fen: number } | undefined)?.fen ?? 0) / 100 : undefined
    },
    centers: { total: centers, byStatus: statusCounts },
    recorded
  }
}
