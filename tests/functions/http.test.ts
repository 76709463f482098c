import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { createHttpServer } from '../../emulator/http'
import { startTestCloud, type TestCloud } from '../support/cloud'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHost, type Host, type Invoker } from '../../emulator/host'

let cloud: TestCloud
let server: Server
let base: string

beforeAll(async () => {
  cloud = await startTestCloud()
  const host = {
    hasFunction: (name: string) => existsSync(join(__dirname, '../../cloudfunctions', name, 'index.ts')),
    invoke: (name: string, data: unknown, invoker?: Invoker) => {
      if (typeof invoker === 'object') throw new Error('this host has no web callers')
      return cloud.call(name, (data as { action?: string }).action ?? '', data as object, invoker)
    }
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

/**
 * A web page signed in to CloudBase (the back office, docs/back-office.md §2): the emulator's auth
 * endpoints and `Authorization: Bearer`, over real HTTP, against a host with its own auth.
 */
describe('web callers: CloudBase auth over HTTP', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const tcb = require('@cloudbase/node-sdk')
  let host: Host
  let web: Server
  let webBase: string
  let functionsDir: string
  let now = Date.now()

  beforeAll(async () => {
    // A real function (users, wishes) and a probe that answers what the cloud gives a call.
    functionsDir = mkdtempSync(join(tmpdir(), 'honglin-web-fns-'))
    const repoFunctions = join(__dirname, '../../cloudfunctions')
    for (const name of ['users', 'wishes']) {
      mkdirSync(join(functionsDir, name))
      writeFileSync(join(functionsDir, name, 'index.js'), `module.exports = require(${JSON.stringify(join(repoFunctions, name, 'index.ts'))})\n`)
    }
    mkdirSync(join(functionsDir, 'probe'))
    writeFileSync(
      join(functionsDir, 'probe', 'index.js'),
      [
        `const cloud = require(${JSON.stringify(require.resolve('wx-server-sdk'))})`,
        `const tcb = require(${JSON.stringify(require.resolve('@cloudbase/node-sdk'))})`,
        'cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })',
        'exports.main = async (event) => ({ event, wx: cloud.getWXContext(), tcb: tcb.getCloudbaseContext(), user: tcb.init({ env: tcb.SYMBOL_CURRENT_ENV }).auth().getUserInfo() })',
        ''
      ].join('\n')
    )
    host = createHost({ inMemory: true, functionsDir, now: () => now })
    web = createHttpServer({ host })
    await new Promise<void>((done) => web.listen(0, '127.0.0.1', done))
    webBase = `http://127.0.0.1:${(web.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await new Promise((done) => web.close(done))
    await host.close()
    rmSync(functionsDir, { recursive: true, force: true })
  })
  beforeEach(() => {
    now = Date.now()
  })

  const send = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${webBase}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) })
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
  /** A ticket exactly as function `auth` makes it (node-sdk, the key from HONGLIN_CUSTOM_LOGIN_KEY). */
  const ticketFor = (uid: string) => {
    const credentials = JSON.parse(Buffer.from(process.env.HONGLIN_CUSTOM_LOGIN_KEY!, 'base64').toString('utf8'))
    return tcb.init({ env: tcb.SYMBOL_CURRENT_ENV, credentials }).auth().createTicket(uid, { refresh: 3_600_000, expire: Date.now() + 12 * 3_600_000 }) as string
  }
  const signIn = async (uid: string) => {
    const res = await send('/api/auth/signin/custom', { ticket: ticketFor(uid) })
    expect(res.status).toBe(200)
    return (await res.json()) as { access_token: string; refresh_token: string; expires_in: number }
  }

  it('an anonymous web user reaches functions with no openid: public actions answer, signed-in ones say UNAUTHENTICATED', async () => {
    const res = await send('/api/auth/anonymous', {})
    expect(res.status).toBe(200)
    const tokens = await res.json()
    expect(tokens).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), expires_in: 7200 })

    const probe = await (await send('/api/functions/probe', { action: 'x' }, bearer(tokens.access_token))).json()
    expect(probe.event).toEqual({ action: 'x' })
    expect(probe.wx.OPENID).toBeUndefined()
    expect(probe.wx.APPID).toBeUndefined()
    expect(probe.tcb).toMatchObject({ TCB_UUID: expect.any(String), TCB_ISANONYMOUS_USER: 'true' })
    expect(probe.tcb.TCB_CUSTOM_USER_ID).toBeUndefined()
    expect(probe.user).toMatchObject({ uid: probe.tcb.TCB_UUID, isAnonymous: true })

    const me = await send('/api/functions/users', { action: 'me' }, bearer(tokens.access_token))
    expect(me.status).toBe(200)
    expect((await me.json()).error.code).toBe('UNAUTHENTICATED')
    const totals = await (await send('/api/functions/wishes', { action: 'deedTotals', communityId: 'c1' }, bearer(tokens.access_token))).json()
    expect(totals.ok).toBe(true)
  })

  it('a custom sign-in with a real node-sdk ticket: the call carries TCB_CUSTOM_USER_ID and the client IP, never an openid', async () => {
    const tokens = await signIn('ds_AbCdEfGhIjKlMnOpQrStUv')
    const probe = await (await send('/api/functions/probe', { action: 'x', userInfo: { openId: 'demo-admin' } }, bearer(tokens.access_token))).json()
    expect(probe.wx.OPENID).toBeUndefined()
    expect(probe.wx.CLIENTIP).toBe('127.0.0.1')
    expect(probe.tcb).toMatchObject({ TCB_CUSTOM_USER_ID: 'ds_AbCdEfGhIjKlMnOpQrStUv', TCB_ISANONYMOUS_USER: 'false', TCB_UUID: expect.any(String) })
    expect(probe.user).toMatchObject({ customUserId: 'ds_AbCdEfGhIjKlMnOpQrStUv', isAnonymous: false, uid: probe.tcb.TCB_UUID })
    // Only the token says who calls: users.me still knows nobody by that name (no desk session).
    expect((await (await send('/api/functions/users', { action: 'me' }, bearer(tokens.access_token))).json()).error.code).toBe('UNAUTHENTICATED')
  })

  it('refuses a bearer together with x-openid (400), and an unknown or malformed bearer (401), with {errCode, errMsg}', async () => {
    const tokens = await signIn('ds_BothBothBothBothBothBo')
    const both = await send('/api/functions/probe', {}, { ...bearer(tokens.access_token), 'x-openid': 'demo-admin' })
    expect(both.status).toBe(400)
    expect(await both.json()).toEqual({ errCode: expect.any(Number), errMsg: expect.any(String) })
    for (const authorization of ['Bearer not-a-token', 'Bearer ', 'Basic abc', 'Bearer a b']) {
      const res = await send('/api/functions/probe', {}, { authorization })
      expect(res.status).toBe(401)
      expect(await res.json()).toEqual({ errCode: expect.any(Number), errMsg: expect.any(String) })
    }
  })

  it('an access token dies after 2 h (401); refresh gives a new one and kills the old; signout kills it', async () => {
    const tokens = await signIn('ds_RefreshRefreshRefresh')
    now += 2 * 3_600_000
    expect((await send('/api/functions/probe', {}, bearer(tokens.access_token))).status).toBe(401)
    const refreshed = await send('/api/auth/refresh', { refresh_token: tokens.refresh_token })
    expect(refreshed.status).toBe(200)
    const renewed = await refreshed.json()
    expect(renewed.access_token).not.toBe(tokens.access_token)
    const probe = await send('/api/functions/probe', {}, bearer(renewed.access_token))
    expect(probe.status).toBe(200)
    expect((await probe.json()).tcb.TCB_CUSTOM_USER_ID).toBe('ds_RefreshRefreshRefresh')
    // The old refresh token was used up.
    expect((await send('/api/auth/refresh', { refresh_token: tokens.refresh_token })).status).toBe(401)

    const out = await send('/api/auth/signout', '', bearer(renewed.access_token))
    expect(out.status).toBe(200)
    expect(await out.json()).toEqual({})
    expect((await send('/api/functions/probe', {}, bearer(renewed.access_token))).status).toBe(401)
    expect((await send('/api/auth/refresh', { refresh_token: renewed.refresh_token })).status).toBe(401)
  })

  it('refuses a reused ticket (401) and answers malformed auth requests with 400, never crashing', async () => {
    const ticket = ticketFor('ds_OnceOnceOnceOnceOnceOn')
    expect((await send('/api/auth/signin/custom', { ticket })).status).toBe(200)
    const again = await send('/api/auth/signin/custom', { ticket })
    expect(again.status).toBe(401)
    expect(await again.json()).toEqual({ errCode: expect.any(Number), errMsg: expect.stringMatching(/used/) })
    expect((await send('/api/auth/signin/custom', { ticket: `x${ticket}` })).status).toBe(401)

    const malformed: Array<[string, unknown, Record<string, string>?]> = [
      ['/api/auth/signin/custom', '{"ticket": '],
      ['/api/auth/signin/custom', {}],
      ['/api/auth/signin/custom', { ticket: 42 }],
      ['/api/auth/signin/custom', '[1]'],
      ['/api/auth/signin/custom', 'null'],
      ['/api/auth/refresh', {}],
      ['/api/auth/refresh', '"abc"'],
      ['/api/auth/signout', {}]
    ]
    for (const [path, body, headers] of malformed) {
      const res = await send(path, body, headers)
      expect([path, res.status]).toEqual([path, 400])
      expect(await res.json()).toEqual({ errCode: expect.any(Number), errMsg: expect.any(String) })
    }
    expect((await fetch(`${webBase}/api/auth/anonymous`)).status).toBe(400)
    expect((await send('/api/auth/nope', {})).status).toBe(404)
    // Still serving.
    expect((await send('/api/auth/anonymous', '')).status).toBe(200)
  })

  it('a server whose host has no auth answers bearer calls 401 and has no auth endpoints', async () => {
    expect((await post('/api/auth/anonymous', '{}')).status).toBe(404)
    const res = await fetch(`${base}/api/functions/users`, { method: 'POST', headers: { authorization: 'Bearer abc' }, body: '{"action":"me"}' })
    expect(res.status).toBe(401)
  })
})
