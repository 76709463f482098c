/**
 * 政策宣讲与通知 on H5: staff publish to one building (锦绣花园 2号楼); a member there sees the
 * unread badge on the 首页 tab and reads it; a resident of another building does not see it (not
 * in the list, not by its link); staff see the coverage change.
 */
import type { Page } from 'playwright-core'
import { startApp, type TestApp } from './support/app'

let app: TestApp
beforeAll(async () => {
  app = await startApp()
}, 120_000)
afterAll(() => app?.close())

const TITLE = '2号楼电梯年检停运通知'

/** A persona's page that fails fast (20 s per step) and reports page errors. */
async function open(openid: string): Promise<Page> {
  const page = await app.newPage(openid)
  page.setDefaultTimeout(20_000)
  page.on('pageerror', (e) => console.log('[pageerror]', e.message))
  return page
}
const url = (path: string) => `${app.baseUrl}/#${path}`

async function badge(page: Page): Promise<string | null> {
  const el = page.locator('.taro-tabbar-badge').first()
  return (await el.count()) ? (await el.textContent())?.trim() ?? null : null
}

/** A screenshot once page transitions and toasts have settled. */
async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(900)
  await app.screenshot(page, name)
}

/** Waits until the tab badge shows `expected` (the count arrives after the page's call). */
async function badgeBecomes(page: Page, expected: string): Promise<void> {
  const deadline = Date.now() + 10_000
  let seen: string | null = null
  while (Date.now() < deadline) {
    seen = await badge(page)
    if (seen === expected) return
    await page.waitForTimeout(200)
  }
  throw new Error(`tab badge shows ${seen}, expected ${expected}`)
}

test('publish to one building, read it there, not elsewhere, and watch coverage', async () => {
  // 1. Staff publish to 锦绣花园 2号楼.
  let page = await open('demo-staff')
  await page.goto(url('/packages/notices/pages/publish/index'))
  await page.locator('input[placeholder^="例如"]').fill(TITLE)
  await page.getByText('安全提示', { exact: true }).click()
  await page.locator('textarea').first().fill('12月2日上午电梯年检，停运约2小时。\n\n- 请老人错峰出行\n- 如需帮助请联系楼栋党小组')
  await page.getByText('指定楼栋', { exact: true }).click()
  await page.getByText('锦绣花园', { exact: true }).click()
  await page.getByText('2号楼', { exact: true }).click()
  await page.getByText('已选 1 栋：锦绣花园2号楼').waitFor()
  await shot(page, 'notices-01-staff-publish-form')
  await page.locator('.hl-button', { hasText: '立即发布' }).click()
  await page.waitForURL(/packages\/notices\/pages\/detail\/index\?id=/, { timeout: 15_000 })
  await page.getByText('发布管理').waitFor()
  const noticeId = new URL(page.url().replace('/#/', '/')).searchParams.get('id')!
  expect(noticeId).toBeTruthy()
  const stored = app.cloud.store.get('notices', noticeId)!
  expect(stored.audienceKeys).toEqual(['building:c1g1b2'])
  expect(stored.body).toBe('<p>12月2日上午电梯年检，停运约2小时。</p><ul><li>请老人错峰出行</li><li>如需帮助请联系楼栋党小组</li></ul>')
  await shot(page, 'notices-02-staff-detail')

  await page.locator('.hl-button', { hasText: '查看阅读情况' }).click()
  await page.waitForURL(/pages\/stats\/index/)
  await page.getByText(/已读 0 人 \/ 应读 \d+ 人/).waitFor()
  await shot(page, 'notices-03-staff-coverage-before')
  await page.close()

  // 2. A member in 2号楼: the badge counts it; reading it clears one.
  const unread = (await app.cloud.ok('notices', 'unreadCount', {}, 'demo-member')).count
  expect(unread).toBeGreaterThan(1)
  page = await open('demo-member')
  await page.goto(url('/pages/home/index'))
  await page.locator('.taro-tabbar-badge').waitFor()
  await badgeBecomes(page, String(unread))
  await shot(page, 'notices-04-member-home-badge')
  await page.goto(url('/packages/notices/pages/list/index'))
  await page.getByText(TITLE).waitFor()
  await shot(page, 'notices-05-member-list')
  await page.getByText(TITLE).click()
  await page.getByText('请老人错峰出行', { exact: true }).waitFor()
  await shot(page, 'notices-06-member-detail')
  expect(app.cloud.store.get('noticeReads', `${noticeId}:demo-member`)).not.toBeNull()
  await page.goto(url('/pages/home/index'))
  await badgeBecomes(page, String(unread - 1))
  await page.close()

  // 3. A resident of 1号楼 does not see it, even with its link.
  page = await open('demo-resident')
  await page.goto(url('/packages/notices/pages/list/index'))
  await page.getByText('《物业管理条例》').first().waitFor()
  expect(await page.getByText(TITLE).count()).toBe(0)
  await shot(page, 'notices-07-resident-list')
  await page.goto(url(`/packages/notices/pages/detail/index?id=${noticeId}`))
  await page.getByText('通知不存在，或已撤回、已过期').waitFor()
  expect(await page.getByText('请老人错峰出行', { exact: true }).count()).toBe(0)
  await shot(page, 'notices-08-resident-denied')
  await page.close()

  // 4. Staff see the coverage change, and who in 2号楼 still has to be told.
  page = await open('demo-staff')
  await page.goto(url(`/packages/notices/pages/stats/index?id=${noticeId}`))
  await page.getByText(/已读 1 人 \/ 应读 \d+ 人/).waitFor()
  await page.locator('.nt-row', { hasText: '2号楼' }).first().click()
  await page.getByText('未读名单', { exact: true }).waitFor()
  expect(await page.getByText('李明', { exact: true }).count()).toBe(0)
  await shot(page, 'notices-09-staff-building-unread')
  await page.close()
}, 120_000)
