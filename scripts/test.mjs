#!/usr/bin/env node
// `npm test`: every test, cheapest first.
//  1. the browser check: the Chromium the H5 tests use starts and renders Chinese (seconds; a
//     missing or broken browser is reported here, not after ten minutes of other steps)
//  2. strict type check of the app, the functions, the emulator and the tests
//  3. architecture: no import cycle, and the layering rules of .dependency-cruiser.cjs
//     (`npm run check:architecture`, seconds)
//  4. cloud function bundles build (what DevTools would upload)
//  5. jest: unit (logic, components) and functions (every cloud function through the real SDK on
//     the emulator backend, and the backend's conformance suite)
//  6. the function tests again at the cloud's 20 ms per database round trip (EMULATOR_DB_LATENCY_MS);
//     the crowd and race tests (hundreds of callers at once) then run alone, in a step of their own
//  7. the production weapp build, then the offline WeChat check of dist/weapp
//     (scripts/check-weapp.mjs, `npm run check:weapp`; SKIP_WEAPP_BUILD=1 checks the dist/weapp there is)
//  8. the H5 build, then Playwright journeys against it, served by the emulator
//  9. miniprogram-automator specs (skipped with a printed reason where WeChat DevTools is absent)
// A failing step does not stop the others (a step that needs it is not run and counts as failed).
// Nothing can hang the run: each step has a time limit and runs in its own process group, which
// is killed when the limit or the whole run's wall-clock budget (TEST_BUDGET_MINUTES, default 30)
// is reached. Every way out (success, failure, a step crashing or cut off, Ctrl-C) ends with
// the line "tests: N passed, N failed, N skipped", and the exit code is 0 only if nothing failed.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const started = Date.now()
const budgetMs = Number(process.env.TEST_BUDGET_MINUTES || 60) * 60000
const totals = { passed: 0, failed: 0, skipped: 0 }
const report = [] // { title, outcome, seconds, note }
let current // { title, child }
let finished = false

const bin = (name) => join(root, 'node_modules', '.bin', name)
const seconds = (ms) => (ms / 1000).toFixed(1)
const remaining = () => budgetMs - (Date.now() - started)

function finish(reason) {
  if (finished) return
  finished = true
  if (reason) console.log(`\n${reason}`)
  console.log('\n=== summary')
  for (const r of report) console.log(`  ${r.outcome.padEnd(8)} ${r.title.padEnd(20)} ${r.seconds === undefined ? '' : `${r.seconds} s`}${r.note ? `  ${r.note}` : ''}`)
  console.log(`\nnpm test finished in ${seconds(Date.now() - started)} s`)
  console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
  process.exitCode = totals.failed > 0 || reason ? 1 : 0
}

/** Kills a step's whole process group (jest workers, browsers, servers): TERM, then KILL. */
function killGroup(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return
  try {
    process.kill(-child.pid, 'SIGTERM')
  } catch {}
  setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL')
    } catch {}
  }, 5000).unref()
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    killGroup(current?.child)
    totals.failed += 1
    finish(`interrupted by ${signal}${current ? ` during "${current.title}"` : ''}`)
    process.exit(signal === 'SIGINT' ? 130 : 143)
  })
}
process.on('uncaughtException', (error) => {
  killGroup(current?.child)
  totals.failed += 1
  console.error(error)
  finish(`scripts/test.mjs crashed${current ? ` during "${current.title}"` : ''}: ${error?.message ?? error}`)
  process.exit(1)
})

/**
 * Runs one step in its own process group with stdin closed (nothing can wait for input), limited
 * to `limitMinutes` and to what is left of the budget. Resolves { status, note }.
 */
function run(title, command, args, { env = {}, limitMinutes }) {
  const limit = Math.min(limitMinutes * 60000, remaining())
  console.log(`\n=== ${title}: ${args.length ? `${command.replace(root, '')} ${args.join(' ')}` : command} (limit ${seconds(limit)} s)`)
  return new Promise((done) => {
    const t = Date.now()
    let note = ''
    let child
    try {
      child = spawn(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env }, detached: true })
    } catch (error) {
      done({ status: 1, note: `could not start: ${error.message}`, seconds: seconds(0) })
      return
    }
    current = { title, child }
    const timer = setTimeout(() => {
      note = remaining() <= 0 ? `cut off: the run's ${budgetMs / 60000} min budget (TEST_BUDGET_MINUTES) ran out` : `cut off after its ${limitMinutes} min limit`
      console.log(`\n=== ${title}: ${note}; killing it`)
      killGroup(child)
    }, limit)
    child.on('error', (error) => {
      note ||= `could not start: ${error.message}`
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      current = undefined
      const status = code ?? 1
      if (!note && signal) note = `killed by ${signal}`
      console.log(`=== ${title}: ${status === 0 ? 'ok' : 'FAILED'} in ${seconds(Date.now() - t)} s${note ? ` (${note})` : ''}`)
      done({ status, note, seconds: seconds(Date.now() - t) })
    })
  })
}

const results = mkdtempSync(join(tmpdir(), 'honglin-test-'))

/** A jest run; its tests are counted from its JSON report (a run with no report counts as 1 failed). */
async function jest(title, args, limitMinutes, env = {}) {
  const out = join(results, `${title}.json`)
  const res = await run(title, bin('jest'), ['--ci', '--forceExit', '--json', `--outputFile=${out}`, ...args], { limitMinutes, env })
  let counted = 0
  let json
  try {
    json = JSON.parse(readFileSync(out, 'utf8'))
  } catch {}
  if (json) {
    totals.passed += json.numPassedTests
    totals.skipped += json.numPendingTests + json.numTodoTests
    counted = json.numFailedTests + json.numRuntimeErrorTestSuites
    totals.failed += counted
    if (json.numRuntimeErrorTestSuites) res.note ||= `${json.numRuntimeErrorTestSuites} test file(s) could not run`
  } else if (res.status !== 0) {
    res.note ||= 'no test report (stopped before the tests ran: see the error above)'
  }
  return { ...res, counted }
}

/** Records a step's outcome; a failure that no test count covers counts as one failed test. */
function record(title, res) {
  const ok = res.status === 0
  if (!ok && !res.counted) totals.failed += 1
  report.push({ title, outcome: ok ? 'ok' : 'FAILED', seconds: res.seconds, note: res.note })
  return ok
}

function notRun(title, why) {
  totals.failed += 1
  report.push({ title, outcome: 'NOT RUN', note: why })
  console.log(`\n=== ${title}: not run: ${why}`)
}

/**
 * `npm run check:architecture` (its arguments read from package.json, so both check the same
 * folders): one line per broken rule, and on failure what to do about it.
 */
async function architecture() {
  const script = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts['check:architecture']
  const res = await run('architecture', bin('depcruise'), script.trim().split(/\s+/).slice(1), { limitMinutes: 3 })
  if (res.status !== 0 && !res.note) {
    res.note = 'imports break .dependency-cruiser.cjs (listed above)'
    console.log(
      '=== architecture: fix the imports listed above: break a cycle by moving what both modules need into a module of its own;' +
        ' import another feature only through its index.ts (or tab.ts / dev.ts); the app reaches functions only through src/services/cloud.' +
        ' Each rule says why in .dependency-cruiser.cjs. Rerun: npm run check:architecture'
    )
  }
  return res
}

// ---------------------------------------------------------------------------------------------

const missing = ['jest', 'tsc', 'taro', 'tsx', 'depcruise'].filter((name) => !existsSync(bin(name)))
if (missing.length) {
  totals.failed += 1
  finish(`node_modules is missing ${missing.join(', ')}: run \`npm install\` first (see README.md).`)
  process.exit(1)
}

/** The tests of many simultaneous callers (tests/functions/crowd.test.ts, races.test.ts): their own step. */
const CROWDS = '/tests/functions/(crowd|races)\\.test\\.ts$'

const steps = [
  { title: 'browser', go: () => run('browser', bin('tsx'), ['tests/e2e-h5/support/check-browser.ts'], { limitMinutes: 3 }) },
  { title: 'typecheck', go: () => run('typecheck', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json'], { limitMinutes: 10 }) },
  { title: 'architecture', go: architecture },
  { title: 'build functions', go: () => run('build functions', process.execPath, ['scripts/build-functions.mjs'], { limitMinutes: 5 }) },
  { title: 'unit-and-functions', go: () => jest('unit-and-functions', ['--selectProjects', 'unit', 'functions', '--testPathIgnorePatterns', CROWDS], 25) },
  // The function tests again with the cloud's network time on every database round trip: an
  // action that would time out on the cloud (3 s) times out here (`npm run test:cloud`).
  { title: 'functions at 20 ms', go: () => jest('functions-at-20ms', ['tests/functions', '--selectProjects', 'functions', '--testPathIgnorePatterns', CROWDS], 30, { EMULATOR_DB_LATENCY_MS: '20' }) },
  // Many phones at once (hundreds of calls in flight, each held to the 3 s timeout), in a fresh
  // process of their own: on the cloud every call has an instance of its own, here they share one
  // process, and a jest worker that already ran dozens of files (a large heap, long GC pauses) made
  // one of them miss 3 s on the CI machine — a pause no cloud call would see.
  { title: 'crowds', go: () => jest('crowds', [CROWDS, '--selectProjects', 'functions', '--runInBand'], 5) },
  { title: 'crowds at 20 ms', go: () => jest('crowds-at-20ms', [CROWDS, '--selectProjects', 'functions', '--runInBand'], 5, { EMULATOR_DB_LATENCY_MS: '20' }) },
  {
    // What WeChat would refuse in the package itself: pages, package sizes, privacy declarations,
    // WXML and WXSS as WeChat's compilers read them (scripts/check-weapp.mjs says how).
    title: 'weapp',
    go: async () => {
      const t = Date.now()
      if (!process.env.SKIP_WEAPP_BUILD) {
        const build = await run('build weapp', bin('taro'), ['build', '--type', 'weapp'], { env: { NODE_ENV: 'production' }, limitMinutes: 8 })
        if (build.status !== 0) return { ...build, note: build.note || 'the weapp build failed (see above)', seconds: seconds(Date.now() - t) }
      }
      const res = await run('check weapp', process.execPath, ['scripts/check-weapp.mjs'], { limitMinutes: 2 })
      return { ...res, note: res.note || (res.status !== 0 ? 'WeChat would refuse dist/weapp (listed above)' : ''), seconds: seconds(Date.now() - t) }
    }
  },
  {
    title: 'build h5',
    go: () =>
      process.env.SKIP_H5_BUILD
        ? Promise.resolve({ status: 0, note: 'skipped (SKIP_H5_BUILD)', seconds: '0.0' })
        : // The emulator's build (HONGLIN_EMULATOR=1, config/index.ts): the journeys sign in as demo personas.
          run('build h5', bin('taro'), ['build', '--type', 'h5'], { env: { NODE_ENV: 'production', HONGLIN_EMULATOR: '1' }, limitMinutes: 8 })
  },
  { title: 'e2e-h5', needs: ['browser', 'build h5'], go: () => jest('e2e-h5', ['--selectProjects', 'e2e-h5', '--runInBand'], 20) },
  { title: 'e2e-mp', go: () => jest('e2e-mp', ['--selectProjects', 'e2e-mp', '--runInBand'], 3) }
]

const passed = new Set()
for (const step of steps) {
  if (remaining() <= 0) {
    notRun(step.title, `the run's ${budgetMs / 60000} min budget (TEST_BUDGET_MINUTES) ran out`)
    continue
  }
  const failedNeeds = (step.needs ?? []).filter((need) => !passed.has(need))
  if (failedNeeds.length) {
    notRun(step.title, `needs ${failedNeeds.join(' and ')}, which failed (see above)`)
    continue
  }
  if (record(step.title, await step.go())) passed.add(step.title)
}
finish()
process.exit(process.exitCode)
