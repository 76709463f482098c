/**
 * What residents are told about their bookings: subscription messages on WeChat, the `outbox`
 * collection on the emulator. Sending never fails an action: the state change is already stored
 * (a resident who did not subscribe simply gets no message; the booking list shows the outcome).
 */
import { platform, type SubscriptionMessage } from '../platform'
import { queueMessages } from '../notify/queue'
import { phrase, TEMPLATES, thing } from '../notify/templates'
import { rangeLabel, wallTime } from './calendar'
import type { BookingDoc } from './model'

/** The page a message opens: the resident's bookings. */
export const MY_BOOKINGS_PAGE = 'packages/centers/pages/bookings/index'

async function send(message: Parameters<ReturnType<typeof platform>['messages']['send']>[0]): Promise<void> {
  try {
    await platform().messages.send(message)
  } catch (error) {
    console.warn('[centers] message not sent', message.templateId, (error as Error)?.message ?? error)
  }
}

const placeOf = (b: BookingDoc) => `${b.centerName}${b.roomName}`

export function notifyReviewed(b: BookingDoc, approved: boolean, reason?: string): Promise<void> {
  const when = rangeLabel(b.start.getTime(), b.end.getTime())
  return send({
    touser: b.openid,
    templateId: TEMPLATES.bookingReviewed.id,
    page: `${MY_BOOKINGS_PAGE}?id=${b._id}`,
    data: {
      thing1: thing(placeOf(b)),
      time2: { value: wallTime(b.start.getTime()) },
      phrase3: phrase(approved ? '已通过' : '未通过'),
      thing4: thing(approved ? '请按时到场，开始前后15分钟内扫码签到' : (reason ?? '不符合预约要求'))
    },
    summary: approved ? `您预约的${placeOf(b)}（${when}）已通过审核` : `您预约的${placeOf(b)}（${when}）未通过审核：${reason ?? ''}`
  })
}

export function notifyCancelled(b: BookingDoc, reason: string): Promise<void> {
  return send(cancelledMessage(b, reason))
}

/**
 * Residents told of their bookings' cancellation in bulk (a blackout displacing them, the sweep's
 * expired bookings and no-shows): queued for the message drain (server/notify/queue.ts), one write
 * per up to 100 messages, never one per resident. Queueing never fails the action (the
 * cancellations are stored).
 */
export async function queueCancellations(items: Array<{ booking: BookingDoc; reason: string }>): Promise<void> {
  if (!items.length) return
  try {
    await queueMessages(items.map(({ booking, reason }) => cancelledMessage(booking, reason)))
  } catch (error) {
    console.warn('[centers] messages not queued', (error as Error)?.message ?? error)
  }
}

function cancelledMessage(b: BookingDoc, reason: string): SubscriptionMessage {
  const when = rangeLabel(b.start.getTime(), b.end.getTime())
  return {
    touser: b.openid,
    templateId: TEMPLATES.bookingCancelled.id,
    page: `${MY_BOOKINGS_PAGE}?id=${b._id}`,
    data: {
      thing1: thing(placeOf(b)),
      time2: { value: wallTime(b.start.getTime()) },
      thing3: thing(reason)
    },
    summary: `您预约的${placeOf(b)}（${when}）已取消：${reason}`
  }
}
