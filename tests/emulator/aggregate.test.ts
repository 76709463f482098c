/** Conformance: aggregate() through the SDK's Aggregation builder and `db.command.aggregate`. */
import { openEnv, type TestEnv } from './support'

let env: TestEnv

beforeAll(async () => {
  env = openEnv()
  await env.db.collection('orders').add({
    data: [
      { _id: 'o1', user: 'u1', city: 'sh', amount: 10, items: ['a', 'b'], at: new Date('2026-01-01T00:00:00Z') },
      { _id: 'o2', user: 'u2', city: 'bj', amount: 25, items: ['a'], at: new Date('2026-01-02T00:00:00Z') },
      { _id: 'o3', user: 'u1', city: 'sh', amount: 5, items: [], at: new Date('2026-01-03T00:00:00Z') },
      { _id: 'o4', user: 'u3', city: 'gz', amount: 40, items: ['c', 'a', 'b'], at: new Date('2026-01-04T00:00:00Z') },
      { _id: 'o5', user: 'u2', city: 'bj', amount: 15, items: ['b'], at: new Date('2026-01-05T00:00:00Z') }
    ]
  })
  await env.db.collection('customers').add({
    data: [
      { _id: 'u1', name: 'Ann' },
      { _id: 'u2', name: 'Bob' },
      { _id: 'u3', name: 'Cat' }
    ]
  })
  await env.db.collection('lots').add({ data: Array.from({ length: 30 }, (_, i) => ({ _id: `l${i}`, i })) })
})

afterAll(async () => {
  await env.host.close()
})

const orders = () => env.db.collection('orders').aggregate()

test('match, group with sum / avg / max / min and a count, sort', async () => {
  const { _, $ } = env
  const res = await orders()
    .match({ amount: _.gt(5) })
    .group({ _id: '$city', total: $.sum('$amount'), avg: $.avg('$amount'), max: $.max('$amount'), min: $.min('$amount'), n: $.sum(1) })
    .sort({ total: -1 })
    .end()
  expect(res.errMsg).toBe('collection.aggregate:ok')
  expect(res.list).toEqual([
    { _id: 'bj', total: 40, avg: 20, max: 25, min: 15, n: 2 },
    { _id: 'gz', total: 40, avg: 40, max: 40, min: 40, n: 1 },
    { _id: 'sh', total: 10, avg: 10, max: 10, min: 10, n: 1 }
  ])
})

test('skip, limit, project, addFields with expressions', async () => {
  const { $ } = env
  const res = await orders()
    .sort({ amount: 1 })
    .skip(1)
    .limit(2)
    .addFields({ doubled: $.multiply(['$amount', 2]), label: $.concat(['$city', '-', '$user']) })
    .project({ _id: 0, doubled: 1, label: 1 })
    .end()
  expect(res.list).toEqual([
    { doubled: 20, label: 'sh-u1' },
    { doubled: 30, label: 'bj-u2' }
  ])
})

test('unwind and count', async () => {
  const unwound = await orders().unwind('$items').group({ _id: '$items', n: env.$.sum(1) }).sort({ _id: 1 }).end()
  expect(unwound.list).toEqual([
    { _id: 'a', n: 3 },
    { _id: 'b', n: 3 },
    { _id: 'c', n: 1 }
  ])
  const counted = await orders().match({ city: 'sh' }).count('shanghai').end()
  expect(counted.list).toEqual([{ shanghai: 2 }])
})

test('lookup joins another collection', async () => {
  const res = await orders()
    .match({ user: 'u2' })
    .lookup({ from: 'customers', localField: 'user', foreignField: '_id', as: 'customer' })
    .unwind('$customer')
    .project({ _id: 1, name: '$customer.name' })
    .sort({ _id: 1 })
    .end()
  expect(res.list).toEqual([
    { _id: 'o2', name: 'Bob' },
    { _id: 'o5', name: 'Bob' }
  ])
  // The joined documents are copies: the stored customers are untouched.
  expect((await env.db.collection('customers').doc('u2').get()).data).toEqual({ _id: 'u2', name: 'Bob' })
})

test('a lookup through the other collection’s _id joins as MongoDB does: all matches in order, none for a missing or unknown value', async () => {
  const { _ } = env
  await env.db.collection('orders').add({ data: { _id: 'o9', city: 'sz', amount: 1, items: [] } })
  try {
    const res = await orders()
      .match({ _id: _.in(['o1', 'o4', 'o9']) })
      .lookup({ from: 'customers', localField: 'user', foreignField: '_id', as: 'customer' })
      .lookup({ from: 'orders', localField: 'user', foreignField: 'user', as: 'sameUser' })
      .project({ _id: 1, customer: 1, sameUser: '$sameUser._id' })
      .sort({ _id: 1 })
      .end()
    expect(res.list).toEqual([
      { _id: 'o1', customer: [{ _id: 'u1', name: 'Ann' }], sameUser: ['o1', 'o3'] },
      { _id: 'o4', customer: [{ _id: 'u3', name: 'Cat' }], sameUser: ['o4'] },
      // No `user`: matched as null, against documents whose foreign field is null or missing.
      { _id: 'o9', customer: [], sameUser: ['o9'] }
    ])
  } finally {
    await env.db.collection('orders').doc('o9').remove()
  }
})

test('a lookup followed by stages that write into the joined documents leaves the stored ones untouched', async () => {
  const res = await orders()
    .match({ user: 'u1' })
    .lookup({ from: 'customers', localField: 'user', foreignField: '_id', as: 'customer' })
    .unwind('$customer')
    .addFields({ 'customer.name': 'changed', 'customer.order': '$_id' })
    .project({ _id: 1, customer: 1 })
    .sort({ _id: 1 })
    .end()
  // Two orders of the same customer: each got its own copy of the joined document.
  expect(res.list).toEqual([
    { _id: 'o1', customer: { _id: 'u1', name: 'changed', order: 'o1' } },
    { _id: 'o3', customer: { _id: 'u1', name: 'changed', order: 'o3' } }
  ])
  expect(env.host.store.get('customers', 'u1')).toEqual({ _id: 'u1', name: 'Ann' })
  expect((await env.db.collection('customers').doc('u1').get()).data).toEqual({ _id: 'u1', name: 'Ann' })
  // The joined lists are not shared with later aggregations either.
  const again = await orders().match({ _id: 'o1' }).lookup({ from: 'customers', localField: 'user', foreignField: '_id', as: 'customer' }).end()
  expect(again.list[0].customer).toEqual([{ _id: 'u1', name: 'Ann' }])
})


test('an uncorrelated lookup sub-pipeline joins the same result to every input, copies of the stored documents', async () => {
  const { _, $ } = env
  const res = await orders()
    .match({ city: 'sh' })
    .lookup({
      from: 'customers',
      pipeline: $.pipeline().match({ _id: _.in(['u1', 'u2']) }).sort({ _id: -1 }).done(),
      as: 'few'
    })
    .lookup({ from: 'lots', pipeline: $.pipeline().match({ i: _.gte(28) }).count('n').done(), as: 'tail' })
    .unwind('$few')
    .addFields({ 'few.name': 'changed' })
    .project({ _id: 1, few: 1, tail: 1 })
    .sort({ _id: 1, 'few._id': 1 })
    .end()
  expect(res.list).toEqual([
    { _id: 'o1', few: { _id: 'u1', name: 'changed' }, tail: [{ n: 2 }] },
    { _id: 'o1', few: { _id: 'u2', name: 'changed' }, tail: [{ n: 2 }] },
    { _id: 'o3', few: { _id: 'u1', name: 'changed' }, tail: [{ n: 2 }] },
    { _id: 'o3', few: { _id: 'u2', name: 'changed' }, tail: [{ n: 2 }] }
  ])
  expect(env.host.store.get('customers', 'u1')).toEqual({ _id: 'u1', name: 'Ann' })
  // A later aggregation sees the stored documents, not an earlier call's result.
  const again = await orders().match({ _id: 'o2' }).lookup({ from: 'customers', pipeline: $.pipeline().match({ _id: 'u2' }).done(), as: 'c' }).end()
  expect(again.list[0].c).toEqual([{ _id: 'u2', name: 'Bob' }])
})
test('dates in match and date operators', async () => {
  const { _, $ } = env
  const res = await orders()
    .match({ at: _.gte(new Date('2026-01-03T00:00:00Z')) })
    .project({ _id: 1, day: $.dayOfMonth('$at'), at: 1 })
    .sort({ _id: 1 })
    .end()
  expect(res.list.map((doc: any) => doc.day)).toEqual([3, 4, 5])
  expect(res.list[0].at).toBeInstanceOf(Date)
})

test('sortByCount and replaceRoot', async () => {
  const byCity = await orders().sortByCount('$city').end()
  expect(byCity.list.map((doc: any) => doc.count)).toEqual([2, 2, 1])
  expect(byCity.list[2]).toEqual({ _id: 'gz', count: 1 })
  const roots = await orders().match({ _id: 'o1' }).replaceRoot({ newRoot: { u: '$user' } }).end()
  expect(roots.list).toEqual([{ u: 'u1' }])
})

test('without a limit stage an aggregation returns 20 results, as on the cloud', async () => {
  expect((await env.db.collection('lots').aggregate().sort({ i: 1 }).end()).list).toHaveLength(20)
  expect((await env.db.collection('lots').aggregate().sort({ i: 1 }).limit(25).end()).list).toHaveLength(25)
})

test('an unknown operator fails with the database error (aggregate keeps errCode -1: the SDK does not map it)', async () => {
  const error = await env.db
    .collection('orders')
    .aggregate()
    .group({ _id: null, x: { $noSuchAccumulator: 1 } })
    .end()
    .catch((e: any) => e)
  expect(error.errCode).toBe(-1)
  expect(error.code).toBe('DATABASE_REQUEST_FAILED')
  expect(error.message).toMatch(/^collection\.aggregate:fail .*noSuchAccumulator/)
})

test('facet is not offered by the SDK (wx-server-sdk 4.0.2 forwards it to a missing builder method)', () => {
  expect(() => orders().facet({ a: [] })).toThrow(TypeError)
})
