/**
 * The store's fast paths against mingo itself: index-answered counts, the fast query matcher,
 * the sort of scalar keys and aggregation without input copies must give exactly what mingo
 * gives on the same documents (randomised documents of mixed types, arrays and nested objects).
 */
import { Aggregator, ProcessingMode, Query } from 'mingo'
import { Store } from '../../emulator/backend/store'
import { cloneDoc } from '../../emulator/backend/values'

const COLLECTIONS = {
  items: {
    indexes: [{ fields: ['a'] }, { fields: ['b'] }, { fields: ['a', 'b'] }, { fields: ['tags'] }, { fields: ['n.x'] }]
  },
  others: { indexes: [{ fields: ['k'] }] }
}

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let t = seed >>> 0
  return () => {
    t = (t + 0x6d2b79f5) >>> 0
    let r = Math.imul(t ^ (t >>> 15), 1 | t)
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296
  }
}

const MISSING = Symbol('missing')
// Values documents hold (nested arrays excluded: the store matches `{a: 1}` against [[1]] as
// MongoDB does, mingo does not).
const VALUES: unknown[] = [MISSING, null, 0, 1, 2, 1.5, -3, 'x', 'y', '', 'X', true, false, new Date(0), new Date(5000), [1, 'x'], [], [null], ['y', 2], { x: 1 }, { x: 'x' }]
// Values queries use.
const OPERANDS: unknown[] = [null, 0, 1, 2, 1.5, 'x', 'y', '', true, false, new Date(0), new Date(5000), new Date(2500)]

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]
}

function makeDocs(random: () => number, n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => {
    const doc: Record<string, unknown> = { _id: `d${i}` }
    for (const field of ['a', 'b', 'c', 'tags']) {
      const value = pick(random, VALUES)
      if (value !== MISSING) doc[field] = cloneDoc(value)
    }
    const shape = random()
    if (shape < 0.5) {
      const value = pick(random, VALUES)
      doc.n = value === MISSING ? {} : { x: cloneDoc(value) }
    } else if (shape < 0.6) doc.n = [{ x: 1 }, { x: 'y' }]
    else if (shape < 0.7) doc.n = null
    else if (shape < 0.8) doc.n = 'text'
    return doc
  })
}

function makeQuery(random: () => number, depth = 0): Record<string, unknown> {
  const field = pick(random, ['a', 'b', 'c', 'tags', 'n.x', 'n'])
  const v = pick(random, OPERANDS)
  const w = pick(random, OPERANDS)
  const r = random()
  if (depth < 2 && r < 0.1) return { $and: [makeQuery(random, depth + 1), makeQuery(random, depth + 1)] }
  if (depth < 2 && r < 0.2) return { $or: [makeQuery(random, depth + 1), makeQuery(random, depth + 1)] }
  if (r < 0.3) return { a: v, b: w }
  if (r < 0.4) return { [field]: v }
  if (r < 0.45) return { [field]: { $eq: v } }
  if (r < 0.5) return { [field]: { $ne: v } }
  if (r < 0.6) return { [field]: { $in: [v, w] } }
  if (r < 0.65) return { [field]: { $nin: [v, w] } }
  if (r < 0.75) return { [field]: { [pick(random, ['$gt', '$gte', '$lt', '$lte'])]: v } }
  if (r < 0.8) return { [field]: { $gte: v, $lt: w } }
  if (r < 0.88) return { [field]: { $exists: random() < 0.5 } }
  if (r < 0.94) return { a: { $in: [v, w] }, b: v }
  return { [field]: v, c: { $exists: true } }
}

const mingoFind = (docs: Record<string, unknown>[], query: Record<string, unknown>) =>
  new Query(query, { scriptEnabled: false }).find<Record<string, unknown>>(cloneDoc(docs)).all()

test('queries and counts give what mingo gives (random documents and queries)', () => {
  const random = rng(7)
  for (let round = 0; round < 20; round++) {
    const docs = makeDocs(random, 60)
    const store = new Store({ collections: COLLECTIONS })
    store.insertMany('items', docs)
    for (let q = 0; q < 60; q++) {
      const query = makeQuery(random)
      const expected = mingoFind(docs, query).map((doc) => doc._id)
      const label = JSON.stringify(query)
      expect([label, store.find('items', query).map((doc) => doc._id)]).toEqual([label, expected])
      expect([label, store.count('items', query)]).toEqual([label, expected.length])
    }
    store.close()
  }
})

test('sorted reads give what mingo gives (ties keep natural order)', () => {
  const random = rng(11)
  for (let round = 0; round < 20; round++) {
    const docs = makeDocs(random, 50)
    const store = new Store({ collections: COLLECTIONS })
    store.insertMany('items', docs)
    for (const sort of [{ a: 1 }, { a: -1 }, { b: 1, a: -1 }, { 'n.x': 1 }, { c: -1, _id: 1 }] as Record<string, 1 | -1>[]) {
      const expected = new Query({}, { scriptEnabled: false }).find<Record<string, unknown>>(cloneDoc(docs)).sort(sort).skip(3).limit(20).all()
      const got = store.find('items', {}, { sort, skip: 3, limit: 20 })
      expect([sort, got.map((doc) => doc._id)]).toEqual([sort, expected.map((doc) => doc._id)])
    }
    store.close()
  }
})

test('an index answers a count of its fields exactly; the most selective index is used', () => {
  const store = new Store({ collections: COLLECTIONS })
  store.insertMany(
    'items',
    Array.from({ length: 300 }, (_, i) => ({ _id: `i${i}`, a: i % 3 === 0 ? 'common' : `a${i % 30}`, b: i % 2 ? 'odd' : 'even', tags: [`t${i % 4}`, `t${(i + 1) % 4}`] }))
  )
  // b = 'odd' has 150 candidates, a = 'a1' 10: the smaller one, or the compound one that pins both.
  expect(store.explain('items', { a: 'a1', b: 'odd' })).toMatchObject({ plan: 'index', index: 'a_1_b_1', candidates: 10 })
  expect(store.explain('items', { a: 'common', c: { $exists: false } })).toMatchObject({ plan: 'index', index: 'a_1', candidates: 100 })
  expect(store.explain('items', { $and: [{ b: 'odd' }, { a: { $in: ['a1', 'a2'] } }] })).toMatchObject({ plan: 'index', index: 'a_1_b_1', candidates: 10 })
  expect(store.count('items', { a: 'a1', b: 'odd' })).toBe(10)
  expect(store.count('items', { b: { $in: ['odd', 'even'] } })).toBe(300)
  // multikey: a document filed under two of the keys is counted once
  expect(store.count('items', { tags: { $in: ['t0', 't1'] } })).toBe(225)
  expect(store.count('items', { tags: 't0' })).toBe(150)
  store.updateMany('items', { a: 'a1' }, { $set: { b: 'even' } })
  expect(store.count('items', { a: 'a1', b: 'odd' })).toBe(0)
  expect(store.count('items', { a: 'a1', b: 'even' })).toBe(10)
  store.deleteMany('items', { a: 'a1' })
  expect(store.count('items', { a: 'a1' })).toBe(0)
  // the 10 a1s (all odd) became even, then were deleted
  expect(store.count('items', { b: 'even' })).toBe(150)
  store.close()
})

test('aggregations give what mingo gives on copies, and never change stored documents', () => {
  const random = rng(3)
  const docs = makeDocs(random, 80)
  const others = Array.from({ length: 10 }, (_, i) => ({ _id: `o${i}`, k: pick(random, ['x', 'y', 1, 2]), info: { deep: [i] } }))
  const store = new Store({ collections: COLLECTIONS })
  store.insertMany('items', docs)
  store.insertMany('others', others)
  const pipelines: Record<string, unknown>[][] = [
    [{ $match: { a: { $in: ['x', 1] } } }, { $group: { _id: '$b', n: { $sum: 1 }, first: { $first: '$n' } } }, { $sort: { n: -1, _id: 1 } }],
    [{ $match: {} }, { $match: { c: { $exists: true } } }, { $project: { a: 1, n: 1, z: { $literal: 5 } } }, { $addFields: { 'n.added': 1 } }],
    [{ $match: { tags: { $exists: true } } }, { $unwind: { path: '$tags', includeArrayIndex: 'i', preserveNullAndEmptyArrays: true } }, { $limit: 50 }],
    [{ $addFields: { 'n.x': 'changed', top: '$a' } }, { $project: { 'n.x': 0 } }],
    [{ $lookup: { from: 'others', localField: 'a', foreignField: 'k', as: 'joined' } }, { $unwind: '$joined' }, { $addFields: { 'joined.info.deep': 'changed' } }],
    [{ $lookup: { from: 'others', let: { a: '$a' }, pipeline: [{ $match: { $expr: { $eq: ['$k', '$$a'] } } }, { $addFields: { 'info.deep': 'x' } }], as: 'joined' } }],
    [{ $replaceRoot: { newRoot: { $cond: [{ $eq: [{ $type: '$n' }, 'object'] }, '$n', { none: true }] } } }, { $addFields: { x: 'replaced' } }],
    [{ $replaceRoot: { newRoot: { $cond: [{ $eq: [{ $type: '$n' }, 'object'] }, '$n', { none: true }] } } }, { $unwind: { path: '$x', includeArrayIndex: 'i' } }],
    [{ $facet: { one: [{ $addFields: { 'n.y': 1 } }], two: [{ $count: 'n' }] } }],
    [{ $match: { b: { $gte: 1 } } }, { $sortByCount: '$b' }],
    [{ $set: { a: 'seta' } }, { $unset: ['b', 'n'] }, { $count: 'n' }]
  ]
  for (const pipeline of pipelines) {
    const expected = new Aggregator(pipeline, {
      scriptEnabled: false,
      processingMode: ProcessingMode.CLONE_INPUT,
      collectionResolver: (name: string) => cloneDoc(name === 'others' ? others : docs)
    }).run(cloneDoc(docs))
    expect([pipeline, store.aggregate('items', pipeline)]).toEqual([pipeline, expected])
    expect(store.find('items')).toEqual(docs)
    expect(store.find('others')).toEqual(others)
  }
  store.close()
})
