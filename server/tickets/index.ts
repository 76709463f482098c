import { ticketsContract } from '../../contracts/tickets'
import { action } from '../core/function'
import { managedCommunities } from '../core/guard'
import { createTicket } from './create'
import { sweep } from './deadlines'
import { commentTicket, confirmTicket, reopenTicket } from './feedback'
import { getTicket, listTickets } from './list'
import { revealReporterMobile } from './reveal'
import { listRules, setRule } from './routing'
import { transitionTicket } from './transition'
import { uploadPhoto } from './upload'

const c = ticketsContract

/** 三方联动 tickets. Scope checks on the ticket acted on are in each handler (model.ts relationOf). */
export const ticketsActions = {
  create: action({ input: c.create.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => createTicket(ctx, input) }),
  list: action({ input: c.list.input, access: 'signedIn', handler: (input, { caller }) => listTickets(caller, input) }),
  get: action({ input: c.get.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => getTicket(ctx, input.ticketId) }),
  transition: action({ input: c.transition.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => transitionTicket(ctx, input) }),
  comment: action({ input: c.comment.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => commentTicket(ctx, input) }),
  confirm: action({ input: c.confirm.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => confirmTicket(ctx, input) }),
  reopen: action({ input: c.reopen.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => reopenTicket(ctx, input) }),
  upload: action({ input: c.upload.input, access: 'signedIn', handler: (input, { caller }) => uploadPhoto(caller, input) }),
  sweep: action({ input: c.sweep.input, access: ['staff', 'district_admin'], handler: (_input, { caller }) => sweep(managedCommunities(caller)) }),
  rules: action({ input: c.rules.input, access: 'signedIn', handler: () => listRules() }),
  setRule: action({ input: c.setRule.input, access: ['district_admin'], handler: (input, { caller }) => setRule(caller, input) }),
  /** The handling parties only (checked on the ticket): the reporter's full number, audited. */
  revealMobile: action({ input: c.revealMobile.input, access: 'signedIn', handler: (input, { caller }) => revealReporterMobile(caller, input.ticketId) })
}

/** The timer trigger (config.json `triggers`): a full sweep of the district, no caller. */
export const ticketsTimer = { sweep: () => sweep(null) }
