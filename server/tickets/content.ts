import { AppError } from '../core/errors'
import { ownUpload } from '../core/uploads'
import { platform } from '../platform'

/**
 * Every user-written text and photo passes the platform's content check (msgSecCheck /
 * mediaCheckAsync on WeChat, a word list on the emulator) before anything is stored.
 */
export async function checkTexts(openid: string, texts: Array<[field: string, text: string | undefined | null]>): Promise<void> {
  for (const [field, text] of texts) {
    if (!text) continue
    const res = await platform().contentCheck.text(text, openid)
    if (!res.ok) throw new AppError('INVALID_INPUT', res.reason ?? '内容含有违规信息，请修改后再提交', [field])
  }
}

/**
 * Photos must be the caller's own uploads (the upload path carries the openid: `uploads/<openid>/…`,
 * both for `tickets.upload` and the mini-program's Taro.cloud.uploadFile) and pass the image check.
 */
export async function checkPhotos(openid: string, photos: string[] | undefined, field = 'photos'): Promise<string[]> {
  const list = [...new Set(photos ?? [])]
  for (const fileID of list) {
    if (!ownUpload(fileID, openid)) throw new AppError('INVALID_INPUT', '只能使用自己上传的照片', [field])
  }
  for (const fileID of list) {
    const res = await platform().contentCheck.image(fileID, openid)
    if (!res.ok) throw new AppError('INVALID_INPUT', res.reason ?? '图片含有违规内容', [field])
  }
  return list
}
