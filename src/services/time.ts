/**
 * Times as people here read them, always in Asia/Shanghai (UTC+8, no daylight saving) whatever the
 * phone's zone. The server sends ISO strings; inputs go back as "YYYY-MM-DD HH:mm" wall-clock.
 * Shared by the features (the volunteer pages, 首页 and 我的).
 */
const OFFSET = 8 * 3600_000
const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六']
const pad = (n: number) => String(n).padStart(2, '0')
const wall = (iso: string | number) => new Date((typeof iso === 'number' ? iso : Date.parse(iso)) + OFFSET)

/** "11月29日" */
export function monthDay(iso: string | number): string {
  const d = wall(iso)
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日`
}

/** "11月29日 周六" */
export function dayLabel(iso: string | number): string {
  return `${monthDay(iso)} ${WEEKDAYS[wall(iso).getUTCDay()]}`
}

/** "09:30" */
export function timeOf(iso: string | number): string {
  const d = wall(iso)
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`
}

/** "YYYY-MM-DD" in Shanghai. */
export function wallDay(iso: string | number): string {
  return wall(iso).toISOString().slice(0, 10)
}

/** "11月29日 周六 09:00–11:00" (the end's day too when it differs). */
export function rangeLabel(start: string, end: string): string {
  const sameDay = wallDay(start) === wallDay(end)
  return `${dayLabel(start)} ${timeOf(start)}–${sameDay ? '' : `${dayLabel(end)} `}${timeOf(end)}`
}

/** "2026年11月29日" */
export function fullDate(iso: string): string {
  const d = wall(iso)
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`
}

/** "11月28日 18:00" */
export function shortDateTime(iso: string): string {
  return `${monthDay(iso)} ${timeOf(iso)}`
}

/** "YYYY-MM-DD HH:mm" in Shanghai (what the functions take as wall-clock input). */
export function wallDateTime(iso: string | number): string {
  return `${wallDay(iso)} ${timeOf(iso)}`
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)
}

/** 150 → "2.5" (hours, one decimal). */
export function hours(minutes: number): string {
  const v = Math.round((minutes / 60) * 10) / 10
  return Number.isInteger(v) ? String(v) : v.toFixed(1)
}
