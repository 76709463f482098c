import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import { root, type Scenario } from './lib'

/** The budgets from scripts/check-weapp.mjs (an ES module without types: imported by URL). */
async function budgets(): Promise<{ main: number; subpackages: Record<string, number> }> {
  const checker = (await import(pathToFileURL(join(root, 'scripts/check-weapp.mjs')).href)) as {
    MAIN_PACKAGE_BUDGET_KB: number
    SUBPACKAGE_BUDGETS_KB: Record<string, number>
  }
  return { main: checker.MAIN_PACKAGE_BUDGET_KB, subpackages: checker.SUBPACKAGE_BUDGETS_KB }
}

/** Bytes under `dir` (source maps left out, as WeChat's upload does), skipping what `skip` names (paths relative to dist/weapp). */
function sizeOf(dir: string, skip: (rel: string) => boolean = () => false): number {
  let total = 0
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name)
      const rel = relative(join(root, 'dist/weapp'), path)
      if (skip(rel) || entry.name.endsWith('.map')) continue
      if (entry.isDirectory()) walk(path)
      else total += statSync(path).size
    }
  }
  walk(dir)
  return total
}

/** The weapp main package (everything outside the subpackage roots), each subpackage and all of them, against the budgets. */
export const weappSizeScenario: Scenario = {
  name: 'weapp-size',
  async run() {
    const build = spawnSync('npx', ['taro', 'build', '--type', 'weapp'], { cwd: root, stdio: 'ignore', env: { ...process.env, NODE_ENV: 'production' } })
    if (build.status !== 0 || !existsSync(join(root, 'dist/weapp/app.json'))) throw new Error('taro build --type weapp failed')
    const dir = join(root, 'dist/weapp')
    const app = JSON.parse(readFileSync(join(dir, 'app.json'), 'utf8')) as { subPackages?: { root: string }[]; subpackages?: { root: string }[] }
    const roots = (app.subPackages ?? app.subpackages ?? []).map((s) => s.root.replace(/\/+$/, ''))
    const main = sizeOf(dir, (rel) => roots.some((r) => rel === r || rel.startsWith(`${r}/`)))
    const all = sizeOf(dir)
    const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`
    const budget = await budgets()
    return {
      title: 'weapp package size (production build)',
      rows: [
        { metric: 'main package', value: kb(main), target: `≤ ${budget.main} KB (WeChat limit 2 MB)`, pass: main <= budget.main * 1024 },
        ...roots.map((r) => {
          const size = sizeOf(join(dir, r))
          const own = budget.subpackages[r]
          return {
            metric: `subpackage ${r}`,
            value: kb(size),
            target: own ? `≤ ${own} KB (WeChat limit 2 MB)` : '≤ 2 MB (WeChat limit)',
            pass: size <= (own ? own * 1024 : 2 * 1024 * 1024)
          }
        }),
        { metric: 'all packages', value: kb(all), target: '< 20 MB (WeChat limit)', pass: all < 20 * 1024 * 1024 }
      ]
    }
  }
}
