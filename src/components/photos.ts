import type { Reply } from '@contracts/reply'
import type { ChoosePhotosOptions, UploadedPhoto } from './photoTypes'

export type { ChoosePhotosOptions, UploadedPhoto } from './photoTypes'

/**
 * Platform-neutral fallback for tsc and jest; the builds use photos.weapp.ts (the mini-program
 * uploads straight to cloud storage under uploads/<openid>/) or photos.h5.ts (a file input, each
 * photo shrunk to a JPEG and sent as base64 through `options.upload`). Resolves null when the user
 * cancels the picker.
 */
export async function choosePhotos(_options: ChoosePhotosOptions): Promise<Reply<UploadedPhoto[]> | null> {
  return { ok: false, error: { code: 'INTERNAL', message: '当前环境不支持上传照片' } }
}
