import Taro from '@tarojs/taro'
import type { Attachment } from '@contracts/notices'

/** Mini-program: images in the viewer; a PDF is downloaded and opened in WeChat's document viewer. */
export async function openAttachment(attachment: Attachment, images: string[] = []): Promise<void> {
  if (attachment.kind === 'image') {
    await Taro.previewImage({ current: attachment.url, urls: images.length ? images : [attachment.url] })
    return
  }
  Taro.showLoading({ title: '正在打开…' })
  try {
    const file = await Taro.downloadFile({ url: attachment.url })
    await Taro.openDocument({ filePath: file.tempFilePath, fileType: 'pdf', showMenu: true })
  } catch {
    Taro.showToast({ title: '文件打开失败', icon: 'none' })
  } finally {
    Taro.hideLoading()
  }
}
