import { overviewContract } from '@contracts/overview'
import { functionClient } from '@/services/cloud/functionClient'

/** `users.overview` only: 首页 and 我的 are main-package tab pages (see contracts/overview.ts). */
export const overviewApi = functionClient('users', overviewContract)
