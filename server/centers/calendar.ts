/**
 * Wall-clock arithmetic for centre opening hours and room slots, in Asia/Shanghai.
 *
 * Shanghai has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact here and
 * much cheaper than a time-zone database lookup per slot (availability draws hundreds of slots per
 * call; see scripts/bench/centers.ts). Input parsing from users still goes through
 * server/core/time.ts (`parseLocal`).
 */
const OFFSET_MS = 8 * 3600_000
export const MINUTE = 60_000
export const DAY_MS = 24 * 3600_000

/** A Shanghai calendar day "YYYY-MM-DD" of an instant. */
export function dayOf(ms: number): string {
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 10)
}

/** The instant of a Shanghai wall-clock time on a day ("HH:mm"). */
export function at(day: string, hhmm: string): number {
  return Date.parse(`${day}T${hhmm}:00+08:00`)
}

/** Start of a Shanghai day. */
export function startOfDay(day: string): number {
  return at(day, '00:00')
}

/** ISO weekday 1 (Monday) … 7 (Sunday) of a day. */
export function weekdayOf(day: string): number {
  const d = new Date(`${day}T00:00:00Z`).getUTCDay()
  return d === 0 ? 7 : d
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10)
}

/** Days from `a` to `b` (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS)
}

/** The week a day belongs to, keyed by its Monday ("2026-11-23"). Weeks run Monday to Sunday. */
export function weekKeyOf(day: string): string {
  return addDays(day, 1 - weekdayOf(day))
}

export function monthKeyOf(day: string): string {
  return day.slice(0, 7)
}

/** "2026-11-27T09:00:00+08:00". */
export function iso(ms: number | Date): string {
  const t = typeof ms === 'number' ? ms : ms.getTime()
  return `${new Date(t + OFFSET_MS).toISOString().slice(0, 19)}+08:00`
}

/** "09:00" in Shanghai. */
export function hhmmOf(ms: number): string {
  return new Date(ms + OFFSET_MS).toISOString().slice(11, 16)
}

/** "202611270900": the slot part of a slot document's `_id`. */
export function slotKeyOf(ms: number): string {
  const s = new Date(ms + OFFSET_MS).toISOString()
  return `${s.slice(0, 4)}${s.slice(5, 7)}${s.slice(8, 10)}${s.slice(11, 13)}${s.slice(14, 16)}`
}

/** "11月27日 周五 09:00-11:00" for messages. */
export function rangeLabel(start: number, end: number): string {
  const day = dayOf(start)
  const weekday = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'][weekdayOf(day)]
  return `${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日 ${weekday} ${hhmmOf(start)}-${hhmmOf(end)}`
}

/** "2026-11-27 09:00" (WeChat subscription message `time` fields). */
export function wallTime(ms: number): string {
  return `${dayOf(ms)} ${hhmmOf(ms)}`
}
