import type { TestCloud } from './cloud'
import { STALE_CLAIM_MS } from '../../server/activities/signups'

/**
 * Runs the activities function's one timer as the cloud would (its `deliverMessages` trigger, no
 * user): queued subscription messages (server/notify/queue.ts) reach the outbox, the messages of
 * contested hand-offs are sent, erasures left by withdrawals finished and stale waiting claims
 * closed. Returns its report.
 */
export async function deliverMessages(cloud: TestCloud): Promise<{ documents: number; sent: number; failed: number; abandoned: number; more: boolean; promoted: number; erasures: { people: number; registrations: number; signUps: number }; waitingClaims: { activities: number; cancelled: number } }> {
  const reply = await cloud.call('activities', undefined as unknown as string, { Type: 'Timer', TriggerName: 'deliverMessages' })
  if (!reply.ok) throw new Error(`deliverMessages failed: ${reply.error.code} ${reply.error.message}`)
  return reply.data as never
}

/**
 * Waiting sign-ups leave their claims open (no settle: server/activities/signups.ts step 3); the
 * activities timer closes them once stale (and cancels a waiting sign-up written onto an activity
 * cancelled meanwhile). Lets them go stale and runs the timer until these activities' are closed.
 */
export async function closeWaitingClaims(cloud: TestCloud, ...activityIds: string[]): Promise<void> {
  cloud.clock.advance(STALE_CLAIM_MS + 1)
  const open = () => activityIds.some((id) => Object.keys((cloud.store.get('activities', id)?.claims as object | undefined) ?? {}).length > 0)
  for (let run = 0; run < 10 && open(); run++) await deliverMessages(cloud)
}
