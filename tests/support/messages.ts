import type { TestCloud } from './cloud'

/**
 * Runs the message queue's drain as the cloud's timer would (the activities function's
 * `deliverMessages` trigger, no user): queued subscription messages (server/notify/queue.ts) reach
 * the outbox. Returns the drain's report.
 */
export async function deliverMessages(cloud: TestCloud): Promise<{ documents: number; sent: number; failed: number; abandoned: number; more: boolean }> {
  const reply = await cloud.call('activities', undefined as unknown as string, { Type: 'Timer', TriggerName: 'deliverMessages' })
  if (!reply.ok) throw new Error(`deliverMessages failed: ${reply.error.code} ${reply.error.message}`)
  return reply.data as never
}
