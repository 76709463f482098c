#!/usr/bin/env node
// Bundles each cloud function's TypeScript (cloudfunctions/<name>/index.ts and the server/ code it
// imports) into the deployable cloudfunctions/<name>/index.js that WeChat DevTools uploads.
// wx-server-sdk stays external: the cloud installs it from the function's own package.json.
import { build } from 'esbuild'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
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
    minify: false,
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning'
  })
  const bytes = Object.values(result.metafile.outputs).reduce((sum, out) => sum + out.bytes, 0)
  console.log(`cloudfunctions/${name}/index.js  ${(bytes / 1024).toFixed(0)} KB  ${Date.now() - started} ms`)
}
