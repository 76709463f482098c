import type { overviewContract } from '@contracts/overview'
import { typedClient } from '@/services/cloud/functionClient'

/** `users.overview` only: 首页 and 我的 are main-package tab pages (see contracts/overview.ts), typed by the contract only (no zod there). */
export const overviewApi = typedClient<typeof overviewContract>('users', ['overview'])
