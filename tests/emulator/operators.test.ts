/**
 * Conformance: every database operator the server uses, through the real SDK.
 *
 * The lists below are the coverage: each name has a conformance test through wx-server-sdk, in
 * this file and/or in query.test.ts (q), crud.test.ts (c), aggregate.test.ts (a) or
 * cloud-semantics.test.ts (s). The last test scans server/ and emulator/seed for `_.name(`,
 * `$.name(`, `cmd().name(`, `db().command.name(`, `_.aggregate.name(` … (aliases found per file,
 * see operator-usage.ts) and for stages chained on `.aggregate()`, and fails when one is not
 * listed here: a new operator needs a conformance test (and its name here) before it ships.
 *
 * COVERED query: eq neq gt gte lt lte in nin and or exists size all elemMatch
 * COVERED update: set remove inc mul push pull addToSet max
 * COVERED aggregate: sum avg max min first add cond dateToString eq gt size concat dayOfMonth multiply week indexOfCP substrBytes push slice and in pipeline
 * COVERED stages: match group project lookup unwind replaceRoot sort skip limit count addFields sortByCount
 * COVERED raw (seed, MongoDB syntax on the store): and or in ne
 * COVERED values (db.X): RegExp serverDate ObjectId
 *
 * Where the behaviour is decided: MongoDB's documented operator semantics (the cloud database is
 * TencentDB for MongoDB behind CloudBase; WeChat's db.command reference describes each command as
 * its MongoDB operator), and @cloudbase/database 1.4.3's serializers for what the SDK sends
 * (serializer/query.js, serializer/update.js, aggregate.js). Each test names its source.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { scanOperators } from './operator-usage'
import { openEnv, TEST_COLLECTIONS, type TestEnv } from './support'

const COLLECTIONS = ['op_people', 'op_updates', 'op_tickets', 'op_grids', 'op_companies']

let env: TestEnv

beforeAll(async () => {
  env = openEnv({ collections: { ...TEST_COLLECTIONS, ...Object.fromEntries(COLLECTIONS.map((name) => [name, { indexes: [] }])) } })
  await env.db.collection('op_people').add({
    data: [
      { _id: 'p1', name: 'Ann Lee', age: 31, status: 'active', tags: ['vol', 'party'], company: 'c1', at: new Date('2026-01-01T00:00:00Z') },
      { _id: 'p2', name: 'bob', age: 25, status: 'left', tags: [], company: null, at: new Date('2026-02-01T00:00:00Z') },
      { _id: 'p3', name: 'Cat (A.)', age: '40', status: 'active', tags: ['elder'], company: '', at: new Date('2026-03-01T00:00:00Z') },
      { _id: 'p4', name: 'Dan', age: 58, status: 'active', tags: ['vol'] }
    ]
  })
})

afterAll(async () => {
  await env.host.close()
})

const people = () => env.db.collection('op_people')
const ids = async (where: object): Promise<string[]> => (await people().where(where).get()).data.map((doc: { _id: string }) => doc._id)

describe('query operators', () => {
  test('eq / neq: neq(null) needs the field present and not null (MongoDB $ne: null)', async () => {
    const _ = env._
    expect(await ids({ status: _.eq('active') })).toEqual(['p1', 'p3', 'p4'])
    expect(await ids({ company: _.neq(null) })).toEqual(['p1', 'p3'])
    expect(await ids({ status: _.neq('active') })).toEqual(['p2'])
  })

  test('gt / gte / lt / lte compare within a type only (MongoDB type bracketing: "40" is not > 30)', async () => {
    const _ = env._
    expect(await ids({ age: _.gt(30) })).toEqual(['p1', 'p4'])
    expect(await ids({ age: _.gte(25).and(_.lt(58)) })).toEqual(['p1', 'p2'])
    expect(await ids({ age: _.lte(25) })).toEqual(['p2'])
    expect(await ids({ age: _.gt('3') })).toEqual(['p3'])
  })

  test('dates: a chained range, and a missing field never in range', async () => {
    const _ = env._
    const from = new Date('2026-01-15T00:00:00Z')
    const to = new Date('2026-03-01T00:00:00Z')
    // server/reports/figures/service.ts chains three: gte(a).and(lt(b)).and(lte(c)).
    expect(await ids({ at: _.gte(from).and(_.lt(to)).and(_.lte(new Date('2026-12-31T00:00:00Z'))) })).toEqual(['p2'])
    expect(await ids({ at: _.lt(to) })).toEqual(['p1', 'p2'])
  })

  test('in / nin: array fields match by element; nin([null, ""]) also excludes missing fields; in([]) matches nothing', async () => {
    const _ = env._
    expect(await ids({ status: _.in(['left', 'gone']) })).toEqual(['p2'])
    expect(await ids({ tags: _.in(['party', 'elder']) })).toEqual(['p1', 'p3'])
    expect(await ids({ company: _.nin([null, '']) })).toEqual(['p1'])
    expect(await ids({ status: _.in([]) })).toEqual([])
    expect(await ids({ _id: _.nin(['p1', 'p2']) })).toEqual(['p3', 'p4'])
  })

  test('and / or: top level, per field, and an or holding a size condition', async () => {
    const _ = env._
    expect(await ids(_.and([{ status: 'active' }, { age: _.gt(40) }]))).toEqual(['p4'])
    expect(await ids(_.or([{ status: 'left' }, { tags: _.size(0) }, { name: 'Dan' }]))).toEqual(['p2', 'p4'])
    expect(await ids({ age: _.lt(26).or(_.gt(50)) })).toEqual(['p2', 'p4'])
    expect(await ids(_.and([{ status: 'active' }, _.or([{ tags: 'vol' }, { tags: _.size(0) }])]))).toEqual(['p1', 'p4'])
  })

  test('exists and size', async () => {
    const _ = env._
    expect(await ids({ at: _.exists(false) })).toEqual(['p4'])
    expect(await ids({ company: _.exists(true) })).toEqual(['p1', 'p2', 'p3'])
    expect(await ids({ tags: _.size(1) })).toEqual(['p3', 'p4'])
  })

  test('RegExp: db.RegExp with options, escaped literals, and a JS RegExp', async () => {
    const { db } = env
    expect(await ids({ name: db.RegExp({ regexp: '^[ab]', options: 'i' }) })).toEqual(['p1', 'p2'])
    expect(await ids({ name: db.RegExp({ regexp: '\\(A\\.\\)', options: '' }) })).toEqual(['p3'])
    expect(await ids({ name: /lee$/i })).toEqual(['p1'])
  })
})

describe('update operators', () => {
  const docRef = (id: string) => env.db.collection('op_updates').doc(id)
  const read = async (id: string) => (await docRef(id).get()).data

  test('a plain nested object merges by path; set() replaces the field whole', async () => {
    // @cloudbase/database serializer/update.js flattens plain objects into dotted $set paths and
    // sends `_.set(v)` as `$set: { field: v }` (the value replaces the field).
    const _ = env._
    await env.db.collection('op_updates').add({ data: { _id: 'u1', profile: { a: 1, b: 2 }, n: 1 } })
    await docRef('u1').update({ data: { profile: { a: 10 } } })
    expect((await read('u1')).profile).toEqual({ a: 10, b: 2 })
    await docRef('u1').update({ data: { profile: _.set({ c: 3 }) } })
    expect((await read('u1')).profile).toEqual({ c: 3 })
  })

  test('remove() deletes the field; removing a missing field changes nothing', async () => {
    const _ = env._
    await env.db.collection('op_updates').add({ data: { _id: 'u2', keep: 1, drop: 2 } })
    expect((await docRef('u2').update({ data: { drop: _.remove() } })).stats.updated).toBe(1)
    expect(await read('u2')).toEqual({ _id: 'u2', keep: 1 })
    expect((await docRef('u2').update({ data: { drop: _.remove() } })).stats.updated).toBe(0)
  })

  test('inc: negative steps, a missing field starts at 0, dotted keys built at run time, and a guarded inc', async () => {
    // MongoDB $inc: a missing field is set to the amount. The guarded form is server/core/quota.ts.
    const _ = env._
    await env.db.collection('op_updates').add({ data: { _id: 'u3', count: 2 } })
    await docRef('u3').update({ data: { count: _.inc(-1), fresh: _.inc(5), ['byCommunity.c1']: _.inc(1) } })
    expect(await read('u3')).toEqual({ _id: 'u3', count: 1, fresh: 5, byCommunity: { c1: 1 } })
    const guarded = () => env.db.collection('op_updates').where({ _id: 'u3', count: _.lt(2) }).update({ data: { count: _.inc(1) } })
    expect((await guarded()).stats.updated).toBe(1)
    expect((await guarded()).stats.updated).toBe(0)
    expect((await read('u3')).count).toBe(2)
  })

  test('mul', async () => {
    const _ = env._
    await env.db.collection('op_updates').add({ data: { _id: 'u4', price: 3 } })
    await docRef('u4').update({ data: { price: _.mul(4), none: _.mul(2) } })
    // MongoDB $mul on a missing field sets it to 0.
    expect(await read('u4')).toEqual({ _id: 'u4', price: 12, none: 0 })
  })

  test('push appends every element of its array, creating the array; pull removes matches', async () => {
    const _ = env._
    await env.db.collection('op_updates').add({ data: { _id: 'u5', history: [{ at: 1 }] } })
    await docRef('u5').update({ data: { history: _.push([{ at: 2 }, { at: 3 }]), log: _.push(['x']) } })
    expect(await read('u5')).toEqual({ _id: 'u5', history: [{ at: 1 }, { at: 2 }, { at: 3 }], log: ['x'] })
    await docRef('u5').update({ data: { history: _.pull({ at: 2 }) } })
    expect((await read('u5')).history).toEqual([{ at: 1 }, { at: 3 }])
  })

  test('push with each and slice keeps the last n; neq on an array matches only when no element equals (server/activities/volunteers.ts)', async () => {
    // MongoDB $push {$each, $slice: -n} appends then keeps the last n; {field: {$ne: v}} on an
    // array field matches when no element equals v (a missing field matches too).
    const _ = env._
    await env.db.collection('op_updates').add({ data: { _id: 'u9slice', next: 0 } })
    const claim = (key: string) =>
      env.db
        .collection('op_updates')
        .where({ _id: 'u9slice', recent: _.neq(key) })
        .update({ data: { next: _.inc(1), recent: _.push({ each: [key], slice: -2 }) } })
    expect((await claim('a')).stats.updated).toBe(1)
    expect((await claim('b')).stats.updated).toBe(1)
    expect((await claim('a')).stats.updated).toBe(0)
    expect((await claim('c')).stats.updated).toBe(1)
    expect(await read('u9slice')).toEqual({ _id: 'u9slice', next: 3, recent: ['b', 'c'] })
  })

  test('addToSet adds a value once', async () => {
    const _ = env._
    await env.db.collection('op_updates').add({ data: { _id: 'u6', roles: ['visitor'] } })
    await docRef('u6').update({ data: { roles: _.addToSet('member') } })
    expect((await docRef('u6').update({ data: { roles: _.addToSet('member') } })).stats.updated).toBe(0)
    expect((await read('u6')).roles).toEqual(['visitor', 'member'])
  })

  test('max keeps the larger value (Dates too) and sets a missing field (server/centers/blackout.ts)', async () => {
    const _ = env._
    const early = new Date('2026-01-01T00:00:00Z')
    const late = new Date('2026-02-01T00:00:00Z')
    await env.db.collection('op_updates').add({ data: { _id: 'u7', until: late } })
    expect((await docRef('u7').update({ data: { until: _.max(early) } })).stats.updated).toBe(0)
    expect((await read('u7')).until).toEqual(late)
    await docRef('u7').update({ data: { until: _.max(new Date('2026-03-01T00:00:00Z')), other: _.max(early) } })
    expect(await read('u7')).toEqual({ _id: 'u7', until: new Date('2026-03-01T00:00:00Z'), other: early })
  })

  test('a rate counter: index paths (arr.0, arr.N exists false) with string lt, guarded by or / and across documents; push slice creates the array; pull a string (server/core/quota.ts)', async () => {
    // MongoDB: `{'a.0': {$lt: s}}` compares the array's first element (strings by code point, a
    // prefix sorts first); `{'a.2': {$exists: false}}` matches an array shorter than 3 or no field;
    // $push {$each, $slice: -n} on a missing field creates it; $pull removes the equal elements.
    const _ = env._
    const col = env.db.collection('op_updates')
    await col.add({ data: { _id: 'rl1', m: ['2026-11-27T09:29~a', '2026-11-27T09:30~b'] } })
    await col.add({ data: { _id: 'rl2', m: ['2026-11-27T09:30~c', '2026-11-27T09:30~d'] } })
    const open = (id: string, wk: string, limit: number) => _.and([{ _id: id }, _.or([{ [`m.${limit - 1}`]: _.exists(false) }, { 'm.0': _.lt(wk) }])])
    const take = (mark: string) =>
      col.where(_.or([open('rl1', '2026-11-27T09:30', 2), open('rl2', '2026-11-27T09:30', 2), open('rl3', '2026-11-27T09:30', 2)])).update({
        data: { m: _.push({ each: [`2026-11-27T09:30~${mark}`], slice: -2 }), d: _.push({ each: [`2026-11-27~${mark}`], slice: -3 }) }
      })
    expect((await take('e')).stats.updated).toBe(1)
    expect(await read('rl1')).toEqual({ _id: 'rl1', m: ['2026-11-27T09:30~b', '2026-11-27T09:30~e'], d: ['2026-11-27~e'] })
    expect((await take('f')).stats.updated).toBe(0)
    await col.add({ data: { _id: 'rl3', m: ['2026-11-27T09:30~g'] } })
    expect((await take('h')).stats.updated).toBe(1)
    expect((await read('rl3')).m).toEqual(['2026-11-27T09:30~g', '2026-11-27T09:30~h'])
    await docRef('rl1').update({ data: { d: _.pull('2026-11-27~e'), m: _.pull('no such') } })
    expect(await read('rl1')).toEqual({ _id: 'rl1', m: ['2026-11-27T09:30~b', '2026-11-27T09:30~e'], d: [] })
  })
})

describe('aggregation', () => {
  beforeAll(async () => {
    await env.db.collection('op_tickets').add({
      data: [
        { _id: 't1', companyId: 'c1', rating: 5, resolvedOnTime: true, reopenCount: 0, at: new Date('2026-01-31T17:00:00Z'), grid: 'g1' },
        { _id: 't2', companyId: 'c1', rating: 3, resolvedOnTime: false, reopenCount: 2, at: new Date('2026-02-10T00:00:00Z'), grid: 'g1' },
        { _id: 't3', companyId: 'c2', rating: 'n/a', resolvedOnTime: true, reopenCount: 1, at: new Date('2026-02-11T00:00:00Z'), grid: 'g2' },
        { _id: 't4', companyId: 'c2', resolvedOnTime: true, at: new Date('2026-03-01T00:00:00Z') }
      ]
    })
    await env.db.collection('op_grids').add({
      data: [
        { _id: 'g1', communityId: 'm1', companyId: 'c1', households: 10 },
        { _id: 'g2', communityId: 'm1', companyId: 'c2', households: 5 },
        { _id: 'g3', communityId: 'm1', companyId: 'c1', households: 7 },
        { _id: 'g4', communityId: 'm2' }
      ]
    })
    await env.db.collection('op_companies').add({ data: [{ _id: 'c1', name: 'One' }, { _id: 'c2', name: 'Two' }] })
  })

  const tickets = () => env.db.collection('op_tickets').aggregate()

  test('sum (counts and fields, ignoring non-numbers), avg, cond with eq / gt (server/companies/scorecards.ts)', async () => {
    // MongoDB $sum / $avg ignore non-numeric values, and $avg of no number is null (mingo said 0:
    // fixed in semantics.ts); $cond's object form {if, then, else}.
    const $ = env.$
    const list = (
      await tickets()
        .match({ companyId: env._.exists(true) })
        .group({
          _id: '$companyId',
          n: $.sum(1),
          sum: $.sum('$rating'),
          avg: $.avg('$rating'),
          onTime: $.sum($.cond({ if: $.eq(['$resolvedOnTime', true]), then: 1, else: 0 })),
          reopened: $.sum($.cond({ if: $.gt(['$reopenCount', 0]), then: 1, else: 0 }))
        })
        .sort({ _id: 1 })
        .limit(10)
        .end()
    ).list
    expect(list).toEqual([
      { _id: 'c1', n: 2, sum: 8, avg: 4, onTime: 1, reopened: 1 },
      { _id: 'c2', n: 2, sum: 0, avg: null, onTime: 2, reopened: 1 }
    ])
  })

  test('add on a date gives a date; dateToString formats it (server/reports/figures/query.ts groupByMonth)', async () => {
    // MongoDB $add: a date plus milliseconds is a date; $dateToString formats in UTC by default.
    const $ = env.$
    const SHANGHAI = 8 * 3600 * 1000
    const list = (
      await tickets()
        .project({ m: $.dateToString({ date: $.add(['$at', SHANGHAI]), format: '%Y-%m' }), shifted: $.add(['$at', SHANGHAI]) })
        .group({ _id: '$m', v: $.sum(1) })
        .sort({ _id: 1 })
        .limit(10)
        .end()
    ).list
    // t1 is 31 January 17:00 UTC: 1 February in Shanghai.
    expect(list).toEqual([
      { _id: '2026-02', v: 3 },
      { _id: '2026-03', v: 1 }
    ])
    const [first] = (await tickets().match({ _id: 't1' }).project({ _id: 0, shifted: $.add(['$at', SHANGHAI]) }).limit(1).end()).list
    expect(first.shifted).toEqual(new Date('2026-02-01T01:00:00Z'))
  })

  test('max and first per group, after a sort (server/reports/figures/service.ts readers)', async () => {
    const $ = env.$
    const list = (
      await tickets()
        .sort({ at: 1 })
        .group({ _id: '$companyId', last: $.max('$at'), firstGrid: $.first('$grid'), lowest: $.min('$rating') })
        .sort({ _id: 1 })
        .limit(10)
        .end()
    ).list
    expect(list).toEqual([
      { _id: 'c1', last: new Date('2026-02-10T00:00:00Z'), firstGrid: 'g1', lowest: 3 },
      // $min compares across types by BSON order (numbers before strings); t4 has no rating.
      { _id: 'c2', last: new Date('2026-03-01T00:00:00Z'), firstGrid: 'g2', lowest: 'n/a' }
    ])
  })

  test('group on a compound key, sort on its paths, skip and limit (server/centers/utilisation.ts)', async () => {
    const $ = env.$
    const page = async (skip: number) =>
      (
        await tickets()
          // Only documents that have a grid: for a missing field MongoDB leaves the key out of a
          // compound _id while mingo writes null (a known difference, see the report), so the
          // server never groups on a field some documents lack.
          .match({ companyId: env._.in(['c1', 'c2']), grid: env._.exists(true) })
          .group({ _id: { company: '$companyId', grid: '$grid' }, n: $.sum(1) })
          .sort({ '_id.company': -1, '_id.grid': 1 })
          .skip(skip)
          .limit(2)
          .end()
      ).list
    expect(await page(0)).toEqual([
      { _id: { company: 'c2', grid: 'g2' }, n: 1 },
      { _id: { company: 'c1', grid: 'g1' }, n: 2 }
    ])
    expect(await page(1)).toEqual([{ _id: { company: 'c1', grid: 'g1' }, n: 2 }])
    expect(await page(2)).toEqual([])
  })

  test('count: a row with the number, and no row at all for no input (MongoDB $count; mingo said { n: 0 }: fixed)', async () => {
    const distinct = (await tickets().group({ _id: '$companyId' }).count('n').end()).list
    expect(distinct).toEqual([{ n: 2 }])
    expect((await tickets().match({ companyId: 'none' }).count('n').end()).list).toEqual([])
  })

  test('lookup, unwind (drops documents without a match) and replaceRoot (server/reports/figures/property.ts)', async () => {
    const list = (
      await env.db
        .collection('op_grids')
        .aggregate()
        .match({ communityId: 'm1', companyId: env._.exists(true) })
        .group({ _id: '$companyId' })
        .lookup({ from: 'op_companies', localField: '_id', foreignField: '_id', as: 'company' })
        .unwind('$company')
        .replaceRoot({ newRoot: '$company' })
        .sort({ _id: 1 })
        .limit(10)
        .end()
    ).list
    expect(list).toEqual([
      { _id: 'c1', name: 'One' },
      { _id: 'c2', name: 'Two' }
    ])
    const joined = (
      await env.db
        .collection('op_grids')
        .aggregate()
        .lookup({ from: 'op_tickets', localField: '_id', foreignField: 'grid', as: 'op_tickets' })
        .project({ n: env.$.size('$op_tickets') })
        .sort({ _id: 1 })
        .limit(10)
        .end()
    ).list
    expect(joined).toEqual([
      { _id: 'g1', n: 2 },
      { _id: 'g2', n: 1 },
      { _id: 'g3', n: 0 },
      { _id: 'g4', n: 0 }
    ])
  })

  test('lookup with an uncorrelated sub-pipeline (pipeline … done; match with commands, sort, limit) joins a filtered read (server/centers/context.ts)', async () => {
    // MongoDB 3.6+ $lookup { from, pipeline, as } without let: the sub-pipeline's result is joined to
    // every input document; @cloudbase/database serialises the sub-pipeline's match like a query.
    const _ = env._
    const $ = env.$
    const list = (
      await env.db
        .collection('op_grids')
        .aggregate()
        .match({ _id: 'g1' })
        .lookup({ from: 'op_companies', localField: 'companyId', foreignField: '_id', as: 'company' })
        .lookup({
          from: 'op_tickets',
          pipeline: $.pipeline()
            .match({ companyId: 'c1', at: _.gt(new Date('2026-02-01T00:00:00Z')), reopenCount: _.in([1, 2]) })
            .sort({ at: -1 })
            .project({ _id: 1, at: 1 })
            .limit(5)
            .done(),
          as: 'recent'
        })
        .lookup({ from: 'op_tickets', pipeline: $.pipeline().match({ _id: _.in(['t3', 'none']) }).limit(5).done(), as: 'picked' })
        .end()
    ).list
    expect(list).toHaveLength(1)
    expect(list[0].company).toEqual([{ _id: 'c1', name: 'One' }])
    expect(list[0].recent).toEqual([{ _id: 't2', at: new Date('2026-02-10T00:00:00Z') }])
    expect(list[0].picked.map((t: { _id: string }) => t._id)).toEqual(['t3'])
    const none = (await env.db.collection('op_grids').aggregate().match({ _id: 'nope' }).lookup({ from: 'op_companies', pipeline: $.pipeline().match({}).limit(1).done(), as: 'c' }).end()).list
    expect(none).toEqual([])
  })

  test('push per group in the sorted order, slice keeps the first n; and / in as expressions (server/users/overview.ts, server/notices/list.ts inbox)', async () => {
    // MongoDB $push collects in the order documents reach $group (after a $sort); $slice [array, n]
    // the first n (all when fewer); $and of expressions; $in [value, array] is membership.
    const $ = env.$
    const grouped = (
      await tickets()
        .match({ companyId: env._.exists(true) })
        .sort({ at: 1 })
        .group({ _id: '$companyId', ids: $.push({ id: '$_id', grid: '$grid' }) })
        .project({ first: $.slice(['$ids', 1]), all: $.slice(['$ids', 5]) })
        .sort({ _id: 1 })
        .limit(10)
        .end()
    ).list
    expect(grouped).toEqual([
      { _id: 'c1', first: [{ id: 't1', grid: 'g1' }], all: [{ id: 't1', grid: 'g1' }, { id: 't2', grid: 'g1' }] },
      { _id: 'c2', first: [{ id: 't3', grid: 'g2' }], all: [{ id: 't3', grid: 'g2' }, { id: 't4' }] }
    ])
    const flags = (
      await tickets()
        .sort({ _id: 1 })
        .project({ _id: 1, both: $.and([$.eq(['$companyId', 'c2']), $.in(['$grid', ['g2', 'g9']])]), listed: $.in(['$_id', ['t1', 't4']]) })
        .limit(10)
        .end()
    ).list
    expect(flags).toEqual([
      { _id: 't1', both: false, listed: true },
      { _id: 't2', both: false, listed: false },
      { _id: 't3', both: true, listed: false },
      { _id: 't4', both: false, listed: true }
    ])
  })

  test('lookup with localField a path into an array of subdocuments matches any element (MongoDB $lookup: an array localField matches its elements; server/activities/certificates.ts verifyCertificate)', async () => {
    const list = (
      await env.db
        .collection('op_grids')
        .aggregate()
        .match({ _id: 'g1' })
        .limit(1)
        .project({ _id: 1 })
        .addFields({ refs: [{ id: 'c1' }, { id: 'c2' }, { id: 'none' }] })
        .lookup({ from: 'op_companies', localField: 'refs.id', foreignField: '_id', as: 'joined' })
        .end()
    ).list as { joined: { _id: string }[] }[]
    // The matching documents, once each. (The emulator also leaves a null for the element that
    // matches nothing, where MongoDB leaves nothing: the server skips empty entries.)
    expect(list[0].joined.filter(Boolean).map((c) => c._id).sort()).toEqual(['c1', 'c2'])
  })

  test('project includes fields and computes new ones', async () => {
    const $ = env.$
    const list = (await env.db.collection('op_grids').aggregate().match({ companyId: 'c1' }).project({ _id: 0, communityId: 1, twice: $.multiply(['$households', 2]) }).limit(10).end()).list
    expect(list).toEqual([
      { communityId: 'm1', twice: 20 },
      { communityId: 'm1', twice: 14 }
    ])
  })
})

describe('coverage', () => {
  /** The COVERED lists of the comment at the top of this file. */
  function coveredLists(): Record<string, Set<string>> {
    const text = readFileSync(__filename, 'utf8')
    const lists: Record<string, Set<string>> = {}
    for (const m of text.matchAll(/^ \* COVERED ([a-z]+)(?: \([^)]*\))?: (.+)$/gm)) lists[m[1]] = new Set(m[2].trim().split(/\s+/))
    return lists
  }

  test('every operator and stage the server uses is in the covered lists', () => {
    const covered = coveredLists()
    expect(Object.keys(covered).sort()).toEqual(['aggregate', 'query', 'raw', 'stages', 'update', 'values'])
    const root = join(__dirname, '..', '..')
    const usage = scanOperators(root, ['server', 'emulator/seed'])
    // The scan must see the server's usual operators, or it has stopped working.
    for (const name of ['in', 'inc', 'push', 'and']) expect(usage.commands.has(name)).toBe(true)
    expect(usage.aggregate.has('sum')).toBe(true)
    expect(usage.stages.has('group')).toBe(true)
    expect(usage.values.has('RegExp')).toBe(true)
    const missing: string[] = []
    for (const [name, files] of usage.commands) {
      if (!covered.query.has(name) && !covered.update.has(name)) missing.push(`db.command.${name} (${files.join(', ')})`)
    }
    for (const [name, files] of usage.aggregate) {
      if (!covered.aggregate.has(name)) missing.push(`db.command.aggregate.${name} (${files.join(', ')})`)
    }
    for (const [name, files] of usage.stages) {
      if (!covered.stages.has(name)) missing.push(`aggregate().${name} (${files.join(', ')})`)
    }
    for (const [name, files] of usage.raw) {
      if (!covered.raw.has(name)) missing.push(`$${name} (${files.join(', ')})`)
    }
    for (const [name, files] of usage.values) {
      if (!covered.values.has(name)) missing.push(`db.${name} (${files.join(', ')})`)
    }
    expect(missing).toEqual([])
  })
})
