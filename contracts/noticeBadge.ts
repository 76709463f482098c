/**
 * `notices.unreadCount`: the 首页 tab's badge. Its own module because the main package needs only
 * this action of `notices` (contracts/notices.ts composes it with the rest, ~6 KB of schemas that
 * belong in the notices subpackage).
 */
import { z } from './zod'

export const noticesUnreadCountInput = z.object({})

export const noticeBadgeContract = {
  unreadCount: { input: noticesUnreadCountInput, output: z.object({ count: z.number() }) }
} as const
