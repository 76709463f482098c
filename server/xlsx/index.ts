/**
 * A small .xlsx writer for the exports (members, centre utilisation, the work report), in place of
 * exceljs, which made each of those bundles ~2 MB. It has the subset of exceljs' workbook API those
 * callers use, with the same meaning: sheets, columns (header, key, width), rows from arrays or from
 * objects by column key, fonts, solid fills, alignment, merged cells, frozen panes, number, text,
 * boolean and date cells. The file is the minimal SpreadsheetML package Excel, WPS and exceljs open:
 * [Content_Types].xml, _rels/.rels, docProps/core.xml, xl/workbook.xml and its rels, xl/styles.xml,
 * xl/sharedStrings.xml and one xl/worksheets/sheetN.xml per sheet. There is no theme part, so
 * nothing refers to theme colours or fonts.
 */
import { zip } from './zip'

export interface Color {
  /** Alpha, red, green, blue in hex: 'FFC8161D'. */
  argb: string
}
export interface Font {
  bold?: boolean
  italic?: boolean
  size?: number
  color?: Color
  name?: string
}
export interface Fill {
  type: 'pattern'
  pattern: 'solid'
  fgColor: Color
}
export interface Alignment {
  horizontal?: 'left' | 'center' | 'right'
  vertical?: 'top' | 'middle' | 'bottom'
  wrapText?: boolean
}
export type CellValue = string | number | boolean | Date | null | undefined
export interface Column {
  header?: string
  key?: string
  width?: number
}
export interface WorksheetView {
  state: 'frozen'
  /** Columns left of the split stay in view. */
  xSplit?: number
  /** Rows above the split stay in view. */
  ySplit?: number
}

interface Style {
  font?: Font
  fill?: Fill
  alignment?: Alignment
  numFmt?: string
}

/** Excel's limits on a sheet name. */
const SHEET_NAME_MAX = 31
const SHEET_NAME_FORBIDDEN = /[\\/?*:[\]]/

export function columnName(n: number): string {
  let name = ''
  for (let c = n; c > 0; c = Math.floor((c - 1) / 26)) name = String.fromCharCode(65 + ((c - 1) % 26)) + name
  return name
}

function parseAddress(address: string): { row: number; col: number } {
  const m = /^\$?([A-Z]{1,3})\$?(\d+)$/i.exec(address.trim())
  if (!m) throw new Error(`xlsx: not a cell address: ${address}`)
  let col = 0
  for (const ch of m[1].toUpperCase()) col = col * 26 + ch.charCodeAt(0) - 64
  return { row: Number(m[2]), col }
}

export class Cell {
  value: CellValue = null
  font?: Font
  fill?: Fill
  alignment?: Alignment
  /** A number format ('0.0%', 'yyyy-mm-dd'); dates without one are shown as DATE_FORMAT. */
  numFmt?: string
  constructor(
    readonly row: number,
    readonly col: number,
    style: Style
  ) {
    Object.assign(this, style)
  }
  get address(): string {
    return `${columnName(this.col)}${this.row}`
  }
}

export class Row {
  /** By column number (1 = A). */
  readonly cells: Cell[] = []
  private readonly style: Style = {}
  constructor(
    readonly number: number,
    private readonly sheet: Worksheet
  ) {}

  /** A cell by column number, column letter or column key; created when absent. */
  getCell(ref: number | string): Cell {
    const col = typeof ref === 'number' ? ref : this.sheet.columnOf(ref)
    if (!Number.isInteger(col) || col < 1 || col > 16384) throw new Error(`xlsx: no column ${ref}`)
    return (this.cells[col] ??= new Cell(this.number, col, { ...this.style }))
  }

  /** Like exceljs: the style goes to the row's cells that hold a value, and to cells made later. */
  set font(font: Font) {
    this.setStyle('font', font)
  }
  set fill(fill: Fill) {
    this.setStyle('fill', fill)
  }
  set alignment(alignment: Alignment) {
    this.setStyle('alignment', alignment)
  }

  private setStyle<K extends 'font' | 'fill' | 'alignment'>(key: K, value: Style[K]) {
    this.style[key] = value
    for (const cell of this.cells) if (cell && cell.value !== null && cell.value !== undefined) cell[key] = value as Cell[K]
  }
}

export class Worksheet {
  views: WorksheetView[] = []
  readonly merges: string[] = []
  private readonly rows: Row[] = []
  private cols: Column[] = []

  constructor(readonly name: string) {}

  get columns(): Column[] {
    return this.cols
  }
  /** Sets widths and keys; when any column has a header, row 1 holds the headers. */
  set columns(columns: Column[]) {
    this.cols = columns.map((c) => ({ ...c }))
    if (columns.some((c) => c.header !== undefined)) {
      const row = this.getRow(1)
      columns.forEach((c, i) => (row.getCell(i + 1).value = c.header ?? null))
    }
  }

  /** The column number of a key (sheet.columns) or of a column letter. */
  columnOf(ref: string): number {
    const byKey = this.cols.findIndex((c) => c.key === ref)
    if (byKey >= 0) return byKey + 1
    if (/^[A-Z]{1,3}$/i.test(ref)) return parseAddress(`${ref}1`).col
    throw new Error(`xlsx: sheet ${this.name} has no column ${ref}`)
  }

  /** The last row number (rows added empty count: addRow([]) leaves a blank line). */
  get rowCount(): number {
    return this.rows.length === 0 ? 0 : this.rows.length - 1
  }

  getRow(n: number): Row {
    if (!Number.isInteger(n) || n < 1 || n > 1_048_576) throw new Error(`xlsx: no row ${n}`)
    for (let i = this.rows.length; i <= n; i++) if (i > 0) this.rows[i] = new Row(i, this)
    return this.rows[n]
  }

  getCell(address: string): Cell {
    const { row, col } = parseAddress(address)
    return this.getRow(row).getCell(col)
  }

  /** Appends a row: an array fills columns A, B, …; an object fills the columns by key. */
  addRow(values: CellValue[] | Record<string, CellValue>): Row {
    const row = this.getRow(this.rowCount + 1)
    if (Array.isArray(values)) {
      values.forEach((v, i) => {
        if (v !== undefined && v !== null) row.getCell(i + 1).value = v
      })
    } else {
      this.cols.forEach((c, i) => {
        const v = c.key === undefined ? undefined : values[c.key]
        if (v !== undefined && v !== null) row.getCell(i + 1).value = v
      })
    }
    return row
  }

  /** Merges a range ('A1:B1'); the top-left cell's value shows. */
  mergeCells(range: string): void {
    const [from, to = from] = range.split(':')
    const a = parseAddress(from)
    const b = parseAddress(to)
    const box = { top: Math.min(a.row, b.row), left: Math.min(a.col, b.col), bottom: Math.max(a.row, b.row), right: Math.max(a.col, b.col) }
    for (const other of this.merges.map((m) => m.split(':').map(parseAddress))) {
      const overlaps = box.left <= other[1].col && other[0].col <= box.right && box.top <= other[1].row && other[0].row <= box.bottom
      if (overlaps) throw new Error(`xlsx: ${range} overlaps a merged range in ${this.name}`)
    }
    this.merges.push(`${columnName(box.left)}${box.top}:${columnName(box.right)}${box.bottom}`)
  }

  /** The sheet's rows, for the writer. */
  eachRow(visit: (row: Row) => void): void {
    for (const row of this.rows) if (row) visit(row)
  }
}

/** How a date cell without its own numFmt is shown (the cell holds the instant, in UTC). */
export const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss'

export class Workbook {
  creator = ''
  title = ''
  created = new Date()
  readonly worksheets: Worksheet[] = []
  /** exceljs' spelling: `await workbook.xlsx.writeBuffer()`. */
  readonly xlsx = { writeBuffer: async (): Promise<Buffer> => this.toBuffer() }

  addWorksheet(name: string): Worksheet {
    if (!name.trim() || name.length > SHEET_NAME_MAX || SHEET_NAME_FORBIDDEN.test(name) || /^'|'$/.test(name)) {
      throw new Error(`xlsx: "${name}" cannot be a sheet name (1–31 characters, none of \\ / ? * : [ ], not starting or ending with ')`)
    }
    if (this.worksheets.some((s) => s.name.toLowerCase() === name.toLowerCase())) throw new Error(`xlsx: a sheet is already named "${name}"`)
    const sheet = new Worksheet(name)
    this.worksheets.push(sheet)
    return sheet
  }

  getWorksheet(name: string): Worksheet | undefined {
    return this.worksheets.find((s) => s.name === name)
  }

  toBuffer(): Buffer {
    if (this.worksheets.length === 0) throw new Error('xlsx: a workbook needs at least one sheet')
    const created = Number.isNaN(this.created.getTime()) ? new Date() : this.created
    const strings = new SharedStrings()
    const styles = new Styles()
    const sheets = this.worksheets.map((sheet) => sheetXml(sheet, strings, styles))
    const n = this.worksheets.length
    const parts: [string, string][] = [
      [
        '[Content_Types].xml',
        `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${sheets.map((_s, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('')}<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>`
      ],
      [
        '_rels/.rels',
        `<Relationships xmlns="${RELS}"><Relationship Id="rId1" Type="${DOC_RELS}/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`
      ],
      ['docProps/core.xml', coreXml(this, created)],
      [
        'xl/workbook.xml',
        `<workbook xmlns="${MAIN}" xmlns:r="${DOC_RELS}"><bookViews><workbookView activeTab="0"/></bookViews><sheets>${this.worksheets.map((s, i) => `<sheet name="${escapeAttr(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')}</sheets></workbook>`
      ],
      [
        'xl/_rels/workbook.xml.rels',
        `<Relationships xmlns="${RELS}">${sheets.map((_s, i) => `<Relationship Id="rId${i + 1}" Type="${DOC_RELS}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('')}<Relationship Id="rId${n + 1}" Type="${DOC_RELS}/styles" Target="styles.xml"/><Relationship Id="rId${n + 2}" Type="${DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`
      ],
      ...sheets.map((xml, i): [string, string] => [`xl/worksheets/sheet${i + 1}.xml`, xml]),
      ['xl/styles.xml', styles.xml()],
      ['xl/sharedStrings.xml', strings.xml()]
    ]
    return zip(
      parts.map(([name, xml]) => ({ name, data: Buffer.from(XML_DECLARATION + xml, 'utf8') })),
      created
    )
  }
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
const RELS = 'http://schemas.openxmlformats.org/package/2006/relationships'
const DOC_RELS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'

/**
 * Text for XML: markup escaped; characters XML 1.0 cannot hold (control characters, lone
 * surrogates) and carriage returns (a parser turns them into line feeds) written as Excel's `_xHHHH_`, and a literal `_xHHHH_` protected as `_x005F_xHHHH_`
 * so Excel (and exceljs) read back the same text.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/_(x[0-9a-fA-F]{4}_)/g, '_x005F_$1')
    .replace(/[\0-\x08\x0b-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (ch) => `_x${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`)
    .replace(/[&<>"]/g, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : '&quot;'))
}

/** An attribute value (sheet names, font names, number formats): markup only. */
const escapeAttr = (text: string) => text.replace(/[&<>"]/g, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : '&quot;'))

const isoSeconds = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, 'Z')

function coreXml(wb: Workbook, created: Date): string {
  const when = isoSeconds(created)
  return (
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    (wb.title ? `<dc:title>${escapeXml(wb.title)}</dc:title>` : '') +
    (wb.creator ? `<dc:creator>${escapeXml(wb.creator)}</dc:creator>` : '') +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${when}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${when}</dcterms:modified></cp:coreProperties>`
  )
}

class SharedStrings {
  private readonly index = new Map<string, number>()
  private readonly list: string[] = []
  private count = 0
  add(text: string): number {
    this.count++
    let i = this.index.get(text)
    if (i === undefined) {
      i = this.list.push(text) - 1
      this.index.set(text, i)
    }
    return i
  }
  xml(): string {
    const items = this.list.map((s) => `<si><t${/^\s|\s$/.test(s) ? ' xml:space="preserve"' : ''}>${escapeXml(s)}</t></si>`)
    return `<sst xmlns="${MAIN}" count="${this.count}" uniqueCount="${this.list.length}">${items.join('')}</sst>`
  }
}

/** Fonts, fills, number formats and the cell formats (xf) that combine them, each written once. */
class Styles {
  private readonly fonts = new Map<string, number>([['{}', 0]])
  private readonly fontXml = [fontXml({})]
  private readonly fills = new Map<string, number>()
  private readonly fillXml = ['<fill><patternFill patternType="none"/></fill>', '<fill><patternFill patternType="gray125"/></fill>']
  private readonly numFmts = new Map<string, number>()
  private readonly xfs = new Map<string, number>([['0|0|0|', 0]])
  private readonly xfXml = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']

  /** The `s` index of a cell's style (0: none). */
  of(cell: Cell, isDate: boolean): number {
    const numFmt = cell.numFmt ?? (isDate ? DATE_FORMAT : undefined)
    if (!cell.font && !cell.fill && !cell.alignment && numFmt === undefined) return 0
    const fontId = cell.font ? this.idOf(this.fonts, this.fontXml, JSON.stringify(cell.font), () => fontXml(cell.font!)) : 0
    const fillId = cell.fill ? this.idOf(this.fills, this.fillXml, cell.fill.fgColor.argb, () => fillXml(cell.fill!)) : 0
    let numFmtId = 0
    if (numFmt !== undefined) {
      numFmtId = this.numFmts.get(numFmt) ?? 164 + this.numFmts.size
      this.numFmts.set(numFmt, numFmtId)
    }
    const align = cell.alignment ? alignmentXml(cell.alignment) : ''
    const key = `${numFmtId}|${fontId}|${fillId}|${align}`
    let id = this.xfs.get(key)
    if (id === undefined) {
      id = this.xfXml.length
      const applies = `${numFmtId ? ' applyNumberFormat="1"' : ''}${fontId ? ' applyFont="1"' : ''}${fillId ? ' applyFill="1"' : ''}${align ? ' applyAlignment="1"' : ''}`
      const attrs = `numFmtId="${numFmtId}" fontId="${fontId}" fillId="${fillId}" borderId="0" xfId="0"${applies}`
      this.xfXml.push(align ? `<xf ${attrs}>${align}</xf>` : `<xf ${attrs}/>`)
      this.xfs.set(key, id)
    }
    return id
  }

  private idOf(ids: Map<string, number>, xml: string[], key: string, make: () => string): number {
    let id = ids.get(key)
    if (id === undefined) {
      id = xml.push(make()) - 1
      ids.set(key, id)
    }
    return id
  }

  xml(): string {
    const numFmts = [...this.numFmts].map(([code, id]) => `<numFmt numFmtId="${id}" formatCode="${escapeAttr(code)}"/>`)
    return (
      `<styleSheet xmlns="${MAIN}">` +
      (numFmts.length ? `<numFmts count="${numFmts.length}">${numFmts.join('')}</numFmts>` : '') +
      `<fonts count="${this.fontXml.length}">${this.fontXml.join('')}</fonts>` +
      `<fills count="${this.fillXml.length}">${this.fillXml.join('')}</fills>` +
      '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
      `<cellXfs count="${this.xfXml.length}">${this.xfXml.join('')}</cellXfs>` +
      '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
      '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/></styleSheet>'
    )
  }
}

const argb = (color: Color) => {
  const hex = color.argb.replace(/^#/, '').toUpperCase()
  if (!/^([0-9A-F]{6}|[0-9A-F]{8})$/.test(hex)) throw new Error(`xlsx: not a colour: ${color.argb}`)
  return hex.length === 6 ? `FF${hex}` : hex
}

function fontXml(font: Font): string {
  return (
    '<font>' +
    (font.bold ? '<b/>' : '') +
    (font.italic ? '<i/>' : '') +
    `<sz val="${font.size ?? 11}"/>` +
    (font.color ? `<color rgb="${argb(font.color)}"/>` : '') +
    `<name val="${escapeAttr(font.name ?? 'Calibri')}"/><family val="2"/></font>`
  )
}

const fillXml = (fill: Fill) => `<fill><patternFill patternType="solid"><fgColor rgb="${argb(fill.fgColor)}"/><bgColor indexed="64"/></patternFill></fill>`

function alignmentXml(a: Alignment): string {
  const attrs = [
    a.horizontal ? ` horizontal="${a.horizontal}"` : '',
    a.vertical ? ` vertical="${a.vertical === 'middle' ? 'center' : a.vertical}"` : '',
    a.wrapText ? ' wrapText="1"' : ''
  ].join('')
  return attrs ? `<alignment${attrs}/>` : ''
}

/** Excel's serial day number (1900 date system) of an instant, in UTC. */
export const excelSerial = (at: Date) => at.getTime() / 86_400_000 + 25_569

function cellXml(cell: Cell, strings: SharedStrings, styles: Styles): string {
  const v = cell.value
  const isDate = v instanceof Date
  const s = styles.of(cell, isDate)
  const attrs = `r="${cell.address}"${s ? ` s="${s}"` : ''}`
  if (v === null || v === undefined) return s ? `<c ${attrs}/>` : ''
  if (typeof v === 'number') return Number.isFinite(v) ? `<c ${attrs}><v>${v}</v></c>` : `<c ${attrs} t="s"><v>${strings.add(String(v))}</v></c>`
  if (typeof v === 'boolean') return `<c ${attrs} t="b"><v>${v ? 1 : 0}</v></c>`
  if (isDate) {
    if (Number.isNaN(v.getTime())) throw new Error(`xlsx: invalid date in ${cell.address}`)
    return `<c ${attrs}><v>${excelSerial(v)}</v></c>`
  }
  return `<c ${attrs} t="s"><v>${strings.add(String(v))}</v></c>`
}

function paneXml(view: WorksheetView | undefined): string {
  const x = view?.state === 'frozen' ? (view.xSplit ?? 0) : 0
  const y = view?.state === 'frozen' ? (view.ySplit ?? 0) : 0
  if (!x && !y) return '<sheetView workbookViewId="0"/>'
  const topLeft = `${columnName(x + 1)}${y + 1}`
  const pane = x && y ? 'bottomRight' : y ? 'bottomLeft' : 'topRight'
  return `<sheetView workbookViewId="0"><pane${x ? ` xSplit="${x}"` : ''}${y ? ` ySplit="${y}"` : ''} topLeftCell="${topLeft}" activePane="${pane}" state="frozen"/><selection pane="${pane}" activeCell="${topLeft}" sqref="${topLeft}"/></sheetView>`
}

function sheetXml(sheet: Worksheet, strings: SharedStrings, styles: Styles): string {
  const rows: string[] = []
  let maxCol = 1
  sheet.eachRow((row) => {
    const cells = row.cells.map((cell) => (cell ? cellXml(cell, strings, styles) : '')).join('')
    if (cells) {
      rows.push(`<row r="${row.number}">${cells}</row>`)
      maxCol = Math.max(maxCol, row.cells.length - 1)
    }
  })
  const cols = sheet.columns
    .map((c, i) => (c.width !== undefined ? `<col min="${i + 1}" max="${i + 1}" width="${c.width}" customWidth="1"/>` : ''))
    .join('')
  const dimension = sheet.rowCount > 0 ? `A1:${columnName(maxCol)}${sheet.rowCount}` : 'A1'
  return (
    `<worksheet xmlns="${MAIN}" xmlns:r="${DOC_RELS}"><dimension ref="${dimension}"/>` +
    `<sheetViews>${paneXml(sheet.views[0])}</sheetViews><sheetFormatPr defaultRowHeight="15"/>` +
    (cols ? `<cols>${cols}</cols>` : '') +
    (rows.length ? `<sheetData>${rows.join('')}</sheetData>` : '<sheetData/>') +
    (sheet.merges.length ? `<mergeCells count="${sheet.merges.length}">${sheet.merges.map((m) => `<mergeCell ref="${m}"/>`).join('')}</mergeCells>` : '') +
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
  )
}
