import Taro from '@tarojs/taro'
import { downloadCloudFile } from '@/services/cloud/downloadCloudFile'
import type { ExportedFile } from './openExport'

/**
 * Mini-program: WeChat's document viewer does not open JSON, so the file is downloaded and offered
 * to a chat (e.g. 文件传输助手, from where it can be saved); when that is not possible the link is
 * copied for opening in a browser. The file is fetched from the function's temporary link: storage is
 * private (仅创建者及管理员可读写), so the user cannot download a function-written file by fileID.
 */
export async function openExport(file: ExportedFile): Promise<void> {
  try {
    const tempFilePath = await downloadCloudFile(file)
    await Taro.shareFileMessage({ filePath: tempFilePath, fileName: file.fileName })
  } catch {
    await Taro.setClipboardData({ data: file.url })
    await Taro.showModal({ title: '下载链接已复制', content: '请粘贴到手机浏览器中打开下载。链接2小时内有效。', showCancel: false, confirmText: '知道了' })
  }
}
