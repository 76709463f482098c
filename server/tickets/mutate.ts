import { clock } from '../core/clock'
import { db, isDuplicateKey } from '../core/db'
import { AppError, BUSY_MESSAGE, notFound } from '../core/errors'
import type { DeedRecord } from '../wishes/deeds'
import { eventId, type TicketEventRecord, type TicketRecord } from './model'

export type EventInput = Pick<TicketEventRecord, 'kind' | 'actor' | 'actorName'> & Partial<Pick<TicketEventRecord, 'actorOpenid' | 'note' | 'photos' | 'from' | 'to' | 'party' | 'internal' | 'rating'>>

export interface TicketChange {
  set: Partial<TicketRecord>
  event: EventInput
  /** A 我为群众办实事 ledger entry written with the change (ticket closed after resolution). */
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

/** Rounds of re-reading after another change won the version (a crowd on one ticket is a handful of people). */
const ROUNDS = 8

export interface Mutated {
  before: TicketRecord
  after: TicketRecord
  /** The history entry written. */
  event: TicketEventRecord
}

/**
 * Changes one ticket and appends its history entry. `decide` sees the current ticket and returns
 * the change, throws (FORBIDDEN, CONFLICT …) or returns null when there is nothing to do any more
 * (a sweep that lost the race); it may run more than once, so it must only read its argument.
 * `current`: the ticket as just read (saves the first read).
 *
 * No transaction: the update is conditional on the version `decide` saw (`seq`), so it is the one
 * decision (two phones: one update matches, the other re-reads and decides again on the new state,
 * usually CONFLICT). The history entry (`<ticketId>:<seq>`) and ledger entry (`ticket:<id>`) have
 * deterministic ids and follow the update; only the winner of that version writes them.
 * Messages go out after this returns.
 */
export async function mutateTicket(ticketId: string, decide: (t: TicketRecord) => TicketChange | null, current?: TicketRecord): Promise<Mutated | null> {
  const _ = db().command
  const col = db().collection('tickets')
  let t: TicketRecord | null = current ?? null
  for (let round = 0; round < ROUNDS; round++) {
    if (!t) t = ((await col.where({ _id: ticketId }).limit(1).get()).data[0] as TicketRecord | undefined) ?? null
    if (!t) throw notFound('问题反映')
    const change = decide(t)
    if (!change) return null
    const seq = (t.seq ?? 0) + 1
    const now = clock.date()
    const set: Partial<TicketRecord> = { ...change.set, seq, updatedAt: now }
    const res = await col.where({ _id: ticketId, seq: t.seq == null ? _.exists(false) : t.seq }).update({ data: set })
    if (res.stats.updated === 1) {
      const event = eventRecord(ticketId, seq, now, change.event)
      await Promise.all([
        db().collection('ticketEvents').add({ data: event }),
        change.deed ? addOnce('deeds', change.deed) : undefined
      ])
      return { before: t, after: { ...t, ...set } as TicketRecord, event }
    }
    t = null
  }
  throw new AppError('CONFLICT', BUSY_MESSAGE)
}

/** Adds a document with a deterministic `_id`; one already there is the same entry. */
export async function addOnce(collection: string, data: { _id: string }): Promise<void> {
  try {
    await db().collection(collection).add({ data })
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
  }
}
