/** @jest-environment jsdom */
/**
 * The mini-program's 用户隐私保护指引 flow (src/services/privacy/index.weapp.ts) against a fake `wx`:
 * registration once, a request pending until the popup answers, agree carrying the button id,
 * disagree, and a second request while the popup is open joining it. Also holds the three
 * platform files to the same exports, and none importing its own base name.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createElement } from 'react'
import { act, fireEvent, render, screen } from '@testing-library/react'
import '../support/taro-env'

// The popup component on the weapp module (in jest '../services/privacy' is the no-op index.ts).
jest.mock('../../src/services/privacy', () => jest.requireActual('../../src/services/privacy/index.weapp'))

type Option = { event: string; buttonId?: string }
type Handler = (resolve: (option: Option) => void, info?: { referrer?: string }) => void

const root = join(__dirname, '../..')

function fakeWx() {
  const handlers: Handler[] = []
  const contracts: unknown[] = []
  return {
    handlers,
    contracts,
    onNeedPrivacyAuthorization: jest.fn((h: Handler) => {
      handlers.push(h)
    }),
    openPrivacyContract: jest.fn((options: unknown) => {
      contracts.push(options)
    }),
    showToast: jest.fn()
  }
}

/** A fresh copy of the module (its state is module-level) with a fresh fake wx. */
function load() {
  const wx = fakeWx()
  ;(global as any).wx = wx
  let mod!: typeof import('../../src/services/privacy/index.weapp')
  jest.isolateModules(() => {
    mod = require('../../src/services/privacy/index.weapp')
  })
  return { wx, mod }
}

/** What WeChat does when a privacy API is called: hands our listener a resolve and waits. */
function request(wx: ReturnType<typeof fakeWx>) {
  const calls: Option[] = []
  expect(wx.handlers).toHaveLength(1)
  wx.handlers[0]((option) => calls.push(option), { referrer: 'pages/home/index' })
  return calls
}

afterEach(() => {
  delete (global as any).wx
})

describe('privacy authorisation (weapp)', () => {
  test('registers wx.onNeedPrivacyAuthorization once, however often it is called', () => {
    const { wx, mod } = load()
    mod.registerPrivacyAuthorization()
    mod.registerPrivacyAuthorization()
    expect(wx.onNeedPrivacyAuthorization).toHaveBeenCalledTimes(1)
  })

  test('does nothing on a base library without onNeedPrivacyAuthorization', () => {
    ;(global as any).wx = {}
    let mod!: typeof import('../../src/services/privacy/index.weapp')
    jest.isolateModules(() => {
      mod = require('../../src/services/privacy/index.weapp')
    })
    expect(() => mod.registerPrivacyAuthorization()).not.toThrow()
    expect(mod.isPrivacyPending()).toBe(false)
  })

  test('a request is pending (popup told, exposure reported) until 同意并继续 resolves it with the button id', () => {
    const { wx, mod } = load()
    mod.registerPrivacyAuthorization()
    const seen: boolean[] = []
    const unsubscribe = mod.subscribePrivacy((open) => seen.push(open))
    expect(mod.isPrivacyPending()).toBe(false)

    const calls = request(wx)
    expect(mod.isPrivacyPending()).toBe(true)
    expect(seen).toEqual([true])
    expect(calls).toEqual([{ event: 'exposureAuthorization' }])

    mod.agreePrivacy(mod.PRIVACY_AGREE_BUTTON_ID)
    expect(calls).toEqual([{ event: 'exposureAuthorization' }, { event: 'agree', buttonId: 'hl-privacy-agree' }])
    expect(mod.isPrivacyPending()).toBe(false)
    expect(seen).toEqual([true, false])

    // Answered once only: a late second tap resolves nothing and notifies no one.
    mod.agreePrivacy(mod.PRIVACY_AGREE_BUTTON_ID)
    expect(calls).toHaveLength(2)
    expect(seen).toEqual([true, false])
    unsubscribe()
  })

  test('拒绝 resolves disagree and closes the popup', () => {
    const { wx, mod } = load()
    mod.registerPrivacyAuthorization()
    const seen: boolean[] = []
    mod.subscribePrivacy((open) => seen.push(open))
    const calls = request(wx)
    mod.disagreePrivacy()
    expect(calls).toEqual([{ event: 'exposureAuthorization' }, { event: 'disagree' }])
    expect(mod.isPrivacyPending()).toBe(false)
    expect(seen).toEqual([true, false])
  })

  test('a second request while the popup is open joins it: one answer resolves both, the popup opens once', () => {
    const { wx, mod } = load()
    mod.registerPrivacyAuthorization()
    const seen: boolean[] = []
    mod.subscribePrivacy((open) => seen.push(open))
    const first = request(wx)
    const second = request(wx)
    expect(seen).toEqual([true])
    mod.agreePrivacy('hl-privacy-agree')
    expect(first.at(-1)).toEqual({ event: 'agree', buttonId: 'hl-privacy-agree' })
    expect(second.at(-1)).toEqual({ event: 'agree', buttonId: 'hl-privacy-agree' })
    expect(seen).toEqual([true, false])

    // The next request after the answer opens the popup again.
    const third = request(wx)
    expect(seen).toEqual([true, false, true])
    mod.disagreePrivacy()
    expect(third.at(-1)).toEqual({ event: 'disagree' })
    expect(first).toHaveLength(2)
  })

  test('with no popup mounted the request waits (no exposure reported) and a popup mounting later finds it pending', () => {
    const { wx, mod } = load()
    mod.registerPrivacyAuthorization()
    const calls = request(wx)
    expect(calls).toEqual([])
    expect(mod.isPrivacyPending()).toBe(true)
    mod.disagreePrivacy()
    expect(calls).toEqual([{ event: 'disagree' }])
  })

  test('unsubscribed listeners are not called', () => {
    const { wx, mod } = load()
    mod.registerPrivacyAuthorization()
    const seen: boolean[] = []
    mod.subscribePrivacy((open) => seen.push(open))()
    request(wx)
    expect(seen).toEqual([])
  })

  test('the link opens the privacy contract, with a toast when it fails', () => {
    const { wx, mod } = load()
    mod.openPrivacyContract()
    expect(wx.openPrivacyContract).toHaveBeenCalledTimes(1)
    const options = wx.contracts[0] as { fail: () => void }
    options.fail()
    expect(wx.showToast).toHaveBeenCalledWith({ title: '暂时无法打开，请稍后再试', icon: 'none' })
  })
})

describe('privacy platform files', () => {
  const names = ['index.ts', 'index.weapp.ts', 'index.h5.ts']

  test('export the same functions', () => {
    const neutral = jest.requireActual('../../src/services/privacy/index')
    const h5 = require('../../src/services/privacy/index.h5')
    const weapp = require('../../src/services/privacy/index.weapp')
    const keys = Object.keys(neutral).sort()
    expect(neutral.isPrivacyPending).not.toBe(weapp.isPrivacyPending)
    expect(keys).toEqual(expect.arrayContaining(['registerPrivacyAuthorization', 'subscribePrivacy', 'agreePrivacy', 'disagreePrivacy', 'openPrivacyContract', 'isPrivacyPending']))
    expect(Object.keys(h5).sort()).toEqual(keys)
    expect(Object.keys(weapp).sort()).toEqual(keys)
    expect(h5.isPrivacyPending()).toBe(false)
  })

  test('no platform file imports its own base name (in a Taro build that resolves to the file itself)', () => {
    for (const name of names) {
      const text = readFileSync(join(root, 'src/services/privacy', name), 'utf8')
      expect(text).not.toMatch(/from '\.\/?(index)?'|from '\.'/)
    }
  })

  test('the popup lists every privacy use the app has, with the agree button wired to WeChat', () => {
    const popup = readFileSync(join(root, 'src/components/PrivacyPopup.tsx'), 'utf8')
    expect(popup).toContain("openType='agreePrivacyAuthorization'")
    expect(popup).toContain('onAgreePrivacyAuthorization=')
    expect(popup).toContain('id={PRIVACY_AGREE_BUTTON_ID}')
    expect(popup).toContain('用户隐私保护提示')
    const { PRIVACY_USES } = require('../../src/services/privacy/types')
    expect(PRIVACY_USES.map((u: { data: string }) => u.data)).toEqual(['位置信息', '照片', '文件', '保存到相册', '剪贴板'])
  })
})

describe('PrivacyPopup', () => {
  test('shows while WeChat asks, lists the uses, and 拒绝 answers disagree and closes it', async () => {
    const wx = fakeWx()
    ;(global as any).wx = wx
    const privacy = require('../../src/services/privacy')
    const { PrivacyPopup } = require('../../src/components/PrivacyPopup')
    privacy.registerPrivacyAuthorization()
    render(createElement(PrivacyPopup))
    expect(screen.queryByText('用户隐私保护提示')).toBeNull()

    let calls: Option[] = []
    act(() => {
      calls = request(wx)
    })
    await screen.findByText('用户隐私保护提示')
    expect(calls).toEqual([{ event: 'exposureAuthorization' }])
    for (const data of ['位置信息', '照片', '文件', '保存到相册', '剪贴板']) expect(screen.getByText(data)).toBeTruthy()
    expect(screen.getByText('同意并继续')).toBeTruthy()

    fireEvent.click(screen.getByText('《红邻小程序隐私保护指引》'))
    expect(wx.openPrivacyContract).toHaveBeenCalledTimes(1)

    act(() => {
      fireEvent.click(screen.getByText('拒绝'))
    })
    expect(calls).toEqual([{ event: 'exposureAuthorization' }, { event: 'disagree' }])
    expect(screen.queryByText('用户隐私保护提示')).toBeNull()
  })
})
