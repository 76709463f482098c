/** Function `teams`: 联系社区工作队 and 党员应急突击队, their members and hours. */
import { teamsContract as c } from '../../contracts/teams'
import { action } from '../core/function'
import { importConfirm, importPreview } from './imports'
import { addMember, createTeam, disbandTeam, listTeams, myTeams, removeMember, revealMemberMobile, setLeader, teamDetail, teamMembers, updateTeam } from './teams'

const KEEPERS = ['staff', 'district_admin'] as const

/**
 * Every action reads its caller with its first read (`withFirstRead`: the users document is one
 * more part of that read, no round trip of its own).
 */
export const teamsActions = {
  /** 志愿队成员 from Excel (docs/back-office.md §5): the team's community staff or the district admin (checked in the handler). */
  importPreview: action({ input: c.importPreview.input, access: KEEPERS, handler: (input, { caller }) => importPreview(input, caller) }),
  importConfirm: action({ input: c.importConfirm.input, access: KEEPERS, handler: (input, { caller }) => importConfirm(input, caller) }),
  create: action({ input: c.create.input, access: KEEPERS, identity: 'withFirstRead', handler: (input, ctx) => createTeam(ctx, input) }),
  update: action({ input: c.update.input, access: KEEPERS, identity: 'withFirstRead', handler: (input, ctx) => updateTeam(ctx, input) }),
  disband: action({ input: c.disband.input, access: KEEPERS, identity: 'withFirstRead', handler: (input, ctx) => disbandTeam(ctx, input) }),
  list: action({ input: c.list.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => listTeams(ctx, input) }),
  get: action({ input: c.get.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => teamDetail(ctx, input.teamId) }),
  /** The team's members and its keepers only (checked in the handler). */
  members: action({ input: c.members.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => teamMembers(ctx, input) }),
  addMember: action({ input: c.addMember.input, access: KEEPERS, identity: 'withFirstRead', handler: (input, ctx) => addMember(ctx, input) }),
  removeMember: action({ input: c.removeMember.input, access: KEEPERS, identity: 'withFirstRead', handler: (input, ctx) => removeMember(ctx, input) }),
  setLeader: action({ input: c.setLeader.input, access: KEEPERS, identity: 'withFirstRead', handler: (input, ctx) => setLeader(ctx, input) }),
  myTeams: action({ input: c.myTeams.input, access: 'signedIn', identity: 'withFirstRead', handler: (_input, ctx) => myTeams(ctx) }),
  /** The team's leader or keepers: one member's full number (audited). */
  revealMobile: action({ input: c.revealMobile.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => revealMemberMobile(ctx, input) })
}
