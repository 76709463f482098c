/**
 * Guarded counters: per-person-per-day allowances in `dailyQuotas` (photo uploads of tickets and
 * centres) and the shell's rate limits in `rateLimits` (server/core/rateLimits.ts; a row's `perDay`,
 * the daily allowance of reports and wishes, is one of its buckets).
 * One technique for both: a counter document with a deterministic `_id` per key and window, created
 * by the first call (a duplicate `_id` fails for the others) and `_.inc(1)`-ed by every later one
 * guarded by `count < limit`, so the limit can never be passed however many calls run at once.
 * Round trips: 1 in the common case. The instance remembers the counters it has seen exist (a warm
 * cloud function serves the same person's next calls), so a later call goes straight to the guarded
 * update; an unknown counter is added first. Only a miss costs more: a counter another instance
 * created (add fails as a duplicate, then the update: 2), or a used-up one (refused). The rate
 * limits of one call (the person's and the community's) are taken together: one guarded update
 * for all the counters that exist.
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
export async function takeRateUnit(key: string, subject: string, limit: number, window: RateWindow): Promise<boolean> {
  return (await takeRateUnits([{ key, subject, limit, window }])).length === 0
}

export interface RateUnit {
  key: string
  subject: string
  limit: number
  window: RateWindow
}

const rateCounterId = (unit: RateUnit, at: number) => `${unit.key}:${unit.subject}:${windowKey(unit.window, at)}`

/**
 * One unit of each of several rate limits, all or refused: answers the units at their limit (none
 * when all were taken). Counters this instance has not seen are added (a new
 * window's first call takes its unit by adding); the others — known, or just found to exist by a
 * duplicate add — are taken together by one guarded update (each matched only below its own
 * limit), so several limits cost one round trip once their counters exist. Fewer updated than asked
 * means a counter at its limit: the others' units taken by that update stay spent, as a refused
 * call's units always are, except the `spare` ones (a daily allowance counts calls that succeed).
 * (A counter of the current window is removed only by its TTL, a day after the window; one found
 * missing is added here again.)
 */
export async function takeRateUnits(units: RateUnit[], spare: RateUnit[] = []): Promise<RateUnit[]> {
  const now = clock.now()
  const counters = units.map((unit) => ({ unit, id: rateCounterId(unit, now), bucket: windowKey(unit.window, now) }))
  const closed = counters.filter((c) => c.unit.limit < 1)
  if (closed.length) return closed.map((c) => c.unit)
  const col = db().collection('rateLimits')
  const _ = db().command
  const added = await Promise.all(
    counters.map(async ({ unit, id, bucket }) => {
      if (existing.has(`rateLimits/${id}`)) return false
      try {
        await col.add({
          data: { _id: id, key: unit.key, subject: unit.subject, window: bucket, expireAt: new Date(now + WINDOW_MS[unit.window] + WINDOW_MS.day), count: 1, createdAt: clock.date() }
        })
        return true
      } catch (error) {
        if (!isDuplicateKey(error)) throw error
        return false
      } finally {
        remember(`rateLimits/${id}`)
      }
    })
  )
  const rest = counters.filter((_c, i) => !added[i])
  if (rest.length === 0) return []
  // Each unit taken carries the call's mark (at most `limit` marks a counter), so that a refusal
  // knows exactly which counters it took from and which refused.
  const mark = `m${Math.random().toString(36).slice(2, 10)}`
  const guard = (c: (typeof rest)[number]) => ({ _id: c.id, count: _.lt(c.unit.limit) })
  const res = await col
    .where(rest.length === 1 ? guard(rest[0]) : _.or(rest.map(guard)))
    .update({ data: { count: _.inc(1), [`takers.${mark}`]: true } })
  if (res.stats.updated === rest.length) return []
  // Refused, unless a counter is missing after all: read them (only on this path) to tell.
  const found = (await col.where({ _id: _.in(rest.map((c) => c.id)) }).limit(rest.length).get()).data as { _id: string; takers?: Record<string, true> }[]
  const taken = (c: (typeof rest)[number]) => found.some((f) => f._id === c.id && f.takers?.[mark])
  const missing = rest.filter((c) => !found.some((f) => f._id === c.id))
  const full = rest.filter((c) => !taken(c) && !missing.includes(c))
  if (full.length) {
    const spent = [...counters.filter((_c, i) => added[i]), ...rest.filter(taken)]
    await Promise.all(spent.filter((c) => spare.includes(c.unit)).map((c) => giveBackRateUnit(c.unit, now)))
    return full.map((c) => c.unit)
  }
  for (const c of missing) existing.delete(`rateLimits/${c.id}`)
  return takeRateUnits(
    missing.map((c) => c.unit),
    spare
  )
}

/** Gives back a unit taken by `takeRateUnits` in the same window (a call that must not spend it after all). */
export async function giveBackRateUnit(unit: RateUnit, takenAt: number): Promise<void> {
  const _ = db().command
  await db()
    .collection('rateLimits')
    .where({ _id: rateCounterId(unit, takenAt), count: _.gt(0) })
    .update({ data: { count: _.inc(-1) } })
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
