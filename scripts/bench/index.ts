/**
 * `npm run bench [-- name …]`: runs the benchmark scenarios (all, or those named) and writes
 * BENCHMARKS.md with the machine it ran on. Targets are checked here, never in unit tests.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem, type as osType, release } from 'node:os'
import { join } from 'node:path'
import { activitiesScenarios } from './activities'
import { bundleScenarios } from './bundles'
import { centersScenarios } from './centers'
import { root, roundTrips, roundTripTable, type BenchResult, type Scenario } from './lib'
import { membersScenarios } from './members'
import { noticesScenarios } from './notices'
import { reportsScenarios } from './reports'
import { roundTripScenarios } from './roundtrips'
import { suiteScenarios } from './suite'
import { workbookScenarios } from './workbooks'
import { ticketsScenarios } from './tickets'
import { usersScenarios } from './users'
import { weappSizeScenario } from './weapp-size'

const scenarios: Scenario[] = [...usersScenarios, ...membersScenarios, ...activitiesScenarios, ...centersScenarios, ...ticketsScenarios, ...noticesScenarios, ...reportsScenarios, ...roundTripScenarios, weappSizeScenario, ...workbookScenarios, ...bundleScenarios, ...suiteScenarios]

const ROUND_TRIP_HEADING = '## Database round trips per action'

/** `existing` with each of `sections` put in place of the section of the same heading (or appended). */
function mergeSections(existing: string, sections: string[][]): string {
  const parts = existing.split(/\n(?=## )/)
  for (const section of sections) {
    const heading = section[0]
    const text = section.join('\n').replace(/\n+$/, '\n')
    const at = parts.findIndex((part) => part.split('\n', 1)[0] === heading)
    if (at >= 0) parts[at] = text
    else parts.push(text)
  }
  return parts.join('\n')
}

async function main() {
  const only = process.argv.slice(2)
  const chosen = only.length ? scenarios.filter((s) => only.some((o) => s.name.startsWith(o))) : scenarios
  const results: { scenario: string; result?: BenchResult; error?: string; seconds: number }[] = []
  for (const scenario of chosen) {
    const started = Date.now()
    console.log(`▶ ${scenario.name}`)
    try {
      const result = await scenario.run()
      results.push({ scenario: scenario.name, result, seconds: (Date.now() - started) / 1000 })
      for (const row of result.rows) console.log(`   ${row.metric}: ${row.value}${row.target ? ` (target ${row.target}: ${row.pass ? 'met' : 'MISSED'})` : ''}`)
    } catch (error) {
      results.push({ scenario: scenario.name, error: String((error as Error).stack ?? error), seconds: (Date.now() - started) / 1000 })
      console.error(`   failed: ${error}`)
    }
  }
  const cpu = cpus()
  const lines = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` on ${new Date().toISOString()}.`,
    '',
    `Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB memory, ${osType()} ${release()}, Node ${process.version}.`,
    'The emulator runs as its own process (the real wx-server-sdk over the SQLite-backed store, with',
    'the demo district seeded at the stated scale); the load comes from this process over loopback HTTP.',
    ''
  ]
  const sections: string[][] = []
  for (const r of results) {
    const section = [`## ${r.result?.title ?? r.scenario}`, '']
    if (r.error) {
      section.push('Failed:', '', '```', r.error, '```', '')
    } else {
      section.push('| metric | value | target | met |', '|---|---|---|---|')
      for (const row of r.result!.rows) section.push(`| ${row.metric} | ${row.value} | ${row.target ?? ''} | ${row.pass === undefined ? '' : row.pass ? 'yes' : '**no**'} |`)
      for (const note of r.result!.notes ?? []) section.push('', note)
      section.push('', `(${r.seconds.toFixed(0)} s)`, '')
    }
    sections.push(section)
  }
  if (roundTrips.size > 0) {
    sections.push([
      ROUND_TRIP_HEADING,
      '',
      `Every reply of this run${only.length ? ` (${only.join(', ')})` : ''} carries \`x-db-requests\`, the database round trips the call made; per action (most first):`,
      '',
      ...roundTripTable(),
      ''
    ])
  }
  const file = join(root, 'BENCHMARKS.md')
  // A run of some scenarios (`npm run bench -- round-trips`) replaces their sections and keeps the others.
  const body = only.length && existsSync(file) ? mergeSections(readFileSync(file, 'utf8'), sections) : [...lines, ...sections.flat()].join('\n')
  writeFileSync(file, body)
  console.log('wrote BENCHMARKS.md')
  process.exit(results.some((r) => r.error) ? 1 : 0)
}

main()
