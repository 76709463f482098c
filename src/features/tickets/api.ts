import { functionClient } from '@/services/cloud'
import { companiesContract } from '@contracts/companies'
import { ticketsContract } from '@contracts/tickets'
import { wishesContract } from '@contracts/wishes'

/** The `tickets` function: one typed call per action of its contract (replies parsed with it). */
export const ticketsApi = functionClient('tickets', ticketsContract)

/** The `companies` function. */
export const companiesApi = functionClient('companies', companiesContract)

/** The `wishes` function (微心愿 and the 我为群众办实事 ledger). */
export const wishesApi = functionClient('wishes', wishesContract)
