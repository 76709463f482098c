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
