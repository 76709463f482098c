#!/usr/bin/env node
// Bundles each cloud function's TypeScript (cloudfunctions/<name>/index.ts and the server/ code it
// imports) into the deployable cloudfunctions/<name>/index.js that WeChat DevTools uploads.
// wx-server-sdk and @cloudbase/node-sdk stay external: the cloud installs them from the function's own package.json.
//
//   node scripts/build-functions.mjs [names…]              every function (or the named ones)
//   node scripts/build-functions.mjs --out <dir> [names…]  into <dir>/<name>/index.js instead, with
//                                                          esbuild's metafile beside it (meta.json)
import { build } from 'esbuild'
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const require = createRequire(import.meta.url)

/** A bundle over this is reported (tests/functions/bundles.test.ts fails it): cold start pays for each byte. */
const BUDGET_KB = 600

/**
 * Code that must never be uploaded, by metafile input path; the build fails when a bundle reaches
 * any. exceljs (2 MB with its zip stack) is replaced by server/xlsx; qrcode's renderers (pngjs) by
 * server/platform/qr.ts, which takes only qrcode's symbol builder; the emulator is local only.
 */
const FORBIDDEN_INPUTS = [
  { pattern: /node_modules\/exceljs\//, why: 'exceljs (server/xlsx writes workbooks)' },
  { pattern: /node_modules\/pngjs\//, why: "pngjs (qrcode's PNG renderer; server/platform/qr.ts writes the PNG)" },
  { pattern: /node_modules\/qrcode\/lib\/(?!core\/)/, why: "qrcode beyond its symbol builder (qrcode/lib/core)" },
  { pattern: /^emulator\//, why: 'the emulator' },
  { pattern: /^server\/platform\/local\.ts$/, why: "the emulator's platform (bundles get server/platform/hosted.ts)" }
]

/**
 * Bytes a function never runs, left out of its bundle (cold start pays for each byte):
 *  - zod's ~60 locales (~350 KB): `z` is a namespace object, so esbuild keeps every locale it
 *    reaches; the same en + zh-CN shim as the app bundles (config/shims/zod-locales.js).
 *  - domutils (~90 KB with dom-serializer's own copy of the entity tables): htmlparser2's index
 *    re-exports it as `DomUtils`, and esbuild cannot drop it; the notice sanitiser uses only
 *    htmlparser2's `Parser`. The stub throws if anything ever calls into it.
 *  - the emulator's platform (server/platform/local.ts: files on disk, QR PNGs, the outbox):
 *    server/platform/index.ts's `./local` becomes ./hosted, which uses the platform a local host
 *    installed and throws in the cloud.
 */
const zodLocales = join(dirname(require.resolve('zod/package.json')), 'v4', 'locales', 'index.js')
const platformIndex = join(root, 'server', 'platform', 'index.ts')
const leaveOut = {
  name: 'leave-out',
  setup(build) {
    build.onResolve({ filter: /locales[\\/]index\.js$/ }, (args) =>
      join(args.resolveDir, args.path) === zodLocales ? { path: join(root, 'config', 'shims', 'zod-locales.js') } : undefined
    )
    build.onResolve({ filter: /^\.\/local$/ }, (args) =>
      args.importer === platformIndex ? { path: join(root, 'server', 'platform', 'hosted.ts') } : undefined
    )
    build.onResolve({ filter: /^domutils$/ }, () => ({ path: 'domutils', namespace: 'left-out' }))
    build.onLoad({ filter: /.*/, namespace: 'left-out' }, (args) => ({
      contents: `module.exports = new Proxy({}, { get(_, key) { if (key === '__esModule') return false; throw new Error('${'$'}{args.path} is left out of function bundles (scripts/build-functions.mjs)') } })`,
      loader: 'js'
    }))
  }
}

const args = process.argv.slice(2)
const outIndex = args.indexOf('--out')
const outDir = outIndex >= 0 ? resolve(args[outIndex + 1]) : undefined
const only = args.filter((_a, i) => outIndex < 0 || (i !== outIndex && i !== outIndex + 1))
const dir = join(root, 'cloudfunctions')
const names = readdirSync(dir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'index.ts')))
  .map((entry) => entry.name)
  .filter((name) => only.length === 0 || only.includes(name))

let failed = false
for (const name of names) {
  const started = Date.now()
  const target = outDir ? join(outDir, name) : join(dir, name)
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(dir, name, 'index.ts')],
    outfile: join(target, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node16',
    format: 'cjs',
    // @cloudbase/node-sdk too: wx-server-sdk requires the same version (3.17.2) itself, so it is
    // loaded anyway; every function's package.json names it (the shell's identify reads the
    // CloudBase user of a web call with its getCloudbaseContext; `auth` signs tickets with it).
    external: ['wx-server-sdk', '@cloudbase/node-sdk'],
    // Whitespace and syntax only: identifiers stay, so a stack trace in the cloud's log still names
    // the function it came from.
    minifyWhitespace: true,
    minifySyntax: true,
    plugins: [leaveOut],
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning'
  })
  const inputs = Object.keys(result.metafile.inputs)
  const forbidden = FORBIDDEN_INPUTS.flatMap(({ pattern, why }) => inputs.filter((input) => pattern.test(input)).map((input) => `${input} (${why})`))
  if (outDir) {
    mkdirSync(target, { recursive: true })
    writeFileSync(join(target, 'meta.json'), JSON.stringify(result.metafile))
  }
  const bytes = Object.values(result.metafile.outputs).reduce((sum, out) => sum + out.bytes, 0)
  const over = bytes > BUDGET_KB * 1024 ? `  OVER the ${BUDGET_KB} KB budget` : ''
  console.log(`${relative(root, join(target, 'index.js'))}  ${(bytes / 1024).toFixed(0)} KB  ${Date.now() - started} ms${over}`)
  if (forbidden.length) {
    failed = true
    console.error(`  ${name} bundles code that must not be uploaded:\n    ${forbidden.slice(0, 10).join('\n    ')}`)
  }
}
if (failed) process.exit(1)
