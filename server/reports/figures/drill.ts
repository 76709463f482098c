/**
 * reports.figure: one figure and the records behind it, paged. The caller (`identity:
 * 'withFirstRead'`), the communities, the figure's groups (./data.ts) and its records' page and
 * total are parts of ONE combined read (server/core/together.ts) — 1 round trip. Parts over the
 * large collections (data.ts OWN) and the records of a figure counted from one are their own
 * aggregates once the scope is known, as the dashboard reads them (1 + 2–3). The scope is guessed
 * before the caller is known (the community asked for, or the district); community staff who named
 * none get theirs read again (+1 when a part read with the caller depends on it): what was read for
 * the guess is never shown. A figure without `recordParts` reads its records after (2 more).
 */
import type { z } from '../../../contracts/zod'
import type { figureInput, FigureOutput } from '../../../contracts/reports'
import { notFound } from '../../core/errors'
import type { FirstReadContext } from '../../core/function'
import { aggregateOf, readTogether, type Part } from '../../core/together'
import { valueOf } from '../compute'
import { periodOf } from '../period'
import { approvedPerCommunity, registrationProgress } from '../registration'
import { checkScope, communityRefs, scopeFrom, scopeView, type Scope } from '../scope'
import type { CommunityTargetDoc } from '../../members/stats'
import { dataOf, OWN, partsOf, type DimPart, type PartKey } from './data'
import { figureOf } from './index'

/** Parts that do not depend on the scope (read with the caller whatever it is). */
const SCOPE_FREE = new Set<string>(['communities', 'target', 'ranking'])

const PAGE = '__recordsPage'
const TOTAL = '__recordsTotal'

export async function figure(input: z.output<typeof figureInput>, ctx: FirstReadContext): Promise<FigureOutput> {
  const period = periodOf(input)
  const def = figureOf(input.key)
  // Every community (the caller's are picked out below): the part does not depend on who calls.
  const keys: PartKey[] = [...(def?.parts ?? []), 'communities']
  // Parts over the large collections (data.ts OWN) are their own aggregates, matched on their
  // indexes (inside a sub-pipeline they are not): so are the records of a figure counted from one.
  const large = keys.some((k) => OWN.has(k))
  const partsFor = (scope: Scope) => {
    const data = partsOf(scope, period, keys, null)
    const records = def?.recordParts?.(scope, period, input.page, input.pageSize)
    const all: Record<string, Part> = {}
    const apart: Record<string, Part> = {}
    for (const [k, part] of Object.entries(data) as [PartKey, DimPart][]) (OWN.has(k) ? apart : all)[k] = part
    if (records) Object.assign(large ? apart : all, { [PAGE]: records.page, [TOTAL]: records.total })
    return { data, records, all, apart }
  }
  const readApart = async (apart: Record<string, Part>) => {
    const keysApart = Object.keys(apart)
    const lists = await Promise.all(keysApart.map((k) => aggregateOf(apart[k])))
    return Object.fromEntries(keysApart.map((k, i) => [k, lists[i]]))
  }
  const guess: Scope = { communityId: input.communityId ?? null, name: '' }
  let read = partsFor(guess)
  const { caller, docs } = await ctx.readWithCaller(read.all)
  if (!def) throw notFound('指标')
  const managed = checkScope(caller, input.communityId)
  const every = communityRefs(docs.communities as unknown as CommunityTargetDoc[])
  const communities = managed ? every.filter((c) => managed.includes(c.id)) : every
  const scope = scopeFrom(managed, input.communityId, communities)
  let found: Record<string, Record<string, any>[]> = docs
  // Community staff who named no community: their own. The parts read with the caller are read
  // again only when they depend on the community; the large ones are read once the scope is known.
  if (scope.communityId !== guess.communityId) {
    read = partsFor(scope)
    const again = Object.keys(read.all).filter((k) => !SCOPE_FREE.has(k))
    if (again.length) found = { ...found, ...(await readTogether(Object.fromEntries(again.map((k) => [k, read.all[k]])))) }
  }
  if (Object.keys(read.apart).length) found = { ...found, ...(await readApart(read.apart)) }
  const data = dataOf(read.data, found)
  data.communities = (data.communities ?? []).filter((c) => !managed || managed.includes(String(c._id)))
  const records = read.records
    ? { items: read.records.items(found[PAGE] ?? [], scope), total: (found[TOTAL]?.[0]?.n as number | undefined) ?? 0, page: input.page, pageSize: input.pageSize }
    : await def.records(scope, period, input.page, input.pageSize)
  const value = valueOf(def, data, scope, period)
  // 报到: the progress against the targets, community by community (the drill-down of the dashboard's card).
  const perCommunity = def.key === 'membersApproved' ? approvedPerCommunity(scope, data) : null
  const out: FigureOutput = { scope: scopeView(scope), period: { from: period.from, to: period.to }, figure: value, recordLabel: def.recordLabel, records }
  if (perCommunity) out.registration = registrationProgress(scope, communities, value, perCommunity)
  return out
}
