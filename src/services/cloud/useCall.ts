import { useCallback, useEffect, useRef, useState } from 'react'
import type { Reply, ReplyError } from '@contracts/reply'

export interface CallState<T> {
  loading: boolean
  data: T | undefined
  error: ReplyError | undefined
  /** Runs the call again (keeps the previous data while loading). */
  reload: () => Promise<void>
}

/**
 * Runs `run` (typically `() => call(...)`) on mount and whenever `deps` change, exposing
 * loading / data / error. Stale replies (deps changed meanwhile, or unmounted) are ignored.
 */
export function useCall<T>(run: () => Promise<Reply<T>>, deps: readonly unknown[] = []): CallState<T> {
  const [state, setState] = useState<{ loading: boolean; data?: T; error?: ReplyError }>({ loading: true })
  const seq = useRef(0)
  const runRef = useRef(run)
  runRef.current = run

  const reload = useCallback(async () => {
    const mine = ++seq.current
    setState((s) => ({ ...s, loading: true }))
    const reply = await runRef.current()
    if (mine !== seq.current) return
    setState(reply.ok ? { loading: false, data: reply.data } : { loading: false, error: reply.error })
  }, [])

  useEffect(() => {
    void reload()
    return () => {
      seq.current++
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps)

  return { loading: state.loading, data: state.data, error: state.error, reload }
}
