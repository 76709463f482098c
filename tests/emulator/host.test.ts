/** The function host and per-call identity (getWXContext through the real SDK). */
import type { AddressInfo } from 'node:net'
import { FunctionNotFoundError, FunctionTimeoutError } from '../../emulator/host'
import { createHttpServer } from '../../emulator/http'
import { call, setTransport, TIMEOUT_MESSAGE } from '../../src/services/cloud/call'
import { transport as h5Transport } from '../../src/services/cloud/transport.h5'
import { currentIdentity, runWithIdentity } from '../../emulator/identity'
import { openEnv, rejection, type TestEnv } from './support'

let env: TestEnv

// The H5 transport is driven here as the emulator's H5 build runs it (config/index.ts devSignIn):
// it sends the caller as x-openid.
;(globalThis as { HONGLIN_DEV_SIGNIN?: boolean }).HONGLIN_DEV_SIGNIN = true

beforeAll(() => {
  env = openEnv()
})

afterAll(async () => {
  await env.host.close()
})

describe('identity', () => {
  test('200 interleaved calls each see only their own openid', async () => {
    const calls = Array.from({ length: 200 }, (_, i) => {
      const delays = Array.from({ length: 4 }, (_x, k) => (i * 7 + k * 3) % 6)
      const openid = i % 10 === 9 ? undefined : `openid-${i}`
      return { openid, promise: env.host.invoke('whoami', { delays }, openid) as Promise<{ seen: unknown[]; envOpenid: unknown }> }
    })
    const results = await Promise.all(calls.map((call) => call.promise))
    results.forEach((result, i) => {
      const expected = calls[i].openid
      expect(result.seen).toHaveLength(6)
      for (const seen of result.seen) expect(seen).toBe(expected)
      expect(result.envOpenid).toBe(expected)
    })
    // Every call's own write recorded its own caller.
    const recorded = await env.db.collection('identity_probe').where({ openid: 'openid-42' }).count()
    expect(recorded.total).toBe(1)
  })

  test('a call without openid has no OPENID, and outside calls the real environment shows through', async () => {
    const result = (await env.host.invoke('echo', { a: 1 })) as any
    expect(result.wx.OPENID).toBeUndefined()
    expect(result.wx.APPID).toBe('wx0000000000000000')
    expect(result.wx.ENV).toBe('honglin-local')
    expect(env.cloud.getWXContext().OPENID).toBeUndefined()
    expect(process.env.WX_OPENID).toBeUndefined()
    expect(process.env.TCB_ENV).toBe('honglin-local')
  })

  test('identity keys written inside a call stay in that call; other keys reach the real env', async () => {
    await runWithIdentity({ openid: 'o-inside' }, async () => {
      expect(currentIdentity()?.openid).toBe('o-inside')
      expect(process.env.WX_OPENID).toBe('o-inside')
      expect(Object.keys(process.env)).toContain('WX_OPENID')
      expect({ ...process.env }.WX_OPENID).toBe('o-inside')
      process.env.WX_OPENID = 'changed'
      process.env.EMULATOR_TEST_FLAG = 'set-inside'
      await new Promise((resolve) => setTimeout(resolve, 1))
      expect(process.env.WX_OPENID).toBe('changed')
    })
    expect(process.env.WX_OPENID).toBeUndefined()
    expect(currentIdentity()).toBeUndefined()
    expect(process.env.EMULATOR_TEST_FLAG).toBe('set-inside')
    delete process.env.EMULATOR_TEST_FLAG
  })
})

describe('host', () => {
  test('invoke passes event (with userInfo like a client call) and a context', async () => {
    const result = (await env.host.invoke('echo', { a: 1 }, 'o-echo')) as any
    expect(result.event).toEqual({ a: 1, userInfo: { appId: 'wx0000000000000000', openId: 'o-echo' } })
    expect(result.context.function_name).toBe('echo')
    expect(result.context.request_id).toMatch(/^[0-9a-f]{32}$/)
    expect(result.wx.OPENID).toBe('o-echo')
    expect(result.wx.SOURCE).toBe('wx_client')
  })

  test('a missing function is a FunctionNotFoundError; names cannot escape the functions folder', async () => {
    expect(env.host.hasFunction('echo')).toBe(true)
    expect(env.host.hasFunction('nope')).toBe(false)
    expect(env.host.hasFunction('../fixtures/functions/echo')).toBe(false)
    expect(env.host.listFunctions().sort()).toEqual(['broken', 'echo', 'sleepy', 'take', 'whoami'])
    const error = await rejection(env.host.invoke('nope', {}))
    expect(error).toBeInstanceOf(FunctionNotFoundError)
    expect(error.code).toBe('FUNCTION_NOT_FOUND')
    expect(error.statusCode).toBe(404)
  })

  test('a function that throws synchronously rejects the invocation', async () => {
    const error = await rejection(env.host.invoke('broken', {}))
    expect(error.message).toBe('broken on purpose')
  })
})

describe('cost and limits, as on the cloud', () => {
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
  const logged = async (tag: string) => (await env.db.collection('sleepy_log').where({ tag }).count()).total

  afterEach(() => {
    delete process.env.EMULATOR_DB_LATENCY_MS
  })

  test("a function's timeout comes from its config.json (default 3 s, as on the cloud)", () => {
    expect(env.host.timeoutOf('sleepy')).toBe(1000)
    expect(env.host.timeoutOf('echo')).toBe(3000)
  })

  test('a call past its timeout rejects with -504003 at the timeout, and its later database calls fail', async () => {
    const started = Date.now()
    const error = await rejection(env.host.invoke('sleepy', { sleepMs: 1600, tag: 'too-late' }, 'o-sleepy'))
    const elapsed = Date.now() - started
    expect(error).toBeInstanceOf(FunctionTimeoutError)
    expect(error.errCode).toBe(-504003)
    expect(error.errMsg).toBe('Invoking task timed out after 1 seconds')
    expect(error.stats).toMatchObject({ name: 'sleepy', outcome: 'timeout', errorCode: -504003, dbRequests: 0, timeoutMs: 1000 })
    expect(elapsed).toBeGreaterThanOrEqual(990)
    expect(elapsed).toBeLessThan(1500)
    // The function's promise runs on, but its next round trip (the add after the sleep) is refused.
    await pause(900)
    expect(await logged('too-late')).toBe(0)
  })

  test('a call within its timeout answers, with its database round trips counted', async () => {
    const { result, stats } = await env.host.invokeWithStats('sleepy', { sleepMs: 50, queries: 3, tag: 'in-time' }, 'o-sleepy')
    expect(result).toEqual({ ok: true, data: { slept: 50 } })
    expect(stats).toMatchObject({ name: 'sleepy', openid: 'o-sleepy', outcome: 'ok', dbRequests: 4 })
    expect(stats.ms).toBeGreaterThanOrEqual(50)
    expect(await logged('in-time')).toBe(1)
    // Concurrent calls count their own round trips.
    const many = await Promise.all(Array.from({ length: 20 }, (_x, i) => env.host.invokeWithStats('sleepy', { queries: i % 4, tag: 'many' })))
    many.forEach(({ stats: each }, i) => expect(each.dbRequests).toBe((i % 4) + 1))
  })

  test('a timed-out transaction is aborted: nothing it wrote is committed', async () => {
    const error = await rejection(env.host.invoke('sleepy', { holdTransactionMs: 1500, tag: 'tx' }))
    expect(error).toBeInstanceOf(FunctionTimeoutError)
    expect(error.stats.dbRequests).toBe(2) // start, set (the abort after the timeout is not the call's)
    await pause(700)
    const held = await env.db.collection('sleepy_docs').where({ _id: 'held' }).count()
    expect(held.total).toBe(0)
    // The document is free for the next call.
    const next = await env.host.invokeWithStats('sleepy', { holdTransactionMs: 1, tag: 'tx-2' })
    expect(next.stats.outcome).toBe('ok')
    expect((await env.db.collection('sleepy_docs').doc('held').get()).data.by).toBe('tx-2')
  })

  test('EMULATOR_DB_LATENCY_MS delays every round trip; concurrent round trips wait concurrently', async () => {
    process.env.EMULATOR_DB_LATENCY_MS = '40'
    const sequential = await env.host.invokeWithStats('sleepy', { queries: 5, tag: 'latency' })
    expect(sequential.stats.dbRequests).toBe(6)
    expect(sequential.stats.ms).toBeGreaterThanOrEqual(6 * 40 - 5)
    const started = Date.now()
    const parallel = await Promise.all(Array.from({ length: 30 }, () => env.host.invokeWithStats('sleepy', { queries: 1, tag: 'latency' })))
    const elapsed = Date.now() - started
    for (const each of parallel) expect(each.stats.ms).toBeGreaterThanOrEqual(2 * 40 - 5)
    // 30 calls × 2 round trips, all at once: about 2 × 40 ms, not 60 × 40 ms.
    expect(elapsed).toBeLessThan(700)
  })

  test('a latency that pushes a call past its timeout times it out', async () => {
    process.env.EMULATOR_DB_LATENCY_MS = '150'
    const error = await rejection(env.host.invoke('sleepy', { queries: 10, tag: 'slow-db' }))
    expect(error).toBeInstanceOf(FunctionTimeoutError)
    expect(error.stats.dbRequests).toBeLessThanOrEqual(8)
    delete process.env.EMULATOR_DB_LATENCY_MS
    await pause(300)
    expect(await logged('slow-db')).toBe(0)
  })

  test('over HTTP: x-db-requests on every reply, a timeout is HTTP 504 with the rejection of callFunction, one log line per call', async () => {
    const lines: string[] = []
    const server = createHttpServer({ host: env.host, log: (line) => lines.push(line) })
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const post = (name: string, body: object, openid?: string) =>
      fetch(`${base}/api/functions/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(openid ? { 'x-openid': openid } : {}) }, body: JSON.stringify(body) })
    try {
      const fine = await post('sleepy', { action: 'nap', queries: 2, tag: 'http' }, 'o-http')
      expect(fine.status).toBe(200)
      expect(fine.headers.get('x-db-requests')).toBe('3')
      expect(await fine.json()).toEqual({ ok: true, data: { slept: 0 } })
      const echo = await post('echo', { a: 1 })
      expect(echo.headers.get('x-db-requests')).toBe('0')
      const late = await post('sleepy', { action: 'nap', sleepMs: 1300, tag: 'http-late' }, 'o-http')
      expect(late.status).toBe(504)
      expect(late.headers.get('x-db-requests')).toBe('0')
      expect(await late.json()).toEqual({ errCode: -504003, errMsg: 'Invoking task timed out after 1 seconds' })
      expect(lines).toHaveLength(3)
      expect(lines[0]).toMatch(/^\[fn\] sleepy\.nap +o-http +\d+ ms +3 db  ok$/)
      expect(lines[1]).toMatch(/^\[fn\] echo +- +\d+ ms +0 db  ok$/)
      expect(lines[2]).toMatch(/sleepy\.nap .* 0 db  TIMEOUT -504003 after 1 s$/)

      // The H5 transport turns the 504 into what wx.cloud.callFunction rejects with, and call()
      // answers INTERNAL with the timeout message, as on the mini-program.
      const realFetch = globalThis.fetch
      globalThis.fetch = ((input: string, init?: RequestInit) => realFetch(`${base}${input}`, init)) as typeof fetch
      try {
        const rejected = await rejection(h5Transport('sleepy', { action: 'nap', sleepMs: 1300, tag: 'h5-late' }))
        expect(rejected.errCode).toBe(-504003)
        expect(rejected.errMsg).toBe('cloud.callFunction:fail Error: errCode: -504003  | errMsg: Invoking task timed out after 1 seconds')
        setTransport(h5Transport)
        expect(await call('sleepy', 'nap', { sleepMs: 1300, tag: 'h5-late' })).toEqual({ ok: false, error: { code: 'INTERNAL', message: TIMEOUT_MESSAGE } })
        expect(await call('sleepy', 'nap', { tag: 'h5-fine' })).toEqual({ ok: true, data: { slept: 0 } })
      } finally {
        globalThis.fetch = realFetch
        setTransport()
      }
    } finally {
      await new Promise((done) => server.close(done))
    }
    await pause(400)
  })
})
