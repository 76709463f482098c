import { functionClient } from '@/services/cloud'
import { reportsContract } from '@contracts/reports'

/** The `reports` function: one typed call per action of its contract (replies parsed with it). */
export const reportsApi = functionClient('reports', reportsContract)
