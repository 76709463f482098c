/**
 * The asynchronous image check (security.mediaCheckAsync on WeChat), as records.
 *
 * WeChat answers an image check later, by a message push (`wxa_media_check`, see
 * server/media/verdicts.ts); the call itself only returns a trace id. Every submitted check is
 * recorded in `mediaChecks` (_id = trace id) with the file, its uploader and its status, so that:
 * - the push can be matched to the file and its uploader (an unknown trace id is ignored);
 * - a file already found risky is refused at once when someone tries to use it again, and a file
 *   already passed (or still being checked) is not submitted again (one check per file, not one
 *   per use: the same photo is checked at upload and again when the ticket is sent).
 *
 * This module only reads and writes the records (no platform calls), so both platforms use it.
 */
import { clock } from './clock'
import { db } from './db'
import type { ContentCheckResult } from '../platform/types'

export const MEDIA_CHECKS = 'mediaChecks'
export const RISKY_IMAGE_MESSAGE = '图片含有违规内容，请更换后再提交'
/** A check still pending after this long is taken as lost (WeChat answers within 30 minutes) and submitted again. */
export const PENDING_EXPIRES_MS = 60 * 60 * 1000

/** pending → pass | review | risky (WeChat's result.suggest), or error (the push reported an errcode). */
export type MediaCheckStatus = 'pending' | 'pass' | 'review' | 'risky' | 'error'

/** Where the uploaded file is used, told by its folder: photos (tickets, wishes, centres) or notices. */
export type MediaSource = 'photo' | 'notice' | 'other'

export interface HiddenIn {
  collection: 'tickets' | 'ticketEvents' | 'wishes' | 'centers' | 'notices'
  id: string
}

export interface MediaCheckRecord {
  /** WeChat's trace_id (`local-…` on the emulator). */
  _id: string
  fileID: string
  /** The uploader (the caller whose action submitted the check). */
  openid: string
  source: MediaSource
  status: MediaCheckStatus
  submittedAt: Date
  decidedAt: Date | null
  /** WeChat's result.label (e.g. 20002 色情) when decided. */
  label: number | null
  errcode: number | null
  /** The records the image was removed from when it was found risky. */
  hidden: HiddenIn[]
  /** Emulator only: the verdict the local platform will deliver (HONGLIN_LOCAL_RISKY_MEDIA). */
  localVerdict?: 'pass' | 'risky'
}

export function sourceOf(fileID: string): MediaSource {
  if (/(^local:\/\/|\/)uploads\//.test(fileID)) return 'photo'
  if (/(^local:\/\/|\/)notices\//.test(fileID)) return 'notice'
  return 'other'
}

export interface Submitted {
  traceId: string
  localVerdict?: 'pass' | 'risky'
}

/**
 * The image check of one file by its uploader: refused at once when a check of the file already
 * came back risky; accepted when one passed or is still pending; otherwise `submit` sends the file
 * to the platform's asynchronous check and the submission is recorded. Costs one read (and one
 * write when submitting).
 */
export async function checkImageOnce(fileID: string, openid: string, submit: () => Promise<Submitted>): Promise<ContentCheckResult> {
  const res = await db().collection(MEDIA_CHECKS).where({ fileID }).limit(20).get()
  const known = res.data as MediaCheckRecord[]
  if (known.some((r) => r.status === 'risky')) return { ok: false, reason: RISKY_IMAGE_MESSAGE }
  const now = clock.now()
  const live = known.some((r) => r.status === 'pass' || r.status === 'review' || (r.status === 'pending' && now - new Date(r.submittedAt).getTime() < PENDING_EXPIRES_MS))
  if (live) return { ok: true }
  const submitted = await submit()
  const record: MediaCheckRecord = {
    _id: submitted.traceId,
    fileID,
    openid,
    source: sourceOf(fileID),
    status: 'pending',
    submittedAt: clock.date(),
    decidedAt: null,
    label: null,
    errcode: null,
    hidden: [],
    ...(submitted.localVerdict ? { localVerdict: submitted.localVerdict } : {})
  }
  await db().collection(MEDIA_CHECKS).add({ data: record })
  return { ok: true }
}
