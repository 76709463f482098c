/**
 * server/xlsx/read.ts (the roster imports' reader) on workbooks written by the real exceljs —
 * shared strings, plain and inline strings, numbers, booleans, dates, empty cells, a second sheet —
 * on our own writer's output, and on hostile files: an old .xls, an encrypted workbook, DOCTYPE and
 * ENTITY declarations, a zip bomb, too many rows or entries, a file too large.
 */
import { AppError } from '../../server/core/errors'
import { Workbook } from '../../server/xlsx'
import { excelSerialToDay, readXlsx, XLSX_MAX_ROWS, XLSX_MESSAGES } from '../../server/xlsx/read'
import { zip } from '../../server/xlsx/zip'
import { encryptedFile, packageWith, sheetXmlOf, workbookOf, xlsFile, zipBomb } from '../support/importFixtures'

function refusal(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(AppError)
    return `${(error as AppError).code} ${(error as AppError).message}`
  }
  throw new Error('not refused')
}

describe('readXlsx on exceljs workbooks', () => {
  const rows = [
    ['姓名', '手机号', '出生日期', '党员', '备注', '门牌号'],
    ['张三', '13800138000', new Date(Date.UTC(1985, 4, 17)), true, null, 301],
    [null, null, null, null, null, null],
    [{ richText: [{ text: '李' }, { text: '四' }] }, 13900139000, new Date(Date.UTC(2000, 0, 1)), false, 'A&B <x> "y"', '1-202'],
    ['  王五  ', '13700137000', null, null, '多余列', 2.5]
  ]

  it.each([true, false])('reads values by column, empty rows skipped (sharedStrings %s)', async (sharedStrings) => {
    const sheet = readXlsx(await workbookOf(rows, { sharedStrings }))
    expect(sheet.map((r) => r.rowNo)).toEqual([1, 2, 4, 5])
    expect(sheet[0].cells).toEqual(['姓名', '手机号', '出生日期', '党员', '备注', '门牌号'])
    const [, zhang, li, wang] = sheet
    expect(zhang.cells[0]).toBe('张三')
    expect(zhang.cells[1]).toBe('13800138000')
    expect(typeof zhang.cells[2]).toBe('number')
    expect(excelSerialToDay(zhang.cells[2] as number)).toBe('1985-05-17')
    expect(zhang.cells[3]).toBe(true)
    expect(zhang.cells[4]).toBeNull()
    expect(zhang.cells[5]).toBe(301)
    // Rich text: inline (`inlineStr`) without shared strings, shared otherwise; the runs joined.
    expect(li.cells[0]).toBe('李四')
    expect(li.cells[1]).toBe(13900139000)
    expect(excelSerialToDay(li.cells[2] as number)).toBe('2000-01-01')
    expect(li.cells[3]).toBe(false)
    expect(li.cells[4]).toBe('A&B <x> "y"')
    expect(li.cells[5]).toBe('1-202')
    expect(wang.cells[0]).toBe('  王五  ')
    expect(wang.cells[5]).toBe(2.5)
  })

  it('reads the first worksheet only', async () => {
    const sheet = readXlsx(await workbookOf([['姓名'], ['张三']], { secondSheet: true }))
    expect(sheet.map((r) => r.cells[0])).toEqual(['姓名', '张三'])
  })

  it('reads what the project\'s own writer writes (a re-exported file)', async () => {
    const wb = new Workbook()
    const s = wb.addWorksheet('在职党员报到')
    s.columns = [
      { header: '姓名', key: 'name' },
      { header: '手机号', key: 'mobile' },
      { header: '日期', key: 'day' }
    ]
    s.addRow({ name: '赵六', mobile: '13600136000', day: new Date(Date.UTC(2026, 10, 27)) })
    const buffer = Buffer.from(await wb.xlsx.writeBuffer())
    const sheet = readXlsx(buffer)
    expect(sheet[0].cells).toEqual(['姓名', '手机号', '日期'])
    expect(sheet[1].cells.slice(0, 2)).toEqual(['赵六', '13600136000'])
    expect(excelSerialToDay(sheet[1].cells[2] as number)).toBe('2026-11-27')
  })

  it('decodes character references and keeps phonetic runs out', () => {
    const xml = sheetXmlOf('<row r="1"><c r="B1" t="inlineStr"><is><r><t>&#x4E1C;&#39118;</t></r><rPh sb="0" eb="1"><t>dong</t></rPh></is></c></row>')
    expect(readXlsx(packageWith(xml))).toEqual([{ rowNo: 1, cells: [null, '东风'] }])
  })

  it('keeps every phonetic run out of an item that alternates them with text runs', () => {
    const runs = Array.from({ length: 3000 }, (_, i) => `<rPh sb="0" eb="1"><t>p${i}</t></rPh><r><t>${i % 10}</t></r>`).join('')
    const xml = sheetXmlOf(`<row r="1"><c r="A1" t="inlineStr"><is><t>头</t>${runs}<rPh sb="0" eb="1"><t>尾</t></rPh></is></c></row>`)
    const text = readXlsx(packageWith(xml))[0].cells[0] as string
    expect(text).toBe('头' + Array.from({ length: 3000 }, (_, i) => String(i % 10)).join(''))
  })
})

describe('readXlsx on hand-made SpreadsheetML', () => {
  it('reads a prefixed namespace (`x:worksheet`, `x:c`) and skips look-alike tags', () => {
    const xml =
      '<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:cols><x:col min="1" max="1"/></x:cols><x:sheetData>' +
      '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>姓名</x:t></x:is></x:c><x:c r="C1" t="str"><x:v>a&amp;b</x:v></x:c></x:row><x:row r="2"/>' +
      '<x:row r="3"><x:c r="A3" t="b"><x:v>1</x:v></x:c><x:c r="B3"><x:v>42</x:v></x:c></x:row></x:sheetData><x:rowBreaks count="0"/></x:worksheet>'
    expect(readXlsx(packageWith(xml))).toEqual([
      { rowNo: 1, cells: ['姓名', null, 'a&b'] },
      { rowNo: 3, cells: [true, 42] }
    ])
  })
})

describe('readXlsx refuses hostile files', () => {
  it('unclosed elements are refused (each scan moves forward: no backtracking blow-up)', () => {
    const unclosed = packageWith(sheetXmlOf('<row r="1">'.repeat(200_000)))
    expect(refusal(() => readXlsx(unclosed))).toBe(`INVALID_INPUT ${XLSX_MESSAGES.notXlsx}`)
    const cells = packageWith(sheetXmlOf(`<row r="1">${'<c r="A1"><v>'.repeat(200_000)}</row>`))
    expect(refusal(() => readXlsx(cells))).toBe(`INVALID_INPUT ${XLSX_MESSAGES.notXlsx}`)
    const longTag = packageWith(sheetXmlOf(`<row r="1" ${'a'.repeat(100_000)}></row>`))
    expect(refusal(() => readXlsx(longTag))).toBe(`INVALID_INPUT ${XLSX_MESSAGES.notXlsx}`)
  })

  it('an old .xls, and an encrypted workbook', () => {
    expect(refusal(() => readXlsx(xlsFile()))).toBe(`INVALID_INPUT ${XLSX_MESSAGES.xls}`)
    expect(XLSX_MESSAGES.xls).toBe('请在 Excel 中另存为 .xlsx 后再导入')
    expect(refusal(() => readXlsx(encryptedFile()))).toBe(`INVALID_INPUT ${XLSX_MESSAGES.encrypted}`)
    expect(XLSX_MESSAGES.encrypted).toMatch(/^文件已加密/)
  })

  it('not a zip at all, or empty', () => {
    expect(refusal(() => readXlsx(Buffer.from('姓名,手机号\n张三,13800138000')))).toBe(`INVALID_INPUT ${XLSX_MESSAGES.notXlsx}`)
    expect(refusal(() => readXlsx(Buffer.alloc(0)))).toBe(`INVALID_INPUT ${XLSX_MESSAGES.empty}`)
  })

  it('DOCTYPE and ENTITY declarations (no entity expansion)', () => {
    const lol = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>' + sheetXmlOf('<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>')
    expect(refusal(() => readXlsx(packageWith(lol)))).toBe(`INVALID_INPUT ${XLSX_MESSAGES.doctype}`)
    const entityOnly = sheetXmlOf('<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>').replace('<sheetData>', '<!ENTITY x SYSTEM "file:///etc/passwd"><sheetData>')
    expect(refusal(() => readXlsx(packageWith(entityOnly)))).toBe(`INVALID_INPUT ${XLSX_MESSAGES.doctype}`)
  })

  it('a zip bomb stops at 20 MB inflated', () => {
    const bomb = zipBomb(64)
    expect(bomb.length).toBeLessThan(1_400_000)
    expect(refusal(() => readXlsx(bomb))).toBe(`INVALID_INPUT ${XLSX_MESSAGES.tooLargeInflated}`)
  })

  it('more than 2,000 rows of data; exactly 2,000 is read', async () => {
    const rows = (n: number) => [['姓名', '手机号'], ...Array.from({ length: n }, (_, i) => [`人${i}`, `138${String(i).padStart(8, '0')}`])]
    expect(readXlsx(await workbookOf(rows(XLSX_MAX_ROWS)))).toHaveLength(XLSX_MAX_ROWS + 1)
    expect(refusal(() => readXlsx(Buffer.alloc(0)))).toMatch(/INVALID_INPUT/)
    const over = await workbookOf(rows(XLSX_MAX_ROWS + 1))
    expect(refusal(() => readXlsx(over))).toBe(`INVALID_INPUT ${XLSX_MESSAGES.tooManyRows}`)
  })

  it('more than 200 entries, and a file over 1.4 MB', () => {
    const many = zip(Array.from({ length: 201 }, (_, i) => ({ name: `x/${i}.xml`, data: Buffer.from('<x/>') })))
    expect(refusal(() => readXlsx(many))).toBe(`INVALID_INPUT ${XLSX_MESSAGES.tooManyEntries}`)
    const big = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(1_400_001)])
    expect(refusal(() => readXlsx(big))).toBe(`INVALID_INPUT ${XLSX_MESSAGES.tooLarge}`)
  })
})

describe('excelSerialToDay', () => {
  it('1900-system serials', () => {
    expect(excelSerialToDay(61)).toBe('1900-03-01')
    expect(excelSerialToDay(46353.75)).toBe('2026-11-27')
    expect(excelSerialToDay(0)).toBeNull()
    expect(excelSerialToDay(Number.NaN)).toBeNull()
  })
})
