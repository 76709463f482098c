import { useEffect, useRef, useState } from 'react'
import type { Reply } from '@contracts/reply'
import type { SortState } from '@/features/desk'

/** What a desk list asks its action for: the page, its size, the sort (none: the list's own order) and the filters. */
export interface DeskListQuery<F> {
  page: number
  pageSize: number
  sort?: SortState
  filters: F
}

/**
 * One server-paged list of a desk page: the query (page, size, sort, filters), one call per
 * change, and the state DataTable shows. A new filter or sort goes back to page 1; an answer that
 * arrives after a newer query is dropped.
 */
export function useDeskList<T, F extends object>(load: (query: DeskListQuery<F>) => Promise<Reply<{ items: T[]; total: number }>>, initial: F) {
  const [query, setQuery] = useState<DeskListQuery<F>>({ page: 1, pageSize: 20, filters: initial })
  const [state, setState] = useState<{ rows: T[]; total: number; loading: boolean; error?: string }>({ rows: [], total: 0, loading: true })
  const [reloads, setReloads] = useState(0)
  const loadRef = useRef(load)
  loadRef.current = load
  useEffect(() => {
    let live = true
    setState((s) => ({ ...s, loading: true, error: undefined }))
    void loadRef.current(query).then((reply) => {
      if (!live) return
      if (reply.ok) setState({ rows: reply.data.items, total: reply.data.total, loading: false })
      else setState({ rows: [], total: 0, loading: false, error: reply.error.message })
    })
    return () => {
      live = false
    }
  }, [query, reloads])
  return {
    ...state,
    page: query.page,
    pageSize: query.pageSize,
    sort: query.sort,
    filters: query.filters,
    onPage: (page: number, pageSize: number) => setQuery((q) => ({ ...q, page, pageSize })),
    onSort: (sort: SortState) => setQuery((q) => ({ ...q, sort, page: 1 })),
    setFilters: (patch: Partial<F>) => setQuery((q) => ({ ...q, page: 1, filters: { ...q.filters, ...patch } })),
    /** Replaces one row in place (e.g. after a review) without reading the page again. */
    replaceRow: (match: (row: T) => boolean, next: T) => setState((s) => ({ ...s, rows: s.rows.map((row) => (match(row) ? next : row)) })),
    reload: () => setReloads((n) => n + 1)
  }
}

/** What DataTable needs of a list. */
interface TableSource<T> {
  rows: T[]
  total: number
  page: number
  pageSize: number
  onPage: (page: number, pageSize: number) => void
  sort?: SortState
  onSort: (sort: SortState) => void
  loading: boolean
  error?: string
}

/** The props DataTable takes from a list. */
export const tableProps = <T>(list: TableSource<T>) => ({
  rows: list.rows,
  total: list.total,
  page: list.page,
  pageSize: list.pageSize,
  onPage: list.onPage,
  sort: list.sort,
  onSort: list.onSort,
  loading: list.loading,
  error: list.error
})
