import { View } from '@tarojs/components'
import type { ChartProps } from './chartTypes'

/**
 * Platform-neutral fallback (tsc and jest only): Taro resolves `./Chart` to `Chart.h5.tsx` (an HTML
 * canvas) or `Chart.weapp.tsx` (a `<Canvas type="2d">`), both drawn by ./drawChart.ts.
 */
export function Chart({ height, label }: ChartProps) {
  return <View className='hl-chart' aria-label={label} style={{ width: '100%', height: `${height}px` }} />
}
