import { useCallback, useEffect, useRef, useState } from 'react'
import { DESK_POLL_INTERVAL_MS, DESK_QR_TTL_MS } from '@contracts/auth'
import { authApi } from './api'
import { deskSession } from './session'

/** How many times the PC offers a new QR code before it asks for a page reload. */
export const MAX_QR_REFRESHES = 3

export type SignInView =
  | { phase: 'starting' }
  /** The QR code is shown; `scanned` once a phone has scanned it (已扫码，请在手机上确认). */
  | { phase: 'showing'; qr: string; scene: string; scanned: boolean }
  | { phase: 'expired'; canRefresh: boolean }
  | { phase: 'cancelled'; canRefresh: boolean }
  | { phase: 'signingIn' }
  | { phase: 'failed'; message: string; canRefresh: boolean }

/**
 * The PC's sign-in by scan (docs/back-office.md §3): an anonymous web user, `auth.deskStart`, then
 * `deskPoll` every 2 s while the QR code shows. It expires after 3 min (the PC's own clock, so a
 * sleeping laptop does not poll on); 刷新二维码 at most 3 times. On the ticket: sign in with it and
 * `onSignedIn`. Polling stops when the page goes.
 */
export function useDeskSignIn(onSignedIn: () => void): { view: SignInView; refresh: () => void } {
  const [view, setView] = useState<SignInView>({ phase: 'starting' })
  const run = useRef(0)
  const timer = useRef<ReturnType<typeof setTimeout>>()
  const refreshes = useRef(0)
  const signedIn = useRef(onSignedIn)
  signedIn.current = onSignedIn

  const stop = () => {
    clearTimeout(timer.current)
    run.current++
  }
  const canRefresh = () => refreshes.current < MAX_QR_REFRESHES

  const start = useCallback(async (first: boolean) => {
    stop()
    const mine = run.current
    const current = () => mine === run.current
    setView({ phase: 'starting' })
    if (first) {
      const anonymous = await deskSession.startAnonymous()
      if (!current()) return
      if (!anonymous.ok) return setView({ phase: 'failed', message: anonymous.error.message, canRefresh: canRefresh() })
    }
    const started = await authApi.deskStart({ ua: (typeof navigator !== 'undefined' ? navigator.userAgent : '').slice(0, 200) })
    if (!current()) return
    if (!started.ok) return setView({ phase: 'failed', message: started.error.message, canRefresh: canRefresh() })
    const { sid, pollSecret, qr, scene } = started.data
    const deadline = Date.now() + DESK_QR_TTL_MS
    setView({ phase: 'showing', qr, scene, scanned: false })
    const again = () => {
      timer.current = setTimeout(() => void poll(), DESK_POLL_INTERVAL_MS)
    }
    const poll = async () => {
      if (!current()) return
      if (Date.now() >= deadline) return setView({ phase: 'expired', canRefresh: canRefresh() })
      const reply = await authApi.deskPoll({ sid, pollSecret })
      if (!current()) return
      if (!reply.ok) {
        // Passing trouble (network, too many polls) waits for the next poll; a refusal ends this code.
        if (reply.error.code === 'INTERNAL' || reply.error.code === 'RATE_LIMITED') return again()
        return setView({ phase: 'failed', message: reply.error.message, canRefresh: canRefresh() })
      }
      const { status, ticket } = reply.data
      if (ticket) {
        setView({ phase: 'signingIn' })
        const done = await deskSession.complete(ticket)
        if (!current()) return
        if (done.ok) return signedIn.current()
        return setView({ phase: 'failed', message: done.error.message, canRefresh: canRefresh() })
      }
      if (status === 'expired') return setView({ phase: 'expired', canRefresh: canRefresh() })
      if (status === 'cancelled') return setView({ phase: 'cancelled', canRefresh: canRefresh() })
      if (status === 'scanned') setView((v) => (v.phase === 'showing' && !v.scanned ? { ...v, scanned: true } : v))
      if (status === 'pending' || status === 'scanned' || status === 'confirmed') return again()
      // active / ended / revoked: this code was used already.
      setView({ phase: 'failed', message: '此二维码已使用，请刷新二维码', canRefresh: canRefresh() })
    }
    again()
  }, [])

  useEffect(() => {
    if (deskSession.state() === 'active') signedIn.current()
    else void start(true)
    return stop
  }, [start])

  const refresh = useCallback(() => {
    if (!canRefresh()) return
    refreshes.current++
    void start(false)
  }, [start])

  return { view, refresh }
}
