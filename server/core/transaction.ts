/**
 * Transactions that survive a crowd.
 *
 * The cloud database (TencentDB for MongoDB) runs transactions under snapshot isolation: reads see
 * the database as of the transaction's first operation, reads are not validated, and a write to a
 * document another transaction wrote meanwhile fails with a conflict. wx-server-sdk's
 * `runTransaction` retries only the conflicts found at commit: a conflict at a write inside the
 * callback reaches it wrapped (errCode -501001, the DATABASE_TRANSACTION_CONFLICT code dropped),
 * so it is thrown at once. This runs the callback again on any conflict, after a random, growing
 * wait so that a crowd on one document spreads out, and rethrows the conflict after `rounds`
 * rounds or once `budgetMs` has passed (the function shell answers CONFLICT, 操作的人较多，请稍后重试)
 * — well inside the function's 3 s timeout, so the caller gets an answer, not a timeout.
 *
 * A document every caller writes (a hot counter) serialises them all: prefer a guarded update or
 * a deterministic `_id` there (see activities/signups.ts, activities/volunteers.ts).
 *
 * The callback must be retry-safe: read everything it decides on inside (through `tx`), protect
 * each decision by writing the document it read (or by a guarded update), and leave side effects
 * (messages, uploads, notifications) until after it returns.
 */
import { db, type TransactionRef } from './db'
import { isTransactionConflict } from './errors'

const MAX_WAIT_MS = 1000
/** Retrying stops this long after the first attempt (functions time out at 3 s by default). */
const DEFAULT_BUDGET_MS = 1500

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export async function transaction<T>(
  work: (tx: TransactionRef) => Promise<T>,
  options: { rounds?: number; sdkRetries?: number; budgetMs?: number } = {}
): Promise<T> {
  const rounds = options.rounds ?? 8
  const deadline = Date.now() + (options.budgetMs ?? DEFAULT_BUDGET_MS)
  for (let round = 1; ; round++) {
    try {
      return await db().runTransaction(work, options.sdkRetries ?? 3)
    } catch (error) {
      if (!isTransactionConflict(error) || round >= rounds) throw error
      const wait = Math.random() * Math.min(MAX_WAIT_MS, 10 * 2 ** round)
      if (Date.now() + wait >= deadline) throw error
      await sleep(wait)
    }
  }
}
