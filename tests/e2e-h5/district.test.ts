/**
 * 区级看板 on H5: the district admin opens it from the home screen, sees the four sections and the
 * charts (trends and the communities side by side), opens a figure's records, looks at one
 * community; staff see their community's dashboard; the printable report downloads a workbook that
 * holds the same numbers as the page.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import type { Page } from 'playwright-core'
import type { Dashboard, FigureValue } from '../../contracts/reports'
import { formatValue } from '../../src/features/district/format'
import { periodPresets } from '../../src/features/district/period'
import { startApp, type TestApp } from './support/app'

let app: TestApp
beforeAll(async () => {
  app = await startApp()
}, 120_000)
afterAll(() => app?.close())

const url = (path: string) => `${app.baseUrl}/#${path}`
const thisYear = () => periodPresets()[0]
const flat = (d: Dashboard): Record<string, FigureValue> => Object.fromEntries(d.sections.flatMap((s) => s.figures).map((f) => [f.key, f]))

/** Charts drawn: ECharts puts a <canvas> with a size in each chart node. */
async function drawnCharts(page: Page): Promise<number> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-chart] canvas')).filter((c) => (c as HTMLCanvasElement).width > 100 && (c as HTMLCanvasElement).height > 100).length
  )
}

/** Polls `read` until it returns `want` (or fails with the last value after `timeout`). */
async function until<T>(read: () => Promise<T>, want: T, timeout = 10_000): Promise<void> {
  const end = Date.now() + timeout
  let last: T = await read()
  while (last !== want && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 200))
    last = await read()
  }
  expect(last).toBe(want)
}

const card = (page: Page, key: string) => page.locator(`[data-key="${key}"]`).first()

test('district admin: dashboard with charts, a figure and its records, one community', async () => {
  const { from, to } = thisYear()
  const expected = flat(await app.cloud.ok<Dashboard>('reports', 'dashboard', { from, to }, 'demo-admin'))
  let page = await app.newPage('demo-admin')
  await page.goto(url('/pages/home/index'))
  await page.getByText('区级看板', { exact: true }).click()
  await page.waitForURL(/packages\/district\/pages\/dashboard\/index/)
  await page.getByText('全区党建联建看板').waitFor({ timeout: 20_000 })
  for (const title of ['一、组织全覆盖', '二、物业全覆盖', '三、服务全覆盖', '四、保障全覆盖', '按月趋势', '各社区对比']) await page.getByText(title, { exact: true }).waitFor()
  await until(() => drawnCharts(page), 3)
  for (const key of ['partyGroups', 'membersApproved', 'volunteerHours', 'centersBuilt']) {
    await expect(card(page, key).locator('.hl-figure__value').textContent()).resolves.toBe(formatValue(expected[key].value))
  }
  await app.screenshot(page, 'district-01-admin-dashboard')
  await page.getByText('各社区对比', { exact: true }).scrollIntoViewIfNeeded()
  await app.screenshot(page, 'district-01b-admin-comparison')
  await page.getByText('三、服务全覆盖', { exact: true }).scrollIntoViewIfNeeded()
  await app.screenshot(page, 'district-01c-admin-service-figures')

  // Another figure on the comparison chart.
  await page.locator('.hl-scope__chip', { hasText: '认定志愿服务时长' }).click()
  await page.getByText('认定志愿服务时长（小时）').first().waitFor()

  // A figure opens onto its definition and records.
  await card(page, 'partyGroups').click()
  await page.waitForURL(/packages\/district\/pages\/figure\/index\?key=partyGroups/)
  await page.getByText('计算方法', { exact: true }).waitFor()
  await expect(page.getByTestId('figure-value').textContent()).resolves.toBe(formatValue(expected.partyGroups.value))
  await page.getByText(`共${formatValue(expected.partyGroups.value)}条`).waitFor()
  expect(await page.locator('.hl-records__item').count()).toBe(20)
  await page.waitForTimeout(800) // the page's slide-in transition
  await app.screenshot(page, 'district-02a-admin-figure')
  await page.getByText(/加载更多/).click()
  await until(() => page.locator('.hl-records__item').count(), 40)
  await app.screenshot(page, 'district-02-admin-figure-records')

  await page.close()

  // One community, picked with the community picker (a wheel: drag it up two rows to 红旗社区).
  page = await app.newPage('demo-admin')
  await page.goto(url('/packages/district/pages/dashboard/index'))
  await page.getByText('全区党建联建看板').waitFor({ timeout: 20_000 })
  await page.getByTestId('community-picker').click()
  const first = page.locator('.weui-picker__item', { hasText: '全区' }).first()
  await first.waitFor()
  await page.waitForTimeout(400) // the sheet slides up
  const box = (await first.boundingBox())!
  const x = box.x + box.width / 2
  const y = box.y + box.height / 2
  await page.mouse.move(x, y)
  await page.mouse.down()
  for (let i = 1; i <= 10; i++) await page.mouse.move(x, y - (box.height * 2 * i) / 10)
  await page.mouse.up()
  await page.waitForTimeout(600)
  await page.locator('.weui-picker__action:visible', { hasText: '确定' }).click()
  await page.getByText('红旗社区党建联建看板').waitFor({ timeout: 20_000 })
  const c2 = flat(await app.cloud.ok<Dashboard>('reports', 'dashboard', { from, to, communityId: 'c2' }, 'demo-admin'))
  await expect(card(page, 'branches').locator('.hl-figure__value').textContent()).resolves.toBe(formatValue(c2.branches.value))
  await until(() => drawnCharts(page), 2)
  expect(await page.getByText('各社区对比', { exact: true }).count()).toBe(0)
  await app.screenshot(page, 'district-02b-admin-community')
  await page.close()
}, 120_000)

test('staff: their community only, with charts', async () => {
  const { from, to } = thisYear()
  const expected = flat(await app.cloud.ok<Dashboard>('reports', 'dashboard', { from, to }, 'demo-staff'))
  const page = await app.newPage('demo-staff')
  await page.goto(url('/pages/home/index'))
  await page.getByText('社区看板', { exact: true }).click()
  await page.getByText('东风社区党建联建看板').waitFor({ timeout: 20_000 })
  await until(() => drawnCharts(page), 2)
  // no picker for a single community, just its name
  expect(await page.getByTestId('community-picker').count()).toBe(0)
  for (const key of ['branches', 'membersApproved', 'problemsSolved']) {
    await expect(card(page, key).locator('.hl-figure__value').textContent()).resolves.toBe(formatValue(expected[key].value))
  }
  await app.screenshot(page, 'district-03-staff-dashboard')
  // another community's dashboard by link is refused
  await page.goto(url(`/packages/district/pages/dashboard/index?communityId=c2&from=${from}&to=${to}`))
  await page.getByText('仅可查看本社区的数据').waitFor({ timeout: 20_000 })
  await page.close()
}, 120_000)

test('the printable report and its workbook hold the same numbers', async () => {
  const { from, to } = thisYear()
  const expected = flat(await app.cloud.ok<Dashboard>('reports', 'dashboard', { from, to }, 'demo-admin'))
  const page = await app.newPage('demo-admin')
  await page.goto(url(`/packages/district/pages/report/index?from=${from}&to=${to}`))
  await page.getByText('全区社区物业党建联建工作报告').waitFor({ timeout: 20_000 })
  for (const title of ['一、组织全覆盖', '二、物业全覆盖', '三、服务全覆盖', '四、保障全覆盖']) await page.getByText(title, { exact: true }).waitFor()
  for (const key of ['branches', 'centersPlanned', 'volunteerHours']) {
    await expect(page.locator(`.report__row[data-key="${key}"] .report__value`).textContent()).resolves.toBe(`${formatValue(expected[key].value)} ${expected[key].unit}`)
  }
  await app.screenshot(page, 'district-04-report-page')
  const audits = app.cloud.store.count('auditLogs', { action: 'reports.workReport' })
  const errors: string[] = []
  page.on('console', (m) => m.type() === 'error' || m.type() === 'warning' ? errors.push(m.text()) : undefined)
  const downloading = page.waitForEvent('download', { timeout: 30_000 })
  await page.getByText('下载Excel工作报告', { exact: true }).click()
  const download = await downloading.catch(async (e) => {
    await app.screenshot(page, 'district-05-download-failed')
    throw new Error(`${e}\n${errors.join('\n')}`)
  })
  expect(download.suggestedFilename()).toBe(`全区社区物业党建联建工作报告（${from}至${to}）.xlsx`)
  const file = join(mkdtempSync(join(tmpdir(), 'honglin-report-')), 'report.xlsx')
  await download.saveAs(file)
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(file)
  expect(wb.worksheets.map((s) => s.name).slice(0, 5)).toEqual(['封面', '组织全覆盖', '物业全覆盖', '服务全覆盖', '保障全覆盖'])
  const inBook: Record<string, number> = {}
  for (const name of ['组织全覆盖', '物业全覆盖', '服务全覆盖', '保障全覆盖'])
    wb.getWorksheet(name)!.eachRow((row, n) => {
      if (n > 1) inBook[String(row.getCell(9).value)] = Number(row.getCell(3).value)
    })
  for (const [key, f] of Object.entries(expected)) expect({ key, value: inBook[key] }).toEqual({ key, value: f.value })
  expect(app.cloud.store.count('auditLogs', { action: 'reports.workReport' })).toBe(audits + 1)
  await page.close()
}, 120_000)
