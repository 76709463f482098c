import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { createHttpServer } from '../../emulator/http'
import { startTestCloud, type TestCloud } from '../support/cloud'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

let cloud: TestCloud
let server: Server
let base: string

beforeAll(async () => {
  cloud = await startTestCloud()
  const host = {
    hasFunction: (name: string) => existsSync(join(__dirname, '../../cloudfunctions', name, 'index.ts')),
    invoke: (name: string, data: unknown, openid?: string) => cloud.call(name, (data as { action?: string }).action ?? '', data as object, openid)
  }
  server = createHttpServer({ host })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise((done) => server.close(done))
  await cloud.close()
})

const post = (path: string, body: string, openid?: string) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(openid ? { 'x-openid': openid } : {}) }, body })

describe('the emulator HTTP contract', () => {
  it('calls a function with the openid from x-openid', async () => {
    const res = await post('/api/functions/users', JSON.stringify({ action: 'me' }), 'demo-staff')
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.ok).toBe(true)
    expect(body.data.openid).toBe('demo-staff')
    expect(body.data.roles).toContain('staff')
  })

  it('answers an unknown function with HTTP 404 NOT_FOUND', async () => {
    const res = await post('/api/functions/nope', JSON.stringify({ action: 'me' }), 'demo-staff')
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: expect.any(String) } })
  })

  it('answers malformed JSON with HTTP 400', async () => {
    const res = await post('/api/functions/users', '{"action": "me"', 'demo-staff')
    expect(res.status).toBe(400)
    expect((await res.json()).error.code).toBe('INVALID_INPUT')
  })

  it('answers an unknown action with INVALID_INPUT and HTTP 200', async () => {
    const res = await post('/api/functions/users', JSON.stringify({ action: 'drop' }), 'demo-staff')
    expect(res.status).toBe(200)
    expect((await res.json()).error.code).toBe('INVALID_INPUT')
  })

  it('answers without x-openid as an anonymous caller', async () => {
    const res = await post('/api/functions/users', JSON.stringify({ action: 'me' }))
    expect((await res.json()).error.code).toBe('UNAUTHENTICATED')
  })

  it('keeps concurrent HTTP callers apart', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => `http-user-${i}`)
    const bodies = await Promise.all(ids.map((id) => post('/api/functions/users', JSON.stringify({ action: 'me' }), id).then((r) => r.json())))
    bodies.forEach((body, i) => expect(body.data.openid).toBe(ids[i]))
  })

  it('answers a 5 MB body with HTTP 413 and a JSON error, not a reset connection', async () => {
    const big = JSON.stringify({ action: 'me', padding: 'x'.repeat(5 * 1024 * 1024) })
    const res = await post('/api/functions/users', big, 'demo-staff')
    expect(res.status).toBe(413)
    expect(await res.json()).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: '请求内容过大' } })
    // The server is still there for the next call.
    const next = await post('/api/functions/users', JSON.stringify({ action: 'me' }), 'demo-staff')
    expect((await next.json()).ok).toBe(true)
  })

  it('answers a body far past the limit with 413 and closes the connection in order', async () => {
    const huge = 'x'.repeat(40 * 1024 * 1024)
    const res = await post('/api/functions/users', huge, 'demo-staff').catch((error: Error) => error)
    // The answer is read before the connection closes; a client still sending may instead see the close.
    if (!(res instanceof Error)) {
      expect(res.status).toBe(413)
      expect((await res.json()).error).toEqual({ code: 'INVALID_INPUT', message: '请求内容过大' })
    }
    const next = await post('/api/functions/users', JSON.stringify({ action: 'me' }), 'demo-staff')
    expect(next.status).toBe(200)
  })
})
