/**
 * Installs the local backend under the real wx-server-sdk: pins `Db.reqClass` of the
 * @cloudbase/database instance that wx-server-sdk loads (via @cloudbase/node-sdk, which resets it
 * on every `cloud.database()`), and sets the environment a cloud function sees on the cloud so
 * that no SDK code path looks for credentials or probes the network.
 *
 * Which store answers a call: the one bound to the current async context (`runWithStore`, used
 * by the host for each invocation), else the most recently installed one still open.
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
  return bound.getStore() ?? installed[installed.length - 1]
}

/** Runs `fn` with SDK database calls (including those it starts asynchronously) going to `store`. */
export function runWithStore<T>(store: Store, fn: () => T): T {
  return bound.run(store, fn)
}

/** The request class @cloudbase/database instantiates for every query, document and transaction. */
export class EmulatorRequester {
  constructor(readonly config: unknown) {}

  async send(action: string, params?: Record<string, any>): Promise<Record<string, any>> {
    const store = activeStore()
    if (!store) throw requestFailed('no local emulator store is installed (create a host first)')
    // A real call is a network round trip: let timers and I/O run before answering, so a loop of
    // database calls cannot starve the event loop (and concurrent calls interleave as they would).
    await new Promise<void>((resolve) => setImmediate(resolve))
    return handleAction(store, action, params ?? {})
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
