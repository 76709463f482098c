/**
 * Transactions as the cloud offers them: single documents by `_id` (get / add / set / update /
 * remove), snapshot reads, writes buffered until commit and then applied atomically (one SQLite
 * transaction). Transactions run one at a time (a queue), so they never conflict with each
 * other; a non-transactional write to a document the transaction has read or written since it
 * first touched it makes the commit fail with DATABASE_TRANSACTION_CONFLICT, which the SDK's
 * `runTransaction` retries. An open transaction is rolled back after a timeout (10 s, as on the
 * cloud) so a forgotten one cannot block the queue for ever.
 */
import { randomBytes } from 'node:crypto'
import { DbError, requestFailed, transactionConflictError } from './errors'
import { applyUpdate, replacement } from './semantics'
import type { Change, CollectionState, ModifyResult, Store } from './store'
import { cloneDoc, newDocId, toEJSON, type Doc, type DocId } from './values'

interface Slot {
  state: CollectionState
  key: string
  id: DocId
  /** What the transaction sees: the snapshot taken at first touch, then its own writes. */
  doc: Doc | null
  written: boolean
  /** Write version of the id when the transaction first touched it. */
  baseVersion: number
}

interface Tx {
  id: string
  slots: Map<string, Slot>
  release: () => void
  timer: NodeJS.Timeout
}

export class TransactionManager {
  private readonly active = new Map<string, Tx>()
  private tail: Promise<void> = Promise.resolve()
  private closed = false

  constructor(
    private readonly store: Store,
    private readonly timeoutMs: number
  ) {}

  /** Waits for the previous transaction to finish, then opens one; returns its id. */
  async start(): Promise<string> {
    const release = await this.acquire()
    if (this.closed) {
      release()
      throw requestFailed('the emulator store is closed')
    }
    const id = randomBytes(12).toString('hex')
    const timer = setTimeout(() => this.finish(id), this.timeoutMs)
    timer.unref()
    this.active.set(id, { id, slots: new Map(), release, timer })
    return id
  }

  /** The document as the transaction sees it (do not mutate), or null. */
  get(txId: string, coll: string, id: DocId): Doc | null {
    return this.slot(this.tx(txId), coll, id).doc
  }

  insert(txId: string, coll: string, docs: readonly Doc[]): DocId[] {
    const tx = this.tx(txId)
    const ids: DocId[] = []
    const pending: Array<[Slot, Doc]> = []
    for (const input of docs) {
      let doc = cloneDoc(input)
      if (doc._id === undefined || doc._id === null) {
        const { _id, ...rest } = doc
        doc = { _id: newDocId(this.store.now()), ...rest }
      }
      if (typeof doc._id !== 'string' && typeof doc._id !== 'number') throw requestFailed('_id must be a string or a number')
      const slot = this.slot(tx, coll, doc._id)
      if (slot.doc !== null || pending.some(([other]) => other === slot)) {
        throw new DbError(
          'DATABASE_REQUEST_FAILED',
          `[FailedOperation] E11000 duplicate key error collection: ${coll} index: _id_ dup key: { _id: ${JSON.stringify(doc._id)} }`
        )
      }
      pending.push([slot, doc])
      ids.push(doc._id)
    }
    for (const [slot, doc] of pending) {
      slot.doc = doc
      slot.written = true
    }
    return ids
  }

  /** `doc(id).update()` (merge) or `doc(id).set()` (replace, upsert) inside the transaction. */
  modify(txId: string, coll: string, id: DocId, data: Doc, options: { merge: boolean; upsert: boolean }): ModifyResult {
    const slot = this.slot(this.tx(txId), coll, id)
    if (slot.doc === null) {
      if (!options.upsert) return { updated: 0, matched: 0 }
      const doc = options.merge ? applyUpdate({ _id: id }, data) : replacement({ _id: id }, data)
      slot.doc = doc
      slot.written = true
      return { updated: 0, matched: 0, upsertedId: id }
    }
    const next = options.merge ? applyUpdate(slot.doc, data) : replacement(slot.doc, data)
    if (toEJSON(next) === toEJSON(slot.doc)) return { updated: 0, matched: 1 }
    slot.doc = next
    slot.written = true
    return { updated: 1, matched: 1 }
  }

  remove(txId: string, coll: string, id: DocId): number {
    const slot = this.slot(this.tx(txId), coll, id)
    if (slot.doc === null) return 0
    slot.doc = null
    slot.written = true
    return 1
  }

  /** Applies the transaction's writes atomically, or fails (and rolls back) on a conflict. */
  commit(txId: string): void {
    const tx = this.tx(txId)
    try {
      for (const slot of tx.slots.values()) {
        if (this.store.versionOf(slot.state, slot.key) !== slot.baseVersion) {
          throw transactionConflictError(`document ${JSON.stringify(slot.id)} of ${slot.state.name} was written by another operation`)
        }
      }
      const changes: Change[] = []
      for (const slot of tx.slots.values()) {
        if (slot.written) changes.push({ state: slot.state, key: slot.key, id: slot.id, after: slot.doc })
      }
      this.store.commit(changes)
    } finally {
      this.finish(txId)
    }
  }

  /** Discards the transaction's writes. Unknown or finished transactions are ignored. */
  abort(txId: string): void {
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
    if (!tx) throw requestFailed(`[ResourceNotFound] transaction ${String(txId)} does not exist, was committed, rolled back, or timed out`)
    return tx
  }

  private slot(tx: Tx, coll: string, id: DocId): Slot {
    const { state, key, entry, version } = this.store.peek(coll, id)
    const slotKey = `${coll}\u0000${key}`
    let slot = tx.slots.get(slotKey)
    if (!slot) {
      slot = { state, key, id, doc: entry ? entry.doc : null, written: false, baseVersion: version }
      tx.slots.set(slotKey, slot)
    }
    return slot
  }

  private finish(txId: string): void {
    const tx = this.active.get(txId)
    if (!tx) return
    this.active.delete(txId)
    clearTimeout(tx.timer)
    tx.release()
  }

  private acquire(): Promise<() => void> {
    const previous = this.tail
    let release!: () => void
    const current = new Promise<void>((resolve) => {
      let released = false
      release = () => {
        if (released) return
        released = true
        resolve()
      }
    })
    this.tail = previous.then(() => current)
    return previous.then(() => release)
  }
}
