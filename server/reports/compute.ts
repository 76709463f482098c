import { SECTION_LABELS, SECTIONS, type Comparison, type FigureValue, type Trend } from '../../contracts/reports'
import type { Caller } from '../core/identity'
import { COMPARE_KEYS, FIGURES, figureOf, TREND_KEYS, type Figure } from './figures'
import { loadData, rowsOf, type Data, type PartKey } from './figures/data'
import type { CommunityTargetDoc } from '../members/stats'
import type { Period } from './period'
import { checkScope, communityRefs, DISTRICT_NAME, resolveScope, scopeFrom, scopeIdOf, type CommunityRef, type Scope } from './scope'

/** A figure's value with everything it says about itself (the same on the dashboard, the figure page and in the workbook). */
export function valueOf(figure: Figure, data: Data, scope: Scope, period: Period): FigureValue {
  const result = figure.compute(data, scope, period)
  return {
    key: figure.key,
    label: figure.label,
    section: figure.section,
    unit: figure.unit,
    kind: figure.kind,
    definition: figure.definition,
    ...result
  }
}

export interface Sectioned {
  key: (typeof SECTIONS)[number]
  label: string
  figures: FigureValue[]
}

/**
 * The scope and what `figures` are summed from: each collection's part once, the small ones
 * together (figures/data.ts), with the communities the caller may see as one more part when the
 * scope's community is known without them (always, but for staff of several communities asking for
 * none).
 */
export async function readReport(
  caller: Caller,
  communityId: string | undefined,
  period: Period,
  figures: readonly Figure[]
): Promise<{ scope: Scope; communities: CommunityRef[]; data: Data }> {
  const managed = checkScope(caller, communityId)
  const keys = new Set<PartKey>(figures.flatMap((f) => f.parts))
  const options = { communities: managed }
  const known = scopeIdOf(managed, communityId)
  if (known === undefined) {
    const { scope, communities } = await resolveScope(caller, communityId)
    return { scope, communities, data: await loadData(scope, period, keys, options) }
  }
  // Read before the scope is checked against them: a community that does not exist is refused below.
  const provisional: Scope = { communityId: known, name: known ? '' : DISTRICT_NAME }
  const data = await loadData(provisional, period, [...keys, 'communities'], options)
  const communities = communityRefs(rowsOf(data, 'communities') as unknown as CommunityTargetDoc[])
  return { scope: scopeFrom(managed, communityId, communities), communities, data }
}

/** Every figure for the scope and period, grouped by the seed's four sections. */
export function allValues(data: Data, scope: Scope, period: Period): Sectioned[] {
  const values = FIGURES.map((f) => valueOf(f, data, scope, period))
  return SECTIONS.map((key) => ({ key, label: SECTION_LABELS[key], figures: values.filter((v) => v.section === key) }))
}

export function trends(data: Data, period: Period): Trend[] {
  return TREND_KEYS.map((key) => {
    const figure = figureOf(key)!
    const months = figure.monthly!(data)
    return { key, label: figure.label, unit: figure.unit, points: period.months.map((month) => ({ month, value: months.get(month) ?? 0 })) }
  })
}

/** The communities side by side, from the district's data (its parts group by community). */
export function comparisons(data: Data, communities: CommunityRef[]): Comparison[] {
  return COMPARE_KEYS.map((key) => {
    const figure = figureOf(key)!
    const per = figure.byCommunity!(data)
    return { key, label: figure.label, unit: figure.unit, rows: communities.map((c) => ({ communityId: c.id, communityName: c.name, value: per.get(c.id) ?? 0 })) }
  })
}

/** Everything a dashboard or workbook shows: every figure, the trends and (district) the communities side by side. */
export async function fullReport(caller: Caller, communityId: string | undefined, period: Period) {
  const { scope, communities, data } = await readReport(caller, communityId, period, FIGURES)
  return {
    scope,
    communities,
    sections: allValues(data, scope, period),
    trends: trends(data, period),
    comparisons: scope.communityId ? [] : comparisons(data, communities)
  }
}
