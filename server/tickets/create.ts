import { randomBytes } from 'node:crypto'
import { type TicketDetail } from '../../contracts/tickets'
import type { z } from '../../contracts/zod'
import type { ticketsCreateInput } from '../../contracts/tickets'
import { clock } from '../core/clock'
import { recordConsent } from '../core/consents'
import { db, isDuplicateKey } from '../core/db'
import type { FirstReadContext } from '../core/function'
import type { Part } from '../core/together'
import { shanghai } from '../core/time'
import { mediaChecksPart, type StoredMediaCheck } from '../core/mediaChecks'
import { checkPhotos, checkTexts, consentInForce, latestConsentPart } from './content'
import { firstEventOf, newTicketRecord, partyName, type TicketEventRecord, type TicketRecord } from './model'
import { assignedMessages, send } from './notify'
import { placeFrom, placePart } from './places'
import { leadPartyFor, ruleOf } from './routing'
import { detailOf } from './view'

const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'

/** A short id a resident can read out on the phone: T + date + 4 characters (T2611270A3F). */
function newTicketId(now: Date): string {
  const bytes = randomBytes(4)
  const tail = [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join('')
  return `T${shanghai(now).format('YYMMDD')}${tail}`
}

/**
 * A new report. ONE read first (`identity: 'withFirstRead'`): the caller, the place with its parties
 * and the people to tell, the category's routing rule, the photos' earlier image checks and (sharing
 * the number) the caller's latest contact consent. The day's allowance of reports is the rate-limit
 * row's `perDay` (server/core/rateLimits.ts): taken by the shell with the minute's buckets, and given
 * back when this handler refuses the report. Then ONE add (the ticket, carrying its first history
 * entry) and ONE queued write for the lead party's messages: 3 round trips of its own.
 */
export async function createTicket(ctx: FirstReadContext, input: z.infer<typeof ticketsCreateInput>): Promise<TicketDetail> {
  const openid = ctx.openid
  const photosIn = input.photos ?? []
  const parts: Record<string, Part> = {
    place: placePart(input.gridId, input.buildingId, { from: 'routingRules', id: input.category }, true)
  }
  if (photosIn.length) parts.media = mediaChecksPart(photosIn)
  if (input.shareMobile === true) parts.consent = latestConsentPart(openid, 'contact')
  const { caller, docs } = await ctx.readWithCaller<string>(parts)
  const { place, extra: ruleDoc, people } = placeFrom<Parameters<typeof ruleOf>[1]>(docs.place, input.buildingId, true)
  await checkTexts(caller.openid, [['description', input.description]])
  const photos = await checkPhotos(caller.openid, input.photos, 'photos', docs.media as StoredMediaCheck[] | undefined)

  let ticket: TicketRecord | null = null
  let created: TicketEventRecord | null = null
  const gridName = place.grid.name
  // The number goes onto the ticket only with the reporter's consent to be called (个人信息保护法 第十四条).
  const mobile = input.shareMobile === true ? caller.user?.profile.mobile || null : null
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
  if (mobile && !consentInForce(docs.consent, 'tickets.create')) await recordConsent(caller.openid, 'contact', 'tickets.create')
  // The first history entry (提交反映) is carried by the ticket itself (`firstEntry`, shown by
  // `historyOf`): the report is ONE add, and the unique `_id` claims the number (a duplicate key:
  // taken, try another).
  const firstEntry = { note: `已分派：由${lead}牵头办理${fallback}`, party }
  for (let attempt = 0; attempt < 5 && !ticket; attempt++) {
    const candidate: TicketRecord & { firstEntry: typeof firstEntry } = { _id: newTicketId(now), ...base, firstEntry }
    try {
      await db().collection('tickets').add({ data: candidate })
      ticket = candidate
      created = firstEventOf(candidate)
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
    }
  }
  if (!ticket) throw new Error('could not allocate a ticket id')
  await send(await assignedMessages(ticket, gridName, people))
  const names = {
    grids: new Map([[place.grid._id, place.grid.name]]),
    buildings: new Map(place.building ? [[place.building._id, place.building.name]] : []),
    communities: new Map([[place.community._id, place.community.name]]),
    companies: new Map(place.company ? [[place.company._id, place.company.name]] : [])
  }
  return detailOf(ticket, caller, { names, events: [created!] })
}
