import { defineFunction } from '../../server/core/function'
import { withMediaVerdicts } from '../../server/media/verdicts'
import { ticketsActions, ticketsTimer } from '../../server/tickets'
import { withTimer } from '../../server/core/timer'

export const main = withMediaVerdicts(withTimer(defineFunction('tickets', ticketsActions), ticketsTimer))
