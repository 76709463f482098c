import { z } from './zod'

export const idSchema = z.string().min(1).max(64)
export const pageInputSchema = z.object({
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(100).default(20)
})
export type PageInput = z.infer<typeof pageInputSchema>

export interface Page<T> {
  items: T[]
  total: number
  page: number
  pageSize: number
}

/** Mainland China mobile number. */
export const mobileSchema = z.string().regex(/^1[3-9]\d{9}$/, '请输入正确的手机号')

/** ISO date-time string or epoch millis; always interpreted in Asia/Shanghai by the server. */
export const dateTimeSchema = z.union([z.string().min(8).max(40), z.number().int()])
