import { TICKET_CATEGORY_LABELS, TICKET_STATUS_LABELS, type Party } from '../../contracts/tickets'
import { db } from '../core/db'
import { shanghai } from '../core/time'
import { TEMPLATES, phrase, thing } from '../notify/templates'
import { queueMessages } from '../notify/queue'
import type { SubscriptionMessage } from '../platform'
import type { TicketRecord } from './model'

export const TICKET_PAGE = 'packages/tickets/pages/detail/index'

const fmt = (d: Date | string) => shanghai(new Date(d)).format('YYYY-MM-DD HH:mm')

function partyWhere(t: Pick<TicketRecord, 'companyId' | 'gridId' | 'communityId'>, party: Party): Record<string, unknown> | null {
  if (party === 'property_company') return t.companyId ? { roles: 'property_staff', 'scopes.companyIds': t.companyId } : null
  if (party === 'owners_committee') return { roles: 'committee', 'scopes.gridIds': t.gridId }
  return { roles: 'staff', 'scopes.communityIds': t.communityId }
}

/** Openids of the people of the given parties of the ticket's compound (at most 50 a party), in one read. */
export async function partyMembers(t: Pick<TicketRecord, 'companyId' | 'gridId' | 'communityId'>, ...parties: Party[]): Promise<string[]> {
  const wheres = [...new Set(parties)].map((p) => partyWhere(t, p)).filter((w): w is Record<string, unknown> => !!w)
  if (wheres.length === 0) return []
  const where = wheres.length === 1 ? wheres[0] : db().command.or(wheres)
  const res = await db().collection('users').where(where).field({ _id: true }).limit(50 * wheres.length).get()
  return (res.data as { _id: string }[]).map((u) => u._id)
}

/** A person who may be told (their roles and scopes say for which party). */
export type PlacePersonLike = Person

interface Person {
  _id: string
  roles?: string[]
  scopes?: { communityIds?: string[]; companyIds?: string[]; gridIds?: string[] }
}

/**
 * The people of these parties for many tickets at once (one read; a sweep's page): then
 * `peopleOf` picks each ticket's from the result.
 */
export async function partyPeople(pairs: Array<{ t: Pick<TicketRecord, 'companyId' | 'gridId' | 'communityId'>; party: Party }>): Promise<Person[]> {
  const _ = db().command
  const keys = new Map<string, Record<string, unknown>>()
  for (const { t, party } of pairs) {
    const where = partyWhere(t, party)
    if (where) keys.set(JSON.stringify(where), where)
  }
  const wheres = [...keys.values()]
  if (wheres.length === 0) return []
  const res = await db()
    .collection('users')
    .where(wheres.length === 1 ? wheres[0] : _.or(wheres))
    .field({ _id: true, roles: true, scopes: true })
    .limit(1000)
    .get()
  return res.data as Person[]
}

export function peopleOf(people: Person[], t: Pick<TicketRecord, 'companyId' | 'gridId' | 'communityId'>, party: Party): string[] {
  const has = (p: Person, role: string) => (p.roles ?? []).includes(role)
  return people
    .filter((p) => {
      if (party === 'property_company') return !!t.companyId && has(p, 'property_staff') && (p.scopes?.companyIds ?? []).includes(t.companyId)
      if (party === 'owners_committee') return has(p, 'committee') && (p.scopes?.gridIds ?? []).includes(t.gridId)
      return has(p, 'staff') && (p.scopes?.communityIds ?? []).includes(t.communityId)
    })
    .map((p) => p._id)
}

type Message = Omit<SubscriptionMessage, 'touser'>

/** One message per person (each once). */
function toEach(touser: string[], message: Message): SubscriptionMessage[] {
  return [...new Set(touser)].map((openid) => ({ ...message, touser: openid }))
}

/**
 * Sends what an action has to say, off the waiting path: every message of the call goes into the
 * message queue in ONE write (server/notify/queue.ts; delivered within a minute), however many
 * people are told. A message that cannot be queued never undoes the action that caused it.
 */
export async function send(...lists: SubscriptionMessage[][]): Promise<void> {
  const messages = lists.flat()
  if (messages.length === 0) return
  try {
    await queueMessages(messages)
  } catch (error) {
    console.error('[tickets] messages not queued', error)
  }
}

/** To the lead party: a ticket is waiting for them (new or handed over). */
export async function assignedMessages(t: TicketRecord, gridName: string, people?: Person[]): Promise<SubscriptionMessage[]> {
  const to = people ? peopleOf(people, t, t.party) : await partyMembers(t, t.party)
  return toEach(to, {
    templateId: TEMPLATES.ticketAssigned.id,
    page: `${TICKET_PAGE}?id=${t._id}`,
    data: { thing1: thing(TICKET_CATEGORY_LABELS[t.category]), thing2: thing(gridName), time3: { value: fmt(t.acceptBy) }, thing4: thing(t.description) },
    summary: `新的${TICKET_CATEGORY_LABELS[t.category]}问题待受理（${gridName}），请于${fmt(t.acceptBy)}前受理`
  })
}

/** To the reporter: the ticket moved on. */
export function reporterMessages(t: TicketRecord, note: string): SubscriptionMessage[] {
  return toEach([t.reporterOpenid], {
    templateId: TEMPLATES.ticketProgress.id,
    page: `${TICKET_PAGE}?id=${t._id}`,
    data: { thing1: thing(TICKET_CATEGORY_LABELS[t.category]), phrase2: phrase(TICKET_STATUS_LABELS[t.status]), thing3: thing(note), time4: { value: fmt(t.updatedAt) } },
    summary: `您反映的${TICKET_CATEGORY_LABELS[t.category]}问题：${TICKET_STATUS_LABELS[t.status]}。${note}`
  })
}

/** A deadline passed: to the community staff (大党委) and the lead party. */
export async function overdueMessages(t: TicketRecord, stage: 'accept' | 'resolve', gridName: string, people?: Person[]): Promise<SubscriptionMessage[]> {
  const to = people ? [...peopleOf(people, t, 'residents_committee'), ...peopleOf(people, t, t.party)] : await partyMembers(t, 'residents_committee', t.party)
  const deadline = stage === 'accept' ? t.acceptBy : t.resolveBy
  return toEach(to, {
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
export async function leadPartyMessages(t: TicketRecord, headline: string, note: string, people?: Person[]): Promise<SubscriptionMessage[]> {
  const to = people ? peopleOf(people, t, t.party) : await partyMembers(t, t.party)
  return toEach(to, {
    templateId: TEMPLATES.ticketProgress.id,
    page: `${TICKET_PAGE}?id=${t._id}`,
    data: { thing1: thing(headline), phrase2: phrase(TICKET_STATUS_LABELS[t.status]), thing3: thing(note), time4: { value: fmt(t.updatedAt) } },
    summary: `${headline}：${note}`
  })
}
