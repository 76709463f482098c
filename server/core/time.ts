import dayjs from 'dayjs'
import utc from 'dayjs/plugin/utc'
import timezone from 'dayjs/plugin/timezone'
import customParseFormat from 'dayjs/plugin/customParseFormat'

dayjs.extend(utc)
dayjs.extend(timezone)
dayjs.extend(customParseFormat)

export const ZONE = 'Asia/Shanghai'

/** A dayjs in Asia/Shanghai for an instant (millis, Date or ISO string with offset). */
export function shanghai(at: number | Date | string): dayjs.Dayjs {
  return dayjs(at).tz(ZONE)
}

/**
 * Parses a wall-clock time given by a user ("2026-11-27 09:30", "2026-11-27T09:30") as Asia/Shanghai,
 * or an ISO string with an explicit offset / epoch millis as that instant.
 */
export function parseLocal(input: string | number): dayjs.Dayjs {
  if (typeof input === 'number') return dayjs(input).tz(ZONE)
  if (/[zZ]|[+-]\d\d:?\d\d$/.test(input)) return dayjs(input).tz(ZONE)
  return dayjs.tz(input.replace('T', ' '), formatOf(input), ZONE)
}

/** "YYYY-MM" of an instant in Shanghai. */
export function monthKey(at: number | Date): string {
  return shanghai(at).format('YYYY-MM')
}

export { dayjs }

function formatOf(input: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(input)) return 'YYYY-MM-DD'
  return /\d{2}:\d{2}:\d{2}/.test(input) ? 'YYYY-MM-DD HH:mm:ss' : 'YYYY-MM-DD HH:mm'
}
