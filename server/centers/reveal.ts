import { forbidden } from '../core/errors'
import type { Caller } from '../core/identity'
import { revealMobile } from '../core/reveal'
import { getBooking, managesCenter } from './access'

/**
 * The booker's full number for the managers of the centre (staff of its community, the district
 * admin), to call them about the booking; every view is audited (`centers.viewMobile`). The number
 * is on the booking only when the booker agreed to be called (`book { shareMobile: true }`).
 * Everywhere else it is masked, and only these managers see that.
 */
export async function revealBookerMobile(caller: Caller, bookingId: string): Promise<{ mobile: string }> {
  const b = await getBooking(bookingId)
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
