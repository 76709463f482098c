/**
 * Everyday use (issue #18): 首页 shows what needs me above the launcher and 我的 lists my own things
 * with counts, per persona; each count equals what the page it opens lists. Runs on the built H5
 * app over a fresh emulator cloud, at 375×812.
 */
import type { Page } from 'playwright-core'
import type { Overview } from '../../contracts/overview'
import { startApp, type TestApp } from './support/app'

let app: TestApp
beforeAll(async () => {
  app = await startApp()
})
afterAll(() => app?.close())

async function open(openid: string, hash: string): Promise<Page> {
  const page = await app.newPage(openid)
  await page.setViewportSize({ width: 375, height: 812 })
  await page.clock.setFixedTime(new Date(app.cloud.clock.now()))
  await page.goto(`${app.baseUrl}/#${hash}`)
  return page
}

/** Taro H5 keeps tab pages it left in the document, hidden: look at what is shown. */
const shown = (page: Page, testId: string) => page.getByTestId(testId).filter({ visible: true })
const overviewOf = (openid: string) => app.cloud.ok<Overview>('users', 'overview', {}, openid)
const countText = (n: number) => (n > 0 ? String(n) : '暂无')

/** 首页's "需要我处理" block agrees with the overview: queues, rows, or the calm line. */
async function checkHome(page: Page, o: Overview) {
  await page.getByText('需要我处理').waitFor()
  for (const w of o.work) expect(await shown(page, `work-${w.key}`).locator('.ov-work__count').textContent()).toBe(String(w.count))
  if (o.now.nextActivity) await shown(page, 'row-activity').getByText(o.now.nextActivity.title).waitFor()
  if (o.now.nextBooking) await shown(page, 'row-booking').waitFor()
  for (const t of o.now.ticketsToConfirm) await shown(page, `row-ticket-${t.ticketId}`).waitFor()
  if (o.registration?.status === 'pending') await shown(page, 'row-registration').waitFor()
  const calm = !o.now.nextActivity && !o.now.nextBooking && !o.now.ticketsToConfirm.length && o.registration?.status !== 'pending' && !o.work.some((w) => w.count > 0)
  expect(await shown(page, 'now-calm').count()).toBe(calm ? 1 : 0)
  if (o.now.latestNotices.length) await page.getByText('全部通知').waitFor()
  // The launcher stays below.
  const now = await page.getByText('需要我处理').boundingBox()
  const launcher = await page.getByText('便民服务').boundingBox()
  expect(now!.y).toBeLessThan(launcher!.y)
}

test('a resident: 首页 shows what needs her; 我的 counts equal what 我的预约 and 我的报事 list', async () => {
  const o = await overviewOf('demo-resident')
  const page = await open('demo-resident', '/pages/home/index')
  await checkHome(page, o)
  expect(o.work).toEqual([])
  await app.screenshot(page, 'everyday-1-home-resident')

  await page.goto(`${app.baseUrl}/#/pages/mine/index`)
  await shown(page, 'row-bookings').waitFor()
  expect(await shown(page, 'row-bookings').locator('.ov-row__value').textContent()).toBe(countText(o.mine.upcomingBookings))
  expect(await shown(page, 'row-tickets').locator('.ov-row__value').textContent()).toBe(countText(o.mine.openTickets))
  expect(await page.getByText('工作', { exact: true }).count()).toBe(0)
  await app.screenshot(page, 'everyday-2-mine-resident')

  // 我的预约 lists the upcoming bookings (即将开始).
  await shown(page, 'row-bookings').click()
  await page.getByText('即将开始').waitFor()
  if (o.mine.upcomingBookings) await page.locator('.ct-booking').first().waitFor()
  else await page.getByText('没有即将开始的预约').waitFor()
  expect(await page.locator('.ct-booking').count()).toBe(o.mine.upcomingBookings)
  await page.goBack()

  // 我的报事 opens on 未办结 (办理中 + 待我评价), the filter its count is of, listing as many.
  await shown(page, 'row-tickets').click()
  await page.locator('.tk-chip--on', { hasText: '未办结' }).filter({ visible: true }).waitFor()
  const { total } = await app.cloud.ok<{ total: number }>('tickets', 'list', { scope: 'mine', status: 'unfinished' }, 'demo-resident')
  expect(total).toBe(o.mine.openTickets)
  if (total) await page.locator('.tk-count', { hasText: `共 ${total} 件` }).filter({ visible: true }).waitFor()
  await page.waitForTimeout(500) // the page's slide-in
  await app.screenshot(page, 'everyday-2b-tickets-unfinished')
  await page.close()
})

test('a member: 我的报名 opens the 活动 tab on 我报名的, listing as many as 我的 counts', async () => {
  const o = await overviewOf('demo-member')
  const page = await open('demo-member', '/pages/home/index')
  await checkHome(page, o)
  await app.screenshot(page, 'everyday-3-home-member')

  await page.goto(`${app.baseUrl}/#/pages/mine/index`)
  await shown(page, 'row-signUps').waitFor()
  for (const key of ['claimed', 'teams', 'registration']) await shown(page, `row-${key}`).waitFor()
  expect(await shown(page, 'row-signUps').locator('.ov-row__value').textContent()).toBe(countText(o.mine.upcomingSignUps))
  await app.screenshot(page, 'everyday-4-mine-member')
  await shown(page, 'row-signUps').click()
  await page.locator('[aria-selected="true"]', { hasText: '我报名的' }).waitFor()
  if (o.mine.upcomingSignUps) await page.getByText(`我报名的活动共 ${o.mine.upcomingSignUps} 个`).waitFor()
  else await page.getByText('您还没有报名活动').waitFor()
  await app.screenshot(page, 'everyday-5-activities-mine')
  await page.close()
})

test('staff and the district admin: their work queues with counts, each opening its page', async () => {
  for (const openid of ['demo-staff', 'demo-admin']) {
    const o = await overviewOf(openid)
    expect(o.work.length).toBeGreaterThan(0)
    const page = await open(openid, '/pages/home/index')
    await checkHome(page, o)
    await app.screenshot(page, `everyday-6-home-${openid}`)
    await page.goto(`${app.baseUrl}/#/pages/mine/index`)
    await page.getByText('工作', { exact: true }).waitFor()
    for (const w of o.work) expect(await shown(page, `work-${w.key}`).locator('.ov-work__count').textContent()).toBe(String(w.count))
    await app.screenshot(page, `everyday-7-mine-${openid}`)
    await page.close()
  }
  // 预约审核 from 首页 opens the review page.
  const page = await open('demo-staff', '/pages/home/index')
  await shown(page, 'work-bookings').click()
  await page.waitForURL(/centers\/pages\/review/)
  await page.close()
})

test('消息设置 and 帮助 open from 我的 and lead back', async () => {
  const page = await open('demo-member', '/pages/mine/index')
  await shown(page, 'row-settings').click()
  await page.getByText('重要通知提醒').waitFor()
  // 我的 has the same switch; while the settings page slides in both show: the newer is last.
  await shown(page, 'care-switch').last().waitFor()
  await shown(page, 'ranking-switch').waitFor()
  await page.waitForTimeout(500) // the page's slide-in
  await app.screenshot(page, 'everyday-8-settings')
  await page.getByText('返回我的').click()
  await shown(page, 'row-help').click()
  await page.getByText('常见问题').waitFor()
  await page.getByText('关怀模式是什么？').waitFor()
  await page.getByText('找社区', { exact: true }).waitFor()
  // Her community's centre, whose number is the one to call.
  await shown(page, 'help-center').waitFor()
  await page.waitForTimeout(500)
  await app.screenshot(page, 'everyday-9-help')
  await page.getByText('返回我的').click()
  await shown(page, 'row-signUps').waitFor()
  await page.close()
})
