/**
 * Installs the local backend under the real wx-server-sdk: pins `Db.reqClass` of the
 * @cloudbase/database instance that wx-server-sdk loads (via @cloudbase/node-sdk, which resets it
 * on every `cloud.database()`), and sets the environment a cloud function sees on the cloud so
 * that no SDK code path looks for credentials or probes the network.
 *
 * Which store answers a call: the one of the current call (`newCallContext(store)`, used by the
 * host for each invocation), else the one bound by `runWithStore`, else the most recently
 * installed one still open.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { dirname } from 'node:path'
import { requestFailed } from './errors'
import { handleAction } from './requester'
import type { Store } from './store'

export const LOCAL_ENV_ID = 'honglin-local'

/**
 * Values a deployed function has in its environment. TENCENTCLOUD_RUNENV=SCF makes
 * @cloudbase/node-sdk treat the process as "inside Tencent Cloud" without probing the metadata
 * server (its preflight would otherwise make an HTTP request at every `cloud.init`).
 */
const CLOUD_ENV_DEFAULTS: Record<string, string> = {
  TENCENTCLOUD_RUNENV: 'SCF',
  TCB_ENV: LOCAL_ENV_ID,
  SCF_NAMESPACE: LOCAL_ENV_ID,
  TENCENTCLOUD_REGION: 'ap-shanghai',
  TENCENTCLOUD_SECRETID: 'local-emulator',
  TENCENTCLOUD_SECRETKEY: 'local-emulator',
  SILENCE: 'true'
}

// As early as possible: before any code calls cloud.init().
applyCloudEnv()

const bound = new AsyncLocalStorage<Store>()
const installed: Store[] = []
let pinnedDb: object | undefined

/** Sets the cloud's environment variables (only those not already set). */
export function applyCloudEnv(env: NodeJS.ProcessEnv = process.env): void {
  for (const [key, value] of Object.entries(CLOUD_ENV_DEFAULTS)) {
    if (env[key] === undefined || env[key] === '') env[key] = value
  }
}

/** The @cloudbase/database module wx-server-sdk uses (resolved from its own location). */
export function resolveCloudbaseDatabase(): { Db: any } {
  const sdkDir = dirname(require.resolve('wx-server-sdk/package.json'))
  const nodeSdkDir = dirname(require.resolve('@cloudbase/node-sdk/package.json', { paths: [sdkDir] }))
  const databaseEntry = require.resolve('@cloudbase/database', { paths: [nodeSdkDir] })
  return require(databaseEntry)
}

/** The store answering SDK calls in the current context. */
export function activeStore(): Store | undefined {
  return calls.getStore()?.store ?? bound.getStore() ?? installed[installed.length - 1]
}

/** Runs `fn` with SDK database calls (including those it starts asynchronously) going to `store`. */
export function runWithStore<T>(store: Store, fn: () => T): T {
  return bound.run(store, fn)
}

/**
 * What the emulator knows about one function call while it runs: how many database round trips it
 * made, and whether it has timed out. The host opens one per invocation (`runWithCall`); every
 * `send` inside that call (and everything it starts asynchronously) sees it.
 */
export interface CallContext {
  /** Database round trips made so far (every `send`, including transaction start/commit/abort). */
  dbRequests: number
  /**
   * Set by the host when the call exceeded its timeout. On the cloud the instance is frozen: no
   * later request leaves it. Here the promise cannot be killed, so its next round trip throws.
   */
  expired: boolean
  /** Why it expired, for the error thrown at its next round trip. */
  expiredMessage?: string
  /** Transactions started by this call and not yet committed or aborted (aborted on expiry). */
  openTransactions: Set<string>
  /**
   * The store this call's requests go to (the host's). Carried here rather than in a second
   * AsyncLocalStorage scope: every scope costs a copy on every promise the call creates.
   */
  store?: Store
  /** With EMULATOR_CALL_TRACE=1: each round trip as `<request> <collection>`, to profile a call. */
  trace?: string[]
}

const calls = new AsyncLocalStorage<CallContext>()

export function newCallContext(store?: Store): CallContext {
  return { dbRequests: 0, expired: false, openTransactions: new Set(), store, trace: process.env.EMULATOR_CALL_TRACE === '1' ? [] : undefined }
}

/** Runs `fn` as one function call: its database round trips are counted in `context`. */
export function runWithCall<T>(context: CallContext, fn: () => T): T {
  return calls.run(context, fn)
}

/**
 * `EMULATOR_DB_LATENCY_MS`: the network time of one database round trip (the cloud's is ~10–30 ms
 * within a region). Read on every request, so tests and tools can change it at run time.
 */
export function dbLatencyMs(): number {
  const raw = process.env.EMULATOR_DB_LATENCY_MS
  if (raw === undefined || raw === '') return 0
  const value = Number(raw)
  return Number.isFinite(value) && value > 0 ? value : 0
}

/** The error a round trip of a timed-out call fails with (it never reaches the database). */
export function expiredCallError(context: CallContext): Error {
  return requestFailed(`[FunctionTimeout] ${context.expiredMessage ?? 'the function call has timed out'}: its database requests are refused`)
}

/**
 * Aborts the transactions a timed-out call left open, as the cloud database does with the
 * transactions of a frozen instance, so they hold no document for other calls.
 */
export async function abortOpenTransactions(store: Store, context: CallContext): Promise<void> {
  for (const transactionId of [...context.openTransactions]) {
    context.openTransactions.delete(transactionId)
    try {
      await handleAction(store, 'database.abortTransaction', { transactionId })
    } catch {
      /* already finished */
    }
  }
}

const ENDS_TRANSACTION = new Set(['database.commitTransaction', 'database.abortTransaction'])

/** The request class @cloudbase/database instantiates for every query, document and transaction. */
export class EmulatorRequester {
  constructor(readonly config: unknown) {}

  /** Every database round trip of every function passes here. */
  async send(action: string, params?: Record<string, any>): Promise<Record<string, any>> {
    const call = calls.getStore()
    const store = call?.store ?? activeStore()
    if (!store) throw requestFailed('no local emulator store is installed (create a host first)')
    // A timed-out call's requests never leave its frozen instance. (Aborting is let through: it
    // only releases what the call holds.)
    if (call?.expired && action !== 'database.abortTransaction') throw expiredCallError(call)
    if (call) {
      call.dbRequests++
      call.trace?.push(`${action.replace(/^database\./, '')} ${params?.collectionName ?? ''}`.trim())
    }
    // A real call is a network round trip: let timers and I/O run before answering, so a loop of
    // database calls cannot starve the event loop (and concurrent calls interleave as they would).
    // With EMULATOR_DB_LATENCY_MS each round trip also waits that long; concurrent requests wait
    // concurrently, as parallel requests over the network do.
    const latency = dbLatencyMs()
    if (latency > 0) await new Promise<void>((resolve) => setTimeout(resolve, latency))
    else await new Promise<void>((resolve) => setImmediate(resolve))
    if (call?.expired && action !== 'database.abortTransaction') throw expiredCallError(call)
    const reply = await handleAction(store, action, params ?? {})
    if (call) {
      if (action === 'database.startTransaction' && typeof reply.transactionId === 'string') call.openTransactions.add(reply.transactionId)
      else if (ENDS_TRANSACTION.has(action) && params?.transactionId) call.openTransactions.delete(params.transactionId)
    }
    return reply
  }
}

/**
 * Makes `store` the default backend of the real SDK (and pins the transport once per module
 * instance). Returns a function that uninstalls this store again.
 */
export function installBackend(store: Store): () => void {
  applyCloudEnv()
  const { Db } = resolveCloudbaseDatabase()
  if (pinnedDb !== Db) {
    Object.defineProperty(Db, 'reqClass', {
      configurable: true,
      enumerable: true,
      get: () => EmulatorRequester,
      // @cloudbase/node-sdk assigns its HTTP requester on every cloud.database(): ignore it.
      set: () => undefined
    })
    pinnedDb = Db
  }
  installed.push(store)
  return () => {
    const at = installed.lastIndexOf(store)
    if (at >= 0) installed.splice(at, 1)
  }
}
