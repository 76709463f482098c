import { defineFunction } from '../../server/core/function'
import { withTimer } from '../../server/core/timer'
import { noticesActions } from '../../server/notices'
import { dispatchDuePushes } from '../../server/notices/push'

/**
 * The actions, plus the timer trigger declared in config.json: `pushDueNotices` (every minute)
 * sends the pushes of important notices that came due (server/notices/push.ts).
 */
export const main = withTimer(defineFunction('notices', noticesActions), { pushDueNotices: dispatchDuePushes })
