/**
 * The emulator's document store: collections held in memory (a Map by `_id` plus hash indexes on
 * the fields declared in server/db/collections.ts), written through to SQLite before any write is
 * acknowledged. Query, update-operator and aggregation semantics come from mingo (MongoDB's
 * language, which the cloud database speaks); a small planner uses `_id` or a declared index when
 * the query pins every field of it by equality or `$in`, and scans otherwise.
 *
 * Everything here is synchronous: one store call runs to completion before another starts, so
 * each call is atomic with respect to every other (a guarded `_.inc` cannot race).
 */
import { Aggregator, ProcessingMode, Query } from 'mingo'
import { collections as declaredCollections, type CollectionDef } from '../../server/db/collections'
import { duplicateKeyError, invalidParam, requestFailed } from './errors'
import { HashIndex } from './indexes'
import { openSqlite, type Persistence, type SyncMode } from './persistence'
import { applyUpdate, compileQuery, isScalar, MINGO_OPTIONS, mingoCall, replacement, upsertSeed } from './semantics'
import { TransactionManager } from './transactions'
import { cloneDoc, idKey, newDocId, parseEJSON, scalarKey, toEJSON, type Doc, type DocId } from './values'

export type { Doc, DocId } from './values'

export interface StoreOptions {
  /** SQLite file. Omit (or pass ':memory:') for a store without persistence. */
  file?: string
  /** The backend's clock (for `db.serverDate()` and generated ids). Default Date.now. */
  now?: () => number
  /** Collections and their indexes. Default: server/db/collections.ts. */
  collections?: Record<string, CollectionDef>
  /** SQLite `synchronous` mode. Default NORMAL (durable against a killed process). */
  sync?: SyncMode
  /** An open transaction not committed within this time is rolled back. Default 10 s (as on the cloud). */
  transactionTimeoutMs?: number
}

export interface FindOptions {
  sort?: Record<string, 1 | -1>
  skip?: number
  limit?: number
  projection?: Record<string, unknown>
}

export interface ModifyOptions {
  /** All matches (true) or the first one only. */
  multi: boolean
  /** true: `data` is an update (operators, or fields to $set); false: `data` replaces the document. */
  merge: boolean
  /** Insert when nothing matches. */
  upsert: boolean
}

export interface ModifyResult {
  /** Documents actually changed (MongoDB's modifiedCount: a no-op update counts 0). */
  updated: number
  /** Matched documents. */
  matched: number
  upsertedId?: DocId
}

/** @internal One stored document. */
export interface Entry {
  id: DocId
  key: string
  doc: Doc
  /** Relaxed EJSON of `doc`: what SQLite holds and what a read returns. */
  json: string
  /** Insertion sequence: the natural order of unsorted queries. */
  seq: number
  /** Keys per index (same order as CollectionState.indexes). */
  indexKeys: string[][]
}

/** @internal */
export interface CollectionState {
  name: string
  docs: Map<string, Entry>
  /** Last write sequence per id key; kept after a delete so transactions see it. */
  versions: Map<string, number>
  indexes: HashIndex[]
}

/** @internal A write to apply: the final document for one id (null deletes it). */
export interface Change {
  state: CollectionState
  key: string
  id: DocId
  after: Doc | null
  /** An insert: fails with a duplicate-key error if the id exists. */
  insert?: boolean
  /** Relaxed EJSON of `after`, when the caller already has it. */
  json?: string
}

const MAX_PLAN_KEYS = 1000

interface Plan {
  kind: 'all' | 'id' | 'index' | 'scan'
  index?: string
  entries: Iterable<Entry>
  /** Every candidate matches (no filtering needed). */
  exact: boolean
}

export class Store {
  readonly now: () => number
  readonly transactions: TransactionManager
  private readonly persistence: Persistence | undefined
  private readonly defs: Record<string, CollectionDef>
  private readonly states = new Map<string, CollectionState>()
  private readonly jsonOf = new WeakMap<Doc, string>()
  private seq = 0
  private writeSeq = 0
  private closed = false

  constructor(options: StoreOptions = {}) {
    this.now = options.now ?? Date.now
    this.defs = options.collections ?? declaredCollections
    for (const name of Object.keys(this.defs)) this.state(name)
    if (options.file && options.file !== ':memory:') {
      this.persistence = openSqlite(options.file, options.sync)
      this.load(this.persistence)
    }
    this.transactions = new TransactionManager(this, options.transactionTimeoutMs ?? 10_000)
  }

  // ---------------------------------------------------------------- programmatic API

  /**
   * Inserts documents (an `_id` is generated where missing) in one durable batch: all or none
   * (a duplicate `_id` or unique key rejects the whole batch). Give `_id`s to know them, or use
   * insertOne, which returns the id.
   */
  insertMany(coll: string, docs: readonly Doc[]): void {
    this.insertBatch(coll, docs)
  }

  insertOne(coll: string, doc: Doc): DocId {
    return this.insertBatch(coll, [doc])[0]
  }

  /** @internal insertMany, returning the ids. */
  insertBatch(coll: string, docs: readonly Doc[]): DocId[] {
    const state = this.state(coll)
    const changes: Change[] = []
    const ids: DocId[] = []
    for (const input of docs) {
      const doc = withId(cloneDoc(input), this.now)
      checkId(doc._id)
      ids.push(doc._id)
      changes.push({ state, key: idKey(doc._id), id: doc._id, after: doc, insert: true })
    }
    this.commit(changes)
    return ids
  }

  /** The document with this `_id` (a copy), or null. */
  get<T extends Doc = Doc>(coll: string, id: DocId): T | null {
    const entry = this.states.get(coll)?.docs.get(idKey(id))
    return entry ? (cloneDoc(entry.doc) as T) : null
  }

  /** Matching documents (copies), in natural order unless sorted. No default limit. */
  find<T extends Doc = Doc>(coll: string, query: Doc = {}, options: FindOptions = {}): T[] {
    return this.select(coll, query, options).map((doc) => cloneDoc(doc) as T)
  }

  findOne<T extends Doc = Doc>(coll: string, query: Doc = {}, options: Omit<FindOptions, 'limit'> = {}): T | null {
    return this.find<T>(coll, query, { ...options, limit: 1 })[0] ?? null
  }

  count(coll: string, query: Doc = {}): number {
    const state = this.states.get(coll)
    return state ? this.filter(state, query).length : 0
  }

  /** Applies an update (operators like `$inc`, or plain fields to `$set`) to every match. */
  updateMany(coll: string, query: Doc, update: Doc): number {
    return this.modify(coll, query, update, { multi: true, merge: true, upsert: false }).updated
  }

  updateOne(coll: string, query: Doc, update: Doc): number {
    return this.modify(coll, query, update, { multi: false, merge: true, upsert: false }).updated
  }

  /** Replaces the document with this `_id` (like `doc(id).set()`); inserts it with `upsert`. */
  replaceOne(coll: string, id: DocId, doc: Doc, options: { upsert?: boolean } = {}): ModifyResult {
    return this.modify(coll, { _id: id }, doc, { multi: false, merge: false, upsert: options.upsert ?? true })
  }

  deleteMany(coll: string, query: Doc): number {
    return this.remove(coll, query, true)
  }

  deleteOne(coll: string, query: Doc): number {
    return this.remove(coll, query, false)
  }

  /** Runs an aggregation pipeline (no default limit here; the SDK path applies the cloud's). */
  aggregate<T extends Doc = Doc>(coll: string, pipeline: readonly Doc[]): T[] {
    return this.runPipeline(coll, pipeline).map((doc) => cloneDoc(doc) as T)
  }

  /** Collections that are declared or hold documents. */
  collectionNames(): string[] {
    return [...this.states.keys()]
  }

  /** Removes every document of one collection (or of all collections), durably. */
  clear(coll?: string): void {
    const targets = coll === undefined ? [...this.states.values()] : [this.states.get(coll)].filter(isDefined)
    this.persistence?.clear(coll)
    for (const state of targets) {
      for (const key of state.docs.keys()) state.versions.set(key, ++this.writeSeq)
      state.docs.clear()
      for (const index of state.indexes) index.clear()
    }
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.transactions.close()
    this.persistence?.close()
  }

  // ---------------------------------------------------------------- operations used by the SDK path

  /** Matching documents by reference (never mutate them); projected ones are new objects. */
  select(coll: string, query: Doc, options: FindOptions = {}): Doc[] {
    const state = this.states.get(coll)
    if (!state) return []
    const skip = Math.max(0, options.skip ?? 0)
    const limit = options.limit === undefined ? Infinity : Math.max(0, options.limit)
    const sort = options.sort && Object.keys(options.sort).length > 0 ? options.sort : undefined
    const projection = options.projection && Object.keys(options.projection).length > 0 ? options.projection : undefined
    if (limit === 0) return []
    if (!sort) {
      const docs = this.filter(state, query, skip + limit).slice(skip).map((entry) => entry.doc)
      return projection ? this.project(docs, projection) : docs
    }
    const docs = this.filter(state, query).map((entry) => entry.doc)
    let cursor = mingoCall(() => new Query({}, MINGO_OPTIONS).find<Doc>(docs, projection ?? {}).sort(sort))
    if (skip) cursor = cursor.skip(skip)
    if (limit !== Infinity) cursor = cursor.limit(limit)
    const result = mingoCall(() => cursor.all())
    return projection ? result.map(idFirst) : result
  }

  /**
   * How a query would be answered: by `_id`, by a declared index (which one), or by scanning the
   * collection (on the cloud, a query on a large collection needs an index: declare one in
   * server/db/collections.ts). `candidates` is the number of documents the plan examines.
   */
  explain(coll: string, query: Doc = {}): { plan: 'all' | 'id' | 'index' | 'scan'; index?: string; candidates: number } {
    const state = this.states.get(coll)
    if (!state) return { plan: Object.keys(query).length ? 'scan' : 'all', candidates: 0 }
    const plan = this.plan(state, query)
    const candidates = plan.kind === 'all' || plan.kind === 'scan' ? state.docs.size : (plan.entries as Entry[]).length
    return { plan: plan.kind, index: plan.index, candidates }
  }

  /** Relaxed EJSON of a document returned by `select` (cached for stored documents). */
  jsonFor(doc: Doc): string {
    return this.jsonOf.get(doc) ?? toEJSON(doc)
  }

  /** Updates or replaces matching documents; see ModifyOptions. */
  modify(coll: string, query: Doc, data: Doc, options: ModifyOptions): ModifyResult {
    const state = this.state(coll)
    const targets = this.filter(state, query, options.multi ? Infinity : 1)
    const changes: Change[] = []
    let updated = 0
    for (const entry of targets) {
      const next = options.merge ? applyUpdate(entry.doc, data) : replacement(entry.doc, data)
      const json = toEJSON(next)
      if (json === entry.json) continue
      changes.push({ state, key: entry.key, id: entry.id, after: next, json })
      updated++
    }
    let upsertedId: DocId | undefined
    if (targets.length === 0 && options.upsert) {
      const doc = withId(options.merge ? applyUpdate(upsertSeed(query), data) : { ...upsertSeed(query), ...replacement({}, data) }, this.now)
      checkId(doc._id)
      upsertedId = doc._id
      changes.push({ state, key: idKey(doc._id), id: doc._id, after: doc, insert: true })
    }
    this.commit(changes)
    return { updated, matched: targets.length, upsertedId }
  }

  /** Deletes every match (multi) or the first one; returns the number deleted. */
  remove(coll: string, query: Doc, multi: boolean): number {
    const state = this.states.get(coll)
    if (!state) return 0
    const targets = this.filter(state, query, multi ? Infinity : 1)
    this.commit(targets.map((entry) => ({ state, key: entry.key, id: entry.id, after: null })))
    return targets.length
  }

  /** Runs a pipeline; the result may share objects with stored documents (never mutate it). */
  runPipeline(coll: string, pipeline: readonly Doc[]): Doc[] {
    for (const stage of pipeline) {
      const name = Object.keys(stage)[0]
      if (name === '$out' || name === '$merge') throw invalidParam(`aggregation stage ${name} is not supported`)
    }
    const state = this.states.get(coll)
    let stages = [...pipeline]
    let input: Doc[]
    const first = stages[0]
    if (first && Object.keys(first).length === 1 && first.$match && typeof first.$match === 'object') {
      input = state ? this.filter(state, first.$match).map((entry) => entry.doc) : []
      stages = stages.slice(1)
    } else {
      input = state ? [...state.docs.values()].map((entry) => entry.doc) : []
    }
    const aggregator = mingoCall(
      () =>
        new Aggregator(stages, {
          ...MINGO_OPTIONS,
          // Clone inputs: some stages ($addFields on nested paths, $unwind) would otherwise write
          // into stored documents.
          processingMode: ProcessingMode.CLONE_INPUT,
          collectionResolver: (name: string) => {
            const other = this.states.get(name)
            return other ? [...other.docs.values()].map((entry) => cloneDoc(entry.doc)) : []
          }
        })
    )
    return mingoCall(() => aggregator.run(input) as Doc[])
  }

  // ---------------------------------------------------------------- internals shared with transactions

  /** @internal The live entry for an id, if any, and the id's write version. */
  peek(coll: string, id: DocId): { state: CollectionState; key: string; entry: Entry | undefined; version: number } {
    const state = this.state(coll)
    const key = idKey(id)
    return { state, key, entry: state.docs.get(key), version: state.versions.get(key) ?? 0 }
  }

  /** @internal The current write version of an id. */
  versionOf(state: CollectionState, key: string): number {
    return state.versions.get(key) ?? 0
  }

  /**
   * @internal Validates (duplicate `_id`, unique indexes), persists in one SQLite transaction,
   * then applies a batch of changes. Nothing is applied if anything fails.
   */
  commit(changes: readonly Change[]): void {
    if (changes.length === 0) return
    if (this.closed) throw requestFailed('the emulator store is closed')
    const prepared = changes.map((change) => {
      const json = change.after ? (change.json ?? toEJSON(change.after)) : null
      const indexKeys = change.after ? change.state.indexes.map((index) => indexKeysOf(index, change.after as Doc)) : []
      return { change, json, indexKeys }
    })
    this.validate(prepared)
    this.persistence?.write(prepared.map(({ change, json }) => ({ coll: change.state.name, id: change.key, json })))
    for (const { change, json, indexKeys } of prepared) {
      const { state, key } = change
      const old = state.docs.get(key)
      if (old) old.indexKeys.forEach((keys, i) => state.indexes[i].remove(key, keys))
      if (change.after && json !== null) {
        const entry: Entry = { id: change.id, key, doc: change.after, json, seq: old?.seq ?? ++this.seq, indexKeys }
        state.docs.set(key, entry)
        this.jsonOf.set(change.after, json)
        indexKeys.forEach((keys, i) => state.indexes[i].add(key, keys))
      } else {
        state.docs.delete(key)
      }
      state.versions.set(key, ++this.writeSeq)
    }
  }

  /** @internal */
  state(coll: string): CollectionState {
    let state = this.states.get(coll)
    if (!state) {
      if (typeof coll !== 'string' || coll.length === 0) throw invalidParam('collection name is required')
      const indexes = (this.defs[coll]?.indexes ?? []).map((def) => new HashIndex(def))
      state = { name: coll, docs: new Map(), versions: new Map(), indexes }
      this.states.set(coll, state)
    }
    return state
  }

  // ---------------------------------------------------------------- private

  private load(persistence: Persistence): void {
    for (const row of persistence.loadAll()) {
      const doc = parseEJSON(row.doc) as Doc
      const state = this.state(row.coll)
      const indexKeys = state.indexes.map((index) => indexKeysOf(index, doc))
      const entry: Entry = { id: doc._id, key: row.id, doc, json: row.doc, seq: ++this.seq, indexKeys }
      state.docs.set(row.id, entry)
      this.jsonOf.set(doc, row.doc)
      indexKeys.forEach((keys, i) => state.indexes[i].add(row.id, keys))
    }
  }

  private validate(prepared: readonly { change: Change; indexKeys: string[][] }[]): void {
    const touched = new Map<CollectionState, Set<string>>()
    for (const { change } of prepared) {
      let keys = touched.get(change.state)
      if (!keys) touched.set(change.state, (keys = new Set()))
      if (keys.has(change.key) || (change.insert && change.state.docs.has(change.key))) {
        throw duplicateKeyError(change.state.name, '_id_', { _id: change.id })
      }
      keys.add(change.key)
    }
    // Unique indexes: a key may belong to one document of the final state only.
    const claimed = new Map<string, string>()
    for (const { change, indexKeys } of prepared) {
      if (!change.after) continue
      const changedKeys = touched.get(change.state) as Set<string>
      change.state.indexes.forEach((index, i) => {
        if (!index.unique) return
        for (const key of indexKeys[i]) {
          const claim = `${change.state.name}\u0000${i}\u0000${key}`
          const holder = claimed.get(claim)
          let conflict = holder !== undefined && holder !== change.key
          if (!conflict) {
            for (const other of index.lookup(key) ?? []) {
              if (other !== change.key && !changedKeys.has(other)) {
                conflict = true
                break
              }
            }
          }
          if (conflict) throw duplicateKeyError(change.state.name, index.name, uniqueKeyShown(index, change.after as Doc))
          claimed.set(claim, change.key)
        }
      })
    }
  }

  /** Entries matching a query, in natural order, stopping after `max`. */
  private filter(state: CollectionState, query: Doc, max = Infinity): Entry[] {
    const plan = this.plan(state, query)
    const out: Entry[] = []
    if (max <= 0) return out
    if (plan.exact) {
      for (const entry of plan.entries) {
        out.push(entry)
        if (out.length >= max) break
      }
      return out
    }
    const test = compileQuery(query)
    for (const entry of plan.entries) {
      if (!test(entry.doc)) continue
      out.push(entry)
      if (out.length >= max) break
    }
    return out
  }

  /** Candidate entries for a query: by `_id`, by a declared index, or every document. */
  private plan(state: CollectionState, query: Doc): Plan {
    const keys = Object.keys(query)
    if (keys.length === 0) return { kind: 'all', entries: state.docs.values(), exact: true }
    const equalities = collectEqualities(query)
    const ids = equalities.get('_id')
    if (ids) {
      const entries = bySeq(unique(ids.map((id) => state.docs.get(idKey(id))).filter(isDefined)))
      const exact = keys.length === 1 && keys[0] === '_id' && ids.length === 1 && scalarKey(query._id) !== undefined
      return { kind: 'id', entries, exact }
    }
    // Pick the covered index with the fewest candidates (estimated from bucket sizes), then
    // materialise only that one.
    let best: { index: HashIndex; keys: string[]; size: number } | undefined
    for (const index of state.indexes) {
      if (!index.fields.every((field) => equalities.has(field))) continue
      const combos = combinations(index.fields.map((field) => equalities.get(field) as unknown[]))
      if (combos === undefined) continue
      const keys = combos.map((combo) => index.keyFor(combo)).filter(isDefined)
      const size = keys.reduce((sum, key) => sum + (index.lookup(key)?.size ?? 0), 0)
      if (!best || size < best.size) best = { index, keys, size }
      if (size === 0) break
    }
    if (best) {
      const found = new Set<string>()
      for (const key of best.keys) for (const id of best.index.lookup(key) ?? []) found.add(id)
      const entries = [...found].map((key) => state.docs.get(key)).filter(isDefined)
      return { kind: 'index', index: best.index.name, entries: bySeq(entries), exact: false }
    }
    return { kind: 'scan', entries: state.docs.values(), exact: false }
  }

  /** Applies a find() projection (new objects that may share nested values with the inputs). */
  project(docs: Doc[], projection: Record<string, unknown>): Doc[] {
    return mingoCall(() => new Query({}, MINGO_OPTIONS).find<Doc>(docs, projection).all()).map(idFirst)
  }
}

// ------------------------------------------------------------------ helpers

/** A document with an `_id` (generated like the cloud's when missing), `_id` first. */
function withId(doc: Doc, now: () => number): Doc {
  if (doc._id !== undefined && doc._id !== null) return doc
  const { _id, ...rest } = doc
  return { _id: newDocId(now()), ...rest }
}

/** MongoDB returns `_id` first in projected documents; mingo appends it. */
function idFirst(doc: Doc): Doc {
  if (!('_id' in doc) || Object.keys(doc)[0] === '_id') return doc
  const { _id, ...rest } = doc
  return { _id, ...rest }
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined
}

function unique<T>(values: T[]): T[] {
  return values.length < 2 ? values : [...new Set(values)]
}

function bySeq(entries: Entry[]): Entry[] {
  return entries.length < 2 ? entries : entries.sort((a, b) => a.seq - b.seq)
}

function checkId(id: unknown): asserts id is DocId {
  if (typeof id === 'string' || typeof id === 'number') return
  throw invalidParam('_id must be a string or a number')
}

function indexKeysOf(index: HashIndex, doc: Doc): string[] {
  try {
    return index.keysOf(doc)
  } catch (error) {
    throw requestFailed((error as Error).message)
  }
}

function uniqueKeyShown(index: HashIndex, doc: Doc): Record<string, unknown> {
  const shown: Record<string, unknown> = {}
  for (const field of index.fields) {
    let value: any = doc
    for (const part of field.split('.')) value = value === null || value === undefined ? undefined : value[part]
    shown[field] = value
  }
  return shown
}


/** Top-level equality / `$in` constraints (also inside a top-level `$and`), by field path. */
function collectEqualities(query: Doc, out = new Map<string, unknown[]>()): Map<string, unknown[]> {
  for (const [field, condition] of Object.entries(query)) {
    if (field === '$and' && Array.isArray(condition)) {
      for (const part of condition) if (part && typeof part === 'object') collectEqualities(part, out)
      continue
    }
    if (field.startsWith('$') || out.has(field)) continue
    if (isScalar(condition)) {
      out.set(field, [condition])
    } else if (condition && typeof condition === 'object' && !Array.isArray(condition) && !(condition instanceof RegExp)) {
      if ('$eq' in condition && isScalar(condition.$eq)) out.set(field, [condition.$eq])
      else if (Array.isArray(condition.$in) && condition.$in.every(isScalar)) out.set(field, condition.$in)
    }
  }
  return out
}

/** The cartesian product of per-field values, or undefined when it is too large to be worth it. */
function combinations(lists: unknown[][]): unknown[][] | undefined {
  let size = 1
  for (const list of lists) size *= list.length
  if (size > MAX_PLAN_KEYS) return undefined
  let combos: unknown[][] = [[]]
  for (const list of lists) combos = combos.flatMap((prefix) => list.map((value) => [...prefix, value]))
  return combos
}


