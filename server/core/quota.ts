/**
 * Guarded counters: per-person-per-day allowances in `dailyQuotas` (photo uploads of tickets and
 * centres) and the shell's rate limits in `rateLimits` (server/core/rateLimits.ts; a row's `perDay`,
 * the daily allowance of reports and wishes, is one of its buckets). Neither can ever pass its
 * limit however many calls run at once: the write that takes a unit is guarded by the limit.
 *
 * `dailyQuotas`: a counter document per key and day (`takeGuardedUnit`), created by the first call
 * (a duplicate `_id` fails for the others) and `_.inc(1)`-ed guarded by `count < limit`; the
 * instance remembers the counters it has seen exist, so a later call goes straight to the update.
 *
 * `rateLimits` (issue #15: 1 round trip per call, a new minute or day included): ONE persistent
 * document per limit and subject — `<key>:p:<openid>` (the person's minute AND day units),
 * `<key>:c:<community>`, `<key>:anon` — instead of one per window, which cost an insert per
 * counter whenever a window was new (a real person is nearly always new to a minute). Each unit is
 * an array of the elements of the calls that took it (`<window key>~<call mark>`), kept to its last
 * `limit` by `$push … $slice`: a call may take the unit when fewer than `limit` are kept or the
 * oldest kept is from an earlier window. So the guard and the write are the same whatever the
 * window, the document never grows past its limits and needs no pruning (no window-keyed fields
 * to remove), the mark in the arrays tells exactly which documents a call took from, and a spare
 * unit is given back by pulling its own element. Existing documents are taken by one guarded
 * `_.or` update; a missing one (a person's first call of that action, or a day after their last:
 * `expireAt` for a TTL index) is added carrying the call's elements. Which exist: a call with
 * several buckets (a compound's, a daily allowance: tickets.create, wishes.create) reads its
 * documents with the withFirstRead first read (no round trip of its own); a call with only the
 * person's bucket takes it alongside the identity / first read (no added wait: taking it after
 * the read slowed the 200-person sign-up crowd past its timeout), guided by the documents this
 * instance has seen (a hint: the guarded writes decide). Round trips: 1; 2 on a person's first
 * call when a compound's bucket is taken too, or on an instance new to a person who has a
 * document (the add fails as a duplicate, then the update); a refusal known from the read: 0.
 * Rejected alternatives: window-keyed count fields `_.inc`-ed under an `_.or(lt, exists(false))`
 * guard need the stale fields removed by name (known only after a read) and marks kept apart; a
 * `{window, count}` field needs a reset-or-inc that one update cannot express.
 */
import { db, isDuplicateKey } from './db'
import { AppError } from './errors'
import { clock } from './clock'
import { shanghai } from './time'
import type { Part } from './together'

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
 * `c:<communityId>`, `anon`) in the current `window` (a single unit: see takeRateUnits).
 */
export async function takeRateUnit(key: string, subject: string, limit: number, window: RateWindow): Promise<boolean> {
  return (await takeRateUnits([{ key, subject, limit, window }])).full.length === 0
}

export interface RateUnit {
  key: string
  subject: string
  limit: number
  window: RateWindow
}

/** A rate counter document as read (`rateDocPart`): one array of taken units per subject kind and window. */
export type RateDoc = Record<string, unknown>
/** Rate counter documents read with the caller, by `_id` (null: read, and missing). Others are unknown. */
export type KnownRateDocs = Map<string, RateDoc | null>

/** The counter document of a unit: one per limit and subject, for every window (`<key>:<subject>`). */
export const rateDocId = (unit: Pick<RateUnit, 'key' | 'subject'>): string => `${unit.key}:${unit.subject}`

/** The read of a counter document as a part of a combined read (server/core/together.ts). */
export const rateDocPart = (id: string): Part => ({ collection: 'rateLimits', build: (p) => p.match({ _id: id }).limit(1) })

/**
 * The array of a unit in its document: named by the subject's kind and the window (`p_minute`,
 * `p_day`, `c_minute`, `anon_minute`), so that one update pushing every unit of a call to every
 * document it matches gives each unit its own array and slice (see takeRateUnits).
 */
export const rateField = (unit: Pick<RateUnit, 'subject' | 'window'>): string => `${unit.subject.split(':')[0]}_${unit.window}`

/** The element a call pushes: its window, then its mark (`2026-11-27T09:30~m1a2b3c4`): sorts after the window's key, before the next's. */
const elementOf = (unit: RateUnit, at: number, mark: string) => `${windowKey(unit.window, at)}~${mark}`

/** A unit is open in a document when its array holds fewer than `limit` elements or the oldest of them is from an earlier window (the guard below, in JS). */
function isOpen(doc: RateDoc, unit: RateUnit, at: number): boolean {
  const list = doc[rateField(unit)]
  if (!Array.isArray(list)) return true
  return list[unit.limit - 1] === undefined || String(list[0]) < windowKey(unit.window, at)
}

/** The result of takeRateUnits: the units that refused (none: all taken), and what gives back a spare unit. */
export interface RateTaking {
  full: RateUnit[]
  /** The call's mark and instant (giveBackRateUnit). */
  mark: string
  at: number
}

const MAX_ROUNDS = 3

/**
 * One unit of each of several rate limits, all or refused. The units of one subject share its
 * counter document (`<key>:<subject>`: a person's minute and day, a compound's minute); each unit
 * is an array of the elements of the calls that took it, at most `limit` long (`$push` with
 * `$slice: -limit`), so a document never grows and never needs pruning, whatever the window. A
 * unit is open when its array is shorter than `limit`, or its oldest element is from an earlier
 * window (then at most `limit - 1` of the kept ones are of this window): one guarded update takes
 * every unit of every existing document at once, a new window included — 1 round trip. A
 * document found missing (`known`: read with the caller; else this instance has not seen it) is
 * added carrying the call's elements (a person's first call: 1, or 2 with a compound's update; a
 * duplicate goes to the update next); `known` documents already full refuse without a write.
 * Fewer documents updated than asked means a full (or missing) one: as many short as documents
 * not read are added straight away, else a read tells which (the call's mark is in the arrays it
 * took; one open again meanwhile decides again). The units taken by that update stay spent, as a refused
 * call's units always are, except the `spare` ones (a daily allowance counts calls that succeed),
 * pulled out again. Within one document the units are all or none: a person refused by their day's
 * allowance spends no minute unit.
 */
export async function takeRateUnits(units: RateUnit[], options: { spare?: RateUnit[]; known?: KnownRateDocs } = {}): Promise<RateTaking> {
  const at = clock.now()
  const mark = `m${Math.random().toString(36).slice(2, 10)}`
  const closed = units.filter((u) => u.limit < 1)
  if (closed.length) return { full: closed, mark, at }
  const docs = new Map<string, RateUnit[]>()
  for (const unit of units) {
    const id = rateDocId(unit)
    const list = docs.get(id) ?? []
    if (list.some((u) => rateField(u) === rateField(unit))) throw new Error(`rate limit ${id}: two units of one window`)
    docs.set(id, [...list, unit])
  }
  // Not read with the caller: the documents this instance has not seen are added first (a fresh
  // person's, in one round trip; a duplicate then goes to the update), the others updated.
  const known: KnownRateDocs = new Map(options.known)
  for (const id of docs.keys()) if (!known.has(id) && !existing.has(`rateLimits/${id}`)) known.set(id, null)
  // Known to be full (read with the caller a moment ago): refused, nothing written.
  const knownFull = [...docs].flatMap(([id, list]) => {
    const doc = known.get(id)
    return doc ? list.filter((u) => !isOpen(doc, u, at)) : []
  })
  if (knownFull.length) return { full: knownFull, mark, at }
  const col = db().collection('rateLimits')
  const _ = db().command
  const spanMs = Math.max(...units.map((u) => WINDOW_MS[u.window]))
  const expireAt = () => new Date(at + spanMs + WINDOW_MS.day)
  // Every unit's element, pushed to every matched document: a unit's array in another subject's
  // document (a compound's `p_day`) is never looked at and is bounded by its slice too.
  const pushes = Object.fromEntries(units.map((u) => [rateField(u), _.push({ each: [elementOf(u, at, mark)], slice: -u.limit })]))
  const guard = (id: string) => {
    const conditions = docs.get(id)!.map((u) => _.or([{ [`${rateField(u)}.${u.limit - 1}`]: _.exists(false) }, { [`${rateField(u)}.0`]: _.lt(windowKey(u.window, at)) }]))
    return _.and([{ _id: id }, ...conditions])
  }
  const update = async (ids: string[]): Promise<number> => {
    if (!ids.length) return 0
    // Several documents: each matched only by its own guard (the `_id` list first, for the index).
    const where = ids.length === 1 ? guard(ids[0]) : _.and([{ _id: _.in(ids) }, _.or(ids.map(guard))])
    const res = await col.where(where).update({ data: { ...pushes, expireAt: expireAt() } })
    return res.stats.updated
  }
  const add = async (id: string): Promise<boolean> => {
    const list = docs.get(id)!
    try {
      await col.add({
        data: { _id: id, key: list[0].key, subject: list[0].subject, ...Object.fromEntries(list.map((u) => [rateField(u), [elementOf(u, at, mark)]])), expireAt: expireAt(), createdAt: clock.date() }
      })
      return true
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
      return false
    }
  }
  const taken = new Set<string>()
  const full: RateUnit[] = []
  let updating = [...docs.keys()].filter((id) => known.get(id) !== null)
  let adding = [...docs.keys()].filter((id) => known.get(id) === null)
  for (let round = 0; round < MAX_ROUNDS && (updating.length || adding.length); round++) {
    const [updated, added] = await Promise.all([update(updating), Promise.all(adding.map(add))])
    adding.forEach((id, i) => added[i] && taken.add(id))
    // Added meanwhile by another call: the guarded update decides, next round.
    const existed = adding.filter((_id, i) => !added[i])
    const missing: string[] = []
    let unsure = updating
    if (updated < updating.length) {
      // As many short as documents not read with the caller (a compound found from the caller's
      // profile, the anonymous bucket): most likely those are missing, so they are added straight
      // away. Each add that succeeds shows its document was missing, so the update's matches were
      // all others; a duplicate sends every document to the read below.
      const unread = updating.filter((id) => !known.has(id))
      if (unread.length && updating.length - updated === unread.length) {
        const addedNow = await Promise.all(unread.map(add))
        unread.forEach((id, i) => addedNow[i] && taken.add(id))
        unsure = addedNow.every(Boolean) ? [] : updating.filter((id) => !taken.has(id))
      }
    } else unsure = []
    updating.filter((id) => !unsure.includes(id)).forEach((id) => taken.add(id))
    if (unsure.length) {
      // Some refused (or went missing): read them to tell (only on this path).
      const found = (await col.where({ _id: _.in(unsure) }).limit(unsure.length).get()).data as RateDoc[]
      for (const id of unsure) {
        const doc = found.find((d) => d._id === id)
        const list = docs.get(id)!
        if (!doc) missing.push(id)
        else if ((doc[rateField(list[0])] as unknown[] | undefined)?.includes(elementOf(list[0], at, mark))) taken.add(id)
        else {
          const refusing = list.filter((u) => !isOpen(doc, u, at))
          // Open again already (a unit given back meanwhile): it decides again, next round.
          if (refusing.length) full.push(...refusing)
          else existed.push(id)
        }
      }
    }
    if (full.length) break
    updating = existed
    adding = missing
  }
  // Still unsettled after a few rounds (documents removed and added again meanwhile): refused.
  const unsettled = [...docs.keys()].filter((id) => !taken.has(id))
  if (!full.length && unsettled.length) full.push(...unsettled.flatMap((id) => docs.get(id)!))
  if (full.length) {
    const spare = (options.spare ?? []).filter((u) => taken.has(rateDocId(u)))
    await Promise.all(spare.map((u) => giveBackRateUnit(u, { mark, at })))
  }
  // Taken or refused, they exist (a hint for this instance's next calls).
  for (const id of docs.keys()) remember(`rateLimits/${id}`)
  return { full, mark, at }
}

/** Gives back a unit taken by `takeRateUnits` (a call that must not spend it after all): its element is pulled out of its array. */
export async function giveBackRateUnit(unit: RateUnit, taking: Pick<RateTaking, 'mark' | 'at'>): Promise<void> {
  const _ = db().command
  await db()
    .collection('rateLimits')
    .where({ _id: rateDocId(unit) })
    .update({ data: { [rateField(unit)]: _.pull(elementOf(unit, taking.at, taking.mark)) } })
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
