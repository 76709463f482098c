/**
 * A small stand-in for `@tarojs/taro` in jest (mapped in jest.config.js, project `unit`).
 * Navigation, toast, modal and storage calls are jest mocks that resolve like Taro's promises, so
 * tests can assert on them: `expect(Taro.navigateTo).toHaveBeenCalledWith({ url: ... })`.
 * Page lifecycle hooks run on mount. `setRouterParams()` sets what getCurrentInstance().router
 * returns. Call `resetTaroStub()` in beforeEach.
 */
import { useEffect, useRef } from 'react'

type AnyFn = (...args: any[]) => any
const ok = (extra: object = {}) => Promise.resolve({ errMsg: 'ok', ...extra })
const okMock = (extra: object = {}) => jest.fn((..._args: any[]) => ok(extra))

const storage = new Map<string, unknown>()
let router: { path: string; params: Record<string, string | undefined> } = { path: '/pages/home/index', params: {} }

export const showToast = okMock()
export const hideToast = okMock()
export const showLoading = okMock()
export const hideLoading = okMock()
export const showModal = okMock({ confirm: true, cancel: false })
export const showActionSheet = okMock({ tapIndex: 0 })
export const navigateTo = okMock()
export const redirectTo = okMock()
export const switchTab = okMock()
export const reLaunch = okMock()
export const navigateBack = okMock()
export const setNavigationBarTitle = okMock()
export const stopPullDownRefresh = okMock()
export const pageScrollTo = okMock()
export const makePhoneCall = okMock()
export const previewImage = okMock()
export const setClipboardData = okMock()
export const requestSubscribeMessage = okMock()
export const scanCode = okMock({ result: '' })
export const chooseMedia = okMock({ tempFiles: [] })
export const chooseImage = okMock({ tempFilePaths: [], tempFiles: [] })
export const getStorageSync = jest.fn((key: string) => (storage.has(key) ? storage.get(key) : ''))
export const setStorageSync = jest.fn((key: string, value: unknown) => {
  storage.set(key, value)
})
export const removeStorageSync = jest.fn((key: string) => {
  storage.delete(key)
})
export const getSystemInfoSync = jest.fn(() => ({ windowWidth: 375, windowHeight: 812, pixelRatio: 2, platform: 'devtools' }))
export const getCurrentInstance = jest.fn(() => ({ router, page: null }))
export const getCurrentPages = jest.fn(() => [])
export const cloud = {
  init: jest.fn(),
  callFunction: jest.fn((_p: { name: string; data?: object }) => ok({ result: undefined })),
  uploadFile: jest.fn(() => ok({ fileID: 'cloud://test/file' })),
  getTempFileURL: jest.fn(() => ok({ fileList: [] }))
}
export const ENV_TYPE = { WEAPP: 'WEAPP', WEB: 'WEB' } as const
export const getEnv = jest.fn(() => ENV_TYPE.WEB)

/** Sets what `getCurrentInstance().router` and `useRouter()` return. */
export function setRouterParams(params: Record<string, string | undefined>, path = router.path): void {
  router = { path, params }
}

/** Clears every mock's calls, the storage and the router. */
export function resetTaroStub(): void {
  storage.clear()
  router = { path: '/pages/home/index', params: {} }
  for (const value of Object.values(Taro)) {
    if (typeof value === 'function' && 'mockClear' in value) (value as jest.Mock).mockClear()
  }
  Object.values(cloud).forEach((fn) => fn.mockClear())
}

// Lifecycle hooks: run once on mount (show-type hooks too: a test page is shown once).
const onMount = (fn: AnyFn) => {
  const ref = useRef(fn)
  ref.current = fn
  useEffect(() => {
    ref.current()
  }, [])
}
const noopHook = (_fn: AnyFn) => {}
export const useLoad = onMount
export const useReady = onMount
export const useDidShow = onMount
export const useLaunch = onMount
export const useDidHide = noopHook
export const useUnload = noopHook
export const usePullDownRefresh = noopHook
export const useReachBottom = noopHook
export const usePageScroll = noopHook
export const useShareAppMessage = noopHook
export const useShareTimeline = noopHook
export const useRouter = () => router

const Taro = {
  showToast,
  hideToast,
  showLoading,
  hideLoading,
  showModal,
  showActionSheet,
  navigateTo,
  redirectTo,
  switchTab,
  reLaunch,
  navigateBack,
  setNavigationBarTitle,
  stopPullDownRefresh,
  pageScrollTo,
  makePhoneCall,
  previewImage,
  setClipboardData,
  requestSubscribeMessage,
  scanCode,
  chooseMedia,
  chooseImage,
  getStorageSync,
  setStorageSync,
  removeStorageSync,
  getSystemInfoSync,
  getCurrentInstance,
  getCurrentPages,
  getEnv,
  ENV_TYPE,
  cloud,
  useLoad,
  useReady,
  useDidShow,
  useDidHide,
  useLaunch,
  useUnload,
  usePullDownRefresh,
  useReachBottom,
  usePageScroll,
  useShareAppMessage,
  useShareTimeline,
  useRouter
}

export default Taro
