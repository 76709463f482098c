/**
 * A small .xlsx reader for the roster imports (docs/back-office.md §5), the mirror of the writer in
 * ./index.ts: the zip's central directory and `zlib.inflateRawSync`, then the first worksheet with
 * its shared strings. Cells come back as text, numbers and booleans; a date is the 1900-system
 * serial Excel stores (`excelSerialToDay` converts it, only in the columns that hold dates).
 *
 * Hostile files are refused before they cost much: a file over 1.4 MB, more than 200 zip entries,
 * more than 20 MB inflated (a zip bomb stops at the limit, not after it), more than 2,000 data
 * rows, any DOCTYPE or ENTITY declaration (no entity expansion), an old .xls or an encrypted
 * workbook (both OLE compound files). Every refusal is INVALID_INPUT with a Chinese message.
 */
import { inflateRawSync } from 'node:zlib'
import { invalid } from '../core/errors'

export const XLSX_MAX_BYTES = 1_400_000
export const XLSX_MAX_ROWS = 2000
export const XLSX_MAX_INFLATED = 20 * 1024 * 1024
export const XLSX_MAX_ENTRIES = 200
/** Columns past this one are ignored (an import reads a dozen). */
export const XLSX_MAX_COLUMNS = 100

export const XLSX_MESSAGES = {
  tooLarge: '文件不能超过1.4MB',
  empty: '文件为空',
  xls: '请在 Excel 中另存为 .xlsx 后再导入',
  encrypted: '文件已加密，请取消密码后再导入',
  notXlsx: '文件不是有效的 .xlsx 表格',
  tooManyEntries: '文件结构异常（内容条目过多）',
  tooLargeInflated: '文件内容过大（解压后超过20MB）',
  doctype: '文件包含不允许的 DOCTYPE/ENTITY 声明',
  tooManyRows: `表格不能超过${XLSX_MAX_ROWS}行数据`,
  noSheet: '文件中没有工作表'
} as const

export type ReadCell = string | number | boolean | null

export interface ReadRow {
  /** The row's number in the sheet (1 = the first row). */
  rowNo: number
  /** By column, 0 = A; absent cells are null. */
  cells: ReadCell[]
}

const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])
/** An encrypted OOXML file is an OLE file with this stream (its name in UTF-16LE). */
const ENCRYPTED_PACKAGE = Buffer.from('EncryptedPackage', 'utf16le')

interface CentralEntry {
  name: string
  flags: number
  method: number
  compressedSize: number
  size: number
  offset: number
}

function centralDirectory(file: Buffer): CentralEntry[] {
  // The end of central directory record: 22 bytes plus a comment of at most 65,535.
  let end = -1
  for (let i = file.length - 22; i >= Math.max(0, file.length - 22 - 65535); i--) {
    if (file.readUInt32LE(i) === 0x06054b50) {
      end = i
      break
    }
  }
  if (end < 0) throw invalid(XLSX_MESSAGES.notXlsx)
  const count = file.readUInt16LE(end + 10)
  if (count > XLSX_MAX_ENTRIES) throw invalid(XLSX_MESSAGES.tooManyEntries)
  let at = file.readUInt32LE(end + 16)
  const entries: CentralEntry[] = []
  for (let n = 0; n < count; n++) {
    if (at + 46 > file.length || file.readUInt32LE(at) !== 0x02014b50) throw invalid(XLSX_MESSAGES.notXlsx)
    const nameLength = file.readUInt16LE(at + 28)
    const extraLength = file.readUInt16LE(at + 30)
    const commentLength = file.readUInt16LE(at + 32)
    entries.push({
      flags: file.readUInt16LE(at + 8),
      method: file.readUInt16LE(at + 10),
      compressedSize: file.readUInt32LE(at + 20),
      size: file.readUInt32LE(at + 24),
      offset: file.readUInt32LE(at + 42),
      name: file.toString('utf8', at + 46, at + 46 + nameLength)
    })
    at += 46 + nameLength + extraLength + commentLength
  }
  return entries
}

class Archive {
  private inflated = 0
  private readonly byName = new Map<string, CentralEntry>()
  constructor(private readonly file: Buffer) {
    for (const entry of centralDirectory(file)) {
      if (entry.flags & 1) throw invalid(XLSX_MESSAGES.encrypted)
      this.byName.set(entry.name.replace(/^\/+/, ''), entry)
    }
  }

  has(name: string): boolean {
    return this.byName.has(name)
  }

  /** The entry's text, or null when absent; inflating counts against the 20 MB budget. */
  text(name: string): string | null {
    const entry = this.byName.get(name)
    if (!entry) return null
    const file = this.file
    const at = entry.offset
    if (at + 30 > file.length || file.readUInt32LE(at) !== 0x04034b50) throw invalid(XLSX_MESSAGES.notXlsx)
    const start = at + 30 + file.readUInt16LE(at + 26) + file.readUInt16LE(at + 28)
    const raw = file.subarray(start, start + entry.compressedSize)
    if (raw.length !== entry.compressedSize) throw invalid(XLSX_MESSAGES.notXlsx)
    const budget = XLSX_MAX_INFLATED - this.inflated
    let data: Buffer
    if (entry.method === 0) {
      data = raw
    } else if (entry.method === 8) {
      try {
        // One byte over the budget tells "too large" from "exactly the budget".
        data = inflateRawSync(raw, { maxOutputLength: budget + 1 })
      } catch (error) {
        if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) throw invalid(XLSX_MESSAGES.tooLargeInflated)
        throw invalid(XLSX_MESSAGES.notXlsx)
      }
    } else {
      throw invalid(XLSX_MESSAGES.notXlsx)
    }
    this.inflated += data.length
    if (this.inflated > XLSX_MAX_INFLATED) throw invalid(XLSX_MESSAGES.tooLargeInflated)
    const text = data.toString('utf8')
    if (/<!(DOCTYPE|ENTITY)/i.test(text)) throw invalid(XLSX_MESSAGES.doctype)
    return text
  }
}

// ------------------------------------------------------------------ XML by a small tag scanner

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

export function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10)
      return Number.isFinite(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ''
    }
    return NAMED[ref] ?? whole
  })
}

/** An attribute of a start tag's attribute text (any namespace prefix on its name ignored). */
function attr(attrs: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)(?:[\\w.-]+:)?${name}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(attrs)
  return m ? decodeXml(m[2] ?? m[3]) : undefined
}

/** A start tag longer than this is not SpreadsheetML (and would make attribute matching slow). */
const MAX_START_TAG = 4096

interface XmlElement {
  attrs: string
  /** null: an empty element (`<x/>`). */
  body: string | null
  start: number
  end: number
}

/** The namespace prefix of a part's root element ('x:' in `<x:worksheet …>`, else ''). */
function prefixOf(xml: string): string {
  let i = xml.indexOf('<')
  while (i >= 0 && (xml[i + 1] === '?' || xml[i + 1] === '!')) i = xml.indexOf('<', i + 1)
  if (i < 0) return ''
  const m = /^<([\w.-]+:)?[\w.-]+/.exec(xml.slice(i, i + 200))
  return m?.[1] ?? ''
}

/**
 * The elements `<prefix+local …>` in xml[from, to), by indexOf: a linear scan, so a hostile part
 * (unclosed tags, nothing but `<row`) costs one pass, not a backtracking regex's square. Elements
 * of one name do not nest in the parts read here. An unclosed element refuses the file.
 */
function* elements(xml: string, prefix: string, local: string, from = 0, to = xml.length): Generator<XmlElement> {
  const open = `<${prefix}${local}`
  const close = `</${prefix}${local}>`
  let i = xml.indexOf(open, from)
  while (i >= 0 && i < to) {
    const after = xml.charCodeAt(i + open.length)
    // Not `<rowBreaks` when looking for `<row`, nor `<rPh` for `<r`: a name ends at space, `>` or `/`.
    if (!(after === 32 || after === 9 || after === 10 || after === 13 || after === 62 || after === 47)) {
      i = xml.indexOf(open, i + 1)
      continue
    }
    const gt = xml.indexOf('>', i)
    if (gt < 0 || gt >= to || gt - i > MAX_START_TAG) throw invalid(XLSX_MESSAGES.notXlsx)
    const attrs = xml.slice(i + open.length, gt)
    let body: string | null = null
    let end = gt + 1
    if (!attrs.endsWith('/')) {
      const c = xml.indexOf(close, gt + 1)
      if (c < 0 || c + close.length > to) throw invalid(XLSX_MESSAGES.notXlsx)
      body = xml.slice(gt + 1, c)
      end = c + close.length
    }
    yield { attrs: body === null ? attrs.slice(0, -1) : attrs, body, start: i, end }
    i = xml.indexOf(open, end)
  }
}

const first = (xml: string, prefix: string, local: string) => elements(xml, prefix, local).next().value as XmlElement | undefined

/** The text of a string item (`<si>` / `<is>`): its `<t>` runs, without phonetic (`<rPh>`) runs. */
function itemText(xml: string, prefix: string): string {
  const skip = [...elements(xml, prefix, 'rPh')]
  let out = ''
  // Both lists come in document order and neither nests in itself: one pointer walks the phonetic
  // runs alongside the text runs (a test over each pair would cost #t × #rPh on a hostile item).
  let k = 0
  for (const t of elements(xml, prefix, 't')) {
    while (k < skip.length && skip[k].end < t.end) k++
    const phonetic = k < skip.length && t.start > skip[k].start && t.end <= skip[k].end
    if (t.body && !phonetic) out += decodeXml(t.body)
  }
  return out
}

function sharedStrings(xml: string | null): string[] {
  if (!xml) return []
  const prefix = prefixOf(xml)
  const list: string[] = []
  for (const si of elements(xml, prefix, 'si')) list.push(si.body ? itemText(si.body, prefix) : '')
  return list
}

/** The first worksheet's part name (by the workbook's first `<sheet>` and its relationship). */
function firstSheetPath(archive: Archive): string {
  const workbook = archive.text('xl/workbook.xml')
  const rels = archive.text('xl/_rels/workbook.xml.rels')
  if (workbook && rels) {
    const sheet = first(workbook, prefixOf(workbook), 'sheet')
    const rid = sheet ? attr(sheet.attrs, 'id') : undefined
    if (rid) {
      for (const rel of elements(rels, prefixOf(rels), 'Relationship')) {
        if (attr(rel.attrs, 'Id') !== rid) continue
        const target = attr(rel.attrs, 'Target') ?? ''
        const path = target.startsWith('/') ? target.slice(1) : `xl/${target}`.replace(/\/\.\//g, '/')
        if (archive.has(path)) return path
      }
    }
  }
  if (archive.has('xl/worksheets/sheet1.xml')) return 'xl/worksheets/sheet1.xml'
  throw invalid(XLSX_MESSAGES.noSheet)
}

function columnIndex(ref: string): number {
  let col = 0
  for (const ch of ref.toUpperCase()) {
    const code = ch.charCodeAt(0)
    if (code < 65 || code > 90) break
    col = col * 26 + code - 64
  }
  return col - 1
}

function cellValue(type: string | undefined, body: string, strings: string[], prefix: string): ReadCell {
  if (type === 'inlineStr') {
    const is = first(body, prefix, 'is')
    return is?.body ? itemText(is.body, prefix) : null
  }
  const v = first(body, prefix, 'v')
  if (!v?.body) return null
  const raw = decodeXml(v.body)
  switch (type) {
    case 's':
      return strings[Number(raw)] ?? null
    case 'b':
      return raw === '1' || raw === 'true'
    case 'str':
      return raw
    case 'e':
      return null
    default: {
      const n = Number(raw)
      return raw.trim() !== '' && Number.isFinite(n) ? n : raw
    }
  }
}

function sheetRows(xml: string, strings: string[]): ReadRow[] {
  const prefix = prefixOf(xml)
  const data = first(xml, prefix, 'sheetData')
  if (!data?.body) return []
  const rows: ReadRow[] = []
  let nextRow = 1
  for (const row of elements(data.body, prefix, 'row')) {
    const r = Number(attr(row.attrs, 'r'))
    const rowNo = Number.isInteger(r) && r > 0 ? r : nextRow
    nextRow = rowNo + 1
    if (!row.body) continue
    const cells: ReadCell[] = []
    let nextCol = 0
    let any = false
    for (const c of elements(row.body, prefix, 'c')) {
      const ref = attr(c.attrs, 'r')
      const col = ref ? columnIndex(ref) : nextCol
      nextCol = col + 1
      if (col < 0 || col >= XLSX_MAX_COLUMNS || !c.body) continue
      const value = cellValue(attr(c.attrs, 't'), c.body, strings, prefix)
      if (value === null || value === '') continue
      while (cells.length < col) cells.push(null)
      cells[col] = value
      any = true
    }
    if (!any) continue
    rows.push({ rowNo, cells })
    // The header and XLSX_MAX_ROWS rows of data.
    if (rows.length > XLSX_MAX_ROWS + 1) throw invalid(XLSX_MESSAGES.tooManyRows)
  }
  return rows
}

/**
 * The first worksheet's non-empty rows, in sheet order. `file` is the .xlsx as uploaded; anything
 * else (or anything too large) is refused with INVALID_INPUT and a Chinese message.
 */
export function readXlsx(file: Buffer): ReadRow[] {
  if (file.length === 0) throw invalid(XLSX_MESSAGES.empty)
  if (file.length > XLSX_MAX_BYTES) throw invalid(XLSX_MESSAGES.tooLarge)
  if (file.length >= 8 && file.subarray(0, 8).equals(OLE_MAGIC)) {
    throw invalid(file.includes(ENCRYPTED_PACKAGE) ? XLSX_MESSAGES.encrypted : XLSX_MESSAGES.xls)
  }
  if (file.length < 22 || file.readUInt32LE(0) !== 0x04034b50) throw invalid(XLSX_MESSAGES.notXlsx)
  const archive = new Archive(file)
  const path = firstSheetPath(archive)
  const strings = sharedStrings(archive.text('xl/sharedStrings.xml'))
  return sheetRows(archive.text(path) ?? '', strings)
}

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30)
const DAY_MS = 86_400_000

/**
 * A 1900-system date serial as "YYYY-MM-DD" (the time of day dropped), or null when it is not one.
 * Serials from 61 on are right (Excel's 1900 leap-year bug sits before 1900-03-01).
 */
export function excelSerialToDay(serial: number): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial >= 2958466) return null
  return new Date(EXCEL_EPOCH_MS + Math.floor(serial) * DAY_MS).toISOString().slice(0, 10)
}
