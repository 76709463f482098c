import { TICKET_STATUS_LABELS, type TicketDetail, type ticketsCommentInput, type ticketsConfirmInput, type ticketsReopenInput } from '../../contracts/tickets'
import type { z } from '../../contracts/zod'
import { clock } from '../core/clock'
import { conflict, forbidden, notFound } from '../core/errors'
import type { FirstReadContext } from '../core/function'
import type { Caller } from '../core/identity'
import { monthKey } from '../core/time'
import { ticketDeed } from '../wishes/deeds'
import { checkPhotos, checkTexts } from './content'
import { actorFor, HOUR, involve, partyName, relationOf } from './model'
import { mutateTicket } from './mutate'
import { leadPartyMessages, reporterMessages, send } from './notify'
import { afterChange, detailOf, loadTicketWithCaller, type LoadedTicket } from './view'

/** The caller and the ticket, in one read (`identity: 'withFirstRead'`); NOT_FOUND when missing. */
async function loadOrFail(ctx: FirstReadContext, ticketId: string, people = false): Promise<{ caller: Caller; loaded: LoadedTicket }> {
  const { caller, loaded } = await loadTicketWithCaller(ctx, ticketId, people)
  if (!loaded) throw notFound('问题反映')
  return { caller, loaded }
}

/** Adds information or a progress update. Parties may mark a note internal (not for residents). */
export async function commentTicket(ctx: FirstReadContext, input: z.infer<typeof ticketsCommentInput>): Promise<TicketDetail> {
  // The lead party's people come with the read (a reporter's comment tells them).
  const { caller, loaded } = await loadOrFail(ctx, input.ticketId, true)
  const rel0 = relationOf(caller, loaded.ticket)
  if (!(rel0.reporter || rel0.parties.length > 0 || rel0.district)) throw forbidden('只有反映人和本小区三方人员可以补充说明')
  await checkTexts(caller.openid, [['text', input.text]])
  const photos = await checkPhotos(caller.openid, input.photos)
  const res = await mutateTicket(
    input.ticketId,
    (t) => {
      const rel = relationOf(caller, t)
      if (t.status === 'closed') throw conflict('该问题已办结，不能再补充')
    const actor = actorFor(rel, t.party)
    const internal = !!input.internal && (rel.parties.length > 0 || rel.district)
    return {
      set: { involvedParties: involve(t, actor) },
      event: { kind: 'comment', actor, actorOpenid: caller.openid, actorName: caller.user?.profile.name || (rel.reporter ? t.reporterName : '工作人员'), note: input.text, photos, internal }
    }
    },
    loaded.ticket
  )
  const t = res!.after
  if (!rel0.reporter && !input.internal) await send(reporterMessages(t, input.text))
  if (rel0.reporter) await send(await leadPartyMessages(t, '反映人补充说明', input.text, loaded.people))
  return detailOf(t, caller, afterChange(loaded, res!))
}

/** The reporter confirms the resolution with a 1–5 rating: one rating per ticket, ever. */
export async function confirmTicket(ctx: FirstReadContext, input: z.infer<typeof ticketsConfirmInput>): Promise<TicketDetail> {
  const { caller, loaded } = await loadOrFail(ctx, input.ticketId)
  if (loaded.ticket.reporterOpenid !== caller.openid) throw forbidden('只有反映人可以确认和评价')
  await checkTexts(caller.openid, [['comment', input.comment]])
  const { names } = loaded
  const res = await mutateTicket(input.ticketId, (t) => {
    if (t.rating != null) throw conflict('该问题已评价过')
    if (t.status !== 'resolved') throw conflict(`该问题当前为“${TICKET_STATUS_LABELS[t.status]}”，不能确认`)
    const now = clock.date()
    const doneBy = partyName(t.resolvedBy ?? t.party, {
      companyName: t.companyId ? names.companies.get(t.companyId) : undefined,
      gridName: names.grids.get(t.gridId) ?? '',
      communityName: names.communities.get(t.communityId) ?? ''
    })
    return {
      set: { status: 'closed', closeReason: 'confirmed', closedAt: now, rating: input.rating, ratingComment: input.comment || null, ratedAt: now, ratedMonth: monthKey(now) },
      event: { kind: 'confirmed', actor: 'reporter', actorOpenid: caller.openid, actorName: t.reporterName, note: input.comment || null, from: 'resolved', to: 'closed', rating: input.rating },
      deed: ticketDeed(t, doneBy, now, input.rating)
    }
  }, loaded.ticket)
  return detailOf(res!.after, caller, afterChange(loaded, res!))
}

/** The reporter says it is not fixed: back to the same party with a fresh resolve deadline. */
export async function reopenTicket(ctx: FirstReadContext, input: z.infer<typeof ticketsReopenInput>): Promise<TicketDetail> {
  const { caller, loaded } = await loadOrFail(ctx, input.ticketId, true)
  if (loaded.ticket.reporterOpenid !== caller.openid) throw forbidden('只有反映人可以重新打开')
  await checkTexts(caller.openid, [['note', input.note]])
  const photos = await checkPhotos(caller.openid, input.photos)
  const res = await mutateTicket(input.ticketId, (t) => {
    if (t.status !== 'resolved') throw conflict(`该问题当前为“${TICKET_STATUS_LABELS[t.status]}”，不能重新打开`)
    const now = clock.date()
    return {
      set: { status: 'accepted', reopenCount: t.reopenCount + 1, resolvedAt: null, resolveBy: new Date(now.getTime() + t.resolveHours * HOUR), resolveEscalatedAt: null },
      event: { kind: 'reopened', actor: 'reporter', actorOpenid: caller.openid, actorName: t.reporterName, note: input.note ?? null, photos, from: 'resolved', to: 'accepted' }
    }
  }, loaded.ticket)
  const t = res!.after
  await send(await leadPartyMessages(t, '居民认为问题未解决', input.note ?? '已重新打开，请继续处理', loaded.people))
  return detailOf(t, caller, afterChange(loaded, res!))
}
