/**
 * The cloud function bundles (issue #15): each one's size (target ≤ 600 KB) and its cold `require`
 * (target ≤ 150 ms), 5 times each in a fresh `node` process: what a cold instance pays before its
 * first call. The bundles are built afresh by scripts/build-functions.mjs into a folder under the
 * repo, so `wx-server-sdk` resolves from node_modules as the cloud installs it. The SDK is loaded
 * first and timed apart: every function pays it whatever its bundle holds, so the target is on the
 * bundle's own require; SDK + bundle is shown beside it.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { root, type BenchRow, type Scenario } from './lib'

const RUNS = 5
const SIZE_BUDGET_KB = 600
const REQUIRE_BUDGET_MS = 150

const PROBE = `
const ms = (from) => Number(process.hrtime.bigint() - from) / 1e6
let at = process.hrtime.bigint()
require('wx-server-sdk')
const sdk = ms(at)
at = process.hrtime.bigint()
const mod = require(process.argv[1])
const bundle = ms(at)
if (typeof mod.main !== 'function') throw new Error('no main')
console.log(JSON.stringify({ sdk, bundle }))
`

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

export const bundleScenarios: Scenario[] = [
  {
    name: 'bundles',
    async run() {
      const out = join(root, '.data', `bench-bundles-${process.pid}`)
      try {
        execFileSync(process.execPath, [join(root, 'scripts', 'build-functions.mjs'), '--out', out], { cwd: root, stdio: 'pipe' })
        const names = readdirSync(out).sort()
        const rows: BenchRow[] = []
        let worst = 0
        for (const name of names) {
          const file = join(out, name, 'index.js')
          const kb = statSync(file).size / 1024
          const runs = Array.from({ length: RUNS }, () => {
            // A fresh process each time, environment as in the cloud (no emulator switches).
            const env = { ...process.env, HONGLIN_PLATFORM: '', HONGLIN_DATA_DIR: '' }
            return JSON.parse(execFileSync(process.execPath, ['-e', PROBE, file], { cwd: root, env, encoding: 'utf8' })) as { sdk: number; bundle: number }
          })
          const own = runs.map((r) => r.bundle)
          const total = runs.map((r) => r.sdk + r.bundle)
          worst = Math.max(worst, ...own)
          rows.push({ metric: `${name}: size`, value: `${kb.toFixed(0)} KB`, target: `≤ ${SIZE_BUDGET_KB} KB`, pass: kb <= SIZE_BUDGET_KB })
          rows.push({
            metric: `${name}: cold require, median / max of ${RUNS}`,
            value: `${median(own).toFixed(0)} / ${Math.max(...own).toFixed(0)} ms (with wx-server-sdk ${median(total).toFixed(0)} / ${Math.max(...total).toFixed(0)} ms)`,
            target: `≤ ${REQUIRE_BUDGET_MS} ms`,
            pass: Math.max(...own) <= REQUIRE_BUDGET_MS
          })
        }
        return {
          title: 'Cloud function bundles: size and cold require',
          rows,
          notes: [
            `Built by scripts/build-functions.mjs (esbuild, node16, whitespace + syntax minified; exceljs, qrcode's renderer and the emulator left out).`,
            `Cold require: a fresh \`node\` per run; wx-server-sdk is required first and timed apart (every function pays it). Slowest bundle: ${worst.toFixed(0)} ms.`
          ]
        }
      } finally {
        rmSync(out, { recursive: true, force: true })
      }
    }
  }
]
