import Taro from '@tarojs/taro'
import type { Reply } from '@contracts/reply'
import { NOTICE_LIMITS, type AttachmentType, type UploadResult } from '@contracts/notices'
import type { UploadKind } from './upload'

export type { UploadKind } from './upload'

const fail = (message: string): Reply<never> => ({ ok: false, error: { code: 'INVALID_INPUT', message } })

function typeOf(name: string): AttachmentType | null {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase()
  if (ext === 'jpg' || ext === 'jpeg') return 'image/jpeg'
  if (ext === 'png') return 'image/png'
  if (ext === 'gif') return 'image/gif'
  if (ext === 'pdf') return 'application/pdf'
  return null
}

const EXT: Record<AttachmentType, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'application/pdf': 'pdf' }

/**
 * Mini-program: pick an image (album/camera) or a PDF from a chat, check type and size, and upload
 * straight to cloud storage under notices/<openid>/ (the folder the server accepts as the caller's).
 */
export async function chooseAndUpload(kind: UploadKind, openid: string): Promise<Reply<UploadResult> | null> {
  let path: string
  let name: string
  let size: number
  try {
    if (kind === 'image') {
      const res = await Taro.chooseMedia({ count: 1, mediaType: ['image'], sizeType: ['compressed'] })
      const file = res.tempFiles[0]
      path = file.tempFilePath
      size = file.size
      name = `图片.${/\.([A-Za-z0-9]+)$/.exec(path)?.[1] ?? 'jpg'}`
    } else {
      const res = await Taro.chooseMessageFile({ count: 1, type: 'file', extension: ['pdf'] })
      const file = res.tempFiles[0]
      path = file.path
      size = file.size
      name = file.name
    }
  } catch {
    return null // cancelled
  }
  const type = typeOf(kind === 'image' ? path : name)
  if (!type) return fail('只支持 JPG、PNG、GIF 图片和 PDF 文件')
  if (size > NOTICE_LIMITS.attachmentBytes) return fail('附件不能超过10MB')
  const now = new Date(Date.now() + 8 * 3_600_000)
  const month = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`
  const random = Math.random().toString(16).slice(2, 10) + Date.now().toString(16).slice(-8)
  try {
    const uploaded = await Taro.cloud.uploadFile({ cloudPath: `notices/${openid}/${month}/${random}.${EXT[type]}`, filePath: path })
    return { ok: true, data: { fileID: uploaded.fileID, url: path, name, contentType: type, size } }
  } catch {
    return { ok: false, error: { code: 'INTERNAL', message: '上传失败，请检查网络后重试' } }
  }
}
