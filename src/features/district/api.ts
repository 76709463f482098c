import { typedClient } from '@/services/cloud'
import type { reportsContract } from '@contracts/reports'

/**
 * The `reports` function: one typed call per action of its contract. Typed only, replies not parsed
 * with it: the charts subpackage stays under 400 KB without a zod runtime (issue #15).
 */
export const reportsApi = typedClient<typeof reportsContract>('reports', ['dashboard', 'figure', 'workReport'])
