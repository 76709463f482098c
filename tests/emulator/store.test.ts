/** The store's own programmatic API (used by the seed script and test assertions). */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Store } from '../../emulator/backend/store'
import { TEST_COLLECTIONS } from './support'

let dir: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'emulator-store-'))
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

test('insert, get, find, count, update, replace, delete', () => {
  const store = new Store({ collections: TEST_COLLECTIONS })
  store.insertMany('things', [{ _id: 'a', n: 1 }, { n: 2 }])
  expect(store.insertOne('things', { n: 3, tag: 'x' })).toMatch(/^[0-9a-f]{32}$/)
  expect(store.find('things', { n: 2 })[0]._id).toMatch(/^[0-9a-f]{32}$/)
  expect(store.count('things')).toBe(3)
  expect(store.count('things', { n: { $gte: 2 } })).toBe(2)
  expect(store.find('things', {}, { sort: { n: -1 }, limit: 2 }).map((doc) => doc.n)).toEqual([3, 2])
  expect(store.findOne('things', { tag: 'x' })?.n).toBe(3)
  expect(store.updateMany('things', { n: { $lt: 3 } }, { $inc: { n: 10 } })).toBe(2)
  expect(store.updateOne('things', { _id: 'a' }, { label: 'first' })).toBe(1)
  expect(store.get('things', 'a')).toEqual({ _id: 'a', n: 11, label: 'first' })
  expect(store.replaceOne('things', 'a', { only: true })).toEqual({ updated: 1, matched: 1, upsertedId: undefined })
  expect(store.replaceOne('things', 'b', { fresh: true }).upsertedId).toBe('b')
  expect(store.get('things', 'a')).toEqual({ _id: 'a', only: true })
  expect(store.deleteMany('things', { n: { $exists: true } })).toBe(2)
  expect(store.deleteOne('things', { _id: 'b' })).toBe(1)
  expect(store.find('things').map((doc) => doc._id)).toEqual(['a'])
  expect(store.aggregate('things', [{ $project: { _id: 0, only: 1 } }])).toEqual([{ only: true }])
  store.close()
})

test('reads are copies: mutating a result never changes the store', () => {
  const store = new Store()
  store.insertOne('things', { _id: 'a', nested: { n: 1 }, list: [1] })
  const doc = store.get('things', 'a') as any
  doc.nested.n = 99
  doc.list.push(2)
  store.find('things')[0].nested.n = 98
  expect(store.get('things', 'a')).toEqual({ _id: 'a', nested: { n: 1 }, list: [1] })
  store.close()
})

test('the planner uses _id and declared indexes, and scans otherwise', () => {
  const store = new Store({ collections: TEST_COLLECTIONS })
  store.insertMany('members', Array.from({ length: 100 }, (_, i) => ({ _id: `m${i}`, openid: `o${i}`, community: `k${i % 5}`, role: i % 2 ? 'admin' : 'member' })))
  expect(store.explain('members', { _id: 'm3' })).toEqual({ plan: 'id', candidates: 1 })
  expect(store.explain('members', { _id: { $in: ['m1', 'm2', 'nope'] } })).toEqual({ plan: 'id', candidates: 2 })
  expect(store.explain('members', { openid: 'o7' })).toEqual({ plan: 'index', index: 'openid_1', candidates: 1 })
  expect(store.explain('members', { community: 'k1', role: 'admin' })).toMatchObject({ plan: 'index', index: 'community_1_role_1', candidates: 10 })
  expect(store.explain('members', { $and: [{ community: { $in: ['k1', 'k2'] } }, { role: 'member' }] })).toMatchObject({ plan: 'index', candidates: 20 })
  expect(store.explain('members', { community: 'k1' })).toMatchObject({ plan: 'scan', candidates: 100 })
  expect(store.explain('members', { openid: /o1/ })).toMatchObject({ plan: 'scan' })
  expect(store.count('members', { community: 'k1', role: 'admin' })).toBe(store.find('members', { community: 'k1' }).filter((doc) => doc.role === 'admin').length)
  store.close()
})

test('a file-backed store reloads documents, natural order and indexes', () => {
  const file = join(dir, 'db.sqlite')
  const first = new Store({ file, collections: TEST_COLLECTIONS })
  first.insertMany('members', [{ _id: 'z', openid: 'oz' }, { _id: 'a', openid: 'oa' }, { _id: 'm', openid: 'om', when: new Date(5) }])
  first.updateOne('members', { _id: 'z' }, { $set: { touched: 1 } })
  first.deleteOne('members', { _id: 'a' })
  first.insertOne('members', { _id: 'a', openid: 'oa2' })
  first.close()

  const second = new Store({ file, collections: TEST_COLLECTIONS })
  expect(second.find('members').map((doc) => doc._id)).toEqual(['z', 'm', 'a'])
  expect(second.get('members', 'z')).toEqual({ _id: 'z', openid: 'oz', touched: 1 })
  expect(second.get('members', 'm')?.when).toEqual(new Date(5))
  expect(second.explain('members', { openid: 'om' })).toMatchObject({ plan: 'index', candidates: 1 })
  expect(() => second.insertOne('members', { openid: 'oz' })).toThrow(/duplicate key/)
  second.clear('members')
  second.close()
  const third = new Store({ file, collections: TEST_COLLECTIONS })
  expect(third.count('members')).toBe(0)
  third.close()
})

test('seeding 50,000 documents into a file-backed store takes a few seconds', () => {
  const file = join(dir, 'db.sqlite')
  const store = new Store({ file, collections: TEST_COLLECTIONS })
  const docs = Array.from({ length: 50_000 }, (_, i) => ({
    _id: `member-${i}`,
    openid: `openid-${i}`,
    community: `c${i % 50}`,
    role: i % 10 === 0 ? 'admin' : 'member',
    name: `居民${i}`,
    joinedAt: new Date(1_700_000_000_000 + i * 1000),
    tags: ['volunteer', `group-${i % 7}`]
  }))
  const started = Date.now()
  store.insertMany('members', docs)
  const seeded = Date.now() - started
  store.close()
  const reopened = Date.now()
  const again = new Store({ file, collections: TEST_COLLECTIONS })
  const loaded = Date.now() - reopened
  expect(again.count('members')).toBe(50_000)
  expect(again.find('members', { community: 'c10', role: 'admin' })).toHaveLength(1000)
  again.close()
  console.log(`seeded 50,000 documents in ${seeded} ms, reloaded them in ${loaded} ms`)
  // Generous bounds for a loaded CI machine; typically ~1 s each.
  expect(seeded).toBeLessThan(10_000)
  expect(loaded).toBeLessThan(10_000)
})
