import { AppError } from '../core/errors'
import { ownUpload } from '../core/uploads'
import { platform } from '../platform'

/**
 * Every user-written text and photo passes the platform's content check (msgSecCheck /
 * mediaCheckAsync on WeChat, a word list on the emulator) before anything is stored. Texts longer
 * than msgSecCheck takes are checked in chunks by the platform seam (server/platform/chunks.ts).
 */
export async function checkTexts(openid: string, texts: Array<[field: string, text: string | undefined | null]>): Promise<void> {
  const present = texts.filter(([, text]) => !!text) as Array<[string, string]>
  const results = await Promise.all(present.map(([, text]) => platform().contentCheck.text(text, openid)))
  const failed = results.findIndex((res) => !res.ok)
  if (failed >= 0) throw new AppError('INVALID_INPUT', results[failed].reason ?? '内容含有违规信息，请修改后再提交', [present[failed][0]])
}

/**
 * Photos must be the caller's own uploads (the upload path carries the openid: `uploads/<openid>/…`,
 * both for `tickets.upload` and the mini-program's Taro.cloud.uploadFile) and pass the image check.
 * The image check is asynchronous on WeChat: a photo is refused here only when an earlier check of
 * it came back risky; a risky verdict arriving later hides it (server/media/verdicts.ts).
 */
export async function checkPhotos(openid: string, photos: string[] | undefined, field = 'photos'): Promise<string[]> {
  const list = [...new Set(photos ?? [])]
  for (const fileID of list) {
    if (!ownUpload(fileID, openid)) throw new AppError('INVALID_INPUT', '只能使用自己上传的照片', [field])
  }
  const results = await Promise.all(list.map((fileID) => platform().contentCheck.image(fileID, openid)))
  const refused = results.find((res) => !res.ok)
  if (refused) throw new AppError('INVALID_INPUT', refused.reason ?? '图片含有违规内容', [field])
  return list
}
