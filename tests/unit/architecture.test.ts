/**
 * The architecture rules (.dependency-cruiser.cjs): the tree keeps them, and they still bite.
 * dependency-cruiser's API is ESM-only, which jest (swc, CommonJS) cannot import, so this runs its
 * CLI exactly as `npm run check:architecture` does and reads the JSON report.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

const root = join(__dirname, '..', '..')
const depcruise = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs')
const config = require(join(root, '.dependency-cruiser.cjs')) as { forbidden: { name: string; severity: string }[] }

interface Violation {
  rule: { name: string; severity: string }
  from: string
  to: string
  cycle?: { name: string }[]
}

/** The folders `npm run check:architecture` cruises, read from package.json so both stay the same. */
function scriptRoots(): string[] {
  const script: string = require(join(root, 'package.json')).scripts['check:architecture']
  const words = script.trim().split(/\s+/) // depcruise --option value … root root …
  return words.filter((word, i) => i > 0 && !word.startsWith('-') && !words[i - 1].startsWith('-'))
}

function cruise(roots: string[], extra: string[] = [], platform?: 'weapp' | 'h5'): { violations: Violation[]; modules: number } {
  const res = spawnSync(process.execPath, [depcruise, '--config', '.dependency-cruiser.cjs', '--output-type', 'json', ...extra, ...roots], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, DEPCRUISE_PLATFORM: platform ?? '' }
  })
  if (res.error) throw res.error
  let report
  try {
    report = JSON.parse(res.stdout)
  } catch {
    throw new Error(`depcruise printed no JSON report (exit ${res.status}):\n${res.stderr}`)
  }
  return { violations: report.summary.violations, modules: report.summary.totalCruised }
}

const describeViolation = (v: Violation) =>
  `${v.rule.name}: ${v.from} → ${v.cycle?.length ? v.cycle.map((c) => c.name).join(' → ') : v.to}`

describe('architecture (.dependency-cruiser.cjs)', () => {
  it('checks every rule as an error', () => {
    expect(config.forbidden.map((r) => r.name).sort()).toEqual(
      [
        'app-not-to-server',
        'cloudfunction-only-server',
        'contracts-only-zod',
        'emulator-only-in-tests-and-scripts',
        'feature-internals',
        'no-circular',
        'page-to-feature-internals',
        'platform-file-not-to-own-base',
        'server-not-to-app',
        'shared-not-to-features'
      ].sort()
    )
    for (const rule of config.forbidden) expect(`${rule.name}: ${rule.severity}`).toBe(`${rule.name}: error`)
  })

  it('the tree has no import cycle and keeps every layering rule', () => {
    const roots = scriptRoots()
    expect(roots).toEqual(expect.arrayContaining(['src', 'contracts', 'server', 'emulator', 'cloudfunctions', 'scripts', 'tests']))
    const { violations, modules } = cruise(roots)
    expect(modules).toBeGreaterThan(300) // the path aliases resolved and the tree was really cruised
    expect(violations.map(describeViolation)).toEqual([])
  })

  // A Taro build resolves `./x` to x.weapp.ts / x.h5.ts first: a platform file importing its own
  // `./x` imports itself (the template ids in notices/tickets subscribe.weapp.ts once did, and
  // reading them recursed forever). Cruise the app as each build resolves it.
  it.each(['weapp', 'h5'] as const)('the app has no import cycle as the %s build resolves platform files', (platform) => {
    const { violations, modules } = cruise(['src', 'contracts'], [], platform)
    expect(modules).toBeGreaterThan(200)
    expect(violations.map(describeViolation)).toEqual([])
  })

  it('still finds a two-file cycle (tests/fixtures/architecture, excluded from the tree check)', () => {
    // The config excludes the fixture; replacing `exclude` on the command line lets it be cruised.
    const { violations, modules } = cruise(['tests/fixtures/architecture'], ['--exclude', '^dist/'])
    expect(modules).toBe(2)
    expect(violations.map(describeViolation)).toEqual([
      'no-circular: tests/fixtures/architecture/a.ts → tests/fixtures/architecture/b.ts → tests/fixtures/architecture/a.ts'
    ])
  })
})
