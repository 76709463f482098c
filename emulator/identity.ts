/**
 * Per-call identity for cloud functions running many calls in one process.
 *
 * wx-server-sdk's `cloud.getWXContext()` reads `process.env.WX_CONTEXT_KEYS` and then
 * `process.env[key]` for each key (WX_OPENID, WX_APPID, …) at call time: on the cloud each
 * invocation has its own process environment. Here `process.env` is replaced by a Proxy whose
 * reads of those keys come from the identity of the current call (an AsyncLocalStorage scope,
 * which follows the call through every await) and fall through to the real environment for all
 * other keys, and for every key outside any call.
 */
import { AsyncLocalStorage } from 'node:async_hooks'

export interface CallIdentity {
  /** The caller's openid; absent for calls without a user (timers, other functions). */
  openid?: string
  appid?: string
  unionid?: string
  clientIp?: string
  /** TCB_SOURCE as the cloud sets it (e.g. 'wx_client'); getWXContext reports it as SOURCE. */
  source?: string
  /**
   * A call from a web page signed in to CloudBase (js-sdk; emulator/cloudbaseAuth.ts): its
   * CloudBase user. It has no openid; node-sdk's `getCloudbaseContext()` reads these through
   * TCB_CONTEXT_KEYS as on the cloud.
   */
  web?: WebIdentity
}

export interface WebIdentity {
  /** TCB_UUID: the CloudBase user id (stable per customUserId; random per anonymous sign-in). */
  uid: string
  /** TCB_CUSTOM_USER_ID: the custom-login ticket's uid; absent for an anonymous user. */
  customUserId?: string
  /** TCB_ISANONYMOUS_USER. */
  anonymous: boolean
}

/** The keys whose values are per call. */
export const IDENTITY_KEYS = [
  'WX_CONTEXT_KEYS',
  'WX_OPENID',
  'WX_APPID',
  'WX_UNIONID',
  'WX_CLIENTIP',
  'WX_CLIENTIPV6',
  'TCB_SOURCE',
  'TCB_CONTEXT_KEYS',
  'TCB_UUID',
  'TCB_CUSTOM_USER_ID',
  'TCB_ISANONYMOUS_USER'
] as const

const CONTEXT_KEYS = 'WX_OPENID,WX_APPID,WX_UNIONID,WX_CLIENTIP,WX_CLIENTIPV6'
const TCB_CONTEXT_KEYS = 'TCB_UUID,TCB_CUSTOM_USER_ID,TCB_ISANONYMOUS_USER'
const scoped = new Set<string | symbol>(IDENTITY_KEYS)
const PROXY_MARK = Symbol.for('honglin.emulator.identityEnv')

type Scope = Record<string, string | undefined>

const storage = new AsyncLocalStorage<Scope>()

function scopeOf(identity: CallIdentity): Scope {
  return {
    WX_CONTEXT_KEYS: CONTEXT_KEYS,
    WX_OPENID: identity.openid || undefined,
    WX_APPID: identity.appid || undefined,
    WX_UNIONID: identity.unionid || undefined,
    WX_CLIENTIP: identity.clientIp || undefined,
    WX_CLIENTIPV6: undefined,
    TCB_SOURCE: identity.source || undefined,
    // A web caller: no openid, the CloudBase user instead.
    TCB_CONTEXT_KEYS: identity.web ? TCB_CONTEXT_KEYS : undefined,
    TCB_UUID: identity.web?.uid,
    TCB_CUSTOM_USER_ID: identity.web?.customUserId || undefined,
    TCB_ISANONYMOUS_USER: identity.web ? String(identity.web.anonymous) : undefined
  }
}

/**
 * Replaces `process.env` with the identity-aware Proxy (once; later calls are no-ops).
 * Writes to identity keys inside a call stay in that call.
 */
export function installIdentityEnv(): void {
  const current = process.env as NodeJS.ProcessEnv & { [PROXY_MARK]?: true }
  if (current[PROXY_MARK]) return
  const target = current
  const handler: ProxyHandler<NodeJS.ProcessEnv> = {
    get(env, key) {
      if (key === PROXY_MARK) return true
      const scope = storage.getStore()
      if (scope && scoped.has(key)) return scope[key as string]
      return Reflect.get(env, key)
    },
    set(env, key, value) {
      const scope = storage.getStore()
      if (scope && scoped.has(key)) {
        scope[key as string] = value === undefined ? undefined : String(value)
        return true
      }
      return Reflect.set(env, key, value)
    },
    has(env, key) {
      const scope = storage.getStore()
      if (scope && scoped.has(key)) return scope[key as string] !== undefined
      return Reflect.has(env, key)
    },
    deleteProperty(env, key) {
      const scope = storage.getStore()
      if (scope && scoped.has(key)) {
        scope[key as string] = undefined
        return true
      }
      return Reflect.deleteProperty(env, key)
    },
    ownKeys(env) {
      const scope = storage.getStore()
      const keys = Reflect.ownKeys(env)
      if (!scope) return keys
      const outside = keys.filter((key) => !scoped.has(key))
      const inside = Object.keys(scope).filter((key) => scope[key] !== undefined)
      return [...outside, ...inside]
    },
    getOwnPropertyDescriptor(env, key) {
      const scope = storage.getStore()
      if (scope && scoped.has(key)) {
        const value = scope[key as string]
        return value === undefined ? undefined : { value, writable: true, enumerable: true, configurable: true }
      }
      return Reflect.getOwnPropertyDescriptor(env, key)
    },
    defineProperty(env, key, descriptor) {
      const scope = storage.getStore()
      if (scope && scoped.has(key)) {
        scope[key as string] = descriptor.value === undefined ? undefined : String(descriptor.value)
        return true
      }
      return Reflect.defineProperty(env, key, descriptor)
    }
  }
  process.env = new Proxy(target, handler)
}

/** The identity's variables that are set, as a call's `context.environment` carries them. */
export function identityEnvironment(identity: CallIdentity): Record<string, string> {
  const scope = scopeOf(identity)
  return Object.fromEntries(Object.entries(scope).filter((entry): entry is [string, string] => entry[1] !== undefined))
}

/** Runs `fn` (and everything it starts asynchronously) as a call with this identity. */
export function runWithIdentity<T>(identity: CallIdentity, fn: () => T): T {
  installIdentityEnv()
  return storage.run(scopeOf(identity), fn)
}

/** The identity of the current call, or undefined outside any call. */
export function currentIdentity(): CallIdentity | undefined {
  const scope = storage.getStore()
  if (!scope) return undefined
  return {
    openid: scope.WX_OPENID,
    appid: scope.WX_APPID,
    unionid: scope.WX_UNIONID,
    clientIp: scope.WX_CLIENTIP,
    source: scope.TCB_SOURCE,
    web: scope.TCB_UUID
      ? { uid: scope.TCB_UUID, customUserId: scope.TCB_CUSTOM_USER_ID, anonymous: scope.TCB_ISANONYMOUS_USER === 'true' }
      : undefined
  }
}
