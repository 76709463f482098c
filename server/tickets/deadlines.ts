import { randomBytes } from 'node:crypto'
import { clock } from '../core/clock'
import { db } from '../core/db'
import { ticketDeed } from '../wishes/deeds'
import { namesById } from '../core/records'
import { DAY, pendingWork, partyName, type TicketEventRecord, type TicketRecord } from './model'
import { addOnce, eventRecord, mutateTicket, type Mutated } from './mutate'
import { overdueMessages, partyPeople, reporterMessages, send, type PlacePersonLike } from './notify'
import { pageWithNames, type Names } from './view'
import { TICKET_LIMITS } from '../../contracts/tickets'
import type { SubscriptionMessage } from '../platform'

/*
 * Deadlines without timers: the emulator has none, and the cloud's timer trigger is only a nudge.
 * Overdue state is computed on every read (`overdueOf`); the writes a deadline causes — an
 * escalation to the community staff (大党委) and the lead party, or closing a resolved ticket the
 * reporter never answered — happen here, exactly once each (an update conditional on the ticket's
 * version), either lazily when the ticket is read or in bulk by `sweep` (staff, admin, or the timer trigger
 * declared in cloudfunctions/tickets/config.json).
 */

/** The names a deadline's message and ledger entry need: given (already joined), else one read per name needed. */
async function namesOf(t: TicketRecord, known?: Names) {
  const need = (kind: keyof Names, id: string | null) => (id && !known?.[kind].has(id) ? [id] : [])
  const [grids, companies, communities] = await Promise.all([
    need('grids', t.gridId).length ? namesById('grids', [t.gridId]) : new Map<string, string>(),
    t.companyId && need('companies', t.companyId).length ? namesById('companies', [t.companyId]) : new Map<string, string>(),
    need('communities', t.communityId).length ? namesById('communities', [t.communityId]) : new Map<string, string>()
  ])
  const pick = (kind: keyof Names, extra: Map<string, string>, id: string | null) => (id ? (known?.[kind].get(id) ?? extra.get(id)) : undefined)
  return {
    gridName: pick('grids', grids, t.gridId) ?? '',
    companyName: pick('companies', companies, t.companyId),
    communityName: pick('communities', communities, t.communityId) ?? ''
  }
}

type Done = Mutated | null

const ESCALATION_NOTES = {
  accept: '超过受理时限，已提请社区“大党委”督办',
  resolve: '超过办结时限，已提请社区“大党委”督办'
}


/** Escalates an overdue ticket once per stage; a resolve-stage escalation covers a pending accept one. */
export async function escalate(ticketId: string, current?: TicketRecord, known?: Names, people?: PlacePersonLike[]): Promise<Done> {
  const res = await mutateTicket(
    ticketId,
    (t) => {
      const now = clock.date()
      const work = pendingWork(t, now.getTime())
      if (work.escalateResolve) {
        return {
          set: { resolveEscalatedAt: now, acceptEscalatedAt: t.acceptEscalatedAt ?? now, escalated: true },
          event: { kind: 'escalated', actor: 'system', actorName: '系统', note: ESCALATION_NOTES.resolve }
        }
      }
      if (work.escalateAccept) {
        return {
          set: { acceptEscalatedAt: now, escalated: true },
          event: { kind: 'escalated', actor: 'system', actorName: '系统', note: ESCALATION_NOTES.accept }
        }
      }
      return null
    },
    current
  )
  if (!res) return null
  const stage = res.after.resolveEscalatedAt && !res.before.resolveEscalatedAt ? 'resolve' : 'accept'
  // Only the grid's name goes into the message.
  const gridName = known?.grids.get(res.after.gridId) ?? (await namesById('grids', [res.after.gridId])).get(res.after.gridId) ?? ''
  await send(await overdueMessages(res.after, stage, gridName, people))
  return res
}

/** Closes a resolved ticket the reporter has not answered for 7 days (no rating); it enters the ledger. */
export async function autoClose(ticketId: string, t0: TicketRecord, known?: Names): Promise<Done> {
  const party = t0.resolvedBy ?? t0.party
  // Only the name of the party that did it goes into the ledger entry.
  const names = await namesOf({ ...t0, gridId: party === 'owners_committee' ? t0.gridId : '', companyId: party === 'property_company' ? t0.companyId : null, communityId: party === 'residents_committee' ? t0.communityId : '' }, known)
  const res = await mutateTicket(
    ticketId,
    (t) => {
      const now = clock.date()
      if (!pendingWork(t, now.getTime()).autoClose) return null
      return {
        set: { status: 'closed', closeReason: 'auto', closedAt: now },
        event: {
          kind: 'closed',
          actor: 'system',
          actorName: '系统',
          from: 'resolved',
          to: 'closed',
          note: `办结后${TICKET_LIMITS.autoCloseDays}天未评价，自动办结`
        },
        deed: ticketDeed(t, partyName(t.resolvedBy ?? t.party, names), now, null)
      }
    },
    t0
  )
  if (!res) return null
  await send(reporterMessages(res.after, `办结后${TICKET_LIMITS.autoCloseDays}天未评价，已自动办结`))
  return res
}

/**
 * Does whatever the deadlines owe this ticket now; returns the current record and the history
 * entry written (if any). `known`: the ticket's names, already read; `people`: its parties' people,
 * already read (else read when an escalation tells them).
 */
export async function applyPending(t: TicketRecord, known?: Names, people?: PlacePersonLike[]): Promise<{ ticket: TicketRecord; event?: TicketEventRecord }> {
  const work = pendingWork(t, clock.now())
  if (!work.escalateAccept && !work.escalateResolve && !work.autoClose) return { ticket: t }
  const res = work.autoClose ? await autoClose(t._id, t, known) : await escalate(t._id, t, known, people)
  if (res) return { ticket: res.after, event: res.event }
  // Someone else did it meanwhile: the ticket as it is now.
  const now = await db().collection('tickets').where({ _id: t._id }).limit(1).get()
  return { ticket: (now.data[0] as TicketRecord | undefined) ?? t }
}

type SweepKind = 'escalateResolve' | 'escalateAccept' | 'close'

/**
 * One bounded pass over the deadlines (fits the 3 s function timeout on the cloud): escalations
 * first, then auto-closing. `communityIds` null: the whole district. `more` says work was left.
 *
 * Per page of up to 100 tickets: one read (names joined), one guarded update of the whole page
 * (two for resolve-stage escalations: with and without a pending accept-stage one), one read of
 * the people to tell; then each ticket's own history entry (and ledger entry) and messages. The
 * update's filter is the decision: the deadline condition, on each ticket at the version read
 * (`_id` and `seq`), so a ticket changed meanwhile (a lazy escalation on a read, a party acting)
 * is left to the next pass, and the history entry `<ticketId>:<seq + 1>` is this pass's alone.
 */
export async function sweep(communityIds: string[] | null, budget = 150): Promise<{ escalated: number; autoClosed: number; more: boolean }> {
  const _ = db().command
  const now = clock.date()
  const scope = communityIds ? { communityId: _.in(communityIds) } : {}
  const result = { escalated: 0, autoClosed: 0, more: false }
  const batches: Array<{ where: Record<string, unknown>; kind: SweepKind }> = [
    { kind: 'escalateResolve', where: { ...scope, status: _.in(['submitted', 'accepted']), resolveEscalatedAt: null, resolveBy: _.lt(now) } },
    { kind: 'escalateAccept', where: { ...scope, status: 'submitted', acceptEscalatedAt: null, acceptBy: _.lt(now) } },
    { kind: 'close', where: { ...scope, status: 'resolved', resolvedAt: _.lte(new Date(now.getTime() - TICKET_LIMITS.autoCloseDays * DAY)) } }
  ]
  let left = budget
  for (const batch of batches) {
    while (left > 0) {
      const size = Math.min(100, left)
      const { found, done } = await sweepPage(batch.kind, batch.where, size)
      if (batch.kind === 'close') result.autoClosed += done
      else result.escalated += done
      left -= found
      if (found < size || done === 0) break
    }
    if (left <= 0) {
      result.more = true
      break
    }
  }
  return result
}

async function sweepPage(kind: SweepKind, where: Record<string, unknown>, size: number): Promise<{ found: number; done: number }> {
  const _ = db().command
  const col = db().collection('tickets')
  const { tickets, names } = await pageWithNames(where, { field: '_id', dir: 1 }, 0, size)
  if (tickets.length === 0) return { found: 0, done: 0 }
  const now = clock.date()
  const token = `${now.getTime()}:${randomBytes(4).toString('hex')}`
  const atVersion = (ts: TicketRecord[]) => _.or(ts.map((t) => ({ _id: t._id, seq: t.seq == null ? _.exists(false) : t.seq })))
  const base = { seq: _.inc(1), updatedAt: now, sweptBy: token }
  const groups: Array<{ tickets: TicketRecord[]; set: Record<string, unknown>; extra: Record<string, unknown> }> = []
  if (kind === 'escalateResolve') {
    // A resolve-stage escalation covers an accept-stage one still owed.
    const owed = tickets.filter((t) => !t.acceptEscalatedAt)
    const covered = tickets.filter((t) => !!t.acceptEscalatedAt)
    if (owed.length) groups.push({ tickets: owed, extra: { acceptEscalatedAt: null }, set: { resolveEscalatedAt: now, acceptEscalatedAt: now, escalated: true } })
    if (covered.length) groups.push({ tickets: covered, extra: { acceptEscalatedAt: _.neq(null) }, set: { resolveEscalatedAt: now, escalated: true } })
  } else if (kind === 'escalateAccept') groups.push({ tickets, extra: {}, set: { acceptEscalatedAt: now, escalated: true } })
  else groups.push({ tickets, extra: {}, set: { status: 'closed', closeReason: 'auto', closedAt: now } })

  const changed: TicketRecord[] = []
  for (const group of groups) {
    const res = await col.where(_.and([where, ...(Object.keys(group.extra).length ? [group.extra] : []), atVersion(group.tickets)])).update({ data: { ...group.set, ...base } })
    let mine = group.tickets
    // Some changed meanwhile: which ones this pass took (rare).
    if (res.stats.updated < group.tickets.length) {
      const took = await col.where({ _id: _.in(group.tickets.map((t) => t._id)), sweptBy: token }).field({ _id: true }).limit(size).get()
      const ids = new Set((took.data as { _id: string }[]).map((t) => t._id))
      mine = group.tickets.filter((t) => ids.has(t._id))
    }
    for (const t of mine) changed.push({ ...t, ...(group.set as Partial<TicketRecord>), seq: (t.seq ?? 0) + 1, updatedAt: now })
  }
  if (changed.length === 0) return { found: tickets.length, done: 0 }

  const people = kind === 'close' ? [] : await partyPeople(changed.flatMap((t) => [{ t, party: 'residents_committee' as const }, { t, party: t.party }]))
  // The page's messages, queued together (one write per 100).
  const messages: SubscriptionMessage[][] = []
  await Promise.all(
    changed.map(async (t) => {
      if (kind === 'close') {
        const doneBy = partyName(t.resolvedBy ?? t.party, {
          gridName: names.grids.get(t.gridId) ?? '',
          companyName: t.companyId ? names.companies.get(t.companyId) : undefined,
          communityName: names.communities.get(t.communityId) ?? ''
        })
        await Promise.all([
          db().collection('ticketEvents').add({ data: eventRecord(t._id, t.seq, now, { kind: 'closed', actor: 'system', actorName: '系统', from: 'resolved', to: 'closed', note: `办结后${TICKET_LIMITS.autoCloseDays}天未评价，自动办结` }) }),
          addOnce('deeds', ticketDeed(t, doneBy, now, null))
        ])
        messages.push(reporterMessages(t, `办结后${TICKET_LIMITS.autoCloseDays}天未评价，已自动办结`))
      } else {
        const stage = kind === 'escalateResolve' ? 'resolve' : 'accept'
        await db().collection('ticketEvents').add({ data: eventRecord(t._id, t.seq, now, { kind: 'escalated', actor: 'system', actorName: '系统', note: ESCALATION_NOTES[stage] }) })
        messages.push(await overdueMessages(t, stage, names.grids.get(t.gridId) ?? '', people))
      }
    })
  )
  await send(...messages)
  return { found: tickets.length, done: changed.length }
}
