/**
 * Write-through persistence of the store in SQLite (better-sqlite3, WAL mode): one table
 * docs(coll, id, doc) holding each document as relaxed EJSON. Every batch is one SQLite
 * transaction, committed before the store acknowledges the write, so a killed process loses
 * nothing it acknowledged.
 */
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

export interface PersistedChange {
  coll: string
  /** The id column: the document's idKey. */
  id: string
  /** Relaxed EJSON of the new document, or null to delete it. */
  json: string | null
}

export interface PersistedRow {
  coll: string
  id: string
  doc: string
}

export interface Persistence {
  loadAll(): Iterable<PersistedRow>
  write(changes: readonly PersistedChange[]): void
  /** Removes every document of one collection, or of all collections. */
  clear(coll?: string): void
  close(): void
}

export type SyncMode = 'OFF' | 'NORMAL' | 'FULL'

/**
 * `synchronous = NORMAL` in WAL mode makes a commit durable against a crash of the process
 * (the WAL is in the OS cache when the commit returns); FULL also survives power loss.
 */
export function openSqlite(file: string, sync: SyncMode = 'NORMAL'): Persistence {
  mkdirSync(dirname(file), { recursive: true })
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${sync}`)
  db.exec('CREATE TABLE IF NOT EXISTS docs (coll TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (coll, id))')
  const upsert = db.prepare('INSERT INTO docs (coll, id, doc) VALUES (?, ?, ?) ON CONFLICT (coll, id) DO UPDATE SET doc = excluded.doc')
  const remove = db.prepare('DELETE FROM docs WHERE coll = ? AND id = ?')
  const writeAll = db.transaction((changes: readonly PersistedChange[]) => {
    for (const change of changes) {
      if (change.json === null) remove.run(change.coll, change.id)
      else upsert.run(change.coll, change.id, change.json)
    }
  })
  let closed = false
  return {
    loadAll() {
      // rowid order is insertion order (an upsert keeps the row's rowid): the natural order of
      // unsorted queries survives a restart.
      return db.prepare('SELECT coll, id, doc FROM docs ORDER BY rowid').iterate() as Iterable<PersistedRow>
    },
    write(changes) {
      if (changes.length === 0) return
      writeAll(changes)
    },
    clear(coll) {
      if (coll === undefined) db.exec('DELETE FROM docs')
      else db.prepare('DELETE FROM docs WHERE coll = ?').run(coll)
    },
    close() {
      if (closed) return
      closed = true
      db.close()
    }
  }
}
