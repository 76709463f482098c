import { PARTY_LABELS, TICKET_STATUS_LABELS, type TicketDetail, type ticketsTransitionInput } from '../../contracts/tickets'
import type { z } from '../../contracts/zod'
import { clock } from '../core/clock'
import { AppError, conflict, forbidden, notFound } from '../core/errors'
import type { FirstReadContext } from '../core/function'
import type { Caller } from '../core/identity'
import { monthKey } from '../core/time'
import { checkPhotos, checkTexts } from './content'
import { actorFor, availableParties, HOUR, involve, OPEN_STATUSES, relationOf, type TicketRecord } from './model'
import { mutateTicket, type TicketChange } from './mutate'
import { assignedMessages, reporterMessages, send } from './notify'
import { afterChange, detailOf, loadTicketWithCaller } from './view'

type Input = z.infer<typeof ticketsTransitionInput>

const notOpen = (t: TicketRecord, what: string) => conflict(`该问题当前为“${TICKET_STATUS_LABELS[t.status]}”，不能${what}`)

/**
 * The parties' moves on a ticket. Permission is checked before state, so a stranger learns nothing
 * from the answer; the state check is the filter of the guarded update, so two phones pressing the same
 * button produce one change and one CONFLICT.
 */
function decide(caller: Caller, input: Input, photos: string[]) {
  return (t: TicketRecord): TicketChange => {
    const rel = relationOf(caller, t)
    const now = clock.date()
    const actorName = caller.user?.profile.name || '工作人员'
    const base = { actorOpenid: caller.openid, actorName, note: input.note ?? null, photos, from: t.status }
    switch (input.to) {
      case 'accepted': {
        if (!rel.lead) throw forbidden('只有牵头办理方可以受理')
        if (t.status !== 'submitted') throw notOpen(t, '受理')
        return { set: { status: 'accepted', acceptedAt: now, involvedParties: involve(t, t.party) }, event: { ...base, kind: 'accepted', actor: t.party, to: 'accepted' } }
      }
      case 'resolved': {
        if (!rel.lead) throw forbidden('只有牵头办理方可以办结')
        if (!OPEN_STATUSES.includes(t.status)) throw notOpen(t, '办结')
        const first = !t.firstResolvedAt
        const set: Partial<TicketRecord> = { status: 'resolved', resolvedAt: now, resolvedBy: t.party, acceptedAt: t.acceptedAt ?? now, involvedParties: involve(t, t.party) }
        if (first) {
          set.firstResolvedAt = now
          set.firstResolvedMonth = monthKey(now)
          set.resolvedOnTime = now.getTime() <= new Date(t.dueAt).getTime()
        }
        return { set, event: { ...base, kind: 'resolved', actor: t.party, to: 'resolved' } }
      }
      case 'handover': {
        if (!(rel.lead || rel.staff)) throw forbidden('只有牵头办理方或社区工作人员可以转交')
        if (!OPEN_STATUSES.includes(t.status)) throw notOpen(t, '转交')
        const target = input.party!
        if (target === t.party) throw new AppError('INVALID_INPUT', `该问题已由${PARTY_LABELS[target]}牵头`, ['party'])
        if (!availableParties(t).includes(target)) throw new AppError('INVALID_INPUT', `该小区没有${PARTY_LABELS[target]}`, ['party'])
        // The new party gets a fresh acceptance deadline; the resolve deadline is the resident's and stays.
        const actor = actorFor(rel, t.party)
        return {
          set: { party: target, status: 'submitted', acceptedAt: null, acceptBy: new Date(now.getTime() + t.acceptHours * HOUR), acceptEscalatedAt: null, involvedParties: involve(t, actor) },
          event: { ...base, kind: 'handover', actor, to: 'submitted', party: target }
        }
      }
      case 'closed': {
        if (rel.staff) {
          if (!OPEN_STATUSES.includes(t.status)) throw notOpen(t, '关闭')
          if (!input.note) throw new AppError('INVALID_INPUT', '请填写不予受理的原因', ['note'])
          return { set: { status: 'closed', closeReason: 'invalid', closedAt: now, involvedParties: involve(t, 'residents_committee') }, event: { ...base, kind: 'closed', actor: 'residents_committee', to: 'closed' } }
        }
        if (rel.reporter) {
          if (!OPEN_STATUSES.includes(t.status)) throw notOpen(t, '撤回')
          return { set: { status: 'closed', closeReason: 'withdrawn', closedAt: now }, event: { ...base, kind: 'closed', actor: 'reporter', to: 'closed' } }
        }
        throw forbidden('只有社区工作人员或反映人可以关闭')
      }
    }
  }
}

export async function transitionTicket(ctx: FirstReadContext, input: Input): Promise<TicketDetail> {
  // The caller comes with the ticket's read; a handover tells the new lead party: their people too.
  const { caller, loaded } = await loadTicketWithCaller(ctx, input.ticketId, input.to === 'handover')
  if (!loaded) throw notFound('问题反映')
  const rel = relationOf(caller, loaded.ticket)
  if (!rel.parties.length && !rel.reporter) throw forbidden('只有本小区的三方人员可以办理')
  await checkTexts(caller.openid, [['note', input.note]])
  const photos = await checkPhotos(caller.openid, input.photos)
  const res = (await mutateTicket(input.ticketId, decide(caller, input, photos), loaded.ticket))!
  const t = res.after
  const gridName = loaded.names.grids.get(t.gridId) ?? ''
  // Every message of the move in one queue write.
  if (input.to === 'accepted') await send(reporterMessages(t, input.note ?? '您反映的问题已受理，正在处理'))
  if (input.to === 'resolved') await send(reporterMessages(t, input.note ? `${input.note}（请确认并评价）` : '问题已办结，请确认并评价'))
  if (input.to === 'handover') await send(await assignedMessages(t, gridName, loaded.people), reporterMessages(t, `已转交${PARTY_LABELS[t.party]}办理`))
  if (input.to === 'closed' && t.closeReason === 'invalid') await send(reporterMessages(t, input.note ?? '不予受理'))
  return detailOf(t, caller, afterChange(loaded, res))
}
