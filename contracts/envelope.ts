/**
 * The reply envelope without zod: what the app's main package and the district subpackage need
 * (issue #15: no zod runtime on the client where a contract only types a call). contracts/reply.ts
 * re-exports all of it next to the envelope's zod schemas, which mean the same as `readEnvelope`
 * (tests/unit/envelope.test.ts holds the two together).
 */

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

export function ok<T>(data: T): Reply<T> {
  return { ok: true, data }
}

export function fail(code: ErrorCode, message: string, fields?: string[]): Reply<never> {
  return { ok: false, error: fields ? { code, message, fields } : { code, message } }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Any function's reply envelope, or null when `raw` is none: `{ ok: true, data }` or
 * `{ ok: false, error: { code (one of ERROR_CODES), message, fields? } }`, unknown keys dropped
 * (as `replyEnvelopeSchema.safeParse` in contracts/reply.ts). The payload is the caller's to check.
 */
export function readEnvelope(raw: unknown): Reply<unknown> | null {
  if (!isObject(raw)) return null
  if (raw.ok === true) return 'data' in raw ? { ok: true, data: raw.data } : null
  if (raw.ok !== false || !isObject(raw.error)) return null
  const { code, message, fields } = raw.error
  if (!(ERROR_CODES as readonly unknown[]).includes(code) || typeof message !== 'string') return null
  if (fields === undefined) return { ok: false, error: { code: code as ErrorCode, message } }
  if (!Array.isArray(fields) || !fields.every((f) => typeof f === 'string')) return null
  return { ok: false, error: { code: code as ErrorCode, message, fields } }
}
