import { useEffect, useRef, useState, type MouseEvent } from 'react'
import type { ChartProps } from './chartTypes'
import { categoryAt, drawChart, type Ctx } from './drawChart'

/** H5: drawn on a <canvas> the width of its node, redrawn on resize; a tap shows a category's values. */
export function Chart({ option, height, label }: ChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null)
  const [focus, setFocus] = useState<number>()
  const [width, setWidth] = useState(0)

  useEffect(() => {
    const measure = () => setWidth(canvas.current?.parentElement?.clientWidth ?? 0)
    measure()
    window.addEventListener('resize', measure)
    return () => window.removeEventListener('resize', measure)
  }, [])

  useEffect(() => setFocus(undefined), [option])

  useEffect(() => {
    const node = canvas.current
    const ctx = node?.getContext('2d')
    if (!node || !ctx || !width) return
    const dpr = window.devicePixelRatio || 1
    node.width = Math.round(width * dpr)
    node.height = Math.round(height * dpr)
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
    drawChart(ctx as unknown as Ctx, option, width, height, focus)
  }, [option, width, height, focus])

  const onClick = (e: MouseEvent<HTMLCanvasElement>) => {
    const ctx = canvas.current?.getContext('2d')
    if (ctx) setFocus(categoryAt(ctx as unknown as Ctx, option, width, height, e.nativeEvent.offsetX, e.nativeEvent.offsetY))
  }

  return (
    <div className='hl-chart' role='img' aria-label={label} data-chart={label} style={{ width: '100%', height: `${height}px` }}>
      <canvas ref={canvas} style={{ width: '100%', height: `${height}px`, display: 'block' }} onClick={onClick} />
    </div>
  )
}
