import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { percentile, root, type BenchResult, type Scenario } from './lib'

/**
 * Calls a person does not wait for, or waits for knowingly: timers and sweeps (judged by how their
 * round trips grow, O(pages of work)), and workbooks (judged by their function's timeout at scale 10).
 * Everything else is interactive. `reports.dashboard` has its own target.
 */
export const BATCH_ACTIONS: Record<string, string> = {
  'centers.sweep': 'sweep',
  'tickets.sweep': 'sweep',
  'members.export': 'workbook',
  'reports.workReport': 'workbook',
  'users.exportMyData': 'workbook',
  // Once per person, after they confirm; one update per collection it erases (server/users/deleteAccount.ts).
  'users.deleteAccount': 'job',
  // The back office's batches (#19): the singles' round trips for up to 20 ids, four at a time (server/core/batch.ts).
  'members.reviewMany': 'batch',
  'activities.verifyMany': 'batch',
  // A whole workbook read and checked (up to 2,000 rows), then written 10 rows at a time (server/core/imports.ts).
  'members.importPreview': 'import',
  'members.importConfirm': 'import',
  'teams.importPreview': 'import',
  'teams.importConfirm': 'import'
}
const DASHBOARD = 'reports.dashboard'

export const INTERACTIVE_TARGET = { median: 3, p90: 5, max: 8 }
export const DASHBOARD_MAX = 10

interface LoggedCall {
  name: string
  action?: string
  dbRequests: number
  outcome: string
}

/** `fn.action`; a timer's event carries no action, only its trigger's name (logged as the function alone). */
const labelOf = (call: LoggedCall): string => (call.action ? `${call.name}.${call.action}` : `${call.name}.(timer)`)

const kindOf = (label: string): 'interactive' | 'dashboard' | 'batch' =>
  label === DASHBOARD ? 'dashboard' : BATCH_ACTIONS[label] || label.endsWith('.(timer)') ? 'batch' : 'interactive'

function stats(list: number[]) {
  const sorted = [...list].sort((a, b) => a - b)
  return { calls: sorted.length, median: percentile(sorted, 50), p90: percentile(sorted, 90), max: sorted[sorted.length - 1] ?? 0 }
}

/** Round trips per call, summarised as the issue counts them: the successful calls of the function tests. */
export function summarise(calls: LoggedCall[]): BenchResult {
  const ok = calls.filter((call) => call.outcome === 'ok')
  const byAction = new Map<string, number[]>()
  for (const call of ok) {
    const label = labelOf(call)
    let list = byAction.get(label)
    if (!list) byAction.set(label, (list = []))
    list.push(call.dbRequests)
  }
  const interactive = ok.filter((call) => kindOf(labelOf(call)) === 'interactive').map((call) => call.dbRequests)
  const all = stats(interactive)
  // Each action once, at its median: what a person typically waits for, whatever the tests repeat.
  const perAction = stats([...byAction].filter(([label]) => kindOf(label) === 'interactive').map(([, list]) => stats(list).median))
  const dashboard = stats(byAction.get(DASHBOARD) ?? [])
  const over = [...byAction].filter(([label, list]) => kindOf(label) === 'interactive' && Math.max(...list) > INTERACTIVE_TARGET.max)
  const rows: BenchResult['rows'] = [
    { metric: 'successful calls (interactive / all)', value: `${interactive.length} / ${ok.length}` },
    { metric: 'interactive actions, each at its median: median', value: String(perAction.median), target: `≤ ${INTERACTIVE_TARGET.median}`, pass: perAction.median <= INTERACTIVE_TARGET.median },
    { metric: 'interactive actions, each at its median: p90', value: String(perAction.p90), target: `≤ ${INTERACTIVE_TARGET.p90}`, pass: perAction.p90 <= INTERACTIVE_TARGET.p90 },
    { metric: 'interactive calls (as the tests repeat them): median', value: String(all.median), target: `≤ ${INTERACTIVE_TARGET.median}`, pass: all.median <= INTERACTIVE_TARGET.median },
    { metric: 'interactive calls (as the tests repeat them): p90', value: String(all.p90), target: `≤ ${INTERACTIVE_TARGET.p90}`, pass: all.p90 <= INTERACTIVE_TARGET.p90 },
    {
      metric: 'interactive: actions above the max',
      value: over.length ? `${over.length}: ${over.map(([label, list]) => `${label} ${Math.max(...list)}`).join(', ')}` : 'none',
      target: `none above ${INTERACTIVE_TARGET.max}`,
      pass: over.length === 0
    },
    { metric: `${DASHBOARD}: max`, value: String(dashboard.max), target: `≤ ${DASHBOARD_MAX}`, pass: dashboard.max <= DASHBOARD_MAX }
  ]
  const table = [...byAction]
    .map(([label, list]) => ({ label, kind: kindOf(label), ...stats(list) }))
    .sort((a, b) => b.max - a.max || b.median - a.median || a.label.localeCompare(b.label))
  const notes = [
    [
      'Per action (successful calls of the function tests; batch = timers, sweeps and workbooks, judged by how they grow and by their timeout):',
      '',
      '| action | kind | calls | median | p90 | max |',
      '|---|---|---|---|---|---|',
      ...table.map((r) => `| ${r.label} | ${r.kind === 'batch' ? BATCH_ACTIONS[r.label] ?? 'timer' : r.kind} | ${r.calls} | ${r.median} | ${r.p90} | ${r.max} |`)
    ].join('\n')
  ]
  return { title: 'Database round trips per call over the function tests', rows, notes }
}

/**
 * Runs the function tests (jest project `functions`) with EMULATOR_CALL_LOG and counts every call's
 * round trips at the SDK's transport, the way issue #15 counted them. Several minutes on 2 cores:
 * `npm run bench -- suite-round-trips`.
 */
async function suiteRoundTrips(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'honglin-suite-'))
  const log = join(dir, 'calls.jsonl')
  try {
    const run = spawnSync('npx', ['jest', 'tests/functions', '--selectProjects', 'functions', '--silent'], {
      cwd: root,
      env: { ...process.env, EMULATOR_CALL_LOG: log },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30 * 60_000
    })
    if (run.status !== 0) throw new Error(`the function tests failed (exit ${run.status}):\n${(run.stderr || '').split('\n').slice(-40).join('\n')}`)
    const calls = readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LoggedCall)
    return summarise(calls)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export const suiteScenarios: Scenario[] = [{ name: 'suite-round-trips', run: suiteRoundTrips }]
