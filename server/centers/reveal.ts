import { forbidden, notFound } from '../core/errors'
import type { FirstReadContext } from '../core/function'
import { revealMobile } from '../core/reveal'
import { byIdPart, managesCenter } from './access'
import { COLL, type BookingDoc } from './model'

/**
 * The booker's full number for the managers of the centre (staff of its community, the district
 * admin), to call them about the booking; every view is audited (`centers.viewMobile`). The number
 * is on the booking only when the booker agreed to be called (`book { shareMobile: true }`).
 * Everywhere else it is masked, and only these managers see that.
 */
export async function revealBookerMobile(first: FirstReadContext, bookingId: string): Promise<{ mobile: string }> {
  // The caller and the booking: one read.
  const { caller, docs } = await first.readWithCaller({ booking: byIdPart(COLL.bookings, bookingId) })
  const b = docs.booking[0] as BookingDoc | undefined
  if (!b) throw notFound('预约')
  if (!managesCenter(caller, b)) throw forbidden('仅本社区工作人员可查看预约人的手机号')
  return revealMobile(caller, {
    action: 'centers.viewMobile',
    target: { collection: 'bookings', id: b._id, label: b.bookerName },
    communityId: b.communityId,
    whose: b.openid,
    reason: '中心联系预约人',
    mobile: b.bookerMobile
  })
}
