/**
 * The desired state of a cloud environment, built from the repository alone (no network, no
 * credentials): every collection of server/db/collections.ts that is not `localOnly` with its
 * indexes, the security rules, and every function with its deployment and timer triggers.
 * `formatPlan` prints it for `npm run deploy -- --dry-run`; scripts/deploy/apply.ts brings an
 * environment to it.
 */
import { collections, indexName, type CollectionDef } from '../../server/db/collections'
import { ENV_VARS, FUNCTIONS, RUNTIME, functionTriggers, type TriggerDef } from './functions'

export interface PlannedIndex {
  name: string
  fields: string[]
  unique: boolean
}

export interface PlannedCollection {
  name: string
  indexes: PlannedIndex[]
}

export interface PlannedFunction {
  name: string
  runtime: string
  timeout: number
  memory: number
  env: { name: string; required: boolean }[]
  triggers: TriggerDef[]
}

/**
 * Database: ADMINONLY on every collection (仅管理端可读写): clients can neither read nor write any
 * document; only the functions (the admin SDK) can. Every read and write goes through a function,
 * which checks the caller.
 * Storage: PRIVATE (仅创建者及管理员可读写): the mini-program may upload under its own folders
 * (uploads/<openid>/, notices/<openid>/) and read back only its own files; everything else
 * (exports/ with full mobiles, other people's photos) is read only through temporary URLs that a
 * function issues after its own checks.
 */
export const DATABASE_RULE = 'ADMINONLY' as const
export const STORAGE_RULE = 'PRIVATE' as const

export interface DeployPlan {
  collections: PlannedCollection[]
  databaseRule: typeof DATABASE_RULE
  storageRule: typeof STORAGE_RULE
  functions: PlannedFunction[]
}

export function buildPlan(): DeployPlan {
  const planned: PlannedCollection[] = Object.entries(collections as Record<string, CollectionDef>)
    .filter(([, def]) => !def.localOnly)
    .map(([name, def]) => ({
      name,
      indexes: def.indexes.map((index) => ({ name: indexName(index), fields: [...index.fields], unique: index.unique === true }))
    }))
  const functions: PlannedFunction[] = Object.entries(FUNCTIONS).map(([name, fn]) => ({
    name,
    runtime: RUNTIME,
    timeout: fn.timeout,
    memory: fn.memory,
    env: fn.env.map((envName) => {
      const def = ENV_VARS[envName]
      if (!def) throw new Error(`scripts/deploy/functions.ts: function ${name} declares ${envName}, which is not in ENV_VARS`)
      return { name: envName, required: def.required }
    }),
    triggers: functionTriggers(name)
  }))
  return { collections: planned, databaseRule: DATABASE_RULE, storageRule: STORAGE_RULE, functions }
}

/** What cannot be deployed with manager-node and stays a console step (printed with every plan). */
export const MANUAL_STEPS = [
  'Cloud-call permissions (云调用, config.json permissions.openapi: subscribeMessage.send, wxacode.getUnlimited, security.*) are a WeChat-side function setting that manager-node cannot write: once after the first deploy, and whenever a config.json\'s permissions change, upload that function from WeChat DevTools (右键 → 上传并部署：云端安装依赖; it reads the same config.json). Until then those calls answer -604101 (allow ~10 minutes after an upload).',
  'TTL index on rateLimits.expireAt (expireAfterSeconds 0): manager-node\'s index API (MgoKeySchema: keys and unique only) has no TTL option; create it in 数据库 → rateLimits → 索引管理. The deploy leaves indexes it does not declare alone.',
  '消息推送 for the image-check verdicts: 开发管理 → 开发设置 → 消息推送 → 启用 (JSON), then 云开发 → 设置 → 其他设置 → 消息推送: event wxa_media_check → function tickets (server/media/verdicts.ts).',
  'Storage lifecycle rule (云开发 → 存储 → 设置): delete files under exports/ and centers/exports/ one day after upload. Exports (workbooks with full mobiles, personal-data copies) are handed out by 2-hour links and must not outlive them; an account deletion removes the person\'s own copies at once.',
  'downloadFile 合法域名 (mp admin → 开发管理 → 服务器域名): the cloud storage domain (….tcb.qcloud.la). The app downloads function-written files through their temporary https links, since the private storage rule lets it read by fileID only its own uploads.',
  'Subscription message templates (订阅消息 → 公共模板库): pick one per entry of server/notify/templates.ts and put the ids in .env.local (TPL_*, then deploy again) and .env.production (TARO_APP_TPL_*).',
  'Back office sign-in by scan (function auth, docs/back-office.md §8): CloudBase console → 身份认证 → 登录方式: enable 自定义登录 (download the private key; HONGLIN_CUSTOM_LOGIN_KEY_FILE in .env.local) and 匿名登录; add the back-office origin to WEB 安全域名; upload auth once from WeChat DevTools (wxacode.getUnlimited); publish the mini-program page packages/mine/pages/desk/index.',
  'The mini-program itself: AppID in project.config.json, request/upload domains, npm run build:weapp and upload (WeChat DevTools or miniprogram-ci).'
]

/** The plan as text, one line per collection, index, rule, function, variable and trigger. */
export function formatPlan(plan: DeployPlan, options: { envId?: string; present?: ReadonlySet<string> } = {}): string {
  const lines: string[] = []
  const indexCount = plan.collections.reduce((sum, c) => sum + c.indexes.length, 0)
  lines.push(`Deploy plan for environment ${options.envId ?? '<envId>'}`)
  lines.push('')
  lines.push(`Database: ${plan.collections.length} collections, ${indexCount} indexes; security rule ${plan.databaseRule} on every collection (clients read: false, write: false; functions only)`)
  for (const collection of plan.collections) {
    lines.push(`  collection ${collection.name}  rule ${plan.databaseRule}`)
    for (const index of collection.indexes) {
      lines.push(`    index ${collection.name}.${index.name}  (${index.fields.join(', ')})${index.unique ? '  UNIQUE' : ''}`)
    }
  }
  lines.push('')
  lines.push(`Storage: security rule ${plan.storageRule} (clients read and write only their own uploads; exports/ and everyone else's files only through temporary URLs issued by functions)`)
  lines.push('')
  lines.push(`Functions: ${plan.functions.length} (code from cloudfunctions/<name>/ after npm run build:functions; dependencies installed in the cloud)`)
  for (const fn of plan.functions) {
    lines.push(`  function ${fn.name}  runtime ${fn.runtime}  timeout ${fn.timeout} s  memory ${fn.memory} MB`)
    for (const env of fn.env) {
      const state = options.present ? (options.present.has(env.name) ? 'set locally' : env.required ? 'MISSING locally (kept if the cloud has it)' : 'not set locally (kept if the cloud has it)') : ''
      lines.push(`    env ${fn.name}.${env.name}${env.required ? '  required' : ''}${state ? `  [${state}]` : ''}`)
    }
    for (const trigger of fn.triggers) {
      lines.push(`    trigger ${fn.name}.${trigger.name}  ${trigger.type}  "${trigger.config}"`)
    }
  }
  lines.push('')
  lines.push('Still by hand in the console:')
  for (const step of MANUAL_STEPS) lines.push(`  - ${step}`)
  return lines.join('\n')
}
