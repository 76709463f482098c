import { idSchema } from './common'
import { z } from './zod'

/*
 * Bulk import of the rosters staff keep in Excel (docs/back-office.md §5). There is no import
 * function: the domain function owns its writes — `members.importPreview/importConfirm` (kinds
 * `members`, `residents`) and `teams.importPreview/importConfirm` (kind `teamMembers`).
 *
 * Preview writes nothing: it reads the file and the records it would touch, and answers each row's
 * verdict with a `previewToken` (a signature over the file, the kind, the scope and the verdicts).
 * Confirm recomputes the preview; a different token is CONFLICT 数据已变化，请重新预览. One file is
 * imported once per kind and scope (此文件已导入).
 */

export const IMPORT_KINDS = ['members', 'residents', 'teamMembers'] as const
export type ImportKind = (typeof IMPORT_KINDS)[number]
export const IMPORT_KIND_LABELS: Record<ImportKind, string> = {
  members: '在职党员名册',
  residents: '楼栋住户',
  teamMembers: '志愿队成员'
}
/** What `scope` names for each kind. */
export const IMPORT_SCOPE_LABELS: Record<ImportKind, string> = { members: '社区', residents: '社区', teamMembers: '队伍' }

export const IMPORT_VERDICTS = ['created', 'changed', 'unchanged', 'refused'] as const
export type ImportVerdict = (typeof IMPORT_VERDICTS)[number]
export const IMPORT_VERDICT_LABELS: Record<ImportVerdict, string> = { created: '新增', changed: '修改', unchanged: '不变', refused: '拒绝' }

/** 1.4 MB of file is at most this much base64 (under the emulator's 2 MB body and SCF's 6 MB event). */
export const IMPORT_FILE_MAX_BYTES = 1_400_000
export const IMPORT_FILE_MAX_BASE64 = Math.ceil(IMPORT_FILE_MAX_BYTES / 3) * 4
export const IMPORT_FILE_TOO_LARGE = '文件不能超过1.4MB'
export const IMPORT_ALREADY = '此文件已导入'
export const IMPORT_STALE = '数据已变化，请重新预览'

export const importFileSchema = z
  .string({ message: '请选择要导入的文件' })
  .min(1, '请选择要导入的文件')
  .max(IMPORT_FILE_MAX_BASE64, IMPORT_FILE_TOO_LARGE)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, '文件内容无效，请重新选择文件')

export const importFileNameSchema = z.string({ message: '请选择要导入的文件' }).trim().min(1, '请选择要导入的文件').max(120, '文件名不能超过120个字')

/** Preview input of the kinds one function owns. */
export function importPreviewInputOf<K extends ImportKind>(kinds: readonly [K, ...K[]]) {
  return z.object({
    kind: z.enum(kinds, { message: '请选择导入类型' }),
    /** The community (members, residents) or the team (teamMembers) imported into. */
    scope: idSchema.refine((s) => /^[A-Za-z0-9_-]+$/.test(s), '请选择导入范围'),
    fileName: importFileNameSchema,
    /** The .xlsx file, base64. */
    file: importFileSchema
  })
}
export function importConfirmInputOf<K extends ImportKind>(kinds: readonly [K, ...K[]]) {
  return importPreviewInputOf(kinds).extend({ previewToken: z.string({ message: '请先预览' }).min(1, '请先预览').max(200, '请重新预览') })
}

export const importCountsSchema = z.object({ created: z.number().int(), changed: z.number().int(), unchanged: z.number().int(), refused: z.number().int() })
export type ImportCounts = z.infer<typeof importCountsSchema>

export const importRowSchema = z.object({
  /** The row's number in the sheet (the header is row 1 in a usual file). */
  rowNo: z.number().int(),
  verdict: z.enum(IMPORT_VERDICTS),
  /** Why a row is refused, in Chinese. */
  reason: z.string().optional(),
  /** What a changed row changes (the columns' Chinese headers). */
  fields: z.array(z.string()).optional(),
  /** The row as a list shows it (mobiles masked: 138****1234). */
  summary: z.string()
})
export type ImportRow = z.infer<typeof importRowSchema>

/** A finished import of the same file (kind, scope), when there is one. */
export const importDoneSchema = z.object({ at: z.string(), counts: importCountsSchema, fileName: z.string(), byName: z.string().optional() })

export const importPreviewOutput = z.object({
  kind: z.enum(IMPORT_KINDS),
  scope: z.string(),
  scopeName: z.string(),
  fileName: z.string(),
  /** sha256 of the file, hex. */
  fileHash: z.string(),
  counts: importCountsSchema,
  rows: z.array(importRowSchema),
  previewToken: z.string(),
  /** This file was imported already (confirming it again changes nothing): 此文件已导入. */
  imported: importDoneSchema.nullable()
})
export type ImportPreviewOutput = z.infer<typeof importPreviewOutput>

export const importConfirmOutput = z.object({
  importId: z.string(),
  counts: importCountsSchema,
  /** true: this file had been imported before; nothing was changed now. */
  already: z.boolean(),
  /** 导入完成 or 此文件已导入. */
  message: z.string(),
  at: z.string()
})
export type ImportConfirmOutput = z.infer<typeof importConfirmOutput>

/** The columns of each kind's workbook (the first of each list is the header the template uses). */
export const IMPORT_TEMPLATE_HEADERS: Record<ImportKind, string[]> = {
  members: ['姓名', '手机号', '工作单位', '所在党组织', '小区（网格）', '楼栋', '单元', '门牌号'],
  residents: ['小区（网格）', '楼栋', '单元', '门牌号', '姓名', '手机号'],
  teamMembers: ['志愿者编号', '姓名']
}
