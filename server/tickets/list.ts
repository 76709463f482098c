import type { Page } from '../../contracts/common'
import type { TicketDetail, TicketSummary, ticketsListInput } from '../../contracts/tickets'
import type { z } from '../../contracts/zod'
import { clock } from '../core/clock'
import { db } from '../core/db'
import { AppError, forbidden, notFound } from '../core/errors'
import { hasRole, isDistrictAdmin } from '../core/guard'
import type { FirstReadContext } from '../core/function'
import type { Caller } from '../core/identity'
import { applyPending } from './deadlines'
import { autoCloseMs, OPEN_STATUSES, pendingWork, type TicketRecord } from './model'
import { detailOf, loadTicketWithCaller, pageWithNames, photoViews, summaryOf } from './view'

type Input = z.infer<typeof ticketsListInput>

/**
 * The queue condition: every compound where the caller is one of the three parties (`{}`: all, for
 * the district admin; null: none). users.overview counts the work queue with it.
 */
export function queueScope(caller: Caller, leadOnly: boolean): Record<string, unknown> | null {
  const _ = db().command
  if (isDistrictAdmin(caller)) return {}
  const clauses: Record<string, unknown>[] = []
  if (hasRole(caller, 'property_staff') && caller.scopes.companyIds.length)
    clauses.push({ companyId: _.in(caller.scopes.companyIds), ...(leadOnly ? { party: 'property_company' } : {}) })
  if (hasRole(caller, 'committee') && caller.scopes.gridIds.length)
    clauses.push({ gridId: _.in(caller.scopes.gridIds), hasOwnersCommittee: true, ...(leadOnly ? { party: 'owners_committee' } : {}) })
  if (hasRole(caller, 'staff') && caller.scopes.communityIds.length)
    clauses.push({ communityId: _.in(caller.scopes.communityIds), ...(leadOnly ? { party: 'residents_committee' } : {}) })
  if (clauses.length === 0) return null
  return clauses.length === 1 ? clauses[0] : _.or(clauses)
}

/** The status filter: 'open' not yet resolved, 'overdue' past a deadline, 'unfinished' not closed (null: any status). */
export function statusCondition(status: Input['status'], now: Date): Record<string, unknown> | null {
  const _ = db().command
  if (!status) return null
  if (status === 'open') return { status: _.in(OPEN_STATUSES) }
  // Not closed, as a read leaves it: a resolved report auto-closes `autoCloseMs` after resolution.
  if (status === 'unfinished') return _.or([{ status: _.in(OPEN_STATUSES) }, { status: 'resolved', resolvedAt: _.gt(new Date(now.getTime() - autoCloseMs())) }])
  if (status === 'overdue')
    return _.or([
      { status: 'submitted', acceptBy: _.lt(now) },
      { status: _.in(['submitted', 'accepted']), resolveBy: _.lt(now) }
    ])
  return { status }
}

export async function listTickets(caller: Caller, input: Input): Promise<Page<TicketSummary>> {
  const _ = db().command
  const now = clock.date()
  const parts: Record<string, unknown>[] = []
  if (input.scope === 'mine') parts.push({ reporterOpenid: caller.openid })
  else if (input.scope === 'compound') {
    const gridId = input.gridId ?? caller.user?.profile.gridId
    if (!gridId) throw new AppError('INVALID_INPUT', '请先选择小区', ['gridId'])
    parts.push({ gridId })
  } else {
    const scope = queueScope(caller, !!input.leadOnly)
    if (!scope) throw forbidden('仅物业、业委会和社区工作人员可以查看待办')
    parts.push(scope)
  }
  if (input.gridId && input.scope !== 'compound') parts.push({ gridId: input.gridId })
  if (input.communityId) parts.push({ communityId: input.communityId })
  if (input.category) parts.push({ category: input.category })
  const status = statusCondition(input.status, now)
  if (status) parts.push(status)
  const where = parts.length === 1 ? parts[0] : _.and(parts)

  // Open work is ordered by urgency (the resident's deadline); everything else newest first.
  // The back office's `sort` asks for a field and an order (indexes `createdAt`, `resolveBy`).
  const urgent = input.status === 'open' || input.status === 'overdue'
  const order: { field: string; dir: 1 | -1 } = input.sort ? { field: input.sort.field, dir: input.sort.order === 'asc' ? 1 : -1 } : { field: urgent ? 'resolveBy' : 'createdAt', dir: urgent ? 1 : -1 }
  const [countRes, page] = await Promise.all([
    db().collection('tickets').where(where).count(),
    pageWithNames(where, order, (input.page - 1) * input.pageSize, input.pageSize)
  ])
  const tickets = page.tickets.map((t) => asDue(t, now.getTime()))
  const covers = await Promise.all(tickets.map((t) => (t.photos.length ? photoViews([t.photos[0]]).then((p) => p[0]) : Promise.resolve(undefined))))
  return { items: tickets.map((t, i) => summaryOf(t, caller, page.names, covers[i])), total: countRes.total, page: input.page, pageSize: input.pageSize }
}

/**
 * A ticket as its passed deadlines make it. A list never writes (a page of overdue tickets would
 * cost writes per ticket): what it finds due is shown as the sweep (the timer, every 10 minutes)
 * or the ticket's next detail read records it — escalated, or closed unanswered.
 */
export function asDue(t: TicketRecord, now: number): TicketRecord {
  const work = pendingWork(t, now)
  if (work.autoClose) return { ...t, status: 'closed', closeReason: 'auto', closedAt: new Date(new Date(t.resolvedAt!).getTime() + autoCloseMs()) }
  if (work.escalateAccept || work.escalateResolve) return { ...t, escalated: true }
  return t
}

/**
 * The detail: the caller, the ticket, its names, history and its parties' people in ONE read
 * (`identity: 'withFirstRead'`; the people are for the rare read that records a passed deadline
 * and tells them, so that it needs no read of its own).
 */
export async function getTicket(ctx: FirstReadContext, ticketId: string): Promise<TicketDetail> {
  const { caller, loaded } = await loadTicketWithCaller(ctx, ticketId, true)
  if (!loaded) throw notFound('问题反映')
  const { ticket, event } = await applyPending(loaded.ticket, loaded.names, loaded.people)
  return detailOf(ticket, caller, { names: loaded.names, events: event ? [...loaded.events, event] : loaded.events })
}
