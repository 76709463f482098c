import Taro from '@tarojs/taro'
import { downloadCloudFile } from '@/services/cloud/downloadCloudFile'

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

export function askReviewMessage(templateIds: string[]): void {
  if (!templateIds.length) return
  Taro.requestSubscribeMessage({ tmplIds: templateIds, entityIds: [] } as never).catch(() => {})
}

/** Fetched from the function's temporary link: storage is private, so not by fileID. */
export async function openWorkbook(file: { fileID: string; url: string; fileName: string }): Promise<void> {
  const tempFilePath = await downloadCloudFile(file)
  await Taro.openDocument({ filePath: tempFilePath, fileType: 'xlsx', showMenu: true })
}

/** The mini-program cannot print: staff save the code and print it from the album. */
export const canPrint = false
export function printPage(): void {}

export async function saveImage(file: { fileID: string; url: string }): Promise<boolean> {
  try {
    const tempFilePath = await downloadCloudFile(file)
    await Taro.saveImageToPhotosAlbum({ filePath: tempFilePath })
    return true
  } catch {
    return false
  }
}

export function dial(mobile: string): void {
  Taro.makePhoneCall({ phoneNumber: mobile }).catch(() => {})
}
