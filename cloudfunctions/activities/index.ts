import { defineFunction } from '../../server/core/function'
import { activitiesActions } from '../../server/activities'
import { closeWaitingClaims, promotedPart, tellPromoted, waitingClaimsPart } from '../../server/activities/signups'
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
 *  3. the erasures withdrawals left (members/withdraw.ts `erasePendingCopies`: users `pendingErasure`);
 *  4. the waiting claims sign-ups left open, once stale (signups.ts `closeWaitingClaims`: activities
 *     `waitingClaimAt`), and any sign-up written onto an activity cancelled meanwhile.
 * The pages of 2, 3 and 4 are ONE combined read (readTogether); each item is then taken by a guarded
 * update, so two runs at once never send a message twice. A timer event carrying an OPENID is a
 * person's call and is refused (withTimer).
 */
async function everyMinute() {
  const messages = await deliverQueuedMessages()
  const pages = await readTogether({ promoted: promotedPart(), erasures: pendingErasurePart(), claims: waitingClaimsPart() })
  const [promoted, erasures, waitingClaims] = await Promise.all([tellPromoted(pages.promoted), erasePendingCopies(pages.erasures), closeWaitingClaims(pages.claims)])
  return { ...messages, promoted, erasures, waitingClaims }
}

export const main = withTimer(defineFunction('activities', activitiesActions), { deliverMessages: everyMinute })
