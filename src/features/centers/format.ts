/**
 * Dates and times as residents read them, always in Asia/Shanghai (UTC+8, no daylight saving):
 * the phone's own time zone does not matter. The server sends ISO strings with an offset.
 */
const OFFSET = 8 * 3600_000
const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六']

const wall = (iso: string) => new Date(Date.parse(iso) + OFFSET)
const pad = (n: number) => String(n).padStart(2, '0')

/** "09:00" */
export function timeOf(iso: string): string {
  const d = wall(iso)
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`
}

/** "11月30日 周一" */
export function dayLabel(iso: string): string {
  const d = wall(iso)
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${WEEKDAYS[d.getUTCDay()]}`
}

/** "YYYY-MM-DD" in Shanghai, of an ISO string or of now. */
export function dayKey(iso?: string | number): string {
  const t = iso === undefined ? Date.now() : typeof iso === 'number' ? iso : Date.parse(iso)
  return new Date(t + OFFSET).toISOString().slice(0, 10)
}

/** Adds days to a "YYYY-MM-DD". */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)
}

/** "今天" / "明天" / "后天" / "11月30日" for a "YYYY-MM-DD". */
export function relativeDay(day: string): string {
  const today = dayKey()
  if (day === today) return '今天'
  if (day === addDays(today, 1)) return '明天'
  if (day === addDays(today, 2)) return '后天'
  return `${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日`
}

/** "11月30日 周一 09:00-11:00" */
export function rangeLabel(start: string, end: string): string {
  return `${dayLabel(start)} ${timeOf(start)}-${timeOf(end)}`
}

/** "1小时" / "1.5小时" / "30分钟" */
export function durationLabel(minutes: number): string {
  if (minutes < 60) return `${minutes}分钟`
  const h = minutes / 60
  return `${Number.isInteger(h) ? h : h.toFixed(1)}小时`
}

/** "1.2公里" / "350米" */
export function distanceLabel(metres?: number): string | undefined {
  if (metres === undefined) return undefined
  return metres >= 1000 ? `${(metres / 1000).toFixed(1)}公里` : `${metres}米`
}

/** "¥1,310,200" */
export function yuan(amount: number): string {
  const [int, dec] = amount.toFixed(2).split('.')
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `¥${grouped}${dec === '00' ? '' : `.${dec}`}`
}

/** "46.5%" */
export function percent(rate: number): string {
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`
}
