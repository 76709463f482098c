import { TICKET_LIMITS, type Photo, type ticketsUploadInput } from '../../contracts/tickets'
import type { z } from '../../contracts/zod'
import type { Caller } from '../core/identity'
import { storeUploadedImage } from '../core/uploads'
import { takeDailyQuota } from '../core/quota'

const UPLOADS_PER_DAY = 60

/**
 * The H5 app's photo upload (the mini-program uploads straight to cloud storage with
 * Taro.cloud.uploadFile under the same `uploads/<openid>/` prefix). The client shrinks photos
 * before sending (longest side 1280 px, JPEG); the server accepts at most 1 MB decoded, checks the
 * file really is the declared image type, limits uploads per person per day, stores it through the
 * platform's files seam and runs the image check (server/core/uploads.ts).
 */
export async function uploadPhoto(caller: Caller, input: z.infer<typeof ticketsUploadInput>): Promise<Photo> {
  return storeUploadedImage(caller.openid, input, {
    maxBytes: TICKET_LIMITS.uploadBytes,
    beforeStore: () => takeDailyQuota('upload', caller.openid, UPLOADS_PER_DAY, '今天上传的图片太多了，请明天再试')
  })
}
