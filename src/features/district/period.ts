import dayjs from 'dayjs'

export interface PeriodChoice {
  key: string
  label: string
  from: string
  to: string
}

const D = 'YYYY-MM-DD'

/**
 * Preset periods (dates in the phone's local time, which is Asia/Shanghai for the district's users;
 * the server interprets them in Asia/Shanghai whatever the phone says).
 */
export function periodPresets(now = dayjs()): PeriodChoice[] {
  const today = now.format(D)
  return [
    { key: 'year', label: '今年', from: now.startOf('year').format(D), to: today },
    { key: 'month', label: '本月', from: now.startOf('month').format(D), to: today },
    { key: 'last12', label: '近12个月', from: now.subtract(11, 'month').startOf('month').format(D), to: today },
    { key: 'lastYear', label: '去年', from: now.subtract(1, 'year').startOf('year').format(D), to: now.subtract(1, 'year').endOf('year').format(D) }
  ]
}

export const DEFAULT_PERIOD = 'year'

export function presetOf(key: string | undefined): PeriodChoice {
  const presets = periodPresets()
  return presets.find((p) => p.key === key) ?? presets[0]
}

/** "2026-01-01 至 2026-11-27" */
export const periodLabel = (p: { from: string; to: string }) => `${p.from} 至 ${p.to}`
