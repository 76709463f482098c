/**
 * Database helpers of the centres domain: transactions (with the SDK's quirks handled in one
 * place), the district-wide booking settings, and suspensions.
 */
import { DEFAULT_SETTINGS, type CenterSettings } from '../../src/contracts/centers'
import { clock } from '../core/clock'
import { db, type TransactionRef, isDuplicateKey } from '../core/db'
import { AppError, isTransactionConflict } from '../core/errors'
import { transaction } from '../core/transaction'
import { findById } from '../core/records'
import { COLL, type SuspensionDoc } from './model'

const messageOf = (error: unknown): string => {
  const e = error as { errMsg?: string; message?: string } | undefined
  return String(e?.errMsg ?? e?.message ?? error)
}

/** wx-server-sdk's `doc(id).get()` throws for a missing document (even in a transaction). */
export const isNotFound = (error: unknown) => /does not exist/.test(messageOf(error)) && !/TransactionNotExist|Transaction does not exist/i.test(messageOf(error))

/** A document read inside a transaction, or null. */
export async function txGet<T>(tx: TransactionRef, collection: string, id: string): Promise<T | null> {
  try {
    const res = await tx.collection(collection).doc(id).get()
    return (res.data as T | null) ?? null
  } catch (error) {
    if (isNotFound(error)) return null
    throw error
  }
}

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
