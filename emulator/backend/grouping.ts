/**
 * A `$group` the store folds itself, in one pass with a running total per group, instead of
 * mingo's (which computes each document's key through its expression engine, hashes it by
 * stringifying, keeps an array of the documents per group and then builds an array of values per
 * accumulator): the same answer without materialising anything per document, which is where the
 * scale-10 dashboard's memory went (BENCHMARKS.md).
 *
 * Only the common shape is taken: `_id` null (one group), a field path (`'$a.b'`) or a plain object of field paths
 * (`{ c: '$communityId', m: '$month' }`; a field of it may also be one operator expression, such as
 * `{ $dateToString: … }`, which mingo computes for each document as its own `$group` would), and every other field `{ $sum: <number> }` or
 * `{ $sum: '$path' }`. Anything else — another expression or accumulator, a system variable, a
 * dotted or `$` output field — and any document whose key or summed value is not missing, null or a
 * primitive reached through plain objects (an array, a Date, an object, NaN on the way or at the
 * end) returns undefined: the caller then runs mingo on the same input, unchanged. On what it takes
 * it answers what mingo 6 answers (tests/emulator/grouping.test.ts compares them):
 *  - groups in the order of their first document; keys equal as mingo's `isEqual` (on primitives:
 *    SameValueZero, so 0 and -0 are one group, null and missing are not for a composite key);
 *  - a single-path key: the value, missing as null (and -0 as 0, a Map key); a composite key: an object with every field,
 *    missing ones `undefined`; the first document's key object is the group's `_id`;
 *  - `{ $sum: n }`: the group's size × n; `{ $sum: '$p' }`: Σ of the numbers (not NaN), in
 *    document order from 0, anything else ignored;
 *  - `_id` first, then the fields in the spec's order.
 */
import type * as MingoCore from 'mingo/types/core'
import { valueAt, DEFER } from './semantics'
import type { Doc } from './values'

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { computeValue, initOptions } = require('mingo/core') as typeof MingoCore

/** A key field: a field path (read directly) or an operator expression (computed by mingo, as its `$group` does). */
type KeyPart = { path: string[] } | { expr: Doc }

type Acc = { field: string; literal: number } | { field: string; path: string[] }

interface Group {
  id: unknown
  n: number
  sums: number[]
}

/** A field path expression (`'$a.b'`) as its parts, or undefined for anything else. */
function pathOf(expr: unknown): string[] | undefined {
  if (typeof expr !== 'string' || expr.length < 2 || expr[0] !== '$' || expr[1] === '$') return undefined
  const parts = expr.slice(1).split('.')
  if (parts.some((part) => part === '' || /^\d+$/.test(part) || part.startsWith('$'))) return undefined
  return parts
}

function isPlainObject(value: unknown): value is Doc {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** A key or summed value the fold decides: missing, null, a string, a boolean or a number other than NaN. */
const PRIMITIVE = (value: unknown): boolean =>
  value === undefined || value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && !Number.isNaN(value))

/** The groups of `docs` under a `$group` spec, or undefined when the spec or a document is not of the shape above. */
export function foldGroup(docs: readonly Doc[], spec: unknown, options: object): Doc[] | undefined {
  if (!isPlainObject(spec) || !Object.prototype.hasOwnProperty.call(spec, '_id')) return undefined
  const idExpr = spec._id
  let single: string[] | undefined
  let composite: Array<[string, KeyPart]> | undefined
  let constant = false
  if (idExpr === null) {
    constant = true
  } else if (typeof idExpr === 'string') {
    single = pathOf(idExpr)
    if (!single) return undefined
  } else if (isPlainObject(idExpr)) {
    const entries = Object.entries(idExpr)
    if (entries.length === 0) return undefined
    composite = []
    for (const [name, expr] of entries) {
      if (name.startsWith('$')) return undefined
      const path = pathOf(expr)
      if (path) composite.push([name, { path }])
      else if (isPlainObject(expr) && Object.keys(expr).length === 1 && /^\$[a-zA-Z0-9_]+$/.test(Object.keys(expr)[0])) composite.push([name, { expr }])
      else return undefined
    }
  } else {
    return undefined
  }
  const accs: Acc[] = []
  for (const [field, expr] of Object.entries(spec)) {
    if (field === '_id') continue
    if (field === '' || field.includes('.') || field.startsWith('$') || !isPlainObject(expr)) return undefined
    const ops = Object.keys(expr)
    if (ops.length !== 1 || ops[0] !== '$sum') return undefined
    const arg = expr.$sum
    if (typeof arg === 'number' && !Number.isNaN(arg)) {
      accs.push({ field, literal: arg })
      continue
    }
    const path = pathOf(arg)
    if (!path) return undefined
    accs.push({ field, path })
  }

  // As mingo's Aggregator completes its options (the global operators, strict mode …), once.
  let mingoOptions: ReturnType<typeof initOptions> | undefined
  const groups: Group[] = []
  // Single key: one Map by value. Composite: one Map level per key field, the last holding the group.
  const root = new Map<unknown, unknown>()
  const values: unknown[] = composite ? new Array(composite.length) : []
  for (const doc of docs) {
    let group: Group | undefined
    if (constant) {
      group = groups[0]
      if (!group) groups.push((group = { id: null, n: 0, sums: new Array(accs.length).fill(0) }))
    } else if (single) {
      let value = valueAt(doc, single)
      if (value === DEFER || !PRIMITIVE(value)) return undefined
      // A Map key -0 is +0 (mingo's groups are a Map, so its `_id` is 0 too).
      if (value === undefined) value = null
      else if (value === 0) value = 0
      group = root.get(value) as Group | undefined
      if (!group) {
        group = { id: value, n: 0, sums: new Array(accs.length).fill(0) }
        root.set(value, group)
        groups.push(group)
      }
    } else {
      const fields = composite as Array<[string, KeyPart]>
      for (let i = 0; i < fields.length; i++) {
        const part = fields[i][1]
        let value: unknown
        if ('path' in part) value = valueAt(doc, part.path)
        else {
          try {
            value = computeValue(doc, part.expr, null, (mingoOptions ??= initOptions(options as never)))
          } catch {
            return undefined // mingo runs the stage again and refuses it with its own error
          }
        }
        if (value === DEFER || !PRIMITIVE(value)) return undefined
        values[i] = value
      }
      let level = root
      for (let i = 0; i < fields.length - 1; i++) {
        let next = level.get(values[i]) as Map<unknown, unknown> | undefined
        if (!next) level.set(values[i], (next = new Map()))
        level = next
      }
      const last = values[fields.length - 1]
      group = level.get(last) as Group | undefined
      if (!group) {
        const id: Doc = {}
        fields.forEach(([name], i) => (id[name] = values[i]))
        group = { id, n: 0, sums: new Array(accs.length).fill(0) }
        level.set(last, group)
        groups.push(group)
      }
    }
    group.n++
    for (let a = 0; a < accs.length; a++) {
      const acc = accs[a]
      if (!('path' in acc)) continue
      const value = valueAt(doc, acc.path)
      if (value === DEFER || !PRIMITIVE(value)) return undefined
      if (typeof value === 'number') group.sums[a] += value
    }
  }
  return groups.map((group) => {
    const out: Doc = { _id: group.id }
    accs.forEach((acc, a) => (out[acc.field] = 'literal' in acc ? group.n * acc.literal : group.sums[a]))
    return out
  })
}
