import type { ReplyError } from '@contracts/reply'
import type { Me } from '@contracts/users'
import { meApi } from './api'

export type SessionState =
  | { status: 'idle' }
  | { status: 'loading'; me?: Me }
  | { status: 'ready'; me: Me }
  | { status: 'error'; error: ReplyError; me?: Me }

let state: SessionState = { status: 'idle' }
let generation = 0
let inFlight: Promise<void> | null = null
const listeners = new Set<() => void>()

function set(next: SessionState): void {
  state = next
  listeners.forEach((l) => l())
}

/** A tiny store for the signed-in user (`users.me`), shared by every page. */
export const sessionStore = {
  get: (): SessionState => state,

  subscribe(listener: () => void): () => void {
    listeners.add(listener)
    return () => {
      listeners.delete(listener)
    }
  },

  /** Loads `users.me` unless already loaded or loading (`force` reloads). */
  load(force = false): Promise<void> {
    if (!force && inFlight) return inFlight
    if (!force && state.status === 'ready') return Promise.resolve()
    const mine = ++generation
    const previous = 'me' in state ? state.me : undefined
    set({ status: 'loading', me: previous })
    const run = meApi.me().then((reply) => {
      if (mine !== generation) return
      set(reply.ok ? { status: 'ready', me: reply.data } : { status: 'error', error: reply.error, me: previous })
    })
    inFlight = run.finally(() => {
      if (mine === generation) inFlight = null
    })
    return inFlight
  },

  /** Forgets the user (persona changed): subscribed views reload. */
  reset(): void {
    generation++
    inFlight = null
    set({ status: 'idle' })
  }
}
