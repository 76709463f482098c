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
import { aggregateOf, type Part } from './together'
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
export function checkImageOnce(fileID: string, openid: string, submit: (fileID: string) => Promise<Submitted>): Promise<ContentCheckResult> {
  return checkImagesOnce([fileID], openid, submit)
}

/**
 * Several files submitted by one call are recorded in one document (one round trip, however many
 * photos): `_id` `batch:<first trace id>`, with an item per file. Until its verdict arrives an item
 * reads as a pending check (`checksOf`); the verdict then writes the file's own record (_id = its
 * trace id, server/media/verdicts.ts), which is what a single submission writes at once.
 */
export interface MediaCheckBatch {
  _id: string
  batch: true
  openid: string
  submittedAt: Date
  items: Array<{ traceId: string; fileID: string; localVerdict?: 'pass' | 'risky' }>
}

/** A document of `mediaChecks`: one file's check, or a batch. */
export type StoredMediaCheck = MediaCheckRecord | MediaCheckBatch

const isBatch = (doc: StoredMediaCheck): doc is MediaCheckBatch => (doc as MediaCheckBatch).batch === true

/** The pending check a batch item stands for. */
function itemRecord(batch: MediaCheckBatch, item: MediaCheckBatch['items'][number]): MediaCheckRecord {
  return {
    _id: item.traceId,
    fileID: item.fileID,
    openid: batch.openid,
    source: sourceOf(item.fileID),
    status: 'pending',
    submittedAt: batch.submittedAt,
    decidedAt: null,
    label: null,
    errcode: null,
    hidden: [],
    ...(item.localVerdict ? { localVerdict: item.localVerdict } : {})
  }
}

/** The checks stored documents hold, one per file (a batch's items as pending checks). */
export function checksOf(docs: StoredMediaCheck[]): MediaCheckRecord[] {
  return docs.flatMap((doc) => (isBatch(doc) ? doc.items.map((item) => itemRecord(doc, item)) : [doc]))
}

/** The check of one trace id, from the documents that hold it (its own record first, else its batch item). */
export function checkOfTrace(docs: StoredMediaCheck[], traceId: string): MediaCheckRecord | undefined {
  const own = docs.find((doc) => !isBatch(doc) && doc._id === traceId) as MediaCheckRecord | undefined
  return own ?? checksOf(docs.filter(isBatch)).find((check) => check._id === traceId)
}

/** The documents that may hold the check of a trace id: its own record, or the batch it came in. */
export function traceWhere(traceId: string): Record<string, unknown> {
  const _ = db().command
  return _.or([{ _id: traceId }, { 'items.traceId': traceId }]) as unknown as Record<string, unknown>
}

/** The earlier checks of these files: the read `checkImagesOnce` makes, as a part of an action's first read. */
export function mediaChecksPart(fileIDs: string[]): Part {
  const files = [...new Set(fileIDs)]
  const _ = db().command
  const match = files.length === 1 ? files[0] : _.in(files)
  return {
    collection: MEDIA_CHECKS,
    build: (p) => p.match(_.or([{ fileID: match }, { 'items.fileID': match }])).limit(Math.min(1000, 20 * Math.max(1, files.length)))
  }
}

/**
 * `checkImageOnce` for several files at once: one read for all their checks (none when `known`,
 * the documents `mediaChecksPart` read with the action's first read), then the submissions of the
 * files that have no live check, recorded in one write. Refused when any file is known risky.
 */
export async function checkImagesOnce(
  fileIDs: string[],
  openid: string,
  submit: (fileID: string) => Promise<Submitted>,
  known?: StoredMediaCheck[]
): Promise<ContentCheckResult> {
  const files = [...new Set(fileIDs)]
  if (files.length === 0) return { ok: true }
  const records = checksOf(known ?? ((await aggregateOf(mediaChecksPart(files))) as StoredMediaCheck[]))
  if (records.some((r) => files.includes(r.fileID) && r.status === 'risky')) return { ok: false, reason: RISKY_IMAGE_MESSAGE }
  const now = clock.now()
  const isLive = (r: MediaCheckRecord) =>
    r.status === 'pass' || r.status === 'review' || (r.status === 'pending' && now - new Date(r.submittedAt).getTime() < PENDING_EXPIRES_MS)
  const unchecked = files.filter((fileID) => !records.some((r) => r.fileID === fileID && isLive(r)))
  if (unchecked.length === 0) return { ok: true }
  const submitted = await Promise.all(unchecked.map(async (fileID) => ({ fileID, ...(await submit(fileID)) })))
  const submittedAt = clock.date()
  const items = submitted.map(({ traceId, fileID, localVerdict }) => ({ traceId, fileID, ...(localVerdict ? { localVerdict } : {}) }))
  const batch: MediaCheckBatch = { _id: `batch:${items[0].traceId}`, batch: true, openid, submittedAt, items }
  // One file: its own record at once (the verdict then only updates it); several: one batch.
  await db()
    .collection(MEDIA_CHECKS)
    .add({ data: items.length === 1 ? { ...itemRecord(batch, items[0]), submittedAt } : batch })
  return { ok: true }
}
