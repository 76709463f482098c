import type { Reply } from '@contracts/reply'
import { ATTACHMENT_TYPES, NOTICE_LIMITS, type AttachmentType, type UploadResult } from '@contracts/notices'
import { noticesApi } from './api'
import type { UploadKind } from './upload'

export type { UploadKind } from './upload'

function pickFile(accept: string): Promise<File | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input')
    input.type = 'file'
    input.accept = accept
    input.style.display = 'none'
    input.addEventListener('change', () => {
      resolve(input.files?.[0] ?? null)
      input.remove()
    })
    document.body.appendChild(input)
    input.click()
  })
}

function base64Of(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''))
    reader.onerror = () => reject(reader.error)
    reader.readAsDataURL(file)
  })
}

/**
 * H5 (the emulator): a file input, then the file as base64 through `notices.upload`, which checks
 * its bytes and stores it in the local file store. Limited by the emulator's request size.
 */
export async function chooseAndUpload(kind: UploadKind, _openid: string): Promise<Reply<UploadResult> | null> {
  const file = await pickFile(kind === 'image' ? 'image/jpeg,image/png,image/gif' : 'application/pdf')
  if (!file) return null
  const type = file.type as AttachmentType
  if (!(ATTACHMENT_TYPES as readonly string[]).includes(type)) return { ok: false, error: { code: 'INVALID_INPUT', message: '只支持 JPG、PNG、GIF 图片和 PDF 文件' } }
  if (file.size > NOTICE_LIMITS.inlineUploadBytes) return { ok: false, error: { code: 'INVALID_INPUT', message: '文件过大（网页版单个附件不超过1.4MB）' } }
  return noticesApi.upload({ name: file.name, contentType: type, data: await base64Of(file) })
}
