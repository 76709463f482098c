import type { FigureRecord } from '../../../contracts/reports'
import type { Period } from '../period'
import type { Scope } from '../scope'
import { count, cube, groupBy, groupByMonth, pageRecords, round, sum, type CubeRow, type PlaceDoc, type RecordNames, type Where } from './query'
import type { Figure, FigureMeta, FigureResult } from './types'

const DISTRICT: Scope = { communityId: null, name: '全区' }

export interface CollectionFigureSpec<T> extends FigureMeta {
  collection: string
  /** The documents behind the figure within the scope and period (include the scope yourself). */
  where(scope: Scope, period: Period): Where
  /** Order of the records list. */
  order: [string, 'asc' | 'desc']
  record(doc: T, names: RecordNames): FigureRecord
  /** Σ of this field instead of a count, divided by `divide` and rounded to `digits`. */
  sumField?: string
  divide?: number
  digits?: number
  /** The date field a trend groups on (flow figures). */
  trendField?: string
  /** A stored "YYYY-MM" (Shanghai) of `trendField`, when the collection keeps one: grouped on directly (cheaper). */
  monthField?: string
  /** Split by this field, labelled (keys missing from `labels` are shown as they are). */
  breakdown?: { field: string; labels: Record<string, string>; order?: readonly string[] }
  /** Whether the district dashboard draws it per community. */
  compare?: boolean
  target?(scope: Scope): Promise<number | undefined>
  note?(scope: Scope, period: Period, value: number): Promise<string | undefined>
}

const totalBy = (rows: CubeRow[], dim: 'b' | 'm' | 'c') => {
  const out = new Map<string, number>()
  for (const r of rows) out.set(String(r[dim] ?? ''), (out.get(String(r[dim] ?? '')) ?? 0) + r.v)
  return out
}

/**
 * A figure that counts (or sums a field of) the documents of one collection matching a condition.
 *
 * A figure with a split is read with one aggregation grouped by the split, the month (if it has a
 * trend) and, for the district, the community (if it is compared): the whole, the split, the trend
 * and the communities all come from those groups, so a dashboard reads each collection once. Other
 * figures use `count()` (one indexed count per community when compared).
 */
export function collectionFigure<T extends PlaceDoc>(spec: CollectionFigureSpec<T>): Figure {
  const finish = (raw: number) => (spec.sumField ? round(raw / (spec.divide ?? 1), spec.digits ?? 0) : raw)
  const finishAll = (m: Map<string, number>) => new Map([...m].map(([k, v]) => [k, finish(v)]))

  /** The groups of a figure with a split, shared by compute/monthly/byCommunity within one request (same Period object). */
  const cubes = new WeakMap<Period, Map<string, Promise<CubeRow[]>>>()
  const cubeOf = (scope: Scope, period: Period): Promise<CubeRow[]> => {
    let perPeriod = cubes.get(period)
    if (!perPeriod) cubes.set(period, (perPeriod = new Map()))
    const key = scope.communityId ?? ''
    let rows = perPeriod.get(key)
    if (!rows) {
      rows = cube(spec.collection, spec.where(scope, period), {
        b: spec.breakdown!.field,
        m: spec.monthField ? { field: spec.monthField } : spec.trendField ? { date: spec.trendField } : undefined,
        c: spec.compare && !scope.communityId ? 'communityId' : undefined,
        sum: spec.sumField
      })
      perPeriod.set(key, rows)
    }
    return rows
  }

  const figure: Figure = {
    key: spec.key,
    label: spec.label,
    section: spec.section,
    unit: spec.unit,
    kind: spec.kind,
    definition: spec.definition,
    recordLabel: spec.recordLabel,
    async compute(scope, period) {
      const [parts, whole, target] = await Promise.all([
        spec.breakdown ? cubeOf(scope, period).then((rows) => totalBy(rows, 'b')) : Promise.resolve(undefined),
        spec.breakdown ? Promise.resolve(0) : spec.sumField ? sum(spec.collection, spec.where(scope, period), spec.sumField) : count(spec.collection, spec.where(scope, period)),
        spec.target ? spec.target(scope) : Promise.resolve(undefined)
      ])
      const raw = parts ? [...parts.values()].reduce((a, b) => a + b, 0) : whole
      const value = finish(raw)
      const result: FigureResult = { value }
      if (target !== undefined) result.target = target
      if (parts && spec.breakdown) {
        const order = [...(spec.breakdown.order ?? Object.keys(spec.breakdown.labels))]
        const keys = [...order, ...[...parts.keys()].filter((k) => !order.includes(k))]
        result.breakdown = keys.filter((k) => parts.has(k)).map((k) => ({ key: k, label: spec.breakdown!.labels[k] ?? k, value: finish(parts.get(k) ?? 0) }))
      }
      const note = spec.note ? await spec.note(scope, period, value) : undefined
      if (note) result.note = note
      return result
    },
    records(scope, period, page, pageSize) {
      return pageRecords<T>(spec.collection, spec.where(scope, period), spec.order, page, pageSize, spec.record)
    }
  }
  if (spec.trendField) {
    const field = spec.trendField
    figure.monthly = async (scope, period) =>
      finishAll(
        spec.breakdown
          ? totalBy(await cubeOf(scope, period), 'm')
          : spec.monthField
            ? await groupBy(spec.collection, spec.where(scope, period), spec.monthField, spec.sumField)
            : await groupByMonth(spec.collection, spec.where(scope, period), field, spec.sumField)
      )
  }
  if (spec.compare) {
    figure.byCommunity = async (period, communities) => {
      if (spec.breakdown) return finishAll(totalBy(await cubeOf(DISTRICT, period), 'c'))
      if (spec.sumField) return finishAll(await groupBy(spec.collection, spec.where(DISTRICT, period), 'communityId', spec.sumField))
      // Counts: one indexed count per community (cheaper than grouping every document).
      const counts = await Promise.all(communities.map((c) => count(spec.collection, spec.where({ communityId: c.id, name: c.name }, period))))
      return new Map(communities.map((c, i) => [c.id, counts[i]]))
    }
  }
  return figure
}
