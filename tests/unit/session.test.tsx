/** @jest-environment jsdom */
import '../support/taro-env'
import { act, fireEvent, render, screen } from '@testing-library/react'
// Same module instance as '@tarojs/taro' (jest maps it there).
import * as stub from '../support/taro-stub'
import MinePage from '@/pages/mine'
import DevLoginPage from '@/pages/dev-login'
import { PersonaSwitch } from '@/features/session/PersonaSwitch.h5'
import { useRequirePersona } from '@/features/session/requirePersona.h5'
import { PERSONAS } from '@/features/session/personas'
import { sessionStore } from '@/features/session'
import { DEV_OPENID_KEY, getDevOpenid } from '@/services/cloud/devOpenid'
import { setTransport } from '@/services/cloud/call'
import { buildPersonas } from '../../emulator/seed/personas'
import { ME_FIXTURES } from '../support/me-fixtures'

beforeEach(() => {
  stub.resetTaroStub()
  window.localStorage.clear()
  act(() => sessionStore.reset())
  setTransport(async (_name, data) => {
    const openid = getDevOpenid()
    return data.action === 'me' && openid ? { ok: true, data: ME_FIXTURES[openid] } : { ok: false, error: { code: 'UNAUTHENTICATED', message: '请先登录' } }
  })
})
afterEach(() => setTransport())

describe('demo personas', () => {
  it('are exactly the users the emulator seeds', () => {
    expect(PERSONAS.map((p) => p.openid).sort()).toEqual(buildPersonas(new Date()).map((u) => u.openid).sort())
    expect(Object.keys(ME_FIXTURES).sort()).toEqual(PERSONAS.map((p) => p.openid).sort())
  })

  it('picking one stores the openid, forgets the cached user and restarts at home', async () => {
    render(<DevLoginPage />)
    fireEvent.click(screen.getByText('社区工作者 · 第一社区'))
    expect(window.localStorage.getItem(DEV_OPENID_KEY)).toBe('demo-staff')
    expect(sessionStore.get().status).toBe('idle')
    expect(stub.reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index' })
  })

  it('goes back to the page that asked for a persona', () => {
    stub.setRouterParams({ redirect: encodeURIComponent('/packages/register/pages/form/index?scene=AB12') })
    render(<DevLoginPage />)
    fireEvent.click(screen.getByText('居民 · 王阿姨'))
    expect(stub.reLaunch).toHaveBeenCalledWith({ url: '/packages/register/pages/form/index?scene=AB12' })
  })

  it('H5 guard sends a visitor without a persona to the sign-in page', () => {
    function Probe() {
      return <span>{useRequirePersona() ? 'yes' : 'no'}</span>
    }
    render(<Probe />)
    expect(screen.getByText('no')).toBeTruthy()
    expect(stub.reLaunch).toHaveBeenCalledWith({ url: '/pages/dev-login/index' })
  })

  it('H5 persona switch shows the current persona', () => {
    window.localStorage.setItem(DEV_OPENID_KEY, 'demo-member')
    render(<PersonaSwitch />)
    expect(screen.getByText('在职党员 · 李明')).toBeTruthy()
    fireEvent.click(screen.getByText('切换身份'))
    expect(stub.navigateTo).toHaveBeenCalledWith({ url: '/pages/dev-login/index' })
  })
})

describe('我的', () => {
  it('shows name, role labels and scopes', async () => {
    window.localStorage.setItem(DEV_OPENID_KEY, 'demo-staff')
    render(<MinePage />)
    expect(await screen.findByText('张敏')).toBeTruthy()
    expect(screen.getByText('社区工作者')).toBeTruthy()
    expect(screen.getByText('负责社区：东风社区')).toBeTruthy()
    // The platform-neutral PersonaSwitch (mini-program) renders nothing.
    expect(screen.queryByText('切换身份')).toBeNull()
  })

  it('shows the reply message when users.me fails', async () => {
    render(<MinePage />)
    expect(await screen.findByText('请先登录')).toBeTruthy()
  })
})
