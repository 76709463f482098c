import { existsSync, mkdirSync, mkdtempSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { createHttpServer } from '../../../emulator/http'
import { startTestCloud, type TestCloud } from '../../support/cloud'

const root = resolve(__dirname, '../../..')
export const screenshotDir = join(root, 'test-results', 'screenshots')

export interface TestApp {
  baseUrl: string
  cloud: TestCloud
  /** A phone-sized page signed in as `openid` (the dev persona), or signed out. */
  newPage(openid?: string): Promise<Page>
  /** Saves a full-page PNG under test-results/screenshots/<name>.png and returns its path. */
  screenshot(page: Page, name: string): Promise<string>
  close(): Promise<void>
}

export const chromiumPath = () => process.env.CHROMIUM_PATH || '/usr/bin/chromium'

/**
 * The H5 build (dist/h5) served by the emulator's HTTP layer over a fresh in-memory cloud with the
 * demo district, and headless Debian Chromium driven by playwright-core.
 */
export async function startApp(): Promise<TestApp> {
  const staticDir = join(root, 'dist', 'h5')
  if (!existsSync(join(staticDir, 'index.html'))) throw new Error('dist/h5 is missing: run `npm run build:h5` first')
  const cloud = await startTestCloud()
  const host = { hasFunction: (name: string) => existsSync(join(root, 'cloudfunctions', name, 'index.ts')), invoke: (name: string, data: unknown, openid?: string) => cloud.call(name, (data as { action: string }).action, data as object, openid) }
  const server = createHttpServer({ host, staticDir, filesDir: join(cloud.dataDir, 'files') })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  process.env.HONGLIN_PUBLIC_URL = baseUrl
  const context: BrowserContext = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'honglin-chromium-')), {
    executablePath: chromiumPath(),
    headless: true,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
  })
  mkdirSync(screenshotDir, { recursive: true })
  return {
    baseUrl,
    cloud,
    async newPage(openid) {
      const page = await context.newPage()
      // Only on the first load of this tab, so a persona switch made in the app sticks.
      await page.addInitScript((id) => {
        if (window.sessionStorage.getItem('honglin.e2e')) return
        window.sessionStorage.setItem('honglin.e2e', '1')
        if (id) window.localStorage.setItem('honglin.openid', id)
        else window.localStorage.removeItem('honglin.openid')
      }, openid ?? '')
      return page
    },
    async screenshot(page, name) {
      const path = join(screenshotDir, `${name}.png`)
      await page.screenshot({ path, fullPage: true })
      return path
    },
    async close() {
      await context.close()
      await new Promise<void>((done) => server.close(() => done()))
      await cloud.close()
    }
  }
}
