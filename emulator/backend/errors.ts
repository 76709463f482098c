/**
 * Errors shaped like the ones @cloudbase/node-sdk's HTTP requester throws when the cloud database
 * answers with an error code: an Error with a string `code`, a `message` and a `requestId`.
 * wx-server-sdk maps `code` to its numeric errCode (DATABASE_REQUEST_FAILED → -502001, unknown
 * codes → -501001) and prefixes the message with `<api>:fail <errCode> <text>.`.
 */
import { randomBytes } from 'node:crypto'

export type DbErrorCode =
  | 'DATABASE_REQUEST_FAILED'
  | 'DATABASE_TRANSACTION_CONFLICT'
  | 'DATABASE_TRANSACTION_FAIL'
  | 'DATABASE_COLLECTION_NOT_EXIST'
  | 'INVALID_PARAM'
  | 'SYS_ERR'

export class DbError extends Error {
  readonly code: DbErrorCode
  readonly requestId: string

  constructor(code: DbErrorCode, message: string) {
    super(message)
    this.name = 'TcbError'
    this.code = code
    this.requestId = newRequestId()
  }
}

const requestPrefix = randomBytes(4).toString('hex')
let requestCounter = 0

/** A unique request id (cheap: no entropy per request). */
export function newRequestId(): string {
  requestCounter = (requestCounter + 1) % 0x100000000
  return requestPrefix + requestCounter.toString(16).padStart(8, '0')
}

/** The duplicate-key failure of an insert or update (duplicate `_id` or unique index). */
export function duplicateKeyError(collection: string, index: string, key: Record<string, unknown>): DbError {
  const shown = Object.entries(key)
    .map(([field, value]) => `${field}: ${value === undefined ? 'null' : JSON.stringify(value)}`)
    .join(', ')
  return new DbError(
    'DATABASE_REQUEST_FAILED',
    `[FailedOperation] E11000 duplicate key error collection: ${collection} index: ${index} dup key: { ${shown} }`
  )
}

/**
 * What `runTransaction` retries on (see @cloudbase/database transaction/index.js); the message is
 * the cloud's (@cloudbase/node-sdk test/database/unit/transaction.test.ts), plus the document.
 */
export function transactionConflictError(detail: string): DbError {
  return new DbError(
    'DATABASE_TRANSACTION_CONFLICT',
    `[ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe resource operated by others. Please check your request, but if the problem persists, contact us. (${detail})`
  )
}

/** Any use of a transaction after its commit, rollback, conflict or lifetime (the cloud's text). */
export function transactionNotExistError(): DbError {
  return new DbError(
    'DATABASE_TRANSACTION_FAIL',
    '[ResourceUnavailable.TransactionNotExist] Transaction does not exist on the server, transaction must be commit or abort in 30 seconds. Please check your request, but if the problem persists, contact us.'
  )
}

/** A collection the deployment did not create (wx-server-sdk maps the code to errCode -502005). */
export function collectionNotExistError(collection: string): DbError {
  return new DbError(
    'DATABASE_COLLECTION_NOT_EXIST',
    `[ResourceNotFound] Db or Table not exist: ${collection}. Please check your request, but if the problem persists, contact us.`
  )
}

export function requestFailed(message: string): DbError {
  return new DbError('DATABASE_REQUEST_FAILED', message)
}

export function invalidParam(message: string): DbError {
  return new DbError('INVALID_PARAM', message)
}
