import { defineFunction } from '../../server/core/function'
import { activitiesActions } from '../../server/activities'
import { closeWaitingClaims, promotedPart, tellPromoted, waitingClaimsPart } from '../../server/activities/signups'
import { erasePendingCopies, pendingErasurePart } from '../../server/members/withdraw'
import { deliverQueuedMessages } from '../../server/notify/queue'
import { withTimer } from '../../server/core/timer'
import { readTogether } from '../../server/core/together'

/**
 * The function's ONE timer job (WeChat allows a single trigger per cloud function, config.json
 * `deliverMessages`, every minute). One combined read (readTogether) brings three pages, worked on
 * at once: the messages of contested hand-offs (signups.ts `tellPromoted`: sign-ups marked
 * `tellPromoted`, queued), the erasures withdrawals left (members/withdraw.ts `erasePendingCopies`:
 * users `pendingErasure`) and the waiting claims sign-ups left open, once stale (signups.ts
 * `closeWaitingClaims`: activities `waitingClaimAt`, and any sign-up written onto an activity
 * cancelled meanwhile). Then the message queue's drain (server/notify/queue.ts) sends what actions
 * queued, of every function, this run's messages too. Each item is taken by a guarded update, so
 * two runs at once never take one twice. A timer event carrying an OPENID is a person's call and
 * is refused (withTimer).
 */
async function everyMinute() {
  const pages = await readTogether({ promoted: promotedPart(), erasures: pendingErasurePart(), claims: waitingClaimsPart() })
  const [promoted, erasures, waitingClaims] = await Promise.all([tellPromoted(pages.promoted), erasePendingCopies(pages.erasures), closeWaitingClaims(pages.claims)])
  const messages = await deliverQueuedMessages()
  return { ...messages, promoted, erasures, waitingClaims }
}

export const main = withTimer(defineFunction('activities', activitiesActions), { deliverMessages: everyMinute })
