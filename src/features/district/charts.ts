import type { Comparison, Trend } from '@contracts/reports'
import { monthLabel } from './format'

/**
 * ECharts options for the dashboard (pure data: the chart components only draw them). Large type
 * (14–16 px) for phones, the theme's red first.
 */
export const CHART_COLORS = ['#c8161d', '#f0a020', '#2f7ed8', '#3aa657', '#8e5ac8']

const axisLabel = { fontSize: 13, color: '#4a4a4a' }

/** Several monthly trends on one chart: bars for the first, lines for the rest. */
export function trendOption(trends: Trend[], options: { bars?: boolean } = {}) {
  const months = trends[0]?.points.map((p) => p.month) ?? []
  return {
    color: CHART_COLORS,
    animation: false,
    // One legend line per series (a phone is too narrow for them side by side).
    grid: { left: 8, right: 12, top: trends.length > 1 ? trends.length * 22 + 16 : 16, bottom: 8, containLabel: true },
    legend: trends.length > 1 ? { top: 0, left: 0, orient: 'vertical', itemGap: 6, textStyle: { fontSize: 13 }, itemWidth: 14, itemHeight: 10 } : undefined,
    tooltip: { trigger: 'axis', confine: true, textStyle: { fontSize: 14 } },
    xAxis: { type: 'category', data: months.map((m, i) => monthLabel(m, i === 0)), axisLabel },
    yAxis: { type: 'value', axisLabel, minInterval: 1, splitLine: { lineStyle: { color: '#eee' } } },
    series: trends.map((t, i) => ({
      name: `${t.label}（${t.unit}）`,
      type: options.bars && i === 0 ? 'bar' : 'line',
      data: t.points.map((p) => p.value),
      symbolSize: 6,
      barMaxWidth: 22,
      itemStyle: { borderRadius: options.bars && i === 0 ? [4, 4, 0, 0] : undefined }
    }))
  }
}

/** One figure for every community, as horizontal bars (names stay readable on a narrow screen). */
export function comparisonOption(c: Comparison) {
  const rows = [...c.rows].reverse() // echarts draws categories bottom-up; keep the district's order top-down
  return {
    color: CHART_COLORS,
    animation: false,
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true, textStyle: { fontSize: 14 } },
    xAxis: { type: 'value', axisLabel: { ...axisLabel, fontSize: 12 }, splitLine: { lineStyle: { color: '#eee' } } },
    yAxis: { type: 'category', data: rows.map((r) => r.communityName), axisLabel: { ...axisLabel, fontSize: 14 } },
    series: [
      {
        name: `${c.label}（${c.unit}）`,
        type: 'bar',
        data: rows.map((r) => r.value),
        barMaxWidth: 20,
        label: { show: true, position: 'right', fontSize: 13, color: '#1c1c1c' },
        itemStyle: { borderRadius: [0, 4, 4, 0] }
      }
    ]
  }
}

/** Height for a comparison chart: enough room per community. */
export const comparisonHeight = (c: Comparison) => Math.max(200, c.rows.length * 34 + 40)
