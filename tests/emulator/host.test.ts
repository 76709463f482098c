/** The function host and per-call identity (getWXContext through the real SDK). */
import { FunctionNotFoundError } from '../../emulator/host'
import { currentIdentity, runWithIdentity } from '../../emulator/identity'
import { openEnv, rejection, type TestEnv } from './support'

let env: TestEnv

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
    expect(env.host.listFunctions().sort()).toEqual(['broken', 'echo', 'take', 'whoami'])
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
