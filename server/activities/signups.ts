/**
 * Sign-up, the waiting list and withdrawal.
 *
 * Every change to who holds a place goes through a transaction on the activity document (its
 * `confirmedCount`, `waitingCount` and `waitSeq`) together with the person's sign-up document
 * (`_id` = `${activityId}:${openid}`). The emulator serialises transactions and the cloud retries
 * the ones that conflict, so however many people sign up at the same instant, at most `capacity`
 * are confirmed and the rest get consecutive waiting-list numbers in the order they were handled.
 *
 * A freed place belongs to the first person waiting: while anyone waits, a new sign-up joins the
 * waiting list even if a place is momentarily free, and `promoteWaiting` hands free places to the
 * waiting list in order (one transaction per promotion, so concurrent promoters cannot hand one
 * place twice).
 */
import type { SignUpResult } from '../../src/contracts/activities'
import { clock } from '../core/clock'
import { db, type TransactionRef } from '../core/db'
import { AppError, conflict, forbidden, notFound } from '../core/errors'
import type { Caller } from '../core/identity'
import { findById, getById } from '../core/records'
import { ACTIVITIES, phaseOf, RECORDS, recordId, SIGNUPS, signUpId, type ActivityDoc, type SignUpDoc, type StoredHistory } from './model'
import { notifyPromoted } from './notify'
import { waitingPosition } from './present'
import { txGet } from './util'

/** Enough for 200 parallel sign-ups on the cloud, where conflicting transactions are retried. */
const TX_RETRIES = 20

export interface Person {
  openid: string
  name: string
  mobile?: string
  roles: Caller['roles']
}

export const personOf = (caller: Caller): Person => ({
  openid: caller.openid,
  name: caller.user?.profile?.name || '居民',
  mobile: caller.user?.profile?.mobile,
  roles: caller.roles
})

export function checkAudience(activity: ActivityDoc, person: Person): void {
  if (activity.audience === 'members' && !person.roles.includes('member')) throw forbidden('本活动仅限党员报名')
}

interface TxResult {
  status: 'confirmed' | 'waiting'
  seq?: number
  already: boolean
}

/**
 * Takes a place (or a waiting-list number) for `person`. With `walkIn` (check-in on site without a
 * sign-up) there is no waiting list: a free place is taken or CAPACITY_FULL is thrown.
 */
export async function takePlace(activityId: string, person: Person, options: { walkIn: boolean; by?: StoredHistory }): Promise<TxResult> {
  const id = signUpId(activityId, person.openid)
  return db().runTransaction(async (tx: TransactionRef) => {
    const activity = await txGet<ActivityDoc>(tx, ACTIVITIES, activityId)
    if (!activity) throw notFound('活动')
    if (activity.status !== 'published') throw conflict('活动已取消')
    const existing = await txGet<SignUpDoc>(tx, SIGNUPS, id)
    if (existing?.status === 'confirmed') return { status: 'confirmed', already: true }
    if (existing?.status === 'waiting' && !options.walkIn) return { status: 'waiting', seq: existing.seq, already: true }

    const now = clock.date()
    const free = activity.confirmedCount < activity.capacity
    let result: TxResult
    const counts: Record<string, number> = {}
    if (options.walkIn) {
      // On site the waiting list no longer matters: whoever is there takes a free place.
      if (!free) throw new AppError('CAPACITY_FULL', '名额已满，无法签到')
      counts.confirmedCount = activity.confirmedCount + 1
      if (existing?.status === 'waiting') counts.waitingCount = Math.max(0, activity.waitingCount - 1)
      result = { status: 'confirmed', already: false }
    } else if (free && activity.waitingCount === 0) {
      counts.confirmedCount = activity.confirmedCount + 1
      result = { status: 'confirmed', already: false }
    } else {
      counts.waitSeq = activity.waitSeq + 1
      counts.waitingCount = activity.waitingCount + 1
      result = { status: 'waiting', seq: counts.waitSeq, already: false }
    }
    await tx.collection(ACTIVITIES).doc(activityId).update({ data: counts })

    const action = options.walkIn ? '现场签到报名' : result.status === 'confirmed' ? '报名' : '候补'
    const history: StoredHistory[] = [...(existing?.history ?? []), options.by ?? { at: now, by: person.openid, byName: person.name, action }]
    const doc: Omit<SignUpDoc, '_id'> = {
      activityId,
      openid: person.openid,
      name: person.name,
      ...(person.mobile ? { mobile: person.mobile } : {}),
      status: result.status,
      ...(result.seq !== undefined ? { seq: result.seq } : existing?.seq !== undefined ? { seq: existing.seq } : {}),
      walkIn: options.walkIn,
      signedUpAt: now,
      ...(existing?.checkedInAt ? { checkedInAt: existing.checkedInAt } : {}),
      ...(existing?.checkedOutAt ? { checkedOutAt: existing.checkedOutAt } : {}),
      updatedAt: now,
      history
    }
    await tx.collection(SIGNUPS).doc(id).set({ data: doc })
    return result
  }, TX_RETRIES)
}

export async function signUp(caller: Caller, activityId: string): Promise<SignUpResult> {
  const activity = await getById<ActivityDoc>(ACTIVITIES, activityId, '活动')
  const person = personOf(caller)
  const phase = phaseOf(activity, clock.now())
  if (phase === 'cancelled') throw conflict('活动已取消')
  if (phase !== 'open') throw conflict('报名已截止')
  checkAudience(activity, person)
  const result = await takePlace(activityId, person, { walkIn: false })
  return {
    status: result.status,
    position: result.status === 'waiting' ? await waitingPosition(activityId, result.seq) : undefined,
    already: result.already
  }
}

export async function withdraw(caller: Caller, activityId: string): Promise<{ status: 'withdrawn'; promoted: number }> {
  const activity = await getById<ActivityDoc>(ACTIVITIES, activityId, '活动')
  const id = signUpId(activityId, caller.openid)
  const current = await findById<SignUpDoc>(SIGNUPS, id)
  if (!current) throw notFound('报名记录')
  if (current.status === 'withdrawn') return { status: 'withdrawn', promoted: 0 }
  if (current.status === 'cancelled') throw conflict('活动已取消')
  const now = clock.now()
  if (current.status === 'confirmed' && now >= +activity.signUpDeadline)
    throw conflict('报名已截止，不能在线取消报名，请联系活动组织者')
  if (now >= +activity.start) throw conflict('活动已开始，不能取消报名')
  if (current.checkedInAt || (activity.kind === 'volunteer' && (await findById(RECORDS, recordId(activityId, caller.openid)))))
    throw conflict('已签到，不能取消报名')

  await db().runTransaction(async (tx) => {
    const fresh = await txGet<ActivityDoc>(tx, ACTIVITIES, activityId)
    const signUpDoc = await txGet<SignUpDoc>(tx, SIGNUPS, id)
    if (!fresh || !signUpDoc || (signUpDoc.status !== 'confirmed' && signUpDoc.status !== 'waiting')) return
    const counts =
      signUpDoc.status === 'confirmed'
        ? { confirmedCount: Math.max(0, fresh.confirmedCount - 1) }
        : { waitingCount: Math.max(0, fresh.waitingCount - 1) }
    await tx.collection(ACTIVITIES).doc(activityId).update({ data: counts })
    await tx
      .collection(SIGNUPS)
      .doc(id)
      .update({
        data: {
          status: 'withdrawn',
          updatedAt: clock.date(),
          history: [...(signUpDoc.history ?? []), { at: clock.date(), by: caller.openid, byName: signUpDoc.name, action: '取消报名' }]
        }
      })
  }, TX_RETRIES)
  const promoted = current.status === 'confirmed' ? await promoteWaiting(activityId) : 0
  return { status: 'withdrawn', promoted }
}

/**
 * Hands free places to the waiting list in order, one transaction per person; returns how many
 * were promoted (each is told). Stops once the activity has started.
 */
export async function promoteWaiting(activityId: string): Promise<number> {
  let promoted = 0
  for (let round = 0; round < 1000; round++) {
    const activity = await findById<ActivityDoc>(ACTIVITIES, activityId)
    if (!activity || activity.status !== 'published' || clock.now() >= +activity.start) break
    if (activity.confirmedCount >= activity.capacity || activity.waitingCount <= 0) break
    const next = await db().collection(SIGNUPS).where({ activityId, status: 'waiting' }).orderBy('seq', 'asc').limit(1).get()
    const candidate = next.data[0] as SignUpDoc | undefined
    if (!candidate) break
    const done = await db().runTransaction(async (tx) => {
      const fresh = await txGet<ActivityDoc>(tx, ACTIVITIES, activityId)
      const signUpDoc = await txGet<SignUpDoc>(tx, SIGNUPS, candidate._id)
      if (!fresh || fresh.status !== 'published' || fresh.confirmedCount >= fresh.capacity) return false
      if (!signUpDoc || signUpDoc.status !== 'waiting') return false
      await tx
        .collection(ACTIVITIES)
        .doc(activityId)
        .update({ data: { confirmedCount: fresh.confirmedCount + 1, waitingCount: Math.max(0, fresh.waitingCount - 1) } })
      await tx
        .collection(SIGNUPS)
        .doc(candidate._id)
        .update({
          data: {
            status: 'confirmed',
            updatedAt: clock.date(),
            history: [...(signUpDoc.history ?? []), { at: clock.date(), by: 'system', action: '候补转正' }]
          }
        })
      return true
    }, TX_RETRIES)
    if (done) {
      promoted++
      await notifyPromoted(activity, candidate.openid)
    }
  }
  return promoted
}
