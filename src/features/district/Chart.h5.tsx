import { useEffect, useRef } from 'react'
import { echarts, type ChartOption } from './echarts'
import type { ChartProps } from './chartTypes'

/** H5: ECharts initialised on a DOM node, resized with the window. */
export function Chart({ option, height, label }: ChartProps) {
  const node = useRef<HTMLDivElement>(null)
  const chart = useRef<echarts.ECharts | null>(null)

  useEffect(() => {
    if (!node.current) return
    const instance = echarts.init(node.current, undefined, { renderer: 'canvas' })
    chart.current = instance
    const onResize = () => instance.resize()
    window.addEventListener('resize', onResize)
    return () => {
      window.removeEventListener('resize', onResize)
      instance.dispose()
      chart.current = null
    }
  }, [])

  useEffect(() => {
    chart.current?.setOption(option as ChartOption, true)
  }, [option])

  useEffect(() => {
    chart.current?.resize()
  }, [height])

  return <div ref={node} className='hl-chart' role='img' aria-label={label} data-chart={label} style={{ width: '100%', height: `${height}px` }} />
}
