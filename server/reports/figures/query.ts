/**
 * The database helpers every figure is built from: counts, sums, groups and pages, all done by the
 * database (`count()` / `aggregate()`), with an explicit `limit` on every aggregation (the cloud
 * returns 20 rows by default).
 */
import type { FigureRecord } from '../../../contracts/reports'
import type { Page } from '../../../contracts/common'
import { db } from '../../core/db'
import { namesById } from '../../core/records'
import { SHANGHAI_OFFSET_MS, type Period } from '../period'
import type { Scope } from '../scope'

export type Where = Record<string, unknown>

/** Most groupings have a handful of keys (categories, months, communities); this bounds them. */
const GROUP_LIMIT = 10_000

const cmd = () => db().command
const agg = () => db().command.aggregate

/** `where` restricted to the scope's community (collections that carry `communityId`). */
export function scoped(scope: Scope, where: Where = {}): Where {
  return scope.communityId ? { ...where, communityId: scope.communityId } : where
}

/** A date field inside the period: [start of `from`, start of the day after `to`). */
export function within(period: Period) {
  const _ = cmd()
  return _.gte(period.start).and(_.lt(period.end))
}

/** A condition object or a command (`_.and`, `_.or`) made into one `where`. */
export function all(parts: Where[]): Where {
  const list = parts.filter((p) => Object.keys(p).length > 0)
  if (list.length === 0) return {}
  if (list.length === 1) return list[0]
  return cmd().and(list)
}

export async function count(collection: string, where: Where): Promise<number> {
  const res = await db().collection(collection).where(where).count()
  return res.total
}

/** Σ `field` over the matching documents (0 when none). */
export async function sum(collection: string, where: Where, field: string): Promise<number> {
  const res = await db().collection(collection).aggregate().match(where).group({ _id: null, v: agg().sum(`$${field}`) }).limit(1).end()
  return (res.list[0]?.v as number | undefined) ?? 0
}

/** Average and number of values of `field` over the matching documents. */
export async function average(collection: string, where: Where, field: string): Promise<{ avg: number | null; n: number }> {
  const res = await db()
    .collection(collection)
    .aggregate()
    .match(where)
    .group({ _id: null, avg: agg().avg(`$${field}`), n: agg().sum(1) })
    .limit(1)
    .end()
  const row = res.list[0] as { avg: number; n: number } | undefined
  return row ? { avg: row.avg, n: row.n } : { avg: null, n: 0 }
}

/** Number of distinct values of `field` over the matching documents. */
export async function distinct(collection: string, where: Where, field: string): Promise<number> {
  const res = await db().collection(collection).aggregate().match(where).group({ _id: `$${field}` }).count('n').end()
  return (res.list[0]?.n as number | undefined) ?? 0
}

/** Count (no `field`) or Σ `field` per value of `by`. */
export async function groupBy(collection: string, where: Where, by: string, field?: string): Promise<Map<string, number>> {
  const res = await db()
    .collection(collection)
    .aggregate()
    .match(where)
    .group({ _id: `$${by}`, v: agg().sum(field ? `$${field}` : 1) })
    .limit(GROUP_LIMIT)
    .end()
  return new Map((res.list as { _id: unknown; v: number }[]).map((r) => [String(r._id ?? ''), r.v]))
}

/** Count (no `field`) or Σ `field` per Shanghai month ("YYYY-MM") of the date field `dateField`. */
export async function groupByMonth(collection: string, where: Where, dateField: string, field?: string): Promise<Map<string, number>> {
  const $ = agg()
  const res = await db()
    .collection(collection)
    .aggregate()
    .match(where)
    .project({ m: $.dateToString({ date: $.add([`$${dateField}`, SHANGHAI_OFFSET_MS]), format: '%Y-%m' }), v: field ? `$${field}` : '1' })
    .group({ _id: '$m', v: $.sum(field ? '$v' : 1) })
    .limit(GROUP_LIMIT)
    .end()
  return new Map((res.list as { _id: string; v: number }[]).map((r) => [r._id, r.v]))
}

/** One group of `cube`: split value `b`, month `m`, community `c` (each when asked for) and the count or sum `v`. */
export interface CubeRow {
  b?: unknown
  m?: string
  c?: unknown
  v: number
}

/** Groups beyond this many are refused rather than silently cut (the caller then narrows the period). */
const CUBE_LIMIT = 50_000

/**
 * Count (or Σ `sum`) of the matching documents grouped at once by a field (`b`), the Shanghai month
 * of a date field (`m`) and another field (`c`): one pass over the documents for a figure's split,
 * trend and communities.
 */
export async function cube(collection: string, where: Where, dims: { b: string; m?: { date: string } | { field: string }; c?: string; sum?: string }): Promise<CubeRow[]> {
  const $ = agg()
  const key: Record<string, unknown> = { b: `$${dims.b}` }
  if (dims.m) key.m = 'field' in dims.m ? `$${dims.m.field}` : $.dateToString({ date: $.add([`$${dims.m.date}`, SHANGHAI_OFFSET_MS]), format: '%Y-%m' })
  if (dims.c) key.c = `$${dims.c}`
  const res = await db()
    .collection(collection)
    .aggregate()
    .match(where)
    .group({ _id: key, v: $.sum(dims.sum ? `$${dims.sum}` : 1) })
    .limit(CUBE_LIMIT + 1)
    .end()
  const list = res.list as { _id: Omit<CubeRow, 'v'>; v: number }[]
  if (list.length > CUBE_LIMIT) throw new Error(`reports: ${collection} has more than ${CUBE_LIMIT} groups`)
  return list.map((r) => ({ ...r._id, v: r.v }))
}

/** A page of matching documents in the given order (with `_id` last, so pages never overlap). */
export async function pageOf<T>(collection: string, where: Where, order: [string, 'asc' | 'desc'], page: number, pageSize: number): Promise<{ docs: T[]; total: number }> {
  const query = db().collection(collection).where(where)
  const [res, total] = await Promise.all([
    query.orderBy(order[0], order[1]).orderBy('_id', 'asc').skip((page - 1) * pageSize).limit(pageSize).get(),
    query.count()
  ])
  return { docs: res.data as T[], total: total.total }
}

/** Community names for a page of records. */
export async function communityNames(docs: { communityId?: string | null }[]): Promise<Map<string, string>> {
  return namesById('communities', docs.map((d) => d.communityId ?? '').filter(Boolean))
}

/** Names a record line needs: its community's and, where it has one, its compound's. */
export interface RecordNames {
  community?: string
  grid?: string
}

export type PlaceDoc = { communityId?: string | null; gridId?: string | null }

export async function pageRecords<T extends PlaceDoc>(
  collection: string,
  where: Where,
  order: [string, 'asc' | 'desc'],
  page: number,
  pageSize: number,
  toRecord: (doc: T, names: RecordNames) => FigureRecord
): Promise<Page<FigureRecord>> {
  const { docs, total } = await pageOf<T>(collection, where, order, page, pageSize)
  return { items: await withNames(docs, toRecord), total, page, pageSize }
}

/** Maps documents to records with their community and compound names (two queries per page). */
export async function withNames<T extends PlaceDoc>(docs: T[], toRecord: (doc: T, names: RecordNames) => FigureRecord): Promise<FigureRecord[]> {
  const [communities, grids] = await Promise.all([
    communityNames(docs),
    namesById('grids', docs.map((d) => d.gridId ?? '').filter(Boolean))
  ])
  return docs.map((d) =>
    toRecord(d, { community: d.communityId ? communities.get(d.communityId) : undefined, grid: d.gridId ? grids.get(d.gridId) : undefined })
  )
}

export const iso = (d: Date | string | number | null | undefined): string | undefined => (d === null || d === undefined ? undefined : new Date(d).toISOString())

/** Rounds to `digits` decimals (hours to 0.1, yuan to 0.01, ratings to 0.01). */
export const round = (n: number, digits: number) => {
  const f = 10 ** digits
  return Math.round(n * f) / f
}
