/**
 * 用户隐私保护指引 (WeChat's privacy authorisation). Platform-neutral fallback (tsc, jest): nothing
 * is ever pending. Taro picks index.weapp.ts (the real flow) or index.h5.ts (no-op) by platform.
 */
import type { PrivacyListener } from './types'

export { PRIVACY_AGREE_BUTTON_ID, PRIVACY_USES, type PrivacyListener, type PrivacyResolveOption } from './types'

/** Registers wx.onNeedPrivacyAuthorization once (at launch). */
export function registerPrivacyAuthorization(): void {}

/** Whether WeChat is waiting for the user's answer. */
export function isPrivacyPending(): boolean {
  return false
}

/** Subscribes to pending/answered changes; returns the unsubscribe function. */
export function subscribePrivacy(_listener: PrivacyListener): () => void {
  return () => {}
}

/** The user tapped 同意并继续 (the agreePrivacyAuthorization button with this id). */
export function agreePrivacy(_buttonId: string): void {}

/** The user tapped 拒绝. */
export function disagreePrivacy(): void {}

/** Opens the mini-program's 用户隐私保护指引 page. */
export function openPrivacyContract(): void {}
