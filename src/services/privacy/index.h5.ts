/** H5 (the emulator): WeChat's privacy authorisation does not exist; nothing is ever pending. */
import type { PrivacyListener } from './types'

export { PRIVACY_AGREE_BUTTON_ID, PRIVACY_USES, type PrivacyListener, type PrivacyResolveOption } from './types'

export function registerPrivacyAuthorization(): void {}

export function isPrivacyPending(): boolean {
  return false
}

export function subscribePrivacy(_listener: PrivacyListener): () => void {
  return () => {}
}

export function agreePrivacy(_buttonId: string): void {}

export function disagreePrivacy(): void {}

export function openPrivacyContract(): void {}
