export interface ChartProps {
  /** An ECharts option (see charts.ts). */
  option: Record<string, unknown>
  /** Height in CSS px; the chart takes the full width. */
  height: number
  /** What the chart shows, for screen readers and tests. */
  label: string
}
