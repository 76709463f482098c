import { call } from '@/services/cloud'
import { activitiesContract } from '@contracts/activities'
import { centersContract as c } from '@contracts/centers'
import type { z } from '@contracts/zod'

const FN = 'centers'
type In<K extends keyof typeof c> = z.input<(typeof c)[K]['input']>

/** Typed calls of the `centers` function (replies parsed with the shared contract). */
export const centersApi = {
  list: (input: In<'list'> = {}) => call(FN, 'list', input, c.list.output),
  get: (centerId: string) => call(FN, 'get', { centerId }, c.get.output),
  availability: (input: In<'availability'>) => call(FN, 'availability', input, c.availability.output),
  book: (input: In<'book'>) => call(FN, 'book', input, c.book.output),
  cancel: (bookingId: string, reason?: string) => call(FN, 'cancel', { bookingId, reason }, c.cancel.output),
  review: (input: In<'review'>) => call(FN, 'review', input, c.review.output),
  myBookings: (input: In<'myBookings'> = {}) => call(FN, 'myBookings', input, c.myBookings.output),
  checkIn: (input: In<'checkIn'>) => call(FN, 'checkIn', input, c.checkIn.output),
  blackout: (input: In<'blackout'>) => call(FN, 'blackout', input, c.blackout.output),
  blackouts: (input: In<'blackouts'>) => call(FN, 'blackouts', input, c.blackouts.output),
  liftBlackout: (blackoutId: string) => call(FN, 'liftBlackout', { blackoutId }, c.liftBlackout.output),
  utilisation: (input: In<'utilisation'>) => call(FN, 'utilisation', input, c.utilisation.output),
  fund: (input: In<'fund'> = {}) => call(FN, 'fund', input, c.fund.output),
  bookings: (input: In<'bookings'>) => call(FN, 'bookings', input, c.bookings.output),
  saveCenter: (input: In<'saveCenter'>) => call(FN, 'saveCenter', input, c.saveCenter.output),
  setStatus: (input: In<'setStatus'>) => call(FN, 'setStatus', input, c.setStatus.output),
  upload: (input: In<'upload'>) => call(FN, 'upload', input, c.upload.output),
  places: (communityId?: string) => call(FN, 'places', { communityId }, c.places.output),
  saveRoom: (input: In<'saveRoom'>) => call(FN, 'saveRoom', input, c.saveRoom.output),
  roomCode: (roomId: string) => call(FN, 'roomCode', { roomId }, c.roomCode.output),
  sweep: (centerId?: string) => call(FN, 'sweep', { centerId }, c.sweep.output)
}

/**
 * Centre events are activities of kind "event" held at the centre: listed (and signed up for)
 * through the `activities` function, never a second copy here.
 */
export const centerEventsApi = {
  list: (centerId: string, pageSize = 5) =>
    call('activities', 'list', { kind: 'event', centerId, when: 'upcoming', pageSize }, activitiesContract.list.output)
}
