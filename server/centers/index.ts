/**
 * The `centers` function: 党建+邻里中心, their rooms, slot booking, approvals, check-in and
 * no-shows, blackouts, utilisation and the funding ledger. Contract: contracts/centers.ts.
 * Centre events are activities of kind "event" with a `centerId` (the `activities` function).
 */
import { centersContract as C } from '../../contracts/centers'
import { action } from '../core/function'
import { AppError } from '../core/errors'
import { managedCommunities, requireCommunityStaff } from '../core/guard'
import { availability } from './availability'
import { blackout, liftBlackout, listBlackouts } from './blackout'
import { book } from './book'
import { listBookings, myBookings } from './bookings'
import { getCenterDetail, listCenters } from './centers'
import { checkIn } from './checkIn'
import { cancel, review } from './decide'
import { fund } from './fund'
import { sweep } from './lifecycle'
import { places, roomCode, saveCenter, saveRoom, setStatus, uploadCenterPhoto } from './manage'
import { revealBookerMobile } from './reveal'
import { saveSettings, SETTINGS_DOC_ID, settingsOf } from './store'
import { byIdPart, getCenter } from './access'
import { COLL } from './model'
import type { CenterSettings } from '../../contracts/centers'
import { utilisation } from './utilisation'

const STAFF = ['staff', 'district_admin'] as const

export const centersActions = {
  list: action({ input: C.list.input, access: 'signedIn', handler: (input, { caller }) => listCenters(input, caller) }),
  get: action({ input: C.get.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => getCenterDetail(input, ctx) }),
  availability: action({ input: C.availability.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => availability(input, ctx) }),
  book: action({ input: C.book.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => book(input, ctx) }),
  cancel: action({ input: C.cancel.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => cancel(input, ctx) }),
  review: action({ input: C.review.input, access: STAFF, identity: 'withFirstRead', handler: (input, ctx) => review(input, ctx) }),
  myBookings: action({ input: C.myBookings.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => myBookings(input, ctx) }),
  checkIn: action({ input: C.checkIn.input, access: 'signedIn', identity: 'withFirstRead', handler: (input, ctx) => checkIn(input, ctx) }),
  blackout: action({ input: C.blackout.input, access: STAFF, identity: 'withFirstRead', handler: (input, ctx) => blackout(input, ctx) }),
  utilisation: action({ input: C.utilisation.input, access: STAFF, identity: 'withFirstRead', handler: (input, ctx) => utilisation(input, ctx) }),
  fund: action({ input: C.fund.input, access: STAFF, identity: 'withFirstRead', handler: (input, ctx) => fund(input, ctx) }),

  bookings: action({ input: C.bookings.input, access: STAFF, identity: 'withFirstRead', handler: (input, ctx) => listBookings(input, ctx) }),
  saveCenter: action({ input: C.saveCenter.input, access: STAFF, identity: 'withFirstRead', handler: (input, ctx) => saveCenter(input, ctx) }),
  setStatus: action({ input: C.setStatus.input, access: STAFF, identity: 'withFirstRead', handler: (input, ctx) => setStatus(input, ctx) }),
  upload: action({ input: C.upload.input, access: STAFF, handler: (input, { caller }) => uploadCenterPhoto(input, caller) }),
  places: action({ input: C.places.input, access: STAFF, identity: 'withFirstRead', handler: (input, ctx) => places(input, ctx) }),
  saveRoom: action({ input: C.saveRoom.input, access: STAFF, identity: 'withFirstRead', handler: (input, ctx) => saveRoom(input, ctx) }),
  roomCode: action({ input: C.roomCode.input, access: STAFF, identity: 'withFirstRead', handler: (input, ctx) => roomCode(input, ctx) }),
  blackouts: action({ input: C.blackouts.input, access: STAFF, identity: 'withFirstRead', handler: (input, ctx) => listBlackouts(input, ctx) }),
  liftBlackout: action({ input: C.liftBlackout.input, access: STAFF, identity: 'withFirstRead', handler: (input, ctx) => liftBlackout(input, ctx) }),
  /** The centre's managers: the booker's full number, to call them (audited). */
  revealMobile: action({ input: C.revealMobile.input, access: STAFF, identity: 'withFirstRead', handler: (input, ctx) => revealBookerMobile(ctx, input.bookingId) }),
  /** Staff trigger the no-show sweep by hand (the cloud also runs it on a timer). */
  sweep: action({
    input: C.sweep.input,
    access: STAFF,
    handler: async (input, { caller }) => {
      if (input.centerId) {
        requireCommunityStaff(caller, (await getCenter(input.centerId)).communityId)
        return sweep({ centerId: input.centerId }, 50)
      }
      const communities = managedCommunities(caller)
      if (communities === null) return sweep({}, 1000)
      // Staff sweep their own communities; the whole district is the district's (and the timer's).
      const total = { noShows: 0, expired: 0, suspended: 0 }
      for (const communityId of communities) {
        const r = await sweep({ communityId }, 50)
        total.noShows += r.noShows
        total.expired += r.expired
        total.suspended += r.suspended
      }
      return total
    }
  }),
  /** District-wide no-show rules: anyone on staff reads them; the district admin changes them. */
  settings: action({
    input: C.settings.input,
    access: STAFF,
    identity: 'withFirstRead',
    handler: async (input, first) => {
      // The caller and the rules: one read.
      const { caller, docs } = await first.readWithCaller({ settings: byIdPart(COLL.settings, SETTINGS_DOC_ID) })
      const current = settingsOf(docs.settings[0] as Partial<CenterSettings> | undefined)
      const changing = Object.values(input).some((v) => v !== undefined)
      if (!changing) return current
      if (!caller.roles.includes('district_admin')) throw new AppError('FORBIDDEN', '仅区级管理员可修改预约规则')
      return saveSettings(input, caller.openid, current)
    }
  })
}

/** The timer trigger's entry (no caller): sweeps the whole district. */
export const sweepAll = () => sweep({}, 1000)
