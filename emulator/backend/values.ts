/**
 * Value helpers shared by the store: EJSON in and out (the wire format of the cloud database),
 * cloud-only markers (`$tcb_server_date`), regular expressions, deep clones and index keys.
 */
import { BSONRegExp, EJSON, ObjectId } from 'bson'
import { randomBytes } from 'node:crypto'

export type Doc = Record<string, any>
/**
 * A document id: a string (what the cloud generates), a number, or at run time also a BSON
 * ObjectId (documents imported with ObjectId ids; see `isObjectId`). The static type stays
 * string | number: the SDK's `doc(id)` accepts only those.
 */
export type DocId = string | number

/**
 * A BSON ObjectId: what `{"$oid": "<24 hex>"}` parses to (the SDK's `db.ObjectId({ id })`
 * serialises to that). Recognised by its BSON type tag, so an ObjectId of another copy of the
 * bson package counts too.
 */
export function isObjectId(value: unknown): value is ObjectId {
  return value instanceof ObjectId || (value !== null && typeof value === 'object' && (value as { _bsontype?: unknown })._bsontype === 'ObjectId')
}

/** Parses an EJSON string the way the cloud server does (relaxed: numbers stay JS numbers). */
export function parseEJSON(text: string): any {
  return EJSON.parse(text, { relaxed: true })
}

/** Serialises a value as relaxed EJSON (Dates stay typed as `{"$date": …}`). */
export function toEJSON(value: unknown): string {
  return EJSON.stringify(value as Doc, { relaxed: true })
}

function isPlainObject(value: unknown): value is Doc {
  if (value === null || typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * Replaces the cloud's wire-only markers with real values, in place where possible:
 * `{"$tcb_server_date": {"offset": n}}` becomes `new Date(now + n)`, and BSON regular
 * expressions become JS RegExps (what mingo understands).
 */
export function resolveMarkers(value: any, now: () => number): any {
  if (value === null || typeof value !== 'object') return value
  if (value instanceof BSONRegExp) return toRegExp(value.pattern, value.options)
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = resolveMarkers(value[i], now)
    return value
  }
  if (!isPlainObject(value)) return value
  const marker = value.$tcb_server_date
  if (marker !== undefined && Object.keys(value).length === 1) {
    const offset = marker && typeof marker.offset === 'number' ? marker.offset : 0
    return new Date(now() + offset)
  }
  const rx = value.$regularExpression
  if (rx && typeof rx === 'object' && Object.keys(value).length === 1 && typeof rx.pattern === 'string') {
    return toRegExp(rx.pattern, rx.options ?? '')
  }
  for (const key of Object.keys(value)) value[key] = resolveMarkers(value[key], now)
  return value
}

function toRegExp(pattern: string, options: string): RegExp {
  // JS supports i, m, s, u; MongoDB's x (extended) and l (locale) have no JS equivalent.
  const flags = Array.from(new Set(options.split('').filter((f) => 'imsu'.includes(f)))).join('')
  return new RegExp(pattern, flags)
}

/** Deep copy of a document: plain objects, arrays and Dates are copied, other values shared. */
export function cloneDoc<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value
  if (value instanceof Date) return new Date(value.getTime()) as unknown as T
  if (Array.isArray(value)) return value.map(cloneDoc) as unknown as T
  if (!isPlainObject(value)) return value
  const out: Doc = {}
  for (const key of Object.keys(value as Doc)) out[key] = cloneDoc((value as Doc)[key])
  return out as T
}

/**
 * Map key for a document id: strings as themselves, anything else tagged so 1 and '1' differ
 * (an ObjectId by its EJSON, `{"v":{"$oid":"…"}}`, so that it never equals a string id).
 */
export function idKey(id: unknown): string {
  return typeof id === 'string' ? id : '\u0001' + toEJSON({ v: id })
}

/**
 * Hash-index key of a scalar value, or undefined when the value cannot be indexed (objects,
 * arrays as a whole, RegExps). Missing and null share one key, as `{f: null}` matches both.
 */
export function scalarKey(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return 's' + value
    case 'number':
      return 'n' + (Object.is(value, -0) ? 0 : value)
    case 'boolean':
      return value ? 'bt' : 'bf'
    case 'undefined':
      return 'z'
    case 'object':
      if (value === null) return 'z'
      if (value instanceof Date) return 'd' + value.getTime()
      // Equal ObjectIds are equal values in MongoDB (and never equal to their hex string).
      if (isObjectId(value)) return 'o' + value.toHexString()
      return undefined
    default:
      return undefined
  }
}

/**
 * Values a dotted path reaches in a document, with MongoDB's array traversal: arrays on the way
 * fan out over their elements, and an array at the end contributes each element. A path that
 * reaches nothing yields `undefined` once (indexed like null).
 */
export function pathValues(doc: unknown, path: string[], from = 0, out: unknown[] = []): unknown[] {
  if (from === path.length) {
    if (Array.isArray(doc)) {
      for (const element of doc) out.push(element)
    } else {
      out.push(doc)
    }
    return out
  }
  if (Array.isArray(doc)) {
    // MongoDB expands one level of arrays on the way down (not arrays nested in arrays).
    if (doc.length === 0) out.push(undefined)
    for (const element of doc) pathValues(Array.isArray(element) ? undefined : element, path, from, out)
    return out
  }
  if (doc === null || typeof doc !== 'object') {
    out.push(undefined)
    return out
  }
  return pathValues((doc as Doc)[path[from]], path, from + 1, out)
}

let counter = randomBytes(3).readUIntBE(0, 3)
const processTag = randomBytes(4).toString('hex')

/** A new document id shaped like the cloud's: 32 lowercase hex characters. */
export function newDocId(nowMs: number = Date.now()): string {
  counter = (counter + 1) % 0xffffff
  const seconds = Math.floor(nowMs / 1000).toString(16).padStart(8, '0').slice(-8)
  return processTag + seconds + counter.toString(16).padStart(6, '0') + randomBytes(5).toString('hex')
}
