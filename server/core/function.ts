import type { ZodType } from 'zod'
import { stripInvisibleDeep } from '../../contracts/common'
import { inputErrorMessage, markDefaults, type IssueLike } from '../../contracts/messages'
import { fail, ok, type Reply } from '../../contracts/reply'
import { clock } from './clock'
import { db } from './db'
import { isPhoneOnly, PHONE_ONLY_MESSAGE } from './deskPolicy'
import { AppError, BUSY_MESSAGE, isTransactionConflict } from './errors'
import { checkAccess, type Access } from './guard'
import {
  DESK_SIGNED_OUT,
  callerOf,
  callerPart,
  deskCallerOf,
  deskSessionPart,
  identify,
  knownDeskOpenid,
  loadCaller,
  readDeskSession,
  rememberDeskOpenid,
  touchDeskSession,
  type Caller,
  type DeskSessionRecord,
  type UserRecord
} from './identity'
import { giveBackRateUnit, rateDocId, rateDocPart, takeRateUnit, takeRateUnits, type KnownRateDocs, type RateTaking, type RateUnit } from './quota'
import { RATE_LIMITS, rateLimitOf, type RateLimit } from './rateLimits'
import { readTogether, type Part } from './together'

export interface ActionContext {
  /** The caller; null only for 'public' actions called without an openid (or a valid desk session). */
  caller: Caller | null
  /** The client's IP address, when the platform gives one (public actions limit machines by it). */
  ip?: string
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
  /** The caller's openid (from getWXContext, or a desk session's person), for parts that read the caller's own documents. */
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
const DESK_PART = '__desk'
const RATE_PART = '__rate'

/**
 * The person behind a desk session before a `withFirstRead` call's first read: the instance knows
 * it (sid → openid never changes), or one read of the session finds it (a cold instance only). A
 * session that is plainly over is refused here; the first read checks it again in full.
 */
async function deskOpenid(sid: string): Promise<string> {
  const known = knownDeskOpenid(sid)
  if (known) return known
  const res = await db().collection('deskSessions').where({ _id: sid }).limit(1).get()
  const session = res.data[0] as DeskSessionRecord | undefined
  if (!session || session.status !== 'active' || !session.openid) throw new AppError('UNAUTHENTICATED', DESK_SIGNED_OUT)
  rememberDeskOpenid(sid, session.openid)
  return session.openid
}

/** lastSeenAt written beside the handler, awaited before the reply; its failure never fails the call. */
const touchBeside = (sid: string, now: number): Promise<void> =>
  touchDeskSession(sid, now).catch((error) => console.warn('[desk] lastSeenAt not written', sid, error))

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
async function runWithFirstRead(def: ActionDef, input: unknown, openid: string | undefined, rate?: CallerRate, sid?: string): Promise<unknown> {
  if (!openid) checkAccess(null, def.access)
  let identified = false
  let daily: { unit: RateUnit; taking: RateTaking } | undefined
  let touching: Promise<void> | undefined
  const ctx: FirstReadContext = {
    openid: openid as string,
    async readWithCaller<K extends string>(parts: Record<K, Part>) {
      const rateParts = !identified && rate ? Object.fromEntries(rate.docIds.map((id, i) => [`${RATE_PART}${i}`, rateDocPart(id)])) : {}
      // A desk caller: its session comes with the same read, and is checked as the shell checks it.
      const deskParts = sid ? { [DESK_PART]: deskSessionPart(sid) } : {}
      const [all] = await Promise.all([
        readTogether({ ...parts, ...rateParts, ...deskParts, [CALLER_PART]: callerPart(openid as string) } as Record<string, Part>),
        !identified && rate?.alongside ? rate.alongside() : undefined
      ])
      const user = (all[CALLER_PART][0] as UserRecord | undefined) ?? null
      let caller: Caller
      if (sid) {
        const now = clock.now()
        const session = all[DESK_PART][0] as DeskSessionRecord | undefined
        const desk = deskCallerOf(sid, session?.openid === openid ? session : null, user, now)
        caller = desk.caller
        if (desk.touch && !touching) touching = touchBeside(sid, now)
        delete all[DESK_PART]
      } else caller = callerOf(openid as string, user)
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
  } finally {
    await touching
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
async function takePersonalUnit(key: string, limit: RateLimit, openid: string | undefined, isPublic: boolean, keyed?: { input: unknown; ip?: string }): Promise<void> {
  let taken = true
  // A row keyed by the machine (the PC's sign-in): its IP or its desk session, never the person.
  const subject = limit.keyedBy && keyed ? limit.keyedBy((keyed.input ?? {}) as Record<string, unknown>, { ip: keyed.ip }) : undefined
  if (subject) taken = await takeRateUnit(key, subject, limit.perPerson, limit.window)
  else if (openid && !limit.keyedBy) taken = await takeRateUnit(key, `p:${openid}`, limit.perPerson, limit.window)
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
export function defineFunction(fn: string, actions: Record<string, ActionDef>): (event: unknown, context?: unknown) => Promise<Reply<unknown>> {
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
    if (limit?.keyedBy && (def.access !== 'public' || def.identity === 'withFirstRead')) throw new Error(`${fn}.${name}: a bucket keyed by the machine is for public actions`)
  }
  /**
   * `context`: the entry's second argument (`main(event, context)`), passed on to identify (node-sdk
   * reads the CloudBase user of a web call from it).
   */
  return async function main(event: unknown, context?: unknown): Promise<Reply<unknown>> {
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
      const who = identify(context)
      // A PC may not do what needs the person's phone in hand (server/core/deskPolicy.ts): refused
      // before its input is looked at or anything is read.
      if (who.kind === 'desk' && isPhoneOnly(fn, name)) return fail('FORBIDDEN', PHONE_ONLY_MESSAGE)
      const parsed = parseInput(def.input, rest)
      if (!parsed.ok) return fail('INVALID_INPUT', parsed.message, parsed.fields)
      const limit = rateLimitOf(fn, name)
      const key = `${fn}.${name}`
      const isPublic = def.access === 'public'
      const keyed = { input: parsed.data, ip: who.ip }
      if (def.identity === 'withFirstRead') {
        const sid = who.kind === 'desk' ? who.sid : undefined
        const openid = who.kind === 'wechat' ? who.openid : sid ? await deskOpenid(sid) : undefined
        // The person's bucket alone: taken alongside the first read; with a compound's or a daily
        // bucket: all in one write once the caller is known (their documents read with the first read).
        const rate = limit && openid ? callerRate(key, limit, parsed.data, openid) : undefined
        return ok((await runWithFirstRead(def, parsed.data, openid, rate, sid)) ?? null)
      }
      let caller: Caller | null = null
      let touching: Promise<void> | undefined
      if (who.kind === 'desk') {
        // The session and its person in one read; the person's bucket beside it when the instance
        // knows who the session is, else right after (a cold instance only).
        const known = knownDeskOpenid(who.sid)
        const [desk] = await Promise.all([readDeskSession(who.sid), limit && known ? takePersonalUnit(key, limit, known, isPublic, keyed) : undefined])
        const now = clock.now()
        try {
          const checked = deskCallerOf(who.sid, desk.session, desk.user, now)
          caller = checked.caller
          rememberDeskOpenid(who.sid, caller.openid)
          if (checked.touch) touching = touchBeside(who.sid, now)
        } catch (error) {
          // A public action answers a PC whose session is over as it answers anyone.
          if (!isPublic) throw error
        }
        if (limit && !known) await takePersonalUnit(key, limit, caller?.openid, isPublic, keyed)
      } else {
        const openid = who.kind === 'wechat' ? who.openid : undefined
        // The caller's own bucket is taken alongside the identity lookup (no added wait).
        ;[caller] = await Promise.all([openid ? loadCaller(openid) : null, limit ? takePersonalUnit(key, limit, openid, isPublic, keyed) : undefined])
      }
      try {
        checkAccess(caller, def.access)
        const data = await def.handler(parsed.data, { caller, ip: who.ip })
        return ok(data ?? null)
      } finally {
        await touching
      }
    } catch (error) {
      if (error instanceof AppError) return fail(error.code, error.message, error.fields)
      // A transaction that still conflicted after the SDK's retries: many people acted at once.
      if (isTransactionConflict(error)) return fail('CONFLICT', BUSY_MESSAGE)
      console.error('[function] unexpected error', error)
      return fail('INTERNAL', '服务暂时不可用，请稍后重试')
    }
  }
}
