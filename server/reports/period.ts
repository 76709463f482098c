import { dayjs, ZONE } from '../core/time'

/**
 * A report period: `from` and `to` are Asia/Shanghai dates, both days included. In the database a
 * flow figure's date field lies in [start, end) — midnight of `from` to midnight after `to`.
 */
export interface Period {
  from: string
  to: string
  start: Date
  end: Date
  /** "YYYY-MM" of every month the period touches, in order (the x axis of a trend). */
  months: string[]
}

export function periodOf(input: { from: string; to: string }): Period {
  const start = dayjs.tz(`${input.from} 00:00`, 'YYYY-MM-DD HH:mm', ZONE)
  const end = dayjs.tz(`${input.to} 00:00`, 'YYYY-MM-DD HH:mm', ZONE).add(1, 'day')
  const months: string[] = []
  for (let m = start.startOf('month'); m.isBefore(end); m = m.add(1, 'month')) months.push(m.format('YYYY-MM'))
  return { from: input.from, to: input.to, start: start.toDate(), end: end.toDate(), months }
}

/** Shanghai is UTC+8 all year (no daylight saving): a month key is the UTC month of instant + 8 h. */
export const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000
