/**
 * No dead ends (issue #18, part 3): a missing record says why and offers 返回 or 回首页; H5 sub-pages
 * carry a navigation bar with the page's title and a back arrow; the 物业企业 page opens on a month
 * whose results are published; a finished 报事 replaces its form with what happens next.
 */
import type { Page } from 'playwright-core'
import { startApp, type TestApp } from './support/app'

let app: TestApp
beforeAll(async () => {
  app = await startApp()
})
afterAll(() => app?.close())

/** Taro H5 keeps earlier pages of the stack in the DOM (hidden): only look at what is shown. */
const shown = (page: Page, text: string, exact = true) => page.getByText(text, { exact }).locator('visible=true').first()
const navbar = (page: Page) => page.locator('[data-testid="navbar"]:visible')
const errorState = (page: Page) => page.locator('[data-testid="error-state"]:visible')
/** A screenshot once Taro's page slide-in has finished. */
async function snap(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(600)
  await app.screenshot(page, name)
}

async function open(openid: string, path: string): Promise<Page> {
  const page = await app.newPage(openid)
  await page.setViewportSize({ width: 375, height: 812 })
  // The app's clock is the test cloud's (deadlines and 'today' as the server sees them).
  await page.clock.setFixedTime(new Date(app.cloud.clock.now()))
  await page.goto(`${app.baseUrl}/#${path}`)
  return page
}

test('a missing record says why, and leads home when opened by a link or back when reached from a page', async () => {
  // Opened first (a shared link): the message, why, and 回首页.
  const page = await open('demo-resident', '/packages/tickets/pages/detail/index?id=T0000BOGUS')
  await shown(page, '问题反映不存在').waitFor()
  await shown(page, '可能已被删除或您没有查看权限').waitFor()
  await expect(errorState(page).getByText('重试', { exact: true }).count()).resolves.toBe(0)
  await navbar(page).getByText('问题详情', { exact: true }).waitFor()
  await navbar(page).getByText('首页', { exact: true }).waitFor()
  await snap(page, 'dead-ends-1-missing-first-page')
  await errorState(page).getByText('回首页', { exact: true }).click()
  await page.waitForFunction(() => window.location.hash.includes('/pages/home/index'))
  // The tab pages have the tab bar, not the navigation bar.
  await errorState(page).waitFor({ state: 'hidden' })
  await page.locator('.hl-page:visible').first().waitFor()
  expect(await navbar(page).count()).toBe(0)

  // Reached from a list (the report was withdrawn meanwhile): 返回 goes back to the list.
  const list = await open('demo-resident', '/packages/tickets/pages/work/index?scope=mine')
  const card = list.locator('[data-ticket-id]:visible').first()
  await card.waitFor()
  const id = await card.getAttribute('data-ticket-id')
  expect(app.cloud.store.deleteOne('tickets', { _id: id })).toBe(1)
  await card.click()
  await shown(list, '问题反映不存在').waitFor()
  await navbar(list).getByText('返回', { exact: true }).waitFor()
  await snap(list, 'dead-ends-2-missing-from-list')
  await errorState(list).getByText('返回', { exact: true }).click()
  await list.waitForFunction(() => window.location.hash.includes('/packages/tickets/pages/work/index'))
  await navbar(list).getByText('三方联动', { exact: true }).waitFor()
  await list.close()
  await page.close()
})

test('an H5 sub-page has a navigation bar with its title whose back arrow returns', async () => {
  const page = await open('demo-resident', '/packages/tickets/pages/work/index')
  await navbar(page).getByText('三方联动', { exact: true }).waitFor()
  // Opened first: the arrow leads home.
  await navbar(page).getByText('首页', { exact: true }).waitFor()
  const box = await navbar(page).boundingBox()
  expect(box!.height).toBeGreaterThanOrEqual(44)
  expect(box!.y).toBe(0)
  expect(box!.width).toBe(375)
  await shown(page, '我要报事').click()
  await navbar(page).getByText('我要报事', { exact: true }).waitFor()
  await navbar(page).getByText('返回', { exact: true }).waitFor()
  await snap(page, 'dead-ends-3-navbar')
  // Still there after scrolling (sticky): the form moved up, the bar did not.
  const field = page.locator('textarea').filter({ visible: true }).first()
  const before = (await field.boundingBox())!.y
  await page.mouse.move(187, 500)
  await page.mouse.wheel(0, 1200)
  for (let i = 0; i < 50 && (await field.boundingBox())!.y >= before - 100; i++) await page.waitForTimeout(100)
  expect((await field.boundingBox())!.y).toBeLessThan(before - 100)
  expect((await navbar(page).boundingBox())!.y).toBe(0)
  await page.locator('[data-testid="navbar-back"]:visible').click()
  await page.waitForFunction(() => window.location.hash.includes('/packages/tickets/pages/work/index'))
  await navbar(page).getByText('三方联动', { exact: true }).waitFor()
  await page.close()
})

test('the 物业企业 page opens on the newest month whose results are published', async () => {
  const published = (app.cloud.store.find('rankings', { status: 'published' }) as { month: string }[]).map((r) => r.month).sort()
  const latest = published[published.length - 1]
  expect(latest).toBeTruthy()
  // The month after it is not published: what the page used to open on (「尚未公示」).
  const [y, m] = latest.split('-').map(Number)
  const after = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
  const refused = await app.cloud.call('companies', 'scorecard', { companyId: 'co1', month: after }, 'demo-resident')
  expect(refused.ok).toBe(false)

  const label = `${y}年${m}月考评`
  for (const id of ['co1', 'pi1']) {
    const page = await open('demo-resident', `/packages/tickets/pages/company/index?id=${id}`)
    await shown(page, label).waitFor()
    await shown(page, '考评得分').waitFor()
    expect(await page.getByText('尚未公示', { exact: false }).locator('visible=true').count()).toBe(0)
    if (id === 'co1') await snap(page, 'dead-ends-4-company-published-month')
    await page.close()
  }
})

test('a finished 报事 replaces its form with what happens next, and its buttons lead on', async () => {
  const page = await open('demo-resident', '/packages/tickets/pages/create/index')
  await shown(page, '1. 什么问题').waitFor()
  await page.locator('[data-category="drain"]').click()
  await page.locator('textarea:visible').first().fill('2号楼北侧雨水井盖松动，踩上去会晃，怕老人孩子摔倒')
  await shown(page, '提交反映').click()
  const success = page.locator('[data-testid="success-state"]:visible')
  await success.getByText('已提交，将尽快处理', { exact: true }).waitFor()
  const ticket = app.cloud.store.find('tickets', { reporterOpenid: 'demo-resident' }).find((t: any) => t.description.startsWith('2号楼北侧雨水井盖'))!
  expect(ticket).toBeTruthy()
  await success.getByText(`编号 ${ticket._id}`, { exact: false }).waitFor()
  // The form and its submit button are gone.
  expect(await page.getByText('提交反映', { exact: true }).locator('visible=true').count()).toBe(0)
  expect(await page.locator('textarea:visible').count()).toBe(0)
  await success.getByText('回首页', { exact: true }).waitFor()
  await snap(page, 'dead-ends-5-report-sent')

  await success.getByText('查看详情', { exact: true }).click()
  await shown(page, '办理经过').waitFor()
  await shown(page, `编号 ${ticket._id}`).waitFor()
  await page.locator('[data-testid="navbar-back"]:visible').click()
  await success.getByText('我反映的问题', { exact: true }).click()
  await page.locator(`[data-ticket-id="${ticket._id}"]:visible`).waitFor()
  expect(await page.locator('.tk-chip--on:visible', { hasText: '我反映的' }).count()).toBe(1)
  await snap(page, 'dead-ends-6-my-reports')
  await page.close()
})

test('links from 我的 open the list they name; a title the page sets itself shows in the bar', async () => {
  // The property company's default list is its queue; 我的 → 我的报事 opens its own reports.
  const reports = await open('demo-property', '/packages/tickets/pages/work/index?scope=mine')
  await reports.locator('.tk-chip--on:visible', { hasText: '我反映的' }).waitFor()
  await reports.close()
  // A member's default list is 待认领; 我的 → 我的心愿 opens what they claimed or posted.
  for (const [scope, label] of [
    ['claimed', '我认领的'],
    ['mine', '我发布的']
  ]) {
    const wishes = await open('demo-member', `/packages/tickets/pages/wishes/index?scope=${scope}`)
    await wishes.locator('.tk-chip--on:visible', { hasText: label }).waitFor()
    await wishes.close()
  }

  const center = app.cloud.store.findOne('centers', {}) as { _id: string; name: string }
  const page = await open('demo-resident', `/packages/centers/pages/center/index?id=${center._id}`)
  await navbar(page).getByText(center.name, { exact: true }).waitFor()
  await page.close()
})
