import { CHART_COLORS, type ChartSpec } from './charts'
import { formatValue } from './format'

/**
 * The dashboard's bar and line charts drawn on a 2d canvas context (an HTML canvas on H5, a
 * `<Canvas type="2d">` node in the mini-program): a few KB instead of ECharts (~480 KB even with
 * only bars, lines and the grid), which kept the district subpackage over its 400 KB (issue #15).
 * Sizes are CSS px; the caller scales the context for the device pixel ratio.
 */

/** The subset of CanvasRenderingContext2D used here (the mini-program's 2d context has all of it). */
export type Ctx = Pick<
  CanvasRenderingContext2D,
  'beginPath' | 'moveTo' | 'lineTo' | 'arc' | 'arcTo' | 'closePath' | 'fill' | 'stroke' | 'fillRect' | 'clearRect' | 'fillText' | 'measureText' | 'save' | 'restore'
> & { fillStyle: unknown; strokeStyle: unknown; lineWidth: number; font: string; textAlign: string; textBaseline: string }

const TEXT = '#4a4a4a'
const DARK = '#1c1c1c'
const SPLIT = '#eeeeee'
const font = (size: number) => `${size}px sans-serif`

/** Round steps for a value axis from 0 to at least `max` (about five of them). */
export function niceTicks(max: number, whole: boolean): number[] {
  const top = max > 0 ? max : 1
  const raw = top / 5
  const mag = 10 ** Math.floor(Math.log10(raw))
  let step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag
  if (whole) step = Math.max(1, Math.round(step))
  const ticks: number[] = []
  for (let v = 0; v < top + step - 1e-9; v += step) ticks.push(Math.round(v * 1e6) / 1e6)
  return ticks
}

interface Plot {
  left: number
  top: number
  width: number
  height: number
  /** Band width of one category. */
  band: number
  max: number
}

/** Where the plot area lies for `spec` on a `width` × `height` canvas. */
function layoutOf(ctx: Ctx, spec: ChartSpec, width: number, height: number): Plot & { ticks: number[] } {
  const max = Math.max(0, ...spec.series.flatMap((s) => s.data))
  const ticks = niceTicks(max, spec.wholeSteps)
  const top = (spec.legend ? spec.series.length * 22 + 16 : 0) + 10
  if (spec.layout === 'rows') {
    ctx.font = font(14)
    const left = 8 + Math.max(0, ...spec.categories.map((c) => ctx.measureText(c).width)) + 8
    const plot = { left, top, width: Math.max(10, width - left - 48), height: Math.max(10, height - top - 8 - 20) }
    return { ...plot, band: plot.height / Math.max(1, spec.categories.length), max: ticks[ticks.length - 1], ticks }
  }
  ctx.font = font(13)
  const left = 8 + Math.max(...ticks.map((t) => ctx.measureText(formatValue(t)).width)) + 8
  const plot = { left, top, width: Math.max(10, width - left - 12), height: Math.max(10, height - top - 8 - 22) }
  return { ...plot, band: plot.width / Math.max(1, spec.categories.length), max: ticks[ticks.length - 1], ticks }
}

/** A rectangle with the corners at its far end (from the axis) rounded. */
function bar(ctx: Ctx, x: number, y: number, w: number, h: number, end: 'top' | 'right') {
  const r = Math.min(4, w / 2, h / 2)
  ctx.beginPath()
  if (end === 'top') {
    ctx.moveTo(x, y + h)
    ctx.lineTo(x, y + r)
    ctx.arcTo(x, y, x + r, y, r)
    ctx.arcTo(x + w, y, x + w, y + r, r)
    ctx.lineTo(x + w, y + h)
  } else {
    ctx.moveTo(x, y)
    ctx.lineTo(x + w - r, y)
    ctx.arcTo(x + w, y, x + w, y + r, r)
    ctx.arcTo(x + w, y + h, x + w - r, y + h, r)
    ctx.lineTo(x, y + h)
  }
  ctx.closePath()
  ctx.fill()
}

/** Draws `spec`; `focus` (a category index) is highlighted with its values in a box, as a tap on it asks. */
export function drawChart(ctx: Ctx, spec: ChartSpec, width: number, height: number, focus?: number): void {
  ctx.clearRect(0, 0, width, height)
  const p = layoutOf(ctx, spec, width, height)
  const rows = spec.layout === 'rows'
  ctx.textBaseline = 'middle'

  // Legend: a swatch and the series' name per line, top left.
  if (spec.legend) {
    ctx.font = font(13)
    ctx.textAlign = 'left'
    spec.series.forEach((s, i) => {
      const y = i * 22 + 8
      ctx.fillStyle = CHART_COLORS[i % CHART_COLORS.length]
      ctx.fillRect(0, y - 5, 14, 10)
      ctx.fillStyle = DARK
      ctx.fillText(s.name, 20, y)
    })
  }

  // Value axis: split lines and their labels.
  ctx.lineWidth = 1
  for (const t of p.ticks) {
    const at = (t / p.max) * (rows ? p.width : p.height)
    ctx.strokeStyle = SPLIT
    ctx.beginPath()
    if (rows) {
      ctx.moveTo(p.left + at, p.top)
      ctx.lineTo(p.left + at, p.top + p.height)
    } else {
      ctx.moveTo(p.left, p.top + p.height - at)
      ctx.lineTo(p.left + p.width, p.top + p.height - at)
    }
    ctx.stroke()
    ctx.fillStyle = TEXT
    ctx.font = font(rows ? 12 : 13)
    ctx.textAlign = rows ? 'center' : 'right'
    if (rows) ctx.fillText(formatValue(t), p.left + at, p.top + p.height + 12)
    else ctx.fillText(formatValue(t), p.left - 8, p.top + p.height - at)
  }

  // Category axis: the line and the labels (every n-th when they would overlap).
  ctx.strokeStyle = '#6e7079'
  ctx.beginPath()
  ctx.moveTo(p.left, rows ? p.top : p.top + p.height)
  ctx.lineTo(rows ? p.left : p.left + p.width, p.top + p.height)
  ctx.stroke()
  ctx.fillStyle = TEXT
  ctx.font = font(rows ? 14 : 13)
  ctx.textAlign = rows ? 'right' : 'center'
  const widest = Math.max(1, ...spec.categories.map((c) => ctx.measureText(c).width))
  const every = rows ? 1 : Math.max(1, Math.ceil((widest + 6) / p.band))
  spec.categories.forEach((c, i) => {
    if (i % every) return
    const mid = (i + 0.5) * p.band
    if (rows) ctx.fillText(c, p.left - 8, p.top + mid)
    else ctx.fillText(c, p.left + mid, p.top + p.height + 13)
  })

  if (focus !== undefined && focus >= 0 && focus < spec.categories.length) {
    ctx.fillStyle = 'rgba(150,150,150,0.12)'
    if (rows) ctx.fillRect(p.left, p.top + focus * p.band, p.width, p.band)
    else ctx.fillRect(p.left + focus * p.band, p.top, p.band, p.height)
  }

  // Bars (side by side when several), then lines over them.
  const bars = spec.series.map((s, i) => ({ s, i })).filter(({ s }) => s.type === 'bar')
  const thick = Math.min(rows ? 20 : 22, (p.band * 0.7) / Math.max(1, bars.length))
  bars.forEach(({ s, i }, k) => {
    ctx.fillStyle = CHART_COLORS[i % CHART_COLORS.length]
    s.data.forEach((v, j) => {
      const len = (Math.max(0, v) / p.max) * (rows ? p.width : p.height)
      const offset = j * p.band + (p.band - thick * bars.length) / 2 + k * thick
      if (rows) bar(ctx, p.left, p.top + offset, len, thick, 'right')
      else bar(ctx, p.left + offset, p.top + p.height - len, thick, len, 'top')
      if (spec.valueLabels) {
        ctx.fillStyle = DARK
        ctx.font = font(13)
        ctx.textAlign = rows ? 'left' : 'center'
        if (rows) ctx.fillText(formatValue(v), p.left + len + 5, p.top + offset + thick / 2)
        else ctx.fillText(formatValue(v), p.left + offset + thick / 2, p.top + p.height - len - 9)
        ctx.fillStyle = CHART_COLORS[i % CHART_COLORS.length]
      }
    })
  })
  spec.series.forEach((s, i) => {
    if (s.type !== 'line' || rows) return
    const color = CHART_COLORS[i % CHART_COLORS.length]
    const pt = (j: number) => [p.left + (j + 0.5) * p.band, p.top + p.height - (Math.max(0, s.data[j]) / p.max) * p.height] as const
    ctx.strokeStyle = color
    ctx.lineWidth = 2
    ctx.beginPath()
    s.data.forEach((_, j) => (j ? ctx.lineTo(...pt(j)) : ctx.moveTo(...pt(j))))
    ctx.stroke()
    ctx.fillStyle = '#ffffff'
    s.data.forEach((_, j) => {
      ctx.beginPath()
      ctx.arc(...pt(j), 3, 0, Math.PI * 2)
      ctx.fill()
      ctx.stroke()
    })
    ctx.lineWidth = 1
  })

  if (focus !== undefined && focus >= 0 && focus < spec.categories.length) tooltip(ctx, spec, p, width, focus)
}

/** The tapped category's values in a box beside it, kept inside the canvas. */
function tooltip(ctx: Ctx, spec: ChartSpec, p: Plot, width: number, focus: number) {
  const lines = [spec.categories[focus], ...spec.series.map((s) => `${s.name}  ${formatValue(s.data[focus] ?? 0)}`)]
  ctx.font = font(14)
  const w = Math.max(...lines.map((l) => ctx.measureText(l).width)) + 20
  const h = lines.length * 20 + 12
  const anchorX = spec.layout === 'rows' ? p.left + p.width / 2 : p.left + (focus + 0.5) * p.band
  const anchorY = spec.layout === 'rows' ? p.top + (focus + 0.5) * p.band : p.top + p.height / 3
  const x = Math.min(Math.max(0, anchorX + 12 + w > width ? anchorX - 12 - w : anchorX + 12), Math.max(0, width - w))
  const y = Math.max(0, Math.min(anchorY - h / 2, p.top + p.height - h))
  ctx.fillStyle = 'rgba(255,255,255,0.96)'
  ctx.strokeStyle = '#cccccc'
  ctx.fillRect(x, y, w, h)
  ctx.beginPath()
  ctx.moveTo(x, y)
  ctx.lineTo(x + w, y)
  ctx.lineTo(x + w, y + h)
  ctx.lineTo(x, y + h)
  ctx.closePath()
  ctx.stroke()
  ctx.textAlign = 'left'
  lines.forEach((l, i) => {
    ctx.fillStyle = i === 0 ? TEXT : CHART_COLORS[(i - 1) % CHART_COLORS.length]
    ctx.fillText(l, x + 10, y + 16 + i * 20)
  })
}

/** The category under a tap at (x, y), in CSS px of the canvas; undefined outside the plot. */
export function categoryAt(ctx: Ctx, spec: ChartSpec, width: number, height: number, x: number, y: number): number | undefined {
  const p = layoutOf(ctx, spec, width, height)
  if (x < p.left || x > p.left + p.width || y < p.top || y > p.top + p.height) return undefined
  const i = Math.floor((spec.layout === 'rows' ? y - p.top : x - p.left) / p.band)
  return i >= 0 && i < spec.categories.length ? i : undefined
}
