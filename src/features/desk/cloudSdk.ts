import { fail, ok, type Reply } from '@contracts/envelope'
import { NETWORK_ERROR_MESSAGE } from '@/services/cloud/call'
import type { DeskCloud } from './types'
import { SESSION_ENDED_MESSAGE } from './format'

/**
 * A deployed H5 build's DeskCloud: `@cloudbase/js-sdk` 3.7.0 (docs/back-office.md §1.2), its
 * modular entries (`/app`, `/auth`, `/functions`: not the ~560 KB full bundle) loaded by dynamic
 * `import()` on first use, so only the desk pages of a non-emulator H5 build fetch them. The
 * imports sit inside `if (!HONGLIN_DEV_SIGNIN)`, which webpack drops from the emulator build.
 *
 * The SDK keeps and refreshes the tokens itself (`persistence: 'local'`). Its v3 sign-in methods
 * answer `{ data, error }` instead of throwing; `callFunction` resolves `{ result }` (the envelope)
 * and rejects on a transport or login failure. Unit-tested with the SDK mocked
 * (tests/unit/desk-cloud.test.ts); real only in the deploy smoke (docs/back-office.md §8).
 */

/** What we use of js-sdk (typed here: its .d.ts spreads over @cloudbase/types). */
export interface SdkAuth {
  signInAnonymously(): Promise<unknown>
  signInWithCustomTicket(getTicket: () => Promise<string>): Promise<unknown>
  signOut(): Promise<unknown>
}
export interface SdkApp {
  auth(options: { persistence: 'local' }): SdkAuth
  callFunction(options: { name: string; data: Record<string, unknown> }): Promise<{ result?: unknown }>
}

let loading: Promise<{ app: SdkApp; auth: SdkAuth }> | null = null
let loader: () => Promise<SdkApp> = loadSdk

/** Test seam: the SDK app to use instead of js-sdk (no argument restores js-sdk). */
export function setSdkLoader(next?: () => Promise<SdkApp>): void {
  loader = next ?? loadSdk
  loading = null
}

async function loadSdk(): Promise<SdkApp> {
  if (!HONGLIN_DEV_SIGNIN) {
    const [app, auth, functions] = await Promise.all([import('@cloudbase/js-sdk/app'), import('@cloudbase/js-sdk/auth'), import('@cloudbase/js-sdk/functions')])
    const cloudbase = app.default
    auth.registerAuth(cloudbase)
    functions.registerFunctions(cloudbase)
    // The CloudBase environment the functions run in (the mini-program's, see init.weapp.ts).
    return cloudbase.init({ env: process.env.TARO_APP_CLOUD_ENV ?? '' }) as unknown as SdkApp
  }
  throw new Error('js-sdk is not part of an emulator build')
}

function sdk(): Promise<{ app: SdkApp; auth: SdkAuth }> {
  if (!loading) {
    loading = loader().then((app) => ({ app, auth: app.auth({ persistence: 'local' }) }))
    loading.catch(() => {
      loading = null
    })
  }
  return loading
}

/** The `error` of a v3 `{ data, error }` answer (none for v2-style answers without it). */
const errorOf = (answer: unknown): unknown => (answer && typeof answer === 'object' && 'error' in answer ? (answer as { error?: unknown }).error : undefined)

async function signIn(run: (auth: SdkAuth) => Promise<unknown>, refusal: string): Promise<Reply<null>> {
  try {
    const { auth } = await sdk()
    const error = errorOf(await run(auth))
    if (error) {
      logFailure('sign-in', error)
      return fail('UNAUTHENTICATED', refusal)
    }
    return ok(null)
  } catch (err) {
    logFailure('sign-in', err)
    return fail('INTERNAL', NETWORK_ERROR_MESSAGE)
  }
}

/**
 * Whether a rejected callFunction was the login being refused (expired or unknown credentials,
 * a refresh that failed) rather than the network. [verify on deploy]: the codes js-sdk 3.7.0 gives.
 */
export function isLoginRefusal(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; msg?: unknown } | null
  const text = `${String(e?.code ?? '')} ${String(e?.message ?? e?.msg ?? err ?? '')}`
  return /unauthenticated|unauthorized|invalid_grant|token|credential|login|not.?signed|401/i.test(text)
}

export const sdkCloud: DeskCloud = {
  signInAnonymously: () => signIn((auth) => auth.signInAnonymously(), '暂时无法连接管理后台，请稍后重试'),

  signInWithTicket: (ticket) => signIn((auth) => auth.signInWithCustomTicket(() => Promise.resolve(ticket)), SESSION_ENDED_MESSAGE),

  async callFunction(name, data) {
    try {
      const { app } = await sdk()
      const res = await app.callFunction({ name, data })
      return res?.result
    } catch (err) {
      logFailure(`${name}.${String(data.action)}`, err)
      return isLoginRefusal(err) ? fail('UNAUTHENTICATED', SESSION_ENDED_MESSAGE) : fail('INTERNAL', NETWORK_ERROR_MESSAGE)
    }
  },

  async signOut() {
    try {
      const { auth } = await sdk()
      await auth.signOut()
    } catch (err) {
      logFailure('sign-out', err)
    }
  }
}

function logFailure(what: string, err: unknown): void {
  if (process.env.NODE_ENV !== 'test') console.warn(`[desk] ${what} failed`, err)
}
