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
import { getActivity, listActivities, revealRosterMobile, roster } from './queries'
import { ranking, setPreferences } from './ranking'
import { addMakeUp, listRecords, verifyRecord } from './records'
import { removeSignUp, signUp, withdraw } from './signups'
import { joinVolunteers } from './volunteerRegistration'
import { myMemberCode } from './volunteers'

const ORGANISERS = ['staff', 'district_admin'] as const

export const activitiesActions = {
  create: action({ input: c.create.input, access: ORGANISERS, handler: (input, { caller }) => createActivity(caller, input) }),
  update: action({ input: c.update.input, access: ORGANISERS, handler: (input, { caller }) => updateActivity(caller, input) }),
  cancel: action({ input: c.cancel.input, access: ORGANISERS, handler: (input, { caller }) => cancelActivity(caller, input) }),
  list: action({ input: c.list.input, access: 'signedIn', handler: (input, { caller }) => listActivities(caller, input) }),
  get: action({ input: c.get.input, access: 'signedIn', handler: (input, { caller }) => getActivity(caller, input.activityId) }),
  signUp: action({ input: c.signUp.input, access: 'signedIn', handler: (input, { caller }) => signUp(caller, input.activityId) }),
  withdraw: action({ input: c.withdraw.input, access: 'signedIn', handler: (input, { caller }) => withdraw(caller, input.activityId) }),
  checkinCode: action({ input: c.checkinCode.input, access: ORGANISERS, handler: (input, { caller }) => checkinCode(caller, input.activityId) }),
  checkIn: action({ input: c.checkIn.input, access: 'signedIn', handler: (input, { caller }) => scanCheck(caller, input, 'in') }),
  checkOut: action({ input: c.checkOut.input, access: 'signedIn', handler: (input, { caller }) => scanCheck(caller, input, 'out') }),
  staffScan: action({ input: c.staffScan.input, access: ORGANISERS, handler: (input, { caller }) => staffScan(caller, input) }),
  verify: action({ input: c.verify.input, access: ORGANISERS, handler: (input, { caller }) => verifyRecord(caller, input) }),
  myHours: action({ input: c.myHours.input, access: 'signedIn', handler: (input, { caller }) => myHours(caller, input) }),
  certificate: action({ input: c.certificate.input, access: 'signedIn', handler: (input, { caller }) => issueCertificate(caller, input) }),
  verifyCertificate: action({ input: c.verifyCertificate.input, access: 'public', handler: (input) => verifyCertificate(input.certificateNo) }),
  roster: action({ input: c.roster.input, access: ORGANISERS, handler: (input, { caller }) => roster(caller, input) }),
  records: action({ input: c.records.input, access: ORGANISERS, handler: (input, { caller }) => listRecords(caller, input) }),
  makeUp: action({ input: c.makeUp.input, access: ORGANISERS, handler: (input, { caller }) => addMakeUp(caller, input) }),
  /** Make-up hours waiting for a second person (not entered by the caller), across activities. */
  pendingMakeUps: action({ input: c.pendingMakeUps.input, access: ORGANISERS, handler: (input, { caller }) => pendingMakeUps(caller, input) }),
  remind: action({ input: c.remind.input, access: ORGANISERS, handler: (input, { caller }) => remindParticipants(caller, input.activityId) }),
  memberCode: action({ input: c.memberCode.input, access: 'signedIn', handler: (_input, { caller }) => myMemberCode(caller) }),
  ranking: action({ input: c.ranking.input, access: 'signedIn', handler: (input, { caller }) => ranking(caller, input) }),
  setPreferences: action({ input: c.setPreferences.input, access: 'signedIn', handler: (input, { caller }) => setPreferences(caller, input.rankingOptIn) }),
  /** The organiser dials someone on the roster: the full number, audited. */
  revealMobile: action({ input: c.revealMobile.input, access: ORGANISERS, handler: (input, { caller }) => revealRosterMobile(caller, input) }),
  /** The organiser takes a (bogus) sign-up off the roster: the place is promoted, the person told, the removal audited. */
  removeSignUp: action({ input: c.removeSignUp.input, access: ORGANISERS, handler: (input, { caller }) => removeSignUp(caller, input) }),
  /** 志愿者实名登记: needed before a first sign-up by anyone not a party member. */
  joinVolunteers: action({ input: c.joinVolunteers.input, access: 'signedIn', handler: (input, { caller }) => joinVolunteers(caller, input) })
}

export { recordServiceFromWish } from './records'
