import Taro from '@tarojs/taro'

import { BOOKING_TEMPLATE_IDS } from './templates'

export const canScan = true

/** WeChat's scanner: a mini-program code gives its `path` (with `scene=`), a QR code its text. */
export async function scanRoomCode(): Promise<string | null> {
  try {
    const res = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode', 'wxCode'] as never })
    return (res as { path?: string }).path || res.result || null
  } catch {
    return null
  }
}

export function askBookingMessages(): void {
  Taro.requestSubscribeMessage({ tmplIds: BOOKING_TEMPLATE_IDS, entityIds: [] } as never).catch(() => {})
}

export async function currentLocation(): Promise<{ latitude: number; longitude: number } | null> {
  try {
    const res = await Taro.getLocation({ type: 'gcj02' })
    return { latitude: res.latitude, longitude: res.longitude }
  } catch {
    return null
  }
}

export async function openFile(url: string, _name: string): Promise<void> {
  const file = await Taro.downloadFile({ url })
  await Taro.openDocument({ filePath: file.tempFilePath, fileType: 'xlsx', showMenu: true })
}
