/**
 * MongoDB semantics through mingo: query matching, update operators, replacement and upsert
 * seeds. mingo errors (unknown operator, bad argument) surface as database errors.
 */
import 'mingo/init/system'
import { Query, update as mingoUpdate } from 'mingo'
import { DbError, invalidParam, requestFailed } from './errors'
import { cloneDoc, pathValues, scalarKey, type Doc } from './values'

/** `$where` / `$function` stay off: the cloud does not run scripts either. */
export const MINGO_OPTIONS = { scriptEnabled: false } as const

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
