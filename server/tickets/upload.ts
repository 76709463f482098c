import { randomBytes } from 'node:crypto'
import { TICKET_LIMITS, type Photo, type ticketsUploadInput } from '../../src/contracts/tickets'
import type { z } from '../../src/contracts/zod'
import { clock } from '../core/clock'
import { AppError } from '../core/errors'
import type { Caller } from '../core/identity'
import { monthKey } from '../core/time'
import { platform } from '../platform'
import { takeDailyQuota } from './quota'

const UPLOADS_PER_DAY = 60

function looksLike(contentType: string, buf: Buffer): boolean {
  if (contentType === 'image/jpeg') return buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff
  if (contentType === 'image/png') return buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  return buf.subarray(0, 4).toString('latin1') === 'RIFF' && buf.subarray(8, 12).toString('latin1') === 'WEBP'
}

/**
 * The H5 app's photo upload (the mini-program uploads straight to cloud storage with
 * Taro.cloud.uploadFile under the same `uploads/<openid>/` prefix). The client shrinks photos
 * before sending (longest side 1280 px, JPEG); the server accepts at most 1 MB decoded, checks the
 * file really is the declared image type, limits uploads per person per day, stores it through the
 * platform's files seam and runs the image check.
 */
export async function uploadPhoto(caller: Caller, input: z.infer<typeof ticketsUploadInput>): Promise<Photo> {
  const clean = input.data.replace(/^data:[^,]*,/, '').replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(clean)) throw new AppError('INVALID_INPUT', '图片数据无效', ['data'])
  const buf = Buffer.from(clean, 'base64')
  if (buf.length === 0 || buf.length > TICKET_LIMITS.uploadBytes) throw new AppError('INVALID_INPUT', '图片不能超过1MB', ['data'])
  if (!looksLike(input.contentType, buf)) throw new AppError('INVALID_INPUT', '只支持JPG、PNG或WEBP图片', ['contentType'])
  await takeDailyQuota('upload', caller.openid, UPLOADS_PER_DAY, '今天上传的图片太多了，请明天再试')
  const ext = input.contentType === 'image/jpeg' ? 'jpg' : input.contentType === 'image/png' ? 'png' : 'webp'
  const path = `uploads/${caller.openid}/${monthKey(clock.now())}/${randomBytes(8).toString('hex')}.${ext}`
  const stored = await platform().files.put(path, buf, input.contentType)
  const check = await platform().contentCheck.image(stored.fileID, caller.openid)
  if (!check.ok) throw new AppError('INVALID_INPUT', check.reason ?? '图片含有违规内容', ['data'])
  return stored
}
