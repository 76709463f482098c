/**
 * The helpers of a figure's records (pages with their community and compound names) and the
 * conditions the figures and their records share. The values are summed from ./data.ts.
 */
import type { FigureRecord } from '../../../contracts/reports'
import type { Page } from '../../../contracts/common'
import { db } from '../../core/db'
import { namesById } from '../../core/records'
import type { Part, Pipeline } from '../../core/together'
import type { Period } from '../period'
import type { Scope } from '../scope'

export type Where = Record<string, unknown>

const cmd = () => db().command

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

/** A page of matching documents in the given order (with `_id` last, so pages never overlap). */
export async function pageOf<T>(collection: string, where: Where, order: [string, 'asc' | 'desc'], page: number, pageSize: number): Promise<{ docs: T[]; total: number }> {
  const query = db().collection(collection).where(where)
  const [res, total] = await Promise.all([
    query.orderBy(order[0], order[1]).orderBy('_id', 'asc').skip((page - 1) * pageSize).limit(pageSize).get(),
    query.count()
  ])
  return { docs: res.data as T[], total: total.total }
}

/** Community names for a page of records (`known`: the scope's, read with it; read only when one is missing). */
export async function communityNames(docs: { communityId?: string | null }[], known?: Map<string, string>): Promise<Map<string, string>> {
  const ids = docs.map((d) => d.communityId ?? '').filter(Boolean)
  if (known && ids.every((id) => known.has(id))) return known
  return namesById('communities', ids)
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
  toRecord: (doc: T, names: RecordNames) => FigureRecord,
  known?: Map<string, string>
): Promise<Page<FigureRecord>> {
  const { docs, total } = await pageOf<T>(collection, where, order, page, pageSize)
  return { items: await withNames(docs, toRecord, known), total, page, pageSize }
}

/** Maps documents to records with their community and compound names (at most two queries per page). */
export async function withNames<T extends PlaceDoc>(docs: T[], toRecord: (doc: T, names: RecordNames) => FigureRecord, known?: Map<string, string>): Promise<FigureRecord[]> {
  const [communities, grids] = await Promise.all([
    communityNames(docs, known),
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

/** A page of documents as a part: ordered with `_id` last (as pageOf), each with its compound joined as `_grid`. */
export function pagePart(collection: string, where: Where, order: [string, 'asc' | 'desc'], page: number, pageSize: number): Part {
  return { collection, build: (p) => withGridName(p.match(where).sort({ [order[0]]: order[1] === 'asc' ? 1 : -1, _id: 1 }).skip((page - 1) * pageSize).limit(pageSize)) }
}

/** Joins each document's compound (`gridId` → grids) as `_grid` (none or one), for its name. */
export function withGridName(p: Pipeline): Pipeline {
  return p.lookup({ from: 'grids', localField: 'gridId', foreignField: '_id', as: '_grid' })
}

/**
 * Records from a page read by `pagePart`: the community's name from the scope's (every record of a
 * scope is in one of the communities the caller may see), the compound's from the join.
 */
export function namedRecords<T extends PlaceDoc>(docs: Record<string, any>[], scope: Scope, toRecord: (doc: T, names: RecordNames) => FigureRecord): FigureRecord[] {
  return docs.map(({ _grid, ...d }) => {
    const grid = Array.isArray(_grid) ? (_grid[0]?.name as string | undefined) : undefined
    const doc = d as T
    return toRecord(doc, { community: doc.communityId ? scope.names?.get(doc.communityId) : undefined, grid: doc.gridId ? grid : undefined })
  })
}
