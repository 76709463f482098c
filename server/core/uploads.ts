/**
 * Generic photo uploads shared by the domains that take photos (tickets, centres).
 *
 * H5 on the emulator sends a shrunk image as base64 through the domain's `upload` action, which
 * calls `storeUploadedImage`; the mini-program uploads straight to cloud storage with
 * Taro.cloud.uploadFile. Both put the file under `uploads/<openid>/…`, so the folder tells whose
 * upload a fileID is (`ownUpload`).
 */
import { randomBytes } from 'node:crypto'
import { clock } from './clock'
import { AppError } from './errors'
import { monthKey } from './time'
import { platform } from '../platform'
import type { StoredFile } from '../platform/types'

export type ImageContentType = 'image/jpeg' | 'image/png' | 'image/webp'

/** The bytes really are the declared image type (magic numbers). */
export function looksLikeImage(contentType: string, buf: Buffer): boolean {
  if (contentType === 'image/jpeg') return buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff
  if (contentType === 'image/png') return buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  if (contentType === 'image/webp') return buf.subarray(0, 4).toString('latin1') === 'RIFF' && buf.subarray(8, 12).toString('latin1') === 'WEBP'
  return false
}

export interface UploadOptions {
  /** Largest decoded size, bytes. */
  maxBytes: number
  /** Runs after the bytes are validated and before anything is stored (e.g. a daily allowance). */
  beforeStore?: () => Promise<void>
}

/**
 * Decodes base64 (a `data:` prefix is tolerated), enforces the size cap and the real image type,
 * stores the file under `uploads/<openid>/<YYYY-MM>/` through the platform's files seam and runs the
 * platform's image check.
 */
export async function storeUploadedImage(
  openid: string,
  input: { contentType: ImageContentType; data: string },
  options: UploadOptions
): Promise<StoredFile> {
  const clean = input.data.replace(/^data:[^,]*,/, '').replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(clean)) throw new AppError('INVALID_INPUT', '图片数据无效', ['data'])
  const buf = Buffer.from(clean, 'base64')
  const mb = Math.round((options.maxBytes / 1024 / 1024) * 10) / 10
  if (buf.length === 0 || buf.length > options.maxBytes) throw new AppError('INVALID_INPUT', `图片不能超过${mb}MB`, ['data'])
  if (!looksLikeImage(input.contentType, buf)) throw new AppError('INVALID_INPUT', '只支持JPG、PNG或WEBP图片', ['contentType'])
  if (options.beforeStore) await options.beforeStore()
  const ext = input.contentType === 'image/jpeg' ? 'jpg' : input.contentType === 'image/png' ? 'png' : 'webp'
  const path = `uploads/${openid}/${monthKey(clock.now())}/${randomBytes(8).toString('hex')}.${ext}`
  const stored = await platform().files.put(path, buf, input.contentType)
  const check = await platform().contentCheck.image(stored.fileID, openid)
  if (!check.ok) throw new AppError('INVALID_INPUT', check.reason ?? '图片含有违规内容', ['data'])
  return stored
}

/**
 * The fileID is the caller's own upload on the platform the server runs on: on the emulator
 * `local://uploads/<openid>/…`; on WeChat `cloud://<env>.<bucket>/uploads/<openid>/…`.
 */
export function ownUpload(fileID: string, openid: string): boolean {
  const safeOpenid = openid.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const rest = `uploads/${safeOpenid}/[A-Za-z0-9._/-]+$`
  const pattern = platform().kind === 'local' ? new RegExp(`^local://${rest}`) : new RegExp(`^cloud://[A-Za-z0-9._-]+/${rest}`)
  return pattern.test(fileID) && !fileID.includes('..')
}
