/**
 * The mini-program's `<Canvas type="2d">` node dressed as the canvas ECharts expects (after
 * echarts-for-weixin's wx-canvas.js): ECharts draws on the node's 2d context; touches on the Canvas
 * component are handed to zrender so that tapping a bar shows its tooltip.
 */
export interface CanvasNode {
  width: number
  height: number
  getContext(type: '2d'): any
  requestAnimationFrame?(cb: () => void): number
  createImage?(): unknown
}

export class WeappCanvas {
  private chart: any = null

  constructor(
    private readonly ctx: any,
    readonly node: CanvasNode
  ) {}

  getContext(type: string) {
    return type === '2d' ? this.ctx : null
  }

  setChart(chart: any) {
    this.chart = chart
  }

  // zrender attaches DOM listeners on a real canvas; the mini-program has none (touches come below).
  addEventListener() {}
  removeEventListener() {}
  attachEvent() {}
  detachEvent() {}

  get width() {
    return this.node.width
  }
  set width(w: number) {
    this.node.width = w
  }
  get height() {
    return this.node.height
  }
  set height(h: number) {
    this.node.height = h
  }

  /** Forwards a touch (start | move | end) of the Canvas component to zrender. */
  touch(kind: 'start' | 'move' | 'end', e: { touches?: { x: number; y: number }[]; changedTouches?: { x: number; y: number }[] }) {
    const handler = this.chart?.getZr?.().handler
    if (!handler) return
    const point = (kind === 'end' ? e.changedTouches?.[0] : e.touches?.[0]) ?? e.changedTouches?.[0]
    if (!point) return
    const event = { zrX: point.x, zrY: point.y, preventDefault() {}, stopImmediatePropagation() {}, stopPropagation() {} }
    if (kind === 'start') {
      handler.dispatch('mousedown', event)
      handler.dispatch('mousemove', event)
    } else if (kind === 'move') {
      handler.dispatch('mousemove', event)
    } else {
      handler.dispatch('mouseup', event)
      handler.dispatch('click', event)
    }
  }
}
