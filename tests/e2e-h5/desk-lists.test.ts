/**
 * The back office's lists (issue #19, docs/back-office.md §4 pages), at 1280×800 on the emulator
 * build, signed in by scan as demo-staff (张敏, community c1): 志愿活动 (with a roster), 场地预约
 * (with 通过 on a booking waiting for review), 问题反映 (with a ticket's details), 通知公告 (with read
 * coverage), 数据下载 (each export downloads an .xlsx) and 访问记录 (the exports just made, 在电脑上).
 * Each table shows rows; a sortable header toggles aria-sort and the order; the pager pages where
 * there is more than one page. Screenshots: test-results/screenshots/desk-list-*.png.
 */
import type { Page, Response } from 'playwright-core'
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

const shot = (name: string) => app.screenshot(page, `desk-list-${name}`)
const table = (name: string) => page.locator(`[data-testid="desk-table-${name}"]`)
const rows = (name: string) => table(name).locator('tbody tr.desk-table__row')

/** Opens a desk page from the side navigation and waits for its table's first rows. */
async function open(key: string, name: string): Promise<void> {
  await page.locator(`[data-testid="desk-nav-${key}"]`).click()
  await page.waitForURL(new RegExp(`packages/desk/pages/${key}/index`))
  await rows(name).first().waitFor({ timeout: 20_000 })
}

/** The text of one column (1-based) on every row shown. */
const column = (name: string, n: number) => rows(name).locator(`td:nth-child(${n})`).allInnerTexts()

/** Each table's list action (`<function>.<action>`). */
const LIST_ACTIONS: Record<string, [string, string]> = {
  activities: ['activities', 'list'],
  roster: ['activities', 'roster'],
  bookings: ['centers', 'bookings'],
  tickets: ['tickets', 'list'],
  notices: ['notices', 'list']
}

/** Does `act` and waits for the list call it makes to answer and the table to show it. */
async function reload(name: string, act: () => Promise<void>): Promise<void> {
  const [fn, action] = LIST_ACTIONS[name]
  const isList = (r: Response) =>
    r.url().endsWith(`/api/functions/${fn}`) && (JSON.parse(r.request().postData() ?? '{}') as { action?: string }).action === action
  await Promise.all([page.waitForResponse(isList), act()])
  await until(async () => (await table(name).locator('table[aria-busy="true"]').count()) === 0, true)
}

const sorted = (xs: string[], order: 'asc' | 'desc') => {
  const copy = [...xs].sort()
  return order === 'asc' ? copy : copy.reverse()
}

/** Clicks a sortable header twice: 降序 then 升序, each shown by aria-sort and by the rows' order in column `n`. */
async function checkSort(name: string, title: string, n: number, read: (cell: string) => string = (c) => c): Promise<void> {
  const header = table(name).locator('th', { hasText: title })
  await expect(header.getAttribute('aria-sort')).resolves.toMatch(/^(none|ascending|descending)$/)
  await reload(name, () => header.locator('button').click())
  await until(() => header.getAttribute('aria-sort'), 'descending')
  const down = (await column(name, n)).map(read)
  expect(down.length).toBeGreaterThan(1)
  expect(down).toEqual(sorted(down, 'desc'))
  await reload(name, () => header.locator('button').click())
  await until(() => header.getAttribute('aria-sort'), 'ascending')
  const up = (await column(name, n)).map(read)
  expect(up).toEqual(sorted(up, 'asc'))
  // Another order of the same list: the first row is not the same (the lists here span days).
  expect(up[0]).not.toBe(down[0])
}

/** 下一页 shows page 2 with other rows; 上一页 goes back. */
async function checkPager(name: string, n: number): Promise<void> {
  const pager = table(name).locator('.desk-table__pager')
  await expect(pager.innerText()).resolves.toMatch(/第 1 \/ \d+ 页/)
  const first = await column(name, n)
  await reload(name, () => pager.getByRole('button', { name: '下一页' }).click())
  await pager.getByText(/第 2 \/ \d+ 页/).waitFor()
  const second = await column(name, n)
  expect(second.length).toBeGreaterThan(0)
  expect(second).not.toEqual(first)
  await reload(name, () => pager.getByRole('button', { name: '上一页' }).click())
  await pager.getByText(/第 1 \/ \d+ 页/).waitFor()
  expect(await column(name, n)).toEqual(first)
}

/** Reads until `read` gives `value` (10 s), then asserts it. */
async function until<T>(read: () => Promise<T>, value: T): Promise<void> {
  let last: T | undefined
  for (let i = 0; i < 100; i++) {
    last = await read()
    if (last === value) return
    await new Promise((r) => setTimeout(r, 100))
  }
  expect(last).toBe(value)
}

/** "2026-11-27 09:30–11:00" → "2026-11-27 09:30" (sortable as text). */
const startOf = (cell: string) => cell.slice(0, 16)

test('志愿活动: the list sorts by start and pages; a roster opens for the chosen activity', async () => {
  await open('activities', 'activities')
  await expect(page.locator('[data-testid="desk-nav-activities"]').getAttribute('aria-current')).resolves.toBe('page')
  await checkSort('activities', '开始时间', 3)
  await checkPager('activities', 1)
  // The roster of one of 张敏's community's activities (organisers only): 仅本社区 first.
  const c1 = (app.cloud.store.get('communities', 'c1') as { name: string }).name
  await table('activities').getByLabel('仅本社区').check()
  const own = rows('activities').filter({ hasText: c1 }).first()
  await own.waitFor({ timeout: 15_000 })
  await own.getByRole('button', { name: '查看名单' }).click()
  const roster = page.locator('[data-testid="desk-roster"]')
  await roster.waitFor()
  await roster.locator('tbody tr').first().waitFor()
  await expect(roster.locator('.desk-table__state--error').count()).resolves.toBe(0)
  await checkSort('roster', '报名时间', 4)
  await roster.scrollIntoViewIfNeeded()
  await shot('activities')
}, 60_000)

test('场地预约: sorted by time both ways, paged; 通过 on a booking waiting for review shows its outcome', async () => {
  await open('bookings', 'bookings')
  await checkSort('bookings', '预约时间', 2, startOf)
  await checkPager('bookings', 2)
  await table('bookings').locator('select').first().selectOption('pending')
  const pending = rows('bookings').filter({ hasText: '待审核' }).first()
  await pending.waitFor({ timeout: 15_000 })
  const id = await pending.getAttribute('data-row')
  await pending.getByRole('button', { name: '通过', exact: true }).click()
  const row = table('bookings').locator(`tr[data-row="${id}"]`)
  await row.getByText('已确认').waitFor()
  await table('bookings').getByRole('status').filter({ hasText: '已通过' }).first().waitFor()
  const stored = app.cloud.store.get('bookings', id!) as { status: string }
  expect(stored.status).toBe('confirmed')
  await shot('bookings')
}, 60_000)

test('问题反映: sorted by report time and deadline, filtered by status, a row opens its details', async () => {
  await open('tickets', 'tickets')
  await checkSort('tickets', '反映时间', 7)
  await checkSort('tickets', '办结时限', 8)
  await checkPager('tickets', 1)
  await table('tickets').locator('select').first().selectOption('closed')
  await until(async () => (await column('tickets', 6)).every((s) => s.startsWith('已办结')) && (await rows('tickets').count()) > 0, true)
  const first = rows('tickets').first()
  const id = (await first.locator('td').first().innerText()).trim()
  await first.locator('td').first().getByRole('button').click()
  const panel = page.locator('[data-testid="desk-ticket-detail"]')
  await panel.getByText('问题描述').waitFor()
  await expect(panel.getByRole('link', { name: '在处理页面打开' }).getAttribute('href')).resolves.toBe(`#/packages/tickets/pages/detail/index?id=${id}`)
  await shot('tickets')
}, 60_000)

test('通知公告: the managed notices sort by publish time, each with 已读 n / 应读 m and a bar', async () => {
  await open('notices', 'notices')
  await checkSort('notices', '发布时间', 4)
  const coverage = page.locator('[data-testid="desk-coverage"]')
  await until(async () => (await coverage.count()) === (await rows('notices').count()), true)
  const texts = await coverage.allInnerTexts()
  for (const text of texts) expect(text).toMatch(/^已读 \d+ \/ 应读 \d+$/)
  await expect(coverage.first().locator('[role="progressbar"]').getAttribute('aria-valuenow')).resolves.toMatch(/^\d+$/)
  await shot('notices')
}, 60_000)

test('数据下载: each export makes an .xlsx the browser downloads', async () => {
  await page.locator('[data-testid="desk-nav-downloads"]').click()
  await page.waitForURL(/packages\/desk\/pages\/downloads\/index/)
  for (const name of ['members', 'utilisation', 'report']) {
    const card = page.locator(`[data-testid="desk-export-${name}"]`)
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), card.getByRole('button', { name: '生成并下载' }).click()])
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/)
    const link = card.getByRole('status').getByRole('link')
    await expect(link.getAttribute('href')).resolves.toMatch(/^\/files\/.+\.xlsx$/)
    const response = await page.request.get(`${app.baseUrl}${await link.getAttribute('href')}`)
    expect(response.status()).toBe(200)
    expect((await response.body()).subarray(0, 2).toString()).toBe('PK')
  }
  await shot('downloads')
}, 90_000)

test('访问记录: the exports just made are listed, done 在电脑上; the kind filter narrows them', async () => {
  await open('audit', 'audit')
  await table('audit').locator('select').first().selectOption('export')
  await until(async () => (await column('audit', 3)).sort().join('|'), ['导出工作报告', '导出报到名单', '导出邻里中心使用率'].sort().join('|'))
  for (const via of await column('audit', 7)) expect(via).toBe('在电脑上')
  await shot('audit')
}, 60_000)
