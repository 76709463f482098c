/** @jest-environment jsdom */
/**
 * Desk sign-in by scan, the app side (issue #19, docs/back-office.md §2 "Change (app)", §4):
 * the phone's confirm page in its states, the PC's DeskCloud against the emulator's auth HTTP API
 * and against js-sdk (mocked: real only in the deploy smoke), the desk session ending on
 * UNAUTHENTICATED, and the pages being H5-only.
 */
import '../support/taro-env'
import { act, fireEvent, render, screen } from '@testing-library/react'
import * as stub from '../support/taro-stub'
import { DESK_ROLES } from '@contracts/auth'
import DeskConfirmPage from '@/packages/mine/pages/desk'
import MinePage from '@/pages/mine'
import { sessionStore } from '@/features/session'
import { ME_FIXTURES } from '../support/me-fixtures'
import { setTransport } from '@/services/cloud/call'
import { DESK_ROLE_LIST, browserName, canUseDesk, deskSession, deskTransport, DESK_SIGNIN_URL, DESK_STATE_KEY, navFor, scanErrorText } from '@/features/desk'
import { emulatorCloud, DESK_TOKENS_KEY } from '@/features/desk/cloudEmulator'
import { isLoginRefusal, sdkCloud, setSdkLoader, type SdkApp } from '@/features/desk/cloudSdk'

const SCENE = 'AbCdEfGh12345678'
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'

type Json = Record<string, unknown>

describe('the phone confirm page (packages/mine/pages/desk)', () => {
  let calls: Json[]
  let scanReply: unknown
  beforeEach(() => {
    stub.resetTaroStub()
    calls = []
    scanReply = { ok: true, data: { client: { ip: '203.0.113.7', ua: CHROME }, expiresAt: '2026-11-27T01:03:00.000Z' } }
    // WeChat hands a mini-program code's scene over URL-encoded.
    stub.setRouterParams({ scene: encodeURIComponent(SCENE) }, '/packages/mine/pages/desk/index')
    setTransport(async (name, input) => {
      calls.push({ name, ...input })
      if (name !== 'auth') return { ok: false, error: { code: 'NOT_FOUND', message: '未找到' } }
      if (input.action === 'deskScan') return scanReply
      if (input.action === 'deskConfirm') return { ok: true, data: { confirmed: true } }
      if (input.action === 'deskCancel') return { ok: true, data: { cancelled: true } }
      return { ok: false, error: { code: 'NOT_FOUND', message: '未找到' } }
    })
  })
  afterEach(() => setTransport())

  it('shows where the sign-in comes from, and 登录 signs the PC in', async () => {
    render(<DeskConfirmPage />)
    await screen.findByText('在电脑上登录红邻管理后台？')
    screen.getByText('Chrome 浏览器 · Windows')
    screen.getByText('203.0.113.7')
    screen.getByText('09:03')
    expect(calls).toEqual([{ name: 'auth', action: 'deskScan', scene: SCENE }])
    fireEvent.click(screen.getByText('登录'))
    await screen.findByText('已登录，可在电脑上操作')
    expect(calls[1]).toEqual({ name: 'auth', action: 'deskConfirm', scene: SCENE })
  })

  it('取消 cancels the sign-in', async () => {
    render(<DeskConfirmPage />)
    fireEvent.click(await screen.findByText('取消'))
    await screen.findByText('已取消登录')
    expect(calls[1]).toEqual({ name: 'auth', action: 'deskCancel', scene: SCENE })
  })

  it('tells someone without a staff role, in plain words, and offers no 登录', async () => {
    scanReply = { ok: false, error: { code: 'FORBIDDEN', message: '无权操作' } }
    render(<DeskConfirmPage />)
    await screen.findByText('仅工作人员可登录管理后台')
    expect(screen.queryByText('登录')).toBeNull()
    expect(screen.queryByText('在电脑上登录红邻管理后台？')).toBeNull()
  })

  it('says the code has expired on CONFLICT', async () => {
    scanReply = { ok: false, error: { code: 'CONFLICT', message: 'x' } }
    render(<DeskConfirmPage />)
    await screen.findByText('二维码已过期或已被使用，请在电脑上刷新二维码后重新扫码')
  })
})

describe('我的 → 登录设备', () => {
  afterEach(() => setTransport())
  async function mineOf(openid: keyof typeof ME_FIXTURES) {
    stub.resetTaroStub()
    act(() => sessionStore.reset())
    setTransport(async (name, input) => (name === 'users' && input.action === 'me' ? { ok: true, data: ME_FIXTURES[openid] } : new Promise<never>(() => {})))
    const page = render(<MinePage />)
    await screen.findByTestId('row-help')
    return page
  }

  it('is offered to staff, and opens the devices page', async () => {
    await mineOf('demo-staff')
    fireEvent.click(screen.getByTestId('row-devices'))
    expect(stub.navigateTo).toHaveBeenCalledWith({ url: '/packages/mine/pages/devices/index' })
  })

  it('is not offered to a member without a staff-class role', async () => {
    await mineOf('demo-member')
    expect(screen.queryByTestId('row-devices')).toBeNull()
  })
})

describe('desk roles and words', () => {
  it('shows each role the side navigation its work needs', () => {
    const keys = (roles: Parameters<typeof navFor>[0]) => navFor(roles).map((item) => item.key)
    expect(keys(['resident', 'property_staff'])).toEqual(['home', 'tickets'])
    expect(keys(['resident', 'committee'])).toEqual(['home', 'tickets'])
    expect(keys(['resident', 'staff'])).not.toContain('roles')
    expect(keys(['resident', 'staff'])).toEqual(expect.arrayContaining(['registrations', 'records', 'imports', 'audit']))
    expect(keys(['resident', 'district_admin'])).toContain('roles')
  })

  it('spells DESK_ROLES out for the main package exactly as the contract does', () => {
    expect([...DESK_ROLE_LIST].sort()).toEqual([...DESK_ROLES].sort())
    expect(canUseDesk({ roles: ['resident', 'staff'] })).toBe(true)
    expect(canUseDesk({ roles: ['resident', 'member'] })).toBe(false)
    expect(canUseDesk(undefined)).toBe(false)
  })

  it('names browsers a person recognises', () => {
    expect(browserName(CHROME)).toBe('Chrome 浏览器 · Windows')
    expect(browserName('Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15')).toBe('Safari 浏览器 · Mac')
    expect(browserName(CHROME.replace('Safari/537.36', 'Safari/537.36 Edg/131.0'))).toBe('Edge 浏览器 · Windows')
    expect(browserName('')).toBe('未知浏览器')
  })

  it('maps refusals to the phone page words', () => {
    expect(scanErrorText({ code: 'FORBIDDEN', message: 'x' })).toBe('仅工作人员可登录管理后台')
    expect(scanErrorText({ code: 'INVALID_INPUT', message: '二维码无效，请在电脑上刷新后重新扫码' })).toBe('二维码无效，请在电脑上刷新后重新扫码')
  })
})

/** A fake of the emulator's auth HTTP API (the endpoints of docs/back-office.md §2) on global fetch. */
function fakeEmulator() {
  const live = new Set<string>()
  const refreshable = new Map<string, boolean>()
  const requests: { path: string; auth?: string; body: Json }[] = []
  let n = 0
  const issue = () => {
    n++
    live.add(`at${n}`)
    refreshable.set(`rt${n}`, true)
    return { access_token: `at${n}`, refresh_token: `rt${n}`, expires_in: 7200 }
  }
  const respond = (status: number, body: unknown) => ({ status, ok: status < 400, json: async () => body })
  const fetchMock = jest.fn(async (path: string, init: { headers: Record<string, string>; body: string }) => {
    const auth = init.headers.authorization
    const body = JSON.parse(init.body) as Json
    requests.push({ path, auth, body })
    if (path === '/api/auth/anonymous') return respond(200, issue())
    if (path === '/api/auth/signin/custom') return body.ticket === 'good-ticket' ? respond(200, issue()) : respond(401, { errCode: 401, errMsg: 'invalid ticket' })
    if (path === '/api/auth/refresh') {
      if (!refreshable.get(String(body.refresh_token))) return respond(401, { errCode: 401, errMsg: 'invalid refresh token' })
      refreshable.delete(String(body.refresh_token))
      return respond(200, issue())
    }
    if (path === '/api/auth/signout') return respond(200, {})
    if (path.startsWith('/api/functions/')) {
      const token = auth?.replace(/^Bearer /, '')
      if (!token || !live.has(token)) return respond(401, { errCode: 401, errMsg: 'invalid access token' })
      return respond(200, { ok: true, data: { token, action: body.action } })
    }
    return respond(404, {})
  })
  ;(globalThis as { fetch?: unknown }).fetch = fetchMock
  return { live, refreshable, requests }
}

describe('DeskCloud, emulator build (fetch with the bearer token)', () => {
  beforeEach(() => window.localStorage.clear())

  it('signs in, calls with the bearer token, refreshes once on 401, and answers UNAUTHENTICATED when the refresh is refused', async () => {
    const emu = fakeEmulator()
    expect(await emulatorCloud.signInWithTicket('bad-ticket')).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED', message: '登录已失效，请重新扫码登录' } })
    expect(await emulatorCloud.signInWithTicket('good-ticket')).toEqual({ ok: true, data: null })
    expect(await emulatorCloud.callFunction('users', { action: 'me' })).toEqual({ ok: true, data: { token: 'at1', action: 'me' } })
    expect(emu.requests.at(-1)).toMatchObject({ path: '/api/functions/users', auth: 'Bearer at1' })

    emu.live.delete('at1') // the access token ran out: one refresh, then the call again
    expect(await emulatorCloud.callFunction('users', { action: 'me' })).toEqual({ ok: true, data: { token: 'at2', action: 'me' } })
    expect(emu.requests.slice(-3).map((r) => r.path)).toEqual(['/api/functions/users', '/api/auth/refresh', '/api/functions/users'])

    emu.live.delete('at2')
    emu.refreshable.clear() // the login itself is over
    expect(await emulatorCloud.callFunction('users', { action: 'me' })).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: '登录已失效，请重新扫码登录' } })
    expect(window.localStorage.getItem(DESK_TOKENS_KEY)).toBeNull()
  })

  it('never sends x-openid, and signs out with the token', async () => {
    const emu = fakeEmulator()
    window.localStorage.setItem('honglin.openid', 'demo-resident')
    await emulatorCloud.signInAnonymously()
    await emulatorCloud.callFunction('auth', { action: 'deskStart', ua: 'x' })
    await emulatorCloud.signOut()
    const fetchMock = globalThis.fetch as unknown as jest.Mock
    for (const [, init] of fetchMock.mock.calls) expect(Object.keys(init.headers)).not.toContain('x-openid')
    expect(emu.requests.at(-1)).toMatchObject({ path: '/api/auth/signout', auth: 'Bearer at1' })
    expect(window.localStorage.getItem(DESK_TOKENS_KEY)).toBeNull()
  })

  it('turns a network failure into INTERNAL', async () => {
    ;(globalThis as { fetch?: unknown }).fetch = jest.fn(async () => {
      throw new TypeError('Failed to fetch')
    })
    expect(await emulatorCloud.callFunction('users', { action: 'me' })).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
  })
})

describe('DeskCloud, deployed build (js-sdk, mocked)', () => {
  function fakeSdk(over: Partial<{ ticket: unknown; call: () => Promise<{ result?: unknown }> }> = {}) {
    const auth = {
      signInAnonymously: jest.fn(async () => ({ data: { user: {} }, error: null })),
      signInWithCustomTicket: jest.fn(async (get: () => Promise<string>) => (over.ticket !== undefined ? over.ticket : { data: { ticket: await get() }, error: null })),
      signOut: jest.fn(async () => ({ error: null }))
    }
    const app = { auth: jest.fn(() => auth), callFunction: jest.fn(over.call ?? (async () => ({ result: { ok: true, data: 1 } }))) }
    setSdkLoader(async () => app as unknown as SdkApp)
    return { app, auth }
  }
  afterEach(() => setSdkLoader())

  it('signs in with the ticket through signInWithCustomTicket and calls with app.callFunction → result', async () => {
    const { app, auth } = fakeSdk()
    expect(await sdkCloud.signInWithTicket('t-1')).toEqual({ ok: true, data: null })
    expect(app.auth).toHaveBeenCalledWith({ persistence: 'local' })
    expect(auth.signInWithCustomTicket).toHaveBeenCalledTimes(1)
    expect(await sdkCloud.callFunction('users', { action: 'me' })).toEqual({ ok: true, data: 1 })
    expect(app.callFunction).toHaveBeenCalledWith({ name: 'users', data: { action: 'me' } })
  })

  it('checks the { error } of a sign-in (v3 does not throw)', async () => {
    fakeSdk({ ticket: { data: null, error: { message: 'ticket expired' } } })
    expect(await sdkCloud.signInWithTicket('t-1')).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
  })

  it('turns rejections into UNAUTHENTICATED (login refused) or INTERNAL (anything else)', async () => {
    fakeSdk({ call: async () => Promise.reject(Object.assign(new Error('access token expired'), { code: 'INVALID_ACCESS_TOKEN' })) })
    expect(await sdkCloud.callFunction('users', { action: 'me' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    fakeSdk({ call: async () => Promise.reject(new TypeError('Failed to fetch')) })
    expect(await sdkCloud.callFunction('users', { action: 'me' })).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
    expect(isLoginRefusal(new Error('Network Error'))).toBe(false)
  })
})

describe('the desk session', () => {
  beforeEach(() => {
    stub.resetTaroStub()
    window.localStorage.clear()
  })

  it('clears itself on an UNAUTHENTICATED reply and goes back to the sign-in page saying 登录已失效', async () => {
    const emu = fakeEmulator()
    await deskSession.startAnonymous()
    expect(deskSession.state()).toBe('anonymous')
    expect(await deskSession.complete('good-ticket')).toEqual({ ok: true, data: null })
    expect(deskSession.state()).toBe('active')
    expect(await deskTransport('users', { action: 'me' })).toMatchObject({ ok: true })
    emu.live.clear()
    emu.refreshable.clear()
    await act(async () => {
      expect(await deskTransport('users', { action: 'me' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    })
    expect(deskSession.state()).toBe('none')
    expect(window.localStorage.getItem(DESK_STATE_KEY)).toBeNull()
    expect(stub.reLaunch).toHaveBeenCalledWith({ url: `${DESK_SIGNIN_URL}?ended=1` })
  })

  it('does not end an anonymous sign-in page on a refusal (nobody is signed in yet)', async () => {
    fakeEmulator()
    await deskSession.startAnonymous()
    ;(globalThis as { fetch?: unknown }).fetch = jest.fn(async () => ({ status: 401, ok: false, json: async () => ({ errCode: 401, errMsg: 'x' }) }))
    expect(await deskTransport('auth', { action: 'deskStart' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    expect(stub.reLaunch).not.toHaveBeenCalled()
  })
})

describe('pages: the back office is H5 only', () => {
  type AppConfig = { pages: string[]; subPackages?: { root: string; pages: string[] }[] }
  function loadAppConfig(platform: 'weapp' | 'h5'): AppConfig {
    const previous = process.env.TARO_ENV
    process.env.TARO_ENV = platform
    ;(globalThis as any).defineAppConfig = (c: AppConfig) => c
    try {
      let config: AppConfig | undefined
      jest.isolateModules(() => {
        config = require('@/app.config').default
      })
      return config!
    } finally {
      process.env.TARO_ENV = previous
    }
  }
  const pagesOf = (c: AppConfig) => (c.subPackages ?? []).flatMap((s) => s.pages.map((p) => `/${s.root}/${p}`))

  it('registers the PC pages for H5 only, and the phone pages for both', () => {
    const h5 = pagesOf(loadAppConfig('h5'))
    const weapp = pagesOf(loadAppConfig('weapp'))
    expect(h5).toEqual(expect.arrayContaining(['/packages/desk/pages/signin/index', '/packages/desk/pages/home/index']))
    expect(weapp.filter((p) => p.startsWith('/packages/desk/'))).toEqual([])
    for (const phone of ['/packages/mine/pages/desk/index', '/packages/mine/pages/devices/index']) {
      expect(h5).toContain(phone)
      expect(weapp).toContain(phone)
    }
  })
})
