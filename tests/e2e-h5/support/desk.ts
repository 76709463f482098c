/**
 * Signing a PC into the back office by scan, for e2e tests (docs/back-office.md §7): a 1280×800 page
 * opens the sign-in page, reads the QR code's scene, the phone side (`openid`) scans and confirms
 * through the API, and the page lands on the desk home as that person. A desk login left in the
 * browser's storage by an earlier page is cleared first (one desk person per browser at a time).
 */
import type { Page } from 'playwright-core'
import type { TestApp } from './app'

export const DESK_SIGNIN = '/packages/desk/pages/signin/index'

export async function signInDesk(app: TestApp, openid: string): Promise<Page> {
  // A dev persona is left in its storage on purpose: the desk never sends it.
  const page = await app.newPage('demo-resident')
  // The browser's pages share one storage: a desk login left by an earlier page (another person's,
  // or this one's) is cleared on this page's first load, so the sign-in page shows a fresh QR code.
  await page.addInitScript(() => {
    if (window.sessionStorage.getItem('honglin.e2e.desk')) return
    window.sessionStorage.setItem('honglin.e2e.desk', '1')
    for (const key of Object.keys(window.localStorage)) if (key !== 'honglin.openid') window.localStorage.removeItem(key)
  })
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto(`${app.baseUrl}/#${DESK_SIGNIN}`)
  const qr = page.locator('[data-testid="desk-qr"]')
  await qr.waitFor({ timeout: 20_000 })
  const scene = await qr.getAttribute('data-scene')
  if (!scene || !/^[A-Za-z0-9]{16}$/.test(scene)) throw new Error(`no QR scene on the sign-in page: ${scene}`)
  await app.cloud.ok('auth', 'deskScan', { scene }, openid)
  await page.getByText('已扫码，请在手机上确认').waitFor({ timeout: 10_000 })
  await app.cloud.ok('auth', 'deskConfirm', { scene }, openid)
  await page.waitForURL(/packages\/desk\/pages\/home\/index/, { timeout: 15_000 })
  await page.locator('[data-testid="desk-who"]').waitFor({ timeout: 15_000 })
  return page
}
