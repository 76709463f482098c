import { z } from 'zod'
import { call, setTransport, NETWORK_ERROR_MESSAGE, TIMEOUT_MESSAGE } from '@/services/cloud/call'
import type { Transport } from '@/services/cloud/types'

const itemSchema = z.object({ id: z.string(), count: z.number() })

function replying(value: unknown): Transport & jest.Mock {
  return jest.fn(async () => value)
}

afterEach(() => setTransport())

describe('call()', () => {
  it('sends { action, ...input } to the named function and returns the data', async () => {
    const transport = replying({ ok: true, data: { id: 'a', count: 2 } })
    setTransport(transport)
    const reply = await call('activities', 'get', { id: 'a' }, itemSchema)
    expect(transport).toHaveBeenCalledWith('activities', { action: 'get', id: 'a' })
    expect(reply).toEqual({ ok: true, data: { id: 'a', count: 2 } })
  })

  it('passes data through untouched without an output schema', async () => {
    setTransport(replying({ ok: true, data: [1, 2, 3] }))
    expect(await call('x', 'list')).toEqual({ ok: true, data: [1, 2, 3] })
  })

  it('strips unknown fields when an output schema is given (the contract decides)', async () => {
    setTransport(replying({ ok: true, data: { id: 'a', count: 1, extra: true } }))
    const reply = await call('x', 'get', {}, itemSchema)
    expect(reply).toEqual({ ok: true, data: { id: 'a', count: 1 } })
  })

  it('returns an error envelope as is', async () => {
    setTransport(replying({ ok: false, error: { code: 'INVALID_INPUT', message: '请填写姓名', fields: ['name'] } }))
    const reply = await call('users', 'update', { name: '' }, itemSchema)
    expect(reply).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: '请填写姓名', fields: ['name'] } })
  })

  it.each([
    ['undefined', undefined],
    ['a string', 'oops'],
    ['no ok flag', { data: 1 }],
    ['ok false without error', { ok: false }],
    ['an unknown error code', { ok: false, error: { code: 'TEAPOT', message: '?' } }]
  ])('turns a malformed reply (%s) into INTERNAL', async (_label, value) => {
    setTransport(replying(value))
    const reply = await call('x', 'y')
    expect(reply.ok).toBe(false)
    if (!reply.ok) {
      expect(reply.error.code).toBe('INTERNAL')
      expect(reply.error.message).toMatch(/[\u4e00-\u9fa5]/)
    }
  })

  it('turns data that does not match the output schema into INTERNAL', async () => {
    setTransport(replying({ ok: true, data: { id: 'a', count: 'two' } }))
    const reply = await call('x', 'get', {}, itemSchema)
    expect(reply).toEqual({ ok: false, error: { code: 'INTERNAL', message: expect.stringMatching(/[\u4e00-\u9fa5]/) } })
  })

  it('turns a transport failure into INTERNAL with a Chinese network message', async () => {
    setTransport(jest.fn(async () => {
      throw new Error('ECONNRESET')
    }))
    expect(await call('x', 'y')).toEqual({ ok: false, error: { code: 'INTERNAL', message: NETWORK_ERROR_MESSAGE } })
    expect(NETWORK_ERROR_MESSAGE).toBe('网络异常，请稍后重试')
  })

  it('turns a timed-out function (callFunction rejects with errCode -504003) into INTERNAL with a timeout message', async () => {
    setTransport(jest.fn(async () => {
      const errMsg = 'cloud.callFunction:fail Error: errCode: -504003  | errMsg: Invoking task timed out after 3 seconds'
      throw Object.assign(new Error(errMsg), { errCode: -504003, errMsg })
    }))
    expect(await call('x', 'y')).toEqual({ ok: false, error: { code: 'INTERNAL', message: TIMEOUT_MESSAGE } })
  })

  it('recognises the timeout when the weapp rejection names it only in its text', async () => {
    setTransport(jest.fn(async () => {
      const errMsg = 'cloud.callFunction:fail requestID 1a2b, cloud function service error code -504003, error message Invoking task timed out after 3 seconds'
      throw Object.assign(new Error(errMsg), { errCode: -404011, errMsg })
    }))
    expect(await call('x', 'y')).toEqual({ ok: false, error: { code: 'INTERNAL', message: TIMEOUT_MESSAGE } })
  })

  it('uses the platform-neutral transport by default, which fails cleanly outside Taro', async () => {
    const reply = await call('x', 'y')
    expect(reply).toEqual({ ok: false, error: { code: 'INTERNAL', message: NETWORK_ERROR_MESSAGE } })
  })
})
