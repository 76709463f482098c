import { functionClient } from '@/services/cloud'
import { noticesContract } from '@contracts/notices'

/** The `notices` function: one typed call per action of its contract (replies parsed with it). */
export const noticesApi = functionClient('notices', noticesContract)
