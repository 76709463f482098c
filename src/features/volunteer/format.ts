/**
 * Times as volunteers read them, in Asia/Shanghai whatever the phone's zone: the shared helpers of
 * src/services/time.ts (首页 and 我的 use them too), plus the durations only this feature shows.
 */
export { addDays, dayLabel, fullDate, hours, rangeLabel, shortDateTime, timeOf, wallDateTime, wallDay } from '@/services/time'

/** 150 → "2小时30分钟"; 60 → "1小时"; 45 → "45分钟". */
export function duration(minutes: number): string {
  const h = Math.floor(minutes / 60)
  const m = Math.round(minutes % 60)
  if (h && m) return `${h}小时${m}分钟`
  if (h) return `${h}小时`
  return `${m}分钟`
}
