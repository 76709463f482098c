import type { ReactNode } from 'react'

/**
 * Above a table with a selection: 已选 N 条, the batch actions (the page's buttons) and 清除选择.
 * Hidden while nothing is selected.
 */
export function BatchBar({ count, onClear, children }: { count: number; onClear: () => void; children: ReactNode }) {
  if (!count) return null
  return (
    <div className='desk-batch' role='region' aria-label='批量操作' data-testid='desk-batch'>
      <span className='desk-batch__count'>已选 {count} 条</span>
      <div className='desk-batch__actions'>{children}</div>
      <button type='button' className='desk-batch__clear' onClick={onClear}>
        清除选择
      </button>
    </div>
  )
}
