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
import { foldGroup } from './grouping'
import { HashIndex } from './indexes'
import { openSqlite, type Persistence, type SyncMode } from './persistence'
import { applyUpdate, compileQuery, DEFER, isCountName, isScalar, MINGO_OPTIONS, mingoCall, replacement, upsertSeed, valueAt } from './semantics'
import type { AppliedChange, Change, CollectionState, Entry, ModifyResult, TransactionalStore, WriteGuard } from './types'
import { cloneDoc, idKey, newDocId, parseEJSON, scalarKey, toEJSON, type Doc, type DocId } from './values'

export type { Doc, DocId } from './values'
export type { Change, CollectionState, Entry, ModifyResult } from './types'

export interface StoreOptions {
  /** SQLite file. Omit (or pass ':memory:') for a store without persistence. */
  file?: string
  /** The backend's clock (for `db.serverDate()` and generated ids). Default Date.now. */
  now?: () => number
  /** Collections and their indexes. Default: server/db/collections.ts. */
  collections?: Record<string, CollectionDef>
  /** SQLite `synchronous` mode. Default NORMAL (durable against a killed process). */
  sync?: SyncMode
  /**
   * An open transaction not committed within this time is rolled back. Default 30 s: the cloud's
   * "transaction must be commit or abort in 30 seconds" (@cloudbase/node-sdk's transaction tests).
   */
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
  /**
   * Wait for open transactions that hold a write lock on a target (the SDK path does, as writes
   * outside a transaction do on the cloud): the call throws `WriteBlocked` instead of writing.
   */
  respectLocks?: boolean
}

/** Thrown instead of writing when a target is locked by an open transaction: wait, then retry. */
export class WriteBlocked extends Error {
  constructor(readonly until: Promise<void>) {
    super('the document is locked by an open transaction')
  }
}

const MAX_PLAN_KEYS = 1000
/** Documents whose EJSON text `jsonFor` keeps (oldest first out), and their total length. */
const JSON_CACHE_SIZE = 4096
const JSON_CACHE_CHARS = 8 * 1024 * 1024

interface Plan {
  kind: 'all' | 'id' | 'index' | 'scan'
  index?: string
  /** The candidates, in natural order (materialised only when asked for). */
  entries: () => Iterable<Entry>
  /** The same candidates in no particular order (what a count needs). */
  unordered: () => Iterable<Entry>
  /** Every candidate matches (no filtering needed). */
  exact: boolean
  /** For exact plans: the number of matches, without touching any document. */
  size?: () => number
}

export class Store implements TransactionalStore {
  readonly now: () => number
  readonly transactionTimeoutMs: number
  private readonly persistence: Persistence | undefined
  private readonly defs: Record<string, CollectionDef>
  private readonly states = new Map<string, CollectionState>()
  /** Collections the cloud would have: the declared ones, and any created through the SDK. */
  private readonly existing: Set<string>
  private readonly commitListeners: Array<(applied: readonly AppliedChange[]) => void> = []
  private readonly closeListeners: Array<() => void> = []
  private writeGuard: WriteGuard | undefined
  private readonly jsonCache = new Map<Doc, string>()
  private jsonCacheChars = 0
  private seq = 0
  private writeSeq = 0
  private closed = false

  constructor(options: StoreOptions = {}) {
    this.now = options.now ?? Date.now
    this.transactionTimeoutMs = options.transactionTimeoutMs ?? 30_000
    this.defs = options.collections ?? declaredCollections
    this.existing = new Set(Object.keys(this.defs))
    for (const name of this.existing) this.state(name)
    if (options.file && options.file !== ':memory:') {
      this.persistence = openSqlite(options.file, options.sync)
      this.load(this.persistence)
    }
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

  /** insertMany, returning the ids (with `respectLocks`, see ModifyOptions). */
  insertBatch(coll: string, docs: readonly Doc[], options: { respectLocks?: boolean } = {}): DocId[] {
    const state = this.state(coll)
    const changes: Change[] = []
    const ids: DocId[] = []
    for (const input of docs) {
      const doc = withId(cloneDoc(input), this.now)
      checkId(doc._id)
      ids.push(doc._id)
      changes.push({ state, key: idKey(doc._id), id: doc._id, after: doc, insert: true })
    }
    if (options.respectLocks) this.waitForLocks(state, changes.map((change) => change.key))
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
    if (!state) return 0
    const plan = this.plan(state, query)
    if (plan.exact && plan.size) return plan.size()
    const test = compileQuery(query)
    let n = 0
    for (const entry of plan.unordered()) if (test(entry.doc)) n++
    return n
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
    for (const listener of this.closeListeners) listener()
    this.persistence?.close()
  }

  /**
   * Whether the cloud would have this collection: declared in server/db/collections.ts (the
   * deployment creates those) or created through the SDK. The SDK path refuses any other with
   * DATABASE_COLLECTION_NOT_EXIST; the programmatic API (seeds, tests) may write anywhere.
   */
  hasCollection(coll: string): boolean {
    return this.existing.has(coll)
  }

  /** `db.createCollection(name)`. */
  createCollection(coll: string): void {
    this.state(coll)
    this.existing.add(coll)
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
    const sorted = sortScalars(docs, sort)
    if (sorted) {
      const page = sorted.slice(skip, limit === Infinity ? undefined : skip + limit)
      return projection ? this.project(page, projection) : page
    }
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
    const candidates = plan.kind === 'all' || plan.kind === 'scan' ? state.docs.size : (plan.entries() as Entry[]).length
    return { plan: plan.kind, index: plan.index, candidates }
  }

  /**
   * Relaxed EJSON of a document returned by `select` or `runPipeline`. Documents are never mutated
   * (a write stores a new object), so the text of the most recently serialised ones is kept: the
   * same few documents (the caller's user record, their community) are read by call after call.
   */
  jsonFor(doc: Doc): string {
    const cached = this.jsonCache.get(doc)
    if (cached !== undefined) return cached
    const json = toEJSON(doc)
    this.keepJson(doc, json)
    return json
  }

  /** Remembers the EJSON of a document (at most JSON_CACHE_SIZE documents, JSON_CACHE_CHARS characters). */
  private keepJson(doc: Doc, json: string): void {
    if (json.length > JSON_CACHE_CHARS / 8 || this.jsonCache.has(doc)) return
    this.jsonCache.set(doc, json)
    this.jsonCacheChars += json.length
    while (this.jsonCache.size > JSON_CACHE_SIZE || this.jsonCacheChars > JSON_CACHE_CHARS) {
      const [oldest, text] = this.jsonCache.entries().next().value as [Doc, string]
      this.jsonCache.delete(oldest)
      this.jsonCacheChars -= text.length
    }
  }

  /** Updates or replaces matching documents; see ModifyOptions. */
  modify(coll: string, query: Doc, data: Doc, options: ModifyOptions): ModifyResult {
    const state = this.state(coll)
    const targets = this.filter(state, query, options.multi ? Infinity : 1)
    if (options.respectLocks) this.waitForLocks(state, targets.map((entry) => entry.key))
    const changes: Change[] = []
    let updated = 0
    for (const entry of targets) {
      const next = options.merge ? applyUpdate(entry.doc, data) : replacement(entry.doc, data)
      const json = toEJSON(next)
      if (json === this.jsonFor(entry.doc)) {
        // A replacement (`set()`, merge false) counts the document it matched even when the
        // content is the same: the cloud reports updated 1 there. An update that changes
        // nothing counts 0 (MongoDB's modifiedCount, which the cloud reports for update()).
        if (!options.merge) updated++
        continue
      }
      changes.push({ state, key: entry.key, id: entry.id, after: next, json })
      updated++
    }
    let upsertedId: DocId | undefined
    if (targets.length === 0 && options.upsert) {
      const doc = withId(options.merge ? applyUpdate(upsertSeed(query), data) : { ...upsertSeed(query), ...replacement({}, data) }, this.now)
      checkId(doc._id)
      upsertedId = doc._id
      if (options.respectLocks) this.waitForLocks(state, [idKey(doc._id)])
      changes.push({ state, key: idKey(doc._id), id: doc._id, after: doc, insert: true })
    }
    this.commit(changes)
    return { updated, matched: targets.length, upsertedId }
  }

  /** Deletes every match (multi) or the first one; returns the number deleted. */
  remove(coll: string, query: Doc, multi: boolean, options: { respectLocks?: boolean } = {}): number {
    const state = this.states.get(coll)
    if (!state) return 0
    const targets = this.filter(state, query, multi ? Infinity : 1)
    if (options.respectLocks) this.waitForLocks(state, targets.map((entry) => entry.key))
    this.commit(targets.map((entry) => ({ state, key: entry.key, id: entry.id, after: null })))
    return targets.length
  }

  /**
   * Runs a pipeline; the result may share objects with stored documents (never mutate it).
   *
   * The leading `$match` stages select the input through the planner (an index where one
   * applies). Stored documents are then fed to mingo as they are, without copies, through the
   * stages that never write into their input documents (see `readOnlyStage`); at the first stage
   * that might (`$unwind`, `$addFields` on a nested path…), the documents flowing at that point
   * are deep-copied once and the rest of the pipeline runs on the copies.
   */
  runPipeline(coll: string, pipeline: readonly Doc[]): Doc[] {
    for (const stage of pipeline) {
      const name = Object.keys(stage)[0]
      if (name === '$out' || name === '$merge') throw invalidParam(`aggregation stage ${name} is not supported`)
    }
    const state = this.states.get(coll)
    let stages = pipeline.map((stage) => this.uncorrelatedLookupResult(stage) ?? stage)
    const matches: Doc[] = []
    while (stages.length > 0 && isMatchStage(stages[0])) {
      matches.push(stages[0].$match)
      stages = stages.slice(1)
    }
    let input: Doc[]
    if (matches.length > 0) {
      const query = matches.length === 1 ? matches[0] : { $and: matches }
      const countAs = stages.length > 0 ? countField(stages[0]) : undefined
      if (state && countAs !== undefined) {
        // A `$count` right after the match: counted through the plan (the size of an index bucket
        // where it answers exactly), without a list of the matching documents.
        const n = this.count(coll, query)
        input = n === 0 ? [] : [{ [countAs]: n }]
        stages = stages.slice(1)
      } else {
        input = state ? this.filter(state, query).map((entry) => entry.doc) : []
      }
    } else {
      input = state ? Array.from(state.docs.values(), (entry) => entry.doc) : []
    }
    if (stages.length === 0) return input
    const options = {
      ...MINGO_OPTIONS,
      processingMode: ProcessingMode.CLONE_OFF,
      collectionResolver: (name: string) => {
        const other = this.states.get(name)
        return other ? Array.from(other.docs.values(), (entry) => cloneDoc(entry.doc)) : []
      }
    }
    const run = (list: readonly Doc[], docs: Doc[], mode: ProcessingMode, resolve = options.collectionResolver): Doc[] => {
      if (list.length === 0) return docs
      const countAs = countField(list[0])
      if (countAs !== undefined) return run(list.slice(1), docs.length === 0 ? [] : [{ [countAs]: docs.length }], mode, resolve)
      // A `$group` of the common shape is folded here (grouping.ts: no per-document garbage); the
      // stages around it, and any `$group` it does not take, run in mingo as before.
      if (mode === ProcessingMode.CLONE_OFF) {
        const at = list.findIndex((stage) => Object.keys(stage).length === 1 && '$group' in stage)
        if (at >= 0) {
          const before = run(list.slice(0, at), docs, mode, resolve)
          const folded = foldGroup(before, list[at].$group, { ...options, processingMode: mode, collectionResolver: resolve })
          const grouped = folded ?? runMingo([list[at]], before, mode, resolve)
          return run(list.slice(at + 1), grouped, mode, resolve)
        }
      }
      return runMingo(list, docs, mode, resolve)
    }
    const runMingo = (list: readonly Doc[], docs: Doc[], mode: ProcessingMode, resolve = options.collectionResolver): Doc[] => {
      if (list.length === 0) return docs
      const aggregator = mingoCall(() => new Aggregator([...list], { ...options, processingMode: mode, collectionResolver: resolve }))
      return mingoCall(() => aggregator.run(docs) as Doc[])
    }
    // Sub-pipelines run by mingo itself ($lookup with a pipeline, $facet, $unionWith…) keep the
    // former behaviour: every input copied.
    if (stages.some((stage) => !knownStage(stage))) return run(stages, input, ProcessingMode.CLONE_INPUT)
    /** Stages up to the first that writes into its input run on the documents as they are; the rest on copies. */
    const segment = (list: readonly Doc[], docs: Doc[]): Doc[] => {
      let cut = list.findIndex((stage) => !readOnlyStage(stage))
      if (cut < 0) cut = list.length
      const head = run(list.slice(0, cut), docs, ProcessingMode.CLONE_OFF)
      if (cut === list.length) return head
      return run(list.slice(cut), head.map((doc) => cloneDoc(doc)), ProcessingMode.CLONE_OFF)
    }
    // A `$lookup` (localField/foreignField) reads the stored documents of the other collection as
    // they are (it only hashes them) and copies the ones it joins, instead of copying that whole
    // collection for every aggregation: its cost is the joined documents, not the collection.
    const readStored = (name: string): Doc[] => {
      const other = this.states.get(name)
      return other ? Array.from(other.docs.values(), (entry) => entry.doc) : []
    }
    let docs = input
    let rest = stages
    for (;;) {
      const at = rest.findIndex((stage) => Object.keys(stage)[0] === '$lookup')
      docs = segment(at < 0 ? rest : rest.slice(0, at), docs)
      if (at < 0) return docs
      const as = (rest[at].$lookup as { as?: unknown }).as
      const joined = this.indexedLookup(rest[at].$lookup as Doc, docs)
      if (joined) {
        docs = joined
        rest = rest.slice(at + 1)
        continue
      }
      docs = run([rest[at]], docs, ProcessingMode.CLONE_OFF, readStored)
      // Each output document is a new object ({...input, [as]: joined}): only its joined list is replaced.
      if (typeof as === 'string') for (const doc of docs) if (Array.isArray(doc[as])) doc[as] = (doc[as] as Doc[]).map((joined) => cloneDoc(joined))
      rest = rest.slice(at + 1)
    }
  }

  /**
   * A `$lookup` on `localField`/`foreignField` answered through the other collection's `_id` or a
   * declared single-field index on `foreignField`, as the cloud database uses an index for it:
   * each input document's scalar (or missing) local value is looked up with the same equality a
   * query uses (`{[foreignField]: value}`: a null or missing value matches null or missing, an
   * array foreign field matches by element), in natural order. Anything else (a dotted field, an
   * array or object local value, no index) is left to mingo.
   */
  private indexedLookup(spec: Doc, docs: Doc[]): Doc[] | undefined {
    const { from, localField, foreignField, as } = spec
    if (spec.pipeline !== undefined || typeof from !== 'string' || typeof localField !== 'string' || typeof foreignField !== 'string' || typeof as !== 'string') return undefined
    if (localField.includes('.') || as.includes('.') || as.startsWith('$')) return undefined
    const other = this.states.get(from)
    if (!other) return undefined
    if (foreignField !== '_id' && !other.indexes.some((index) => index.fields.length === 1 && index.fields[0] === foreignField)) return undefined
    const locals = docs.map((doc) => doc[localField])
    if (!locals.every((value) => value === undefined || value === null || isScalar(value))) return undefined
    return docs.map((doc, i) => {
      const value = locals[i] === undefined ? null : locals[i]
      return { ...doc, [as]: this.filter(other, { [foreignField]: value }).map((entry) => cloneDoc(entry.doc)) }
    })
  }

  /**
   * A `$lookup` whose sub-pipeline uses nothing of the input document (no `let`, no
   * `localField`) joins the same documents to every input, as MongoDB runs it: once. It is run
   * here through the planner (indexes apply to its leading `$match`) and attached as a literal,
   * instead of mingo copying the whole other collection and running the sub-pipeline per input.
   */
  private uncorrelatedLookupResult(stage: Doc): Doc | undefined {
    const spec = stage.$lookup
    if (Object.keys(stage).length !== 1 || !isPlainObject(spec)) return undefined
    if (!Array.isArray(spec.pipeline) || spec.let !== undefined || spec.localField !== undefined || spec.foreignField !== undefined) return undefined
    if (typeof spec.from !== 'string' || typeof spec.as !== 'string' || spec.as === '' || spec.as.includes('.') || spec.as.startsWith('$')) return undefined
    const joined = this.runPipeline(spec.from, spec.pipeline as Doc[]).map((doc) => cloneDoc(doc))
    return { $addFields: { [spec.as]: { $literal: joined } } }
  }

  // ---------------------------------------------------------------- internals shared with transactions

  // TransactionalStore: what the transaction manager (transactions.ts) uses.

  peek(coll: string, id: DocId): { state: CollectionState; key: string; doc: Doc | null; version: number } {
    const state = this.state(coll)
    const key = idKey(id)
    return { state, key, doc: state.docs.get(key)?.doc ?? null, version: state.versions.get(key) ?? 0 }
  }

  get lastVersion(): number {
    return this.writeSeq
  }

  onCommit(listener: (applied: readonly AppliedChange[]) => void): void {
    this.commitListeners.push(listener)
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener)
  }

  setWriteGuard(guard: WriteGuard): void {
    this.writeGuard = guard
  }

  /**
   * Validates (duplicate `_id`, unique indexes), persists in one SQLite transaction,
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
    const applied: AppliedChange[] = []
    for (const { change, json, indexKeys } of prepared) {
      const { state, key } = change
      const old = state.docs.get(key)
      if (old) for (const index of state.indexes) index.remove(key, indexKeysOf(index, old.doc))
      if (change.after && json !== null) {
        // The text is at hand: the next update of this document compares against it, reads return it.
        this.keepJson(change.after, json)
        const entry: Entry = { id: change.id, key, doc: change.after, seq: old?.seq ?? ++this.seq }
        state.docs.set(key, entry)
        indexKeys.forEach((keys, i) => state.indexes[i].add(key, keys))
      } else {
        state.docs.delete(key)
      }
      const beforeVersion = state.versions.get(key) ?? 0
      state.versions.set(key, ++this.writeSeq)
      applied.push({ state, key, before: old?.doc ?? null, beforeVersion, version: this.writeSeq })
    }
    for (const listener of this.commitListeners) listener(applied)
  }

  /** Throws WriteBlocked when an open transaction holds a write lock on one of the ids. */
  private waitForLocks(state: CollectionState, keys: Iterable<string>): void {
    if (!this.writeGuard) return
    for (const key of keys) {
      const until = this.writeGuard(state, key)
      if (until) throw new WriteBlocked(until)
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
      // The document's own id string as the key where it is the same (one string, not two).
      const ownKey = idKey(doc._id)
      const key = ownKey === row.id ? ownKey : row.id
      const entry: Entry = { id: doc._id, key, doc, seq: ++this.seq }
      state.docs.set(key, entry)
      for (const index of state.indexes) index.add(key, indexKeysOf(index, doc))
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
    return this.filterPlan(this.plan(state, query), query, max)
  }

  private filterPlan(plan: Plan, query: Doc, max: number): Entry[] {
    const out: Entry[] = []
    if (max <= 0) return out
    if (plan.exact) {
      for (const entry of plan.entries()) {
        out.push(entry)
        if (out.length >= max) break
      }
      return out
    }
    const test = compileQuery(query)
    for (const entry of plan.entries()) {
      if (!test(entry.doc)) continue
      out.push(entry)
      if (out.length >= max) break
    }
    return out
  }

  /**
   * Candidate entries for a query: by `_id`, by a declared index, or every document. Among the
   * declared indexes whose every field the query pins by equality or `$in`, the one with the
   * fewest candidates (the sizes of its buckets, known without touching any document) is used.
   * When the query is nothing but scalar equalities / `$in`s on exactly that index's fields, the
   * index answers it exactly: no document needs to be tested, and a count is the size of the
   * bucket (or of the union of buckets).
   */
  private plan(state: CollectionState, query: Doc): Plan {
    const keys = Object.keys(query)
    if (keys.length === 0) {
      const all = () => state.docs.values()
      return { kind: 'all', entries: all, unordered: all, exact: true, size: () => state.docs.size }
    }
    const equalities = collectEqualities(query)
    const ids = equalities.get('_id')
    if (ids) {
      const entries = bySeq(unique(ids.map((id) => state.docs.get(idKey(id))).filter(isDefined)))
      const exact = keys.length === 1 && keys[0] === '_id' && ids.length === 1 && scalarKey(query._id) !== undefined
      return { kind: 'id', entries: () => entries, unordered: () => entries, exact, size: () => entries.length }
    }
    let best: { index: HashIndex; keys: string[]; size: number } | undefined
    for (const index of state.indexes) {
      if (!index.fields.every((field) => equalities.has(field))) continue
      const combos = combinations(index.fields.map((field) => equalities.get(field) as unknown[]))
      if (combos === undefined) continue
      const keys = unique(combos.map((combo) => index.keyFor(combo)).filter(isDefined))
      let size = 0
      for (const key of keys) size += index.size(key)
      // Ties go to the index with more fields (it pins more of the query).
      if (!best || size < best.size || (size === best.size && index.fields.length > best.index.fields.length)) best = { index, keys, size }
      if (size === 0) break
    }
    if (best) {
      const { index, keys: bucketKeys } = best
      const ids = (): Iterable<string> => {
        if (bucketKeys.length === 1) return index.ids(bucketKeys[0])
        const found = new Set<string>()
        for (const key of bucketKeys) for (const id of index.ids(key)) found.add(id)
        return found
      }
      const unordered = (): Entry[] => {
        const list: Entry[] = []
        for (const key of ids()) {
          const entry = state.docs.get(key)
          if (entry) list.push(entry)
        }
        return list
      }
      const exact = answersExactly(query, index.fields)
      const size = (): number => (bucketKeys.length === 1 ? index.size(bucketKeys[0]) : (ids() as Set<string>).size)
      return { kind: 'index', index: index.name, entries: () => bySeq(unordered()), unordered, exact, size: exact ? size : undefined }
    }
    const all = () => state.docs.values()
    return { kind: 'scan', entries: all, unordered: all, exact: false }
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

/**
 * A valid `_id`: a string, a number or an ObjectId (`{"$oid": …}` on the wire, what
 * `db.ObjectId({ id })` of @cloudbase/database sends; MongoDB, under the cloud database, takes
 * any non-array value, and CloudBase documents may carry ObjectId ids). At run time an ObjectId
 * is carried where the type says DocId (see values.ts).
 */
function checkId(id: unknown): asserts id is DocId {
  if (typeof id === 'string' || typeof id === 'number') return
  if (id !== null && typeof id === 'object' && (id as { _bsontype?: unknown })._bsontype === 'ObjectId') return
  throw invalidParam('_id must be a string, a number or an ObjectId')
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

/**
 * Sorts documents as mingo's cursor does (per key: mingo's order of types and values; ties keep
 * their order), when every sort key of every document is missing, null or a scalar reached
 * through plain objects; undefined otherwise (mingo then sorts).
 */
function sortScalars(docs: Doc[], sort: Record<string, unknown>): Doc[] | undefined {
  const specs = Object.entries(sort).map(([field, direction]) => ({ path: field.split('.'), direction: direction === -1 ? -1 : 1 }))
  if (specs.some(({ path }) => path.some((part) => part === '' || /^\d+$/.test(part)))) return undefined
  const keyed: Array<{ doc: Doc; keys: unknown[] }> = new Array(docs.length)
  for (let i = 0; i < docs.length; i++) {
    const keys: unknown[] = new Array(specs.length)
    for (let k = 0; k < specs.length; k++) {
      const value = valueAt(docs[i], specs[k].path)
      if (value === DEFER) return undefined
      keys[k] = value
    }
    keyed[i] = { doc: docs[i], keys }
  }
  keyed.sort((a, b) => {
    for (let k = 0; k < specs.length; k++) {
      const order = compareScalars(a.keys[k], b.keys[k])
      if (order !== 0) return order * specs[k].direction
    }
    return 0
  })
  return keyed.map(({ doc }) => doc)
}

/** Ranks of the types sortScalars handles, in mingo's order (its SORT_ORDER). */
function typeRank(value: unknown): number {
  if (value === undefined) return 1
  if (value === null) return 2
  switch (typeof value) {
    case 'number':
      return 3
    case 'string':
      return 4
    case 'boolean':
      return 9
    default:
      return 10 // Date (valueAt lets no other object through)
  }
}

/** mingo's `compare` on missing, null, numbers (not NaN), strings, booleans and Dates. */
function compareScalars(a: unknown, b: unknown): number {
  const ra = typeRank(a)
  const rb = typeRank(b)
  if (ra !== rb) return ra - rb
  if (ra <= 2) return 0
  const x = a instanceof Date ? a.getTime() : (a as number | string | boolean)
  const y = b instanceof Date ? b.getTime() : (b as number | string | boolean)
  return x === y ? 0 : x < y ? -1 : 1
}

/**
 * The output field of a `$count` stage the store counts itself (as semantics.ts `countStage`
 * does: the number of documents, none when there are none), or undefined for any other stage or
 * an invalid name (mingo then refuses it with countStage's error).
 */
function countField(stage: Doc): string | undefined {
  if (Object.keys(stage).length !== 1 || !('$count' in stage)) return undefined
  return isCountName(stage.$count) ? stage.$count : undefined
}

function isMatchStage(stage: Doc | undefined): stage is { $match: Doc } {
  if (!stage || Object.keys(stage).length !== 1) return false
  const match = stage.$match
  return match !== null && typeof match === 'object' && !Array.isArray(match)
}

/**
 * Stages whose effect on their input the store knows (whether they write into it or not).
 * Others (`$facet`, `$unionWith`, `$graphLookup`, `$lookup` with a sub-pipeline…) run
 * sub-pipelines or read other collections in ways that are only safe on copies.
 */
function knownStage(stage: Doc): boolean {
  const name = Object.keys(stage)[0]
  if (name === '$lookup') return isPlainObject(stage.$lookup) && stage.$lookup.pipeline === undefined
  return KNOWN_STAGES.has(name)
}

const KNOWN_STAGES = new Set([
  '$match', '$group', '$sort', '$limit', '$skip', '$count', '$sortByCount', '$replaceRoot', '$replaceWith',
  '$project', '$unset', '$addFields', '$set', '$unwind', '$bucket', '$bucketAuto', '$sample', '$redact', '$densify', '$fill', '$setWindowFields'
])

/**
 * Stages that never write into the documents they receive, verified against mingo 6's
 * implementations: they build new objects (`$group`, `$count`, `$project`/`$addFields` on
 * top-level fields: a fresh object per document), pass their input through (`$match`, `$limit`,
 * `$skip`, `$sort`, which reorders its own array) or pick a part of it (`$replaceRoot`).
 * `$lookup` spreads each document into a new one (its joined documents are copies).
 * Nested paths (`$addFields: {'a.b': …}`, `$project: {'a.b': 0}`) write into the nested objects
 * of the input, and `$unwind` writes into its input: those get copies.
 */
function readOnlyStage(stage: Doc): boolean {
  const name = Object.keys(stage)[0]
  const arg = stage[name]
  switch (name) {
    case '$match':
    case '$group':
    case '$sort':
    case '$limit':
    case '$skip':
    case '$count':
    case '$sortByCount':
    case '$replaceRoot':
    case '$replaceWith':
    case '$lookup':
      return true
    case '$addFields':
    case '$set':
      return isPlainObject(arg) && Object.keys(arg).every((field) => !field.includes('.'))
    case '$unset':
      return (typeof arg === 'string' && !arg.includes('.')) || (Array.isArray(arg) && arg.every((field) => typeof field === 'string' && !field.includes('.')))
    case '$project':
      return (
        isPlainObject(arg) &&
        Object.entries(arg).every(([field, spec]) => {
          if (field.includes('.')) return false
          // A sub-projection (`{a: {b: 1}}`) or a projection operator works inside the input.
          if (isPlainObject(spec)) {
            const ops = Object.keys(spec)
            return ops.length === 1 && ops[0].startsWith('$') && ops[0] !== '$slice' && ops[0] !== '$elemMatch'
          }
          return true
        })
      )
    default:
      return false
  }
}

function isPlainObject(value: unknown): value is Doc {
  if (value === null || typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * Whether a hash index on `fields` answers the query exactly: the query's top-level keys are
 * exactly those fields, each bound to a non-null scalar (matched as the index files values:
 * the value itself or an element of an array) or, on a top-level field, to `$in` of non-null
 * scalars. Anything else (null, ranges, RegExps, extra conditions) is tested document by document.
 */
function answersExactly(query: Doc, fields: readonly string[]): boolean {
  const keys = Object.keys(query)
  if (keys.length !== fields.length) return false
  for (const field of keys) {
    if (!fields.includes(field)) return false
    const condition = query[field]
    if (indexableScalar(condition)) {
      if (field.split('.').some((part) => part === '' || /^\d+$/.test(part))) return false
      continue
    }
    if (field.includes('.') || condition === null || typeof condition !== 'object' || Array.isArray(condition)) return false
    const ops = Object.keys(condition)
    if (ops.length !== 1 || ops[0] !== '$in' || !Array.isArray(condition.$in) || !condition.$in.every(indexableScalar)) return false
  }
  return true
}

/** A value the index files by itself: a string, number (not NaN), boolean or valid Date. */
function indexableScalar(value: unknown): boolean {
  if (value === null || value === undefined) return false
  if (typeof value === 'number') return !Number.isNaN(value)
  if (value instanceof Date) return !Number.isNaN(value.getTime())
  return typeof value === 'string' || typeof value === 'boolean'
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


