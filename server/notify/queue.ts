/**
 * The message queue: subscription messages are sent off the waiting path.
 *
 * An action that tells many people something (an activity cancelled or changed, a blackout, …)
 * does not send one message per person while the person who acted waits: `queueMessages` writes
 * them as ONE `messageQueue` document per up to 100 messages (one round trip for a typical
 * fan-out), and `deliverQueuedMessages` — the activities function's timer trigger `deliverMessages`
 * (cloudfunctions/activities/config.json, every minute; `npm start` fires it too) — sends them.
 * Delivery is "within a minute" instead of "during the call".
 *
 * The drain, per run: a page of due documents (status pending, or a `sending` claim gone stale),
 * each claimed by ONE guarded update whose filter is what was read (`status` and `dueAt`), so two
 * drains never send the same document twice; its messages are handed to the platform a few at a
 * time (a failed one is logged and counted, never retried); then the document is marked done. A
 * drain that dies mid-document leaves the claim, which is taken again after CLAIM_MS (so a message
 * may then arrive twice; at-least-once), at most MAX_ATTEMPTS times. Round trips: one read per page,
 * two updates per document — never one per message. A run stops taking documents after RUN_BUDGET_MS
 * (inside the function's timeout); what is left waits for the next minute.
 */
import { clock } from '../core/clock'
import { db } from '../core/db'
import { platform, type SubscriptionMessage } from '../platform'

export const MESSAGE_QUEUE = 'messageQueue'

/** Messages per queue document (a document stays far below the database's size limit). */
export const MESSAGES_PER_DOC = 100
/** Documents read per page of a drain. */
const PAGE = 20
/** A `sending` claim older than this belongs to a drain that died: taken again. */
const CLAIM_MS = 5 * 60_000
/** A document claimed this many times without finishing is given up (logged as failed). */
const MAX_ATTEMPTS = 3
/**
 * A drain takes no new document after this long (real time, not the test clock): well inside the
 * activities function's timeout (10 s deployed; the emulator's default 3 s).
 */
const RUN_BUDGET_MS = 2_000
/** Messages handed to the platform at once. */
const PARALLEL = 20

export type QueueStatus = 'pending' | 'sending' | 'done' | 'failed'

export interface QueuedMessagesDoc {
  _id?: string
  status: QueueStatus
  /** When a drain may take it: the queueing time, then the claim's expiry while `sending`. */
  dueAt: Date
  messages: SubscriptionMessage[]
  attempts: number
  createdAt: Date
  sent?: number
  failed?: number
  doneAt?: Date
}

/**
 * Queues subscription messages for the next drain (within a minute): one database write per up to
 * MESSAGES_PER_DOC messages, whatever their recipients. An empty list writes nothing.
 */
export async function queueMessages(messages: SubscriptionMessage[]): Promise<void> {
  const now = clock.date()
  const writes: Promise<unknown>[] = []
  for (let i = 0; i < messages.length; i += MESSAGES_PER_DOC) {
    const doc: QueuedMessagesDoc = { status: 'pending', dueAt: now, messages: messages.slice(i, i + MESSAGES_PER_DOC), attempts: 0, createdAt: now }
    writes.push(db().collection(MESSAGE_QUEUE).add({ data: doc }))
  }
  await Promise.all(writes)
}

export interface DeliveryReport {
  /** Documents this run finished. */
  documents: number
  sent: number
  failed: number
  /** Documents given up after MAX_ATTEMPTS claims. */
  abandoned: number
  /** True when the run stopped with due documents left (the next run takes them). */
  more: boolean
}

async function sendOne(message: SubscriptionMessage): Promise<boolean> {
  try {
    await platform().messages.send(message)
    return true
  } catch (error) {
    console.warn('[messageQueue] message not sent', message.templateId, (error as Error)?.message ?? error)
    return false
  }
}

/** Sends the queued messages that are due (see the file comment). */
export async function deliverQueuedMessages(): Promise<DeliveryReport> {
  const started = Date.now()
  const _ = db().command
  const queue = db().collection(MESSAGE_QUEUE)
  const report: DeliveryReport = { documents: 0, sent: 0, failed: 0, abandoned: 0, more: false }
  const skipped = new Set<string>()
  for (;;) {
    const now = clock.date()
    const res = await queue
      .where({ status: _.in(['pending', 'sending']), dueAt: _.lte(now) })
      .orderBy('dueAt', 'asc')
      .orderBy('_id', 'asc')
      .limit(PAGE)
      .get()
    const page = (res.data as (QueuedMessagesDoc & { _id: string })[]).filter((doc) => !skipped.has(doc._id))
    if (page.length === 0) return report
    for (const doc of page) {
      if (Date.now() - started > RUN_BUDGET_MS) {
        report.more = true
        return report
      }
      skipped.add(doc._id)
      const claimedAt = clock.date()
      if ((doc.attempts ?? 0) >= MAX_ATTEMPTS) {
        // Claimed MAX_ATTEMPTS times and never finished: given up, not retried forever; its messages
        // (openids, names) go, as a done document's do.
        const given = await queue
          .where({ _id: doc._id, status: doc.status, dueAt: doc.dueAt })
          .update({ data: { status: 'failed', doneAt: claimedAt, messages: [] } })
        if (given.stats.updated > 0) {
          report.abandoned++
          console.error('[messageQueue] document given up after', MAX_ATTEMPTS, 'attempts', doc._id)
        }
        continue
      }
      // The claim: the filter is what was read, so of two drains that read it, one takes it.
      const claim = await queue
        .where({ _id: doc._id, status: doc.status, dueAt: doc.dueAt })
        .update({ data: { status: 'sending', dueAt: new Date(+claimedAt + CLAIM_MS), attempts: _.inc(1) } })
      if (claim.stats.updated === 0) continue
      let sent = 0
      for (let i = 0; i < doc.messages.length; i += PARALLEL) {
        const results = await Promise.all(doc.messages.slice(i, i + PARALLEL).map(sendOne))
        sent += results.filter(Boolean).length
      }
      const failed = doc.messages.length - sent
      // Done: the counts stay, the messages (openids, names) go.
      await queue.doc(doc._id).update({ data: { status: 'done', doneAt: clock.date(), sent, failed, messages: [] } })
      report.documents++
      report.sent += sent
      report.failed += failed
    }
    if (page.length < PAGE && res.data.length < PAGE) return report
  }
}
