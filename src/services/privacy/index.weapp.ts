/**
 * Mini-program: the 用户隐私保护指引 flow (app.json __usePrivacyCheck__). When a privacy API (or
 * component) needs the user's agreement, WeChat calls our wx.onNeedPrivacyAuthorization listener
 * with a resolve and holds the API pending; PrivacyPopup (mounted in every PageContainer) shows
 * while anything is pending and answers through agreePrivacy / disagreePrivacy.
 *
 * A request that arrives while the popup is open joins it: one answer resolves every pending
 * request (as WeChat's own demo does). Uses the `wx` global directly (no Taro import) so the unit
 * test can drive it with a fake.
 */
import type { PrivacyListener, PrivacyResolveOption } from './types'

export { PRIVACY_AGREE_BUTTON_ID, PRIVACY_USES, type PrivacyListener, type PrivacyResolveOption } from './types'

type Resolve = (option: PrivacyResolveOption) => void

interface WxPrivacy {
  onNeedPrivacyAuthorization?: (listener: (resolve: Resolve, eventInfo?: { referrer?: string }) => void) => void
  openPrivacyContract?: (options: { fail?: () => void }) => void
  showToast?: (options: { title: string; icon: 'none' }) => void
}

declare const wx: WxPrivacy

const pending: Resolve[] = []
const listeners = new Set<PrivacyListener>()
let registered = false

function notify(): void {
  const open = pending.length > 0
  for (const listener of [...listeners]) listener(open)
}

function answer(option: PrivacyResolveOption): void {
  const resolves = pending.splice(0, pending.length)
  for (const resolve of resolves) resolve(option)
  if (resolves.length) notify()
}

export function registerPrivacyAuthorization(): void {
  // onNeedPrivacyAuthorization exists from base library 2.32.3; older clients never ask.
  if (registered || typeof wx === 'undefined' || typeof wx.onNeedPrivacyAuthorization !== 'function') return
  registered = true
  wx.onNeedPrivacyAuthorization((resolve) => {
    const first = pending.length === 0
    pending.push(resolve)
    if (first) notify()
    // Tell WeChat the popup is on screen (it is, wherever a PageContainer is mounted).
    if (listeners.size) resolve({ event: 'exposureAuthorization' })
  })
}

export function isPrivacyPending(): boolean {
  return pending.length > 0
}

export function subscribePrivacy(listener: PrivacyListener): () => void {
  listeners.add(listener)
  return () => {
    listeners.delete(listener)
  }
}

export function agreePrivacy(buttonId: string): void {
  answer({ event: 'agree', buttonId })
}

export function disagreePrivacy(): void {
  answer({ event: 'disagree' })
}

export function openPrivacyContract(): void {
  if (typeof wx === 'undefined' || typeof wx.openPrivacyContract !== 'function') return
  wx.openPrivacyContract({ fail: () => wx.showToast?.({ title: '暂时无法打开，请稍后再试', icon: 'none' }) })
}
