import type { FigureRecord } from '../../../contracts/reports'
import type { Period } from '../period'
import type { Scope } from '../scope'
import { rowsOf, total, totalsBy, type Data, type Doc, type PartKey } from './data'
import { namedRecords, pagePart, pageRecords, round, type PlaceDoc, type RecordNames, type Where } from './query'
import type { Figure, FigureMeta, FigureResult } from './types'

export interface CollectionFigureSpec<T> extends FigureMeta {
  collection: string
  /** The documents behind the figure within the scope and period (include the scope yourself): its records. */
  where(scope: Scope, period: Period): Where
  /** Order of the records list. */
  order: [string, 'asc' | 'desc']
  record(doc: T, names: RecordNames): FigureRecord
  /** The grouped part (./data.ts) it is summed from, and which of its groups are this figure's. */
  part: PartKey
  pick?: (key: Doc) => boolean
  /** The accumulator summed (default n, the number of documents); a sum is divided by `divide` and rounded to `digits`. */
  field?: string
  divide?: number
  digits?: number
  /** Month by month (the part's `m`). */
  trend?: boolean
  /** Split by the part's key dimension `dim`, labelled (keys missing from `labels` are shown as they are). */
  breakdown?: { dim: string; labels: Record<string, string>; order?: readonly string[] }
  /** Whether the district dashboard can draw it per community (the part's `c`). */
  compare?: boolean
  /** Further parts its target or note reads. */
  needs?: PartKey[]
  target?(scope: Scope, data: Data): number | undefined
  note?(data: Data, scope: Scope, value: number): string | undefined
}

/**
 * A figure that counts (or sums a field of) the documents of one collection matching a condition:
 * a sum over the groups of its collection's part; the whole, the split, the trend and the communities
 * all come from those groups. Its records are read with `where` (the same condition as the part's
 * match and `pick`; the tests compare both with a direct count).
 */
export function collectionFigure<T extends PlaceDoc>(spec: CollectionFigureSpec<T>): Figure {
  const finish = (raw: number) => (spec.divide ? round(raw / spec.divide, spec.digits ?? 0) : raw)
  const finishAll = (m: Map<string, number>) => new Map([...m].map(([k, v]) => [k, finish(v)]))
  const field = spec.field ?? 'n'
  const pick = spec.pick ?? (() => true)

  const figure: Figure = {
    key: spec.key,
    label: spec.label,
    section: spec.section,
    unit: spec.unit,
    kind: spec.kind,
    definition: spec.definition,
    recordLabel: spec.recordLabel,
    parts: [spec.part, ...(spec.needs ?? [])],
    compute(data, scope) {
      const rows = rowsOf(data, spec.part)
      const value = finish(total(rows, pick, field))
      const result: FigureResult = { value }
      const target = spec.target?.(scope, data)
      if (target !== undefined) result.target = target
      if (spec.breakdown) {
        const parts = totalsBy(rows, spec.breakdown.dim, pick, field, true)
        const order = [...(spec.breakdown.order ?? Object.keys(spec.breakdown.labels))]
        const keys = [...order, ...[...parts.keys()].filter((k) => !order.includes(k))]
        result.breakdown = keys.filter((k) => parts.has(k)).map((k) => ({ key: k, label: spec.breakdown!.labels[k] ?? k, value: finish(parts.get(k) ?? 0) }))
      }
      const note = spec.note?.(data, scope, value)
      if (note) result.note = note
      return result
    },
    records(scope, period, page, pageSize) {
      return pageRecords<T>(spec.collection, spec.where(scope, period), spec.order, page, pageSize, spec.record, scope.names)
    },
    recordParts(scope, period, page, pageSize) {
      const where = spec.where(scope, period)
      return {
        page: pagePart(spec.collection, where, spec.order, page, pageSize),
        total: { collection: spec.collection, build: (p) => p.match(where).count('n') },
        items: (docs, named) => namedRecords<T>(docs, named, spec.record)
      }
    }
  }
  if (spec.trend) figure.monthly = (data) => finishAll(totalsBy(rowsOf(data, spec.part), 'm', pick, field))
  if (spec.compare) figure.byCommunity = (data) => finishAll(totalsBy(rowsOf(data, spec.part), 'c', pick, field))
  return figure
}
