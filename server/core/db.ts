import * as cloud from 'wx-server-sdk'
import { errorText } from './errors'

let initialised = false

/** wx-server-sdk, initialised once for the current environment. */
export function sdk(): typeof cloud {
  if (!initialised) {
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })
    initialised = true
  }
  return cloud
}

/*
 * wx-server-sdk's own typings return `string | void | IQueryResult` for promise-style calls, which
 * makes every read a cast. These are the shapes the promise style actually resolves to, for the
 * parts of the query builder the project uses.
 */
type Doc = Record<string, any>

export interface Query {
  where(condition: Doc): Query
  orderBy(field: string, order: 'asc' | 'desc'): Query
  skip(n: number): Query
  limit(n: number): Query
  field(projection: Record<string, boolean | 0 | 1>): Query
  get(): Promise<{ data: any[] }>
  count(): Promise<{ total: number }>
  update(input: { data: Doc }): Promise<{ stats: { updated: number } }>
  remove(): Promise<{ stats: { removed: number } }>
}

export interface DocumentRef {
  get(): Promise<{ data: any }>
  set(input: { data: Doc }): Promise<{ _id: string; stats: { updated: number; created: number } }>
  update(input: { data: Doc }): Promise<{ stats: { updated: number } }>
  remove(): Promise<{ stats: { removed: number } }>
}

export interface Collection extends Query {
  doc(id: string): DocumentRef
  add(input: { data: Doc }): Promise<{ _id: string }>
  aggregate(): any
}

export interface TransactionRef {
  collection(name: string): { doc(id: string): DocumentRef; add(input: { data: Doc }): Promise<{ _id: string }> }
  rollback(reason?: unknown): Promise<void>
}

export interface Database {
  collection(name: string): Collection
  command: any
  serverDate(options?: { offset?: number }): any
  RegExp(options: { regexp: string; options?: string }): any
  runTransaction<T>(callback: (tx: TransactionRef) => Promise<T>, retries?: number): Promise<T>
}

let database: Database | undefined

export function db(): Database {
  if (!database) database = sdk().database() as unknown as Database
  return database
}

/**
 * The database's duplicate-key failure: `add` of an existing `_id`, or a write that breaks a unique
 * index. wx-server-sdk puts the server's text in `errMsg` or `message` (cloud and emulator alike).
 */
export function isDuplicateKey(error: unknown): boolean {
  return /E11000|duplicate key/i.test(errorText(error))
}
