/**
 * Guarded counters: per-person-per-day allowances in `dailyQuotas` (ticket reports, photo uploads
 * of tickets and centres) and the shell's rate limits in `rateLimits` (server/core/rateLimits.ts).
 * One technique for both: a counter document with a deterministic `_id` per key and window, created
 * by the first call (a duplicate `_id` fails for the others) and `_.inc(1)`-ed by every later one
 * guarded by `count < limit`, so the limit can never be passed however many calls run at once.
 * Round trips: 1 in the common case. The instance remembers the counters it has seen exist (a warm
 * cloud function serves the same person's next calls), so a later call goes straight to the guarded
 * update; an unknown counter is added first. Only a miss costs more: a counter another instance
 * created (add fails as a duplicate, then the update: 2), or a used-up one (3, and refused).
 */
import { db, isDuplicateKey } from './db'
import { AppError } from './errors'
import { clock } from './clock'
import { shanghai } from './time'

export type RateWindow = 'minute' | 'hour' | 'day'

const WINDOW_FORMAT: Record<RateWindow, string> = { minute: 'YYYY-MM-DDTHH:mm', hour: 'YYYY-MM-DDTHH', day: 'YYYY-MM-DD' }
const WINDOW_MS: Record<RateWindow, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 }

/** The window an instant falls in, Asia/Shanghai: `2026-11-27T09:30` (minute), `2026-11-27T09` (hour), `2026-11-27` (day). */
export function windowKey(window: RateWindow, at: number = clock.now()): string {
  return shanghai(at).format(WINDOW_FORMAT[window])
}

/**
 * Takes one unit of the counter `_id` in `collection` (created with `fields`) unless `limit` units
 * are taken already. Returns false when the allowance is used up (nothing changed).
 */
export async function takeGuardedUnit(collection: string, id: string, limit: number, fields: Record<string, unknown>): Promise<boolean> {
  if (limit < 1) return false
  const col = db().collection(collection)
  const _ = db().command
  const guardedUpdate = async () => (await col.where({ _id: id, count: _.lt(limit) }).update({ data: { count: _.inc(1) } })).stats.updated === 1
  const known = `${collection}/${id}`
  // Known to exist: the guarded update alone decides; nothing updated means used up (or the counter
  // is gone after all, e.g. removed by its TTL: then it is added below).
  if (existing.has(known) && (await guardedUpdate())) return true
  try {
    await col.add({ data: { _id: id, ...fields, count: 1, createdAt: clock.date() } })
    remember(known)
    return true
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
  }
  remember(known)
  return guardedUpdate()
}

/** Counters this instance has seen exist (a hint only: the guarded writes decide). Bounded. */
const existing = new Set<string>()
const MAX_REMEMBERED = 5000

function remember(key: string): void {
  if (existing.size >= MAX_REMEMBERED) existing.clear()
  existing.add(key)
}

/**
 * One unit of the rate limit `key` (`<function>.<action>`) for `subject` (`p:<openid>`,
 * `c:<communityId>`, `anon`) in the current `window`. The counter carries `expireAt` (the end of its
 * window plus a day) so that a TTL index in the cloud console can remove old ones.
 */
export function takeRateUnit(key: string, subject: string, limit: number, window: RateWindow): Promise<boolean> {
  const now = clock.now()
  const bucket = windowKey(window, now)
  return takeGuardedUnit('rateLimits', `${key}:${subject}:${bucket}`, limit, {
    key,
    subject,
    window: bucket,
    expireAt: new Date(now + WINDOW_MS[window] + WINDOW_MS.day)
  })
}

/**
 * Takes one unit of a per-person-per-day allowance (`dailyQuotas`, `_id` = `<kind>:<openid>:<YYYY-MM-DD>`
 * in Asia/Shanghai), safe under parallel calls (takeGuardedUnit). Throws RATE_LIMITED when the day's
 * allowance is used up.
 */
export async function takeDailyQuota(kind: string, openid: string, limit: number, message: string): Promise<void> {
  const day = windowKey('day')
  if (!(await takeGuardedUnit('dailyQuotas', `${kind}:${openid}:${day}`, limit, { kind, openid, day }))) throw new AppError('RATE_LIMITED', message)
}

/** Gives a unit back when the thing it paid for could not be stored after all. */
export async function returnDailyQuota(kind: string, openid: string): Promise<void> {
  const day = windowKey('day')
  const _ = db().command
  await db()
    .collection('dailyQuotas')
    .where({ _id: `${kind}:${openid}:${day}`, count: _.gt(0) })
    .update({ data: { count: _.inc(-1) } })
}
