import { reportsContract as c, type FigureKey } from '@contracts/reports'
import { call } from '@/services/cloud'

/** Typed calls of the `reports` function (inputs and outputs checked by the shared contract). */
export const reportsApi = {
  dashboard: (input: { communityId?: string; from: string; to: string }) => call('reports', 'dashboard', input, c.dashboard.output),
  figure: (input: { key: FigureKey; communityId?: string; from: string; to: string; page?: number; pageSize?: number }) =>
    call('reports', 'figure', input, c.figure.output),
  workReport: (input: { from: string; to: string; communityId?: string }) => call('reports', 'workReport', input, c.workReport.output)
}
