/**
 * What volunteers are told: subscription messages on WeChat, the `outbox` collection on the
 * emulator. A message that cannot be delivered never undoes the action that caused it (the user
 * who did not subscribe simply gets none; the app shows the same state).
 *
 * One message to one person is sent during the call. A message to everyone of an activity
 * (cancelled, changed, reminder) is queued (server/notify/queue.ts: one write per 100 people) and
 * sent by the next drain, within a minute: the organiser does not wait for one send per person.
 */
import { DECISION_LABELS, type Decision } from '../../contracts/activities'
import { shanghai } from '../core/time'
import { queueMessages } from '../notify/queue'
import { phrase, TEMPLATES, thing } from '../notify/templates'
import { platform, type SubscriptionMessage } from '../platform'
import { hoursOf, type ActivityDoc } from './model'

export const ACTIVITY_PAGE = 'packages/volunteer/pages/detail/index'
export const HOURS_PAGE = 'packages/volunteer/pages/hours/index'

const when = (at: Date) => shanghai(at).format('YYYY年MM月DD日 HH:mm')
const day = (at: Date) => shanghai(at).format('M月D日 HH:mm')

async function send(message: SubscriptionMessage): Promise<boolean> {
  try {
    await platform().messages.send(message)
    return true
  } catch (error) {
    console.warn('[activities] message not sent', message.templateId, (error as Error)?.message ?? error)
    return false
  }
}

/** One message per openid (each once), built for the queue. */
const eachOf = (openids: string[], build: (openid: string) => SubscriptionMessage): SubscriptionMessage[] => [...new Set(openids)].map(build)

/** Queues one message per openid; returns how many were queued. */
async function queueEach(openids: string[], build: (openid: string) => SubscriptionMessage): Promise<number> {
  const messages = eachOf(openids, build)
  await queueMessages(messages)
  return messages.length
}

const cancelledMessage = (activity: ActivityDoc, reason: string) => (touser: string): SubscriptionMessage => ({
  touser,
  templateId: TEMPLATES.activityCancelled.id,
  page: `${ACTIVITY_PAGE}?id=${activity._id}`,
  data: { thing1: thing(activity.title), time2: { value: when(activity.start) }, thing3: thing(reason) },
  summary: `您报名的活动“${activity.title}”（${day(activity.start)}）已取消：${reason}`
})

const changedMessage = (activity: Pick<ActivityDoc, '_id' | 'title' | 'start' | 'place'>, note: string) => (touser: string): SubscriptionMessage => ({
  touser,
  templateId: TEMPLATES.activityChanged.id,
  page: `${ACTIVITY_PAGE}?id=${activity._id}`,
  data: { thing1: thing(activity.title), time2: { value: when(activity.start) }, thing3: thing(activity.place.name), thing4: thing(note) },
  summary: `您报名的活动“${activity.title}”有变更：${day(activity.start)}，${activity.place.name}。${note}`
})

/** Everyone signed up or waiting is told of the cancellation (queued); returns how many. */
export function notifyCancelled(activity: ActivityDoc, openids: string[], reason: string): Promise<number> {
  return queueEach(openids, cancelledMessage(activity, reason))
}

/** A change told to one person now (sent during the call, as one message costs no more queued). */
export function notifyChanged(activity: ActivityDoc, openid: string, note: string): Promise<boolean> {
  return send(changedMessage(activity, note)(openid))
}

/** A change of time or place told to everyone signed up or waiting (queued); returns how many. */
export function queueChanged(activity: Pick<ActivityDoc, '_id' | 'title' | 'start' | 'place'>, openids: string[], note: string): Promise<number> {
  return queueEach(openids, changedMessage(activity, note))
}

const promotedMessage = (activity: ActivityDoc) => (touser: string): SubscriptionMessage => ({
  touser,
  templateId: TEMPLATES.activityPromoted.id,
  page: `${ACTIVITY_PAGE}?id=${activity._id}`,
  data: { thing1: thing(activity.title), time2: { value: when(activity.start) }, thing3: thing(activity.place.name), thing4: thing('候补成功，请按时参加') },
  summary: `候补成功：您已获得“${activity.title}”（${day(activity.start)}，${activity.place.name}）的名额`
})

/** A place passed to someone waiting, told now (one message costs no more queued). */
export function notifyPromoted(activity: ActivityDoc, openid: string): Promise<boolean> {
  return send(promotedMessage(activity)(openid))
}

/** Places passed on whose messages were left for the timer (signups.ts `tellPromoted`): queued together. */
export async function queuePromoted(promotions: { activity: ActivityDoc; openid: string }[]): Promise<number> {
  await queueMessages(promotions.map(({ activity, openid }) => promotedMessage(activity)(openid)))
  return promotions.length
}

/** The organiser's reminder to everyone confirmed (queued); returns how many. */
export function notifyReminder(activity: ActivityDoc, openids: string[]): Promise<number> {
  return queueEach(openids, (touser) => ({
    touser,
    templateId: TEMPLATES.activityReminder.id,
    page: `${ACTIVITY_PAGE}?id=${activity._id}`,
    data: { thing1: thing(activity.title), time2: { value: when(activity.start) }, thing3: thing(activity.place.name), thing4: thing('请准时到场，扫码签到') },
    summary: `提醒：“${activity.title}”将于${day(activity.start)}在${activity.place.name}开始，请准时到场扫码签到`
  }))
}

export function notifyVerified(record: { openid: string; title: string }, decision: Decision, minutes: number, reason?: string): Promise<boolean> {
  const hours = `${hoursOf(minutes)}小时`
  return send({
    touser: record.openid,
    templateId: TEMPLATES.hoursVerified.id,
    page: HOURS_PAGE,
    data: { thing1: thing(record.title), phrase2: phrase(DECISION_LABELS[decision]), thing3: thing(hours), thing4: thing(reason || '感谢您的志愿服务') },
    summary: `“${record.title}”的服务时长审核结果：${DECISION_LABELS[decision]}${decision === 'decline' ? '' : `，${hours}`}${reason ? `（${reason}）` : ''}`
  })
}
