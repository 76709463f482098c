/**
 * Important notices are pushed as a subscription message (订阅消息) to the people in their
 * audience who subscribed.
 *
 * Subscribing: WeChat's notice template is a one-time subscription — every time a user accepts it
 * in `wx.requestSubscribeMessage` the mini-program may send them one message. The app then calls
 * `notices.subscribe`, which adds one credit to `noticeSubscriptions/<openid>` and records the
 * user's place keys and roles at that moment (what the audience query matches; refreshed on every
 * subscribe). On H5 the prompt does not exist: the button records the grant directly and the local
 * platform writes the message to the `outbox` collection.
 *
 * Sending: a notice marked important gets `pushState: 'pending'`; once its publish time has come a
 * dispatcher sends to the matching subscribers with credits, in `_id` order and in bounded pages
 * (a cloud function has seconds, not minutes), remembering where it stopped (`pushCursor`). Each
 * page is claimed with one guarded batch update of the subscriptions (a credit spent and the notice
 * marked, `pushed.<noticeId>`), so no one gets the same notice twice even with two dispatchers and
 * a page costs 2 round trips whatever its size (`pushPage`).
 * The dispatcher is the function's timer trigger (cloudfunctions/notices/config.json, every minute;
 * `npm start` fires it too): publishing (or turning "important" on) only marks the notice pending,
 * so neither the publisher nor a reader waits for the pushes (issue #15) — an important notice
 * reaches its subscribers within a minute, as every queued message of the app does.
 */
import { randomBytes } from 'node:crypto'
import { clock } from '../core/clock'
import { db, isDuplicateKey } from '../core/db'
import type { Caller } from '../core/identity'
import { shanghai } from '../core/time'
import { platform } from '../platform'
import { TEMPLATES, thing } from '../notify/templates'
import { NOTICE_DETAIL_PAGE } from '../../contracts/notices'
import { NOTICES, placeKeysOf, roleKeysOf, SUBSCRIPTIONS, type NoticeRecord } from './model'

/** Grants kept per person (WeChat keeps accumulating one-time grants; a cap keeps it sane). */
const MAX_CREDITS = 50
/** Subscribers handled per dispatcher run. */
const PAGE = 100
const MAX_PAGES_PER_RUN = 3
const LOCK_MS = 60_000
/** Due notices handled per dispatcher run. */
const DUE_PER_RUN = 5

interface SubscriptionRecord {
  _id: string
  openid: string
  credits: number
  placeKeys: string[]
  roles: string[]
  updatedAt: Date
}

export async function subscribe(caller: Caller): Promise<{ credits: number }> {
  const _ = db().command
  const now = clock.date()
  const ref = db().collection(SUBSCRIPTIONS)
  const profile = { placeKeys: placeKeysOf(caller), roles: roleKeysOf(caller), updatedAt: now }
  const bumped = await ref.where({ _id: caller.openid, credits: _.lt(MAX_CREDITS) }).update({ data: { ...profile, credits: _.inc(1) } })
  if (bumped.stats.updated === 0) {
    try {
      const record: SubscriptionRecord = { _id: caller.openid, openid: caller.openid, credits: 1, ...profile }
      await ref.add({ data: record })
      // Created by this call: one credit, nothing to read back.
      return { credits: 1 }
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
      // Exists (at the cap, or created by a parallel call): refresh the profile, add one if below the cap.
      const again = await ref.where({ _id: caller.openid, credits: _.lt(MAX_CREDITS) }).update({ data: { ...profile, credits: _.inc(1) } })
      if (again.stats.updated === 0) await ref.where({ _id: caller.openid }).update({ data: profile })
    }
  }
  const res = await ref.where({ _id: caller.openid }).limit(1).get()
  return { credits: (res.data[0] as SubscriptionRecord | undefined)?.credits ?? 0 }
}

/**
 * Sends due pushes: for one notice or for every due notice (the timer). Bounded per
 * run; what is left is picked up by the next run. Returns how many messages were sent.
 */
export async function dispatchDuePushes(options: { noticeId?: string } = {}): Promise<{ sent: number; more: boolean }> {
  const _ = db().command
  const now = clock.date()
  const where = options.noticeId ? { _id: options.noticeId, pushState: 'pending', publishAt: _.lte(now) } : { pushState: 'pending', publishAt: _.lte(now) }
  const due = (await db().collection(NOTICES).where(where).orderBy('publishAt', 'asc').limit(DUE_PER_RUN).get()).data as NoticeRecord[]
  let sent = 0
  let more = false
  for (const notice of due) {
    const result = await pushNotice(notice, now)
    sent += result.sent
    more ||= result.more
  }
  return { sent, more }
}

async function pushNotice(notice: NoticeRecord, now: Date): Promise<{ sent: number; more: boolean }> {
  const _ = db().command
  const notices = db().collection(NOTICES)
  if (notice.status !== 'active' || notice.visibleUntil.getTime() <= now.getTime()) {
    await notices.where({ _id: notice._id, pushState: 'pending' }).update({ data: { pushState: 'cancelled' } })
    return { sent: 0, more: false }
  }
  // Hold the notice so a parallel dispatcher skips it.
  const held = await notices
    .where(_.and([{ _id: notice._id, pushState: 'pending' }, _.or([{ pushLockUntil: null }, { pushLockUntil: _.lt(now) }])]))
    .update({ data: { pushLockUntil: new Date(now.getTime() + LOCK_MS) } })
  if (held.stats.updated === 0) return { sent: 0, more: true }

  let cursor = notice.pushCursor
  let sent = 0
  let finished = false
  try {
    for (let page = 0; page < MAX_PAGES_PER_RUN && !finished; page++) {
      const res = await db()
        .collection(SUBSCRIPTIONS)
        .where(
          _.and([
            { placeKeys: _.in(notice.audienceKeys) },
            { roles: _.in(notice.audienceRoles) },
            { credits: _.gt(0) },
            { [pushedField(notice._id)]: _.exists(false) },
            ...(cursor ? [{ _id: _.gt(cursor) }] : [])
          ])
        )
        .orderBy('_id', 'asc')
        .limit(PAGE)
        .get()
      const subscribers = res.data as SubscriptionRecord[]
      sent += await pushPage(notice, subscribers, now)
      if (subscribers.length) cursor = subscribers[subscribers.length - 1]._id
      if (subscribers.length < PAGE) finished = true
    }
  } finally {
    await notices.where({ _id: notice._id }).update({
      data: { pushCursor: cursor, pushedCount: _.inc(sent), pushLockUntil: null, ...(finished ? { pushState: 'done' } : {}) }
    })
  }
  return { sent, more: !finished }
}

/** The subscription's mark that a notice was pushed to its holder (one key per notice). */
const pushedField = (noticeId: string) => `pushed.${noticeId.replace(/[.$]/g, '_')}`

/**
 * One page of subscribers: a credit spent and the notice marked on every subscription that still
 * has a credit and was not pushed this notice — one guarded batch update, the run's random token
 * as the mark — then sent to (when the update marked fewer than the page, the ones this run marked
 * are read back first). 1–2 round trips a page, however many people: the mark makes sure no one gets the same notice twice even with two dispatchers
 * (each document is marked once, by one run), the guard that no credit goes below zero.
 */
async function pushPage(notice: NoticeRecord, subscribers: SubscriptionRecord[], now: Date): Promise<number> {
  if (subscribers.length === 0) return 0
  const _ = db().command
  const ref = db().collection(SUBSCRIPTIONS)
  const ids = subscribers.map((s) => s._id)
  const field = pushedField(notice._id)
  const token = `${now.getTime()}-${randomBytes(6).toString('hex')}`
  const marked = await ref.where({ _id: _.in(ids), credits: _.gt(0), [field]: _.exists(false) }).update({ data: { credits: _.inc(-1), [field]: token } })
  // All marked (the usual case): these are the page's subscribers; otherwise read back which.
  const claimed =
    marked.stats.updated === ids.length
      ? subscribers
      : ((await ref.where({ _id: _.in(ids), [field]: token }).field({ openid: true }).limit(ids.length).get()).data as Pick<SubscriptionRecord, 'openid'>[])
  const sent = await Promise.all(claimed.map((s) => sendOne(notice, s.openid)))
  return sent.filter(Boolean).length
}

async function sendOne(notice: NoticeRecord, openid: string): Promise<boolean> {
  const template = TEMPLATES.noticePublished
  try {
    await platform().messages.send({
      touser: openid,
      templateId: template.id,
      page: `${NOTICE_DETAIL_PAGE}?id=${notice._id}`,
      data: {
        thing1: thing(notice.title),
        thing2: thing(notice.publisher.orgName),
        time3: { value: shanghai(notice.publishAt).format('YYYY年M月D日 HH:mm') },
        thing4: thing('重要通知，请及时查看')
      },
      summary: `重要通知《${notice.title}》已发布（${notice.publisher.orgName}）`
    })
  } catch (error) {
    console.error('[notices] push failed', notice._id, error)
    return false
  }
  return true
}
