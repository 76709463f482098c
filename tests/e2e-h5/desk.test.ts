/**
 * The PC back office, sign-in by scan (issue #19, docs/back-office.md §7 journey 1), at 1280×800 on
 * the emulator build: the PC shows a QR code; the phone side (demo-staff, 张敏) scans and confirms
 * through the API; the PC is then 张敏, with the side navigation and her community's dashboard.
 * Revoked from the phone, the PC's next call lands on the sign-in page with 登录已失效. 退出登录 on
 * the PC ends its session.
 */
import type { Page } from 'playwright-core'
import { startApp, type TestApp } from './support/app'

const SIGNIN = '/packages/desk/pages/signin/index'

let app: TestApp

beforeAll(async () => {
  app = await startApp()
}, 120_000)

afterAll(async () => {
  await app?.close()
})

const shot = (page: Page, name: string) => app.screenshot(page, name)

/** A PC browser at 1280×800. A dev persona is left in its storage on purpose: the desk never sends it. */
async function pcPage(): Promise<Page> {
  const page = await app.newPage('demo-resident')
  await page.setViewportSize({ width: 1280, height: 800 })
  return page
}

/** Opens the sign-in page and reads the QR code's scene from it. */
async function showQr(page: Page): Promise<string> {
  await page.goto(`${app.baseUrl}/#${SIGNIN}`)
  const qr = page.locator('[data-testid="desk-qr"]')
  await qr.waitFor({ timeout: 20_000 })
  const scene = await qr.getAttribute('data-scene')
  expect(scene).toMatch(/^[A-Za-z0-9]{16}$/)
  expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/)
  return scene!
}

/** The phone side: demo-staff scans and confirms. */
async function confirmOnPhone(page: Page, scene: string): Promise<void> {
  const scanned = await app.cloud.ok('auth', 'deskScan', { scene }, 'demo-staff')
  expect(scanned.client.ua).toContain('Chrome')
  await page.getByText('已扫码，请在手机上确认').waitFor({ timeout: 10_000 })
  await shot(page, 'desk-2-scanned')
  await app.cloud.ok('auth', 'deskConfirm', { scene }, 'demo-staff')
  await page.waitForURL(/packages\/desk\/pages\/home\/index/, { timeout: 15_000 })
  await page.locator('[data-testid="desk-who"]').getByText('张敏').waitFor({ timeout: 15_000 })
}

test('sign-in by scan: the PC becomes 张敏; revoked from the phone, it is signed out at its next call', async () => {
  const page = await pcPage()
  const scene = await showQr(page)
  await page.getByText('请使用红邻小程序扫码', { exact: false }).waitFor()
  await shot(page, 'desk-1-signin')

  await confirmOnPhone(page, scene)
  await page.locator('[data-testid="desk-nav-home"]').getByText('首页').waitFor()
  await page.locator('[data-testid="desk-who"]').getByText('社区工作者').waitFor()
  await page.locator('[data-testid="desk-dashboard"]').waitFor({ timeout: 20_000 })
  await page.getByText('党建联建看板', { exact: false }).first().waitFor()
  // The layout is the desk's own, in CSS pixels: the side navigation is 220 px wide at 1280.
  const side = await page.locator('.desk__side').boundingBox()
  expect(Math.round(side!.width)).toBe(220)
  await shot(page, 'desk-3-home')

  const session = app.cloud.store.findOne('deskSessions', { scene })!
  expect(session).toMatchObject({ status: 'active', openid: 'demo-staff' })

  // 我的 → 登录设备 on the phone: this PC, signed out from there.
  const mine = await app.cloud.ok('auth', 'mySessions', {}, 'demo-staff')
  const row = mine.items.find((s: { sid: string }) => s.sid === session._id)
  expect(row).toBeTruthy()
  await app.cloud.ok('auth', 'deskRevoke', { sid: row.sid }, 'demo-staff')

  await page.reload()
  await page.locator('[data-testid="desk-ended"]').getByText('登录已失效，请重新扫码登录').waitFor({ timeout: 15_000 })
  await page.locator('[data-testid="desk-qr"]').waitFor({ timeout: 20_000 })
  expect(page.url()).toContain(SIGNIN)
  expect(await page.evaluate(() => window.localStorage.getItem('honglin.desk.session'))).toBe('anonymous')
  await shot(page, 'desk-4-ended')
  await page.close()
})

test('退出登录 on the PC ends its session; a narrow window is asked for a wider one', async () => {
  const page = await pcPage()
  const scene = await showQr(page)
  await confirmOnPhone(page, scene)
  const sid = app.cloud.store.findOne('deskSessions', { scene })!._id
  await page.getByText('退出登录').click()
  await page.waitForURL(new RegExp(SIGNIN.replace(/\//g, '\\/')), { timeout: 15_000 })
  await page.locator('[data-testid="desk-qr"]').waitFor({ timeout: 20_000 })
  expect(app.cloud.store.get('deskSessions', sid)).toMatchObject({ status: 'ended' })
  expect(await page.locator('[data-testid="desk-ended"]').count()).toBe(0)

  await page.setViewportSize({ width: 900, height: 800 })
  await page.getByText('请在宽度不小于 1024 像素的电脑浏览器中使用').waitFor()
  await shot(page, 'desk-5-narrow')
  await page.close()
})
