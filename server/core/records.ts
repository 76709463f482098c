import { db, type TransactionRef } from './db'
import { errorText, notFound } from './errors'

/** Reads one document by `_id`, or null. */
export async function findById<T>(collection: string, id: string): Promise<T | null> {
  const res = await db().collection(collection).where({ _id: id }).limit(1).get()
  return (res.data[0] as T | undefined) ?? null
}

/** Reads one document by `_id`, or throws NOT_FOUND with the thing's Chinese name. */
export async function getById<T>(collection: string, id: string, what: string): Promise<T> {
  const doc = await findById<T>(collection, id)
  if (!doc) throw notFound(what)
  return doc
}

/**
 * A document read inside a transaction, or null: wx-server-sdk's `doc(id).get()` rejects for a
 * missing document. A transaction that is itself gone (expired, or aborted by a conflict) still
 * fails, so that the conflict is retried rather than read as "missing".
 */
export async function txGet<T>(tx: TransactionRef, collection: string, id: string): Promise<T | null> {
  try {
    const res = await tx.collection(collection).doc(id).get()
    return (res.data as T | null) ?? null
  } catch (error) {
    const text = errorText(error)
    if (/does not exist/i.test(text) && !/TransactionNotExist|Transaction does not exist/i.test(text)) return null
    throw error
  }
}

/** Names of documents by id, read in one query (for labelling lists). */
export async function namesById(collection: string, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter(Boolean))]
  const names = new Map<string, string>()
  if (unique.length === 0) return names
  const _ = db().command
  for (let i = 0; i < unique.length; i += 100) {
    const res = await db().collection(collection).where({ _id: _.in(unique.slice(i, i + 100)) }).field({ name: true }).limit(100).get()
    for (const doc of res.data as { _id: string; name: string }[]) names.set(doc._id, doc.name)
  }
  return names
}
