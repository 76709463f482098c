/** Times are shown in Asia/Shanghai whatever the phone's zone (no Intl needed: UTC+8, no DST). */
const OFFSET = 8 * 3_600_000
const pad = (n: number) => String(n).padStart(2, '0')

function parts(iso: string) {
  const d = new Date(new Date(iso).getTime() + OFFSET)
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), min: d.getUTCMinutes() }
}

/** 2026年11月27日 09:30 */
export function formatDateTime(iso: string): string {
  const p = parts(iso)
  return `${p.y}年${p.m}月${p.d}日 ${pad(p.h)}:${pad(p.min)}`
}

/** 11月27日 (this year) or 2025年11月27日. */
export function formatDate(iso: string, now = new Date().toISOString()): string {
  const p = parts(iso)
  return p.y === parts(now).y ? `${p.m}月${p.d}日` : `${p.y}年${p.m}月${p.d}日`
}

/** "YYYY-MM-DD" and "HH:mm" of an instant in Shanghai (for pickers). */
export function localDate(iso: string): string {
  const p = parts(iso)
  return `${p.y}-${pad(p.m)}-${pad(p.d)}`
}
export function localTime(iso: string): string {
  const p = parts(iso)
  return `${pad(p.h)}:${pad(p.min)}`
}

/** "2026-11-27 09:30" (Shanghai wall clock): the server reads it as Asia/Shanghai. */
export const wallClock = (date: string, time: string) => `${date} ${time}`

export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`
  return `${Math.max(1, Math.round(bytes / 1024))} KB`
}

export const percent = (rate: number) => `${Math.round(rate * 100)}%`
