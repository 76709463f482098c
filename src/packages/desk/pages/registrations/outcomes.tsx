import { useState } from 'react'
import type { BatchResult } from '@contracts/batch'
import type { Reply } from '@contracts/reply'
import type { BatchReply } from '@contracts/batch'
import { runBatch } from '@/features/desk'

/**
 * A desk page's batch work on a paged list: the selection, the per-row outcome of the last batch
 * (shown under each row), and the rows it acted on kept in view after the list reloads — a row
 * approved in the 待审核 view is no longer in it, yet the person must see 已通过 beside it.
 */
export function useBatchWork<T>(rowKey: (row: T) => string) {
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const [outcomes, setOutcomes] = useState<Map<string, BatchResult>>(new Map())
  const [kept, setKept] = useState<T[]>([])
  const [busy, setBusy] = useState(false)

  /** Sends the selection in chunks of 20 (features/desk runBatch); `after` reloads the list. */
  const run = async (rows: readonly T[], send: (chunk: string[]) => Promise<Reply<BatchReply>>, decided: (row: T) => T, after: () => void) => {
    const ids = [...selected]
    if (!ids.length || busy) return
    setBusy(true)
    const results = await runBatch(ids, send)
    const byId = new Map(rows.map((row) => [rowKey(row), row]))
    setKept(ids.flatMap((id) => (byId.has(id) ? [results.get(id)?.ok ? decided(byId.get(id)!) : byId.get(id)!] : [])))
    setOutcomes(results)
    setSelected(new Set())
    setBusy(false)
    after()
  }

  /** The list's rows, with the rows the last batch acted on first when the reloaded page no longer has them. */
  const rowsWith = (rows: readonly T[]): T[] => {
    const fresh = new Set(rows.map(rowKey))
    return [...kept.filter((row) => !fresh.has(rowKey(row))), ...rows]
  }

  /** A new filter or page: the last batch's rows and outcomes are put away. */
  const reset = () => {
    setKept([])
    setOutcomes(new Map())
    setSelected(new Set())
  }

  const outcomeOf = (row: T) => outcomes.get(rowKey(row))
  return { selected, setSelected, outcomes, outcomeOf, busy, run, rowsWith, reset }
}

/** A row's outcome line: 已通过 (or the page's word for it) or the refusal's message. */
export function OutcomeNote({ result, okText }: { result: BatchResult | undefined; okText: string }) {
  if (!result) return null
  return (
    <span className={result.ok ? 'desk-list__outcome desk-list__outcome--ok' : 'desk-list__outcome desk-list__outcome--error'} role='status' data-testid='desk-outcome'>
      {result.ok ? okText : result.error.message}
    </span>
  )
}

/** 共处理 N 条：成功 x 条，y 条未成功. */
export function summaryOf(outcomes: Map<string, BatchResult>): string | null {
  if (!outcomes.size) return null
  const ok = [...outcomes.values()].filter((r) => r.ok).length
  const failed = outcomes.size - ok
  return `共处理 ${outcomes.size} 条：成功 ${ok} 条${failed ? `，${failed} 条未成功（原因见各行）` : ''}`
}
