#!/usr/bin/env node
// Bundles each cloud function's TypeScript (cloudfunctions/<name>/index.ts and the server/ code it
// imports) into the deployable cloudfunctions/<name>/index.js that WeChat DevTools uploads.
// wx-server-sdk stays external: the cloud installs it from the function's own package.json.
import { build } from 'esbuild'
import { existsSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const require = createRequire(import.meta.url)

/**
 * Bytes a function never runs, left out of its bundle (cold start pays for each byte):
 *  - zod's ~60 locales (~350 KB): `z` is a namespace object, so esbuild keeps every locale it
 *    reaches; the same en + zh-CN shim as the app bundles (config/shims/zod-locales.js).
 *  - domutils (~90 KB with dom-serializer's own copy of the entity tables): htmlparser2's index
 *    re-exports it as `DomUtils`, and esbuild cannot drop it; the notice sanitiser uses only
 *    htmlparser2's `Parser`. The stub throws if anything ever calls into it.
 */
const zodLocales = join(dirname(require.resolve('zod/package.json')), 'v4', 'locales', 'index.js')
const leaveOut = {
  name: 'leave-out',
  setup(build) {
    build.onResolve({ filter: /locales[\\/]index\.js$/ }, (args) =>
      join(args.resolveDir, args.path) === zodLocales ? { path: join(root, 'config', 'shims', 'zod-locales.js') } : undefined
    )
    build.onResolve({ filter: /^domutils$/ }, () => ({ path: 'domutils', namespace: 'left-out' }))
    build.onLoad({ filter: /.*/, namespace: 'left-out' }, (args) => ({
      contents: `module.exports = new Proxy({}, { get(_, key) { if (key === '__esModule') return false; throw new Error('${'$'}{args.path} is left out of function bundles (scripts/build-functions.mjs)') } })`,
      loader: 'js'
    }))
  }
}
const dir = join(root, 'cloudfunctions')
const only = process.argv.slice(2)
const names = readdirSync(dir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'index.ts')))
  .map((entry) => entry.name)
  .filter((name) => only.length === 0 || only.includes(name))

for (const name of names) {
  const started = Date.now()
  const result = await build({
    entryPoints: [join(dir, name, 'index.ts')],
    outfile: join(dir, name, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node16',
    format: 'cjs',
    external: ['wx-server-sdk'],
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
  const bytes = Object.values(result.metafile.outputs).reduce((sum, out) => sum + out.bytes, 0)
  console.log(`cloudfunctions/${name}/index.js  ${(bytes / 1024).toFixed(0)} KB  ${Date.now() - started} ms`)
}
