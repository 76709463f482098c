/**
 * Batch actions of the back office (issue #19, docs/back-office.md §4): one call acts on up to
 * BATCH_MAX records, each through the single action's own guards, and answers per record; one
 * record's refusal never stops the others. The app sends a larger selection in chunks.
 */
import { z } from './zod'

export const BATCH_MAX = 20

export const batchIdsSchema = (what: string) =>
  z
    .array(z.string().min(1).max(64))
    .min(1, `请至少选择一条${what}`)
    .max(BATCH_MAX, `一次最多处理 ${BATCH_MAX} 条${what}`)
    .refine((ids) => new Set(ids).size === ids.length, `${what}有重复`)

export const batchResultSchema = z.union([
  z.object({ id: z.string(), ok: z.literal(true) }),
  z.object({ id: z.string(), ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) })
])
export type BatchResult = z.infer<typeof batchResultSchema>

export const batchReplySchema = z.object({ results: z.array(batchResultSchema) })
export type BatchReply = z.infer<typeof batchReplySchema>
