/**
 * Database helpers of the centres domain: transactions (with the SDK's quirks handled in one
 * place), the district-wide booking settings, and suspensions.
 */
import { DEFAULT_SETTINGS, type CenterSettings } from '../../contracts/centers'
import { clock } from '../core/clock'
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
export async function inTransaction<T>(work: (tx: TransactionRef) => Promise<T>, conflictMessage = '该时段刚刚被预约，请选择其他时段'): Promise<T> {
  try {
    return await transaction(work, { rounds: 6 })
  } catch (error) {
    if (error instanceof AppError) throw error
    if (isDuplicateKey(error) || isTransactionConflict(error)) throw new AppError('CONFLICT', conflictMessage)
    throw error
  }
}

const SETTINGS_ID = 'centers'

export async function loadSettings(): Promise<CenterSettings> {
  const doc = await findById<Partial<CenterSettings>>(COLL.settings, SETTINGS_ID)
  return {
    noShowLimit: doc?.noShowLimit ?? DEFAULT_SETTINGS.noShowLimit,
    noShowWindowDays: doc?.noShowWindowDays ?? DEFAULT_SETTINGS.noShowWindowDays,
    suspensionDays: doc?.suspensionDays ?? DEFAULT_SETTINGS.suspensionDays,
    checkInMinutes: doc?.checkInMinutes ?? DEFAULT_SETTINGS.checkInMinutes
  }
}

export async function saveSettings(patch: Partial<CenterSettings>, actor: string): Promise<CenterSettings> {
  const current = await loadSettings()
  const next = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) }
  await db()
    .collection(COLL.settings)
    .doc(SETTINGS_ID)
    .set({ data: { ...next, updatedAt: clock.date(), updatedBy: actor } })
  return next
}

/** The caller's booking suspension end, if one is in force. */
export async function activeSuspension(openid: string): Promise<Date | null> {
  const doc = await findById<SuspensionDoc>(COLL.suspensions, openid)
  return doc && doc.until.getTime() > clock.now() ? doc.until : null
}
