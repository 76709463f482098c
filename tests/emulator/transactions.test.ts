/** Conformance: optimistic transactions (as the cloud runs them) and atomic guarded updates under concurrency. */
import { Store } from '../../emulator/backend/store'
import { transactionsOf } from '../../emulator/backend/transactions'
import { isTransactionConflict } from '../../server/core/errors'
import { transaction } from '../../server/core/transaction'
import { openEnv, rejection, TEST_COLLECTIONS, type TestEnv } from './support'

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

  // wx-server-sdk wraps an error thrown by a write inside a transaction (errCode -501001, the
  // server's text in errMsg) and so drops the DATABASE_TRANSACTION_CONFLICT code that the
  // underlying @cloudbase/database runTransaction retries on: on the cloud as here, only a
  // conflict found at commit is retried by the SDK. server/core/transaction.ts retries the rest.
  test('a write to a document committed by someone else after the snapshot conflicts; the SDK does not retry it', async () => {
    let attempts = 0
    const error = await rejection(
      env.db.runTransaction(async (tx: any) => {
        attempts++
        const a = (await tx.collection('accounts').doc('a').get()).data
        await accounts().doc('a').update({ data: { balance: env._.inc(5) } })
        await tx.collection('accounts').doc('a').update({ data: { balance: a.balance + 1 } })
      })
    )
    expect(attempts).toBe(1)
    expect(error.errCode).toBe(-501001)
    expect(error.errMsg).toContain('TransactionConflict')
    expect(isTransactionConflict(error)).toBe(true)
    expect(await balance('a')).toBe(105)
  })

  test('server/core/transaction.ts runs a conflicting callback again, ending consistent', async () => {
    let attempts = 0
    await transaction(async (tx) => {
      attempts++
      const a = (await tx.collection('accounts').doc('a').get()).data
      if (attempts === 1) await accounts().doc('a').update({ data: { balance: env._.inc(5) } })
      await tx.collection('accounts').doc('a').update({ data: { balance: a.balance + 1 } })
    })
    expect(attempts).toBe(2)
    expect(await balance('a')).toBe(106)
  })

  test('a conflict found at commit is retried by the SDK itself', async () => {
    let attempts = 0
    await env.db.runTransaction(async (tx: any) => {
      attempts++
      const a = (await tx.collection('accounts').doc('a').get()).data
      await tx.collection('accounts').doc('a').update({ data: { balance: a.balance + 1 } })
      // Only the programmatic API (seeds, tests) writes past a transaction's lock.
      if (attempts === 1) env.host.store.updateOne('accounts', { _id: 'a' }, { $inc: { balance: 5 } })
    })
    expect(attempts).toBe(2)
    expect(await balance('a')).toBe(106)
  })

  test('after the retries run out the conflict error surfaces', async () => {
    let attempts = 0
    const error = await rejection(
      transaction(
        async (tx) => {
          attempts++
          await tx.collection('accounts').doc('a').get()
          await accounts().doc('a').update({ data: { balance: env._.inc(1) } })
          await tx.collection('accounts').doc('a').update({ data: { balance: 0 } })
        },
        { rounds: 3 }
      )
    )
    expect(attempts).toBe(3)
    expect(isTransactionConflict(error)).toBe(true)
    expect(await balance('a')).toBe(103)
  })

  test('100 concurrent read-then-write increments: conflicts are retried or surface, none is lost', async () => {
    await env.db.collection('counters').add({ data: { _id: 'c', n: 0 } })
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, () =>
        transaction(async (tx) => {
          const { data } = await tx.collection('counters').doc('c').get()
          await new Promise((resolve) => setImmediate(resolve))
          await tx.collection('counters').doc('c').update({ data: { n: data.n + 1 } })
        }).then(
          () => 'ok',
          (error: unknown) => (isTransactionConflict(error) ? 'conflict' : String(error))
        )
      )
    )
    const committed = outcomes.filter((outcome) => outcome === 'ok').length
    expect(committed).toBeGreaterThan(0)
    expect(outcomes.every((outcome) => outcome === 'ok' || outcome === 'conflict')).toBe(true)
    expect((await env.db.collection('counters').doc('c').get()).data.n).toBe(committed)
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

  test('transactions on different documents run at the same time', async () => {
    await accounts().add({ data: [{ _id: 'a', balance: 10 }, { _id: 'b', balance: 10 }] })
    const first = await env.db.startTransaction()
    const second = await env.db.startTransaction()
    await first.collection('accounts').doc('a').update({ data: { balance: 11 } })
    await second.collection('accounts').doc('b').update({ data: { balance: 12 } })
    await second.commit()
    await first.commit()
    expect(await balance('a')).toBe(11)
    expect(await balance('b')).toBe(12)
  })
})

// The cases of @cloudbase/node-sdk's own transaction tests (test/database/unit/transaction.test.ts).
describe('as the cloud behaves', () => {
  const CONFLICT_TEXT = '[ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe resource operated by others.'
  const NOT_EXIST_TEXT = '[ResourceUnavailable.TransactionNotExist] Transaction does not exist on the server'

  beforeEach(async () => {
    await accounts().add({ data: [{ _id: 'a', balance: 100 }, { _id: 'b', balance: 0 }] })
  })

  test('冲突检测: a write to a document another open transaction wrote conflicts at once', async () => {
    const first = await env.db.startTransaction()
    const second = await env.db.startTransaction()
    await first.collection('accounts').doc('a').get()
    await second.collection('accounts').doc('a').update({ data: { balance: 1 } })
    const error = await rejection(first.collection('accounts').doc('a').update({ data: { balance: 2 } }))
    expect(error.errMsg).toContain(CONFLICT_TEXT)
    await second.commit()
    expect(await balance('a')).toBe(1)
    // The conflict aborted the first transaction (as MongoDB does).
    expect((await rejection(first.commit())).code).toBe('DATABASE_TRANSACTION_FAIL')
  })

  test('读快照: its own writes are visible to it and to no one else until commit', async () => {
    const tx = await env.db.startTransaction()
    await tx.collection('accounts').doc('a').update({ data: { balance: 1 } })
    expect(await balance('a')).toBe(100)
    expect((await tx.collection('accounts').doc('a').get()).data.balance).toBe(1)
    await tx.rollback()
    expect(await balance('a')).toBe(100)
  })

  test('读偏: reads see the snapshot of its first operation; writing what changed since conflicts', async () => {
    const tx = await env.db.startTransaction()
    await tx.collection('accounts').doc('a').get()
    await accounts().doc('a').set({ data: { balance: 7 } })
    await accounts().doc('b').set({ data: { balance: 8 } })
    await accounts().add({ data: { _id: 'c', balance: 9 } })
    expect((await tx.collection('accounts').doc('a').get()).data.balance).toBe(100)
    expect((await tx.collection('accounts').doc('b').get()).data.balance).toBe(0)
    // Created after the snapshot: not there for the transaction.
    expect(String((await rejection(tx.collection('accounts').doc('c').get())).message)).toContain('does not exist')
    const error = await rejection(tx.collection('accounts').doc('a').update({ data: { balance: 1 } }))
    expect(error.errMsg).toContain(CONFLICT_TEXT)
    expect(await balance('a')).toBe(7)
  })

  test('write skew: reads are not validated, so two crossed read-then-write transactions both commit', async () => {
    const first = await env.db.startTransaction()
    const second = await env.db.startTransaction()
    const a = (await first.collection('accounts').doc('a').get()).data
    const b = (await second.collection('accounts').doc('b').get()).data
    await first.collection('accounts').doc('b').update({ data: { balance: a.balance + 1 } })
    await second.collection('accounts').doc('a').update({ data: { balance: b.balance + 1 } })
    await first.commit()
    await second.commit()
    expect(await balance('a')).toBe(1)
    expect(await balance('b')).toBe(101)
  })

  test('事务提交后, 不能进行其它操作: every use after commit or rollback fails with DATABASE_TRANSACTION_FAIL', async () => {
    const tx = await env.db.startTransaction()
    await tx.commit()
    // A write's error reaches the caller wrapped by wx-server-sdk; commit's and rollback's as sent.
    const error = await rejection(tx.collection('accounts').doc('a').set({ data: { balance: 5 } }))
    expect(error.errMsg).toContain(NOT_EXIST_TEXT)
    const commitAgain = await rejection(tx.commit())
    expect(commitAgain.code).toBe('DATABASE_TRANSACTION_FAIL')
    expect(commitAgain.message).toContain(NOT_EXIST_TEXT)
    expect((await rejection(tx.rollback())).code).toBe('DATABASE_TRANSACTION_FAIL')
    const rolledBack = await env.db.startTransaction()
    await rolledBack.rollback()
    expect((await rejection(rolledBack.collection('accounts').doc('a').get())).errMsg).toContain(NOT_EXIST_TEXT)
    expect(await balance('a')).toBe(100)
  })

  test('set reports one update even when nothing changes; update of a missing document none; set upserts', async () => {
    await env.db.runTransaction(async (tx: any) => {
      expect((await tx.collection('accounts').doc('a').set({ data: { balance: 100 } })).stats.updated).toBe(1)
      expect((await tx.collection('accounts').doc('zz').update({ data: { balance: 1 } })).stats.updated).toBe(0)
      await tx.collection('accounts').doc('new').set({ data: { balance: 3 } })
    })
    expect(await balance('new')).toBe(3)
  })

  test('a write outside any transaction waits for the transaction holding the document, then applies', async () => {
    const tx = await env.db.startTransaction()
    await tx.collection('accounts').doc('a').update({ data: { balance: 50 } })
    let outsideDone = false
    const outside = accounts()
      .doc('a')
      .update({ data: { balance: env._.inc(1) } })
      .then(() => (outsideDone = true))
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(outsideDone).toBe(false)
    await tx.commit()
    await outside
    expect(await balance('a')).toBe(51)
  })

  test('a rolled-back transaction leaves nothing and frees its documents at once', async () => {
    const tx = await env.db.startTransaction()
    await tx.collection('accounts').doc('a').update({ data: { balance: 1 } })
    await tx.collection('ledger').add({ data: { _id: 'x', amount: 1 } })
    await tx.rollback()
    await accounts().doc('a').update({ data: { balance: env._.inc(1) } })
    expect(await balance('a')).toBe(101)
    expect((await env.db.collection('ledger').count()).total).toBe(0)
  })

  test('two transactions adding the same _id: the second conflicts', async () => {
    const first = await env.db.startTransaction()
    const second = await env.db.startTransaction()
    await first.collection('ledger').add({ data: { _id: 'same', amount: 1 } })
    expect((await rejection(second.collection('ledger').add({ data: { _id: 'same', amount: 2 } }))).errMsg).toContain(CONFLICT_TEXT)
    await first.commit()
    expect((await env.db.collection('ledger').doc('same').get()).data.amount).toBe(1)
  })

  test('a transaction past its lifetime is rolled back and its documents freed', async () => {
    const store = new Store({ transactionTimeoutMs: 50, collections: TEST_COLLECTIONS })
    const transactions = transactionsOf(store)
    const id = transactions.start()
    transactions.insert(id, 'things', [{ _id: 'late' }])
    await new Promise((resolve) => setTimeout(resolve, 80))
    expect(transactions.openCount).toBe(0)
    expect(() => transactions.commit(id)).toThrow(/TransactionNotExist/)
    expect(store.get('things', 'late')).toBeNull()
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
