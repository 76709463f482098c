import { useCall } from '@/services/cloud'
import { reportsApi } from './api'

export interface DashboardQuery {
  communityId?: string
  from: string
  to: string
}

/** The dashboard for a place and period (reloaded when either changes). */
export function useDashboard(query: DashboardQuery) {
  return useCall(() => reportsApi.dashboard(query), [query.communityId, query.from, query.to])
}
