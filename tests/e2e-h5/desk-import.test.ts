/**
 * 批量导入 on the PC (docs/back-office.md §7 journey 3), at 1280×800 on the emulator build, signed
 * in by scan as demo-staff (张敏, community c1): an 在职党员名册 written by exceljs with 5 good rows,
 * a bad mobile, an unknown building and a duplicate. 预览 shows 5 新增 / 3 拒绝 with the reasons and
 * writes nothing; 确认导入 writes the 5; the same file again says 此文件已导入.
 * Screenshots: test-results/screenshots/desk-import-*.png.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { MEMBER_HEADER, workbookOf } from '../support/importFixtures'
import { startApp, type TestApp } from './support/app'
import { signInDesk } from './support/desk'

let app: TestApp
let page: Page

beforeAll(async () => {
  app = await startApp()
  page = await signInDesk(app, 'demo-staff')
}, 120_000)

afterAll(async () => {
  await app?.close()
})

const shot = (name: string) => app.screenshot(page, `desk-import-${name}`)

async function fixture(): Promise<string> {
  const file = await workbookOf([
    MEMBER_HEADER,
    ['王建国', '13822220001', '区财政局', '区财政局机关党支部', '锦绣花园', '1号楼', '1', '101'],
    ['李红', '13822220002', '区教育局', '区教育局党委', '锦绣花园', '2号楼', '', '202'],
    ['赵敏', '13822220003', '区卫健委', '区卫健委党支部', '阳光花园', '3号楼', '2', '301'],
    ['孙强', '13822220004', '区民政局', '区民政局党支部', null, null, null, null],
    ['周丽', '13822220005', '区商务局', '区商务局党支部', '翠苑花园', '1号楼', '1', '1102'],
    ['吴刚', '1382222000', '区人社局', '区人社局党支部', '锦绣花园', '1号楼', '1', '102'],
    ['郑华', '13822220007', '区住建局', '区住建局党支部', '锦绣花园', '99号楼', '1', '103'],
    ['李红', '13822220002', '区教育局', '区教育局党委', '锦绣花园', '2号楼', '', '202']
  ])
  const path = join(mkdtempSync(join(tmpdir(), 'desk-import-')), '东风社区在职党员名册.xlsx')
  writeFileSync(path, file)
  return path
}

/** Documents per collection but the rate-limit counters (a preview takes a unit of the person's import budget). */
const snapshot = () => JSON.stringify(app.cloud.store.collectionNames().sort().filter((name) => name !== 'rateLimits').map((name) => [name, app.cloud.store.count(name)]))

test('import with bad rows: preview 5 新增 / 3 拒绝 with reasons, confirm, the same file again is 此文件已导入', async () => {
  await page.locator('[data-testid="desk-nav-imports"]').click()
  await page.waitForURL(/packages\/desk\/pages\/imports\/index/)
  const wizard = page.locator('[data-testid="desk-import"]')
  await wizard.waitFor({ timeout: 20_000 })
  await page.getByLabel('社区').locator('option', { hasText: '东风社区' }).waitFor({ state: 'attached' })
  await shot('1-empty')

  const path = await fixture()
  await page.locator('[data-testid="desk-import-file"]').setInputFiles(path)
  const before = snapshot()
  await page.getByRole('button', { name: '预览' }).click()
  const preview = page.locator('[data-testid="desk-import-preview"]')
  await preview.waitFor({ timeout: 20_000 })
  expect(snapshot()).toBe(before)
  const counts = page.locator('[data-testid="desk-import-counts"]')
  await counts.getByText('新增 5').waitFor()
  await counts.getByText('拒绝 3').waitFor()
  await preview.getByText('请输入正确的手机号').waitFor()
  await preview.getByText('楼栋“99号楼”不在锦绣花园').waitFor()
  await preview.getByText('与第3行重复').waitFor()
  // Mobiles are masked in the preview.
  await preview.getByText('王建国 · 138****0001 · 锦绣花园1号楼').waitFor()
  expect(await preview.innerText()).not.toMatch(/1382222\d{3}/)
  expect(await preview.locator('tbody tr.desk-table__row').count()).toBe(8)
  await shot('2-preview')

  await page.getByRole('button', { name: '确认导入 5 条' }).click()
  await page.locator('[data-testid="desk-import-result"]').getByText('导入完成：新增 5 条，修改 0 条，不变 0 条，拒绝 3 条').waitFor({ timeout: 20_000 })
  expect(app.cloud.store.count('memberRoster', { communityId: 'c1', workUnit: { $in: ['区财政局', '区教育局', '区卫健委', '区民政局', '区商务局'] } })).toBe(5)
  await shot('3-done')

  // The same file again: the preview says so, and confirming changes nothing.
  await page.locator('[data-testid="desk-import-file"]').setInputFiles([])
  await page.locator('[data-testid="desk-import-file"]').setInputFiles(path)
  await page.getByRole('button', { name: '预览' }).click()
  await page.locator('[data-testid="desk-import-already"]').getByText('此文件已导入', { exact: false }).waitFor({ timeout: 20_000 })
  await counts.getByText('不变 5').waitFor()
  const after = snapshot()
  await page.getByRole('button', { name: '确认导入（已导入过）' }).click()
  await page.locator('[data-testid="desk-import-result"]').getByText('此文件已导入', { exact: false }).waitFor({ timeout: 20_000 })
  expect(snapshot()).toBe(after)
  await shot('4-again')
})
