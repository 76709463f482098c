/** Function `teams`: 联系社区工作队 and 党员应急突击队, their members and hours. */
import { teamsContract as c } from '../../contracts/teams'
import { action } from '../core/function'
import { addMember, createTeam, disbandTeam, listTeams, myTeams, removeMember, revealMemberMobile, setLeader, teamDetail, teamMembers, updateTeam } from './teams'

const KEEPERS = ['staff', 'district_admin'] as const

export const teamsActions = {
  create: action({ input: c.create.input, access: KEEPERS, handler: (input, { caller }) => createTeam(caller, input) }),
  update: action({ input: c.update.input, access: KEEPERS, handler: (input, { caller }) => updateTeam(caller, input) }),
  disband: action({ input: c.disband.input, access: KEEPERS, handler: (input, { caller }) => disbandTeam(caller, input) }),
  list: action({ input: c.list.input, access: 'signedIn', handler: (input, { caller }) => listTeams(caller, input) }),
  get: action({ input: c.get.input, access: 'signedIn', handler: (input, { caller }) => teamDetail(caller, input.teamId) }),
  /** The team's members and its keepers only (checked in the handler). */
  members: action({ input: c.members.input, access: 'signedIn', handler: (input, { caller }) => teamMembers(caller, input) }),
  addMember: action({ input: c.addMember.input, access: KEEPERS, handler: (input, { caller }) => addMember(caller, input) }),
  removeMember: action({ input: c.removeMember.input, access: KEEPERS, handler: (input, { caller }) => removeMember(caller, input) }),
  setLeader: action({ input: c.setLeader.input, access: KEEPERS, handler: (input, { caller }) => setLeader(caller, input) }),
  myTeams: action({ input: c.myTeams.input, access: 'signedIn', handler: (_input, { caller }) => myTeams(caller) }),
  /** The team's leader or keepers: one member's full number (audited). */
  revealMobile: action({ input: c.revealMobile.input, access: 'signedIn', handler: (input, { caller }) => revealMemberMobile(caller, input) })
}
