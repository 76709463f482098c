/**
 * Per-person-per-day allowances in `dailyQuotas` (ticket reports, photo uploads of tickets and centres).
 */
import { db, isDuplicateKey } from './db'
import { AppError } from './errors'
import { clock } from './clock'
import { shanghai } from './time'


/**
 * Takes one unit of a per-person-per-day allowance (`dailyQuotas`, `_id` = `<kind>:<openid>:<YYYY-MM-DD>`
 * in Asia/Shanghai). Safe under parallel calls: the first call creates the counter (a duplicate `_id`
 * fails for the others), every later one is an `_.inc(1)` guarded by `count < limit`, so the limit
 * can never be passed. Throws RATE_LIMITED when the day's allowance is used up.
 */
export async function takeDailyQuota(kind: string, openid: string, limit: number, message: string): Promise<void> {
  const day = shanghai(clock.now()).format('YYYY-MM-DD')
  const id = `${kind}:${openid}:${day}`
  const col = db().collection('dailyQuotas')
  try {
    await col.add({ data: { _id: id, kind, openid, day, count: 1, createdAt: clock.date() } })
    return
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
  }
  const _ = db().command
  const res = await col.where({ _id: id, count: _.lt(limit) }).update({ data: { count: _.inc(1) } })
  if (res.stats.updated !== 1) throw new AppError('RATE_LIMITED', message)
}

/** Gives a unit back when the thing it paid for could not be stored after all. */
export async function returnDailyQuota(kind: string, openid: string): Promise<void> {
  const day = shanghai(clock.now()).format('YYYY-MM-DD')
  const _ = db().command
  await db()
    .collection('dailyQuotas')
    .where({ _id: `${kind}:${openid}:${day}`, count: _.gt(0) })
    .update({ data: { count: _.inc(-1) } })
}
