import * as ExcelJS from '../xlsx'
import { FIGURE_KIND_LABELS, type Comparison, type ReportScope, type Trend } from '../../contracts/reports'
import type { Sectioned } from './compute'

export const WORKBOOK_TITLE = '社区物业党建联建工作报告'
export const COVER_SHEET = '封面'
/** Columns of each section sheet (tests read the workbook back by these headers). */
export const SECTION_COLUMNS = ['序号', '指标', '数值', '单位', '统计口径', '分项', '说明', '计算方法', '指标代码'] as const

export interface WorkbookInput {
  scope: ReportScope
  period: { from: string; to: string }
  generatedAt: string
  generatedBy: string
  sections: Sectioned[]
  trends: Trend[]
  comparisons: Comparison[]
}

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFC8161D' } }

function header(row: ExcelJS.Row): void {
  row.font = { bold: true, color: { argb: 'FFFFFFFF' } }
  row.fill = HEADER_FILL
  row.alignment = { vertical: 'middle' }
}

/**
 * The work report as a workbook: a cover (district or community, period, when and by whom), one
 * sheet per section of the seed (组织全覆盖 … 保障全覆盖) with every figure, its value, unit, whether
 * it is a stock or a flow, its split and how it is computed; then the monthly trends and (district)
 * the communities side by side. Values are numbers, not text, so the sheet can be summed.
 */
export async function buildWorkbook(input: WorkbookInput): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  wb.creator = '红邻'
  wb.created = new Date(input.generatedAt)
  wb.title = WORKBOOK_TITLE

  const cover = wb.addWorksheet(COVER_SHEET)
  cover.columns = [{ width: 16 }, { width: 70 }]
  cover.addRow([`${input.scope.name}${WORKBOOK_TITLE}`]).font = { bold: true, size: 18, color: { argb: 'FFC8161D' } }
  cover.mergeCells('A1:B1')
  cover.addRow([])
  const lines: [string, string][] = [
    ['范围', input.scope.name],
    ['统计期', `${input.period.from} 至 ${input.period.to}`],
    ['生成时间', input.generatedAt],
    ['生成人', input.generatedBy],
    ['说明', '"统计期内"的指标统计该期间内发生的事项；"截至当前"的指标为生成报告时的存量，与统计期无关。所有数字均由系统记录实时汇总，口径见各表"计算方法"一列。'],
    ['目录', input.sections.map((s) => `${s.label}（${s.figures.length}项）`).join('；')]
  ]
  for (const [k, v] of lines) {
    const row = cover.addRow([k, v])
    row.getCell(1).font = { bold: true }
    row.getCell(2).alignment = { wrapText: true, vertical: 'top' }
  }

  for (const section of input.sections) {
    const sheet = wb.addWorksheet(section.label)
    sheet.columns = [
      { width: 6 },
      { width: 28 },
      { width: 14 },
      { width: 6 },
      { width: 10 },
      { width: 36 },
      { width: 30 },
      { width: 60 },
      { width: 22 }
    ]
    header(sheet.addRow([...SECTION_COLUMNS]))
    sheet.views = [{ state: 'frozen', ySplit: 1 }]
    section.figures.forEach((f, i) => {
      const row = sheet.addRow([
        i + 1,
        f.label,
        f.value,
        f.unit,
        FIGURE_KIND_LABELS[f.kind],
        (f.breakdown ?? []).map((b) => `${b.label} ${b.value}`).join('；'),
        [f.target !== undefined ? `目标 ${f.target}` : '', f.note ?? ''].filter(Boolean).join('；'),
        f.definition,
        f.key
      ])
      row.alignment = { wrapText: true, vertical: 'top' }
      row.getCell(3).font = { bold: true }
    })
  }

  if (input.trends.length) {
    const sheet = wb.addWorksheet('按月趋势')
    const months = input.trends[0].points.map((p) => p.month)
    sheet.columns = [{ width: 28 }, { width: 6 }, ...months.map(() => ({ width: 10 }))]
    header(sheet.addRow(['指标', '单位', ...months]))
    for (const t of input.trends) sheet.addRow([t.label, t.unit, ...t.points.map((p) => p.value)])
  }

  if (input.comparisons.length) {
    const sheet = wb.addWorksheet('社区对比')
    const communities = input.comparisons[0].rows.map((r) => r.communityName)
    sheet.columns = [{ width: 28 }, { width: 6 }, ...communities.map(() => ({ width: 12 }))]
    header(sheet.addRow(['指标', '单位', ...communities]))
    for (const c of input.comparisons) sheet.addRow([c.label, c.unit, ...c.rows.map((r) => r.value)])
  }

  return Buffer.from(await wb.xlsx.writeBuffer())
}
