import type { Photo } from '@/contracts/tickets'
import type { Reply } from '@/contracts/reply'

/**
 * Platform-neutral fallback for tsc and jest; the builds use photos.weapp.ts (the mini-program
 * uploads straight to cloud storage under uploads/<openid>/) or photos.h5.ts (the emulator: a
 * shrunk JPEG as base64 through tickets.upload). Resolves null when the user cancels the picker.
 */
export async function choosePhotos(_max: number, _openid: string): Promise<Reply<Photo[]> | null> {
  return { ok: false, error: { code: 'INTERNAL', message: '当前环境不支持上传照片' } }
}
