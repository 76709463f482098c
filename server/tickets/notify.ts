import { TICKET_CATEGORY_LABELS, TICKET_STATUS_LABELS, type Party } from '../../contracts/tickets'
import { db } from '../core/db'
import { shanghai } from '../core/time'
import { TEMPLATES, phrase, thing } from '../notify/templates'
import { platform } from '../platform'
import type { TicketRecord } from './model'

export const TICKET_PAGE = 'packages/tickets/pages/detail/index'

const fmt = (d: Date | string) => shanghai(new Date(d)).format('YYYY-MM-DD HH:mm')

/** Openids of the people of one party of the ticket's compound (at most 50 each). */
export async function partyMembers(t: Pick<TicketRecord, 'companyId' | 'gridId' | 'communityId'>, party: Party): Promise<string[]> {
  let where: Record<string, unknown>
  if (party === 'property_company') {
    if (!t.companyId) return []
    where = { roles: 'property_staff', 'scopes.companyIds': t.companyId }
  } else if (party === 'owners_committee') {
    where = { roles: 'committee', 'scopes.gridIds': t.gridId }
  } else {
    where = { roles: 'staff', 'scopes.communityIds': t.communityId }
  }
  const res = await db().collection('users').where(where).field({ _id: true }).limit(50).get()
  return (res.data as { _id: string }[]).map((u) => u._id)
}

async function sendAll(touser: string[], message: Omit<Parameters<ReturnType<typeof platform>['messages']['send']>[0], 'touser'>): Promise<void> {
  for (const openid of [...new Set(touser)]) {
    try {
      await platform().messages.send({ ...message, touser: openid })
    } catch (error) {
      // A message that cannot be delivered never undoes the action that caused it.
      console.error('[tickets] message not sent', error)
    }
  }
}

/** To the lead party: a ticket is waiting for them (new or handed over). */
export async function notifyAssigned(t: TicketRecord, gridName: string): Promise<void> {
  const to = await partyMembers(t, t.party)
  await sendAll(to, {
    templateId: TEMPLATES.ticketAssigned.id,
    page: `${TICKET_PAGE}?id=${t._id}`,
    data: { thing1: thing(TICKET_CATEGORY_LABELS[t.category]), thing2: thing(gridName), time3: { value: fmt(t.acceptBy) }, thing4: thing(t.description) },
    summary: `新的${TICKET_CATEGORY_LABELS[t.category]}问题待受理（${gridName}），请于${fmt(t.acceptBy)}前受理`
  })
}

/** To the reporter: the ticket moved on. */
export async function notifyReporter(t: TicketRecord, note: string): Promise<void> {
  await sendAll([t.reporterOpenid], {
    templateId: TEMPLATES.ticketProgress.id,
    page: `${TICKET_PAGE}?id=${t._id}`,
    data: { thing1: thing(TICKET_CATEGORY_LABELS[t.category]), phrase2: phrase(TICKET_STATUS_LABELS[t.status]), thing3: thing(note), time4: { value: fmt(t.updatedAt) } },
    summary: `您反映的${TICKET_CATEGORY_LABELS[t.category]}问题：${TICKET_STATUS_LABELS[t.status]}。${note}`
  })
}

/** A deadline passed: to the community staff (大党委) and the lead party. */
export async function notifyOverdue(t: TicketRecord, stage: 'accept' | 'resolve', gridName: string): Promise<void> {
  const staff = await partyMembers(t, 'residents_committee')
  const lead = t.party === 'residents_committee' ? [] : await partyMembers(t, t.party)
  const deadline = stage === 'accept' ? t.acceptBy : t.resolveBy
  await sendAll([...staff, ...lead], {
    templateId: TEMPLATES.ticketOverdue.id,
    page: `${TICKET_PAGE}?id=${t._id}`,
    data: {
      thing1: thing(TICKET_CATEGORY_LABELS[t.category]),
      thing2: thing(gridName),
      phrase3: phrase(stage === 'accept' ? '超时未受理' : '超时未办结'),
      time4: { value: fmt(deadline) }
    },
    summary: `督办：${gridName}的${TICKET_CATEGORY_LABELS[t.category]}问题${stage === 'accept' ? '超时未受理' : '超时未办结'}（时限${fmt(deadline)}）`
  })
}

/** To the lead party: the reporter added information or reopened the ticket. */
export async function notifyLeadParty(t: TicketRecord, headline: string, note: string): Promise<void> {
  const to = await partyMembers(t, t.party)
  await sendAll(to, {
    templateId: TEMPLATES.ticketProgress.id,
    page: `${TICKET_PAGE}?id=${t._id}`,
    data: { thing1: thing(headline), phrase2: phrase(TICKET_STATUS_LABELS[t.status]), thing3: thing(note), time4: { value: fmt(t.updatedAt) } },
    summary: `${headline}：${note}`
  })
}
