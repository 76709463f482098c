import { SECTION_LABELS, SECTIONS, type Comparison, type FigureValue, type Trend } from '../../contracts/reports'
import { COMPARE_KEYS, FIGURES, figureOf, TREND_KEYS, type Figure } from './figures'
import type { Period } from './period'
import type { CommunityRef, Scope } from './scope'

/** A figure's value with everything it says about itself (the same on the dashboard, the figure page and in the workbook). */
export async function valueOf(figure: Figure, scope: Scope, period: Period): Promise<FigureValue> {
  const result = await figure.compute(scope, period)
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
 * Runs `fn` over `items` with at most `limit` in flight, keeping their order. A dashboard issues
 * ~60 queries: a few at a time keep the cloud's latency low without holding every intermediate
 * result (and, on the emulator, every aggregation's working copy) in memory at once.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i])
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

const IN_FLIGHT = 6

/** Every figure for the scope and period, grouped by the seed's four sections. */
export async function allValues(scope: Scope, period: Period): Promise<Sectioned[]> {
  const values = await mapLimit(FIGURES, IN_FLIGHT, (f) => valueOf(f, scope, period))
  return SECTIONS.map((key) => ({ key, label: SECTION_LABELS[key], figures: values.filter((v) => v.section === key) }))
}

export async function trends(scope: Scope, period: Period): Promise<Trend[]> {
  return mapLimit(TREND_KEYS, IN_FLIGHT, async (key) => {
    const figure = figureOf(key)!
    const months = await figure.monthly!(scope, period)
    return { key, label: figure.label, unit: figure.unit, points: period.months.map((month) => ({ month, value: months.get(month) ?? 0 })) }
  })
}

export async function comparisons(period: Period, communities: CommunityRef[]): Promise<Comparison[]> {
  return mapLimit(COMPARE_KEYS, IN_FLIGHT, async (key) => {
    const figure = figureOf(key)!
    const per = await figure.byCommunity!(period, communities)
    return { key, label: figure.label, unit: figure.unit, rows: communities.map((c) => ({ communityId: c.id, communityName: c.name, value: per.get(c.id) ?? 0 })) }
  })
}
