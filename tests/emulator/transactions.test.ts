/** Conformance: transactions and atomic guarded updates under concurrency. */
import { Store } from '../../emulator/backend/store'
import { openEnv, rejection, type TestEnv } from './support'

let env: TestEnv

beforeEach(() => {
  env = openEnv()
})

afterEach(async () => {
  await env.host.close()
})

const accounts = () => env.db.collection('accounts')
const balance = async (id: string) => (await accounts().doc(id).get()).data.balance

describe('runTransaction', () => {
  beforeEach(async () => {
    await accounts().add({ data: [{ _id: 'a', balance: 100 }, { _id: 'b', balance: 0 }] })
  })

  test('commits every write at once and returns the callback result', async () => {
    const result = await env.db.runTransaction(async (tx: any) => {
      const a = (await tx.collection('accounts').doc('a').get()).data
      await tx.collection('accounts').doc('a').update({ data: { balance: a.balance - 30 } })
      await tx.collection('accounts').doc('b').update({ data: { balance: env._.inc(30) } })
      await tx.collection('ledger').add({ data: { _id: 'entry-1', amount: 30 } })
      await tx.collection('ledger').doc('entry-2').set({ data: { amount: 0 } })
      // Reads inside the transaction see its own writes; reads outside do not (yet).
      expect((await tx.collection('accounts').doc('a').get()).data.balance).toBe(70)
      expect(await balance('a')).toBe(100)
      return 'done'
    })
    expect(result).toBe('done')
    expect(await balance('a')).toBe(70)
    expect(await balance('b')).toBe(30)
    expect((await env.db.collection('ledger').count()).total).toBe(2)
  })

  test('a callback that throws rolls everything back', async () => {
    const error = await rejection(
      env.db.runTransaction(async (tx: any) => {
        await tx.collection('accounts').doc('a').update({ data: { balance: 0 } })
        await tx.collection('accounts').doc('b').remove()
        await tx.collection('ledger').add({ data: { amount: 1 } })
        throw new Error('insufficient funds')
      })
    )
    expect(error.message).toBe('insufficient funds')
    expect(await balance('a')).toBe(100)
    expect(await balance('b')).toBe(0)
    expect((await env.db.collection('ledger').count()).total).toBe(0)
  })

  test('rollback(reason) aborts and rejects with the reason', async () => {
    const error = await rejection(
      env.db.runTransaction(async (tx: any) => {
        await tx.collection('accounts').doc('a').update({ data: { balance: 1 } })
        await tx.rollback('no thanks')
      })
    )
    expect(error).toBe('no thanks')
    expect(await balance('a')).toBe(100)
  })

  test('a concurrent write to a document it read makes it retry, ending consistent', async () => {
    let attempts = 0
    await env.db.runTransaction(async (tx: any) => {
      attempts++
      const a = (await tx.collection('accounts').doc('a').get()).data
      if (attempts === 1) await accounts().doc('a').update({ data: { balance: env._.inc(5) } })
      await tx.collection('accounts').doc('a').update({ data: { balance: a.balance + 1 } })
    })
    expect(attempts).toBe(2)
    expect(await balance('a')).toBe(106)
  })

  test('after the retries run out the conflict error surfaces', async () => {
    let attempts = 0
    const error = await rejection(
      env.db.runTransaction(async (tx: any) => {
        attempts++
        await tx.collection('accounts').doc('a').get()
        await accounts().doc('a').update({ data: { balance: env._.inc(1) } })
      }, 2)
    )
    expect(attempts).toBe(3)
    expect(error.code).toBe('DATABASE_TRANSACTION_CONFLICT')
  })

  test('100 concurrent transactional increments of one counter end at exactly 100', async () => {
    await env.db.collection('counters').add({ data: { _id: 'c', n: 0 } })
    await Promise.all(
      Array.from({ length: 100 }, () =>
        env.db.runTransaction(async (tx: any) => {
          const { data } = await tx.collection('counters').doc('c').get()
          await new Promise((resolve) => setImmediate(resolve))
          await tx.collection('counters').doc('c').update({ data: { n: data.n + 1 } })
        })
      )
    )
    expect((await env.db.collection('counters').doc('c').get()).data.n).toBe(100)
  })

  test('add of an existing _id inside a transaction fails', async () => {
    const error = await rejection(env.db.runTransaction(async (tx: any) => tx.collection('accounts').add({ data: { _id: 'a' } })))
    expect(error.message).toContain('duplicate key')
    expect(await balance('a')).toBe(100)
  })

  test('a unique index violated at commit rolls the whole transaction back', async () => {
    await env.db.collection('users').add({ data: { _id: 'u1', openid: 'taken' } })
    const error = await rejection(
      env.db.runTransaction(async (tx: any) => {
        await tx.collection('accounts').doc('a').update({ data: { balance: 1 } })
        await tx.collection('users').add({ data: { _id: 'u2', openid: 'taken' } })
      })
    )
    expect(error.message).toContain('duplicate key')
    expect(await balance('a')).toBe(100)
    expect((await env.db.collection('users').count()).total).toBe(1)
  })

  test('where() inside a transaction is refused, as on the cloud', async () => {
    const error = await rejection(env.db.runTransaction(async (tx: any) => tx.collection('accounts').where({ balance: 0 }).get()))
    expect(error.message).toContain('where() is not supported in a transaction')
  })

  test('get of a missing document inside a transaction rejects like doc().get()', async () => {
    const error = await rejection(env.db.runTransaction(async (tx: any) => tx.collection('accounts').doc('zz').get()))
    expect(String(error.message ?? error)).toContain('does not exist')
  })
})

describe('startTransaction', () => {
  test('commit applies, rollback discards', async () => {
    await accounts().add({ data: { _id: 'a', balance: 10 } })
    const tx = await env.db.startTransaction()
    await tx.collection('accounts').doc('a').update({ data: { balance: 20 } })
    expect(await balance('a')).toBe(10)
    await tx.commit()
    expect(await balance('a')).toBe(20)

    const tx2 = await env.db.startTransaction()
    await tx2.collection('accounts').doc('a').update({ data: { balance: 30 } })
    await tx2.rollback()
    expect(await balance('a')).toBe(20)
  })

  test('transactions queue: a second one starts when the first finishes', async () => {
    const first = await env.db.startTransaction()
    let secondStarted = false
    const second = env.db.startTransaction().then((tx: any) => {
      secondStarted = true
      return tx
    })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(secondStarted).toBe(false)
    await first.commit()
    await (await second).commit()
    expect(secondStarted).toBe(true)
  })

  test('an abandoned transaction is rolled back after the timeout and frees the queue', async () => {
    const store = new Store({ transactionTimeoutMs: 50 })
    const id = await store.transactions.start()
    store.transactions.insert(id, 'things', [{ _id: 'late' }])
    const next = await store.transactions.start()
    expect(store.get('things', 'late')).toBeNull()
    expect(() => store.transactions.commit(id)).toThrow(/does not exist/)
    store.transactions.abort(next)
    store.close()
  })
})

describe('atomic guarded updates', () => {
  test('200 parallel guarded decrements of left=50: exactly 50 succeed', async () => {
    const { db, _ } = env
    await db.collection('events').add({ data: { _id: 'e', left: 50 } })
    const results = await Promise.all(
      Array.from({ length: 200 }, () => db.collection('events').where({ _id: 'e', left: _.gt(0) }).update({ data: { left: _.inc(-1) } }))
    )
    const updated = results.map((res: any) => res.stats.updated)
    expect(updated.filter((n: number) => n === 1)).toHaveLength(50)
    expect(updated.filter((n: number) => n === 0)).toHaveLength(150)
    expect((await db.collection('events').doc('e').get()).data.left).toBe(0)
  })

  test('the same through the function host: 100 calls for 10 places', async () => {
    await env.db.collection('events').add({ data: { _id: 'e2', left: 10 } })
    const results = (await Promise.all(
      Array.from({ length: 100 }, (_x, i) => env.host.invoke('take', { eventId: 'e2' }, `user-${i}`))
    )) as Array<{ taken: boolean; openid: string }>
    expect(results.filter((res) => res.taken)).toHaveLength(10)
    expect(results.map((res) => res.openid)).toEqual(Array.from({ length: 100 }, (_x, i) => `user-${i}`))
    expect((await env.db.collection('events').doc('e2').get()).data.left).toBe(0)
  })
})
