import Taro from '@tarojs/taro'

export interface ExportedFile {
  fileID: string
  url: string
  fileName: string
  expiresAt: string
}

/**
 * Fallback (tsc/jest). Taro resolves `./openExport` to the platform file: H5 downloads the JSON
 * file from its URL; the mini-program saves it and offers to send it to a chat (文件传输助手).
 */
export async function openExport(file: ExportedFile): Promise<void> {
  await Taro.showToast({ title: file.fileName, icon: 'none' })
}
