/**
 * The optional `sort: {field, order}` of the list actions the PC back office sorts
 * (docs/back-office.md §4 Contracts). Each list names only the fields an index in
 * server/db/collections.ts serves; an unknown field is INVALID_INPUT in Chinese.
 */
import { z } from './zod'

export const SORT_ORDERS = ['asc', 'desc'] as const
export type SortOrder = (typeof SORT_ORDERS)[number]

/**
 * `{field, order}` for one list: `fields` the sortable fields, `labels` their Chinese names in
 * the same order (for the message naming what may be asked). `order` defaults to desc.
 */
export function sortSchema<const F extends readonly [string, ...string[]]>(fields: F, labels: { [K in keyof F]: string }) {
  const named = (labels as readonly string[]).join('、')
  return z.object(
    {
      field: z.enum(fields, { message: `不支持按此字段排序，可按${named}排序` }),
      order: z.enum(SORT_ORDERS, { message: '排序方向应为升序或降序' }).default('desc')
    },
    { message: '排序方式格式不正确' }
  )
}
