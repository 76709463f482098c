/** @jest-environment jsdom */
/**
 * HONGLIN_DEV_SIGNIN (config/index.ts): an H5 build not made for the local emulator has no dev
 * sign-in — its transport sends no `x-openid` and never reads the stored openid, its pages send the
 * visitor to "open the mini-program in WeChat", and it has no persona picker or switch. The unit
 * project defaults the constant to true (tests/support/taro-env.ts); these tests set it.
 */
import '../support/taro-env'
import { render, screen } from '@testing-library/react'
// Same module instance as '@tarojs/taro' (jest maps it there).
import * as stub from '../support/taro-stub'
import { transport } from '@/services/cloud/transport.h5'
import { DEV_OPENID_KEY } from '@/services/cloud/devOpenid'
import { PersonaSwitch } from '@/features/session/PersonaSwitch.h5'
import { useRequirePersona } from '@/features/session/requirePersona.h5'
import OpenInWeChatPage from '@/pages/dev-login/wechat'

jest.mock('@tarojs/cli', () => ({ defineConfig: (config: unknown) => config }))

const g = globalThis as Record<string, unknown>
const initialFlag = g.HONGLIN_DEV_SIGNIN
const setFlag = (on: boolean) => {
  g.HONGLIN_DEV_SIGNIN = on
}

const fetchMock = jest.fn(async (_url: string, _init: RequestInit) => ({ ok: true, json: async () => ({ ok: true, data: null }) }))
const originalFetch = g.fetch

beforeEach(() => {
  stub.resetTaroStub()
  fetchMock.mockClear()
  g.fetch = fetchMock
  window.localStorage.clear()
  window.localStorage.setItem(DEV_OPENID_KEY, 'demo-admin')
})
afterEach(() => {
  jest.restoreAllMocks()
  setFlag(initialFlag as boolean)
})
afterAll(() => {
  g.fetch = originalFetch
})

const sentHeaders = () => fetchMock.mock.calls[0][1].headers as Record<string, string>

describe('H5 transport', () => {
  it('sends no x-openid and reads no stored identity without dev sign-in', async () => {
    setFlag(false)
    const getItem = jest.spyOn(Storage.prototype, 'getItem')
    await transport('users', { action: 'me' })
    expect(fetchMock).toHaveBeenCalledTimes(1)
    expect(fetchMock.mock.calls[0][0]).toBe('/api/functions/users')
    expect(sentHeaders()).toEqual({ 'content-type': 'application/json' })
    expect(getItem).not.toHaveBeenCalled()
  })

  it('sends the stored persona as x-openid in an emulator build', async () => {
    setFlag(true)
    await transport('users', { action: 'me' })
    expect(sentHeaders()['x-openid']).toBe('demo-admin')
  })
})

describe('H5 pages without dev sign-in', () => {
  function Probe() {
    return <span>{useRequirePersona('/pages/centers/index') ? 'yes' : 'no'}</span>
  }

  it('send the visitor to the open-in-WeChat page, even with an openid stored', () => {
    setFlag(false)
    render(<Probe />)
    expect(screen.getByText('no')).toBeTruthy()
    expect(stub.reLaunch).toHaveBeenCalledWith({ url: '/pages/dev-login/wechat' })
  })

  it('go to the persona picker in an emulator build without a persona', () => {
    setFlag(true)
    window.localStorage.clear()
    render(<Probe />)
    expect(stub.reLaunch).toHaveBeenCalledWith({ url: `/pages/dev-login/index?redirect=${encodeURIComponent('/pages/centers/index')}` })
  })

  it('have no persona switch on 我的', () => {
    setFlag(false)
    const { container } = render(<PersonaSwitch />)
    expect(container.innerHTML).toBe('')
    expect(screen.queryByText('切换身份')).toBeNull()
  })

  it('explain where to sign in', () => {
    setFlag(false)
    render(<OpenInWeChatPage />)
    expect(screen.getByText('请在微信中打开「红邻」小程序')).toBeTruthy()
    expect(screen.queryByText(/演示身份/)).toBeNull()
  })
})

type AppConfig = { pages: string[] }

function loadAppConfig(platform: 'weapp' | 'h5', flag: boolean): AppConfig {
  const previous = process.env.TARO_ENV
  process.env.TARO_ENV = platform
  setFlag(flag)
  g.defineAppConfig = (c: AppConfig) => c
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

describe('app.config.ts', () => {
  it('registers the persona picker only in an emulator H5 build, and the WeChat page otherwise', () => {
    expect(loadAppConfig('h5', true).pages).toContain('pages/dev-login/index')
    expect(loadAppConfig('h5', true).pages).not.toContain('pages/dev-login/wechat')
    expect(loadAppConfig('h5', false).pages).toContain('pages/dev-login/wechat')
    expect(loadAppConfig('h5', false).pages).not.toContain('pages/dev-login/index')
    expect(loadAppConfig('weapp', false).pages.filter((p) => p.startsWith('pages/dev-login/'))).toEqual([])
  })
})

describe('config/index.ts', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { devSignIn, default: config } = require('../../config/index') as {
    devSignIn: (platform: string, env?: Record<string, string | undefined>) => boolean
    default: (merge: (...configs: object[]) => object) => Promise<{ defineConstants: Record<string, string> }>
  }

  it('turns dev sign-in on only for an H5 build made for the emulator', () => {
    expect(devSignIn('h5', { HONGLIN_EMULATOR: '1' })).toBe(true)
    expect(devSignIn('h5', {})).toBe(false)
    expect(devSignIn('h5', { HONGLIN_EMULATOR: '' })).toBe(false)
    expect(devSignIn('weapp', { HONGLIN_EMULATOR: '1' })).toBe(false)
  })

  it('defines HONGLIN_DEV_SIGNIN as code in every build (never left undefined)', async () => {
    const previous = { env: process.env.TARO_ENV, emulator: process.env.HONGLIN_EMULATOR }
    const merge = (...configs: object[]) => Object.assign({}, ...configs)
    try {
      process.env.TARO_ENV = 'h5'
      delete process.env.HONGLIN_EMULATOR
      expect((await config(merge)).defineConstants.HONGLIN_DEV_SIGNIN).toBe('false')
      process.env.HONGLIN_EMULATOR = '1'
      expect((await config(merge)).defineConstants.HONGLIN_DEV_SIGNIN).toBe('true')
      process.env.TARO_ENV = 'weapp'
      expect((await config(merge)).defineConstants.HONGLIN_DEV_SIGNIN).toBe('false')
    } finally {
      process.env.TARO_ENV = previous.env
      if (previous.emulator === undefined) delete process.env.HONGLIN_EMULATOR
      else process.env.HONGLIN_EMULATOR = previous.emulator
    }
  })
})
