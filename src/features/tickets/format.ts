/** Times are shown in Asia/Shanghai whatever the phone's zone (UTC+8, no DST: no Intl needed). */
const OFFSET = 8 * 3_600_000
const pad = (n: number) => String(n).padStart(2, '0')

function parts(iso: string | number) {
  const d = new Date(new Date(iso).getTime() + OFFSET)
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), min: d.getUTCMinutes() }
}

/** 11月27日 09:30 (this year) or 2025年11月27日 09:30. */
export function formatTime(iso: string, now = Date.now()): string {
  const p = parts(iso)
  const day = p.y === parts(now).y ? `${p.m}月${p.d}日` : `${p.y}年${p.m}月${p.d}日`
  return `${day} ${pad(p.h)}:${pad(p.min)}`
}

/** "3小时后" / "已超时5小时": how far a deadline is, in words an elderly reader follows. */
export function untilText(iso: string, now = Date.now()): string {
  const diff = new Date(iso).getTime() - now
  const hours = Math.round(Math.abs(diff) / 3_600_000)
  const span = hours >= 48 ? `${Math.round(hours / 24)}天` : hours >= 1 ? `${hours}小时` : '不到1小时'
  return diff >= 0 ? `${span}内` : `已超时${span}`
}

/** "2026年10月" from "2026-10". */
export function monthLabel(month: string): string {
  const [y, m] = month.split('-')
  return `${y}年${Number(m)}月`
}

/** The month before the current one (Shanghai), "YYYY-MM". */
export function previousMonth(now = Date.now()): string {
  const p = parts(now)
  const y = p.m === 1 ? p.y - 1 : p.y
  const m = p.m === 1 ? 12 : p.m - 1
  return `${y}-${pad(m)}`
}

/** The current month (Shanghai), "YYYY-MM". */
export function currentMonth(now = Date.now()): string {
  const p = parts(now)
  return `${p.y}-${pad(p.m)}`
}

/** Shifts "YYYY-MM" by n months. */
export function shiftMonth(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number)
  const total = y * 12 + (m - 1) + n
  return `${Math.floor(total / 12)}-${pad((total % 12) + 1)}`
}

export const percent = (rate: number | null | undefined) => (rate == null ? '—' : `${Math.round(rate * 100)}%`)
export const oneDecimal = (n: number | null | undefined) => (n == null ? '—' : n.toFixed(1))
