/**
 * Database helpers of the centres domain: transactions (with the SDK's quirks handled in one
 * place), the district-wide booking settings, and suspensions.
 */
import { DEFAULT_SETTINGS, type CenterSettings } from '../../contracts/centers'
import { clock } from '../core/clock'
import { DAY_MS } from './calendar'
import { db, type TransactionRef, isDuplicateKey } from '../core/db'
import { AppError, isTransactionConflict } from '../core/errors'
import { transaction } from '../core/transaction'
import { findById } from '../core/records'
import { COLL, type SuspensionDoc } from './model'

/**
 * Runs `work` in a database transaction (single documents by `_id`; the callback may run again
 * on a conflict — server/core/transaction.ts — so it reads everything it decides on inside and
 * writes what it read). AppErrors pass through; a duplicate `_id` or a conflict that outlived the
 * retries become CONFLICT.
 */
export async function inTransaction<T>(work: (tx: TransactionRef) => Promise<T>, conflictMessage = '该时段刚刚被预约，请选择其他时段', options: { rounds?: number } = {}): Promise<T> {
  try {
    return await transaction(work, { rounds: options.rounds ?? 6 })
  } catch (error) {
    if (error instanceof AppError) throw error
    if (isDuplicateKey(error) || isTransactionConflict(error)) throw new AppError('CONFLICT', conflictMessage)
    throw error
  }
}

const SETTINGS_ID = 'centers'

export const SETTINGS_DOC_ID = SETTINGS_ID

export async function loadSettings(): Promise<CenterSettings> {
  return settingsOf(await findById<Partial<CenterSettings>>(COLL.settings, SETTINGS_ID))
}

/** The district rules from the stored document (defaults where unset). */
export function settingsOf(doc: Partial<CenterSettings> | null | undefined): CenterSettings {
  return {
    noShowLimit: doc?.noShowLimit ?? DEFAULT_SETTINGS.noShowLimit,
    noShowWindowDays: doc?.noShowWindowDays ?? DEFAULT_SETTINGS.noShowWindowDays,
    suspensionDays: doc?.suspensionDays ?? DEFAULT_SETTINGS.suspensionDays,
    checkInMinutes: doc?.checkInMinutes ?? DEFAULT_SETTINGS.checkInMinutes
  }
}

export async function saveSettings(patch: Partial<CenterSettings>, actor: string, known?: CenterSettings): Promise<CenterSettings> {
  const current = known ?? (await loadSettings())
  const next = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) }
  await db()
    .collection(COLL.settings)
    .doc(SETTINGS_ID)
    .set({ data: { ...next, updatedAt: clock.date(), updatedBy: actor } })
  return next
}

/** How far back no-shows can matter: the longest window plus the longest suspension (settingsSchema). */
export const NO_SHOW_LOOKBACK_MS = (365 + 365) * DAY_MS
/** No-shows read per evaluation (newest first): far more than any limit (≤ 20) needs. */
const NO_SHOW_READ = 100

/**
 * The caller's booking suspension end, if one is in force, judged from the record of no-shows
 * itself — not only from what the sweep decided when it released them (no-shows imported, seeded,
 * or released by a sweep that stopped before suspending count too).
 *
 * The rule ("`noShowLimit` no-shows within `noShowWindowDays` suspend booking for
 * `suspensionDays`") is replayed over the no-shows since the last stored suspension began: a
 * suspension starts when a no-show (at its start + the check-in grace) completes the limit inside
 * the window while the resident is not already suspended; no-shows before a suspension's start
 * never count again. A suspension found this way is stored (bookingSuspensions/<openid>) so the
 * sweep and the lists see it.
 *
 * Cost: three reads at once (the stored suspension, the settings unless given, the resident's
 * latest no-shows — an indexed query on openid + status), plus one write when a suspension is found.
 */
export async function suspensionOf(openid: string, known?: CenterSettings | Promise<CenterSettings>): Promise<Date | null> {
  return (await evaluateSuspension(openid, known)).until
}

/**
 * The one rule, for the lists and bookings (`suspensionOf`, context.ts) and for the sweep after it
 * released no-shows (lifecycle.ts `suspendAfterNoShows`), all judged by `judgeSuspension`: `until`
 * is the end of the suspension in force, if any; `found` says it was derived (and stored) by this
 * evaluation rather than already stored.
 *
 * A no-show counts from when it was released: the sweep's release time (its `updatedAt`), never
 * earlier than its start + the check-in grace (imported no-shows carry no release).
 */
export async function evaluateSuspension(openid: string, known?: CenterSettings | Promise<CenterSettings>): Promise<{ until: Date | null; found: boolean }> {
  const [doc, settings, noShows] = await Promise.all([
    findById<SuspensionDoc>(COLL.suspensions, openid),
    known ?? loadSettings(),
    db()
      .collection(COLL.bookings)
      .where(noShowsWhere(openid))
      .orderBy('start', 'desc')
      .field({ start: true, updatedAt: true })
      .limit(NO_SHOW_READ)
      .get()
      .then((r) => r.data as NoShowRecord[])
  ])
  return settleSuspension(openid, doc, settings, noShows)
}

export type NoShowRecord = { start: Date; updatedAt?: Date }

/** The resident's no-shows that can still matter (store.ts NO_SHOW_LOOKBACK_MS), for `judgeSuspension`. */
export function noShowsWhere(openid: string | { in: string[] }): Record<string, unknown> {
  const _ = db().command
  return { openid: typeof openid === 'string' ? openid : _.in(openid.in), status: 'no_show', start: _.gt(new Date(clock.now() - NO_SHOW_LOOKBACK_MS)) }
}
export { NO_SHOW_READ }

/** `judgeSuspension`, and the suspension it found stored (the only write, and a rare one). */
export async function settleSuspension(openid: string, doc: SuspensionDoc | null | undefined, settings: CenterSettings, noShows: NoShowRecord[]): Promise<{ until: Date | null; found: boolean }> {
  const judged = judgeSuspension(doc ?? null, settings, noShows)
  if (judged.store) {
    await db()
      .collection(COLL.suspensions)
      .doc(openid)
      .set({ data: judged.store })
  }
  return { until: judged.until, found: judged.found }
}

/** The rule itself, on what was read (no database): see `suspensionOf`. */
export function judgeSuspension(doc: SuspensionDoc | null, settings: CenterSettings, noShows: NoShowRecord[]): { until: Date | null; found: boolean; store?: { until: Date; noShows: number; since: Date } } {
  const now = clock.now()
  const grace = settings.checkInMinutes * 60_000
  const window = settings.noShowWindowDays * DAY_MS
  let since = doc ? new Date(doc.since).getTime() : -Infinity
  let until = doc ? new Date(doc.until).getTime() : -Infinity
  let found: { since: number; until: number; noShows: number } | null = null
  const records = noShows
    .map((b) => {
      const t = new Date(b.start).getTime()
      return { t, at: Math.max(t + grace, b.updatedAt ? new Date(b.updatedAt).getTime() : -Infinity) }
    })
    .filter((r) => r.t > since && r.t <= now)
    .sort((a, b) => a.t - b.t)
  const times = records.map((r) => r.t)
  for (const [i, { t, at }] of records.entries()) {
    if (at > now || at < until) continue // not yet released, or already suspended then
    const counted = times.slice(0, i + 1).filter((x) => x > since && x > t - window).length
    if (counted < settings.noShowLimit) continue
    since = at
    until = at + settings.suspensionDays * DAY_MS
    found = { since, until, noShows: counted }
  }
  if (until <= now) return { until: null, found: false }
  return {
    until: new Date(until),
    found: found !== null,
    store: found ? { until: new Date(found.until), noShows: found.noShows, since: new Date(found.since) } : undefined
  }
}
