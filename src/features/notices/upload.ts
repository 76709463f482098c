import type { Reply } from '@contracts/reply'
import type { UploadResult } from '@contracts/notices'

export type UploadKind = 'image' | 'pdf'

/**
 * Platform-neutral fallback for tsc and jest; the builds use upload.weapp.ts (the mini-program
 * uploads straight to cloud storage) or upload.h5.ts (the emulator: base64 through notices.upload).
 * Resolves null when the user cancels the picker.
 */
export async function chooseAndUpload(_kind: UploadKind, _openid: string): Promise<Reply<UploadResult> | null> {
  return { ok: false, error: { code: 'INTERNAL', message: '当前环境不支持上传' } }
}
