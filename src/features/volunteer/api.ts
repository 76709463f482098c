import type { z } from 'zod'
import { call } from '@/services/cloud'
import { activitiesContract as a, type CreateInput, type UpdateInput } from '@contracts/activities'
import { teamsContract as t } from '@contracts/teams'

type In<K extends keyof typeof a> = z.input<(typeof a)[K]['input']>
type TeamIn<K extends keyof typeof t> = z.input<(typeof t)[K]['input']>

const ACT = 'activities'
const TEAMS = 'teams'

/** Typed calls of the `activities` function (replies parsed with the shared contract). */
export const activitiesApi = {
  list: (input: In<'list'>) => call(ACT, 'list', input, a.list.output),
  get: (activityId: string) => call(ACT, 'get', { activityId }, a.get.output),
  create: (input: CreateInput) => call(ACT, 'create', input, a.create.output),
  update: (input: UpdateInput) => call(ACT, 'update', input, a.update.output),
  cancel: (activityId: string, reason: string) => call(ACT, 'cancel', { activityId, reason }, a.cancel.output),
  signUp: (activityId: string) => call(ACT, 'signUp', { activityId }, a.signUp.output),
  withdraw: (activityId: string) => call(ACT, 'withdraw', { activityId }, a.withdraw.output),
  checkinCode: (activityId: string) => call(ACT, 'checkinCode', { activityId }, a.checkinCode.output),
  checkIn: (input: In<'checkIn'>) => call(ACT, 'checkIn', input, a.checkIn.output),
  checkOut: (input: In<'checkOut'>) => call(ACT, 'checkOut', input, a.checkOut.output),
  staffScan: (input: In<'staffScan'>) => call(ACT, 'staffScan', input, a.staffScan.output),
  verify: (input: In<'verify'>) => call(ACT, 'verify', input, a.verify.output),
  myHours: (input: In<'myHours'>) => call(ACT, 'myHours', input, a.myHours.output),
  certificate: (issuerId?: string) => call(ACT, 'certificate', issuerId ? { issuerId } : {}, a.certificate.output),
  verifyCertificate: (certificateNo: string) => call(ACT, 'verifyCertificate', { certificateNo }, a.verifyCertificate.output),
  roster: (input: In<'roster'>) => call(ACT, 'roster', input, a.roster.output),
  records: (input: In<'records'>) => call(ACT, 'records', input, a.records.output),
  makeUp: (input: In<'makeUp'>) => call(ACT, 'makeUp', input, a.makeUp.output),
  remind: (activityId: string) => call(ACT, 'remind', { activityId }, a.remind.output),
  memberCode: () => call(ACT, 'memberCode', {}, a.memberCode.output),
  ranking: (input: In<'ranking'>) => call(ACT, 'ranking', input, a.ranking.output),
  setPreferences: (rankingOptOut: boolean) => call(ACT, 'setPreferences', { rankingOptOut }, a.setPreferences.output)
}

/** Typed calls of the `teams` function. */
export const teamsApi = {
  list: (input: TeamIn<'list'>) => call(TEAMS, 'list', input, t.list.output),
  get: (teamId: string) => call(TEAMS, 'get', { teamId }, t.get.output),
  create: (input: TeamIn<'create'>) => call(TEAMS, 'create', input, t.create.output),
  update: (input: TeamIn<'update'>) => call(TEAMS, 'update', input, t.update.output),
  disband: (teamId: string, reason: string) => call(TEAMS, 'disband', { teamId, reason }, t.disband.output),
  members: (input: TeamIn<'members'>) => call(TEAMS, 'members', input, t.members.output),
  addMember: (input: TeamIn<'addMember'>) => call(TEAMS, 'addMember', input, t.addMember.output),
  removeMember: (input: TeamIn<'removeMember'>) => call(TEAMS, 'removeMember', input, t.removeMember.output),
  setLeader: (teamId: string, openid: string) => call(TEAMS, 'setLeader', { teamId, openid }, t.setLeader.output),
  myTeams: () => call(TEAMS, 'myTeams', {}, t.myTeams.output)
}

