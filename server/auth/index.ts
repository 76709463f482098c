import { authContract as c, DESK_ROLES } from '../../contracts/auth'
import { action } from '../core/function'
import { acceptRole, cancelInvite, inviteRole, listInvites, revokeRole, roleHolders, roleInvite, roleScopes } from './roles'
import { deskCancel, deskConfirm, deskPoll, deskRevoke, deskScan, deskSignOut, deskStart, mySessions, sweepDeskSessions } from './sessions'

const ADMIN = ['district_admin'] as const

/**
 * Function `auth`: the back office's sign-in by scan (docs/back-office.md §3). The PC's two actions
 * are public (it is an anonymous CloudBase user until the ticket); the phone's are refused to a desk
 * caller (server/core/deskPolicy.ts PHONE_ONLY). Rate limits: server/core/rateLimits.ts `auth.*`.
 */
export const authActions = {
  deskStart: action({ input: c.deskStart.input, access: 'public', handler: deskStart }),
  deskPoll: action({ input: c.deskPoll.input, access: 'public', handler: deskPoll }),
  deskScan: action({ input: c.deskScan.input, access: DESK_ROLES, identity: 'withFirstRead', handler: deskScan }),
  deskConfirm: action({ input: c.deskConfirm.input, access: DESK_ROLES, identity: 'withFirstRead', handler: deskConfirm }),
  deskCancel: action({ input: c.deskCancel.input, access: 'signedIn', identity: 'withFirstRead', handler: deskCancel }),
  deskSignOut: action({ input: c.deskSignOut.input, access: 'signedIn', handler: deskSignOut }),
  mySessions: action({ input: c.mySessions.input, access: 'signedIn', handler: mySessions }),
  deskRevoke: action({ input: c.deskRevoke.input, access: 'signedIn', identity: 'withFirstRead', handler: deskRevoke }),
  // 角色管理 (docs/back-office.md §6, server/auth/roles.ts): the district admin invites and revokes; the invited person accepts on the phone.
  inviteRole: action({ input: c.inviteRole.input, access: ADMIN, identity: 'withFirstRead', handler: inviteRole }),
  roleInvite: action({ input: c.roleInvite.input, access: 'signedIn', identity: 'withFirstRead', handler: roleInvite }),
  acceptRole: action({ input: c.acceptRole.input, access: 'signedIn', identity: 'withFirstRead', handler: acceptRole }),
  cancelInvite: action({ input: c.cancelInvite.input, access: ADMIN, handler: cancelInvite }),
  invites: action({ input: c.invites.input, access: ADMIN, handler: listInvites }),
  roleHolders: action({ input: c.roleHolders.input, access: ADMIN, handler: roleHolders }),
  revokeRole: action({ input: c.revokeRole.input, access: ADMIN, identity: 'withFirstRead', handler: revokeRole }),
  roleScopes: action({ input: c.roleScopes.input, access: ADMIN, handler: roleScopes })
}

/** The timer trigger (config.json `triggers`, hourly): sessions and QR codes past their limits → expired. */
export const authTimer = { sweep: sweepDeskSessions }
