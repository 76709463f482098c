import type { z } from '../../contracts/zod'
import type { Dashboard, dashboardInput, figureInput, FigureOutput } from '../../contracts/reports'
import { clock } from '../core/clock'
import { notFound } from '../core/errors'
import type { Caller } from '../core/identity'
import { fullReport, readReport, valueOf } from './compute'
import { figureOf } from './figures'
import { periodOf } from './period'
import { approvedPerCommunity, dashboardRegistration, registrationProgress } from './registration'
import { scopeView } from './scope'

/**
 * The dashboard: every figure for the district or one community, trends month by month, and (for the
 * district) the communities side by side. All of it counted in the database on each call: one grouped
 * read per collection (figures/data.ts), a handful of round trips whatever the scale.
 */
export async function dashboard(input: z.output<typeof dashboardInput>, caller: Caller): Promise<Dashboard> {
  const period = periodOf(input)
  const { scope, communities, sections, trends: trendList, comparisons: compared } = await fullReport(caller, input.communityId, period)
  const approved = sections.flatMap((s) => s.figures).find((f) => f.key === 'membersApproved')!
  return {
    scope: scopeView(scope),
    period: { from: period.from, to: period.to },
    generatedAt: clock.date().toISOString(),
    communities: communities.map((c) => ({ id: c.id, name: c.name })),
    sections,
    trends: trendList,
    comparisons: compared,
    registration: dashboardRegistration(scope, communities, approved, compared)
  }
}

/** One figure and the records behind it, paged. */
export async function figure(input: z.output<typeof figureInput>, caller: Caller): Promise<FigureOutput> {
  const period = periodOf(input)
  const def = figureOf(input.key)
  if (!def) throw notFound('指标')
  const { scope, communities, data } = await readReport(caller, input.communityId, period, [def])
  const records = await def.records(scope, period, input.page, input.pageSize)
  const value = valueOf(def, data, scope, period)
  // 报到: the progress against the targets, community by community (the drill-down of the dashboard's card).
  const perCommunity = def.key === 'membersApproved' ? approvedPerCommunity(scope, data) : null
  const out: FigureOutput = { scope: scopeView(scope), period: { from: period.from, to: period.to }, figure: value, recordLabel: def.recordLabel, records }
  if (perCommunity) out.registration = registrationProgress(scope, communities, value, perCommunity)
  return out
}
