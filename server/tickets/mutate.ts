import { clock } from '../core/clock'
import { transaction } from '../core/transaction'
import { notFound } from '../core/errors'
import type { DeedRecord } from '../wishes/deeds'
import { eventId, type TicketEventRecord, type TicketRecord } from './model'

export type EventInput = Pick<TicketEventRecord, 'kind' | 'actor' | 'actorName'> & Partial<Pick<TicketEventRecord, 'actorOpenid' | 'note' | 'photos' | 'from' | 'to' | 'party' | 'internal' | 'rating'>>

export interface TicketChange {
  set: Partial<TicketRecord>
  event: EventInput
  /** A 我为群众办实事 ledger entry written in the same transaction (ticket closed after resolution). */
  deed?: DeedRecord
}

export function eventRecord(ticketId: string, seq: number, at: Date, input: EventInput): TicketEventRecord {
  return {
    _id: eventId(ticketId, seq),
    ticketId,
    seq,
    at,
    actorOpenid: null,
    note: null,
    photos: [],
    from: null,
    to: null,
    party: null,
    internal: false,
    rating: null,
    ...input
  }
}

/**
 * Changes one ticket and appends its history entry atomically (one transaction, single documents
 * by `_id`). `decide` sees the current ticket and returns the change, throws (FORBIDDEN, CONFLICT …)
 * or returns null when there is nothing to do any more (a sweep that lost the race). It may run more
 * than once when the transaction is retried, so it must only read its argument. Two parties acting
 * at once both write the ticket: one commits, the other runs again on the new state (and usually
 * gets CONFLICT from `decide`); messages go out after this returns.
 */
export async function mutateTicket(ticketId: string, decide: (t: TicketRecord) => TicketChange | null): Promise<{ before: TicketRecord; after: TicketRecord } | null> {
  return transaction(async (tx) => {
    const snap = await tx.collection('tickets').doc(ticketId).get()
    const t = snap.data as TicketRecord | null
    if (!t) throw notFound('问题反映')
    const change = decide(t)
    if (!change) return null
    const seq = (t.seq ?? 0) + 1
    const now = clock.date()
    const set: Partial<TicketRecord> = { ...change.set, seq, updatedAt: now }
    await tx.collection('tickets').doc(ticketId).update({ data: set })
    await tx.collection('ticketEvents').add({ data: eventRecord(ticketId, seq, now, change.event) })
    if (change.deed) await tx.collection('deeds').add({ data: change.deed })
    return { before: t, after: { ...t, ...set } as TicketRecord }
  })
}
