import Taro from '@tarojs/taro'
import { readEnvelope } from '@contracts/envelope'
import type { Transport } from '@/services/cloud'
// The H5 transport itself (the desk is H5 only): its seam routes every call through the desk login.
import { setDeskTransport } from '@/services/cloud/transport.h5'
import { sessionStore } from '@/features/session'
import { authApi } from './api'
import { deskCloud } from './cloud'

/** The PC pages (H5 only; registered in app.config.ts for H5 builds, kept out of routes.ts like dev-login). */
export const DESK_SIGNIN_URL = '/packages/desk/pages/signin/index'
export const DESK_HOME_URL = '/packages/desk/pages/home/index'

/** `?ended=1` on the sign-in page: the session was refused (revoked, expired); it says 登录已失效. */
export const DESK_ENDED_QUERY = 'ended'

/**
 * The desk session of this browser: `none`; `anonymous` (the sign-in page's web user, before the
 * scan); `active` (signed in with the ticket: calls are the desk session). Kept in localStorage
 * beside the login it describes, so a reload stays signed in.
 */
export type DeskState = 'none' | 'anonymous' | 'active'
export const DESK_STATE_KEY = 'honglin.desk.session'

function storage(): Storage | null {
  try {
    return typeof window !== 'undefined' && window.localStorage ? window.localStorage : null
  } catch {
    return null
  }
}

function readState(): DeskState {
  const v = storage()?.getItem(DESK_STATE_KEY)
  return v === 'anonymous' || v === 'active' ? v : 'none'
}

function writeState(next: DeskState): void {
  const s = storage()
  if (!s) return
  if (next === 'none') s.removeItem(DESK_STATE_KEY)
  else s.setItem(DESK_STATE_KEY, next)
}

let ending = false

/**
 * Every call of a desk page: through the DeskCloud. A signed-in session refused (UNAUTHENTICATED:
 * revoked on the phone, idle 2 h, past its 12 h, role withdrawn) is cleared and the PC goes back
 * to the sign-in page, which says 登录已失效，请重新扫码登录.
 */
export const deskTransport: Transport = async (name, data) => {
  const raw = await deskCloud.callFunction(name, data)
  const reply = readEnvelope(raw)
  if (reply && !reply.ok && reply.error.code === 'UNAUTHENTICATED' && readState() === 'active') void deskSession.end(true)
  return raw
}

export const deskSession = {
  state: readState,

  /**
   * A desk page opens: its calls go through the desk login from now on (any stored one; none yet
   * on the sign-in page until `startAnonymous`). Idempotent; call it while rendering, before the
   * page's first call.
   */
  enter(): DeskState {
    const state = readState()
    if (state !== 'none') setDeskTransport(deskTransport)
    return state
  },

  /** The sign-in page: a fresh anonymous web user for deskStart / deskPoll. */
  async startAnonymous() {
    ending = false
    setDeskTransport(deskTransport)
    const reply = await deskCloud.signInAnonymously()
    writeState(reply.ok ? 'anonymous' : 'none')
    return reply
  },

  /** The ticket from deskPoll: sign in with it; then every call is the desk session. */
  async complete(ticket: string) {
    const reply = await deskCloud.signInWithTicket(ticket)
    if (!reply.ok) return reply
    writeState('active')
    ending = false
    // Whoever was loaded before (nobody, or a dev persona in this tab) is not the desk's person.
    sessionStore.reset()
    return reply
  },

  /** 退出登录: ends the session on the server (deskSignOut), then the web login, then the sign-in page. */
  async signOut() {
    await authApi.deskSignOut({})
    await deskSession.end(false)
  },

  /** Clears the session (the server refused it, or after signing out) and opens the sign-in page. */
  async end(refused: boolean) {
    if (ending) return
    ending = true
    writeState('none')
    await deskCloud.signOut()
    sessionStore.reset()
    const url = refused ? `${DESK_SIGNIN_URL}?${DESK_ENDED_QUERY}=1` : DESK_SIGNIN_URL
    Taro.reLaunch({ url }).catch(() => {})
  }
}
