#!/usr/bin/env node
// `npm test`: every test, in order of cost. A failing step stops the run with its exit code.
//  1. strict type check of the app, the functions, the emulator and the tests
//  2. cloud function bundles build (what DevTools would upload)
//  3. jest: unit (logic, components) and functions (every cloud function through the real SDK on
//     the emulator backend, and the backend's conformance suite)
//  4. the H5 build, then Playwright journeys against it, served by the emulator
//  5. miniprogram-automator specs (skipped with a printed reason where WeChat DevTools is absent)
// Finishes with one line "tests: N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const results = mkdtempSync(join(tmpdir(), 'honglin-test-'))
const totals = { passed: 0, failed: 0, skipped: 0 }
const started = Date.now()

function run(title, command, args, env = {}) {
  console.log(`\n=== ${title}: ${command} ${args.join(' ')}`)
  const t = Date.now()
  const res = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
  console.log(`=== ${title}: ${res.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - t) / 1000).toFixed(1)} s`)
  return res.status ?? 1
}

function jest(title, args) {
  const out = join(results, `${title}.json`)
  const status = run(title, 'npx', ['jest', '--ci', '--json', `--outputFile=${out}`, ...args])
  if (existsSync(out)) {
    const r = JSON.parse(readFileSync(out, 'utf8'))
    totals.passed += r.numPassedTests
    totals.failed += r.numFailedTests
    totals.skipped += r.numPendingTests + r.numTodoTests
  } else if (status !== 0) {
    totals.failed += 1
  }
  return status
}

function finish(status) {
  console.log(`\nnpm test finished in ${((Date.now() - started) / 1000).toFixed(0)} s`)
  console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
  process.exit(status)
}

const steps = [
  () => run('typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']),
  () => run('build functions', 'node', ['scripts/build-functions.mjs']),
  () => jest('unit-and-functions', ['--selectProjects', 'unit', 'functions']),
  () => (process.env.SKIP_H5_BUILD ? 0 : run('build h5', 'npx', ['taro', 'build', '--type', 'h5'], { NODE_ENV: 'production' })),
  () => jest('e2e-h5', ['--selectProjects', 'e2e-h5', '--runInBand']),
  () => jest('e2e-mp', ['--selectProjects', 'e2e-mp', '--runInBand'])
]
for (const step of steps) {
  const status = step()
  if (status !== 0) finish(status)
}
finish(totals.failed > 0 ? 1 : 0)
