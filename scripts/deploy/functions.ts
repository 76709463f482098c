/**
 * How every cloud function is deployed: timeout, memory and the environment variables it reads.
 * The one declaration `npm run deploy` (scripts/deploy/index.ts) applies; tests/unit/deploy-plan.test.ts
 * holds it to the folders under cloudfunctions/ and to the variables the bundled code reads.
 *
 * It lives in scripts/ rather than server/: it is knowledge of the deploy tool only, and server/
 * may not import scripts/ (nor should the functions carry it in their bundles).
 *
 * Timer triggers are NOT repeated here: each function's `cloudfunctions/<fn>/config.json` stays
 * their one source (WeChat DevTools' "上传触发器" reads the same file, next to the openapi
 * permissions), and `functionTriggers()` below reads it.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs'
import { join } from 'node:path'

export const FUNCTIONS_DIR = join(__dirname, '..', '..', 'cloudfunctions')

/**
 * Node runtime of a new function (it can only be chosen when the function is created). The bundles
 * are built for node16 (scripts/build-functions.mjs) and wx-server-sdk 4 supports it; WeChat cloud
 * offers Nodejs16.13 to every environment.
 */
export const RUNTIME = 'Nodejs16.13'

/** One environment variable a function reads: the value comes from the deployer's .env / shell. */
export interface EnvVarDef {
  /** Without it the feature is refused in the cloud: the deploy stops unless the cloud already has a value. */
  required: boolean
  description: string
}

/**
 * Subscription message template ids (server/notify/templates.ts reads all of them when it loads, in
 * every function that bundles it; unset, a placeholder id is used and the send fails). The test
 * checks this list against the `fromEnv('TPL_…')` calls in templates.ts.
 */
export const TEMPLATE_ENV = [
  'TPL_ACTIVITY_CANCELLED',
  'TPL_ACTIVITY_CHANGED',
  'TPL_ACTIVITY_PROMOTED',
  'TPL_ACTIVITY_REMINDER',
  'TPL_HOURS_VERIFIED',
  'TPL_REGISTRATION_REVIEWED',
  'TPL_TICKET_ASSIGNED',
  'TPL_TICKET_PROGRESS',
  'TPL_TICKET_OVERDUE',
  'TPL_RANKING_NOTICE',
  'TPL_WISH_PROGRESS',
  'TPL_BOOKING_REVIEWED',
  'TPL_BOOKING_CANCELLED',
  'TPL_NOTICE_PUBLISHED'
] as const

export const ENV_VARS: Record<string, EnvVarDef> = {
  HONGLIN_TOKEN_SECRET: {
    required: true,
    description: 'Signs the rotating check-in codes and personal volunteer codes (a long random string; the same on every function).'
  },
  HONGLIN_PUBLIC_URL: {
    required: false,
    description: 'Base URL of the H5 app that check-in QR codes point at (the domain of 扫普通链接二维码打开小程序); unset: codes carry the bare token.'
  },
  HONGLIN_CUSTOM_LOGIN_KEY: {
    required: true,
    description:
      'The CloudBase custom-login private key file (console → 身份认证 → 登录方式 → 自定义登录 → 私钥下载), its JSON base64-encoded; function auth only. Set HONGLIN_CUSTOM_LOGIN_KEY_FILE=<path> in .env.local and the deploy encodes it (at most 3.5 KB).'
  },
  HONGLIN_VOLUNTEER_PREFIX: {
    required: false,
    description: 'Prefix of volunteer numbers (default SFQ); must be the same wherever volunteers are numbered.'
  },
  ...Object.fromEntries(
    TEMPLATE_ENV.map((name) => [name, { required: false, description: 'Subscription message template id (订阅消息, server/notify/templates.ts).' }])
  )
}

/**
 * Switches of the local emulator only (server/platform/index.ts, server/platform/local.ts): read by
 * the bundles but never set in the cloud (HONGLIN_PLATFORM=local there would write files to /tmp and
 * accept the development token secret). Declaring one on a function is an error.
 */
export const EMULATOR_ONLY_ENV = ['HONGLIN_PLATFORM', 'HONGLIN_DATA_DIR'] as const

export interface FunctionDeployment {
  /** Seconds (the cloud's default is 3). */
  timeout: number
  /** MB. */
  memory: number
  /** Names from ENV_VARS. */
  env: readonly string[]
  /** Why these numbers (printed nowhere; for the reader). */
  why: string
}

// Interactive: one person's call, a few database round trips (~20 ms each in the cloud) plus cold
// start; 10 s leaves room for a slow cold start and a content check without letting a stuck call
// hold a person for long.
const INTERACTIVE = { timeout: 10, memory: 256 }
// Builds an .xlsx workbook with server/xlsx in memory (every sheet is held until the upload) from
// district-wide queries: seconds of work, well past the cloud's 3 s default, and more memory than a
// plain call, so 60 s / 512 MB.
const WORKBOOK = { timeout: 60, memory: 512 }
// Hosts a timer that sweeps the whole district in pages (subscription pushes / deadline checks):
// more than an interactive call, far below a workbook; memory as interactive.
const TIMER_BATCH = { timeout: 30, memory: 256 }

// Every function: the platform seam (server/platform/cloud.ts) fits each subscription message to
// its template's declared keys (server/notify/templates.ts), which read the TPL_* ids.
const templates = TEMPLATE_ENV
// The functions that bundle server/activities (check-in and volunteer codes, volunteer numbers).
const volunteering = ['HONGLIN_TOKEN_SECRET', 'HONGLIN_PUBLIC_URL', 'HONGLIN_VOLUNTEER_PREFIX']

export const FUNCTIONS: Record<string, FunctionDeployment> = {
  activities: { ...INTERACTIVE, env: [...volunteering, ...templates], why: 'interactive; signs check-in codes, numbers volunteers' },
  auth: {
    ...INTERACTIVE,
    env: ['HONGLIN_CUSTOM_LOGIN_KEY', ...templates],
    why: 'interactive (desk sign-in by scan: one wxacode per QR code, tickets signed locally); hosts the hourly sweep of expired desk sessions; the key is ~2.5 KB of the 4 KB SCF allows'
  },
  centers: {
    ...WORKBOOK,
    env: [...templates],
    why: 'utilisation {export: true} writes an .xlsx workbook; also hosts the 5-minute no-show sweep timer'
  },
  companies: { ...INTERACTIVE, env: [...templates], why: 'interactive' },
  members: { ...WORKBOOK, env: ['HONGLIN_TOKEN_SECRET', ...templates], why: 'export writes the members .xlsx workbook; roster imports read an .xlsx and sign their preview tokens' },
  notices: { ...TIMER_BATCH, env: [...templates], why: 'pushDueNotices timer sends up to several pages of subscription messages per run' },
  qrcodes: { ...INTERACTIVE, env: [...templates], why: 'interactive; one wxacode and one upload per call' },
  reports: { ...WORKBOOK, env: [...templates], why: 'workReport builds the district work-report workbook; dashboards run many aggregates' },
  teams: { ...INTERACTIVE, timeout: 30, env: ['HONGLIN_TOKEN_SECRET', 'HONGLIN_PUBLIC_URL', ...templates], why: 'interactive; verifies personal volunteer codes (numbers them nowhere); 30 s: importConfirm adds up to 2,000 members through the guarded addMember path, 10 at a time' },
  tickets: { ...TIMER_BATCH, env: [...templates], why: "sweep timer checks every open ticket's deadlines every 10 minutes" },
  users: { ...INTERACTIVE, env: [...volunteering, ...templates], why: 'interactive' },
  wishes: { ...INTERACTIVE, env: [...volunteering, ...templates], why: 'interactive; records volunteer hours of fulfilled wishes' }
}

/** A timer trigger as WeChat DevTools and manager-node write it (7-field cron, seconds first). */
export interface TriggerDef {
  name: string
  type: 'timer'
  config: string
}

/** The function folders that hold a function (an index.ts to bundle). */
export function functionFolders(dir = FUNCTIONS_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'index.ts')))
    .map((entry) => entry.name)
    .sort()
}

/** The timer triggers of a function, from its config.json (their one source). */
export function functionTriggers(name: string, dir = FUNCTIONS_DIR): TriggerDef[] {
  const file = join(dir, name, 'config.json')
  if (!existsSync(file)) return []
  const config = JSON.parse(readFileSync(file, 'utf8')) as { triggers?: { name: string; type: string; config: string }[] }
  return (config.triggers ?? []).map((trigger) => {
    if (trigger.type !== 'timer') throw new Error(`${file}: trigger ${trigger.name} has type ${trigger.type}; only timer triggers can be deployed`)
    return { name: trigger.name, type: 'timer', config: trigger.config }
  })
}
