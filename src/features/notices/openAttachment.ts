import Taro from '@tarojs/taro'
import type { Attachment } from '@contracts/notices'

/** Platform-neutral fallback (tsc, jest): images preview; PDFs are opened by the platform files. */
export async function openAttachment(attachment: Attachment, images: string[] = []): Promise<void> {
  if (attachment.kind === 'image') await Taro.previewImage({ current: attachment.url, urls: images.length ? images : [attachment.url] })
}
