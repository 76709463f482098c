import { randomBytes } from 'node:crypto'
import { TICKET_LIMITS, type TicketDetail } from '../../contracts/tickets'
import type { z } from '../../contracts/zod'
import type { ticketsCreateInput } from '../../contracts/tickets'
import { clock } from '../core/clock'
import { recordConsent } from '../core/consents'
import { db, isDuplicateKey } from '../core/db'
import type { Caller } from '../core/identity'
import { shanghai } from '../core/time'
import { checkPhotos, checkTexts } from './content'
import { newTicketRecord, partyName, type TicketEventRecord, type TicketRecord } from './model'
import { eventRecord } from './mutate'
import { notifyAssigned } from './notify'
import { loadPlaceWith } from './places'
import { returnDailyQuota, takeDailyQuota } from './quota'
import { leadPartyFor, ruleOf } from './routing'
import { detailOf } from './view'

const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'

/** A short id a resident can read out on the phone: T + date + 4 characters (T2611270A3F). */
function newTicketId(now: Date): string {
  const bytes = randomBytes(4)
  const tail = [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join('')
  return `T${shanghai(now).format('YYMMDD')}${tail}`
}

export async function createTicket(caller: Caller, input: z.infer<typeof ticketsCreateInput>): Promise<TicketDetail> {
  // The place, the category's routing rule and the people to tell, in one read.
  const { place, extra: ruleDoc, people } = await loadPlaceWith<Parameters<typeof ruleOf>[1]>(input.gridId, input.buildingId, { from: 'routingRules', id: input.category }, true)
  await checkTexts(caller.openid, [['description', input.description]])
  const photos = await checkPhotos(caller.openid, input.photos)
  await takeDailyQuota('ticket', caller.openid, TICKET_LIMITS.perDay, `每人每天最多反映${TICKET_LIMITS.perDay}个问题，请明天再提交`)

  let ticket: TicketRecord | null = null
  let created: TicketEventRecord | null = null
  const gridName = place.grid.name
  // The number goes onto the ticket only with the reporter's consent to be called (个人信息保护法 第十四条).
  const mobile = input.shareMobile === true ? caller.user?.profile.mobile || null : null
  try {
    const rule = ruleOf(input.category, ruleDoc)
    const party = leadPartyFor(rule, place)
    const now = clock.date()
    const at = now.getTime()
    const base: Omit<TicketRecord, '_id'> = {
      ...newTicketRecord({
        category: input.category,
        description: input.description,
        photos,
        grid: place.grid,
        buildingId: place.building?._id ?? null,
        companyId: place.company?._id ?? null,
        hasOwnersCommittee: place.hasOwnersCommittee,
        reporter: { openid: caller.openid, name: caller.user?.profile.name || '居民', mobile },
        showName: input.showName ?? false,
        party,
        rule,
        createdAt: at
      }),
      seq: 1
    }
    const lead = partyName(party, { companyName: place.company?.name, gridName: place.grid.name, communityName: place.community.name })
    const fallback = party !== rule.leadParty ? '（本小区无对应单位，由居委会牵头）' : ''
    if (mobile) await recordConsent(caller.openid, 'contact', 'tickets.create')
    for (let attempt = 0; attempt < 5 && !ticket; attempt++) {
      const candidate: TicketRecord = { _id: newTicketId(now), ...base }
      const event = eventRecord(candidate._id, 1, now, {
        kind: 'created',
        actor: 'reporter',
        actorOpenid: caller.openid,
        actorName: candidate.reporterName,
        note: `已分派：由${lead}牵头办理${fallback}`,
        photos,
        to: 'submitted',
        party
      })
      try {
        // No transaction: the history entry is written first and its `_id` (`<ticketId>:0001`) claims
        // the number (a duplicate key: taken, try another); the ticket follows, so every stored
        // ticket has its first entry. A failure in between leaves only an entry no ticket shows.
        await db().collection('ticketEvents').add({ data: event })
        await db().collection('tickets').add({ data: candidate })
        ticket = candidate
        created = event
      } catch (error) {
        if (!isDuplicateKey(error)) throw error
      }
    }
    if (!ticket) throw new Error('could not allocate a ticket id')
  } catch (error) {
    // Nothing was stored: the day's allowance is given back.
    await returnDailyQuota('ticket', caller.openid)
    throw error
  }
  await notifyAssigned(ticket, gridName, people)
  const names = {
    grids: new Map([[place.grid._id, place.grid.name]]),
    buildings: new Map(place.building ? [[place.building._id, place.building.name]] : []),
    communities: new Map([[place.community._id, place.community.name]]),
    companies: new Map(place.company ? [[place.company._id, place.company.name]] : [])
  }
  return detailOf(ticket, caller, { names, events: [created!] })
}
