import { useEffect, useMemo, useRef } from 'react'
import Taro from '@tarojs/taro'
import { Canvas } from '@tarojs/components'
import { echarts, type ChartOption } from './echarts'
import type { ChartProps } from './chartTypes'
import { WeappCanvas, type CanvasNode } from './weappCanvas'

let sequence = 0

/** Mini-program: ECharts initialised on a `<Canvas type="2d">` node found with a selector query. */
export function Chart({ option, height, label }: ChartProps) {
  const id = useMemo(() => `hl-chart-${++sequence}`, [])
  const chart = useRef<echarts.ECharts | null>(null)
  const canvas = useRef<WeappCanvas | null>(null)
  const latest = useRef(option)
  latest.current = option

  useEffect(() => {
    let disposed = false
    Taro.nextTick(() => {
      Taro.createSelectorQuery()
        .select(`#${id}`)
        .fields({ node: true, size: true })
        .exec((res: { node?: CanvasNode; width: number; height: number }[]) => {
          const info = res?.[0]
          if (disposed || !info?.node) return
          const dpr = Taro.getSystemInfoSync().pixelRatio || 2
          const wrapper = new WeappCanvas(info.node.getContext('2d'), info.node)
          echarts.setPlatformAPI({ createCanvas: () => wrapper as unknown as HTMLCanvasElement })
          const instance = echarts.init(wrapper as unknown as HTMLElement, undefined, { width: info.width, height: info.height, devicePixelRatio: dpr })
          wrapper.setChart(instance)
          instance.setOption(latest.current as ChartOption, true)
          canvas.current = wrapper
          chart.current = instance
        })
    })
    return () => {
      disposed = true
      chart.current?.dispose()
      chart.current = null
    }
  }, [id])

  useEffect(() => {
    chart.current?.setOption(option as ChartOption, true)
  }, [option])

  return (
    <Canvas
      type='2d'
      id={id}
      canvasId={id}
      className='hl-chart'
      aria-label={label}
      style={{ width: '100%', height: `${height}px` }}
      disableScroll={false}
      onTouchStart={(e) => canvas.current?.touch('start', e as never)}
      onTouchMove={(e) => canvas.current?.touch('move', e as never)}
      onTouchEnd={(e) => canvas.current?.touch('end', e as never)}
    />
  )
}
