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
  const q = mingoCall(() => new Query(query, MINGO_OPTIONS))
  return (doc) => mingoCall(() => q.test(doc))
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
