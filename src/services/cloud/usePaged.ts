import { useCallback, useEffect, useRef, useState } from 'react'
import type { Reply, ReplyError } from '@contracts/reply'

interface PageData<T> {
  items: T[]
  total: number
}

/**
 * The one paged-list hook of the app (pages of `{ items, total }` replies from any function).
 * A paged list: `load(1)` replaces, `more()` appends the next page. Reloads when `deps` change
 * (and `enabled`). Stale replies are ignored.
 */
export function usePaged<T>(fetch: (page: number) => Promise<Reply<PageData<T>>>, deps: readonly unknown[], enabled = true) {
  const [items, setItems] = useState<T[]>([])
  const [total, setTotal] = useState(0)
  const [page, setPage] = useState(1)
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<ReplyError>()
  const seq = useRef(0)
  const fetchRef = useRef(fetch)
  fetchRef.current = fetch

  const load = useCallback(async (next: number) => {
    const mine = ++seq.current
    setLoading(true)
    const reply = await fetchRef.current(next)
    if (mine !== seq.current) return
    setLoading(false)
    if (!reply.ok) {
      setError(reply.error)
      return
    }
    setError(undefined)
    setItems((prev) => (next === 1 ? reply.data.items : [...prev, ...reply.data.items]))
    setTotal(reply.data.total)
    setPage(next)
  }, [])

  useEffect(() => {
    if (enabled) void load(1)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enabled, ...deps])

  return {
    items,
    total,
    loading,
    error,
    reload: () => load(1),
    more: () => (items.length < total && !loading ? load(page + 1) : Promise.resolve()),
    hasMore: items.length < total
  }
}
