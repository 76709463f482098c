import Taro from '@tarojs/taro'
import type { Attachment } from '@contracts/notices'

/** H5: images in Taro's viewer; a PDF in a new browser tab. */
export async function openAttachment(attachment: Attachment, images: string[] = []): Promise<void> {
  if (attachment.kind === 'image') {
    await Taro.previewImage({ current: attachment.url, urls: images.length ? images : [attachment.url] })
    return
  }
  window.open(attachment.url, '_blank', 'noopener')
}
