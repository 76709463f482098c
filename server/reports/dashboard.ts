import type { z } from '../../contracts/zod'
import type { Dashboard, dashboardInput } from '../../contracts/reports'
import { clock } from '../core/clock'
import type { Caller } from '../core/identity'
import { fullReport } from './compute'
import { periodOf } from './period'
import { dashboardRegistration } from './registration'
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
