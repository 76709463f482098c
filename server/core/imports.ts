/**
 * The import engine (docs/back-office.md §5): a roster in an .xlsx file, read by server/xlsx/read.ts,
 * checked row by row, compared with what the database holds, previewed, and applied on confirm.
 * One adapter per kind (server/members/imports.ts, server/teams/imports.ts) says what a row is:
 * its columns and their aliases, its schema (the contracts' own field schemas, so the messages are
 * theirs), the scope check, the natural key and deterministic `_id`, how it compares with an
 * existing record and how it is written.
 *
 * - Preview writes nothing. Its token is HMAC(HONGLIN_TOKEN_SECRET, fileHash|kind|scope|digest of
 *   the verdicts), so a confirm whose recomputed verdicts differ is refused (数据已变化，请重新预览).
 * - Confirm adds `imports/<sha256(kind:scope:fileHash)>` with status `applying` (a duplicate:
 *   此文件已导入, nothing changes), writes the created and changed rows by their deterministic ids,
 *   10 at a time (each write is idempotent), then marks the record `done` and audits it (file name,
 *   hash, counts; no row contents). A confirm cut short leaves `applying`: the same confirm again
 *   (same token) finishes it.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { ZodType } from 'zod'
import {
  IMPORT_ALREADY,
  IMPORT_FILE_TOO_LARGE,
  IMPORT_STALE,
  IMPORT_VERDICTS,
  type ImportConfirmOutput,
  type ImportCounts,
  type ImportKind,
  type ImportPreviewOutput,
  type ImportRow
} from '../../contracts/imports'
import type { AuditAction } from '../../contracts/audit'
import { DEV_TOKEN_SECRET } from '../activities/tokens'
import { excelSerialToDay, readXlsx, XLSX_MAX_BYTES, type ReadCell, type ReadRow } from '../xlsx/read'
import { audit } from './audit'
import { clock } from './clock'
import { db, isDuplicateKey } from './db'
import { AppError, conflict, invalid } from './errors'
import type { Caller } from './identity'

export const IMPORTS = 'imports'
/** Rows written at once. */
const APPLY_CHUNK = 10
/** Ids per `_.in` read of the existing records. */
const LOAD_CHUNK = 100

export interface ImportColumn {
  key: string
  /** The Chinese header the template uses. */
  header: string
  /** Other headers staff's own workbooks use for it. */
  aliases?: string[]
  /** Without this column the file is refused (缺少列). */
  required?: boolean
  /** A date column: a number in it is a 1900-system serial, read as YYYY-MM-DD. */
  date?: boolean
}

/** A row that passed its schema and the adapter's checks: what it would write. */
export interface Planned<V> {
  /** The record's deterministic `_id`. */
  id: string
  /** The fields compared with the existing record and written. */
  value: V
  summary: string
}

export type Resolved<V> = Planned<V> | { refused: string; summary: string }

export interface ImportAdapter<Row, V extends Record<string, unknown>, Ctx> {
  kind: ImportKind
  /** The collection the records live in (read by `_id`). */
  collection: string
  columns: ImportColumn[]
  /** The schema of one row (the columns' texts by key, '' absent); its messages are the refusals. */
  rowSchema: ZodType<Row>
  /** Field labels for `changed` (key → Chinese). */
  labels: Record<string, string>
  auditAction: AuditAction
  /**
   * The scope check and what the rows are resolved against (one combined read): throws FORBIDDEN
   * or NOT_FOUND. `rows` are the rows that passed their schema (e.g. to look up volunteer numbers).
   */
  prepare(caller: Caller, scope: string, rows: Row[]): Promise<Ctx>
  scopeName(ctx: Ctx): string
  communityId(ctx: Ctx): string
  /** A row's record id and value, or why it is refused. */
  resolve(row: Row, ctx: Ctx): Resolved<V>
  /** Overrides the default read of the existing records by `_id`. */
  loadExisting?(ids: string[], ctx: Ctx): Promise<Map<string, Record<string, unknown>>>
  /** The fields of `value` that differ from `existing` (default: each key of value compared as JSON). */
  diff?(existing: Record<string, unknown>, value: V): string[]
  /** Writes created and changed rows (idempotent: the same row written twice is one record). */
  apply(rows: { planned: Planned<V>; created: boolean; fields: string[] }[], ctx: Ctx, caller: Caller, importId: string): Promise<void>
}

export interface ImportInput {
  kind: ImportKind
  scope: string
  fileName: string
  file: string
}

interface Computed<V> {
  fileHash: string
  importId: string
  rows: ImportRow[]
  counts: ImportCounts
  token: string
  apply: { planned: Planned<V>; created: boolean; fields: string[] }[]
  scopeName: string
  communityId: string
}

export interface ImportRecord {
  _id: string
  kind: ImportKind
  scope: string
  communityId: string
  fileName: string
  fileHash: string
  status: 'applying' | 'done'
  counts: ImportCounts
  previewToken: string
  by: string
  byName?: string
  startedAt: Date
  doneAt?: Date
}

function secret(): string {
  const configured = process.env.HONGLIN_TOKEN_SECRET
  if (configured) return configured
  if (process.env.HONGLIN_PLATFORM === 'local') return DEV_TOKEN_SECRET
  console.error('[imports] HONGLIN_TOKEN_SECRET is not set: imports are disabled')
  throw new AppError('INTERNAL', '导入功能未配置，请联系管理员')
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex')

export const importIdOf = (kind: string, scope: string, fileHash: string) => sha256(`${kind}:${scope}:${fileHash}`)

/** A header as typed: no spaces, no marks of "required", half-width brackets. */
export function normaliseHeader(text: string): string {
  return text
    .replace(/[\s\u3000*＊]/g, '')
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .toLowerCase()
}

/** A cell as the text a schema reads ('' when empty). */
function cellText(cell: ReadCell | undefined, date: boolean): string {
  if (cell === null || cell === undefined) return ''
  if (typeof cell === 'boolean') return cell ? '是' : '否'
  if (typeof cell === 'number') {
    if (date) return excelSerialToDay(cell) ?? String(cell)
    // Whole numbers as typed (a mobile or a room number stored as a number), not 1.38e10.
    return Number.isInteger(cell) ? cell.toFixed(0) : String(cell)
  }
  return cell.trim()
}

/** The header row (the first non-empty row) mapped to the adapter's columns; a missing required column refuses the file. */
function mapHeader(columns: ImportColumn[], header: ReadRow): Map<string, number> {
  const byText = new Map<string, string>()
  for (const c of columns) for (const h of [c.header, ...(c.aliases ?? [])]) byText.set(normaliseHeader(h), c.key)
  const at = new Map<string, number>()
  header.cells.forEach((cell, i) => {
    if (typeof cell !== 'string') return
    const key = byText.get(normaliseHeader(cell))
    if (key && !at.has(key)) at.set(key, i)
  })
  const missing = columns.filter((c) => c.required && !at.has(c.key)).map((c) => c.header)
  if (missing.length) throw invalid(`表格缺少列：${missing.join('、')}（第一行应为列名）`)
  return at
}

function firstMessage(error: { issues: { message: string }[] }): string {
  return error.issues[0]?.message ?? '内容不正确'
}

/** A refused row's text as a list may show it: any run of 7+ digits (a mobile, valid or not) masked like 138****1234. */
const maskDigits = (text: string) => text.replace(/\d{7,}/g, (m) => `${m.slice(0, 3)}****${m.slice(-4)}`)

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

function defaultDiff(existing: Record<string, unknown>, value: Record<string, unknown>): string[] {
  return Object.keys(value).filter((k) => !sameValue(existing[k] === '' ? null : existing[k], value[k] === '' ? null : value[k]))
}

/** The existing records by id: one `_.in` read per 100 ids, all at once. */
export async function loadById(collection: string, ids: string[]): Promise<Map<string, Record<string, unknown>>> {
  const _ = db().command
  const chunks: string[][] = []
  for (let i = 0; i < ids.length; i += LOAD_CHUNK) chunks.push(ids.slice(i, i + LOAD_CHUNK))
  const pages = await Promise.all(
    chunks.map((chunk) =>
      db()
        .collection(collection)
        .where({ _id: _.in(chunk) })
        .limit(LOAD_CHUNK)
        .get()
    )
  )
  const out = new Map<string, Record<string, unknown>>()
  for (const page of pages) for (const doc of page.data as Record<string, unknown>[]) out.set(doc._id as string, doc)
  return out
}

function decodeFile(base64: string): Buffer {
  const file = Buffer.from(base64, 'base64')
  if (file.length > XLSX_MAX_BYTES) throw invalid(IMPORT_FILE_TOO_LARGE)
  return file
}

async function compute<Row, V extends Record<string, unknown>, Ctx>(
  adapter: ImportAdapter<Row, V, Ctx>,
  input: ImportInput,
  caller: Caller
): Promise<{ computed: Computed<V>; ctx: Ctx; record: ImportRecord | null }> {
  const file = decodeFile(input.file)
  const fileHash = sha256(file)
  const sheet = readXlsx(file)
  if (sheet.length === 0) throw invalid('表格是空的')
  const [header, ...data] = sheet
  const at = mapHeader(adapter.columns, header)
  if (data.length === 0) throw invalid('表格除列名外没有数据')

  // Each row through its schema (the contracts' messages are the refusals).
  const parsed: ({ rowNo: number; row: Row } | { rowNo: number; refused: string; summary: string })[] = data.map((r) => {
    const raw: Record<string, string> = {}
    for (const c of adapter.columns) {
      const i = at.get(c.key)
      raw[c.key] = i === undefined ? '' : cellText(r.cells[i], !!c.date)
    }
    const result = adapter.rowSchema.safeParse(raw)
    if (result.success) return { rowNo: r.rowNo, row: result.data }
    const summary = Object.values(raw).filter(Boolean).slice(0, 2).join(' · ')
    return { rowNo: r.rowNo, refused: firstMessage(result.error), summary: maskDigits(summary) }
  })
  const good = parsed.flatMap((p) => ('row' in p ? [p.row] : []))
  const importIdFor = (hash: string) => importIdOf(input.kind, input.scope, hash)
  const importId = importIdFor(fileHash)
  const [ctx, records] = await Promise.all([
    adapter.prepare(caller, input.scope, good),
    db().collection(IMPORTS).where({ _id: importId }).limit(1).get()
  ])
  const record = ((records.data as ImportRecord[])[0] ?? null) as ImportRecord | null

  // Resolve, then refuse duplicates of the natural key (the first row keeps it).
  const firstRowOf = new Map<string, number>()
  const resolved = parsed.map((p) => {
    if (!('row' in p)) return { rowNo: p.rowNo, r: p as { refused: string; summary: string } }
    const r = adapter.resolve(p.row, ctx)
    if ('id' in r) {
      const first = firstRowOf.get(r.id)
      if (first !== undefined) return { rowNo: p.rowNo, r: { refused: `与第${first}行重复`, summary: r.summary } }
      firstRowOf.set(r.id, p.rowNo)
    }
    return { rowNo: p.rowNo, r }
  })
  const ids = [...firstRowOf.keys()]
  const existing = adapter.loadExisting ? await adapter.loadExisting(ids, ctx) : await loadById(adapter.collection, ids)

  const rows: ImportRow[] = []
  const counts: ImportCounts = { created: 0, changed: 0, unchanged: 0, refused: 0 }
  const apply: Computed<V>['apply'] = []
  for (const { rowNo, r } of resolved) {
    if (!('id' in r)) {
      counts.refused++
      rows.push({ rowNo, verdict: 'refused', reason: r.refused, summary: r.summary })
      continue
    }
    const old = existing.get(r.id)
    if (!old) {
      counts.created++
      rows.push({ rowNo, verdict: 'created', summary: r.summary })
      apply.push({ planned: r, created: true, fields: Object.keys(r.value) })
      continue
    }
    const fields = adapter.diff ? adapter.diff(old, r.value) : defaultDiff(old, r.value)
    if (fields.length === 0) {
      counts.unchanged++
      rows.push({ rowNo, verdict: 'unchanged', summary: r.summary })
    } else {
      counts.changed++
      rows.push({ rowNo, verdict: 'changed', fields: [...new Set(fields.map((f) => adapter.labels[f] ?? f))], summary: r.summary })
      apply.push({ planned: r, created: false, fields })
    }
  }
  // The verdicts (and the ids and values they would write) are what the token signs.
  const digest = sha256(JSON.stringify(rows.map((row, i) => [row.rowNo, IMPORT_VERDICTS.indexOf(row.verdict), row.reason ?? '', row.fields ?? [], i])) + JSON.stringify(apply.map((a) => [a.planned.id, a.planned.value])))
  const token = createHmac('sha256', secret()).update(`${fileHash}|${input.kind}|${input.scope}|${digest}`).digest('base64url')
  return {
    computed: { fileHash, importId, rows, counts, token, apply, scopeName: adapter.scopeName(ctx), communityId: adapter.communityId(ctx) },
    ctx,
    record
  }
}

const doneOf = (record: ImportRecord | null) =>
  record && record.status === 'done'
    ? { at: new Date(record.doneAt ?? record.startedAt).toISOString(), counts: record.counts, fileName: record.fileName, ...(record.byName ? { byName: record.byName } : {}) }
    : null

/** What the file would do; writes nothing. */
export async function previewImport<Row, V extends Record<string, unknown>, Ctx>(adapter: ImportAdapter<Row, V, Ctx>, input: ImportInput, caller: Caller): Promise<ImportPreviewOutput> {
  const { computed, record } = await compute(adapter, input, caller)
  return {
    kind: input.kind,
    scope: input.scope,
    scopeName: computed.scopeName,
    fileName: input.fileName,
    fileHash: computed.fileHash,
    counts: computed.counts,
    rows: computed.rows,
    previewToken: computed.token,
    imported: doneOf(record)
  }
}

const sameToken = (a: string, b: string) => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function already(record: ImportRecord): ImportConfirmOutput {
  return { importId: record._id, counts: record.counts, already: true, message: IMPORT_ALREADY, at: new Date(record.doneAt ?? record.startedAt).toISOString() }
}

/** Applies what the preview showed (see the file's comment). */
export async function confirmImport<Row, V extends Record<string, unknown>, Ctx>(
  adapter: ImportAdapter<Row, V, Ctx>,
  input: ImportInput & { previewToken: string },
  caller: Caller
): Promise<ImportConfirmOutput> {
  const { computed, ctx, record: found } = await compute(adapter, input, caller)
  let record = found
  if (record?.status === 'done') return already(record)
  if (!record) {
    if (!sameToken(computed.token, input.previewToken)) throw conflict(IMPORT_STALE)
    const doc: ImportRecord = {
      _id: computed.importId,
      kind: input.kind,
      scope: input.scope,
      communityId: computed.communityId,
      fileName: input.fileName,
      fileHash: computed.fileHash,
      status: 'applying',
      counts: computed.counts,
      previewToken: input.previewToken,
      by: caller.openid,
      ...(caller.user?.profile?.name ? { byName: caller.user.profile.name } : {}),
      startedAt: clock.date()
    }
    try {
      await db().collection(IMPORTS).add({ data: doc })
      record = doc
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
      // Another confirm of the same file got there first.
      const res = await db().collection(IMPORTS).doc(computed.importId).get()
      const other = res.data as ImportRecord
      if (other.status === 'done') return already(other)
      record = other
    }
  }
  // `applying`: this confirm, or the rerun of one cut short. A rerun carries the token the import was
  // confirmed with, or one from a preview made since (the page reloaded: that preview shows what is
  // left to write). The rows already written are `unchanged` now and are not written again.
  if (record === found && !sameToken(record.previewToken, input.previewToken) && !sameToken(computed.token, input.previewToken)) throw conflict(IMPORT_STALE)
  for (let i = 0; i < computed.apply.length; i += APPLY_CHUNK) {
    await adapter.apply(computed.apply.slice(i, i + APPLY_CHUNK), ctx, caller, record._id)
  }
  // Audited before it is marked done: a confirm cut short between the two is audited again by its
  // rerun rather than not at all.
  await audit(caller, {
    action: adapter.auditAction,
    target: { collection: IMPORTS, id: record._id, label: record.fileName },
    communityId: computed.communityId,
    detail: { kind: input.kind, scope: input.scope, fileName: record.fileName, fileHash: computed.fileHash, counts: record.counts }
  })
  const doneAt = clock.date()
  await db()
    .collection(IMPORTS)
    .where({ _id: record._id, status: 'applying' })
    .update({ data: { status: 'done', doneAt } })
  return { importId: record._id, counts: record.counts, already: false, message: '导入完成', at: doneAt.toISOString() }
}
