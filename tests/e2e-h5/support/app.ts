import { existsSync, mkdirSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, resolve } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import type { Invoker } from '../../../emulator/host'
import { createHttpServer } from '../../../emulator/http'
import { startTestCloud, type TestCloud } from '../../support/cloud'
import { launchBrowser } from '../browser'

const root = resolve(__dirname, '../../..')
export const screenshotDir = join(root, 'test-results', 'screenshots')

/** The H5 build the journeys run on: dist/h5, or HONGLIN_H5_DIR when it was built elsewhere (config/index.ts). */
export function h5Dir(): string {
  return process.env.HONGLIN_H5_DIR ? resolve(root, process.env.HONGLIN_H5_DIR) : join(root, 'dist', 'h5')
}

export interface TestApp {
  baseUrl: string
  cloud: TestCloud
  /** A phone-sized page signed in as `openid` (the dev persona), or signed out. */
  newPage(openid?: string): Promise<Page>
  /** Saves a full-page PNG under test-results/screenshots/<name>.png and returns its path. */
  screenshot(page: Page, name: string): Promise<string>
  close(): Promise<void>
}

/** HONGLIN_E2E_PORT pins the port the H5 app is served on (default: any free port). */
const port = Number(process.env.HONGLIN_E2E_PORT || 0)

function listen(server: Server): Promise<void> {
  return new Promise<void>((done, fail) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      fail(
        new Error(
          error.code === 'EADDRINUSE'
            ? `[e2e-h5] port ${port} on 127.0.0.1 is taken (HONGLIN_E2E_PORT): stop what uses it (\`lsof -i :${port}\`) or unset HONGLIN_E2E_PORT to use a free port.`
            : `[e2e-h5] the emulator's HTTP server could not listen on 127.0.0.1:${port}: ${error.message}`
        )
      )
    )
    server.listen(port, '127.0.0.1', done)
  })
}

/** Closes within `ms` whatever happens, so an afterAll never hangs the run. */
async function bounded(what: string, work: () => Promise<unknown>, ms = 10000): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<void>((done) => {
    timer = setTimeout(() => {
      console.warn(`[e2e-h5] ${what} did not close within ${ms / 1000} s; going on`)
      done()
    }, ms)
  })
  try {
    await Promise.race([work().catch((error) => console.warn(`[e2e-h5] closing ${what} failed: ${error instanceof Error ? error.message : error}`)), timeout])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * The H5 build (dist/h5) served by the emulator's HTTP layer over a fresh in-memory cloud with the
 * demo district, and headless Chromium (tests/e2e-h5/browser.ts) driven by playwright-core. If any
 * part fails to start, the parts already started are closed before the error is thrown.
 */
export async function startApp(): Promise<TestApp> {
  const staticDir = h5Dir()
  if (!existsSync(join(staticDir, 'index.html'))) throw new Error('dist/h5 is missing: run `NODE_ENV=production npx taro build --type h5` first')
  let cloud: TestCloud | undefined
  let server: Server | undefined
  let context: BrowserContext | undefined
  const close = async () => {
    if (context) await bounded('the browser', () => context!.close())
    if (server) {
      const s = server
      s.closeAllConnections()
      await bounded('the HTTP server', () => new Promise<void>((done) => s.close(() => done())))
    }
    if (cloud) await bounded('the emulator cloud', () => cloud!.close())
  }
  try {
    cloud = await startTestCloud()
    const testCloud = cloud
    // The emulator's CloudBase auth too: the back office's PC signs in with it (tests/e2e-h5/desk.test.ts).
    const host = {
      hasFunction: (name: string) => existsSync(join(root, 'cloudfunctions', name, 'index.ts')),
      invoke: (name: string, data: unknown, invoker?: Invoker) => testCloud.call(name, (data as { action: string }).action, data as object, invoker),
      auth: testCloud.auth
    }
    server = createHttpServer({ host, staticDir, filesDir: join(cloud.dataDir, 'files') })
    await listen(server)
    context = await launchBrowser()
  } catch (error) {
    await close()
    throw error
  }
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  process.env.HONGLIN_PUBLIC_URL = baseUrl
  const browser = context
  mkdirSync(screenshotDir, { recursive: true })
  return {
    baseUrl,
    cloud,
    async newPage(openid) {
      const page = await browser.newPage()
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
    close
  }
}
