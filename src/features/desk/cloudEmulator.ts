import { fail, ok, type Reply } from '@contracts/envelope'
import { NETWORK_ERROR_MESSAGE, TIMEOUT_MESSAGE, FUNCTION_TIMEOUT_ERRCODE } from '@/services/cloud/call'
import type { DeskCloud } from './types'
import { SESSION_ENDED_MESSAGE } from './format'

/**
 * The emulator build's DeskCloud: the emulator's CloudBase auth over HTTP (emulator/http.ts,
 * mirroring CloudBase's auth HTTP API). Tokens are kept in localStorage, as js-sdk keeps them with
 * `persistence: 'local'`; an access token the emulator no longer knows (401) is refreshed once with
 * the refresh token, and a refused refresh is the end of the login (UNAUTHENTICATED).
 */
export const DESK_TOKENS_KEY = 'honglin.desk.tokens'

interface Tokens {
  access: string
  refresh: string
}

function storage(): Storage | null {
  try {
    return typeof window !== 'undefined' && window.localStorage ? window.localStorage : null
  } catch {
    return null
  }
}

function readTokens(): Tokens | null {
  try {
    const t = JSON.parse(storage()?.getItem(DESK_TOKENS_KEY) ?? 'null') as Tokens | null
    return t && typeof t.access === 'string' && typeof t.refresh === 'string' ? t : null
  } catch {
    return null
  }
}

function writeTokens(t: Tokens | null): void {
  const s = storage()
  if (!s) return
  if (t) s.setItem(DESK_TOKENS_KEY, JSON.stringify(t))
  else s.removeItem(DESK_TOKENS_KEY)
}

async function post(path: string, body: unknown, bearer?: string): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (bearer) headers.authorization = `Bearer ${bearer}`
  const res = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body ?? {}) })
  let parsed: unknown = null
  try {
    parsed = await res.json()
  } catch {
    parsed = null
  }
  return { status: res.status, body: parsed }
}

const tokensOf = (body: any): Tokens | null =>
  body && typeof body.access_token === 'string' && typeof body.refresh_token === 'string' ? { access: body.access_token, refresh: body.refresh_token } : null

async function signIn(path: string, body: unknown, refusal: string): Promise<Reply<null>> {
  try {
    const res = await post(path, body)
    const tokens = res.status === 200 ? tokensOf(res.body) : null
    if (!tokens) return fail(res.status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL', refusal)
    writeTokens(tokens)
    return ok(null)
  } catch {
    return fail('INTERNAL', NETWORK_ERROR_MESSAGE)
  }
}

/** One refresh with the refresh token; false when refused (the login is over). */
async function refresh(): Promise<boolean> {
  const t = readTokens()
  if (!t) return false
  const res = await post('/api/auth/refresh', { refresh_token: t.refresh })
  const next = res.status === 200 ? tokensOf(res.body) : null
  writeTokens(next)
  return Boolean(next)
}

export const emulatorCloud: DeskCloud = {
  signInAnonymously: () => signIn('/api/auth/anonymous', {}, '暂时无法连接管理后台，请稍后重试'),

  signInWithTicket: (ticket) => signIn('/api/auth/signin/custom', { ticket }, SESSION_ENDED_MESSAGE),

  async callFunction(name, data) {
    try {
      const url = '/api/functions/' + encodeURIComponent(name)
      let res = await post(url, data, readTokens()?.access)
      if (res.status === 401 && (await refresh())) res = await post(url, data, readTokens()?.access)
      if (res.status === 401) {
        writeTokens(null)
        return fail('UNAUTHENTICATED', SESSION_ENDED_MESSAGE)
      }
      // A failed invocation (504 timed out, 500 threw) answers `{ errCode, errMsg }`, not an envelope.
      if (res.status >= 400 && res.body && typeof res.body.errCode === 'number') {
        return fail('INTERNAL', res.body.errCode === FUNCTION_TIMEOUT_ERRCODE ? TIMEOUT_MESSAGE : NETWORK_ERROR_MESSAGE)
      }
      return res.body
    } catch {
      return fail('INTERNAL', NETWORK_ERROR_MESSAGE)
    }
  },

  async signOut() {
    const t = readTokens()
    writeTokens(null)
    if (!t) return
    try {
      await post('/api/auth/signout', {}, t.access)
    } catch {
      // Signed out here anyway; the token dies with its 2 h.
    }
  }
}
