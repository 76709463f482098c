import type { ZodType } from 'zod'
// The envelope without zod: this module is in the main package, which carries no zod runtime.
import { readEnvelope, type Reply, type ReplyError } from '@contracts/envelope'
import { transport as platformTransport } from './transport'
import type { Transport } from './types'

export const NETWORK_ERROR_MESSAGE = '网络异常，请稍后重试'
export const MALFORMED_REPLY_MESSAGE = '服务暂时不可用，请稍后重试'
export const UNEXPECTED_DATA_MESSAGE = '数据格式有误，请稍后重试'
export const TIMEOUT_MESSAGE = '服务响应超时，请稍后重试'
/** wx.cloud.callFunction's errCode when the function ran past its timeout (the H5 transport gives the same). */
export const FUNCTION_TIMEOUT_ERRCODE = -504003

let currentTransport: Transport = platformTransport

/** Test seam: replaces the transport (no argument restores the platform one). */
export function setTransport(next?: Transport): void {
  currentTransport = next ?? platformTransport
}

function internal(message: string): { ok: false; error: ReplyError } {
  return { ok: false, error: { code: 'INTERNAL', message } }
}

/**
 * Calls cloud function `name` with `{ action, ...input }` and returns its reply envelope. Never
 * throws: transport failures, malformed envelopes and (when `output` is given) payloads that do not
 * match the contract all come back as `INTERNAL` with a Chinese message.
 */
export async function call<TOut = unknown>(
  name: string,
  action: string,
  input: object = {},
  output?: ZodType<TOut>
): Promise<Reply<TOut>> {
  let raw: unknown
  try {
    raw = await currentTransport(name, { ...(input as Record<string, unknown>), action })
  } catch (err) {
    logFailure(name, action, err)
    // The weapp rejection may carry the timeout code at the top or only in its text
    // ("… cloud function service error code -504003 …").
    const e = err as { errCode?: unknown; errMsg?: unknown } | null
    const timedOut = e?.errCode === FUNCTION_TIMEOUT_ERRCODE || /-504003|timed out/i.test(String(e?.errMsg ?? ''))
    return internal(timedOut ? TIMEOUT_MESSAGE : NETWORK_ERROR_MESSAGE)
  }
  const reply = readEnvelope(raw)
  if (!reply) {
    logFailure(name, action, raw)
    return internal(MALFORMED_REPLY_MESSAGE)
  }
  if (!reply.ok) return { ok: false, error: reply.error }
  if (!output) return { ok: true, data: reply.data as TOut }
  const parsed = output.safeParse(reply.data)
  if (!parsed.success) {
    logFailure(name, action, parsed.error)
    return internal(UNEXPECTED_DATA_MESSAGE)
  }
  return { ok: true, data: parsed.data }
}

function logFailure(name: string, action: string, err: unknown): void {
  if (process.env.NODE_ENV !== 'test') console.warn(`[call] ${name}.${action} failed`, err)
}
