/**
 * Workbooks for the import tests, written by the real exceljs (a devDependency: the functions read
 * them with server/xlsx/read.ts), and hostile files built by hand.
 */
import ExcelJS from 'exceljs'
import { Writable } from 'node:stream'
import { zip } from '../../server/xlsx/zip'

export type FixtureCell = string | number | boolean | Date | null | { richText: { text: string }[] }

/**
 * One sheet of `rows` (the first is the header). `sharedStrings: false` writes plain strings as
 * `t="str"` and rich text as `inlineStr` (what some exporters do); dates get a date format.
 */
export async function workbookOf(rows: FixtureCell[][], options: { sharedStrings?: boolean; sheetName?: string; secondSheet?: boolean } = {}): Promise<Buffer> {
  // exceljs' in-memory writer always shares strings; its streaming writer can write them in the cells.
  const chunks: Buffer[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk))
      done()
    }
  })
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useSharedStrings: options.sharedStrings ?? true, useStyles: true })
  wb.creator = 'test'
  const sheet = wb.addWorksheet(options.sheetName ?? '名册')
  rows.forEach((row, i) => {
    const r = sheet.getRow(i + 1)
    row.forEach((value, j) => {
      if (value === null) return
      const cell = r.getCell(j + 1)
      cell.value = value as ExcelJS.CellValue
      if (value instanceof Date) cell.numFmt = 'yyyy-mm-dd'
    })
    r.commit()
  })
  sheet.commit()
  if (options.secondSheet) {
    const second = wb.addWorksheet('说明')
    second.getCell('A1').value = '第二个工作表不会被读取'
    second.commit()
  }
  await wb.commit()
  return Buffer.concat(chunks)
}

/** The header and rows of 在职党员名册 as the template writes them. */
export const MEMBER_HEADER = ['姓名', '手机号', '工作单位', '所在党组织', '小区（网格）', '楼栋', '单元', '门牌号']

/** A minimal xlsx package around a given sheet XML (for hand-made hostile sheets). */
export function packageWith(sheetXml: string, extra: { name: string; data: Buffer }[] = []): Buffer {
  const entries = [
    { name: '[Content_Types].xml', data: Buffer.from('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>') },
    {
      name: 'xl/workbook.xml',
      data: Buffer.from('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: Buffer.from('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
    },
    { name: 'xl/worksheets/sheet1.xml', data: Buffer.from(sheetXml) },
    ...extra
  ]
  return zip(entries)
}

export const sheetXmlOf = (rowsXml: string) => `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rowsXml}</sheetData></worksheet>`

/** An old .xls (an OLE compound file): the magic and some filler. */
export const xlsFile = () => Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(2048, 0)])
/** An Excel-encrypted .xlsx: an OLE file holding an EncryptedPackage stream. */
export const encryptedFile = () => Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512, 0), Buffer.from('EncryptedPackage', 'utf16le'), Buffer.alloc(512, 0)])

/** A zip bomb: a sheet that inflates to `mb` MB of spaces (~1 KB per MB compressed). */
export function zipBomb(mb = 64): Buffer {
  return zip([
    { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
    { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(mb * 1024 * 1024, 0x20) }
  ])
}
