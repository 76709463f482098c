/**
 * ECharts with only what the dashboard draws (bar and line charts, grid, tooltip, legend) and the
 * canvas renderer, so the district subpackage stays small. Both chart components import it from here.
 */
import * as echarts from 'echarts/core'
import { BarChart, LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])

export { echarts }
export type ChartOption = Parameters<echarts.ECharts['setOption']>[0]
