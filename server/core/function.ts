import type { ZodType } from 'zod'
import { stripInvisibleDeep } from '../../contracts/common'
import { inputErrorMessage, markDefaults, type IssueLike } from '../../contracts/messages'
import { fail, ok, type Reply } from '../../contracts/reply'
import { sdk } from './db'
import { AppError, BUSY_MESSAGE, isTransactionConflict } from './errors'
import { checkAccess, type Access } from './guard'
import { callerOf, callerPart, loadCaller, type Caller, type UserRecord } from './identity'
import { giveBackRateUnit, rateDocId, rateDocPart, takeRateUnit, takeRateUnits, type KnownRateDocs, type RateTaking, type RateUnit } from './quota'
import { RATE_LIMITS, rateLimitOf, type RateLimit } from './rateLimits'
import { readTogether, type Part } from './together'

export interface ActionContext {
  /** The caller; null only for 'public' actions called without an openid. */
  caller: Caller | null
}

export interface SignedInContext {
  caller: Caller
}

/**
 * The context of an action whose caller is read together with its first read (`identity:
 * 'withFirstRead'`): the shell reads nothing before the handler, which must call `readWithCaller`
 * before it writes or answers anything. That one round trip returns the caller (access already
 * checked: it throws UNAUTHENTICATED/FORBIDDEN as the shell would) and the parts' documents, so
 * the identity read costs no round trip of its own.
 */
export interface FirstReadContext {
  /** The caller's openid (from getWXContext), for parts that read the caller's own documents. */
  openid: string
  readWithCaller<K extends string>(parts: Record<K, Part>): Promise<{ caller: Caller } & { docs: Record<K, Record<string, any>[]> }>
}

type Handler<I, O, C> = (input: I, ctx: C) => Promise<O>

export interface ActionDef<I = any, O = any> {
  input: ZodType<I>
  access: Access
  identity?: 'withFirstRead'
  handler: Handler<I, O, any>
}

/** Declares one action: its input schema (from contracts), who may call it, and the handler. */
export function action<I, O>(def: { input: ZodType<I>; access: 'public'; handler: Handler<I, O, ActionContext> }): ActionDef<I, O>
export function action<I, O>(def: {
  input: ZodType<I>
  access: Exclude<Access, 'public'>
  identity: 'withFirstRead'
  handler: Handler<I, O, FirstReadContext>
}): ActionDef<I, O>
export function action<I, O>(def: { input: ZodType<I>; access: Exclude<Access, 'public'>; handler: Handler<I, O, SignedInContext> }): ActionDef<I, O>
export function action<I, O>(def: ActionDef<I, O>): ActionDef<I, O> {
  return def
}

const CALLER_PART = '__caller'
const RATE_PART = '__rate'

/**
 * The rate buckets of a `withFirstRead` call: either the person's own alone, taken alongside the
 * first read (`alongside`), or several — the counter documents to read with the caller
 * (`docIds`) and what takes the units then (`take`).
 */
interface CallerRate {
  alongside?: () => Promise<void>
  docIds: string[]
  take?: (caller: Caller, known: KnownRateDocs) => Promise<{ unit: RateUnit; taking: RateTaking } | undefined>
}

/**
 * Runs a `withFirstRead` handler: the caller comes with the handler's first read, or the call fails.
 * The call's rate buckets (`rate`) are taken as soon as the caller is known; their counter
 * documents come with that same read. A daily unit goes back when the handler then refuses the call.
 */
async function runWithFirstRead(def: ActionDef, input: unknown, openid: string | undefined, rate?: CallerRate): Promise<unknown> {
  if (!openid) checkAccess(null, def.access)
  let identified = false
  let daily: { unit: RateUnit; taking: RateTaking } | undefined
  const ctx: FirstReadContext = {
    openid: openid as string,
    async readWithCaller<K extends string>(parts: Record<K, Part>) {
      const rateParts = !identified && rate ? Object.fromEntries(rate.docIds.map((id, i) => [`${RATE_PART}${i}`, rateDocPart(id)])) : {}
      const [all] = await Promise.all([
        readTogether({ ...parts, ...rateParts, [CALLER_PART]: callerPart(openid as string) } as Record<string, Part>),
        !identified && rate?.alongside ? rate.alongside() : undefined
      ])
      const caller = callerOf(openid as string, (all[CALLER_PART][0] as UserRecord | undefined) ?? null)
      const known: KnownRateDocs = new Map(Object.keys(rateParts).map((name, i) => [rate!.docIds[i], all[name][0] ?? null]))
      for (const name of Object.keys(rateParts)) delete all[name]
      // The buckets first, as the shell does for other actions: a caller refused either way hears RATE_LIMITED once over the limit.
      if (rate?.take && !identified) daily = await rate.take(caller, known)
      checkAccess(caller, def.access)
      identified = true
      delete all[CALLER_PART]
      return { caller, docs: all as Record<K, Record<string, any>[]> }
    }
  }
  let data: unknown
  try {
    data = await def.handler(input, ctx)
  } catch (error) {
    // A refused call spends none of the person's daily allowance.
    if (daily) await giveBackRateUnit(daily.unit, daily.taking)
    throw error
  }
  // A handler that answered without knowing who called is a bug, never an answer.
  if (!identified) throw new Error('a withFirstRead handler answered without readWithCaller')
  return data
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
  // Invisible characters (zero-width, bidi controls) never count as text: contracts/common.ts.
  const parsed = schema.safeParse(stripInvisibleDeep(input), { error: markDefaults })
  if (parsed.success) return { ok: true, data: parsed.data }
  return { ok: false, message: inputErrorMessage(parsed.error.issues as unknown as IssueLike[]), fields: zodFields(parsed.error) }
}

/** An action name is echoed back only when it is a short, plain name (never an object or arbitrary text). */
const ECHOABLE_ACTION = /^[A-Za-z0-9_.:-]{1,40}$/
const unknownActionMessage = (name: unknown): string =>
  typeof name === 'string' && ECHOABLE_ACTION.test(name) ? `未知操作：${name}` : '未知操作'

/**
 * The caller's own bucket of a rate-limited action (server/core/rateLimits.ts) when it is the
 * call's only one: per openid, or — for a public action called without one — the global anonymous
 * bucket. Taken alongside the identity (or first) read, so it adds no wait: one write (an add for a
 * person new to this instance, else the guarded update; see takeRateUnits). Throws RATE_LIMITED.
 */
async function takePersonalUnit(key: string, limit: RateLimit, openid: string | undefined, isPublic: boolean): Promise<void> {
  let taken = true
  if (openid) taken = await takeRateUnit(key, `p:${openid}`, limit.perPerson, limit.window)
  else if (isPublic) taken = await takeRateUnit(key, 'anon', limit.anonymous ?? limit.perPerson, 'minute')
  if (!taken) throw new AppError('RATE_LIMITED', limit.message)
}

/**
 * The buckets of a `withFirstRead` action: the caller's own, their community's and their daily
 * allowance (the person's minute and day share one counter document). Their documents are read
 * with the first read (`docIds`: the community's only when the input names it; one found from the
 * caller's profile is guided by the instance's hint), then taken in one write once the caller is
 * known. With the person's bucket alone, it is taken alongside the first read instead. `take`
 * answers the daily unit taken (to give back if the handler refuses the call after all).
 */
function callerRate(key: string, limit: RateLimit, input: unknown, openid: string): CallerRate {
  if (!limit.perCommunity && !limit.perDay) return { alongside: () => takePersonalUnit(key, limit, openid, false), docIds: [] }
  const communityOf = (caller: Caller | null) => (limit.perCommunity ? limit.communityOf?.((input ?? {}) as Record<string, unknown>, caller) : undefined)
  const early = communityOf(null)
  const docIds = [rateDocId({ key, subject: `p:${openid}` }), ...(early ? [rateDocId({ key, subject: `c:${early}` })] : [])]
  return {
    docIds,
    async take(caller, known) {
      const communityId = communityOf(caller)
      const units: RateUnit[] = [{ key, subject: `p:${caller.openid}`, limit: limit.perPerson, window: limit.window }]
      if (communityId && limit.perCommunity) units.push({ key, subject: `c:${communityId}`, limit: limit.perCommunity, window: limit.window })
      const daily: RateUnit | undefined = limit.perDay && { key, subject: `p:${caller.openid}`, limit: limit.perDay.limit, window: 'day' }
      if (daily) units.push(daily)
      const taking = await takeRateUnits(units, { spare: daily ? [daily] : [], known })
      const { full } = taking
      // The day's allowance's message only when it alone refused (the row's message covers the minute's).
      if (full.length) throw new AppError('RATE_LIMITED', limit.perDay && full.length === 1 && full[0] === daily ? limit.perDay.message : limit.message)
      return daily && { unit: daily, taking }
    }
  }
}

/**
 * The whole shell of a cloud function: route on `event.action`, parse the input with the shared
 * contract, identify the caller from `getWXContext().OPENID` (never from the event), check access,
 * run the handler and wrap the result in the reply envelope. A transaction conflict that outlived
 * its retries becomes CONFLICT; other unexpected errors become INTERNAL without leaking their text.
 * `fn` is the function's name (cloudfunctions/<fn>): its rate limits are the rows `<fn>.<action>` of
 * server/core/rateLimits.ts, the only place they are declared.
 */
export function defineFunction(fn: string, actions: Record<string, ActionDef>): (event: unknown) => Promise<Reply<unknown>> {
  // A row naming an action the function does not have is a typo that would limit nothing.
  for (const key of Object.keys(RATE_LIMITS)) {
    if (key.startsWith(`${fn}.`) && !Object.prototype.hasOwnProperty.call(actions, key.slice(fn.length + 1)))
      throw new Error(`rate limit ${key}: function ${fn} has no such action`)
  }
  for (const [name, def] of Object.entries(actions)) {
    if (def.identity === 'withFirstRead' && def.access === 'public') throw new Error(`${fn}.${name}: withFirstRead needs a signed-in access`)
    const limit = rateLimitOf(fn, name)
    // Buckets that need the caller are taken as soon as the caller is known: with the first read.
    if ((limit?.perDay || limit?.perCommunity) && def.identity !== 'withFirstRead')
      throw new Error(`${fn}.${name}: a daily allowance or a community bucket needs withFirstRead`)
  }
  return async function main(event: unknown): Promise<Reply<unknown>> {
    try {
      if (!event || typeof event !== 'object') return fail('INVALID_INPUT', '请求格式错误', ['action'])
      const { action: name, ...rest } = event as Record<string, unknown>
      // Fields the cloud adds to every event (userInfo, tcbContext) are not part of any input.
      delete rest.userInfo
      delete rest.tcbContext
      if (name === undefined || name === null || name === '') return fail('INVALID_INPUT', '请求缺少操作名', ['action'])
      if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(actions, name))
        return fail('INVALID_INPUT', unknownActionMessage(name), ['action'])
      const def = actions[name]
      const parsed = parseInput(def.input, rest)
      if (!parsed.ok) return fail('INVALID_INPUT', parsed.message, parsed.fields)
      const openid = sdk().getWXContext().OPENID as string | undefined
      const limit = rateLimitOf(fn, name)
      const key = `${fn}.${name}`
      if (def.identity === 'withFirstRead') {
        // The person's bucket alone: taken alongside the first read; with a compound's or a daily
        // bucket: all in one write once the caller is known (their documents read with the first read).
        const rate = limit && openid ? callerRate(key, limit, parsed.data, openid) : undefined
        return ok((await runWithFirstRead(def, parsed.data, openid, rate)) ?? null)
      }
      // The caller's own bucket is taken alongside the identity lookup (no added wait).
      const [caller] = await Promise.all([
        openid ? loadCaller(openid) : null,
        limit ? takePersonalUnit(key, limit, openid, def.access === 'public') : undefined
      ])
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
