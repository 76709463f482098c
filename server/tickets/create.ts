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
import { newTicketRecord, partyName, type TicketRecord } from './model'
import { eventRecord } from './mutate'
import { notifyAssigned } from './notify'
import { loadPlace } from './places'
import { returnDailyQuota, takeDailyQuota } from './quota'
import { leadPartyFor, ruleFor } from './routing'
import { detailOf } from './view'

const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'

/** A short id a resident can read out on the phone: T + date + 4 characters (T2611270A3F). */
function newTicketId(now: Date): string {
  const bytes = randomBytes(4)
  const tail = [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join('')
  return `T${shanghai(now).format('YYMMDD')}${tail}`
}

export async function createTicket(caller: Caller, input: z.infer<typeof ticketsCreateInput>): Promise<TicketDetail> {
  const place = await loadPlace(input.gridId, input.buildingId)
  await checkTexts(caller.openid, [['description', input.description]])
  const photos = await checkPhotos(caller.openid, input.photos)
  await takeDailyQuota('ticket', caller.openid, TICKET_LIMITS.perDay, `每人每天最多反映${TICKET_LIMITS.perDay}个问题，请明天再提交`)

  let ticket: TicketRecord | null = null
  const gridName = place.grid.name
  // The number goes onto the ticket only with the reporter's consent to be called (个人信息保护法 第十四条).
  const mobile = input.shareMobile === true ? caller.user?.profile.mobile || null : null
  try {
    const rule = await ruleFor(input.category)
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
    for (let attempt = 0; attempt < 5 && !ticket; attempt++) {
      const candidate: TicketRecord = { _id: newTicketId(now), ...base }
      try {
        await db().runTransaction(async (tx) => {
          await tx.collection('tickets').add({ data: candidate })
          await tx.collection('ticketEvents').add({
            data: eventRecord(candidate._id, 1, now, {
              kind: 'created',
              actor: 'reporter',
              actorOpenid: caller.openid,
              actorName: candidate.reporterName,
              note: `已分派：由${lead}牵头办理${fallback}`,
              photos,
              to: 'submitted',
              party
            })
          })
          if (mobile) await recordConsent(caller.openid, 'contact', 'tickets.create', tx)
        })
        ticket = candidate
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
  await notifyAssigned(ticket, gridName)
  return detailOf(ticket, caller)
}
