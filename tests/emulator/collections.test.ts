/**
 * Conformance: only collections that exist on the cloud can be used. The deployment creates the
 * collections declared in server/db/collections.ts; any other answers DATABASE_COLLECTION_NOT_EXIST
 * (wx-server-sdk: errCode -502005), so a missed declaration fails in tests as it would in production.
 */
import { collections } from '../../server/db/collections'
import { openEnv, rejection, type TestEnv } from './support'

let env: TestEnv

beforeEach(() => {
  env = openEnv({ collections: { ...collections, declared: { indexes: [] } } })
})

afterEach(async () => {
  await env.host.close()
})

const NOT_EXIST = -502005

describe('undeclared collections', () => {
  test('reads, counts and aggregations fail with DATABASE_COLLECTION_NOT_EXIST', async () => {
    for (const call of [
      () => env.db.collection('undeclared').get(),
      () => env.db.collection('undeclared').where({ a: 1 }).count(),
      () => env.db.collection('undeclared').doc('x').get()
    ]) {
      const error = await rejection(call())
      expect(error.errCode).toBe(NOT_EXIST)
      expect(error.errMsg).toContain('Db or Table not exist: undeclared')
    }
    // wx-server-sdk's aggregate skips the code mapping (errCode -1); the server's text still says it.
    const error = await rejection(env.db.collection('undeclared').aggregate().match({ a: 1 }).end())
    expect(error.errMsg).toContain('Db or Table not exist: undeclared')
  })

  test('writes fail too and create nothing', async () => {
    expect((await rejection(env.db.collection('undeclared').add({ data: { a: 1 } }))).errCode).toBe(NOT_EXIST)
    expect((await rejection(env.db.collection('undeclared').doc('x').set({ data: { a: 1 } }))).errCode).toBe(NOT_EXIST)
    expect((await rejection(env.db.collection('undeclared').where({ a: 1 }).update({ data: { a: 2 } }))).errCode).toBe(NOT_EXIST)
    expect((await rejection(env.db.collection('undeclared').where({ a: 1 }).remove())).errCode).toBe(NOT_EXIST)
    expect(env.host.store.hasCollection('undeclared')).toBe(false)
  })

  test('inside a transaction as well', async () => {
    const error = await rejection(env.db.runTransaction(async (tx: any) => tx.collection('undeclared').add({ data: { _id: 'x' } })))
    expect(String(error.errMsg ?? error.message)).toContain('Db or Table not exist')
  })

  test('a declared collection works even before it holds a document', async () => {
    expect((await env.db.collection('declared').get()).data).toEqual([])
    await env.db.collection('declared').add({ data: { _id: 'x' } })
    expect((await env.db.collection('declared').count()).total).toBe(1)
  })

  test('db.createCollection makes one exist, as on the cloud', async () => {
    await env.db.createCollection('created_at_runtime')
    await env.db.collection('created_at_runtime').add({ data: { _id: 'x' } })
    expect((await env.db.collection('created_at_runtime').doc('x').get()).data._id).toBe('x')
  })

  test('documents the programmatic API wrote into an undeclared collection stay out of reach', async () => {
    env.host.store.insertOne('seeded_by_mistake', { _id: 'x' })
    expect((await rejection(env.db.collection('seeded_by_mistake').get())).errCode).toBe(NOT_EXIST)
  })
})
