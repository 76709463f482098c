/**
 * The browser the H5 journeys drive, and how it gets onto a machine that has none.
 *
 * - `CHROMIUM_PATH` names a Chromium of the machine's own (say Debian's `/usr/bin/chromium`): it
 *   is used as it is, with the packaged Chinese font added to the fonts it already sees.
 * - Otherwise the Chromium that `npm install` brought in `@sparticuz/chromium` (a headless-shell
 *   build carried inside the package's tarball: no apt, no download at run time) is unpacked once
 *   into `node_modules/.cache/honglin-chromium/` (~3 s) and used from there.
 *
 * Chinese text: the packaged Chromium has its own fontconfig, which is pointed (FONTCONFIG_FILE)
 * at a fonts.conf written next to it. That lists Open Sans (shipped by @sparticuz/chromium) and
 * Noto Sans SC (the variable font of @fontsource-variable/noto-sans-sc, whose WOFF2 subsets are
 * unpacked to TrueType with `wawoff2`, because fontconfig reads TrueType and not WOFF2).
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { createBrotliDecompress } from 'node:zlib'
import { chromium, type BrowserContext } from 'playwright-core'

const root = resolve(__dirname, '../..')

/** The flags that keep headless Chromium quiet and working as root in a container. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--no-zygote',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--font-render-hinting=none'
]

/** A phone: 390x844 at 2x, Chinese locale, Shanghai time. */
export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai'
} as const

/** How long a launch may take before it counts as failed (the packaged one starts in ~1 s). */
export const LAUNCH_TIMEOUT_MS = 30000

export interface ResolvedBrowser {
  executablePath: string
  /** Environment for the browser process (FONTCONFIG_FILE). */
  env: Record<string, string>
  /** Where it came from, for messages. */
  source: string
}

/** The hint printed with every browser failure. */
export const BROWSER_HELP =
  'The H5 tests use the Chromium that `npm install` puts in node_modules/@sparticuz/chromium ' +
  '(run `npm install` again if it is missing), or the Chromium named by CHROMIUM_PATH. ' +
  'To try it alone: `npx tsx tests/e2e-h5/support/check-browser.ts`.'

const ENV_PATH = 'HONGLIN_E2E_CHROMIUM'
const ENV_FONTCONFIG = 'HONGLIN_E2E_FONTCONFIG_FILE'
const ENV_SOURCE = 'HONGLIN_E2E_CHROMIUM_SOURCE'

function packageDir(name: string): string {
  let entry: string
  try {
    entry = require.resolve(name)
  } catch {
    throw new Error(`the npm package ${name} is not installed. ${BROWSER_HELP}`)
  }
  let dir = dirname(entry)
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== name) {
    const up = dirname(dir)
    if (up === dir) throw new Error(`cannot find the folder of ${name} from ${entry}`)
    dir = up
  }
  return dir
}

function version(dir: string): string {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version
}

function cacheRoot(): string {
  return process.env.HONGLIN_BROWSER_CACHE || join(root, 'node_modules', '.cache', 'honglin-chromium')
}

/**
 * Builds `target` once: `build(stage)` fills a fresh sibling folder, which is then renamed into
 * place, so a crash halfway never leaves a half-unpacked browser that looks ready, and two
 * processes doing it at once both end up with one complete copy.
 */
async function once(target: string, build: (stage: string) => Promise<void>): Promise<string> {
  if (existsSync(join(target, '.ready'))) return target
  mkdirSync(dirname(target), { recursive: true })
  // Half-built folders left by a process that died more than ten minutes ago.
  for (const name of readdirSync(dirname(target))) {
    const path = join(dirname(target), name)
    if (name.startsWith(`${basename(target)}.tmp-`) && Date.now() - statSync(path).mtimeMs > 600000) rmSync(path, { recursive: true, force: true })
  }
  const stage = mkdtempSync(`${target}.tmp-`)
  try {
    await build(stage)
    writeFileSync(join(stage, '.ready'), new Date().toISOString())
    if (existsSync(target) && !existsSync(join(target, '.ready'))) rmSync(target, { recursive: true, force: true })
    try {
      renameSync(stage, target)
    } catch (error) {
      if (!existsSync(join(target, '.ready'))) throw error
    }
  } finally {
    rmSync(stage, { recursive: true, force: true })
  }
  return target
}

async function unbrotli(source: string, target: string): Promise<void> {
  await pipeline(createReadStream(source), createBrotliDecompress(), createWriteStream(target, { mode: 0o755 }))
}

async function untarBrotli(source: string, targetDir: string, from: string): Promise<void> {
  // tar-fs comes with @sparticuz/chromium (a dependency of it, resolved from its folder).
  const tar = createRequire(join(from, 'package.json'))('tar-fs') as { extract(dir: string): NodeJS.WritableStream }
  mkdirSync(targetDir, { recursive: true })
  await pipeline(createReadStream(source), createBrotliDecompress(), tar.extract(targetDir))
}

/** Noto Sans SC as TrueType (fontconfig cannot read the package's WOFF2), in its own cached folder. */
async function prepareCjkFont(): Promise<string> {
  const pkg = packageDir('@fontsource-variable/noto-sans-sc')
  const target = join(cacheRoot(), `noto-sans-sc-${version(pkg)}`)
  return once(target, async (stage) => {
    const { decompress } = require('wawoff2') as { decompress(input: Buffer): Promise<Uint8Array> }
    const files = readdirSync(join(pkg, 'files')).filter((f) => f.endsWith('.woff2'))
    if (files.length === 0) throw new Error(`no .woff2 files in ${join(pkg, 'files')}`)
    for (const file of files) {
      const ttf = await decompress(readFileSync(join(pkg, 'files', file)))
      writeFileSync(join(stage, file.replace(/\.woff2$/, '.ttf')), ttf)
    }
  })
}

function fontsConf(dirs: string[], cacheDir: string, includeSystem: boolean): string {
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
    '<fontconfig>',
    ...(includeSystem ? ['  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>'] : []),
    ...dirs.map((dir) => `  <dir>${dir}</dir>`),
    `  <cachedir>${cacheDir}</cachedir>`,
    '</fontconfig>',
    ''
  ].join('\n')
}

/** The packaged Chromium, unpacked once; returns the folder holding `chromium` and `fonts.conf`. */
async function preparePackagedChromium(cjkFontDir: string): Promise<string> {
  const pkg = packageDir('@sparticuz/chromium')
  const bin = join(pkg, 'bin')
  if (!existsSync(join(bin, 'chromium.br'))) throw new Error(`${join(bin, 'chromium.br')} is missing (an incomplete install?). ${BROWSER_HELP}`)
  const target = join(cacheRoot(), `chromium-${version(pkg)}`)
  // A ready folder whose binary has gone (cleaned by hand) is unpacked again.
  if (existsSync(join(target, '.ready')) && !existsSync(join(target, 'chromium'))) rmSync(target, { recursive: true, force: true })
  return once(target, async (stage) => {
    await unbrotli(join(bin, 'chromium.br'), join(stage, 'chromium'))
    // SwiftShader's GL libraries sit beside the binary, where Chromium looks for them.
    await untarBrotli(join(bin, 'swiftshader.tar.br'), stage, pkg)
    await untarBrotli(join(bin, 'fonts.tar.br'), join(stage, 'sparticuz-fonts'), pkg)
    const latin = join(target, 'sparticuz-fonts', 'fonts')
    writeFileSync(join(stage, 'fonts.conf'), fontsConf([latin, cjkFontDir], join(target, 'fontconfig-cache'), false))
  })
}

/**
 * Finds (and if needed unpacks) the browser: CHROMIUM_PATH, else the packaged Chromium. The
 * result of a first call in this process tree (the jest global setup) is passed on in the
 * environment, so test files reuse it.
 */
export async function resolveChromium(): Promise<ResolvedBrowser> {
  const cached = process.env[ENV_PATH]
  if (cached && existsSync(cached)) {
    const fontconfig = process.env[ENV_FONTCONFIG]
    return { executablePath: cached, env: fontconfig ? { FONTCONFIG_FILE: fontconfig } : {}, source: process.env[ENV_SOURCE] || cached }
  }
  const cjk = await prepareCjkFont()
  let resolved: ResolvedBrowser
  const own = process.env.CHROMIUM_PATH
  if (own) {
    if (!existsSync(own)) throw new Error(`CHROMIUM_PATH=${own} does not exist. Unset CHROMIUM_PATH to use the packaged Chromium, or point it at a Chromium binary.`)
    // The machine's Chromium keeps the machine's fonts and gets Noto Sans SC on top.
    const conf = join(cacheRoot(), 'fonts-system.conf')
    writeFileSync(conf, fontsConf([cjk], join(cacheRoot(), 'fontconfig-cache-system'), true))
    resolved = { executablePath: own, env: { FONTCONFIG_FILE: conf }, source: `CHROMIUM_PATH (${own})` }
  } else {
    const dir = await preparePackagedChromium(cjk)
    resolved = {
      executablePath: join(dir, 'chromium'),
      env: { FONTCONFIG_FILE: join(dir, 'fonts.conf') },
      source: `@sparticuz/chromium ${version(packageDir('@sparticuz/chromium'))} (${join(dir, 'chromium')})`
    }
  }
  process.env[ENV_PATH] = resolved.executablePath
  process.env[ENV_SOURCE] = resolved.source
  if (resolved.env.FONTCONFIG_FILE) process.env[ENV_FONTCONFIG] = resolved.env.FONTCONFIG_FILE
  return resolved
}

/** Turns a launch error into one that says which browser failed and what to do. */
export function browserLaunchError(browser: ResolvedBrowser | undefined, error: unknown): Error {
  const detail = (error instanceof Error ? error.message : String(error)).split('\n').filter(Boolean).slice(0, 6).join('\n  ')
  const which = browser ? `Chromium from ${browser.source}` : 'Chromium'
  return new Error(`${which} could not be started:\n  ${detail}\n${BROWSER_HELP}`)
}

/**
 * Launches headless Chromium with a fresh profile (a persistent context in a new temp dir) and a
 * phone viewport. Fails within LAUNCH_TIMEOUT_MS with a message naming the browser and the fix.
 * Close the returned context when done.
 */
export async function launchBrowser(options: { userDataDir?: string } = {}): Promise<BrowserContext> {
  let browser: ResolvedBrowser | undefined
  try {
    browser = await resolveChromium()
    const dir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'honglin-chromium-'))
    const context = await chromium.launchPersistentContext(dir, {
      executablePath: browser.executablePath,
      env: { ...process.env, ...browser.env } as Record<string, string>,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: LAUNCH_TIMEOUT_MS,
      ...PHONE
    })
    // A profile made here is removed with the browser (best effort: Chromium may still be
    // writing to it for a moment, and a leftover temp folder must never fail a test).
    if (!options.userDataDir) {
      context.on('close', () => {
        try {
          rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 })
        } catch {}
      })
    }
    return context
  } catch (error) {
    throw browserLaunchError(browser, error)
  }
}

/**
 * Starts the browser once, draws Chinese text and checks that it shows (a CJK glyph must not be
 * drawn like a character no font has), optionally saves a screenshot, and closes it. Throws a
 * message that says what is wrong and what to do.
 */
export async function checkBrowser(options: { screenshot?: string } = {}): Promise<{ source: string; version: string; ms: number }> {
  const started = Date.now()
  const context = await launchBrowser()
  try {
    const browser = await resolveChromium()
    const page = await context.newPage()
    await page.setContent('<div style="font: 20px sans-serif; padding: 12px">红邻 · 社区物业党建联建<br><b>居委会 业委会 物业 三方联动</b><br>Latin 0123456789</div>')
    // (a string, not a function: bundlers that keep function names would break it in the page)
    const cjkRenders = await page.evaluate(`(() => {
      const draw = (text) => {
        const canvas = document.createElement('canvas')
        canvas.width = 64
        canvas.height = 64
        const g = canvas.getContext('2d')
        g.font = '48px sans-serif'
        g.fillText(text, 4, 52)
        return canvas.toDataURL()
      }
      return draw('党') !== draw(String.fromCodePoint(0x10fffd))
    })()`)
    if (options.screenshot) {
      mkdirSync(dirname(options.screenshot), { recursive: true })
      await page.screenshot({ path: options.screenshot })
    }
    if (!cjkRenders) {
      throw new Error(
        `Chromium from ${browser.source} has no font for Chinese text (FONTCONFIG_FILE=${browser.env.FONTCONFIG_FILE ?? 'unset'}): ` +
          'screenshots would show blanks. Run `npm install` again (@fontsource-variable/noto-sans-sc, wawoff2) and remove node_modules/.cache/honglin-chromium.'
      )
    }
    const agent = await page.evaluate(() => navigator.userAgent)
    return { source: browser.source, version: /Chrome\/([\d.]+)/.exec(agent)?.[1] ?? agent, ms: Date.now() - started }
  } finally {
    await context.close()
  }
}
