/**
 * The local function host: loads the cloud functions (cloudfunctions/<name>/index.ts, each
 * exporting `main(event, context)` as on WeChat's cloud), and runs each call inside its own
 * identity scope with the real wx-server-sdk talking to the local store.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { applyCloudEnv, installBackend, LOCAL_ENV_ID, runWithStore } from './backend/install'
import { Store } from './backend/store'
import type { CollectionDef } from '../server/db/collections'
import { installIdentityEnv, runWithIdentity } from './identity'

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
}

export interface Host {
  /** Calls function `name` with `data` as `event`, as the user `openid` (none: no user). */
  invoke(name: string, data: unknown, openid?: string): Promise<unknown>
  /** The store behind the SDK, for seeding and assertions. */
  store: Store
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

export const DEFAULT_APPID = 'wx0000000000000000'
const REPO_ROOT = resolve(__dirname, '..')
const NAME = /^[A-Za-z0-9_-]{1,64}$/
const ENTRY_FILES = ['index.ts', 'index.js']

type Main = (event: unknown, context: unknown) => unknown

export function createHost(options: HostOptions = {}): Host {
  applyCloudEnv()
  installIdentityEnv()
  const functionsDir = resolve(options.functionsDir ?? join(REPO_ROOT, 'cloudfunctions'))
  const appid = options.appid ?? DEFAULT_APPID
  const file = options.inMemory ? undefined : join(resolve(options.dataDir ?? join(REPO_ROOT, '.data')), 'db.sqlite')
  const store = new Store({ file, now: options.now, collections: options.collections })
  const uninstall = installBackend(store)
  const loaded = new Map<string, Main>()
  let closed = false

  const entryOf = (name: string): string | undefined => {
    if (!NAME.test(name)) return undefined
    for (const entry of ENTRY_FILES) {
      const path = join(functionsDir, name, entry)
      if (existsSync(path)) return path
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

  return {
    store,
    hasFunction: (name) => entryOf(name) !== undefined,
    listFunctions() {
      if (!existsSync(functionsDir)) return []
      return readdirSync(functionsDir).filter((name) => entryOf(name) !== undefined)
    },
    async invoke(name, data, openid) {
      if (closed) throw new Error('the host is closed')
      const main = load(name)
      const requestId = randomBytes(16).toString('hex')
      const event = openid && isPlainObject(data) ? { ...data, userInfo: { appId: appid, openId: openid } } : (data ?? {})
      const context = {
        callbackWaitsForEmptyEventLoop: false,
        function_name: name,
        function_version: '$LATEST',
        namespace: LOCAL_ENV_ID,
        memory_limit_in_mb: 256,
        time_limit_in_ms: 3000,
        request_id: requestId,
        tencentcloud_region: 'ap-shanghai'
      }
      const identity = { openid, appid, source: openid ? 'wx_client' : undefined }
      return runWithStore(store, () => runWithIdentity(identity, async () => main(event, context)))
    },
    async close() {
      if (closed) return
      closed = true
      uninstall()
      store.close()
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
