import type { TestCloud } from './cloud'

/**
 * Runs the activities function's one timer as the cloud would (its `deliverMessages` trigger, no
 * user): queued subscription messages (server/notify/queue.ts) reach the outbox, the messages of
 * contested hand-offs are sent and erasures left by withdrawals finished. Returns its report.
 */
export async function deliverMessages(cloud: TestCloud): Promise<{ documents: number; sent: number; failed: number; abandoned: number; more: boolean; promoted: number; erasures: { people: number; registrations: number; signUps: number } }> {
  const reply = await cloud.call('activities', undefined as unknown as string, { Type: 'Timer', TriggerName: 'deliverMessages' })
  if (!reply.ok) throw new Error(`deliverMessages failed: ${reply.error.code} ${reply.error.message}`)
  return reply.data as never
}
