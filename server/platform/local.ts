import { randomBytes } from 'node:crypto'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { dirname, join, normalize } from 'node:path'
import { db } from '../core/db'
import { clock } from '../core/clock'
import { checkImageOnce, checkImagesOnce, type MediaCheckRecord, type StoredMediaCheck } from '../core/mediaChecks'
import { prepareMessage } from '../notify/templates'
import { anyChunkFlagged, MSG_SEC_CHECK_MAX_CHARS, splitForCheck } from './chunks'
import { qrPng as renderQrPng } from './qr'
import type { Platform } from './types'

/** Words the local stand-in for msgSecCheck refuses; the cloud uses WeChat's own check. */
export const BLOCKED_WORDS = ['赌博', '博彩', '色情', '毒品', '枪支', '法轮', '代开发票', '办证刻章']

const dataDir = () => process.env.HONGLIN_DATA_DIR || '.data'
const publicUrl = () => (process.env.HONGLIN_PUBLIC_URL || 'http://127.0.0.1:8080').replace(/\/$/, '')

function safePath(path: string): string {
  const clean = normalize(path).replace(/^(\.\.(\/|\\|$))+/, '').replace(/^\/+/, '')
  if (clean.includes('..')) throw new Error(`unsafe file path: ${path}`)
  return clean
}

const fileUrl = (fileID: string) => `${publicUrl()}/files/${fileID.replace(/^local:\/\//, '')}`

/**
 * QR PNGs by content: the same community's, room's or member's code is asked for again and again
 * (a 430 px image is a few ms of CPU work, more inside jest's VM).
 */
const qrCache = new Map<string, Buffer>()
function qrPng(target: string): Buffer {
  let png = qrCache.get(target)
  if (!png) {
    png = renderQrPng(target, { width: 430, margin: 2, errorCorrectionLevel: 'M' })
    if (qrCache.size >= 500) qrCache.delete(qrCache.keys().next().value as string)
    qrCache.set(target, png)
  }
  return png
}

/** The emulator's platform: files in DATA_DIR/files, QR PNGs, an `outbox` collection, a word list. */
export const localPlatform: Platform = {
  kind: 'local',
  files: {
    async put(path, content) {
      const clean = safePath(path)
      const target = join(dataDir(), 'files', clean)
      await mkdir(dirname(target), { recursive: true })
      await writeFile(target, content)
      const fileID = `local://${clean}`
      return { fileID, url: fileUrl(fileID) }
    },
    async url(fileID) {
      return fileUrl(fileID)
    },
    async remove(fileIDs) {
      await Promise.all(
        fileIDs
          .filter((id) => id.startsWith('local://'))
          .map((id) => rm(join(dataDir(), 'files', safePath(id.replace(/^local:\/\//, ''))), { force: true }))
      )
    }
  },
  codes: {
    async create({ scene, page, path }) {
      const target = `${publicUrl()}/#/${page}?scene=${encodeURIComponent(scene)}`
      return localPlatform.files.put(path, qrPng(target), 'image/png')
    },
    async image({ scene, page }) {
      // A code used once (a desk sign-in's scene): rendered, never cached.
      return renderQrPng(`${publicUrl()}/#/${page}?scene=${encodeURIComponent(scene)}`, { width: 430, margin: 2, errorCorrectionLevel: 'M' })
    }
  },
  messages: {
    /**
     * The message as WeChat would get it (keys renamed by `<env>_KEYS`, values fitted), with the
     * sender's own data and any `problems` WeChat would refuse it for (47003), so tests can check
     * every send against its kind's declaration.
     */
    async send(message) {
      const prepared = prepareMessage(message.templateId, message.data)
      if (prepared.problems.length) console.warn('[outbox] message WeChat would refuse (47003):', message.templateId, prepared.problems.join('; '))
      await db()
        .collection('outbox')
        .add({ data: { ...message, data: prepared.data, senderData: message.data, kind: prepared.kind, problems: prepared.problems, sentAt: clock.date() } })
    }
  },
  contentCheck: {
    /** Like msgSecCheck: at most 2,500 characters a call, so long texts go in chunks here too. */
    async text(content) {
      const flagged = await anyChunkFlagged(splitForCheck(content), async (chunk) => {
        if (chunk.length > MSG_SEC_CHECK_MAX_CHARS) throw new Error('msgSecCheck: content longer than 2500 characters')
        return BLOCKED_WORDS.some((word) => chunk.includes(word))
      })
      return flagged ? { ok: false, reason: '内容含有违规信息，请修改后再提交' } : { ok: true }
    },
    /**
     * Like mediaCheckAsync: accepted now, recorded as pending; the verdict comes later as a
     * `wxa_media_check` event (see localMediaCheckEvent). Test hook: a fileID containing one of the
     * comma-separated markers in HONGLIN_LOCAL_RISKY_MEDIA gets the verdict 'risky'.
     */
    async image(fileID, openid) {
      return checkImageOnce(fileID, openid, submitLocalCheck)
    },
    async images(fileIDs, openid, known) {
      return checkImagesOnce(fileIDs, openid, submitLocalCheck, known as StoredMediaCheck[] | undefined)
    }
  }
}

async function submitLocalCheck(fileID: string) {
  return { traceId: `local-${randomBytes(8).toString('hex')}`, localVerdict: localVerdictOf(fileID) }
}

function localVerdictOf(fileID: string): 'pass' | 'risky' {
  const markers = (process.env.HONGLIN_LOCAL_RISKY_MEDIA ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean)
  return markers.some((m) => fileID.includes(m)) ? 'risky' : 'pass'
}

/**
 * The push WeChat sends (消息推送, JSON) when a check finishes, for a recorded local check: what a
 * test or a developer delivers to a cloud function (with no user) to play WeChat's part.
 */
export function localMediaCheckEvent(check: Pick<MediaCheckRecord, '_id' | 'localVerdict'>, verdict = check.localVerdict ?? 'pass') {
  const label = verdict === 'risky' ? 20002 : 100
  return {
    ToUserName: 'gh_local',
    FromUserName: 'local-push-service',
    CreateTime: Math.floor(clock.now() / 1000),
    MsgType: 'event',
    Event: 'wxa_media_check',
    appid: 'wx0000000000000000',
    trace_id: check._id,
    version: 2,
    detail: [{ strategy: 'content_model', errcode: 0, suggest: verdict, label, prob: verdict === 'risky' ? 90 : 0 }],
    errcode: 0,
    errmsg: 'ok',
    result: { suggest: verdict, label }
  }
}
