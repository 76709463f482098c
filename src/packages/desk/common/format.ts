import { timeOf, wallDay } from '@/services/time'

/** "2026-11-27 09:30" (Asia/Shanghai), or — when there is none. */
export const dateTime = (iso: string | undefined | null): string => (iso ? `${wallDay(iso)} ${timeOf(iso)}` : '—')

/** Today (Asia/Shanghai) as YYYY-MM-DD, and the first day of its month and year. */
export function today(): { day: string; monthStart: string; yearStart: string } {
  const day = wallDay(Date.now())
  return { day, monthStart: `${day.slice(0, 8)}01`, yearStart: `${day.slice(0, 5)}01-01` }
}
