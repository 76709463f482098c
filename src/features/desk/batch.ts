import { BATCH_MAX, type BatchReply, type BatchResult } from '@contracts/batch'
import type { Reply } from '@contracts/reply'

/**
 * Sends a selection to a batch action in sequential chunks of BATCH_MAX (the server's limit) and
 * gathers one outcome per id; a chunk whose call failed as a whole gives each of its ids that error.
 */
export async function runBatch(ids: readonly string[], send: (chunk: string[]) => Promise<Reply<BatchReply>>): Promise<Map<string, BatchResult>> {
  const outcomes = new Map<string, BatchResult>()
  for (let at = 0; at < ids.length; at += BATCH_MAX) {
    const chunk = ids.slice(at, at + BATCH_MAX)
    const reply = await send(chunk)
    if (reply.ok) for (const result of reply.data.results) outcomes.set(result.id, result)
    else for (const id of chunk) outcomes.set(id, { id, ok: false, error: { code: reply.error.code, message: reply.error.message } })
  }
  return outcomes
}
