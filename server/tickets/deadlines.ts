import { clock } from '../core/clock'
import { db } from '../core/db'
import { ticketDeed } from '../wishes/deeds'
import { DAY, pendingWork, partyName, type TicketRecord } from './model'
import { mutateTicket } from './mutate'
import { notifyOverdue, notifyReporter } from './notify'
import { namesFor } from './view'
import { TICKET_LIMITS } from '../../contracts/tickets'

/*
 * Deadlines without timers: the emulator has none, and the cloud's timer trigger is only a nudge.
 * Overdue state is computed on every read (`overdueOf`); the writes a deadline causes — an
 * escalation to the community staff (大党委) and the lead party, or closing a resolved ticket the
 * reporter never answered — happen here, exactly once each (guarded inside a transaction), either
 * lazily when the ticket is read or in bulk by `sweep` (staff, admin, or the timer trigger
 * declared in cloudfunctions/tickets/config.json).
 */

async function namesOf(t: TicketRecord) {
  const names = await namesFor([t])
  return {
    gridName: names.grids.get(t.gridId) ?? '',
    companyName: t.companyId ? names.companies.get(t.companyId) : undefined,
    communityName: names.communities.get(t.communityId) ?? ''
  }
}

/** Escalates an overdue ticket once per stage; a resolve-stage escalation covers a pending accept one. */
export async function escalate(ticketId: string): Promise<boolean> {
  const res = await mutateTicket(ticketId, (t) => {
    const now = clock.date()
    const work = pendingWork(t, now.getTime())
    if (work.escalateResolve) {
      return {
        set: { resolveEscalatedAt: now, acceptEscalatedAt: t.acceptEscalatedAt ?? now, escalated: true },
        event: { kind: 'escalated', actor: 'system', actorName: '系统', note: '超过办结时限，已提请社区“大党委”督办' }
      }
    }
    if (work.escalateAccept) {
      return {
        set: { acceptEscalatedAt: now, escalated: true },
        event: { kind: 'escalated', actor: 'system', actorName: '系统', note: '超过受理时限，已提请社区“大党委”督办' }
      }
    }
    return null
  })
  if (!res) return false
  const stage = res.after.resolveEscalatedAt && !res.before.resolveEscalatedAt ? 'resolve' : 'accept'
  const names = await namesOf(res.after)
  await notifyOverdue(res.after, stage, names.gridName)
  return true
}

/** Closes a resolved ticket the reporter has not answered for 7 days (no rating); it enters the ledger. */
export async function autoClose(ticketId: string, t0: TicketRecord): Promise<boolean> {
  const names = await namesOf(t0)
  const res = await mutateTicket(ticketId, (t) => {
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
  })
  if (!res) return false
  await notifyReporter(res.after, `办结后${TICKET_LIMITS.autoCloseDays}天未评价，已自动办结`)
  return true
}

/** Does whatever the deadlines owe this ticket now; returns the current record. */
export async function applyPending(t: TicketRecord): Promise<TicketRecord> {
  const work = pendingWork(t, clock.now())
  if (!work.escalateAccept && !work.escalateResolve && !work.autoClose) return t
  if (work.autoClose) await autoClose(t._id, t)
  else await escalate(t._id)
  const res = await db().collection('tickets').where({ _id: t._id }).limit(1).get()
  return (res.data[0] as TicketRecord | undefined) ?? t
}

/**
 * One bounded pass over the deadlines (fits the 3 s function timeout on the cloud): escalations
 * first, then auto-closing. `communityIds` null: the whole district. `more` says work was left.
 */
export async function sweep(communityIds: string[] | null, budget = 150): Promise<{ escalated: number; autoClosed: number; more: boolean }> {
  const _ = db().command
  const now = clock.date()
  const scope = communityIds ? { communityId: _.in(communityIds) } : {}
  const result = { escalated: 0, autoClosed: 0, more: false }
  const batches: Array<{ where: Record<string, unknown>; kind: 'escalate' | 'close' }> = [
    { kind: 'escalate', where: { ...scope, status: _.in(['submitted', 'accepted']), resolveEscalatedAt: null, resolveBy: _.lt(now) } },
    { kind: 'escalate', where: { ...scope, status: 'submitted', acceptEscalatedAt: null, acceptBy: _.lt(now) } },
    { kind: 'close', where: { ...scope, status: 'resolved', resolvedAt: _.lte(new Date(now.getTime() - TICKET_LIMITS.autoCloseDays * DAY)) } }
  ]
  let left = budget
  for (const batch of batches) {
    while (left > 0) {
      const size = Math.min(100, left)
      const res = await db().collection('tickets').where(batch.where).limit(size).get()
      const docs = res.data as TicketRecord[]
      if (docs.length === 0) break
      let progressed = 0
      for (const t of docs) {
        const done = batch.kind === 'escalate' ? await escalate(t._id) : await autoClose(t._id, t)
        if (done) {
          progressed++
          if (batch.kind === 'escalate') result.escalated++
          else result.autoClosed++
        }
      }
      left -= docs.length
      if (docs.length < size) break
      if (progressed === 0) break
    }
    if (left <= 0) {
      result.more = true
      break
    }
  }
  return result
}
