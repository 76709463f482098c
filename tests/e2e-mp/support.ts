/**
 * Shared set-up of the miniprogram-automator specs. They need WeChat DevTools (macOS/Windows) with
 * its CLI and "服务端口" enabled, a production weapp build in dist/weapp, and a real AppID with a
 * cloud environment where the functions are deployed (README "Mini-program e2e").
 *
 * The project is launched from a temporary copy (dist/weapp and a project.config.json carrying
 * HONGLIN_APPID): the real project.config.json is never written (automator's own `projectConfig`
 * option would write it in place, so it is not used).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import automator from 'miniprogram-automator'
import type MiniProgram from 'miniprogram-automator/out/MiniProgram'
import type Page from 'miniprogram-automator/out/Page'
import type Element from 'miniprogram-automator/out/Element'
import type { InputElement } from 'miniprogram-automator/out/Element'

export type { MiniProgram, Page, Element }

export const root = resolve(__dirname, '../..')

/** Why the specs cannot run here, or null when they can. */
export function devToolsUnavailable(): string | null {
  const cli = process.env.WECHAT_DEVTOOLS_CLI
  if (!cli) return 'WECHAT_DEVTOOLS_CLI is not set (WeChat DevTools runs only on macOS and Windows)'
  if (!existsSync(cli)) return `WECHAT_DEVTOOLS_CLI (${cli}) does not exist`
  if (!process.env.HONGLIN_APPID) return 'HONGLIN_APPID is not set (the specs need a real AppID with a cloud environment)'
  if (!existsSync(join(root, 'dist/weapp/app.json'))) return 'dist/weapp is missing: run NODE_ENV=production npx taro build --type weapp first'
  return null
}

/** `describe`, or `describe.skip` with the reason printed once per file. */
export function describeWithDevTools(file: string): jest.Describe {
  const why = devToolsUnavailable()
  // Straight to stdout: jest shows no console output of a suite whose tests are all skipped.
  if (why) process.stdout.write(`[e2e-mp] ${file} skipped: ${why}\n`)
  return why ? describe.skip : describe
}

/** Copies the build into a temporary project with HONGLIN_APPID and opens it in DevTools. */
export async function launch(): Promise<{ miniProgram: MiniProgram; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'honglin-mp-'))
  cpSync(join(root, 'dist/weapp'), join(dir, 'dist/weapp'), { recursive: true })
  const config = JSON.parse(readFileSync(join(root, 'project.config.json'), 'utf8'))
  config.appid = process.env.HONGLIN_APPID
  delete config.cloudfunctionRoot // the functions are deployed separately (npm run deploy)
  writeFileSync(join(dir, 'project.config.json'), JSON.stringify(config, null, 2))
  const miniProgram = await automator.launch({ cliPath: process.env.WECHAT_DEVTOOLS_CLI, projectPath: dir, trustProject: true, timeout: 120000 })
  return {
    miniProgram,
    close: async () => {
      try {
        await miniProgram.close()
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }
}

export interface Reply<T = any> {
  ok: boolean
  data?: T
  error?: { code: string; message: string }
}

/**
 * Calls a cloud function as the DevTools user, inside the mini-program (wx.cloud.callFunction;
 * callWxMethod cannot: it takes a plain wx method name). Same payload as the app: `{ action, ...input }`.
 */
export async function callFunction<T = any>(miniProgram: MiniProgram, name: string, action: string, input: Record<string, unknown> = {}): Promise<Reply<T>> {
  const result = await miniProgram.evaluate(
    (fn: string, data: Record<string, unknown>) =>
      new Promise((resolve, reject) => {
        // @ts-ignore wx exists inside the mini-program, where this function runs
        wx.cloud.callFunction({ name: fn, data, success: (res: { result: unknown }) => resolve(res.result), fail: (err: { errMsg?: string }) => reject(new Error(err.errMsg || 'callFunction failed')) })
      }),
    name,
    { ...input, action }
  )
  return result as Reply<T>
}

/** Like callFunction, but the reply must be ok: returns its data. */
export async function ok<T = any>(miniProgram: MiniProgram, name: string, action: string, input: Record<string, unknown> = {}): Promise<T> {
  const reply = await callFunction<T>(miniProgram, name, action, input)
  if (!reply.ok) throw new Error(`${name}.${action} failed: ${reply.error?.code} ${reply.error?.message}`)
  return reply.data as T
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Polls until `probe` returns a value (not undefined/null/false), or fails with `what`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 15000): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(300)
  }
}

/** The visible text of the whole page. */
export async function pageText(page: Page): Promise<string> {
  const body = await page.$('page')
  return body ? await body.text() : ''
}

/** Waits until the page shows `text`. */
export async function waitForText(page: Page, text: string, timeoutMs = 15000): Promise<void> {
  await until(`"${text}" on ${page.path}`, async () => (await pageText(page)).includes(text), timeoutMs)
}

/**
 * The first element matching `selector` that shows one of `texts`: an element whose whole text is
 * one of them wins over one that merely contains it.
 */
export async function findByText(page: Page, selector: string, texts: string | string[], timeoutMs = 15000): Promise<Element> {
  const wanted = Array.isArray(texts) ? texts : [texts]
  return until(`${selector} with "${wanted.join('" or "')}" on ${page.path}`, async () => {
    const all: Element[] = await page.$$(selector)
    const shown = await Promise.all(all.map(async (el) => (await el.text()).trim()))
    const exact = all.find((_, i) => wanted.includes(shown[i]))
    return exact ?? all.find((_, i) => wanted.some((t) => shown[i].includes(t))) ?? null
  }, timeoutMs)
}

/** Taps the element matching `selector` that shows `texts` (e.g. a BigButton: '.hl-button'). */
export async function tapText(page: Page, selector: string, texts: string | string[]): Promise<void> {
  await (await findByText(page, selector, texts)).tap()
}

/** The input/textarea with this placeholder (automator gives both an `input(value)` that fires bindinput). */
export async function byPlaceholder(page: Page, placeholder: string, tag: 'input' | 'textarea' = 'input'): Promise<InputElement> {
  return until(`${tag} "${placeholder}" on ${page.path}`, async () => {
    const all: InputElement[] = await page.$$(tag)
    for (const el of all) if ((await el.attribute('placeholder')) === placeholder) return el
    return null
  })
}

/** reLaunch and wait until the page has rendered something. */
export async function open(miniProgram: MiniProgram, url: string): Promise<Page> {
  const page = await miniProgram.reLaunch(url)
  if (!page) throw new Error(`reLaunch ${url} gave no page`)
  await until(`${url} to render`, async () => (await pageText(page)).trim().length > 0)
  return page
}

/** A per-run marker so what a run creates can be told from earlier runs' records. */
export const runMark = () => `e2e${Date.now().toString(36).slice(-6)}`
