/**
 * Shapes shared by the store and the transaction manager. They live here so that neither module
 * imports the other: the store owns documents and commits; transactions see it only through
 * `TransactionalStore`.
 */
import type { HashIndex } from './indexes'
import type { Doc, DocId } from './values'

export type { Doc, DocId } from './values'

/**
 * One stored document. Only the parsed document is held (its EJSON, what SQLite holds and what a
 * read returns, is written when needed), and its index keys are computed again from it when it is
 * replaced or deleted: stored documents are never mutated.
 */
export interface Entry {
  id: DocId
  key: string
  doc: Doc
  /** Insertion sequence: the natural order of unsorted queries. */
  seq: number
}

export interface CollectionState {
  name: string
  docs: Map<string, Entry>
  /** Last write sequence per id key; kept after a delete so transactions see it. */
  versions: Map<string, number>
  indexes: HashIndex[]
}

/** A write to apply: the final document for one id (null deletes it). */
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

/** A change as it was applied: what the id held before, and the write versions around it. */
export interface AppliedChange {
  state: CollectionState
  key: string
  before: Doc | null
  beforeVersion: number
  version: number
}

export interface ModifyResult {
  /** Documents changed (a no-op `update` counts 0, a `set` always 1, as on the cloud). */
  updated: number
  /** Matched documents. */
  matched: number
  upsertedId?: DocId
}

/**
 * A non-transactional write must wait for the transaction that holds a write lock on one of its
 * documents (as MongoDB's writes outside a transaction do): the guard answers the promise to wait
 * for, or undefined when the id is free.
 */
export type WriteGuard = (state: CollectionState, key: string) => Promise<void> | undefined

/** What the transaction manager needs from a store. */
export interface TransactionalStore {
  now(): number
  /** The committed document of an id (never mutate it) and the id's write version. */
  peek(coll: string, id: DocId): { state: CollectionState; key: string; doc: Doc | null; version: number }
  /** The newest write version of the whole store (a snapshot is "every write up to N"). */
  readonly lastVersion: number
  /** Validates (duplicate ids, unique indexes), persists and applies a batch: all or nothing. */
  commit(changes: readonly Change[]): void
  onCommit(listener: (applied: readonly AppliedChange[]) => void): void
  onClose(listener: () => void): void
  setWriteGuard(guard: WriteGuard): void
}
