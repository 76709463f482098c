import { useMemo, useState } from 'react'
import { Text, View } from '@tarojs/components'
import type { Comparison, Trend } from '@contracts/reports'
import { Section } from '@/components'
import { Chart } from './Chart'
import { comparisonHeight, comparisonOption, trendOption } from './charts'

/** Month-by-month trends: hours as bars; volunteer activities and problems solved as lines. */
export function TrendCharts({ trends }: { trends: Trend[] }) {
  const hours = trends.filter((t) => t.key === 'volunteerHours')
  const counts = trends.filter((t) => t.key !== 'volunteerHours')
  const hoursOption = useMemo(() => trendOption(hours, { bars: true }), [hours])
  const countsOption = useMemo(() => trendOption(counts), [counts])
  if (!trends.length) return null
  return (
    <Section title='按月趋势' subtitle='统计期内'>
      {hours.length ? (
        <View className='hl-chart-block'>
          <Text className='hl-chart-block__title'>认定志愿服务时长（小时）</Text>
          <Chart option={hoursOption} height={220} label='按月志愿服务时长' />
        </View>
      ) : null}
      {counts.length ? (
        <View className='hl-chart-block'>
          <Text className='hl-chart-block__title'>志愿服务活动与办结事项（场/件）</Text>
          <Chart option={countsOption} height={260} label='按月活动与事项' />
        </View>
      ) : null}
    </Section>
  )
}

/** The communities side by side, one figure at a time (chips pick the figure). */
export function ComparisonChart({ comparisons }: { comparisons: Comparison[] }) {
  const [key, setKey] = useState(comparisons[0]?.key)
  const current = comparisons.find((c) => c.key === key) ?? comparisons[0]
  const option = useMemo(() => (current ? comparisonOption(current) : undefined), [current])
  if (!current || !option) return null
  return (
    <Section title='各社区对比'>
      <View className='hl-scope__chips'>
        {comparisons.map((c) => (
          <Text key={c.key} className={`hl-scope__chip${c.key === current.key ? ' hl-scope__chip--on' : ''}`} onClick={() => setKey(c.key)}>
            {c.label}
          </Text>
        ))}
      </View>
      <Text className='hl-chart-block__title'>
        {current.label}（{current.unit}）
      </Text>
      <Chart option={option} height={comparisonHeight(current)} label={`各社区${current.label}`} />
    </Section>
  )
}
