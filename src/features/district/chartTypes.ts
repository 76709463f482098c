import type { ChartSpec } from './charts'

export interface ChartProps {
  /** What to draw (see charts.ts). */
  option: ChartSpec
  /** Height in CSS px; the chart takes the full width. */
  height: number
  /** What the chart shows, for screen readers and tests. */
  label: string
}
