import { z } from './zod'

/** Stable error codes shared by every function and the client. */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'CAPACITY_FULL',
  'EXPIRED',
  'RATE_LIMITED',
  /** The action needs a registration first (e.g. 志愿者实名登记 before a first sign-up); the client opens it. */
  'REGISTRATION_REQUIRED',
  'INTERNAL'
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

export interface ReplyError {
  code: ErrorCode
  message: string
  /** For INVALID_INPUT: the offending fields, dotted paths. */
  fields?: string[]
}

export type Reply<T> = { ok: true; data: T } | { ok: false; error: ReplyError }

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

export function ok<T>(data: T): Reply<T> {
  return { ok: true, data }
}

export function fail(code: ErrorCode, message: string, fields?: string[]): Reply<never> {
  return { ok: false, error: fields ? { code, message, fields } : { code, message } }
}
