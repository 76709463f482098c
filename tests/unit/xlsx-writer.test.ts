/**
 * server/xlsx (the workbook writer the exports use in place of exceljs) read back with the real
 * exceljs, as Excel would open it: text (Chinese, XML-special, Excel's own _xHHHH_ escapes, control
 * characters, surrogate pairs, edge spaces, empty), numbers, booleans, dates, blanks, styles,
 * merges, frozen panes, column widths, long sheets and sheet names; the zip's CRCs checked.
 */
import ExcelJS from 'exceljs'
import JSZip from 'jszip'
import { crc32 } from '../../server/xlsx/zip'
import { columnName, Workbook } from '../../server/xlsx'

async function readBack(wb: Workbook): Promise<ExcelJS.Workbook> {
  const buffer = await wb.xlsx.writeBuffer()
  const read = new ExcelJS.Workbook()
  await read.xlsx.load(buffer as unknown as ArrayBuffer)
  return read
}

const TEXTS = [
  '东风社区在职党员报到名单',
  '<b>"A & B"</b> \'q\'',
  '_x0041_ stays literal, and so does _X00e9_',
  'tab\tnew\nline\r',
  'bell\u0001 and \u001f',
  '  leading and trailing  ',
  '家 🏠 emoji 👨‍👩‍👧',
  'lone \ud800 surrogate',
  '',
  'x'.repeat(5000)
]

test('CRC-32 is the standard one (zip and PNG)', () => {
  expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926)
  expect(crc32(Buffer.alloc(0))).toBe(0)
})

test('column names', () => {
  expect([1, 26, 27, 52, 53, 702, 703, 16384].map(columnName)).toEqual(['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA', 'XFD'])
})

test('cell values read back as written', async () => {
  const wb = new Workbook()
  const sheet = wb.addWorksheet('值')
  TEXTS.forEach((t, i) => sheet.addRow([i, t]))
  const when = new Date('2026-11-27T01:02:03.000Z')
  sheet.addRow([0, -1.5, 1e15, 0.1 + 0.2, true, false, when, null, undefined, 'after gaps'])
  sheet.addRow([])
  sheet.addRow(['after a blank line'])

  const read = (await readBack(wb)).getWorksheet('值')!
  TEXTS.forEach((t, i) => {
    expect(read.getRow(i + 1).getCell(1).value).toBe(i)
    expect(read.getRow(i + 1).getCell(2).value).toBe(t)
  })
  const n = TEXTS.length + 1
  const row = read.getRow(n)
  expect([1, 2, 3, 4, 5, 6].map((c) => row.getCell(c).value)).toEqual([0, -1.5, 1e15, 0.1 + 0.2, true, false])
  expect(row.getCell(7).value).toEqual(when)
  expect(row.getCell(8).value).toBeNull()
  expect(row.getCell(9).value).toBeNull()
  expect(row.getCell(10).value).toBe('after gaps')
  expect(read.getRow(n + 1).cellCount).toBe(0)
  expect(read.getRow(n + 2).getCell(1).value).toBe('after a blank line')
  expect(read.rowCount).toBe(n + 2)
})

test('columns by key, header row, widths, fonts, fills, alignment, merges and frozen panes', async () => {
  const wb = new Workbook()
  wb.creator = '红邻'
  wb.title = '工作报告'
  wb.created = new Date('2026-11-27T01:00:00Z')
  const cover = wb.addWorksheet('封面')
  cover.columns = [{ width: 16 }, { width: 70 }]
  cover.addRow(['东风社区工作报告']).font = { bold: true, size: 18, color: { argb: 'FFC8161D' } }
  cover.mergeCells('A1:B1')
  const line = cover.addRow(['说明', '很长的说明'])
  line.getCell(1).font = { bold: true }
  line.getCell(2).alignment = { wrapText: true, vertical: 'top' }

  const list = wb.addWorksheet('名单 (1)')
  list.columns = [
    { header: '序号', key: 'n', width: 6 },
    { header: '姓名', key: 'name', width: 10 },
    { header: '手机号', key: 'mobile', width: 14 }
  ]
  list.getRow(1).font = { bold: true }
  list.views = [{ state: 'frozen', ySplit: 1 }]
  list.addRow({ n: 1, name: '李明', mobile: '13900000002', unknown: 'ignored' })
  const header = list.addRow(['指标', '单位'])
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFC8161D' } }
  header.alignment = { vertical: 'middle' }

  const read = await readBack(wb)
  expect(read.worksheets.map((s) => s.name)).toEqual(['封面', '名单 (1)'])
  expect(read.creator).toBe('红邻')
  expect(read.title).toBe('工作报告')
  expect(read.created).toEqual(new Date('2026-11-27T01:00:00Z'))

  const c = read.getWorksheet('封面')!
  expect(c.getColumn(1).width).toBe(16)
  expect(c.getColumn(2).width).toBe(70)
  expect(c.getCell('A1').font).toMatchObject({ bold: true, size: 18, color: { argb: 'FFC8161D' } })
  expect(c.getCell('B1').isMerged).toBe(true)
  expect(c.getCell('B1').master.address).toBe('A1')
  expect(c.getCell('A2').font).toMatchObject({ bold: true })
  expect(c.getCell('B2').font?.bold).toBeFalsy()
  expect(c.getCell('B2').alignment).toMatchObject({ wrapText: true, vertical: 'top' })
  expect(c.views[0]?.state ?? 'normal').toBe('normal')

  const l = read.getWorksheet('名单 (1)')!
  expect((l.getRow(1).values as unknown[]).slice(1)).toEqual(['序号', '姓名', '手机号'])
  expect((l.getRow(2).values as unknown[]).slice(1)).toEqual([1, '李明', '13900000002'])
  expect([1, 2, 3].map((i) => l.getRow(1).getCell(i).font?.bold)).toEqual([true, true, true])
  expect(l.getRow(2).getCell(1).font?.bold).toBeFalsy()
  expect(l.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 })
  expect(l.getRow(3).getCell(1).fill).toMatchObject({ type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFC8161D' } })
  expect(l.getRow(3).getCell(2).alignment).toMatchObject({ vertical: 'middle' })
  expect([6, 10, 14]).toEqual([1, 2, 3].map((i) => l.getColumn(i).width))
})

test('a long sheet: every row, the zip intact', async () => {
  const wb = new Workbook()
  const sheet = wb.addWorksheet('long')
  const ROWS = 10_000
  for (let i = 1; i <= ROWS; i++) sheet.addRow([i, `第${i % 97}网格`, i * 0.5, i % 2 === 0, `1390000${String(i).padStart(4, '0')}`])
  const buffer = await wb.xlsx.writeBuffer()
  // Every entry's CRC-32 checked by an independent unzip.
  const zip = await JSZip.loadAsync(buffer, { checkCRC32: true })
  expect(Object.keys(zip.files).sort()).toEqual(
    ['[Content_Types].xml', '_rels/.rels', 'docProps/core.xml', 'xl/_rels/workbook.xml.rels', 'xl/sharedStrings.xml', 'xl/styles.xml', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml'].sort()
  )
  const read = new ExcelJS.Workbook()
  await read.xlsx.load(buffer as unknown as ArrayBuffer)
  const s = read.worksheets[0]
  expect(s.rowCount).toBe(ROWS)
  for (const i of [1, 2, 9_999, ROWS]) {
    expect((s.getRow(i).values as unknown[]).slice(1)).toEqual([i, `第${i % 97}网格`, i * 0.5, i % 2 === 0, `1390000${String(i).padStart(4, '0')}`])
  }
})

test('sheet names Excel refuses are refused here too', () => {
  const wb = new Workbook()
  wb.addWorksheet('各社区报到进度')
  for (const bad of ['', '   ', 'a/b', 'a\\b', 'a?', 'a*', 'a:b', '[x]', "'quoted'", 'x'.repeat(32)]) expect(() => wb.addWorksheet(bad)).toThrow(/sheet name/)
  expect(() => wb.addWorksheet('各社区报到进度')).toThrow(/already/)
  expect(wb.addWorksheet('x'.repeat(31)).name).toHaveLength(31)
  expect(() => new Workbook().toBuffer()).toThrow(/at least one sheet/)
})

test('overlapping merges are refused', () => {
  const sheet = new Workbook().addWorksheet('m')
  sheet.mergeCells('A1:B2')
  expect(() => sheet.mergeCells('B2:C3')).toThrow(/overlaps/)
  sheet.mergeCells('C1:D1')
  expect(sheet.merges).toEqual(['A1:B2', 'C1:D1'])
})
