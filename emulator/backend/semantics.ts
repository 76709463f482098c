/**
 * MongoDB semantics through mingo: query matching, update operators, replacement and upsert
 * seeds. mingo errors (unknown operator, bad argument) surface as database errors.
 */
import 'mingo/init/system'
import { Context, Query, update as mingoUpdate } from 'mingo'
import type * as MingoCore from 'mingo/types/core'
import type * as MingoLazy from 'mingo/types/lazy'
import { DbError, invalidParam, requestFailed } from './errors'
import { cloneDoc, isObjectId, pathValues, scalarKey, type Doc } from './values'

// mingo's subpath modules, loaded through its package exports (which this project's
// `moduleResolution: node` does not read: the types come from their files).
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { ComputeOptions, computeValue } = require('mingo/core') as typeof MingoCore
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { Lazy } = require('mingo/lazy') as typeof MingoLazy
type Options = MingoCore.Options
type MingoIterator = MingoLazy.Iterator

// ------------------------------------------------------------------ expression operators

/**
 * Aggregation expression operators where mingo 6.7 departs from MongoDB (which the cloud
 * database runs): `$week` is off by one on most dates (mingo derives it from the ISO week),
 * `$indexOfCP` is missing, and `$substrBytes` rejects a range that ends at the end of the string,
 * a null string and a negative count. A mingo Context consulted before its global registry
 * (mingo's `useOperators` cannot replace a registered operator) carries MongoDB's definitions.
 */
const EXPRESSION_FIXES = {
  $week: weekOperator,
  $indexOfCP: indexOfCPOperator,
  $substrBytes: substrBytesOperator
}

/**
 * Accumulators and stages where mingo 6.7 departs from MongoDB: `$avg` over no numeric value is
 * null in MongoDB (mingo: 0), and `$count` over no document outputs no document at all (mingo:
 * `{ n: 0 }`), and `$push` of an object expression leaves out a field whose path is missing in
 * MongoDB, as every object expression does (mingo: null). See
 * https://www.mongodb.com/docs/manual/reference/operator/aggregation/avg/ and
 * .../count/ ("If the input is empty, $count returns no document" — the stage is `$group` then
 * `$project`, and `$group` of nothing outputs nothing).
 */
const ACCUMULATOR_FIXES = { $avg: avgAccumulator, $push: pushAccumulator }
const PIPELINE_FIXES = { $count: countStage }

/** `$where` / `$function` stay off: the cloud does not run scripts either. */
export const MINGO_OPTIONS = {
  scriptEnabled: false,
  context: Context.init({ expression: EXPRESSION_FIXES, accumulator: ACCUMULATOR_FIXES, pipeline: PIPELINE_FIXES } as never)
} as const

function avgAccumulator(collection: Doc[], expr: unknown, options: Options): number | null {
  let sum = 0
  let n = 0
  // As mingo's own accumulators evaluate: each document as the root of its expression.
  const copts = ComputeOptions.init(options)
  for (const doc of collection) {
    const value = computeValue(doc, expr, null, copts.update(doc))
    if (typeof value === 'number' && !Number.isNaN(value)) {
      sum += value
      n++
    }
  }
  return n === 0 ? null : sum / n
}

/** MongoDB's `$push`: each document's value in order; an object expression omits missing fields. */
function pushAccumulator(collection: Doc[], expr: unknown, options: Options): unknown[] {
  const copts = ComputeOptions.init(options)
  const literal = expr !== null && typeof expr === 'object' && !Array.isArray(expr) && Object.keys(expr).every((k) => !k.startsWith('$'))
  return collection.map((doc) => {
    const opts = copts.update(doc)
    if (!literal) return computeValue(doc, expr, null, opts)
    const out: Doc = {}
    for (const [key, sub] of Object.entries(expr as Doc)) {
      const value = computeValue(doc, sub, null, opts)
      if (value !== undefined) out[key] = value
    }
    return out
  })
}

/** A `$count` stage's output field, as the cloud accepts it: a non-empty name, no `.`, not starting with `$`. */
export function isCountName(expr: unknown): expr is string {
  return typeof expr === 'string' && expr.length > 0 && !expr.includes('.') && !expr.trim().startsWith('$')
}

function countStage(collection: MingoIterator, expr: unknown): MingoIterator {
  if (!isCountName(expr)) exprError('Invalid expression value for $count')
  const n = collection.size()
  return Lazy(n === 0 ? [] : [{ [expr as string]: n }])
}

function exprError(message: string): never {
  throw requestFailed(`[InvalidParameter] ${message}`)
}

/**
 * MongoDB's `$week` (https://www.mongodb.com/docs/manual/reference/operator/aggregation/week/):
 * 0–53; weeks begin on Sundays and week 1 begins with the first Sunday of the year, days before
 * it are in week 0 (strftime's `%U`). Accepts a date, an ObjectId (its timestamp) or
 * `{ date, timezone }`; null or missing gives null.
 */
function weekOperator(obj: Doc, expr: unknown, options: Options): number | null {
  const date = dateArgument('$week', obj, expr, options)
  if (date === null) return null
  const startOfYear = Date.UTC(date.getUTCFullYear(), 0, 1)
  const yday = Math.floor((date.getTime() - startOfYear) / 86_400_000)
  return Math.floor((yday + 7 - date.getUTCDay()) / 7)
}

/** The date a date operator works on, shifted so that its UTC fields are the local ones. */
function dateArgument(op: string, obj: Doc, expr: unknown, options: Options): Date | null {
  const value = computeValue(obj, expr, null, options) as unknown
  let date: unknown = value
  let timezone: unknown
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !isObjectId(value) && 'date' in (value as Doc)) {
    date = (value as Doc).date
    timezone = (value as Doc).timezone
  }
  if (date === null || date === undefined) return null
  if (isObjectId(date)) date = (date as { getTimestamp(): Date }).getTimestamp()
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) exprError(`${op} needs a date, got ${JSON.stringify(date)}`)
  const shifted = new Date((date as Date).getTime())
  if (timezone !== undefined && timezone !== null) {
    if (typeof timezone !== 'string') exprError(`${op}: timezone must be a string`)
    shifted.setTime(shifted.getTime() + timezoneOffsetMinutes(op, timezone as string, shifted) * 60_000)
  }
  return shifted
}

/** Minutes east of UTC at an instant: an Olson name (`Asia/Shanghai`) or `+08`, `+0800`, `+08:00`. */
function timezoneOffsetMinutes(op: string, timezone: string, at: Date): number {
  const fixed = /^([+-])(\d{2})(?::?(\d{2}))?$/.exec(timezone)
  if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3] ?? 0))
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric'
    }).formatToParts(at)
    const get = (type: string) => Number(parts.find((part) => part.type === type)?.value)
    const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
    return Math.round((local - Math.floor(at.getTime() / 1000) * 1000) / 60_000)
  } catch {
    return exprError(`${op}: unrecognized time zone identifier: "${timezone}"`)
  }
}

/** A non-negative integral number (2.0 counts), as MongoDB's string operators want their indexes. */
function indexArgument(op: string, what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) exprError(`${op}: ${what} must be an integral number, got ${JSON.stringify(value)}`)
  if ((value as number) < 0) exprError(`${op}: ${what} must be non-negative, got ${value}`)
  return value as number
}

/**
 * MongoDB's `$indexOfCP` (https://www.mongodb.com/docs/manual/reference/operator/aggregation/indexOfCP/):
 * `[string, substring, start?, end?]` → the code-point index of the first occurrence within
 * [start, end), or -1. A null or missing string gives null; a substring that is not a string,
 * or a negative or non-integral start / end, is an error. start > end gives -1.
 */
function indexOfCPOperator(obj: Doc, expr: unknown, options: Options): number | null {
  if (!Array.isArray(expr) || expr.length < 2 || expr.length > 4) exprError('$indexOfCP needs 2 to 4 arguments')
  const [string, substring, start, end] = computeValue(obj, expr, null, options) as unknown[]
  if (string === null || string === undefined) return null
  if (typeof string !== 'string') exprError(`$indexOfCP requires a string as the first argument, found: ${typeof string}`)
  if (typeof substring !== 'string') exprError('$indexOfCP requires a string as the second argument')
  const chars = Array.from(string as string)
  const needle = Array.from(substring as string)
  const from = start === undefined ? 0 : indexArgument('$indexOfCP', 'starting index', start)
  const to = end === undefined ? chars.length : Math.min(indexArgument('$indexOfCP', 'ending index', end), chars.length)
  if (from > to) return -1
  for (let i = from; i + needle.length <= to; i++) {
    let found = true
    for (let k = 0; k < needle.length; k++) {
      if (chars[i + k] !== needle[k]) {
        found = false
        break
      }
    }
    if (found) return i
  }
  return -1
}

/**
 * MongoDB's `$substrBytes` (https://www.mongodb.com/docs/manual/reference/operator/aggregation/substrBytes/):
 * `[string, byteIndex, byteCount]` on the string's UTF-8 bytes. A null or missing string gives
 * ""; a start or an end inside a multi-byte character is an error; a range past the end stops at
 * the end; a start at or past the end gives "". A negative count takes the rest of the string
 * (MongoDB's ExpressionSubstrBytes casts the count to an unsigned size); a negative start is an
 * error. Numbers are converted to strings (MongoDB's coerceToString); other types are errors.
 */
function substrBytesOperator(obj: Doc, expr: unknown, options: Options): string {
  if (!Array.isArray(expr) || expr.length !== 3) exprError('$substrBytes needs 3 arguments')
  const [value, index, count] = computeValue(obj, expr, null, options) as unknown[]
  if (typeof index !== 'number' || !Number.isInteger(index)) exprError('$substrBytes: starting index must be an integral number')
  if (typeof count !== 'number' || !Number.isInteger(count)) exprError('$substrBytes: length must be an integral number')
  if ((index as number) < 0) exprError('$substrBytes: starting index must be non-negative')
  if (value === null || value === undefined) return ''
  if (typeof value !== 'string' && typeof value !== 'number') exprError(`$substrBytes: can't convert ${typeof value} to string`)
  const bytes = Buffer.from(String(value), 'utf8')
  const lower = index as number
  if (lower >= bytes.length) return ''
  const isContinuation = (byte: number) => (byte & 0xc0) === 0x80
  if (isContinuation(bytes[lower])) exprError('$substrBytes: Invalid range, starting index is a UTF-8 continuation byte.')
  const upper = (count as number) < 0 ? bytes.length : Math.min(bytes.length, lower + (count as number))
  if (upper < bytes.length && isContinuation(bytes[upper])) exprError('$substrBytes: Invalid range, ending index is in the middle of a UTF-8 character.')
  return bytes.subarray(lower, upper).toString('utf8')
}

/** Runs mingo, reporting its errors as database errors. */
export function mingoCall<T>(run: () => T): T {
  try {
    return run()
  } catch (error) {
    if (error instanceof DbError) throw error
    throw requestFailed(`[InvalidParameter] ${(error as Error).message}`)
  }
}

export function compileQuery(query: Doc): (doc: Doc) => boolean {
  const simple = simpleEquality(query)
  if (simple) return simple
  // Built even when the fast path decides everything: mingo validates the query (unknown
  // operators, bad arguments) whether or not any document is examined.
  const q = mingoCall(() => new Query(query, MINGO_OPTIONS))
  const slow = (doc: Doc) => mingoCall(() => q.test(doc))
  const fast = fastMatcher(query)
  if (!fast) return slow
  return (doc) => {
    const decided = fast(doc)
    return decided === undefined ? slow(doc) : decided
  }
}

/**
 * A three-valued matcher: true / false where the answer is certain, undefined where mingo must
 * decide (the fast path then defers that document to mingo).
 */
type Fast = (doc: Doc) => boolean | undefined

/** Marks a value the fast path does not judge (arrays, objects other than Dates, NaN…). */
export const DEFER = Symbol('defer')

/**
 * A fast matcher for the common shapes of queries — scalar equality, `$eq`/`$ne`, `$in`/`$nin`
 * on scalars, `$gt`/`$gte`/`$lt`/`$lte` on numbers, strings and Dates, `$exists`, `$and`/`$or` —
 * or undefined when the query has any other shape. It decides only documents whose values on
 * the queried paths are missing, null, booleans, numbers, strings or Dates, reached through plain
 * objects (no arrays on the way or at the end, except at the end of `$exists`); every other
 * document goes to mingo. On the documents it decides, it answers what mingo answers:
 * comparisons only between values of the same type, `null` equal to missing, `$ne`/`$nin` the
 * negations of `$eq`/`$in`.
 */
export function fastMatcher(query: Doc): Fast | undefined {
  if (query === null || typeof query !== 'object' || Array.isArray(query)) return undefined
  const parts: Fast[] = []
  for (const [field, condition] of Object.entries(query)) {
    if (field === '$and' || field === '$or') {
      if (!Array.isArray(condition) || condition.length === 0) return undefined
      const subs: Fast[] = []
      for (const sub of condition) {
        const fast = fastMatcher(sub)
        if (!fast) return undefined
        subs.push(fast)
      }
      parts.push(field === '$and' ? all(subs) : any(subs))
      continue
    }
    if (field.startsWith('$')) return undefined
    const path = field.split('.')
    if (path.some((part) => part === '' || /^\d+$/.test(part))) return undefined
    const fast = fieldMatcher(path, condition)
    if (!fast) return undefined
    parts.push(fast)
  }
  return all(parts)
}

function all(parts: Fast[]): Fast {
  if (parts.length === 1) return parts[0]
  return (doc) => {
    let unsure = false
    for (const part of parts) {
      const r = part(doc)
      if (r === false) return false
      if (r === undefined) unsure = true
    }
    return unsure ? undefined : true
  }
}

function any(parts: Fast[]): Fast {
  if (parts.length === 1) return parts[0]
  return (doc) => {
    let unsure = false
    for (const part of parts) {
      const r = part(doc)
      if (r === true) return true
      if (r === undefined) unsure = true
    }
    return unsure ? undefined : false
  }
}

/** A scalar the fast path compares: string, finite-or-infinite number (not NaN), boolean, valid Date. */
function fastScalar(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true
    case 'number':
      return !Number.isNaN(value)
    case 'object':
      return value instanceof Date && !Number.isNaN(value.getTime())
    default:
      return false
  }
}

/**
 * The value at a path through plain objects: undefined when missing, DEFER when an array or a
 * non-plain object is on the way, or the final value is one the fast path does not judge
 * (unless `anyEnd`, for `$exists`).
 */
export function valueAt(doc: Doc, path: string[], anyEnd = false): unknown {
  let value: unknown = doc
  for (let i = 0; i < path.length; i++) {
    if (value === null || value === undefined) return undefined
    if (typeof value !== 'object') return undefined
    if (Array.isArray(value) || value instanceof Date || !isPlain(value)) return DEFER
    value = (value as Doc)[path[i]]
  }
  if (anyEnd || value === null || value === undefined || fastScalar(value)) return value
  return DEFER
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** Equality as mingo's $eq on a non-array value: same scalar, or both null/missing. */
function sameValue(value: unknown, operand: unknown): boolean {
  if (operand === null) return value === null || value === undefined
  if (value === null || value === undefined) return false
  return scalarKey(value) === scalarKey(operand)
}

function typeClass(value: unknown): string {
  return value instanceof Date ? 'date' : typeof value
}

function fieldMatcher(path: string[], condition: unknown): Fast | undefined {
  // Plain equality: a scalar or null (objects, arrays and RegExps go to mingo).
  if (condition === null || (fastScalar(condition) && !(condition instanceof RegExp))) {
    return (doc) => {
      const value = valueAt(doc, path)
      return value === DEFER ? undefined : sameValue(value, condition)
    }
  }
  if (typeof condition !== 'object' || Array.isArray(condition) || condition instanceof RegExp || condition instanceof Date) return undefined
  const ops = Object.entries(condition as Doc)
  if (ops.length === 0) return undefined
  const tests: Fast[] = []
  for (const [op, operand] of ops) {
    switch (op) {
      case '$eq':
      case '$ne': {
        if (operand !== null && !fastScalar(operand)) return undefined
        const negate = op === '$ne'
        tests.push((doc) => {
          const value = valueAt(doc, path)
          return value === DEFER ? undefined : sameValue(value, operand) !== negate
        })
        break
      }
      case '$in':
      case '$nin': {
        if (!Array.isArray(operand) || !operand.every((v) => v === null || fastScalar(v))) return undefined
        const withNull = operand.some((v) => v === null)
        const keys = new Set(operand.filter((v) => v !== null).map((v) => scalarKey(v) as string))
        const negate = op === '$nin'
        tests.push((doc) => {
          const value = valueAt(doc, path)
          if (value === DEFER) return undefined
          const found = value === null || value === undefined ? withNull : keys.has(scalarKey(value) as string)
          return found !== negate
        })
        break
      }
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte': {
        if (!fastScalar(operand) || typeof operand === 'boolean') return undefined
        const type = typeClass(operand)
        const bound = operand instanceof Date ? operand.getTime() : (operand as number | string)
        const cmp = COMPARATORS[op]
        tests.push((doc) => {
          const value = valueAt(doc, path)
          if (value === DEFER) return undefined
          if (value === null || value === undefined || typeClass(value) !== type) return false
          return cmp(value instanceof Date ? value.getTime() : (value as number | string), bound)
        })
        break
      }
      case '$exists': {
        const wanted = !!operand
        tests.push((doc) => {
          const value = valueAt(doc, path, true)
          return value === DEFER ? undefined : (value !== undefined) === wanted
        })
        break
      }
      default:
        return undefined
    }
  }
  return all(tests)
}

const COMPARATORS: Record<string, (a: number | string, b: number | string) => boolean> = {
  $gt: (a, b) => a > b,
  $gte: (a, b) => a >= b,
  $lt: (a, b) => a < b,
  $lte: (a, b) => a <= b
}

/**
 * A matcher for the most common query shape, `{ field: scalar, 'a.b': scalar, ... }` (strings,
 * numbers, booleans, Dates), without mingo's per-query setup. MongoDB semantics: the value at the
 * path equals the scalar, or is an array containing it. Anything else (operators, null, RegExp,
 * objects, numeric path segments) returns undefined and goes to mingo.
 */
function simpleEquality(query: Doc): ((doc: Doc) => boolean) | undefined {
  const tests: Array<{ path: string[]; key: string }> = []
  for (const [field, value] of Object.entries(query)) {
    if (field.startsWith('$') || value === null || value === undefined) return undefined
    const key = scalarKey(value)
    if (key === undefined) return undefined
    const path = field.split('.')
    if (path.some((part) => part === '' || /^\d+$/.test(part))) return undefined
    tests.push({ path, key })
  }
  return (doc) => tests.every(({ path, key }) => pathValues(doc, path).some((value) => scalarKey(value) === key))
}

export function isScalar(value: unknown): boolean {
  return value !== undefined && scalarKey(value) !== undefined
}

const IMMUTABLE_ID = "[FailedOperation] Performing an update on the path '_id' would modify the immutable field '_id'"

/** The document after an update: operators (`$inc`, `$set`…) or, without any, fields to `$set`. */
export function applyUpdate(doc: Doc, input: Doc): Doc {
  const next = cloneDoc(doc)
  // Copied so that no value of the caller's update object ends up shared with a stored document.
  const update = cloneDoc(input)
  const ops = Object.keys(update)
  const expression = ops.length > 0 && ops.every((op) => !op.startsWith('$')) ? { $set: update } : update
  for (const [op, args] of Object.entries(expression)) {
    if (!op.startsWith('$')) throw invalidParam(`[InvalidParameter] cannot mix update operators and fields (${op})`)
    if (args === null || typeof args !== 'object') throw invalidParam(`[InvalidParameter] ${op} needs an object`)
    if (op !== '$unset' && Object.prototype.hasOwnProperty.call(args, '_id')) throw requestFailed(IMMUTABLE_ID)
    mingoCall(() => mingoUpdate(next, { [op]: op === '$addToSet' ? addToSetArgs(args) : args } as never))
  }
  if (next._id !== doc._id) throw requestFailed(IMMUTABLE_ID)
  return next
}

/**
 * `_.addToSet({ each: [...] })` reaches the server as `{ each: [...] }` (the SDK does not rename
 * it, unlike push's options); the cloud treats it as MongoDB's `$each`.
 */
function addToSetArgs(args: Doc): Doc {
  const out: Doc = {}
  for (const [field, value] of Object.entries(args)) {
    const isEach = value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 && Array.isArray(value.each)
    out[field] = isEach ? { $each: value.each } : value
  }
  return out
}

/** `set()` semantics: the new content, keeping the existing `_id`. */
export function replacement(doc: Doc, data: Doc): Doc {
  const next: Doc = {}
  if (doc._id !== undefined) next._id = doc._id
  for (const [key, value] of Object.entries(data)) {
    if (key === '_id') continue
    if (key.startsWith('$')) throw invalidParam(`[InvalidParameter] a replacement document cannot contain operators (${key})`)
    next[key] = cloneDoc(value)
  }
  return next
}

/** The fields an upsert starts from: the query's top-level equalities. */
export function upsertSeed(query: Doc): Doc {
  const seed: Doc = {}
  for (const [field, condition] of Object.entries(query)) {
    if (field.startsWith('$')) continue
    let value: unknown
    if (isScalar(condition)) value = condition
    else if (condition && typeof condition === 'object' && '$eq' in condition && isScalar(condition.$eq)) value = condition.$eq
    else continue
    const parts = field.split('.')
    let target = seed
    for (const part of parts.slice(0, -1)) {
      if (target[part] === null || typeof target[part] !== 'object') target[part] = {}
      target = target[part]
    }
    target[parts[parts.length - 1]] = value
  }
  return seed
}
