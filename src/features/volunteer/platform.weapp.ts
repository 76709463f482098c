import Taro from '@tarojs/taro'
import type { Location } from '@contracts/activities'
import { ACTIVITY_TEMPLATE_IDS } from './templates'

export const canScan = true

/** WeChat's scanner: a mini-program code gives its `path` (with `scene=`), a QR code its text. */
export async function scanCode(): Promise<string | null> {
  try {
    const res = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode', 'wxCode'] as never })
    return (res as { path?: string }).path || res.result || null
  } catch {
    return null
  }
}

export async function currentLocation(): Promise<Location | null> {
  try {
    const res = await Taro.getLocation({ type: 'gcj02', isHighAccuracy: true, highAccuracyExpireTime: 4000 })
    return { latitude: res.latitude, longitude: res.longitude, accuracy: res.accuracy }
  } catch {
    return null
  }
}

export function askActivityMessages(): void {
  Taro.requestSubscribeMessage({ tmplIds: ACTIVITY_TEMPLATE_IDS, entityIds: [] } as never).catch(() => {})
}

/** The mini-program cannot print: the certificate page offers a screenshot instead. */
export async function printPage(): Promise<boolean> {
  return false
}

export function dial(mobile: string): void {
  Taro.makePhoneCall({ phoneNumber: mobile }).catch(() => {})
}

export function keepScreenOn(on: boolean): void {
  Taro.setKeepScreenOn({ keepScreenOn: on }).catch(() => {})
}
