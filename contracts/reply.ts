import { z } from './zod'
import { ERROR_CODES } from './envelope'

// The envelope's codes, types and helpers are defined once, without zod, in contracts/envelope.ts
// (the app's main package reads replies with `readEnvelope`); the schemas below mean the same.
export { ERROR_CODES, fail, ok, readEnvelope, type ErrorCode, type Reply, type ReplyError } from './envelope'

export const replyErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  fields: z.array(z.string()).optional()
})

/** Parses any function's reply envelope; the payload is checked by the caller's own schema. */
export const replyEnvelopeSchema = z.union([
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: replyErrorSchema })
])
