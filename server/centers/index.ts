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
import { loadSettings, saveSettings } from './store'
import { getCenter } from './access'
import { utilisation } from './utilisation'

const STAFF = ['staff', 'district_admin'] as const

export const centersActions = {
  list: action({ input: C.list.input, access: 'signedIn', handler: (input, { caller }) => listCenters(input, caller) }),
  get: action({ input: C.get.input, access: 'signedIn', handler: (input, { caller }) => getCenterDetail(input, caller) }),
  availability: action({ input: C.availability.input, access: 'signedIn', handler: (input, { caller }) => availability(input, caller) }),
  book: action({ input: C.book.input, access: 'signedIn', handler: (input, { caller }) => book(input, caller) }),
  cancel: action({ input: C.cancel.input, access: 'signedIn', handler: (input, { caller }) => cancel(input, caller) }),
  review: action({ input: C.review.input, access: STAFF, handler: (input, { caller }) => review(input, caller) }),
  myBookings: action({ input: C.myBookings.input, access: 'signedIn', handler: (input, { caller }) => myBookings(input, caller) }),
  checkIn: action({ input: C.checkIn.input, access: 'signedIn', handler: (input, { caller }) => checkIn(input, caller) }),
  blackout: action({ input: C.blackout.input, access: STAFF, handler: (input, { caller }) => blackout(input, caller) }),
  utilisation: action({ input: C.utilisation.input, access: STAFF, handler: (input, { caller }) => utilisation(input, caller) }),
  fund: action({ input: C.fund.input, access: STAFF, handler: (input, { caller }) => fund(input, caller) }),

  bookings: action({ input: C.bookings.input, access: STAFF, handler: (input, { caller }) => listBookings(input, caller) }),
  saveCenter: action({ input: C.saveCenter.input, access: STAFF, handler: (input, { caller }) => saveCenter(input, caller) }),
  setStatus: action({ input: C.setStatus.input, access: STAFF, handler: (input, { caller }) => setStatus(input, caller) }),
  upload: action({ input: C.upload.input, access: STAFF, handler: (input, { caller }) => uploadCenterPhoto(input, caller) }),
  places: action({ input: C.places.input, access: STAFF, handler: (input, { caller }) => places(input, caller) }),
  saveRoom: action({ input: C.saveRoom.input, access: STAFF, handler: (input, { caller }) => saveRoom(input, caller) }),
  roomCode: action({ input: C.roomCode.input, access: STAFF, handler: (input, { caller }) => roomCode(input, caller) }),
  blackouts: action({ input: C.blackouts.input, access: STAFF, handler: (input, { caller }) => listBlackouts(input, caller) }),
  liftBlackout: action({ input: C.liftBlackout.input, access: STAFF, handler: (input, { caller }) => liftBlackout(input, caller) }),
  /** The centre's managers: the booker's full number, to call them (audited). */
  revealMobile: action({ input: C.revealMobile.input, access: STAFF, handler: (input, { caller }) => revealBookerMobile(caller, input.bookingId) }),
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
    handler: async (input, { caller }) => {
      const changing = Object.values(input).some((v) => v !== undefined)
      if (!changing) return loadSettings()
      if (!caller.roles.includes('district_admin')) throw new AppError('FORBIDDEN', '仅区级管理员可修改预约规则')
      return saveSettings(input, caller.openid)
    }
  })
}

/** The timer trigger's entry (no caller): sweeps the whole district. */
export const sweepAll = () => sweep({}, 1000)
