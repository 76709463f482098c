/**
 * Secondary hash indexes on declared equality fields. A document is filed under every
 * combination of the scalar values its indexed paths reach (arrays fan out, as in a MongoDB
 * multikey index; a missing field is filed as null). Lookups return candidate ids only: the
 * store always re-checks candidates against the full query, so an index must only never miss
 * a match.
 */
import { indexName, type IndexDef } from '../../server/db/collections'
import { pathValues, scalarKey, type Doc } from './values'

const SEPARATOR = '\u0000'
/** Cap on the keys one document contributes to one compound index (arrays multiply). */
const MAX_KEYS_PER_DOC = 1024

export class HashIndex {
  readonly fields: string[]
  readonly unique: boolean
  readonly name: string
  private readonly paths: string[][]
  /** Ids per key: a single id as itself (most keys of selective indexes hold one), more as a Set. */
  private readonly buckets = new Map<string, string | Set<string>>()

  constructor(def: IndexDef) {
    if (def.fields.length === 0) throw new Error('an index needs at least one field')
    this.fields = [...def.fields]
    this.unique = def.unique === true
    this.name = indexName(def)
    this.paths = this.fields.map((field) => field.split('.'))
  }

  /** Every key the document is filed under. */
  keysOf(doc: Doc): string[] {
    let keys: string[] = ['']
    for (let i = 0; i < this.paths.length; i++) {
      const parts = new Set<string>()
      for (const value of pathValues(doc, this.paths[i])) {
        const key = scalarKey(value)
        if (key !== undefined) parts.add(key)
      }
      if (parts.size === 0) return []
      const next: string[] = []
      for (const prefix of keys) {
        for (const part of parts) {
          next.push(i === 0 ? part : prefix + SEPARATOR + part)
          if (next.length > MAX_KEYS_PER_DOC) throw new Error(`too many index keys for ${this.name}`)
        }
      }
      keys = next
    }
    return keys
  }

  /** Keys for one combination of field values (one value per field, in index order). */
  keyFor(values: unknown[]): string | undefined {
    const parts: string[] = []
    for (const value of values) {
      const key = scalarKey(value)
      if (key === undefined) return undefined
      parts.push(key)
    }
    return parts.join(SEPARATOR)
  }

  add(id: string, keys: readonly string[]): void {
    for (const key of keys) {
      const bucket = this.buckets.get(key)
      if (bucket === undefined) this.buckets.set(key, id)
      else if (typeof bucket === 'string') {
        if (bucket !== id) this.buckets.set(key, new Set([bucket, id]))
      } else bucket.add(id)
    }
  }

  remove(id: string, keys: readonly string[]): void {
    for (const key of keys) {
      const bucket = this.buckets.get(key)
      if (bucket === undefined) continue
      if (typeof bucket === 'string') {
        if (bucket === id) this.buckets.delete(key)
        continue
      }
      bucket.delete(id)
      if (bucket.size === 1) this.buckets.set(key, bucket.values().next().value as string)
      else if (bucket.size === 0) this.buckets.delete(key)
    }
  }

  /** Ids filed under a key (empty when none). */
  ids(key: string): Iterable<string> {
    const bucket = this.buckets.get(key)
    if (bucket === undefined) return []
    return typeof bucket === 'string' ? [bucket] : bucket
  }

  /** Number of ids filed under a key. */
  size(key: string): number {
    const bucket = this.buckets.get(key)
    if (bucket === undefined) return 0
    return typeof bucket === 'string' ? 1 : bucket.size
  }

  /** Ids filed under a key, or undefined when none. */
  lookup(key: string): Iterable<string> | undefined {
    return this.buckets.has(key) ? this.ids(key) : undefined
  }

  clear(): void {
    this.buckets.clear()
  }
}
