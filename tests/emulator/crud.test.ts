/** Conformance: single-document operations through the real wx-server-sdk. */
import { openEnv, rejection, type TestEnv } from './support'

let env: TestEnv

beforeEach(() => {
  env = openEnv()
})

afterEach(async () => {
  await env.host.close()
})

describe('add', () => {
  test('without _id generates a 32-character hex id', async () => {
    const res = await env.db.collection('things').add({ data: { name: 'a' } })
    expect(res._id).toMatch(/^[0-9a-f]{32}$/)
    expect(res.errMsg).toBe('collection.add:ok')
    const { data } = await env.db.collection('things').doc(res._id).get()
    expect(data).toEqual({ _id: res._id, name: 'a' })
  })

  test('with _id keeps it', async () => {
    const res = await env.db.collection('things').add({ data: { _id: 'room-1@0900', name: 'b' } })
    expect(res._id).toBe('room-1@0900')
    expect((await env.db.collection('things').doc('room-1@0900').get()).data.name).toBe('b')
  })

  test('an array adds every document', async () => {
    const res = await env.db.collection('things').add({ data: [{ n: 1 }, { n: 2 }] })
    expect(res._ids).toHaveLength(2)
    expect((await env.db.collection('things').count()).total).toBe(2)
  })

  test('a duplicate _id is rejected like on the cloud and nothing changes', async () => {
    await env.db.collection('things').add({ data: { _id: 'x', v: 1 } })
    const error = await rejection(env.db.collection('things').add({ data: { _id: 'x', v: 2 } }))
    expect(error.errCode).toBe(-502001)
    expect(error.message).toContain('collection.add:fail -502001')
    expect(error.message).toContain('duplicate key')
    expect((await env.db.collection('things').doc('x').get()).data.v).toBe(1)
  })

  test('a unique index rejects a second document with the same key', async () => {
    await env.db.collection('users').add({ data: { openid: 'o-1', name: 'A' } })
    const error = await rejection(env.db.collection('users').add({ data: { openid: 'o-1', name: 'B' } }))
    expect(error.errCode).toBe(-502001)
    expect(error.message).toContain('duplicate key')
    expect(error.message).toContain('openid_1')
    expect((await env.db.collection('users').count()).total).toBe(1)
    await env.db.collection('users').add({ data: { openid: 'o-2', name: 'B' } })
    expect((await env.db.collection('users').count()).total).toBe(2)
  })

  test('a compound unique index allows the same value in one field only', async () => {
    const slots = env.db.collection('slots')
    await slots.add({ data: { room: 'r1', start: 900 } })
    await slots.add({ data: { room: 'r1', start: 1000 } })
    await slots.add({ data: { room: 'r2', start: 900 } })
    expect((await rejection(slots.add({ data: { room: 'r1', start: 900 } }))).message).toContain('duplicate key')
  })

  test('a batch with one duplicate inserts nothing', async () => {
    await env.db.collection('things').add({ data: { _id: 'taken' } })
    await rejection(env.db.collection('things').add({ data: [{ _id: 'new-1' }, { _id: 'taken' }] }))
    expect((await env.db.collection('things').count()).total).toBe(1)
  })
})

describe('doc()', () => {
  test('get of a missing document rejects (throwOnNotFound, the SDK default)', async () => {
    const error = await rejection(env.db.collection('things').doc('nope').get())
    expect(error.message).toContain('does not exist')
  })

  test('field() projects a document', async () => {
    await env.db.collection('things').add({ data: { _id: 'p', a: 1, b: 2, c: { d: 3, e: 4 } } })
    const { data } = await env.db.collection('things').doc('p').field({ a: true, 'c.d': true }).get()
    expect(data).toEqual({ _id: 'p', a: 1, c: { d: 3 } })
  })

  test('set replaces the whole document, or creates it', async () => {
    const things = env.db.collection('things')
    await things.add({ data: { _id: 's', a: 1, b: 2 } })
    const replaced = await things.doc('s').set({ data: { c: 3 } })
    expect(replaced.stats).toEqual({ updated: 1, created: 0 })
    expect((await things.doc('s').get()).data).toEqual({ _id: 's', c: 3 })
    const created = await things.doc('fresh').set({ data: { z: 1 } })
    expect(created.stats).toEqual({ updated: 0, created: 1 })
    expect((await things.doc('fresh').get()).data).toEqual({ _id: 'fresh', z: 1 })
  })

  test('update merges fields (nested objects by path) and reports updated', async () => {
    const things = env.db.collection('things')
    await things.add({ data: { _id: 'u', a: 1, nested: { x: 1, y: 2 } } })
    const res = await things.doc('u').update({ data: { b: 2, nested: { y: 20 } } })
    expect(res.stats.updated).toBe(1)
    expect((await things.doc('u').get()).data).toEqual({ _id: 'u', a: 1, b: 2, nested: { x: 1, y: 20 } })
  })

  test('update of a missing document updates nothing', async () => {
    const res = await env.db.collection('things').doc('ghost').update({ data: { a: 1 } })
    expect(res.stats.updated).toBe(0)
    expect((await env.db.collection('things').count()).total).toBe(0)
  })

  test('update that changes nothing reports updated 0 (like MongoDB modifiedCount)', async () => {
    await env.db.collection('things').add({ data: { _id: 'same', a: 1 } })
    expect((await env.db.collection('things').doc('same').update({ data: { a: 1 } })).stats.updated).toBe(0)
  })

  test('update that breaks a unique index is rejected', async () => {
    await env.db.collection('users').add({ data: { _id: 'u1', openid: 'o-1' } })
    await env.db.collection('users').add({ data: { _id: 'u2', openid: 'o-2' } })
    const error = await rejection(env.db.collection('users').doc('u2').update({ data: { openid: 'o-1' } }))
    expect(error.message).toContain('duplicate key')
    expect((await env.db.collection('users').doc('u2').get()).data.openid).toBe('o-2')
    // Changing the indexed field of the same document to a free value is fine.
    await env.db.collection('users').doc('u1').update({ data: { openid: 'o-3' } })
    await env.db.collection('users').doc('u2').update({ data: { openid: 'o-1' } })
  })

  test('remove deletes one document', async () => {
    await env.db.collection('things').add({ data: { _id: 'r' } })
    expect((await env.db.collection('things').doc('r').remove()).stats.removed).toBe(1)
    expect((await env.db.collection('things').doc('r').remove()).stats.removed).toBe(0)
    expect((await env.db.collection('things').count()).total).toBe(0)
  })
})

describe('update operators', () => {
  beforeEach(async () => {
    await env.db.collection('ops').add({ data: { _id: 'o', n: 10, m: 3, tags: ['a', 'b'], nums: [1, 5, 9], gone: true, deep: { k: 1 } } })
  })

  const after = async () => (await env.db.collection('ops').doc('o').get()).data

  test('inc, mul, set, remove', async () => {
    const _ = env._
    await env.db.collection('ops').doc('o').update({ data: { n: _.inc(-3), m: _.mul(2), deep: _.set({ z: 1 }), gone: _.remove(), fresh: _.inc(1) } })
    expect(await after()).toEqual({ _id: 'o', n: 7, m: 6, tags: ['a', 'b'], nums: [1, 5, 9], deep: { z: 1 }, fresh: 1 })
  })

  test('push, pull, addToSet', async () => {
    const _ = env._
    await env.db.collection('ops').doc('o').update({ data: { tags: _.push(['c', 'd']), nums: _.pull(_.gt(4)) } })
    await env.db.collection('ops').doc('o').update({ data: { tags: _.addToSet('a') } })
    await env.db.collection('ops').doc('o').update({ data: { tags: _.addToSet({ each: ['a', 'e'] }) } })
    const doc = await after()
    expect(doc.tags).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(doc.nums).toEqual([1])
  })

  test('an operator on the wrong type fails with a database error', async () => {
    const error = await rejection(env.db.collection('ops').doc('o').update({ data: { tags: env._.inc(1) } }))
    expect(error.errCode).toBe(-502001)
  })
})

describe('dates', () => {
  test('Date values round-trip as Date', async () => {
    const when = new Date('2026-03-01T08:30:00.000Z')
    await env.db.collection('things').add({ data: { _id: 'd', when, list: [when], nested: { when } } })
    const { data } = await env.db.collection('things').doc('d').get()
    expect(data.when).toBeInstanceOf(Date)
    expect(data.when.getTime()).toBe(when.getTime())
    expect(data.list[0]).toBeInstanceOf(Date)
    expect(data.nested.when).toBeInstanceOf(Date)
    const found = await env.db.collection('things').where({ when: env._.gte(new Date('2026-01-01')) }).get()
    expect(found.data).toHaveLength(1)
  })

  test('serverDate() is the backend clock plus offset, on add, update and in queries', async () => {
    const { db, clock } = env
    await db.collection('things').add({ data: { _id: 's', at: db.serverDate(), later: db.serverDate({ offset: 60_000 }) } })
    let { data } = await db.collection('things').doc('s').get()
    expect(data.at).toBeInstanceOf(Date)
    expect(data.at.getTime()).toBe(clock.now)
    expect(data.later.getTime()).toBe(clock.now + 60_000)
    const before = clock.now
    clock.now += 3_600_000
    await db.collection('things').doc('s').update({ data: { at: db.serverDate() } })
    ;({ data } = await db.collection('things').doc('s').get())
    expect(data.at.getTime()).toBe(before + 3_600_000)
    const expired = await db.collection('things').where({ later: env._.lt(db.serverDate()) }).count()
    expect(expired.total).toBe(1)
  })
})
