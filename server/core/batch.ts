/**
 * The back office's batch actions (docs/back-office.md §4, contracts/batch.ts): one call runs a
 * single action's own handler for each id, BATCH_CONCURRENCY at a time, and answers per id. One
 * id's refusal never stops the others.
 *
 * Round trips: the items' handlers share the call's caller. The first item's first read carries
 * the caller (as a single call's does); the others read their own parts alone, beside it — so a
 * batch costs the sum of its singles' round trips (a single's caller read rides on its own first
 * read: no saving there), and its wall time about a quarter of theirs one after another (four at a time).
 */
import type { BatchResult } from '../../contracts/batch'
import type { ZodType } from 'zod'
import { AppError, BUSY_MESSAGE, isTransactionConflict } from './errors'
import { parseInput, type FirstReadContext } from './function'
import type { Caller } from './identity'
import { readTogether, type Part } from './together'

export const BATCH_CONCURRENCY = 4

export interface BatchRun<T> {
  /** Per id, in the order asked. */
  results: BatchResult[]
  /** What each item that succeeded answered. */
  done: { id: string; value: T }[]
  caller: Caller
}

const errorOf = (error: unknown): { code: string; message: string } => {
  if (error instanceof AppError) return { code: error.code, message: error.message }
  if (isTransactionConflict(error)) return { code: 'CONFLICT', message: BUSY_MESSAGE }
  console.error('[batch] unexpected error', error)
  return { code: 'INTERNAL', message: '服务暂时不可用，请稍后重试' }
}

/**
 * Runs `one(input, ctx)` for every id: `inputOf(id)` is the single action's input, parsed with the
 * single action's own contract (`schema`: its rules, its messages — a refusal is that id's
 * INVALID_INPUT). The caller is checked once: refused (UNAUTHENTICATED, FORBIDDEN by role,
 * RATE_LIMITED) the whole call is refused, never an item.
 */
export async function runBatch<I, T>(
  ctx: FirstReadContext,
  ids: string[],
  schema: ZodType<I>,
  inputOf: (id: string) => unknown,
  one: (input: I, ctx: FirstReadContext) => Promise<T>
): Promise<BatchRun<T>> {
  let first: Promise<Caller> | undefined
  let refused: { error: unknown } | undefined
  const shared: FirstReadContext = {
    openid: ctx.openid,
    async readWithCaller<K extends string>(parts: Record<K, Part>) {
      if (refused) throw refused.error
      if (!first) {
        const read = ctx.readWithCaller(parts)
        first = read.then(
          (r) => r.caller,
          (error: unknown) => {
            refused = { error }
            throw error
          }
        )
        // Awaited by the other items, if any; the call answers the refusal itself.
        first.catch(() => undefined)
        return read
      }
      // The item's own documents beside the caller's read; answered only once the caller is checked.
      const [caller, docs] = await Promise.all([first, readTogether(parts)])
      return { caller, docs }
    }
  }
  const results: BatchResult[] = new Array(ids.length)
  const values: (T | undefined)[] = new Array(ids.length)
  let next = 0
  const worker = async () => {
    while (next < ids.length && !refused) {
      const i = next++
      const id = ids[i]
      const parsed = parseInput(schema, inputOf(id))
      if (!parsed.ok) {
        results[i] = { id, ok: false, error: { code: 'INVALID_INPUT', message: parsed.message } }
        continue
      }
      try {
        values[i] = await one(parsed.data, shared)
        results[i] = { id, ok: true }
      } catch (error) {
        if (refused) return
        results[i] = { id, ok: false, error: errorOf(error) }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, ids.length) }, worker))
  if (refused) throw refused.error
  // Every item refused by its own input: the caller is still read and checked (the shell requires it).
  const caller = first ? await first : (await ctx.readWithCaller({})).caller
  const done = results.flatMap((r, i) => (r.ok ? [{ id: r.id, value: values[i] as T }] : []))
  return { results, done, caller }
}
