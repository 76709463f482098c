/**
 * `npm run deploy -- --env <envId> [--dry-run] [--skip-build]`: sets up a WeChat cloud (CloudBase)
 * environment from the repository with @cloudbase/manager-node: collections and indexes
 * (server/db/collections.ts), database and storage security rules, and every function under
 * cloudfunctions/ with its timeout, memory, environment variables (scripts/deploy/functions.ts) and
 * timer triggers (its config.json). Safe to run again: it changes only what differs.
 *
 * `--dry-run` prints the whole plan and contacts nothing (no credentials needed).
 * Settings: .env, .env.local and the shell (see .env.example).
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { applyPlan, asDeployManager, type DeployManager } from './apply'
import { DeployConfigError, functionEnvValues, loadSettings, parseArgs, resolveCredentials, type Credentials } from './env'
import { FUNCTIONS_DIR } from './functions'
import { buildPlan, formatPlan } from './plan'

const ROOT = join(__dirname, '..', '..')

export interface DeployDeps {
  /** Settings (default: .env, .env.local and the shell). */
  vars?: Record<string, string | undefined>
  /** Makes the manager; called only for a real run, after the settings are complete. */
  createManager?: (credentials: Credentials) => DeployManager
  /** Builds the function bundles (default: npm run build:functions). */
  build?: () => void
  functionsDir?: string
  log?: (line: string) => void
  error?: (line: string) => void
}

function defaultManager(credentials: Credentials): DeployManager {
  // Loaded here only: a dry run never loads the SDK.
  const CloudBase = require('@cloudbase/manager-node') as typeof import('@cloudbase/manager-node')
  return asDeployManager(
    new CloudBase({
      envId: credentials.envId,
      secretId: credentials.secretId,
      secretKey: credentials.secretKey,
      token: credentials.token,
      region: credentials.region
    })
  )
}

function defaultBuild() {
  const res = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-functions.mjs')], { cwd: ROOT, stdio: 'inherit' })
  if (res.status !== 0) throw new DeployConfigError('npm run build:functions failed: fix the build before deploying')
}

/** Runs the deploy; resolves to the process exit code. */
export async function main(argv: readonly string[], deps: DeployDeps = {}): Promise<number> {
  const log = deps.log ?? ((line: string) => console.log(line))
  const error = deps.error ?? ((line: string) => console.error(line))
  try {
    const args = parseArgs(argv)
    let vars = deps.vars
    if (!vars) {
      const loaded = loadSettings(ROOT, process.env)
      for (const warning of loaded.warnings) error(`warning: ${warning}`)
      vars = loaded.vars
    }
    const values = functionEnvValues(vars)
    const plan = buildPlan()
    if (args.dryRun) {
      log(formatPlan(plan, { envId: args.envId || vars.TCB_ENV_ID, present: new Set(Object.keys(values)) }))
      log('\n(dry run: nothing was contacted or changed)')
      return 0
    }
    const credentials = resolveCredentials(args, vars)
    if (!args.skipBuild) (deps.build ?? defaultBuild)()
    const manager = (deps.createManager ?? defaultManager)(credentials)
    log(`Deploying to ${credentials.envId}`)
    const changes = await applyPlan(plan, manager, {
      envId: credentials.envId,
      values,
      functionsDir: deps.functionsDir ?? FUNCTIONS_DIR,
      log
    })
    log(changes.length === 0 ? 'Done: the environment already matched the plan, nothing changed.' : `Done: ${changes.length} change(s).`)
    log('Still by hand: see the end of `npm run deploy -- --dry-run`.')
    return 0
  } catch (e) {
    const err = e as Error & { code?: string; requestId?: string }
    error(`deploy failed: ${err.message}${err.code ? ` [${err.code}]` : ''}${err.requestId ? ` (requestId ${err.requestId})` : ''}`)
    return e instanceof DeployConfigError ? 2 : 1
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code))
}
