/** Conformance: where() queries, ordering, paging, projection, counts and bulk writes. */
import { openEnv, type TestEnv } from './support'

let env: TestEnv

const PEOPLE = [
  { _id: 'p1', name: 'Ann', age: 31, city: 'sh', tags: ['vol', 'party'], addr: { zone: 'A', no: 3 }, scores: [{ k: 'x', v: 5 }, { k: 'y', v: 9 }] },
  { _id: 'p2', name: 'Bob', age: 25, city: 'bj', tags: ['vol'], addr: { zone: 'B', no: 1 }, scores: [{ k: 'x', v: 2 }] },
  { _id: 'p3', name: 'Cat', age: 42, city: 'sh', tags: [], addr: { zone: 'A', no: 7 }, nick: 'kitty' },
  { _id: 'p4', name: 'Dan', age: 25, city: 'gz', tags: ['party'], addr: { zone: 'C', no: 2 }, nick: null },
  { _id: 'p5', name: 'eve', age: 58, city: 'sh', tags: ['vol', 'elder'], addr: { zone: 'B', no: 9 } }
]

beforeAll(async () => {
  env = openEnv()
  await env.db.collection('people').add({ data: PEOPLE })
})

afterAll(async () => {
  await env.host.close()
})

const ids = async (query: any): Promise<string[]> => (await query.get()).data.map((doc: any) => doc._id)
const people = () => env.db.collection('people')

describe('command operators', () => {
  test('eq, neq, gt, gte, lt, lte', async () => {
    const _ = env._
    expect(await ids(people().where({ city: _.eq('sh') }))).toEqual(['p1', 'p3', 'p5'])
    expect(await ids(people().where({ city: _.neq('sh') }))).toEqual(['p2', 'p4'])
    expect(await ids(people().where({ age: _.gt(31) }))).toEqual(['p3', 'p5'])
    expect(await ids(people().where({ age: _.gte(31) }))).toEqual(['p1', 'p3', 'p5'])
    expect(await ids(people().where({ age: _.lt(31) }))).toEqual(['p2', 'p4'])
    expect(await ids(people().where({ age: _.lte(31) }))).toEqual(['p1', 'p2', 'p4'])
    expect(await ids(people().where({ age: _.gt(20).and(_.lt(30)) }))).toEqual(['p2', 'p4'])
  })

  test('in, nin', async () => {
    const _ = env._
    expect(await ids(people().where({ city: _.in(['bj', 'gz']) }))).toEqual(['p2', 'p4'])
    expect(await ids(people().where({ city: _.nin(['bj', 'gz']) }))).toEqual(['p1', 'p3', 'p5'])
    expect(await ids(people().where({ _id: _.in(['p5', 'p1', 'zz']) }))).toEqual(['p1', 'p5'])
  })

  test('and, or (top level and per field)', async () => {
    const _ = env._
    expect(await ids(people().where(_.or([{ city: 'bj' }, { age: _.gt(50) }])))).toEqual(['p2', 'p5'])
    expect(await ids(people().where(_.and([{ city: 'sh' }, { age: _.lt(40) }])))).toEqual(['p1'])
    expect(await ids(people().where({ age: _.lt(26).or(_.gt(50)) }))).toEqual(['p2', 'p4', 'p5'])
  })

  test('exists, and null matching missing fields', async () => {
    const _ = env._
    expect(await ids(people().where({ nick: _.exists(true) }))).toEqual(['p3', 'p4'])
    expect(await ids(people().where({ nick: _.exists(false) }))).toEqual(['p1', 'p2', 'p5'])
    expect(await ids(people().where({ nick: null }))).toEqual(['p1', 'p2', 'p4', 'p5'])
  })

  test('db.RegExp and JS RegExp', async () => {
    const { db } = env
    expect(await ids(people().where({ name: db.RegExp({ regexp: '^[a-c]', options: 'i' }) }))).toEqual(['p1', 'p2', 'p3'])
    expect(await ids(people().where({ name: /^e/ }))).toEqual(['p5'])
    expect(await ids(people().where({ name: /^E/i }))).toEqual(['p5'])
  })

  test('nested fields by path and by object', async () => {
    const _ = env._
    expect(await ids(people().where({ 'addr.zone': 'A' }))).toEqual(['p1', 'p3'])
    expect(await ids(people().where({ addr: { zone: 'B' } }))).toEqual(['p2', 'p5'])
    expect(await ids(people().where({ 'addr.no': _.gt(5) }))).toEqual(['p3', 'p5'])
  })

  test('arrays: element equality, elemMatch, size, all, nested array path', async () => {
    const _ = env._
    expect(await ids(people().where({ tags: 'vol' }))).toEqual(['p1', 'p2', 'p5'])
    expect(await ids(people().where({ scores: _.elemMatch({ k: 'x', v: _.gt(3) }) }))).toEqual(['p1'])
    expect(await ids(people().where({ tags: _.size(0) }))).toEqual(['p3'])
    expect(await ids(people().where({ tags: _.all(['vol', 'party']) }))).toEqual(['p1'])
    expect(await ids(people().where({ 'scores.v': 9 }))).toEqual(['p1'])
  })
})

describe('ordering, paging, projection', () => {
  test('orderBy several keys', async () => {
    const res = await people().orderBy('age', 'asc').orderBy('name', 'desc').get()
    expect(res.data.map((doc: any) => doc._id)).toEqual(['p4', 'p2', 'p1', 'p3', 'p5'])
  })

  test('skip and limit', async () => {
    expect(await ids(people().orderBy('age', 'desc').skip(1).limit(2))).toEqual(['p3', 'p1'])
    expect(await ids(people().where({ city: 'sh' }).skip(2))).toEqual(['p5'])
  })

  test('field() includes or excludes', async () => {
    const included = await people().where({ _id: 'p1' }).field({ name: true, 'addr.zone': true }).get()
    expect(included.data).toEqual([{ _id: 'p1', name: 'Ann', addr: { zone: 'A' } }])
    const excluded = await people().where({ _id: 'p2' }).field({ scores: false, tags: false, addr: false }).get()
    expect(excluded.data).toEqual([{ _id: 'p2', name: 'Bob', age: 25, city: 'bj' }])
  })

  test('count()', async () => {
    expect((await people().count()).total).toBe(5)
    expect((await people().where({ city: 'sh' }).count()).total).toBe(3)
  })
})

describe('bulk writes', () => {
  beforeEach(async () => {
    await env.db.collection('bulk').where({ kind: env._.exists(true) }).remove()
    await env.db.collection('bulk').add({ data: [1, 2, 3, 4, 5].map((i) => ({ _id: `b${i}`, kind: i % 2 ? 'odd' : 'even', n: i })) })
  })

  test('where().update() updates every match', async () => {
    const res = await env.db.collection('bulk').where({ kind: 'odd' }).update({ data: { n: env._.inc(100), touched: true } })
    expect(res.stats.updated).toBe(3)
    const docs = (await env.db.collection('bulk').orderBy('_id', 'asc').get()).data
    expect(docs.map((doc: any) => doc.n)).toEqual([101, 2, 103, 4, 105])
    expect(docs.filter((doc: any) => doc.touched)).toHaveLength(3)
  })

  test('where().remove() removes every match', async () => {
    const res = await env.db.collection('bulk').where({ n: env._.gte(3) }).remove()
    expect(res.stats.removed).toBe(3)
    expect(await ids(env.db.collection('bulk'))).toEqual(['b1', 'b2'])
  })

  test('a multi-document update that would break a unique index changes nothing', async () => {
    const members = env.db.collection('members')
    await members.add({ data: [{ _id: 'm1', openid: 'a', grp: 1 }, { _id: 'm2', openid: 'b', grp: 1 }] })
    const error = await members.where({ grp: 1 }).update({ data: { openid: 'same' } }).catch((e: any) => e)
    expect(error.message).toContain('duplicate key')
    expect((await members.orderBy('_id', 'asc').get()).data.map((doc: any) => doc.openid)).toEqual(['a', 'b'])
  })
})

describe('limits', () => {
  beforeAll(async () => {
    const docs = Array.from({ length: 1200 }, (_, i) => ({ _id: `n${String(i).padStart(4, '0')}`, i }))
    for (let at = 0; at < docs.length; at += 300) await env.db.collection('many').add({ data: docs.slice(at, at + 300) })
  })

  test('get() returns 100 by default', async () => {
    expect((await env.db.collection('many').get()).data).toHaveLength(100)
  })

  test('limit(1000) returns 1000 and a larger limit is capped at 1000', async () => {
    expect((await env.db.collection('many').limit(1000).get()).data).toHaveLength(1000)
    expect((await env.db.collection('many').limit(5000).get()).data).toHaveLength(1000)
  })

  test('paging with skip reaches every document', async () => {
    const seen: number[] = []
    for (let skip = 0; ; skip += 1000) {
      const page = (await env.db.collection('many').orderBy('i', 'asc').skip(skip).limit(1000).get()).data
      seen.push(...page.map((doc: any) => doc.i))
      if (page.length < 1000) break
    }
    expect(seen).toEqual(Array.from({ length: 1200 }, (_, i) => i))
  })

  test('count() is not limited', async () => {
    expect((await env.db.collection('many').count()).total).toBe(1200)
  })
})

describe('indexed lookups agree with scans', () => {
  test('equality and $in on an indexed field, including array values', async () => {
    const tagged = env.db.collection('tagged')
    await tagged.add({ data: [{ _id: 't1', tags: ['a', 'b'] }, { _id: 't2', tags: 'b' }, { _id: 't3' }, { _id: 't4', tags: ['c'] }] })
    expect(await ids(tagged.where({ tags: 'b' }))).toEqual(['t1', 't2'])
    expect(await ids(tagged.where({ tags: env._.in(['c', 'a']) }))).toEqual(['t1', 't4'])
    expect(await ids(tagged.where({ tags: null }))).toEqual(['t3'])
    await tagged.doc('t2').update({ data: { tags: 'z' } })
    expect(await ids(tagged.where({ tags: 'b' }))).toEqual(['t1'])
    expect(await ids(tagged.where({ tags: 'z' }))).toEqual(['t2'])
  })

  test('compound index used with extra conditions', async () => {
    const members = env.db.collection('members')
    await members.add({ data: [
      { _id: 'c1', openid: 'x1', community: 'k1', role: 'admin', age: 30 },
      { _id: 'c2', openid: 'x2', community: 'k1', role: 'member', age: 40 },
      { _id: 'c3', openid: 'x3', community: 'k1', role: 'admin', age: 50 },
      { _id: 'c4', openid: 'x4', community: 'k2', role: 'admin', age: 60 }
    ] })
    expect(await ids(members.where({ community: 'k1', role: 'admin' }))).toEqual(['c1', 'c3'])
    expect(await ids(members.where({ community: 'k1', role: 'admin', age: env._.gt(40) }))).toEqual(['c3'])
    expect(await ids(members.where({ community: env._.in(['k1', 'k2']), role: 'admin' }))).toEqual(['c1', 'c3', 'c4'])
  })
})
