/**
 * What the figures are computed from: one grouped read per collection ("part"), never one count
 * per figure. Each part groups the scope's documents on a composite key (split, month, community …)
 * and the figures, their splits, trends and communities side by side are sums over those groups,
 * in memory. The small collections' parts are read together in ONE round trip (server/core/together.ts:
 * uncorrelated `$lookup` sub-pipelines); the large ones (OWN) each in their own aggregate, in parallel.
 * A dashboard is the caller's identity and this: 10 round trips, whatever the scale (the communities
 * the scope needs are a part of the read together, server/reports/compute.ts).
 */
import { TARGET_SETTING_ID, SETTINGS } from '../../members/model'
import { VERIFIED_STATUSES } from '../../../contracts/activities'
import { clock } from '../../core/clock'
import { db } from '../../core/db'
import { aggregateOf, readTogether, type Part, type Pipeline } from '../../core/together'
import { SHANGHAI_OFFSET_MS, type Period } from '../period'
import type { Scope } from '../scope'
import { all, scoped, within, type Where } from './query'

export type Doc = Record<string, any>

export type PartKey =
  | 'communities'
  | 'communityCommittees'
  | 'grids'
  | 'branches'
  | 'partyGroups'
  | 'centralHouseholds'
  | 'ownersCommittees'
  | 'selfManagementCommittees'
  | 'companies'
  | 'ranking'
  | 'target'
  | 'approved'
  | 'pending'
  | 'teams'
  | 'activities'
  | 'serviceRecords'
  | 'deeds'
  | 'notices'
  | 'noticeReads'
  | 'residents'
  | 'centers'
  | 'centerFunds'
  | 'bookings'
  | 'tickets'

/** The rows of each part read for one scope and period. */
export type Data = Partial<Record<PartKey, Doc[]>>

/** Groups beyond this many are refused rather than silently cut (the caller then narrows the period). */
const GROUP_LIMIT = 50_000

const _ = () => db().command
const $ = () => db().command.aggregate

/** "YYYY-MM" (Shanghai) of a date field, as a group key. */
const monthOf = (field: string) => $().dateToString({ date: $().add([`$${field}`, SHANGHAI_OFFSET_MS]), format: '%Y-%m' })

/** A part grouped on one field only: its rows' `_id` is that field's value, read back as `{ [dim]: value }`. */
export type DimPart = Part & { dim?: string }

/**
 * Groups on a composite key, or on a plain field path when the key has one dimension (much cheaper
 * for the emulator's engine, which hashes every composite key; the same on the cloud).
 */
const grouped = (collection: string, where: Where, key: Record<string, unknown>, acc: Record<string, unknown> = {}): DimPart => {
  const dims = Object.entries(key)
  const single = dims.length === 1 && typeof dims[0][1] === 'string' ? dims[0] : null
  return {
    collection,
    dim: single?.[0],
    build: (p) =>
      p
        .match(where)
        .group({ _id: single ? single[1] : key, n: $().sum(1), ...acc })
        .limit(GROUP_LIMIT + 1)
  }
}

const counted = (collection: string, where: Where): Part => ({ collection, build: (p) => p.match(where).count('n') })

/** Notices reaching the scope: for a community, those for it (in whole or part) and the district-wide ones. */
export function noticesWhere(scope: Scope, period: Period): Where {
  const c = _()
  const base: Where = { status: 'active', publishAt: c.gte(period.start).and(c.lt(period.end)).and(c.lte(clock.date())) }
  if (!scope.communityId) return base
  return all([base, c.or([{ communityIds: scope.communityId }, { communityIds: c.size(0) }])])
}

export const readsWhere = (scope: Scope, period: Period): Where => scoped(scope, { readAt: within(period) })

/** People with a known residence (profile.buildingId) in the scope: the audience notices can reach. */
export const residentsWhere = (scope: Scope): Where =>
  scope.communityId ? { 'profile.communityId': scope.communityId, 'profile.buildingId': _().exists(true) } : { 'profile.buildingId': _().exists(true) }

export const verifiedIn = (scope: Scope, period: Period): Where => scoped(scope, { status: _().in([...VERIFIED_STATUSES]), serviceDate: within(period) })

/** Companies in the scope (for a community: those managing one of its compounds), grouped by kind, branch and instructor. */
function companiesPart(scope: Scope): Part {
  const key = { k: '$kind', b: '$hasBranch', i: '$partyInstructor' }
  const acc = { n: $().sum(1), pm: $().sum('$partyMembers') }
  if (!scope.communityId) return { collection: 'companies', build: (p) => p.group({ _id: key, ...acc }).limit(GROUP_LIMIT + 1) }
  const communityId = scope.communityId
  return {
    collection: 'grids',
    build: (p) =>
      p
        .match({ communityId, companyId: _().exists(true) })
        .group({ _id: '$companyId' })
        .lookup({ from: 'companies', localField: '_id', foreignField: '_id', as: 'company' })
        .unwind('$company')
        .replaceRoot({ newRoot: '$company' })
        .group({ _id: key, ...acc })
        .limit(GROUP_LIMIT + 1)
  }
}

/**
 * Compounds of the scope by community, management, company and whether they have a party branch
 * and a 业委会 or 自管委员会 (grids ⋈ branches / ownersCommittees / selfManagementCommittees on gridId).
 */
function gridsPart(scope: Scope): Part {
  const a = $()
  return {
    collection: 'grids',
    build: (p) =>
      p
        .match(scoped(scope))
        .lookup({ from: 'branches', localField: '_id', foreignField: 'gridId', as: 'b' })
        .lookup({ from: 'ownersCommittees', localField: '_id', foreignField: 'gridId', as: 'o' })
        .lookup({ from: 'selfManagementCommittees', localField: '_id', foreignField: 'gridId', as: 's' })
        .project({
          c: '$communityId',
          m: '$management',
          co: '$companyId',
          hb: a.gt([a.size('$b'), 0]),
          hc: a.gt([a.add([a.size('$o'), a.size('$s')]), 0])
        })
        .group({ _id: { c: '$c', m: '$m', co: '$co', hb: '$hb', hc: '$hc' }, n: a.sum(1) })
        .limit(GROUP_LIMIT + 1)
  }
}

/** What a part depends on: the scope (its community, or the district) and the period; `communities` the ids the caller may see. */
export function partOf(key: PartKey, scope: Scope, period: Period, communities?: string[] | null): DimPart {
  const c = { c: '$communityId' }
  switch (key) {
    case 'communities':
      // The communities the caller may see, in the district's order (at most a few hundred).
      return {
        collection: 'communities',
        build: (p) =>
          p
            .match(communities ? { _id: _().in(communities) } : {})
            .sort({ order: 1 })
            .project({ name: true, order: true, registrationTarget: true })
            .limit(1000)
      }
    case 'communityCommittees':
    case 'branches':
    case 'partyGroups':
    case 'centralHouseholds':
    case 'selfManagementCommittees':
      return grouped(key, scoped(scope), c)
    case 'ownersCommittees':
      return grouped(key, scoped(scope), c, { members: $().sum('$members'), party: $().sum('$partyMembers') })
    case 'grids':
      return gridsPart(scope)
    case 'companies':
      return companiesPart(scope)
    case 'ranking':
      return { collection: 'rankings', build: (p) => p.match({ status: 'published' }).sort({ month: -1 }).limit(1) }
    case 'target':
      return { collection: SETTINGS, build: (p) => p.match({ _id: TARGET_SETTING_ID }).limit(1) }
    // Approved per community and the pending: two plain reads (a (status, community) key costs the
    // emulator's engine several times a one-field key over tens of thousands of registrations).
    case 'approved':
      return grouped('registrations', scoped(scope, { status: 'approved' }), c)
    case 'pending':
      return counted('registrations', scoped(scope, { status: 'pending' }))
    case 'teams':
      return grouped('teams', scoped(scope, { status: 'active' }), { t: '$type' })
    case 'activities':
      return grouped('activities', scoped(scope, { kind: 'volunteer', status: 'published', start: within(period) }), { b: '$category', m: monthOf('start'), ...c })
    case 'serviceRecords':
      return grouped('serviceRecords', verifiedIn(scope, period), { b: '$category', m: monthOf('serviceDate'), ...c }, { v: $().sum('$verifiedMinutes') })
    case 'deeds':
      return grouped('deeds', scoped(scope, { doneAt: within(period) }), { f: '$figure', m: '$month', r: '$rating', ...c })
    case 'notices':
      return grouped('notices', noticesWhere(scope, period), { b: '$category', m: monthOf('publishAt') })
    case 'noticeReads':
      // Reads and distinct readers at once: one group per reader, then their number and Σ reads.
      return {
        collection: 'noticeReads',
        build: (p) => p.match(readsWhere(scope, period)).group({ _id: '$openid', n: $().sum(1) }).group({ _id: null, readers: $().sum(1), reads: $().sum('$n') })
      }
    case 'residents':
      return counted('users', residentsWhere(scope))
    case 'centers':
      return grouped('centers', scoped(scope), { s: '$status', ...c })
    case 'centerFunds':
      return grouped('centerFunds', scoped(scope), { t: '$type', ...c }, { v: $().sum('$amountFen') })
    case 'bookings':
      return counted('bookings', scoped(scope, { status: 'checked_in', start: within(period) }))
    case 'tickets':
      return counted('tickets', scoped(scope, { createdAt: within(period) }))
  }
}

/**
 * Parts over the large collections (tens of thousands of documents at scale): each its own
 * aggregate, matched on its indexes, rather than a sub-pipeline of the one read together.
 */
export const OWN = new Set<PartKey>(['approved', 'pending', 'residents', 'bookings', 'noticeReads', 'deeds', 'tickets', 'serviceRecords'])

/**
 * The parts `keys` for the scope and period: the OWN ones each in one round trip, the others together
 * in one (`communities`: the ids of the communities part, null for all).
 */
export async function loadData(scope: Scope, period: Period, keys: Iterable<PartKey>, options: { communities?: string[] | null } = {}): Promise<Data> {
  const wanted = [...new Set(keys)]
  const own = wanted.filter((k) => OWN.has(k))
  const together = wanted.filter((k) => !OWN.has(k))
  const part = (k: PartKey) => partOf(k, scope, period, options.communities)
  const parts = Object.fromEntries(together.map((k) => [k, part(k)])) as Record<PartKey, DimPart>
  const [shared, ...lists] = await Promise.all([
    together.length === 0
      ? Promise.resolve({})
      : together.length === 1
        ? aggregateOf(parts[together[0]]).then((list) => ({ [together[0]]: list }))
        : readTogether(parts),
    ...own.map((k) => aggregateOf(part(k)))
  ])
  const found: Record<string, Doc[]> = { ...(shared as Data) }
  own.forEach((k, i) => (found[k] = lists[i]))
  return dataOf(Object.fromEntries(wanted.map((k) => [k, k in parts ? parts[k] : part(k)])) as Partial<Record<PartKey, DimPart>>, found)
}

/**
 * The parts `keys` as parts of ONE combined read (reports.figure: a figure needs a few, read with
 * the caller and its records in a single round trip); `dataOf` turns what they found into Data.
 */
export function partsOf(scope: Scope, period: Period, keys: Iterable<PartKey>, communities?: string[] | null): Partial<Record<PartKey, DimPart>> {
  return Object.fromEntries([...new Set(keys)].map((k) => [k, partOf(k, scope, period, communities)])) as Partial<Record<PartKey, DimPart>>
}

/** The Data of parts read (`found`: each part's documents by its key): single-field groups read back as `{ [dim]: value }`. */
export function dataOf(parts: Partial<Record<PartKey, DimPart>>, found: Record<string, Doc[]>): Data {
  const data: Data = {}
  for (const [k, part] of Object.entries(parts) as [PartKey, DimPart][]) {
    const list = found[k] ?? []
    data[k] = part.dim ? list.map((r) => ({ ...r, _id: { [part.dim as string]: r._id } })) : list
  }
  for (const [k, list] of Object.entries(data)) {
    if ((list?.length ?? 0) > GROUP_LIMIT) throw new Error(`reports: ${k} has more than ${GROUP_LIMIT} groups`)
  }
  return data
}

// ------------------------------------------------------------------ reading the groups

export type Row = { _id: Doc | null } & Doc

/** The rows of a part (an error if the figure did not ask for it: a bug, not an empty figure). */
export function rowsOf(data: Data, key: PartKey): Row[] {
  const rows = data[key]
  if (!rows) throw new Error(`reports: part ${key} was not read`)
  return rows as Row[]
}

/** Σ `field` (default n) over the rows whose key passes `pick`. */
export function total(rows: Row[], pick: (k: Doc) => boolean = () => true, field = 'n'): number {
  let out = 0
  for (const r of rows) if (pick(r._id ?? {})) out += Number(r[field]) || 0
  return out
}

/** Σ `field` per value of the key dimension `dim` (rows without it are left out, or with `keepEmpty` counted under ''). */
export function totalsBy(rows: Row[], dim: string, pick: (k: Doc) => boolean = () => true, field = 'n', keepEmpty = false): Map<string, number> {
  const out = new Map<string, number>()
  for (const r of rows) {
    const k = r._id ?? {}
    if (!pick(k) || (!keepEmpty && (k[dim] === undefined || k[dim] === null))) continue
    const key = String(k[dim] ?? '')
    out.set(key, (out.get(key) ?? 0) + (Number(r[field]) || 0))
  }
  return out
}

/** The single value of a `count('n')` part. */
export const countOf = (data: Data, key: PartKey): number => (rowsOf(data, key)[0]?.n as number | undefined) ?? 0

export type { Pipeline }
