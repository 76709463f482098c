import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import { root, type Scenario } from './lib'

/** The main-package budget from scripts/check-weapp.mjs (an ES module without types: imported by URL). */
async function mainBudgetKb(): Promise<number> {
  const checker = (await import(pathToFileURL(join(root, 'scripts/check-weapp.mjs')).href)) as { MAIN_PACKAGE_BUDGET_KB: number }
  return checker.MAIN_PACKAGE_BUDGET_KB
}

function sizeOf(dir: string, skip: (rel: string) => boolean): number {
  let total = 0
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name)
      const rel = relative(join(root, 'dist/weapp'), path)
      if (skip(rel)) continue
      if (entry.isDirectory()) walk(path)
      else total += statSync(path).size
    }
  }
  walk(dir)
  return total
}

/** The weapp main package: everything in dist/weapp outside the subpackage roots (packages/). */
export const weappSizeScenario: Scenario = {
  name: 'weapp-size',
  async run() {
    const build = spawnSync('npx', ['taro', 'build', '--type', 'weapp'], { cwd: root, stdio: 'ignore', env: { ...process.env, NODE_ENV: 'production' } })
    if (build.status !== 0 || !existsSync(join(root, 'dist/weapp/app.json'))) throw new Error('taro build --type weapp failed')
    const dir = join(root, 'dist/weapp')
    const main = sizeOf(dir, (rel) => rel === 'packages' || rel.startsWith('packages/'))
    const all = sizeOf(dir, () => false)
    const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`
    const budgetKb = await mainBudgetKb()
    return {
      title: 'weapp package size (production build)',
      rows: [
        { metric: 'main package', value: kb(main), target: `≤ ${budgetKb} KB (WeChat limit 2 MB)`, pass: main <= budgetKb * 1024 },
        { metric: 'all packages', value: kb(all), target: '< 20 MB (WeChat limit)', pass: all < 20 * 1024 * 1024 }
      ]
    }
  }
}
