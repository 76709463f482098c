/**
 * Function `activities`: 志愿服务活动 and 邻里活动 (centre events), sign-up and waiting list,
 * check-in/check-out, service records and their verification, certificates, the ranking.
 * Who may call each action is declared here; the organiser rule is in ./access.ts.
 */
import { activitiesContract as c } from '../../contracts/activities'
import { action } from '../core/function'
import { issueCertificate, verifyCertificate } from './certificates'
import { checkinCode, scanCheck, staffScan } from './checkin'
import { myHours } from './hours'
import { cancelActivity, createActivity, remindParticipants, updateActivity } from './manage'
import { pendingMakeUps } from './makeUps'
import { listActivities, openActivity } from './queries'
import { revealRosterMobile, roster } from './roster'
import { ranking, setPreferences } from './ranking'
import { addMakeUp, listRecords, verifyRecord } from './records'
import { verifyMany } from './verifyMany'
import { removeSignUp, signUp, withdraw } from './signups'
import { joinVolunteers } from './volunteerRegistration'
import { myMemberCode } from './volunteers'

const ORGANISERS = ['staff', 'district_admin'] as const

export const activitiesActions = {
  create: action({ input: c.create.input, access: ORGANISERS, identity: 'withFirstRead', handler: (input, ctx) => createActivity(ctx, input) }),
  update: action({ input: c.update.input, access: ORGANISERS, identity: 'withFirstRead', handler: (input, ctx) => updateActivity(ctx, input) }),
  cancel: action({ input: c.cancel.input, access: ORGANISERS, identity: 'withFirstRead', handler: (input, ctx) => cancelActivity(ctx, input) }),
  list: action({ input: c.list.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => listActivities(ctx, input) }),
  get: action({ input: c.get.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => openActivity(ctx, input.activityId) }),
  signUp: action({ input: c.signUp.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => signUp(ctx, input.activityId) }),
  withdraw: action({ input: c.withdraw.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => withdraw(ctx, input.activityId) }),
  checkinCode: action({ input: c.checkinCode.input, access: ORGANISERS, handler: (input, { caller }) => checkinCode(caller, input.activityId) }),
  checkIn: action({ input: c.checkIn.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => scanCheck(ctx, input, 'in') }),
  checkOut: action({ input: c.checkOut.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => scanCheck(ctx, input, 'out') }),
  staffScan: action({ input: c.staffScan.input, access: ORGANISERS, identity: 'withFirstRead', handler: (input, ctx) => staffScan(ctx, input) }),
  verify: action({ input: c.verify.input, access: ORGANISERS, identity: 'withFirstRead', handler: (input, ctx) => verifyRecord(ctx, input) }),
  /** The back office's 批量认定: `verify` for up to 20 records, per-id outcomes (./verifyMany.ts). */
  verifyMany: action({ input: c.verifyMany.input, access: ORGANISERS, identity: 'withFirstRead', handler: (input, ctx) => verifyMany(input, ctx) }),
  myHours: action({ input: c.myHours.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => myHours(ctx, input) }),
  certificate: action({ input: c.certificate.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => issueCertificate(ctx, input) }),
  verifyCertificate: action({ input: c.verifyCertificate.input, access: 'public', handler: (input) => verifyCertificate(input.certificateNo) }),
  roster: action({ input: c.roster.input, access: ORGANISERS, identity: 'withFirstRead', handler: (input, ctx) => roster(ctx, input) }),
  records: action({ input: c.records.input, access: ORGANISERS, identity: 'withFirstRead', handler: (input, ctx) => listRecords(ctx, input) }),
  makeUp: action({ input: c.makeUp.input, access: ORGANISERS, identity: 'withFirstRead', handler: (input, ctx) => addMakeUp(ctx, input) }),
  /** Make-up hours waiting for a second person (not entered by the caller), across activities. */
  pendingMakeUps: action({ input: c.pendingMakeUps.input, access: ORGANISERS, handler: (input, { caller }) => pendingMakeUps(caller, input) }),
  remind: action({ input: c.remind.input, access: ORGANISERS, identity: 'withFirstRead', handler: (input, ctx) => remindParticipants(ctx, input.activityId) }),
  memberCode: action({ input: c.memberCode.input, access: 'signedIn', identity: 'withFirstRead', handler: (_input, ctx) => myMemberCode(ctx) }),
  ranking: action({ input: c.ranking.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => ranking(ctx, input) }),
  setPreferences: action({
    input: c.setPreferences.input,
    access: 'signedIn',
    identity: 'withFirstRead',
    handler: (input, ctx) => setPreferences(ctx, input.rankingOptIn)
  }),
  /** The organiser dials someone on the roster: the full number, audited. */
  revealMobile: action({ input: c.revealMobile.input, access: ORGANISERS, identity: 'withFirstRead', handler: (input, ctx) => revealRosterMobile(ctx, input) }),
  /** The organiser takes a (bogus) sign-up off the roster: the place is promoted, the person told, the removal audited. */
  removeSignUp: action({ input: c.removeSignUp.input, access: ORGANISERS, identity: 'withFirstRead', handler: (input, ctx) => removeSignUp(ctx, input) }),
  /** 志愿者实名登记: needed before a first sign-up by anyone not a party member. */
  joinVolunteers: action({ input: c.joinVolunteers.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => joinVolunteers(ctx, input) })
}

export { recordServiceFromWish } from './records'
