import type { Comparison, Trend } from '@contracts/reports'
import { monthLabel } from './format'

/**
 * What the dashboard's charts show (pure data; ./drawChart.ts draws it on a canvas). Large type
 * (13–14 px) for phones, the theme's red first.
 */
export const CHART_COLORS = ['#c8161d', '#f0a020', '#2f7ed8', '#3aa657', '#8e5ac8']

export interface ChartSeries {
  name: string
  type: 'bar' | 'line'
  data: number[]
}

export interface ChartSpec {
  /** `columns`: categories along the bottom (months); `rows`: categories down the left (communities), bars to the right. */
  layout: 'columns' | 'rows'
  categories: string[]
  series: ChartSeries[]
  /** A legend line per series above the plot (a phone is too narrow for them side by side). */
  legend: boolean
  /** Each bar's value at its end. */
  valueLabels: boolean
  /** Value-axis steps are whole numbers (counts). */
  wholeSteps: boolean
}

/** Several monthly trends on one chart: bars for the first (when `bars`), lines for the rest. */
export function trendOption(trends: Trend[], options: { bars?: boolean } = {}): ChartSpec {
  const months = trends[0]?.points.map((p) => p.month) ?? []
  return {
    layout: 'columns',
    categories: months.map((m, i) => monthLabel(m, i === 0)),
    series: trends.map((t, i) => ({ name: `${t.label}（${t.unit}）`, type: options.bars && i === 0 ? 'bar' : 'line', data: t.points.map((p) => p.value) })),
    legend: trends.length > 1,
    valueLabels: false,
    wholeSteps: true
  }
}

/** One figure for every community, as horizontal bars (names stay readable on a narrow screen), in the district's order top-down. */
export function comparisonOption(c: Comparison): ChartSpec {
  return {
    layout: 'rows',
    categories: c.rows.map((r) => r.communityName),
    series: [{ name: `${c.label}（${c.unit}）`, type: 'bar', data: c.rows.map((r) => r.value) }],
    legend: false,
    valueLabels: true,
    wholeSteps: false
  }
}

/** Height for a comparison chart: enough room per community. */
export const comparisonHeight = (c: Comparison) => Math.max(200, c.rows.length * 34 + 40)
