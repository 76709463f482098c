import type { Page } from '../../contracts/common'
import type { Deed, DeedTotals, wishesDeedsInput } from '../../contracts/wishes'
import type { z } from '../../contracts/zod'
import { db } from '../core/db'
import { readTogether } from '../core/together'
import { deedView, emptyFigures, type DeedRecord } from './deeds'

/** 我为群众办实事: the ledger, newest first; public (titles are the public form of the tickets/wishes). */
export async function listDeeds(input: z.infer<typeof wishesDeedsInput>): Promise<Page<Deed>> {
  const where: Record<string, unknown> = {}
  if (input.communityId) where.communityId = input.communityId
  if (input.kind) where.kind = input.kind
  const col = db().collection('deeds')
  // The page with its community and compound joined (their names).
  const [count, page] = await Promise.all([
    col.where(where).count(),
    col
      .aggregate()
      .match(where)
      .sort({ doneAt: -1 })
      .skip((input.page - 1) * input.pageSize)
      .limit(input.pageSize)
      .lookup({ from: 'communities', localField: 'communityId', foreignField: '_id', as: '_community' })
      .lookup({ from: 'grids', localField: 'gridId', foreignField: '_id', as: '_grid' })
      .end()
  ])
  const rows = (page as { list: Array<DeedRecord & { _community: { name: string }[]; _grid: { name: string }[] }> }).list
  return {
    items: rows.map(({ _community, _grid, ...d }) => deedView(d, { communityName: _community[0]?.name ?? '', gridName: _grid[0]?.name ?? '' })),
    total: count.total,
    page: input.page,
    pageSize: input.pageSize
  }
}

/**
 * Totals by community and for the district, one aggregate() over the ledger grouped by community
 * and figure (definitions in deeds.ts). `communityId`: that community's row only (the district
 * figures are always the whole district's).
 */
export async function deedTotals(communityId?: string): Promise<DeedTotals> {
  const $ = db().command.aggregate
  // The ledger's groups and the communities, in one round trip (server/core/together.ts).
  const read = await readTogether({
    rows: { collection: 'deeds', build: (p) => p.group({ _id: { communityId: '$communityId', figure: '$figure' }, n: $.sum(1), minutes: $.sum('$minutes') }).limit(1000) },
    communities: { collection: 'communities', build: (p) => p.sort({ order: 1 }).limit(1000).project({ name: true }) }
  })
  const rows = read.rows as { _id: { communityId: string; figure: DeedRecord['figure'] }; n: number; minutes: number }[]
  const communities = read.communities as { _id: string; name: string }[]
  const by = new Map(communities.map((c) => [c._id, { communityId: c._id, communityName: c.name, ...emptyFigures() }]))
  const district = emptyFigures()
  let wishMinutes = 0
  for (const row of rows) {
    const figure = row._id.figure
    // every entry is a problem solved; 'otherProblems' counts in that total only
    if (figure !== 'otherProblems') district[figure] += row.n
    district.problemsSolved += row.n
    const entry = by.get(row._id.communityId)
    if (entry) {
      if (figure !== 'otherProblems') entry[figure] += row.n
      entry.problemsSolved += row.n
    }
    if (figure === 'practicalDeeds' && (!communityId || row._id.communityId === communityId)) wishMinutes += Number(row.minutes ?? 0)
  }
  const list = [...by.values()].filter((c) => !communityId || c.communityId === communityId)
  return { district, communities: list, wishMinutes }
}

