/**
 * Arguments and settings of `npm run deploy`: the environment id, the Tencent Cloud API key and the
 * functions' environment variables, from the shell and the dotenv files (.env.example lists them).
 * Everything here is local: a missing setting is reported before anything is contacted.
 */
import { existsSync, readFileSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import { ENV_VARS } from './functions'

export class DeployConfigError extends Error {}

export interface DeployArgs {
  envId?: string
  dryRun: boolean
  skipBuild: boolean
}

const USAGE = 'usage: npm run deploy -- --env <envId> [--dry-run] [--skip-build]'

export function parseArgs(argv: readonly string[]): DeployArgs {
  const args: DeployArgs = { dryRun: false, skipBuild: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--dry-run') args.dryRun = true
    else if (arg === '--skip-build') args.skipBuild = true
    else if (arg === '--env') {
      const value = argv[++i]
      if (!value || value.startsWith('--')) throw new DeployConfigError(`--env needs the environment id\n${USAGE}`)
      args.envId = value
    } else if (arg.startsWith('--env=')) args.envId = arg.slice('--env='.length)
    else throw new DeployConfigError(`unknown argument ${arg}\n${USAGE}`)
  }
  return args
}

/** KEY=VALUE lines; `#` comments, optional `export `, single or double quotes. No expansion. */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line)
    if (!match) continue
    let value = match[2]
    const quoted = /^(['"])(.*)\1$/.exec(value)
    if (quoted) value = quoted[2]
    else value = value.replace(/\s+#.*$/, '').trim()
    out[match[1]] = value
  }
  return out
}

/** Keys that are secrets: never in the committed .env, never printed. */
const SECRET_KEYS = ['TENCENTCLOUD_SECRETID', 'TENCENTCLOUD_SECRETKEY', 'TENCENTCLOUD_SESSIONTOKEN', 'HONGLIN_TOKEN_SECRET', 'HONGLIN_CUSTOM_LOGIN_KEY', 'HONGLIN_CUSTOM_LOGIN_KEY_FILE']

/**
 * The CloudBase custom-login private key (docs/back-office.md §1.1): `.env.local` names the key file
 * downloaded from the console (HONGLIN_CUSTOM_LOGIN_KEY_FILE, a path from the project root); the
 * deploy reads it and gives function `auth` its JSON base64-encoded as HONGLIN_CUSTOM_LOGIN_KEY.
 */
export const CUSTOM_LOGIN_KEY = 'HONGLIN_CUSTOM_LOGIN_KEY'
export const CUSTOM_LOGIN_KEY_FILE = 'HONGLIN_CUSTOM_LOGIN_KEY_FILE'
/** SCF allows 4 KB of environment variables per function; the key must leave room for the rest. */
export const CUSTOM_LOGIN_KEY_MAX_BYTES = 3.5 * 1024

/** The key file's JSON, checked and base64-encoded. */
export function encodeCustomLoginKey(root: string, file: string): string {
  const path = isAbsolute(file) ? file : join(root, file)
  if (!existsSync(path)) throw new DeployConfigError(`${CUSTOM_LOGIN_KEY_FILE}=${file}: no such file (download it: CloudBase console → 身份认证 → 登录方式 → 自定义登录 → 私钥下载)`)
  const text = readFileSync(path, 'utf8')
  let parsed: Record<string, unknown>
  try {
    parsed = JSON.parse(text) as Record<string, unknown>
  } catch {
    throw new DeployConfigError(`${CUSTOM_LOGIN_KEY_FILE}=${file} is not JSON: use the key file downloaded from the CloudBase console as it is`)
  }
  const missing = ['private_key_id', 'private_key', 'env_id'].filter((key) => typeof parsed[key] !== 'string' || !parsed[key])
  if (missing.length) throw new DeployConfigError(`${CUSTOM_LOGIN_KEY_FILE}=${file} lacks ${missing.join(', ')}: download a new key file from the CloudBase console`)
  return Buffer.from(JSON.stringify(parsed), 'utf8').toString('base64')
}

/**
 * Settings from `.env` then `.env.local` (later wins), then the shell (wins over both). `.env` is
 * committed (it holds the app's TARO_APP_* build settings), so secrets belong in `.env.local`,
 * which git ignores (`*.local`); a secret found in `.env` is warned about.
 */
export function loadSettings(root: string, shell: Readonly<Record<string, string | undefined>>): { vars: Record<string, string>; warnings: string[] } {
  const warnings: string[] = []
  const read = (file: string) => (existsSync(join(root, file)) ? parseDotEnv(readFileSync(join(root, file), 'utf8')) : {})
  const committed = read('.env')
  for (const key of SECRET_KEYS) {
    if (committed[key]) warnings.push(`${key} is set in .env, which is committed to git: move it to .env.local (git-ignored)`)
  }
  const vars: Record<string, string> = { ...committed, ...read('.env.local') }
  for (const [key, value] of Object.entries(shell)) if (value !== undefined) vars[key] = value
  // The key file, read and encoded (a value given directly wins).
  if (vars[CUSTOM_LOGIN_KEY_FILE] && !vars[CUSTOM_LOGIN_KEY]) vars[CUSTOM_LOGIN_KEY] = encodeCustomLoginKey(root, vars[CUSTOM_LOGIN_KEY_FILE])
  return { vars, warnings }
}

export interface Credentials {
  envId: string
  secretId: string
  secretKey: string
  token?: string
  region?: string
}

/** The environment id and API key, or one error naming everything that is missing. */
export function resolveCredentials(args: DeployArgs, vars: Record<string, string | undefined>): Credentials {
  const envId = args.envId || vars.TCB_ENV_ID || ''
  const secretId = vars.TENCENTCLOUD_SECRETID || ''
  const secretKey = vars.TENCENTCLOUD_SECRETKEY || ''
  const missing: string[] = []
  if (!envId) missing.push('the environment id (--env <envId>, or TCB_ENV_ID)')
  if (!secretId) missing.push('TENCENTCLOUD_SECRETID')
  if (!secretKey) missing.push('TENCENTCLOUD_SECRETKEY')
  if (missing.length > 0) {
    throw new DeployConfigError(
      `cannot deploy: missing ${missing.join(', ')}.\n` +
        'Copy .env.example to .env.local and fill it in (API keys: Tencent Cloud console → 访问管理 → API密钥管理, ' +
        'of the account the cloud environment is bound to), or pass them in the shell.\n' +
        'To see the plan without credentials: npm run deploy -- --dry-run'
    )
  }
  return { envId, secretId, secretKey, token: vars.TENCENTCLOUD_SESSIONTOKEN || undefined, region: vars.TCB_REGION || undefined }
}

/** The functions' environment variables that have a (non-empty) value locally. */
export function functionEnvValues(vars: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of Object.keys(ENV_VARS)) {
    const value = vars[name]
    if (value) out[name] = value
  }
  const key = out[CUSTOM_LOGIN_KEY]
  if (key && Buffer.byteLength(key) > CUSTOM_LOGIN_KEY_MAX_BYTES)
    throw new DeployConfigError(
      `${CUSTOM_LOGIN_KEY} is ${(Buffer.byteLength(key) / 1024).toFixed(1)} KB; it may be at most 3.5 KB (SCF allows 4 KB of environment variables per function, and function auth needs the rest): use the 2048-bit key file the CloudBase console gives, unchanged`
    )
  return out
}
