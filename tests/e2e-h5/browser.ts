import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

/** Debian's Chromium (`apt-get install -y chromium fonts-noto-cjk`); CHROMIUM_PATH overrides. */
export const chromiumPath = (): string => process.env.CHROMIUM_PATH || '/usr/bin/chromium'

/** The flags that keep headless Chromium quiet and working as root in a container. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run'
]

/** A phone: 390x844 at 2x, Chinese locale, Shanghai time. */
export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai'
} as const

/**
 * Launches headless Chromium with a fresh profile (a persistent context in a new temp dir) and a
 * phone viewport. Close the returned context when done.
 */
export async function launchBrowser(options: { userDataDir?: string } = {}): Promise<BrowserContext> {
  const dir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'honglin-chromium-'))
  return chromium.launchPersistentContext(dir, {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    ...PHONE
  })
}
