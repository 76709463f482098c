import type { ReactNode } from 'react'

export type SortOrder = 'asc' | 'desc'
export interface SortState {
  field: string
  order: SortOrder
}

export interface Column<T> {
  key: string
  title: string
  render: (row: T) => ReactNode
  /** The list action's `sort.field` for this column, when the server sorts by it (an index serves it). */
  sortField?: string
  /** CSS width, e.g. '120PX' or '20%'. */
  width?: string
  align?: 'left' | 'right' | 'center'
}

export const PAGE_SIZES = [20, 50, 100] as const

export interface DataTableProps<T> {
  /** Names the table for tests and screen readers (`data-testid`, `aria-label`). */
  name: string
  label: string
  rows: readonly T[]
  rowKey: (row: T) => string
  columns: readonly Column<T>[]
  total: number
  /** 1-based. */
  page: number
  pageSize: number
  onPage: (page: number, pageSize: number) => void
  sort?: SortState
  onSort?: (sort: SortState) => void
  /** With `onSelect`: a checkbox column, and 全选本页 in its header. */
  selected?: ReadonlySet<string>
  onSelect?: (selected: Set<string>) => void
  /** Which rows may be selected (e.g. only those still 待审核); default all. */
  canSelect?: (row: T) => boolean
  /** Above the table: filters and the like. */
  toolbar?: ReactNode
  loading?: boolean
  error?: string
  /** Shown when there are no rows. */
  empty?: string
  /** A row's extra line under it (e.g. a batch outcome). */
  rowNote?: (row: T) => ReactNode
}

/**
 * The back office's one table (H5 only; plain DOM): a real `<table>` with sortable headers
 * (`aria-sort`; a click asks the server for the other order: the lists page on the server, so
 * sorting one page in the browser would mislead), a checkbox column with 全选本页, a pager with
 * 20/50/100 rows, and loading, error and empty states. The page owns the data (a list call per
 * page); the table only shows it and reports what the person asked for.
 */
export function DataTable<T>(props: DataTableProps<T>) {
  const { name, label, rows, rowKey, columns, total, page, pageSize, onPage, sort, onSort, selected, onSelect, canSelect, toolbar, loading, error, empty, rowNote } = props
  const selectable = !!onSelect
  const choosable = selectable ? rows.filter((row) => (canSelect ? canSelect(row) : true)).map(rowKey) : []
  const allChosen = choosable.length > 0 && choosable.every((id) => selected?.has(id))
  const pages = Math.max(1, Math.ceil(total / pageSize))
  const toggleAll = () => {
    const next = new Set(selected)
    for (const id of choosable) {
      if (allChosen) next.delete(id)
      else next.add(id)
    }
    onSelect?.(next)
  }
  const toggle = (id: string) => {
    const next = new Set(selected)
    if (next.has(id)) next.delete(id)
    else next.add(id)
    onSelect?.(next)
  }
  const sortBy = (field: string) => {
    const order: SortOrder = sort?.field === field && sort.order === 'desc' ? 'asc' : 'desc'
    onSort?.({ field, order })
  }
  const span = columns.length + (selectable ? 1 : 0)
  return (
    <div className='desk-table' data-testid={`desk-table-${name}`}>
      {toolbar ? <div className='desk-table__toolbar'>{toolbar}</div> : null}
      <table className='desk-table__table' aria-label={label} aria-busy={loading || undefined}>
        <thead>
          <tr>
            {selectable ? (
              <th className='desk-table__check'>
                <input type='checkbox' aria-label='全选本页' checked={allChosen} disabled={!choosable.length} onChange={toggleAll} />
              </th>
            ) : null}
            {columns.map((col) => {
              const sorted = col.sortField && sort?.field === col.sortField ? sort.order : undefined
              return (
                <th
                  key={col.key}
                  style={{ width: col.width, textAlign: col.align }}
                  aria-sort={sorted ? (sorted === 'asc' ? 'ascending' : 'descending') : col.sortField ? 'none' : undefined}
                >
                  {col.sortField && onSort ? (
                    <button type='button' className='desk-table__sort' onClick={() => sortBy(col.sortField!)}>
                      {col.title}
                      <span className='desk-table__arrow' aria-hidden>
                        {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '↕'}
                      </span>
                    </button>
                  ) : (
                    col.title
                  )}
                </th>
              )
            })}
          </tr>
        </thead>
        <tbody>
          {error ? (
            <tr>
              <td colSpan={span} className='desk-table__state desk-table__state--error' role='alert'>
                {error}
              </td>
            </tr>
          ) : !rows.length ? (
            <tr>
              <td colSpan={span} className='desk-table__state'>
                {loading ? '正在加载…' : empty ?? '暂无数据'}
              </td>
            </tr>
          ) : (
            rows.map((row) => {
              const id = rowKey(row)
              const note = rowNote?.(row)
              const can = canSelect ? canSelect(row) : true
              return [
                <tr key={id} data-row={id} className={selected?.has(id) ? 'desk-table__row desk-table__row--selected' : 'desk-table__row'}>
                  {selectable ? (
                    <td className='desk-table__check'>
                      <input type='checkbox' aria-label='选择此行' checked={!!selected?.has(id)} disabled={!can} onChange={() => toggle(id)} />
                    </td>
                  ) : null}
                  {columns.map((col) => (
                    <td key={col.key} style={{ textAlign: col.align }}>
                      {col.render(row)}
                    </td>
                  ))}
                </tr>,
                note ? (
                  <tr key={`${id}-note`} className='desk-table__note-row'>
                    <td colSpan={span}>{note}</td>
                  </tr>
                ) : null
              ]
            })
          )}
        </tbody>
      </table>
      <div className='desk-table__pager' role='navigation' aria-label={`${label}分页`}>
        <span className='desk-table__total'>共 {total} 条</span>
        <label className='desk-table__size'>
          每页
          <select value={pageSize} onChange={(e) => onPage(1, Number(e.target.value))}>
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
          条
        </label>
        <button type='button' disabled={page <= 1 || loading} onClick={() => onPage(page - 1, pageSize)}>
          上一页
        </button>
        <span className='desk-table__page'>
          第 {page} / {pages} 页
        </span>
        <button type='button' disabled={page >= pages || loading} onClick={() => onPage(page + 1, pageSize)}>
          下一页
        </button>
      </div>
    </div>
  )
}
