import { useEffect, useSyncExternalStore } from 'react'
import type { ReplyError } from '@contracts/reply'
import type { Me } from '@contracts/users'
import { sessionStore } from './store'

export interface MeState {
  me: Me | undefined
  loading: boolean
  error: ReplyError | undefined
  reload: () => Promise<void>
}

const reload = () => sessionStore.load(true)

/**
 * The signed-in user (`users.me`), loaded once and shared; reloaded after a persona change.
 * `enabled: false` holds the call back (e.g. while H5 redirects to the dev sign-in page).
 */
export function useMe(options: { enabled?: boolean } = {}): MeState {
  const enabled = options.enabled ?? true
  const state = useSyncExternalStore(sessionStore.subscribe, sessionStore.get, sessionStore.get)
  useEffect(() => {
    if (enabled && state.status === 'idle') void sessionStore.load()
  }, [enabled, state.status])
  return {
    me: 'me' in state ? state.me : undefined,
    loading: state.status === 'idle' || state.status === 'loading',
    error: state.status === 'error' ? state.error : undefined,
    reload
  }
}
