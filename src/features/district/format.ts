/** 12345.6 → "12,345.6"; whole numbers without decimals. */
export function formatValue(value: number): string {
  const [int, frac] = String(value).split('.')
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return frac ? `${grouped}.${frac}` : grouped
}

/** A month key "2026-03" as the axis shows it: "3月" (with the year when it is January or the first). */
export function monthLabel(month: string, first: boolean): string {
  const m = Number(month.slice(5, 7))
  return first || m === 1 ? `${month.slice(2, 4)}年${m}月` : `${m}月`
}

/** Percent of a target, one decimal. */
export const percentOf = (value: number, target: number) => (target > 0 ? Math.round((value / target) * 1000) / 10 : 0)
