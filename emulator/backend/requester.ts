/**
 * The transport @cloudbase/database sends every database call through (`new Db.reqClass(config)`
 * then `send(action, params)`), answered by a local Store instead of the cloud's HTTP API.
 * Requests and replies have the cloud's shapes: queries and documents are EJSON strings, results
 * come back under `data`, and failures are thrown as errors with a string `code` (what
 * @cloudbase/node-sdk's requester throws when the server answers with a code).
 */
import { collectionNotExistError, DbError, invalidParam, newRequestId, requestFailed } from './errors'
import { WriteBlocked, type Doc, type DocId, type Store } from './store'
import { transactionsOf } from './transactions'
import { parseEJSON, resolveMarkers, toEJSON } from './values'

/** Default and maximum page sizes of `get()` in cloud functions. */
export const GET_DEFAULT_LIMIT = 100
export const GET_MAX_LIMIT = 1000
/** What an aggregation returns when its pipeline has no `$limit` stage (measured on the cloud). */
export const AGGREGATE_DEFAULT_LIMIT = 20

type Params = Record<string, any>

const SIMPLE_ID_QUERY = /^\{"_id":"([^"\\]*)"\}$/

/** Answers one SDK action against a store. */
export async function handleAction(store: Store, action: string, params: Params = {}): Promise<Params> {
  for (;;) {
    try {
      const data = dispatch(store, action, params)
      return { requestId: newRequestId(), ...data }
    } catch (error) {
      // A write outside a transaction waits for the transaction holding its document, then runs.
      if (error instanceof WriteBlocked) {
        await error.until
        continue
      }
      if (error instanceof DbError) throw error
      throw requestFailed(`[InternalError] ${(error as Error)?.message ?? String(error)}`)
    }
  }
}

/** An EJSON request field, parsed (undefined when absent). */
function parseField(store: Store, text: unknown, what: string): any {
  if (text === undefined || text === null || text === '') return undefined
  // The SDK's doc(id) query for a plain string id: skip the EJSON parser.
  const byId = typeof text === 'string' && text.length < 300 ? SIMPLE_ID_QUERY.exec(text) : null
  if (byId) return { _id: byId[1] }
  if (typeof text !== 'string') throw invalidParam(`${what} must be an EJSON string`)
  try {
    return resolveMarkers(parseEJSON(text), store.now)
  } catch (error) {
    throw invalidParam(`[InvalidParameter] cannot parse ${what}: ${(error as Error).message}`)
  }
}

function collectionNameOf(params: Params): string {
  const name = params.collectionName
  if (typeof name !== 'string' || name.length === 0) throw invalidParam('collectionName is required')
  return name
}

/** The request's collection, which must exist (as on the cloud). */
function existingCollection(store: Store, params: Params): string {
  const name = collectionNameOf(params)
  if (!store.hasCollection(name)) throw collectionNotExistError(name)
  return name
}

/** One action, answered synchronously (the store is synchronous: no other request runs meanwhile). */
function dispatch(store: Store, action: string, params: Params): Params {
  const txId: string | undefined = params.transactionId || undefined
  const tx = transactionsOf(store)
  const respectLocks = true

  switch (action) {
    case 'database.startTransaction':
      return { transactionId: tx.start() }
    case 'database.commitTransaction':
      tx.commit(params.transactionId)
      return {}
    case 'database.abortTransaction':
      tx.abort(params.transactionId)
      return {}

    case 'database.insertDocument': {
      if (!Array.isArray(params.data) || params.data.length === 0) throw invalidParam('data must be a non-empty array')
      const docs = params.data.map((text: unknown) => {
        const doc = parseField(store, text, 'data')
        if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw invalidParam('each document must be an object')
        return doc as Doc
      })
      const insertedIds = txId ? tx.insert(txId, existingCollection(store, params), docs) : store.insertBatch(existingCollection(store, params), docs, { respectLocks })
      return { data: { insertedIds } }
    }

    case 'database.getDocument': {
      const query: Doc = parseField(store, params.query, 'query') ?? {}
      const projection: Doc | undefined = parseField(store, params.projection, 'projection')
      if (txId) {
        const id = docIdOf(query, params.queryType, 'get')
        const doc = tx.get(txId, existingCollection(store, params), id)
        const list = doc ? (projection ? store.project([doc], projection).map(toEJSON) : [store.jsonFor(doc)]) : []
        return { data: { list } }
      }
      const isDoc = params.queryType === 'DOC'
      const limit = isDoc ? 1 : clampLimit(params.limit)
      const offset = isDoc ? 0 : Math.max(0, Number(params.offset) || 0)
      const sort = parseField(store, params.order, 'order')
      const docs = store.select(existingCollection(store, params), query, { sort, skip: offset, limit, projection })
      return { data: { list: docs.map((doc) => store.jsonFor(doc)), limit, offset } }
    }

    case 'database.calculateDocument':
      return { data: { total: store.count(existingCollection(store, params), parseField(store, params.query, 'query') ?? {}) } }

    case 'database.modifyDocument':
    case 'database.modifyAndReturnDoc': {
      const query: Doc = parseField(store, params.query, 'query') ?? {}
      const data = parseField(store, params.data, 'data')
      if (data === null || typeof data !== 'object' || Array.isArray(data)) throw invalidParam('data must be an object')
      const merge = params.merge !== false
      const upsert = params.upsert === true
      if (action === 'database.modifyAndReturnDoc') {
        if (txId) throw invalidParam('updateAndReturn is not supported in a transaction by the emulator')
        // The document updated is the one returned, as it is after the update (@cloudbase/database
        // query.js updateAndReturn reads `data.doc`; CloudBase's HTTP API documents `doc` as
        // "更新后的文档"): the first match is pinned by its `_id` before the update, so an update
        // of a filtered field cannot make the reply show another document or none. The three
        // store calls run without a pause, so nothing can write in between.
        const name = existingCollection(store, params)
        const target = store.select(name, query, { limit: 1 })[0]
        if (!target) return { data: { updated: 0, doc: undefined } }
        const byId = { _id: target._id }
        const result = store.modify(name, byId, data, { multi: false, merge: true, upsert: false, respectLocks })
        const doc = store.select(name, byId, { limit: 1 })[0]
        return { data: { updated: result.updated, doc: doc ? store.jsonFor(doc) : undefined } }
      }
      if (txId) {
        const id = docIdOf(query, params.queryType, 'update')
        const result = tx.modify(txId, existingCollection(store, params), id, data, { merge, upsert })
        return { data: { updated: result.updated, upsert_id: result.upsertedId } }
      }
      const multi = params.queryType === 'DOC' ? false : params.multi !== false
      const result = store.modify(existingCollection(store, params), query, data, { multi, merge, upsert, respectLocks })
      return { data: { updated: result.updated, upsert_id: result.upsertedId } }
    }

    case 'database.removeDocument': {
      const query: Doc = parseField(store, params.query, 'query') ?? {}
      if (txId) return { data: { deleted: tx.remove(txId, existingCollection(store, params), docIdOf(query, params.queryType, 'remove')) } }
      const multi = params.queryType === 'DOC' ? false : params.multi !== false
      return { data: { deleted: store.remove(existingCollection(store, params), query, multi, { respectLocks }) } }
    }

    case 'database.aggregateDocuments': {
      if (!Array.isArray(params.stages)) throw invalidParam('stages must be an array')
      const pipeline: Doc[] = params.stages.map((stage: { stageKey?: unknown; stageValue?: unknown }) => {
        if (typeof stage?.stageKey !== 'string' || !stage.stageKey.startsWith('$')) throw invalidParam('invalid aggregation stage')
        return { [stage.stageKey]: parseField(store, stage.stageValue, `${stage.stageKey} stage`) }
      })
      if (!pipeline.some((stage) => '$limit' in stage)) pipeline.push({ $limit: AGGREGATE_DEFAULT_LIMIT })
      const docs = store.runPipeline(existingCollection(store, params), pipeline)
      return { data: { list: docs.map((doc) => store.jsonFor(doc)) } }
    }

    case 'database.addCollection':
      store.createCollection(collectionNameOf(params))
      return {}

    default:
      throw invalidParam(`the local emulator does not support ${action}`)
  }
}

function clampLimit(value: unknown): number {
  const limit = Math.trunc(Math.abs(Number(value)))
  if (!Number.isFinite(limit) || limit === 0) return GET_DEFAULT_LIMIT
  return Math.min(limit, GET_MAX_LIMIT)
}

/** Transactions work on single documents by `_id` (as on the cloud: no where() inside one). */
function docIdOf(query: Doc, queryType: unknown, what: string): DocId {
  const id = query?._id
  if (queryType !== 'DOC' || (typeof id !== 'string' && typeof id !== 'number') || Object.keys(query).length !== 1) {
    throw requestFailed(
      `[InvalidParameter] a transaction only supports single-document operations by _id (collection.doc(id).${what}, collection.add); where() is not supported in a transaction`
    )
  }
  return id
}
