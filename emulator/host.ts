/**
 * The local function host: loads the cloud functions (cloudfunctions/<name>/index.ts, each
 * exporting `main(event, context)` as on WeChat's cloud), and runs each call inside its own
 * identity scope with the real wx-server-sdk talking to the local store.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { abortOpenTransactions, applyCloudEnv, installBackend, LOCAL_ENV_ID, newCallContext, runWithCall, type CallContext } from './backend/install'
import { Store } from './backend/store'
import type { CollectionDef } from '../server/db/collections'
import { identityEnvironment, installIdentityEnv, runWithIdentity, type CallIdentity, type WebIdentity } from './identity'
import { CloudbaseAuth, installCustomLoginKeyEnv, loadCustomLoginKey } from './cloudbaseAuth'

export interface HostOptions {
  /** Folder of the durable store (SQLite file `db.sqlite`). Default: <repo>/.data */
  dataDir?: string
  /** No persistence at all (tests). */
  inMemory?: boolean
  /** The backend clock (`db.serverDate()`). Default Date.now. */
  now?: () => number
  /** Where the functions live. Default: <repo>/cloudfunctions */
  functionsDir?: string
  /** The mini-program appid getWXContext() reports. */
  appid?: string
  /** Collections and indexes. Default: server/db/collections.ts */
  collections?: Record<string, CollectionDef>
  /**
   * Enforce each function's timeout (cloudfunctions/<name>/config.json `timeout`, seconds, default
   * 3) as the cloud does. Default true; `EMULATOR_TIMEOUTS=off` turns it off (only for stepping
   * through a function in a debugger: the cloud never waits).
   */
  enforceTimeouts?: boolean
  /** Told about every finished call (the emulator's log, the bench). */
  onCall?: (stats: CallStats) => void
}

/** What one function call cost. */
export interface CallStats {
  name: string
  /** `event.action` when the function routes by action. */
  action?: string
  openid?: string
  requestId: string
  /** Wall time from the call to its answer (or to its timeout). */
  ms: number
  /** Database round trips (every SDK request) made by the call until it answered. */
  dbRequests: number
  /**
   * `ok` (an `{ok: true}` reply or any non-envelope return), `error` (an `{ok: false}` reply,
   * `errorCode` its code), `timeout` (exceeded its timeout), `throw` (the function threw).
   */
  outcome: 'ok' | 'error' | 'timeout' | 'throw'
  errorCode?: string | number
  /** The function's configured timeout, ms. */
  timeoutMs: number
  /** Each round trip, with EMULATOR_CALL_TRACE=1 (see CallContext.trace). */
  dbTrace?: string[]
}

export interface InvokeResult {
  result: unknown
  stats: CallStats
}

/**
 * Who calls: an openid (a mini-program user), a web page signed in to CloudBase (`{ web }`: the
 * back office, docs/back-office.md §2), or nobody (a timer, another function).
 */
export type Invoker = string | { web: WebIdentity; clientIp?: string } | undefined

export interface Host {
  /** Calls function `name` with `data` as `event`, as `invoker` (an openid; none: no user). */
  invoke(name: string, data: unknown, invoker?: Invoker): Promise<unknown>
  /**
   * Like `invoke`, and also returns what the call cost. A rejection (the function threw, or timed
   * out: FunctionTimeoutError) carries the same figures as `error.stats`.
   */
  invokeWithStats(name: string, data: unknown, invoker?: Invoker): Promise<InvokeResult>
  /** The timeout of function `name` in ms (its config.json `timeout`, default 3 s). */
  timeoutOf(name: string): number
  /** The store behind the SDK, for seeding and assertions. */
  store: Store
  /**
   * CloudBase auth as the emulator plays it (emulator/cloudbaseAuth.ts): web sign-in (anonymous,
   * custom ticket) and the access tokens of `{ web }` callers. Its key is in the functions'
   * HONGLIN_CUSTOM_LOGIN_KEY.
   */
  auth: CloudbaseAuth
  hasFunction(name: string): boolean
  /** Function names found under functionsDir. */
  listFunctions(): string[]
  close(): Promise<void>
}

/** Thrown by `invoke` for a function that does not exist (the HTTP layer maps it to 404). */
export class FunctionNotFoundError extends Error {
  readonly code = 'FUNCTION_NOT_FOUND'
  readonly statusCode = 404
  constructor(readonly functionName: string) {
    super(`cloud function not found: ${functionName}`)
    this.name = 'FunctionNotFoundError'
  }
}

/**
 * What wx.cloud.callFunction rejects with when the function ran past its timeout: errCode -504003,
 * errMsg "Invoking task timed out after 3 seconds" (the cloud's text). The call's later database
 * requests fail (its instance is frozen on the cloud).
 */
export class FunctionTimeoutError extends Error {
  readonly code = 'FUNCTION_TIMEOUT'
  readonly errCode = FUNCTION_TIMEOUT_ERRCODE
  readonly statusCode = 504
  readonly errMsg: string
  constructor(readonly functionName: string, readonly timeoutSeconds: number) {
    const errMsg = `Invoking task timed out after ${timeoutSeconds} seconds`
    super(`errCode: ${FUNCTION_TIMEOUT_ERRCODE} | errMsg: ${errMsg}`)
    this.name = 'FunctionTimeoutError'
    this.errMsg = errMsg
  }
}

export const FUNCTION_TIMEOUT_ERRCODE = -504003
/** The cloud's default function timeout. */
export const DEFAULT_TIMEOUT_SECONDS = 3

export const DEFAULT_APPID = 'wx0000000000000000'
const REPO_ROOT = resolve(__dirname, '..')
const NAME = /^[A-Za-z0-9_-]{1,64}$/
const ENTRY_FILES = ['index.ts', 'index.js']

type Main = (event: unknown, context: unknown) => unknown

// Request ids are random like the cloud's; one 4 KB draw of entropy serves 256 calls.
let idPool = Buffer.alloc(0)
let idAt = 0
function newInvocationId(): string {
  if (idAt + 16 > idPool.length) {
    idPool = randomBytes(4096)
    idAt = 0
  }
  idAt += 16
  return idPool.toString('hex', idAt - 16, idAt)
}

export function createHost(options: HostOptions = {}): Host {
  applyCloudEnv()
  installIdentityEnv()
  const functionsDir = resolve(options.functionsDir ?? join(REPO_ROOT, 'cloudfunctions'))
  const appid = options.appid ?? DEFAULT_APPID
  const dataDir = options.inMemory ? undefined : resolve(options.dataDir ?? join(REPO_ROOT, '.data'))
  const file = dataDir ? join(dataDir, 'db.sqlite') : undefined
  const store = new Store({ file, now: options.now, collections: options.collections })
  // The custom-login key (<dataDir>/custom-login-key.json, or one per process in memory), given to
  // the functions as deploy gives it to `auth`.
  const customLoginKey = loadCustomLoginKey(dataDir)
  installCustomLoginKeyEnv(customLoginKey)
  const auth = new CloudbaseAuth({ key: customLoginKey, now: store.now })
  const uninstall = installBackend(store)
  const loaded = new Map<string, Main>()
  let closed = false

  // Found entries are remembered (a function folder does not vanish while the host runs); a name
  // not found is looked up again, so a function built meanwhile is seen.
  const entries = new Map<string, string>()
  const entryOf = (name: string): string | undefined => {
    const known = entries.get(name)
    if (known !== undefined) return known
    if (!NAME.test(name)) return undefined
    for (const entry of ENTRY_FILES) {
      const path = join(functionsDir, name, entry)
      if (existsSync(path)) {
        entries.set(name, path)
        return path
      }
    }
    return undefined
  }

  const load = (name: string): Main => {
    const cached = loaded.get(name)
    if (cached) return cached
    const entry = entryOf(name)
    if (!entry) throw new FunctionNotFoundError(name)
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const mod = require(entry)
    const main: unknown = mod?.main ?? mod?.default?.main
    if (typeof main !== 'function') throw new Error(`cloud function ${name} does not export main(event, context)`)
    loaded.set(name, main as Main)
    return main as Main
  }

  const timeouts = new Map<string, number>()
  /** config.json `timeout` (seconds) of a function, as the cloud reads it; default 3. */
  const timeoutSecondsOf = (name: string): number => {
    const cached = timeouts.get(name)
    if (cached !== undefined) return cached
    let seconds = DEFAULT_TIMEOUT_SECONDS
    const configFile = join(functionsDir, name, 'config.json')
    if (NAME.test(name) && existsSync(configFile)) {
      const config = JSON.parse(readFileSync(configFile, 'utf8')) as { timeout?: unknown }
      if (config.timeout !== undefined) {
        const value = Number(config.timeout)
        if (!Number.isFinite(value) || value <= 0) throw new Error(`cloudfunctions/${name}/config.json: timeout must be a positive number of seconds`)
        seconds = value
      }
    }
    timeouts.set(name, seconds)
    return seconds
  }
  const enforceTimeouts = options.enforceTimeouts ?? !/^(off|0|false|no)$/i.test(process.env.EMULATOR_TIMEOUTS ?? '')

  const invokeWithStats = async (name: string, data: unknown, invoker?: Invoker): Promise<InvokeResult> => {
    if (closed) throw new Error('the host is closed')
    const openid = typeof invoker === 'string' && invoker ? invoker : undefined
    const main = load(name)
    const timeoutSeconds = timeoutSecondsOf(name)
    const timeoutMs = Math.round(timeoutSeconds * 1000)
    const requestId = newInvocationId()
    const event = openid && isPlainObject(data) ? { ...data, userInfo: { appId: appid, openId: openid } } : (data ?? {})
    // A web caller has no openid and no appid: the cloud gives it only its CloudBase user.
    const identity: CallIdentity =
      typeof invoker === 'object' ? { web: invoker.web, clientIp: invoker.clientIp, source: 'web' } : { openid, appid, source: openid ? 'wx_client' : undefined }
    const context = {
      callbackWaitsForEmptyEventLoop: false,
      function_name: name,
      function_version: '$LATEST',
      namespace: LOCAL_ENV_ID,
      memory_limit_in_mb: 256,
      time_limit_in_ms: timeoutMs,
      request_id: requestId,
      tencentcloud_region: 'ap-shanghai',
      // The invocation's own variables as JSON, as SCF passes them (node-sdk's getCloudbaseContext(context) reads them first).
      environment: JSON.stringify(identityEnvironment(identity))
    }
    const call = newCallContext(store)
    const action = isPlainObject(data) && typeof data.action === 'string' ? data.action : undefined
    const invocation: Invocation = { name, action, openid, requestId, started: process.hrtime.bigint(), call, timeoutMs, timeoutSeconds, store, onCall: options.onCall }
    const run = runWithCall(call, () => runWithIdentity(identity, async () => main(event, context)))
    let timer: NodeJS.Timeout | undefined
    // The function's own promise runs on after a timeout (Node cannot stop it), but nothing waits
    // for it and its next database request fails.
    run.catch(ignore)
    try {
      const result = enforceTimeouts
        ? await Promise.race([
            run,
            new Promise<never>((_resolve, reject) => {
              timer = setTimeout(() => reject(expire(invocation)), timeoutMs)
            })
          ])
        : await run
      // A call that kept the CPU busy past its deadline (the timer could not fire in time) has
      // timed out all the same: the cloud counts wall time.
      if (enforceTimeouts && elapsedMs(invocation) > timeoutMs) throw expire(invocation)
      const reply = result as { ok?: unknown; error?: { code?: unknown } } | null
      const failed = isPlainObject(reply) && reply.ok === false
      const code = failed && typeof reply.error?.code === 'string' ? reply.error.code : undefined
      return { result, stats: finish(invocation, failed ? 'error' : 'ok', code) }
    } catch (error) {
      if (error instanceof FunctionTimeoutError) throw error
      if (enforceTimeouts && elapsedMs(invocation) > timeoutMs) throw expire(invocation)
      const stats = finish(invocation, 'throw', (error as { code?: string })?.code)
      if (error && typeof error === 'object') Object.assign(error, { stats })
      throw error
    } finally {
      clearTimeout(timer)
    }
  }

  return {
    store,
    auth,
    hasFunction: (name) => entryOf(name) !== undefined,
    listFunctions() {
      if (!existsSync(functionsDir)) return []
      return readdirSync(functionsDir).filter((name) => entryOf(name) !== undefined)
    },
    timeoutOf: (name) => timeoutSecondsOf(name) * 1000,
    async invoke(name, data, invoker) {
      return (await invokeWithStats(name, data, invoker)).result
    },
    invokeWithStats,
    async close() {
      if (closed) return
      closed = true
      uninstall()
      store.close()
    }
  }
}

/**
 * One call in progress: what its figures and its timeout need. (Module-level helpers over this
 * object rather than closures made for every call: the host is on every request's path.)
 */
interface Invocation {
  name: string
  action?: string
  openid?: string
  requestId: string
  started: bigint
  call: CallContext
  timeoutMs: number
  timeoutSeconds: number
  store: Store
  onCall?: (stats: CallStats) => void
}

const ignore = () => undefined

function elapsedMs(invocation: Invocation): number {
  return Number(process.hrtime.bigint() - invocation.started) / 1e6
}

/** The call's figures as they stand, told to `onCall`. */
function finish(invocation: Invocation, outcome: CallStats['outcome'], errorCode?: string | number): CallStats {
  const stats: CallStats = {
    name: invocation.name,
    action: invocation.action,
    openid: invocation.openid,
    requestId: invocation.requestId,
    ms: elapsedMs(invocation),
    dbRequests: invocation.call.dbRequests,
    outcome,
    errorCode,
    timeoutMs: invocation.timeoutMs,
    dbTrace: invocation.call.trace && [...invocation.call.trace]
  }
  invocation.onCall?.(stats)
  return stats
}

/** The call has run past its timeout: its later requests fail and its open transactions are aborted. */
function expire(invocation: Invocation): FunctionTimeoutError {
  const error = new FunctionTimeoutError(invocation.name, invocation.timeoutSeconds)
  invocation.call.expired = true
  invocation.call.expiredMessage = error.errMsg
  void abortOpenTransactions(invocation.store, invocation.call)
  return Object.assign(error, { stats: finish(invocation, 'timeout', FUNCTION_TIMEOUT_ERRCODE) })
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
