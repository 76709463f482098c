import { sdk } from '../core/db'
import { checkImageOnce, checkImagesOnce, type StoredMediaCheck } from '../core/mediaChecks'
import { TEMPLATES, prepareMessage } from '../notify/templates'
import { anyChunkFlagged, splitForCheck } from './chunks'
import { TEMP_URL_SECONDS, type Platform, type SubscriptionMessage } from './types'

/*
 * WeChat's open APIs through wx-server-sdk's `cloud.openapi`. The SDK takes parameters in camelCase
 * and sends them in snake_case (templateId → template_id, mediaUrl → media_url; keys without
 * capitals, such as data's thing1, pass unchanged), answers in camelCase (trace_id → traceId), and
 * rejects with `errCode` set to WeChat's errcode when it is not 0.
 */

export const BLOCKED_TEXT_MESSAGE = '内容含有违规信息，请修改后再提交'

/** msgSecCheck scene 2 (评论): user posts that others read. */
const TEXT_SCENE = 2
/** mediaCheckAsync: media_type 2 = image; scene as for texts. */
const IMAGE_MEDIA_TYPE = 2

/** errcodes the seams handle (everything else is an error of the action). */
export const WX_ERRORS = {
  /** subscribeMessage.send: the user refused, or has no one-time grant left. */
  userRefused: 43101,
  /** subscribeMessage.send: the data does not fit the template (a key or a value). */
  badTemplateData: 47003,
  /** msgSecCheck (version 1 style): the content is risky. */
  riskyContent: 87014
} as const

const errCodeOf = (error: unknown) => (error as { errCode?: number } | null)?.errCode

async function tempUrl(fileID: string): Promise<string> {
  const res = await sdk().getTempFileURL({ fileList: [{ fileID, maxAge: TEMP_URL_SECONDS }] })
  const list = (res as { fileList: { tempFileURL: string }[] }).fileList
  return list[0]?.tempFileURL ?? ''
}

/** One msgSecCheck call (content ≤ 2,500 characters): true when WeChat flags it. */
export async function textFlagged(content: string, openid: string): Promise<boolean> {
  try {
    const res = await sdk().openapi.security.msgSecCheck({ content, version: 2, scene: TEXT_SCENE, openid })
    return (res as { result?: { suggest?: string } }).result?.suggest !== 'pass'
  } catch (error) {
    if (errCodeOf(error) === WX_ERRORS.riskyContent) return true
    throw error
  }
}

/** Submits one image to mediaCheckAsync; returns the trace id its verdict will be pushed with. */
export async function submitImageCheck(fileID: string, openid: string): Promise<string> {
  const mediaUrl = await tempUrl(fileID)
  if (!mediaUrl) throw new Error(`mediaCheckAsync: no temporary URL for ${fileID}`)
  const res = await sdk().openapi.security.mediaCheckAsync({ mediaUrl, mediaType: IMAGE_MEDIA_TYPE, version: 2, scene: TEXT_SCENE, openid })
  const traceId = (res as { traceId?: string; trace_id?: string }).traceId ?? (res as { trace_id?: string }).trace_id
  if (!traceId) throw new Error('mediaCheckAsync answered without a trace id')
  return traceId
}

export async function sendSubscription({ touser, templateId, page, data }: SubscriptionMessage): Promise<void> {
  const prepared = prepareMessage(templateId, data)
  const env = prepared.kind ? TEMPLATES[prepared.kind].env : 'TPL_…'
  if (prepared.problems.length) {
    // WeChat would refuse it (47003): say what to fix instead of spending the user's grant.
    throw new Error(`subscription message ${prepared.kind ?? templateId} not sent: ${prepared.problems.join('; ')} (see ${env}_KEYS in server/notify/templates.ts)`)
  }
  try {
    await sdk().openapi.subscribeMessage.send({ touser, templateId, page, data: prepared.data, miniprogramState: 'formal' })
  } catch (error) {
    const code = errCodeOf(error)
    // The user has not subscribed (or used up the one-time grant): not an error of the action.
    if (code === WX_ERRORS.userRefused) return
    if (code === WX_ERRORS.badTemplateData) {
      const message = (error as { errMsg?: string }).errMsg ?? ''
      throw new Error(`subscription message ${prepared.kind ?? templateId} refused by WeChat (47003 ${message}): the template's keys or value types differ from the declaration — set ${env}_KEYS (server/notify/templates.ts)`)
    }
    throw error
  }
}

/** WeChat cloud: cloud storage, wxacode, subscription messages and the platform content checks. */
export const cloudPlatform: Platform = {
  kind: 'cloud',
  files: {
    async put(path, content) {
      const res = await sdk().uploadFile({ cloudPath: path, fileContent: content })
      return { fileID: res.fileID, url: await tempUrl(res.fileID) }
    },
    url: tempUrl,
    async remove(fileIDs) {
      // deleteFile takes at most 50 fileIDs a call; a file already gone comes back with its own
      // status in fileList, not as an error of the call.
      for (let i = 0; i < fileIDs.length; i += 50) await sdk().deleteFile({ fileList: fileIDs.slice(i, i + 50) })
    }
  },
  codes: {
    async create({ scene, page, path }) {
      const res = await sdk().openapi.wxacode.getUnlimited({ scene, page, checkPath: false, width: 430 })
      const uploaded = await sdk().uploadFile({ cloudPath: path, fileContent: res.buffer as Buffer })
      return { fileID: uploaded.fileID, url: await tempUrl(uploaded.fileID) }
    },
    async image({ scene, page }) {
      const res = await sdk().openapi.wxacode.getUnlimited({ scene, page, checkPath: false, width: 430 })
      return res.buffer as Buffer
    }
  },
  messages: {
    send: sendSubscription
  },
  contentCheck: {
    /**
     * msgSecCheck takes at most 2,500 characters: a longer text is checked in chunks (a few at a
     * time, overlapping a little), and refused when any chunk is flagged.
     */
    async text(content, openid) {
      const flagged = await anyChunkFlagged(splitForCheck(content), (chunk) => textFlagged(chunk, openid))
      return flagged ? { ok: false, reason: BLOCKED_TEXT_MESSAGE } : { ok: true }
    },
    /**
     * mediaCheckAsync answers later through the 消息推送 `wxa_media_check` (server/media/verdicts.ts);
     * here the file is refused only when an earlier check of it already came back risky.
     */
    async image(fileID, openid) {
      return checkImageOnce(fileID, openid, async () => ({ traceId: await submitImageCheck(fileID, openid) }))
    },
    async images(fileIDs, openid, known) {
      return checkImagesOnce(fileIDs, openid, async (fileID) => ({ traceId: await submitImageCheck(fileID, openid) }), known as StoredMediaCheck[] | undefined)
    }
  }
}
