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

/**
 * ISO date-time string or epoch millis; always interpreted in Asia/Shanghai by the server. A
 * string's date and time must be real ("2026-13-45 09:00" and "2026-02-30" are refused).
 */
export const dateTimeSchema = z.union([
  z
    .string()
    .min(8)
    .max(40)
    .refine((value) => isValidDateTimeText(value), '日期时间无效，请填写真实的日期和时间'),
  z.number().int()
])

// ------------------------------------------------------------------ person-typed text

/**
 * Characters that show nothing but count as text: zero-width space / non-joiner / joiner
 * (U+200B–U+200D), word joiner (U+2060), BOM / zero-width no-break space (U+FEFF), and the bidi
 * controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates) that can also reorder
 * what others read. A zero-width joiner between two emoji (👨‍👩‍👧) is kept: it draws one emoji.
 */
const INVISIBLE = /[\u200B\u200C\u2060\uFEFF\u202A-\u202E\u2066-\u2069]|(?<!\p{Extended_Pictographic}\uFE0F?)\u200D|\u200D(?!\p{Extended_Pictographic})/gu

/** The text without invisible characters (before trimming and length checks). */
export const stripInvisible = (value: string): string => value.replace(INVISIBLE, '')

/**
 * Every string in an input, however deep, without invisible characters: the function shell runs
 * each action's input through this before its contract (server/core/function.ts), so every
 * person-typed text is checked for length, emptiness and content as it will be shown.
 */
export function stripInvisibleDeep<T>(value: T): T {
  if (typeof value === 'string') return stripInvisible(value) as T
  if (Array.isArray(value)) return value.map((item) => stripInvisibleDeep(item)) as T
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) out[key] = stripInvisibleDeep(item)
    return out as T
  }
  return value
}

/**
 * A person-typed text: invisible characters removed, then trimmed, then `min`–`max` characters,
 * with Chinese messages naming `label` (请填写姓名 / 姓名至少2个字 / 姓名不能超过30个字).
 */
export const text = (min: number, max: number, label: string) =>
  z
    .string()
    .overwrite(stripInvisible)
    .trim()
    .min(min, min <= 1 ? `请填写${label}` : `${label}至少${min}个字`)
    .max(max, `${label}不能超过${max}个字`)

// ------------------------------------------------------------------ dates

/** Whether year-month-day is a day of the calendar (no month 13, no 45th, no 30 February). */
export function isCalendarDay(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false
  if (month < 1 || month > 12 || day < 1) return false
  const days = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
  return day <= days
}

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/
/** `YYYY-MM-DD[ T]HH:mm[:ss…]`: the wall-clock part a date-time string starts with. */
const DATE_TIME_PATTERN = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?/

/** Whether a "YYYY-MM-DD" string names a real day. */
export function isValidDay(value: string): boolean {
  const m = DAY_PATTERN.exec(value)
  return !!m && isCalendarDay(Number(m[1]), Number(m[2]), Number(m[3]))
}

/**
 * A day (Asia/Shanghai) as "YYYY-MM-DD", and a real one: "2026-13-45" and "2026-02-30" are refused
 * with `message` (default 日期无效，请按 YYYY-MM-DD 填写一个真实的日期).
 */
export const dayStringSchema = (message = '日期无效，请按 YYYY-MM-DD 填写真实的日期') =>
  z.string().trim().regex(DAY_PATTERN, message).refine(isValidDay, message)

/** Whether a date-time string's leading date and time (if written as digits) are real. */
export function isValidDateTimeText(value: string): boolean {
  const m = DATE_TIME_PATTERN.exec(value.trim())
  if (!m) return true // other ISO shapes: the server's parser decides
  if (!isCalendarDay(Number(m[1]), Number(m[2]), Number(m[3]))) return false
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || (m[6] !== undefined && Number(m[6]) > 59))) return false
  return true
}
