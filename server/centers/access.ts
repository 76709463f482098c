/** Loading a room or booking with its centre, and the scope checks on them. */
import { OPEN_CENTER_STATUSES } from '../../contracts/centers'
import { aggregateOf, type Part } from '../core/together'
import { AppError, notFound } from '../core/errors'
import { canManageCommunity, requireCommunityStaff } from '../core/guard'
import type { Caller } from '../core/identity'
import { getById } from '../core/records'
import { COLL, type BookingDoc, type CenterDoc, type RoomDoc } from './model'

export const getCenter = (centerId: string) => getById<CenterDoc>(COLL.centers, centerId, '邻里中心')
export const getBooking = (bookingId: string) => getById<BookingDoc>(COLL.bookings, bookingId, '预约')

/** A room and its centre, joined in the database (one round trip). */
export async function getRoomWithCenter(roomId: string): Promise<{ room: RoomDoc; center: CenterDoc }> {
  return roomWithCenterOf(await aggregateOf(roomWithCenterPart(roomId)))
}

/** A room with its centre joined: one part (core/together.ts). */
export const roomWithCenterPart = (roomId: string): Part => ({
  collection: COLL.rooms,
  build: (p) => p.match({ _id: roomId }).limit(1).lookup({ from: COLL.centers, localField: 'centerId', foreignField: '_id', as: 'center' }).limit(1)
})

/** One document by `_id`: one part. */
export const byIdPart = (collection: string, id: string): Part => ({ collection, build: (p) => p.match({ _id: id }).limit(1) })

/** The room and centre of a `roomWithCenterPart` read; NOT_FOUND when either is missing. */
export function roomWithCenterOf(rows: Record<string, any>[]): { room: RoomDoc; center: CenterDoc } {
  const row = rows[0] as (RoomDoc & { center: CenterDoc[] }) | undefined
  if (!row) throw notFound('活动室')
  const { center: [center], ...room } = row
  if (!center) throw notFound('邻里中心')
  return { room: room as RoomDoc, center }
}

export const isOpenCenter = (center: CenterDoc) => OPEN_CENTER_STATUSES.includes(center.status)

/** Staff of the centre's community or district admin; others get FORBIDDEN. */
export function requireCenterStaff(caller: Caller, center: { communityId: string }): void {
  requireCommunityStaff(caller, center.communityId)
}

export const managesCenter = (caller: Caller, center: { communityId: string }) => canManageCommunity(caller, center.communityId)

/** The booking's owner or staff of its community; others do not learn it exists. */
export function requireOwnerOrStaff(caller: Caller, booking: BookingDoc): void {
  if (booking.openid !== caller.openid && !canManageCommunity(caller, booking.communityId)) throw new AppError('NOT_FOUND', '预约不存在')
}
