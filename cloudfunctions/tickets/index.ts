import { defineFunction } from '../../server/core/function'
import { withMediaVerdicts } from '../../server/media/verdicts'
import { ticketsActions, ticketsTimer } from '../../server/tickets'
import { withTimer } from '../../server/tickets/timer'

export const main = withMediaVerdicts(withTimer(defineFunction('tickets', ticketsActions), ticketsTimer))
