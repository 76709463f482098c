/**
 * Transactions as the cloud database (MongoDB underneath) runs them, checked against
 * @cloudbase/node-sdk's own transaction tests (test/database/unit/transaction.test.ts):
 *
 * - Optimistic and concurrent: starting never waits; transactions on different documents proceed
 *   in parallel.
 * - Snapshot reads: every read sees the database as of the transaction's first operation, plus
 *   its own writes ("读快照", "读偏"). Reads are not validated: write skew is possible, as there.
 * - Write–write conflicts fail at the write with DATABASE_TRANSACTION_CONFLICT and abort the
 *   transaction ("冲突检测"): a write to a document another open transaction has written, or one
 *   committed by anyone after this transaction's snapshot. The SDK's `runTransaction` retries the
 *   callback on that code (3 times by default), then throws it.
 * - A write outside any transaction to a document an open transaction has written waits until that
 *   transaction ends (MongoDB's rule; the store answers WriteBlocked and the requester waits).
 * - Writes are buffered and applied at commit, atomically and durably (one SQLite transaction);
 *   until then no one else sees them. A unique-index violation fails the commit and applies nothing.
 * - A transaction not finished within its lifetime (30 s) is rolled back; any later use of it, like
 *   any use after commit or rollback, fails with DATABASE_TRANSACTION_FAIL
 *   ("[ResourceUnavailable.TransactionNotExist] …").
 * - Single documents by `_id` only (no where() inside a transaction), as on the cloud.
 */
import { randomBytes } from 'node:crypto'
import { DbError, requestFailed, transactionConflictError, transactionNotExistError } from './errors'
import { applyUpdate, replacement } from './semantics'
import type { AppliedChange, Change, CollectionState, ModifyResult, TransactionalStore } from './types'
import { cloneDoc, newDocId, toEJSON, type Doc, type DocId } from './values'

/** A document the transaction has written: what it will hold after commit (null: deleted). */
interface Write {
  state: CollectionState
  key: string
  id: DocId
  doc: Doc | null
  /** The id's write version when the lock was taken (commit checks nothing wrote it since). */
  lockedVersion: number
}

interface Tx {
  id: string
  /** Every write up to this version is visible; set by the first operation. */
  snapshot?: number
  writes: Map<string, Write>
  timer: NodeJS.Timeout
  /** Resolves when the transaction ends (commit, rollback, conflict or timeout). */
  ended: Promise<void>
  end: () => void
}

/** An earlier image of a document, kept while an open transaction's snapshot may need it. */
interface Image {
  version: number
  doc: Doc | null
}

const managers = new WeakMap<TransactionalStore & object, TransactionManager>()

/** The transaction manager of a store (one per store, created on first use). */
export function transactionsOf(store: TransactionalStore & { readonly transactionTimeoutMs?: number }): TransactionManager {
  let manager = managers.get(store)
  if (!manager) {
    manager = new TransactionManager(store, store.transactionTimeoutMs ?? 30_000)
    managers.set(store, manager)
  }
  return manager
}

export class TransactionManager {
  private readonly active = new Map<string, Tx>()
  /** Write locks: slot key → the open transaction that has written that document. */
  private readonly locks = new Map<string, Tx>()
  /** Earlier images per slot key, oldest first; only while transactions are open. */
  private readonly history = new Map<string, Image[]>()
  private imageCount = 0
  private closed = false

  constructor(
    private readonly store: TransactionalStore,
    private readonly lifetimeMs: number
  ) {
    store.onCommit((applied) => this.remember(applied))
    store.onClose(() => this.close())
    store.setWriteGuard((state, key) => this.locks.get(slotKey(state.name, key))?.ended)
  }

  /** Opens a transaction and returns its id (never waits for others). */
  start(): string {
    if (this.closed) throw requestFailed('the emulator store is closed')
    const id = randomBytes(12).toString('hex')
    let end!: () => void
    const ended = new Promise<void>((resolve) => (end = resolve))
    const timer = setTimeout(() => this.finish(id), this.lifetimeMs)
    timer.unref()
    this.active.set(id, { id, writes: new Map(), timer, ended, end })
    return id
  }

  /** The document as the transaction sees it (do not mutate), or null. */
  get(txId: string, coll: string, id: DocId): Doc | null {
    return this.view(this.tx(txId), coll, id).doc
  }

  insert(txId: string, coll: string, docs: readonly Doc[]): DocId[] {
    const tx = this.tx(txId)
    const prepared: Array<{ id: DocId; doc: Doc }> = []
    for (const input of docs) {
      let doc = cloneDoc(input)
      if (doc._id === undefined || doc._id === null) {
        const { _id, ...rest } = doc
        doc = { _id: newDocId(this.store.now()), ...rest }
      }
      if (typeof doc._id !== 'string' && typeof doc._id !== 'number') throw requestFailed('_id must be a string or a number')
      const seen = this.view(tx, coll, doc._id)
      this.checkWritable(tx, seen.state, seen.key)
      if (seen.doc !== null || prepared.some((other) => other.id === doc._id)) {
        throw new DbError(
          'DATABASE_REQUEST_FAILED',
          `[FailedOperation] E11000 duplicate key error collection: ${coll} index: _id_ dup key: { _id: ${JSON.stringify(doc._id)} }`
        )
      }
      prepared.push({ id: doc._id, doc })
    }
    for (const { id, doc } of prepared) this.write(tx, coll, id, doc)
    return prepared.map(({ id }) => id)
  }

  /**
   * `doc(id).update()` (merge) or `doc(id).set()` (replace; upserts). As on the cloud, `set`
   * reports one update even when the content is unchanged; an `update` that changes nothing 0.
   */
  modify(txId: string, coll: string, id: DocId, data: Doc, options: { merge: boolean; upsert: boolean }): ModifyResult {
    const tx = this.tx(txId)
    const seen = this.view(tx, coll, id)
    if (seen.doc === null) {
      if (!options.upsert) return { updated: 0, matched: 0 }
      this.checkWritable(tx, seen.state, seen.key)
      this.write(tx, coll, id, options.merge ? applyUpdate({ _id: id }, data) : replacement({ _id: id }, data))
      return { updated: 0, matched: 0, upsertedId: id }
    }
    this.checkWritable(tx, seen.state, seen.key)
    const next = options.merge ? applyUpdate(seen.doc, data) : replacement(seen.doc, data)
    const unchanged = toEJSON(next) === toEJSON(seen.doc)
    this.write(tx, coll, id, next)
    return { updated: unchanged && options.merge ? 0 : 1, matched: 1 }
  }

  remove(txId: string, coll: string, id: DocId): number {
    const tx = this.tx(txId)
    const seen = this.view(tx, coll, id)
    if (seen.doc === null) return 0
    this.checkWritable(tx, seen.state, seen.key)
    this.write(tx, coll, id, null)
    return 1
  }

  /** Applies the transaction's writes atomically; the transaction ends either way. */
  commit(txId: string): void {
    const tx = this.tx(txId)
    try {
      const changes: Change[] = []
      for (const write of tx.writes.values()) {
        // Writes outside transactions wait for our locks; only the programmatic API (seeds,
        // tests) can get past them.
        if ((write.state.versions.get(write.key) ?? 0) !== write.lockedVersion) throw this.conflict(tx, write.state.name, write.id)
        changes.push({ state: write.state, key: write.key, id: write.id, after: write.doc })
      }
      this.store.commit(changes)
    } finally {
      this.finish(txId)
    }
  }

  /** Discards the transaction's writes. */
  abort(txId: string): void {
    this.tx(txId)
    this.finish(txId)
  }

  /** Rolls back every open transaction; later ones are refused. */
  close(): void {
    this.closed = true
    for (const id of [...this.active.keys()]) this.finish(id)
  }

  get openCount(): number {
    return this.active.size
  }

  private tx(txId: unknown): Tx {
    const tx = typeof txId === 'string' ? this.active.get(txId) : undefined
    if (!tx) throw transactionNotExistError()
    return tx
  }

  /** What the transaction sees of one document: its own write, else the snapshot's version. */
  private view(tx: Tx, coll: string, id: DocId): { state: CollectionState; key: string; doc: Doc | null } {
    const { state, key, doc, version } = this.store.peek(coll, id)
    tx.snapshot ??= this.store.lastVersion
    const slot = slotKey(state.name, key)
    const own = tx.writes.get(slot)
    if (own) return { state, key, doc: own.doc }
    if (version <= tx.snapshot) return { state, key, doc }
    const images = this.history.get(slot) ?? []
    for (let i = images.length - 1; i >= 0; i--) {
      if (images[i].version <= tx.snapshot) return { state, key, doc: images[i].doc }
    }
    // Written after the snapshot with no earlier image kept: it did not exist at the snapshot.
    return { state, key, doc: null }
  }

  /** Fails (and aborts the transaction) when the write would conflict. */
  private checkWritable(tx: Tx, state: CollectionState, key: string): void {
    const slot = slotKey(state.name, key)
    if (tx.writes.has(slot)) return
    const holder = this.locks.get(slot)
    const version = state.versions.get(key) ?? 0
    if ((holder && holder !== tx) || version > (tx.snapshot as number)) throw this.conflict(tx, state.name, key)
  }

  private write(tx: Tx, coll: string, id: DocId, doc: Doc | null): void {
    const { state, key } = this.store.peek(coll, id)
    const slot = slotKey(state.name, key)
    const existing = tx.writes.get(slot)
    if (existing) {
      existing.doc = doc
      return
    }
    tx.writes.set(slot, { state, key, id, doc, lockedVersion: state.versions.get(key) ?? 0 })
    this.locks.set(slot, tx)
  }

  private conflict(tx: Tx, coll: string, id: DocId): DbError {
    this.finish(tx.id)
    return transactionConflictError(`${coll}/${String(id)}`)
  }

  /** Keeps the image a committed write replaced, while some open snapshot may still need it. */
  private remember(applied: readonly AppliedChange[]): void {
    if (this.active.size === 0) return
    for (const change of applied) {
      const slot = slotKey(change.state.name, change.key)
      let images = this.history.get(slot)
      if (!images) this.history.set(slot, (images = []))
      images.push({ version: change.beforeVersion, doc: change.before })
      this.imageCount++
    }
    if (this.imageCount > 10_000) this.prune()
  }

  /** Drops images no open snapshot can reach. */
  private prune(): void {
    let oldest = Infinity
    for (const tx of this.active.values()) oldest = Math.min(oldest, tx.snapshot ?? this.store.lastVersion)
    this.imageCount = 0
    for (const [slot, images] of this.history) {
      let keepFrom = 0
      for (let i = images.length - 1; i >= 0; i--) {
        if (images[i].version <= oldest) {
          keepFrom = i
          break
        }
      }
      const kept = images.slice(keepFrom)
      if (kept.length === 0) this.history.delete(slot)
      else this.history.set(slot, kept)
      this.imageCount += kept.length
    }
  }

  private finish(txId: string): void {
    const tx = this.active.get(txId)
    if (!tx) return
    this.active.delete(txId)
    clearTimeout(tx.timer)
    for (const slot of tx.writes.keys()) if (this.locks.get(slot) === tx) this.locks.delete(slot)
    if (this.active.size === 0) {
      this.history.clear()
      this.imageCount = 0
    }
    tx.end()
  }
}

function slotKey(coll: string, key: string): string {
  return `${coll}\u0000${key}`
}
