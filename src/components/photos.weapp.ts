import Taro from '@tarojs/taro'
import type { Reply } from '@contracts/reply'
import type { ChoosePhotosOptions, UploadedPhoto } from './photoTypes'

/**
 * Mini-program: pick photos from the album or camera (compressed by WeChat) and upload each straight
 * to cloud storage under uploads/<openid>/ — the folder the server accepts as the caller's own.
 */
export async function choosePhotos({ max, openid }: ChoosePhotosOptions): Promise<Reply<UploadedPhoto[]> | null> {
  let files: { tempFilePath: string; size: number }[]
  try {
    const res = await Taro.chooseMedia({ count: max, mediaType: ['image'], sizeType: ['compressed'], sourceType: ['album', 'camera'] })
    files = res.tempFiles
  } catch {
    return null // cancelled
  }
  const now = new Date(Date.now() + 8 * 3_600_000)
  const month = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`
  const out: UploadedPhoto[] = []
  for (const file of files) {
    if (file.size > 10 * 1024 * 1024) return { ok: false, error: { code: 'INVALID_INPUT', message: '照片不能超过10MB' } }
    const ext = /\.(png|webp|jpe?g)$/i.exec(file.tempFilePath)?.[1]?.toLowerCase() ?? 'jpg'
    const random = Math.random().toString(16).slice(2, 10) + Date.now().toString(16).slice(-8)
    try {
      const uploaded = await Taro.cloud.uploadFile({ cloudPath: `uploads/${openid}/${month}/${random}.${ext}`, filePath: file.tempFilePath })
      out.push({ fileID: uploaded.fileID, url: file.tempFilePath })
    } catch {
      return { ok: false, error: { code: 'INTERNAL', message: '照片上传失败，请检查网络后重试' } }
    }
  }
  return { ok: true, data: out }
}
