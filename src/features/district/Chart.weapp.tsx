import { useEffect, useMemo, useRef, useState } from 'react'
import Taro from '@tarojs/taro'
import { Canvas } from '@tarojs/components'
import type { ChartProps } from './chartTypes'
import { categoryAt, drawChart, type Ctx } from './drawChart'

let sequence = 0

interface CanvasNode {
  width: number
  height: number
  getContext(type: '2d'): Ctx & { scale(x: number, y: number): void; setTransform(a: number, b: number, c: number, d: number, e: number, f: number): void }
}

/** Mini-program: drawn on a `<Canvas type="2d">` node found with a selector query; a tap shows a category's values. */
export function Chart({ option, height, label }: ChartProps) {
  const id = useMemo(() => `hl-chart-${++sequence}`, [])
  const [canvas, setCanvas] = useState<{ node: CanvasNode; width: number }>()
  const [focus, setFocus] = useState<number>()
  const disposed = useRef(false)

  useEffect(() => {
    disposed.current = false
    Taro.nextTick(() => {
      Taro.createSelectorQuery()
        .select(`#${id}`)
        .fields({ node: true, size: true })
        .exec((res: { node?: CanvasNode; width: number }[]) => {
          const info = res?.[0]
          if (!disposed.current && info?.node) setCanvas({ node: info.node, width: info.width })
        })
    })
    return () => {
      disposed.current = true
    }
  }, [id])

  useEffect(() => setFocus(undefined), [option])

  useEffect(() => {
    if (!canvas) return
    const dpr = Taro.getSystemInfoSync().pixelRatio || 2
    canvas.node.width = Math.round(canvas.width * dpr)
    canvas.node.height = Math.round(height * dpr)
    const ctx = canvas.node.getContext('2d')
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
    drawChart(ctx, option, canvas.width, height, focus)
  }, [canvas, option, height, focus])

  const onTap = (e: { touches?: { x: number; y: number }[]; changedTouches?: { x: number; y: number }[] }) => {
    const point = e.changedTouches?.[0] ?? e.touches?.[0]
    if (!canvas || !point) return
    setFocus(categoryAt(canvas.node.getContext('2d'), option, canvas.width, height, point.x, point.y))
  }

  return (
    <Canvas
      type='2d'
      id={id}
      canvasId={id}
      className='hl-chart'
      aria-label={label}
      style={{ width: '100%', height: `${height}px` }}
      disableScroll={false}
      onTouchEnd={(e) => onTap(e as never)}
    />
  )
}
