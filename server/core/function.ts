import type { ZodType } from 'zod'
import { inputErrorMessage, markDefaults, type IssueLike } from '../../contracts/messages'
import { fail, ok, type Reply } from '../../contracts/reply'
import { sdk } from './db'
import { AppError, BUSY_MESSAGE, isTransactionConflict } from './errors'
import { checkAccess, type Access } from './guard'
import { loadCaller, type Caller } from './identity'

export interface ActionContext {
  /** The caller; null only for 'public' actions called without an openid. */
  caller: Caller | null
}

export interface SignedInContext {
  caller: Caller
}

type Handler<I, O, C> = (input: I, ctx: C) => Promise<O>

export interface ActionDef<I = any, O = any> {
  input: ZodType<I>
  access: Access
  handler: Handler<I, O, any>
}

/** Declares one action: its input schema (from contracts), who may call it, and the handler. */
export function action<I, O>(def: { input: ZodType<I>; access: 'public'; handler: Handler<I, O, ActionContext> }): ActionDef<I, O>
export function action<I, O>(def: { input: ZodType<I>; access: Exclude<Access, 'public'>; handler: Handler<I, O, SignedInContext> }): ActionDef<I, O>
export function action<I, O>(def: ActionDef<I, O>): ActionDef<I, O> {
  return def
}

function zodFields(error: { issues: { path: PropertyKey[] }[] }): string[] {
  const fields = error.issues.map((issue) => issue.path.map(String).join('.') || '(root)')
  return [...new Set(fields)]
}

/**
 * Parses an action's input with its contract. A refusal carries the contract's own Chinese message
 * for each field, or a Chinese default for the kind of mistake naming the field (contracts/messages.ts)
 * — never zod's English text — and `fields`, the paths of the fields at fault.
 */
export function parseInput<I>(schema: ZodType<I>, input: unknown): { ok: true; data: I } | { ok: false; message: string; fields: string[] } {
  const parsed = schema.safeParse(input, { error: markDefaults })
  if (parsed.success) return { ok: true, data: parsed.data }
  return { ok: false, message: inputErrorMessage(parsed.error.issues as unknown as IssueLike[]), fields: zodFields(parsed.error) }
}

/**
 * The whole shell of a cloud function: route on `event.action`, parse the input with the shared
 * contract, identify the caller from `getWXContext().OPENID` (never from the event), check access,
 * run the handler and wrap the result in the reply envelope. A transaction conflict that outlived
 * its retries becomes CONFLICT; other unexpected errors become INTERNAL without leaking their text.
 */
export function defineFunction(actions: Record<string, ActionDef>) {
  return async function main(event: unknown): Promise<Reply<unknown>> {
    try {
      if (!event || typeof event !== 'object') return fail('INVALID_INPUT', '请求格式错误', ['action'])
      const { action: name, ...rest } = event as Record<string, unknown>
      // Fields the cloud adds to every event (userInfo, tcbContext) are not part of any input.
      delete rest.userInfo
      delete rest.tcbContext
      if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(actions, name))
        return fail('INVALID_INPUT', `未知操作：${String(name)}`, ['action'])
      const def = actions[name]
      const parsed = parseInput(def.input, rest)
      if (!parsed.ok) return fail('INVALID_INPUT', parsed.message, parsed.fields)
      const openid = sdk().getWXContext().OPENID as string | undefined
      const caller = openid ? await loadCaller(openid) : null
      checkAccess(caller, def.access)
      const data = await def.handler(parsed.data, { caller })
      return ok(data ?? null)
    } catch (error) {
      if (error instanceof AppError) return fail(error.code, error.message, error.fields)
      // A transaction that still conflicted after the SDK's retries: many people acted at once.
      if (isTransactionConflict(error)) return fail('CONFLICT', BUSY_MESSAGE)
      console.error('[function] unexpected error', error)
      return fail('INTERNAL', '服务暂时不可用，请稍后重试')
    }
  }
}
