import type { ErrorCode } from '../../contracts/reply'

/** Thrown anywhere in a handler; the function shell turns it into `{ ok: false, error }`. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: string[]
  ) {
    super(message)
    this.name = 'AppError'
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what}不存在`)
export const forbidden = (message = '无权进行此操作') => new AppError('FORBIDDEN', message)
export const conflict = (message: string) => new AppError('CONFLICT', message)
export const invalid = (message: string, fields?: string[]) => new AppError('INVALID_INPUT', message, fields)

/** The text of a database error, wherever the SDK put it (`errMsg` when wrapped, `message` when not). */
export function errorText(error: unknown): string {
  if (typeof error === 'string') return error
  const e = error as { errMsg?: unknown; message?: unknown } | null | undefined
  return `${String(e?.errMsg ?? '')} ${String(e?.message ?? '')}`
}

/** What a caller is told when a transaction still conflicts after its retries (many people at once). */
export const BUSY_MESSAGE = '操作的人较多，请稍后重试'

/**
 * The database's write–write conflict in a transaction (code DATABASE_TRANSACTION_CONFLICT, text
 * "[ResourceUnavailable.TransactionConflict] Transaction is conflict, …").
 *
 * Where it surfaces matters: at commit, @cloudbase/database sees the server's string `code` and
 * `runTransaction` retries the callback; at a write inside the callback, wx-server-sdk's document
 * wrapper (`maybeTransformError`) turns the code into errCode -501001 (its "unknown code") and
 * keeps only the text, so the SDK does NOT retry and the error leaves `runTransaction` as it is.
 * Hence the text is checked as well as the code, and server/core/transaction.ts retries itself.
 */
export function isTransactionConflict(error: unknown): boolean {
  const e = error as { code?: unknown; errCode?: unknown } | null | undefined
  if (e?.code === 'DATABASE_TRANSACTION_CONFLICT' || e?.errCode === 'DATABASE_TRANSACTION_CONFLICT') return true
  return /TRANSACTION_CONFLICT|TransactionConflict|transaction (is )?conflict/i.test(errorText(error))
}

/** The reply for a conflict that exhausted its retries: CONFLICT with a message a resident understands. */
export const busy = () => new AppError('CONFLICT', BUSY_MESSAGE)
