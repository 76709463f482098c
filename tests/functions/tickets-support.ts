import { historyOf, type TicketEventRecord, type TicketRecord } from '../../server/tickets/model'
import { wishHistoryOf, type WishEventRecord, type WishRecord } from '../../server/wishes/model'
import type { TestCloud } from '../support/cloud'

/** Every collection of issue #7's domain (tickets, companies' rankings, wishes, the ledger). */
export const TICKET_DOMAIN = ['tickets', 'ticketEvents', 'routingRules', 'dailyQuotas', 'companyMonths', 'rankings', 'rankingAppeals', 'wishes', 'wishEvents', 'deeds'] as const

/**
 * Empties the domain's demo history, so a test's arithmetic starts from nothing (the demo
 * district, personas and other domains' data stay).
 */
export function clearTicketDomain(cloud: TestCloud): void {
  for (const name of TICKET_DOMAIN) cloud.store.deleteMany(name, {})
}

/**
 * A ticket's whole history as the detail view reads it (server/tickets/model.ts `historyOf`: the
 * entries in `ticketEvents` and the first one, which a new ticket carries itself).
 */
export function ticketHistory(cloud: TestCloud, ticketId: string): TicketEventRecord[] {
  const t = cloud.store.get('tickets', ticketId) as unknown as TicketRecord
  return historyOf(t, cloud.store.find('ticketEvents', { ticketId }) as unknown as TicketEventRecord[])
}

/** A wish's whole history (server/wishes/model.ts `wishHistoryOf`: `wishEvents` and the entries the wish carries). */
export function wishHistory(cloud: TestCloud, wishId: string): WishEventRecord[] {
  const w = cloud.store.get('wishes', wishId) as unknown as WishRecord
  return wishHistoryOf(w, cloud.store.find('wishEvents', { wishId }) as unknown as WishEventRecord[])
}
