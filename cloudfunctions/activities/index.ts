import { defineFunction } from '../../server/core/function'
import { activitiesActions } from '../../server/activities'
import { promotedPart, tellPromoted } from '../../server/activities/signups'
import { erasePendingCopies, pendingErasurePart } from '../../server/members/withdraw'
import { deliverQueuedMessages } from '../../server/notify/queue'
import { withTimer } from '../../server/core/timer'
import { readTogether } from '../../server/core/together'

/**
 * The function's ONE timer job (WeChat allows a single trigger per cloud function, config.json
 * `deliverMessages`, every minute), which runs, in turn:
 *  1. the message queue's drain (server/notify/queue.ts): the subscription messages actions queued,
 *     of every function, not only this one's;
 *  2. the messages of contested hand-offs (signups.ts `tellPromoted`: sign-ups marked `tellPromoted`);
 *  3. the erasures withdrawals left (members/withdraw.ts `erasePendingCopies`: users `pendingErasure`).
 * The pages of 2 and 3 are ONE combined read (readTogether); each item is then taken by a guarded
 * update, so two runs at once never send a message twice. A timer event carrying an OPENID is a
 * person's call and is refused (withTimer).
 */
async function everyMinute() {
  const messages = await deliverQueuedMessages()
  const pages = await readTogether({ promoted: promotedPart(), erasures: pendingErasurePart() })
  const [promoted, erasures] = await Promise.all([tellPromoted(pages.promoted), erasePendingCopies(pages.erasures)])
  return { ...messages, promoted, erasures }
}

export const main = withTimer(defineFunction('activities', activitiesActions), { deliverMessages: everyMinute })
