import { defineFunction } from '../../server/core/function'
import { activitiesActions } from '../../server/activities'
import { deliverQueuedMessages } from '../../server/notify/queue'
import { withTimer } from '../../server/core/timer'

/**
 * The actions, plus the timer trigger in config.json: `deliverMessages` (every minute) sends the
 * subscription messages actions queued (server/notify/queue.ts) — of every function, not only
 * this one's. A timer event carrying an OPENID is a person's call and is refused (withTimer).
 */
export const main = withTimer(defineFunction('activities', activitiesActions), { deliverMessages: deliverQueuedMessages })
