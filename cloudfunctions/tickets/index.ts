import { defineFunction } from '../../server/core/function'
import { ticketsActions, ticketsTimer } from '../../server/tickets'
import { withTimer } from '../../server/tickets/timer'

export const main = withTimer(defineFunction('tickets', ticketsActions), ticketsTimer)
