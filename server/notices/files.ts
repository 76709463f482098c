/**
 * Attachments and body images.
 *
 * How files get into storage:
 * - mini-program: the app uploads with `Taro.cloud.uploadFile` to `notices/<openid>/…` in cloud
 *   storage (size and type checked in the app before uploading) and sends the fileID with its
 *   name, type and size; the server checks the fileID's folder (the caller's own uploads), the
 *   name's extension against the type, the size limit, and runs the image check.
 * - H5 on the emulator: `notices.upload` receives the file as base64 in the call (capped by the
 *   emulator's request size, NOTICE_LIMITS.inlineUploadBytes), checks the bytes really are a
 *   JPEG/PNG/GIF/PDF, stores it with `platform().files.put` and records it in `noticeFiles`; a
 *   `local://` fileID is accepted at publish time only if that record exists (so its type and size
 *   are known, not claimed).
 */
import { createHash, randomBytes } from 'node:crypto'
import { ATTACHMENT_EXTENSIONS, NOTICE_LIMITS, type Attachment, type AttachmentInput, type AttachmentType, type RichNode, type UploadResult } from '../../contracts/notices'
import { clock } from '../core/clock'
import { db } from '../core/db'
import { AppError } from '../core/errors'
import type { Caller } from '../core/identity'
import { monthKey } from '../core/time'
import { platform } from '../platform'
import { FILES, type StoredAttachment } from './model'

interface FileRecord {
  _id: string
  fileID: string
  name: string
  contentType: AttachmentType
  size: number
  openid: string
  uploadedAt: Date
}

/** The stored file's own signature, whatever the client says it is. */
export function sniffType(bytes: Buffer): AttachmentType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg'
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png'
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(bytes.subarray(0, 6).toString('latin1'))) return 'image/gif'
  if (bytes.length >= 5 && bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf'
  return null
}

const fileRecordId = (fileID: string) => `f-${createHash('sha1').update(fileID).digest('hex')}`

export async function upload(input: { name: string; contentType: AttachmentType; data: string }, caller: Caller): Promise<UploadResult> {
  if (!/^[A-Za-z0-9+/=\s]+$/.test(input.data)) throw new AppError('INVALID_INPUT', '文件内容无效', ['data'])
  const bytes = Buffer.from(input.data, 'base64')
  if (bytes.length === 0) throw new AppError('INVALID_INPUT', '文件内容为空', ['data'])
  if (bytes.length > NOTICE_LIMITS.inlineUploadBytes) throw new AppError('INVALID_INPUT', '文件过大（网页版单个附件不超过1.4MB）', ['data'])
  const actual = sniffType(bytes)
  if (!actual) throw new AppError('INVALID_INPUT', '只支持 JPG、PNG、GIF 图片和 PDF 文件', ['contentType'])
  if (actual !== input.contentType) throw new AppError('INVALID_INPUT', '文件类型与内容不符', ['contentType'])
  const name = safeName(input.name, actual)
  const path = `notices/${caller.openid.replace(/[^A-Za-z0-9_-]/g, '_')}/${monthKey(clock.now())}/${randomBytes(8).toString('hex')}.${ATTACHMENT_EXTENSIONS[actual]}`
  const stored = await platform().files.put(path, bytes, actual)
  if (actual.startsWith('image/')) {
    const check = await platform().contentCheck.image(stored.fileID, caller.openid)
    if (!check.ok) throw new AppError('INVALID_INPUT', check.reason ?? '图片含有违规内容', ['data'])
  }
  const record: FileRecord = { _id: fileRecordId(stored.fileID), fileID: stored.fileID, name, contentType: actual, size: bytes.length, openid: caller.openid, uploadedAt: clock.date() }
  await db().collection(FILES).add({ data: record })
  return { fileID: stored.fileID, url: stored.url, name, contentType: actual, size: bytes.length }
}

/** A display name with the extension its type implies (no path parts). */
function safeName(name: string, type: AttachmentType): string {
  const base = name.replace(/[\\/\u0000-\u001f<>:"|?*]/g, '').trim().slice(0, 70) || '附件'
  const ext = ATTACHMENT_EXTENSIONS[type]
  const accepted = type === 'image/jpeg' ? /\.(jpe?g)$/i : new RegExp(`\\.${ext}$`, 'i')
  return accepted.test(base) ? base : `${base}.${ext}`
}

const isLocal = (fileID: string) => fileID.startsWith('local://')

/**
 * Checks a notice's attachments and body images, returning the attachments as stored. Local files
 * must be known uploads (type and size from the record); cloud files must be in the caller's
 * upload folder, named for their type and within the size limit.
 */
export async function checkFiles(attachments: AttachmentInput[], images: string[], caller: Caller, keep: StoredAttachment[] = [], keptImages: string[] = []): Promise<StoredAttachment[]> {
  // Files already on the notice (possibly uploaded by a colleague) stay without a new check.
  const kept = new Set([...keep.map((a) => a.fileID), ...keptImages])
  // Every new local upload's record in one read (not one per file).
  const locals = [...new Set([...attachments.map((a) => a.fileID), ...images])].filter((id) => isLocal(id) && !kept.has(id))
  const records = new Map<string, FileRecord>()
  if (locals.length) {
    const res = await db()
      .collection(FILES)
      .where({ _id: db().command.in(locals.map(fileRecordId)) })
      .limit(locals.length)
      .get()
    for (const r of res.data as FileRecord[]) records.set(r._id, r)
  }
  const out: StoredAttachment[] = []
  const seen = new Set<string>()
  for (const [i, a] of attachments.entries()) {
    if (seen.has(a.fileID)) continue
    seen.add(a.fileID)
    if (kept.has(a.fileID)) {
      // Already attached to this notice (an edit that keeps it).
      const old = keep.find((k) => k.fileID === a.fileID)!
      out.push({ ...old, name: a.name })
      continue
    }
    out.push(await checkFile(a.fileID, caller, `attachments.${i}`, records, a))
  }
  for (const fileID of images) {
    if (kept.has(fileID)) continue
    await checkFile(fileID, caller, 'body', records)
  }
  return out
}

async function checkFile(fileID: string, caller: Caller, field: string, records: Map<string, FileRecord>, claimed?: AttachmentInput): Promise<StoredAttachment> {
  let file: StoredAttachment
  if (isLocal(fileID)) {
    const record = records.get(fileRecordId(fileID))
    if (!record || record.fileID !== fileID) throw new AppError('INVALID_INPUT', '附件不存在，请重新上传', [field])
    if (record.openid !== caller.openid) throw new AppError('INVALID_INPUT', '只能使用自己上传的文件', [field])
    file = { fileID, name: claimed?.name ?? record.name, contentType: record.contentType, size: record.size }
  } else {
    if (!fileID.startsWith('cloud://') || !fileID.includes(`/notices/${caller.openid}/`)) throw new AppError('INVALID_INPUT', '只能使用自己上传的文件', [field])
    const type = claimed?.contentType ?? typeByExtension(fileID)
    if (!type) throw new AppError('INVALID_INPUT', '只支持 JPG、PNG、GIF 图片和 PDF 文件', [field])
    if (typeByExtension(fileID) !== type) throw new AppError('INVALID_INPUT', '文件类型与文件名不符', [field])
    file = { fileID, name: claimed?.name ?? '图片', contentType: type, size: claimed?.size ?? 0 }
  }
  if (!claimed && !file.contentType.startsWith('image/')) throw new AppError('INVALID_INPUT', '正文中只能插入图片', [field])
  if (file.size > NOTICE_LIMITS.attachmentBytes) throw new AppError('INVALID_INPUT', '附件不能超过10MB', [field])
  if (file.contentType.startsWith('image/') && !isLocal(fileID)) {
    // Local uploads were checked when uploaded; cloud files are checked here (mediaCheckAsync).
    // The check is asynchronous: refused here only if an earlier check of the file came back risky;
    // a risky verdict arriving later removes it from the notice (server/media/verdicts.ts).
    const check = await platform().contentCheck.image(fileID, caller.openid)
    if (!check.ok) throw new AppError('INVALID_INPUT', check.reason ?? '图片含有违规内容', [field])
  }
  return file
}

function typeByExtension(fileID: string): AttachmentType | null {
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileID)?.[1]?.toLowerCase()
  if (ext === 'jpg' || ext === 'jpeg') return 'image/jpeg'
  if (ext === 'png') return 'image/png'
  if (ext === 'gif') return 'image/gif'
  if (ext === 'pdf') return 'application/pdf'
  return null
}

/** Openable URLs for a set of fileIDs (temporary ones on WeChat). */
export async function urlsOf(fileIDs: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(fileIDs)]
  const urls = await Promise.all(unique.map((id) => platform().files.url(id).catch(() => '')))
  return new Map(unique.map((id, i) => [id, urls[i]]))
}

export function attachmentViews(attachments: StoredAttachment[], urls: Map<string, string>): Attachment[] {
  return attachments.map((a) => ({ ...a, kind: a.contentType === 'application/pdf' ? 'pdf' : 'image', url: urls.get(a.fileID) ?? '' }))
}

/** The body's nodes with image sources turned into URLs the app can load. */
export function resolveImages(nodes: RichNode[], urls: Map<string, string>): RichNode[] {
  return nodes.map((node) => {
    const next: RichNode = { ...node }
    if (node.name === 'img' && node.attrs?.src) next.attrs = { ...node.attrs, src: urls.get(node.attrs.src) ?? '' }
    if (node.children) next.children = resolveImages(node.children, urls)
    return next
  })
}

export function imagesOf(nodes: RichNode[], into: string[] = []): string[] {
  for (const node of nodes) {
    if (node.name === 'img' && node.attrs?.src) into.push(node.attrs.src)
    if (node.children) imagesOf(node.children, into)
  }
  return into
}
