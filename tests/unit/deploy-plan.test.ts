/**
 * `npm run deploy` (scripts/deploy): the plan covers every collection, index, rule, function and
 * timer the code needs; settings are checked before any network; and the executor, run against an
 * in-memory stand-in of the manager-node methods it calls, changes everything once and nothing the
 * second time.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import type { CommonService } from '@cloudbase/manager-node/types/common'
import type { DatabaseService } from '@cloudbase/manager-node/types/database'
import type { ICreateFunctionParam, IUpdateFunctionCodeParam } from '@cloudbase/manager-node/types/function'
import type { IFunctionInfo } from '@cloudbase/manager-node/types/function/types'
import type { ICloudFunction, ICloudFunctionTrigger, IndexInfo, IResponseInfo } from '@cloudbase/manager-node/types/interfaces'
import type { AclType, IStorageAclRule } from '@cloudbase/manager-node/types/storage'
import { collections, indexName, type CollectionDef } from '../../server/db/collections'
import { applyPlan, DeployError, type DeployManager } from '../../scripts/deploy/apply'
import { DeployConfigError, functionEnvValues, loadSettings, parseDotEnv, resolveCredentials } from '../../scripts/deploy/env'
import { EMULATOR_ONLY_ENV, ENV_VARS, FUNCTIONS, FUNCTIONS_DIR, TEMPLATE_ENV, functionFolders } from '../../scripts/deploy/functions'
import { main } from '../../scripts/deploy/index'
import { declaredTimers } from '../../emulator/timers'
import { buildPlan, formatPlan } from '../../scripts/deploy/plan'

const ROOT = join(__dirname, '..', '..')
const declared = Object.entries(collections as Record<string, CollectionDef>).filter(([, def]) => !def.localOnly)

// ---------------------------------------------------------------- what a function's code reads

/** Files a function's bundle runs in the cloud: relative imports from its index.ts (type-only imports
 *  erased), minus the emulator's platform (server/platform/local.ts never runs in the cloud). */
function reachable(fn: string): string[] {
  const seen = new Set<string>()
  const queue = [join(FUNCTIONS_DIR, fn, 'index.ts')]
  const resolve = (from: string, spec: string) => {
    const base = join(dirname(from), spec)
    return [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), base].find((p) => existsSync(p) && p.endsWith('.ts'))
  }
  while (queue.length > 0) {
    const file = queue.pop()!
    if (seen.has(file)) continue
    seen.add(file)
    const text = readFileSync(file, 'utf8')
    const specs = [
      ...[...text.matchAll(/^(?:import|export)\s+(?!type\b)[\w\s{},*$]*?from\s*['"](\.[^'"]+)['"]/gm)].map((m) => m[1]),
      ...[...text.matchAll(/^import\s*['"](\.[^'"]+)['"]/gm)].map((m) => m[1]),
      ...[...text.matchAll(/import\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => m[1]),
      ...[...text.matchAll(/require\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => m[1])
    ]
    for (const spec of specs) {
      const target = resolve(file, spec)
      if (target && relative(ROOT, target) !== join('server', 'platform', 'local.ts')) queue.push(target)
    }
  }
  return [...seen]
}

function envRead(files: string[]): Set<string> {
  const names = new Set<string>()
  for (const file of files) {
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/process\.env\.([A-Z_][A-Z0-9_]*)/g)) names.add(m[1])
    for (const m of text.matchAll(/process\.env\[\s*['"]([A-Z_][A-Z0-9_]*)['"]\s*\]/g)) names.add(m[1])
    for (const m of text.matchAll(/fromEnv\(\s*['"]([A-Z_][A-Z0-9_]*)['"]/g)) names.add(m[1])
  }
  return names
}

const writesWorkbook = (files: string[]) => files.some((file) => relative(ROOT, file) === join('server', 'xlsx', 'index.ts'))

// ---------------------------------------------------------------- the plan

describe('deploy plan', () => {
  const plan = buildPlan()
  const text = formatPlan(plan, { envId: 'env-test' })

  it('has every collection that is not localOnly, with every index (unique ones marked)', () => {
    expect(plan.collections.map((c) => c.name).sort()).toEqual(declared.map(([name]) => name).sort())
    expect(plan.collections.map((c) => c.name)).not.toContain('outbox')
    for (const [name, def] of declared) {
      const planned = plan.collections.find((c) => c.name === name)!
      expect(planned.indexes).toEqual(def.indexes.map((index) => ({ name: indexName(index), fields: index.fields, unique: index.unique === true })))
      expect(text).toContain(`  collection ${name}  rule ADMINONLY\n`)
      for (const index of def.indexes) {
        const line = `    index ${name}.${indexName(index)}  (${index.fields.join(', ')})${index.unique ? '  UNIQUE' : ''}\n`
        expect(text).toContain(line)
      }
    }
    // The correctness-bearing unique indexes, by name.
    for (const id of ['users.openid_1', 'volunteers.volunteerNo_1', 'rooms.code_1', 'registrations.slot_1', 'communityCodes.communityId_1']) {
      expect(text).toContain(`index ${id}  (`)
      expect(text).toMatch(new RegExp(`index ${id.replace('.', '\\.')}  \\([^)]*\\)  UNIQUE`))
    }
  })

  it('sets the database rule to functions only and storage to private', () => {
    expect(plan.databaseRule).toBe('ADMINONLY')
    expect(plan.storageRule).toBe('PRIVATE')
    expect(text).toContain('security rule ADMINONLY on every collection (clients read: false, write: false; functions only)')
    expect(text).toContain('Storage: security rule PRIVATE')
  })

  it('has every folder under cloudfunctions/ exactly once, with its timeout and memory', () => {
    const folders = functionFolders()
    expect(folders.length).toBeGreaterThanOrEqual(11)
    expect(plan.functions.map((f) => f.name).sort()).toEqual(folders)
    for (const fn of plan.functions) {
      expect(text.split(`\n  function ${fn.name}  `).length).toBe(2)
      expect(text).toContain(`  function ${fn.name}  runtime ${fn.runtime}  timeout ${fn.timeout} s  memory ${fn.memory} MB`)
    }
  })

  it('gives the functions that write workbooks 60 s / 512 MB and the others less', () => {
    const workbook = plan.functions.filter((fn) => writesWorkbook(reachable(fn.name))).map((fn) => fn.name)
    expect(workbook.sort()).toEqual(['centers', 'members', 'reports'])
    for (const fn of plan.functions) {
      if (workbook.includes(fn.name)) expect([fn.timeout, fn.memory]).toEqual([60, 512])
      else {
        expect(fn.timeout).toBeGreaterThanOrEqual(10)
        expect(fn.timeout).toBeLessThanOrEqual(30)
        expect(fn.memory).toBe(256)
      }
    }
  })

  it('declares exactly the environment variables each function reads, and none of the emulator switches', () => {
    const templatesSource = readFileSync(join(ROOT, 'server', 'notify', 'templates.ts'), 'utf8')
    expect(new Set(TEMPLATE_ENV)).toEqual(new Set([...templatesSource.matchAll(/fromEnv\(\s*'([A-Z0-9_]+)'/g)].map((m) => m[1])))
    const declaredEnv: Record<string, string[]> = {}
    const readEnv: Record<string, string[]> = {}
    for (const fn of plan.functions) {
      const reads = envRead(reachable(fn.name))
      for (const name of EMULATOR_ONLY_ENV) reads.delete(name)
      declaredEnv[fn.name] = fn.env.map((e) => e.name).sort()
      readEnv[fn.name] = [...reads].sort()
      for (const env of fn.env) expect(text).toContain(`    env ${fn.name}.${env.name}${env.required ? '  required' : ''}`)
    }
    // All functions at once, so one failure names every function to fix in scripts/deploy/functions.ts.
    expect(declaredEnv).toEqual(readEnv)
    for (const name of EMULATOR_ONLY_ENV) expect(ENV_VARS[name]).toBeUndefined()
    expect(plan.functions.find((f) => f.name === 'activities')!.env).toContainEqual({ name: 'HONGLIN_TOKEN_SECRET', required: true })
    // Every documented variable is in .env.example.
    const example = parseDotEnv(readFileSync(join(ROOT, '.env.example'), 'utf8'))
    for (const name of [...Object.keys(ENV_VARS), 'TCB_ENV_ID', 'TENCENTCLOUD_SECRETID', 'TENCENTCLOUD_SECRETKEY']) expect(example).toHaveProperty(name)
  })

  it('has the timer triggers the functions handle, from config.json', () => {
    const byFn = Object.fromEntries(plan.functions.map((fn) => [fn.name, fn.triggers]))
    for (const fn of plan.functions) {
      const entry = readFileSync(join(FUNCTIONS_DIR, fn.name, 'index.ts'), 'utf8')
      const config = JSON.parse(readFileSync(join(FUNCTIONS_DIR, fn.name, 'config.json'), 'utf8')) as { triggers?: unknown[] }
      // One source: the plan's triggers are config.json's.
      expect(fn.triggers).toEqual(config.triggers ?? [])
      const handlesTimers = /'Timer'/.test(entry) || /withTimer\(/.test(entry)
      expect({ fn: fn.name, hasTriggers: fn.triggers.length > 0 }).toEqual({ fn: fn.name, hasTriggers: handlesTimers })
      for (const trigger of fn.triggers) {
        expect(trigger.type).toBe('timer')
        expect(trigger.config.split(' ')).toHaveLength(7) // seconds minutes hours day month weekday year
        expect(text).toContain(`    trigger ${fn.name}.${trigger.name}  timer  "${trigger.config}"`)
      }
    }
    // The names each handler dispatches on: the jobs its `withTimer` (server/core/timer.ts) is given.
    const jobsOf = (fn: string) => {
      const entry = readFileSync(join(FUNCTIONS_DIR, fn, 'index.ts'), 'utf8')
      const literal = /withTimer\([^{]*\{([^}]*)\}/.exec(entry)
      const body = literal ? literal[1] : new RegExp(`export const ${fn}Timer = \\{([^}]*)\\}`).exec(readFileSync(join(ROOT, 'server', fn, 'index.ts'), 'utf8'))![1]
      return [...body.matchAll(/(\w+)\s*:/g)].map((m) => m[1]).sort()
    }
    for (const fn of ['activities', 'auth', 'centers', 'notices', 'tickets']) expect(byFn[fn].map((t) => t.name).sort()).toEqual(jobsOf(fn))
    // Every minute: queued messages (server/notify/queue.ts) and important notices' pushes are sent
    // by these timers, not while the person who acted waits.
    expect(byFn.notices).toEqual([{ name: 'pushDueNotices', type: 'timer', config: '0 * * * * * *' }])
    expect(byFn.activities).toEqual([{ name: 'deliverMessages', type: 'timer', config: '0 * * * * * *' }])
    // Hourly: desk sessions past their limits are recorded as expired (the shell checks the times itself).
    expect(byFn.auth).toEqual([{ name: 'sweep', type: 'timer', config: '0 0 * * * * *' }])
    expect(Object.keys(FUNCTIONS).filter((fn) => byFn[fn].length > 0).sort()).toEqual(['activities', 'auth', 'centers', 'notices', 'tickets'])
  })

  it('declares at most ONE trigger per function (WeChat: "triggers 字段是触发器数组，目前仅支持一个触发器"), as the local timers insist too', () => {
    const dirs = readdirSync(FUNCTIONS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(FUNCTIONS_DIR, d.name, 'config.json')))
    expect(dirs.length).toBeGreaterThan(0)
    for (const d of dirs) {
      const config = JSON.parse(readFileSync(join(FUNCTIONS_DIR, d.name, 'config.json'), 'utf8')) as { triggers?: unknown[] }
      expect({ fn: d.name, atMostOne: (config.triggers?.length ?? 0) <= 1 }).toEqual({ fn: d.name, atMostOne: true })
    }
    // The emulator's timer runner refuses a second trigger (emulator/timers.ts declaredTimers).
    const dir = mkdtempSync(join(tmpdir(), 'triggers-'))
    mkdirSync(join(dir, 'two'))
    const timer = (name: string) => ({ name, type: 'timer', config: '0 * * * * * *' })
    writeFileSync(join(dir, 'two', 'config.json'), JSON.stringify({ triggers: [timer('a'), timer('b')] }))
    expect(() => declaredTimers(dir)).toThrow(/at most ONE trigger/)
    writeFileSync(join(dir, 'two', 'config.json'), JSON.stringify({ triggers: [timer('a')] }))
    expect(declaredTimers(dir)).toEqual([{ fn: 'two', name: 'a', config: '0 * * * * * *' }])
    rmSync(dir, { recursive: true, force: true })
  })
})

// ---------------------------------------------------------------- settings, before any network

describe('npm run deploy settings', () => {
  const quiet = () => {
    const out: string[] = []
    return { out, log: (line: string) => out.push(line), error: (line: string) => out.push(line) }
  }

  it('--dry-run prints the plan with no credentials, no build and no manager', async () => {
    const io = quiet()
    const createManager = jest.fn()
    const build = jest.fn()
    const code = await main(['--dry-run'], { vars: {}, createManager, build, log: io.log, error: io.error })
    expect(code).toBe(0)
    expect(createManager).not.toHaveBeenCalled()
    expect(build).not.toHaveBeenCalled()
    const out = io.out.join('\n')
    expect(out).toContain('Deploy plan for environment <envId>')
    expect(out).toContain('collection users  rule ADMINONLY')
    expect(out).toContain('trigger tickets.sweep  timer')
    expect(out).toContain('env activities.HONGLIN_TOKEN_SECRET  required  [MISSING locally')
    expect(out).toContain('TTL index on rateLimits.expireAt')
  })

  it('stops with a clear message, before building or connecting, when the env id or the key is missing', async () => {
    for (const [argv, vars, missing] of [
      [['--env', 'env-1'], {}, ['TENCENTCLOUD_SECRETID', 'TENCENTCLOUD_SECRETKEY']],
      [[], { TENCENTCLOUD_SECRETID: 'id', TENCENTCLOUD_SECRETKEY: 'key' }, ['the environment id (--env <envId>, or TCB_ENV_ID)']],
      [['--env', 'env-1'], { TENCENTCLOUD_SECRETID: 'id' }, ['TENCENTCLOUD_SECRETKEY']]
    ] as const) {
      const io = quiet()
      const createManager = jest.fn()
      const build = jest.fn()
      const code = await main(argv, { vars, createManager, build, log: io.log, error: io.error })
      expect(code).toBe(2)
      expect(createManager).not.toHaveBeenCalled()
      expect(build).not.toHaveBeenCalled()
      const out = io.out.join('\n')
      for (const name of missing) expect(out).toContain(name)
      expect(out).toContain('.env.example')
    }
    expect(() => resolveCredentials({ dryRun: false, skipBuild: false }, { TCB_ENV_ID: 'e', TENCENTCLOUD_SECRETID: 'i', TENCENTCLOUD_SECRETKEY: 'k' })).not.toThrow()
    await expect(main(['--bogus'], { vars: {}, log: () => {}, error: () => {} })).resolves.toBe(2)
  })

  it('reads .env, then .env.local, then the shell, and warns about secrets in the committed .env', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-env-'))
    try {
      writeFileSync(join(dir, '.env'), 'TARO_APP_X=1\nTCB_ENV_ID=from-env\nTENCENTCLOUD_SECRETKEY="in-env"\n')
      writeFileSync(join(dir, '.env.local'), "# local\nexport TCB_ENV_ID='from-local'\nHONGLIN_TOKEN_SECRET=abc # comment\n")
      const { vars, warnings } = loadSettings(dir, { TENCENTCLOUD_SECRETID: 'shell' })
      expect(vars).toMatchObject({ TCB_ENV_ID: 'from-local', TENCENTCLOUD_SECRETKEY: 'in-env', TENCENTCLOUD_SECRETID: 'shell', HONGLIN_TOKEN_SECRET: 'abc' })
      expect(warnings.join('\n')).toContain('TENCENTCLOUD_SECRETKEY is set in .env')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('reads the custom-login key file named in .env.local, base64-encodes it for auth, and refuses one over 3.5 KB', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-key-'))
    try {
      const key = { private_key_id: 'kid-1', private_key: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n', env_id: 'env-9' }
      mkdirSync(join(dir, 'keys'))
      writeFileSync(join(dir, 'keys', 'tcb_custom_login.json'), JSON.stringify(key))
      writeFileSync(join(dir, '.env.local'), 'HONGLIN_CUSTOM_LOGIN_KEY_FILE=keys/tcb_custom_login.json\n')
      const { vars } = loadSettings(dir, {})
      expect(JSON.parse(Buffer.from(vars.HONGLIN_CUSTOM_LOGIN_KEY, 'base64').toString('utf8'))).toEqual(key)
      expect(functionEnvValues(vars).HONGLIN_CUSTOM_LOGIN_KEY).toBe(vars.HONGLIN_CUSTOM_LOGIN_KEY)
      // A missing file, or one that is not the console's key file, stops the deploy with its name.
      writeFileSync(join(dir, '.env.local'), 'HONGLIN_CUSTOM_LOGIN_KEY_FILE=keys/none.json\n')
      expect(() => loadSettings(dir, {})).toThrow(/HONGLIN_CUSTOM_LOGIN_KEY_FILE=keys\/none.json: no such file/)
      writeFileSync(join(dir, 'keys', 'bad.json'), JSON.stringify({ private_key: 'x' }))
      writeFileSync(join(dir, '.env.local'), 'HONGLIN_CUSTOM_LOGIN_KEY_FILE=keys/bad.json\n')
      expect(() => loadSettings(dir, {})).toThrow(/lacks private_key_id, env_id/)
      // SCF allows 4 KB of variables per function.
      expect(() => functionEnvValues({ HONGLIN_CUSTOM_LOGIN_KEY: 'A'.repeat(3585) })).toThrow(DeployConfigError)
      expect(() => functionEnvValues({ HONGLIN_CUSTOM_LOGIN_KEY: 'A'.repeat(3585) })).toThrow(/at most 3.5 KB/)
      expect(() => functionEnvValues({ HONGLIN_CUSTOM_LOGIN_KEY: 'A'.repeat(3584) })).not.toThrow()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

// ---------------------------------------------------------------- the executor, on a fake manager

type UpdateCollectionInfo = Parameters<DatabaseService['updateCollection']>[1]
type CommonCall = Parameters<CommonService['call']>[0]
const ok: IResponseInfo = { RequestId: 'fake' }

interface FakeFunction {
  name: string
  runtime: string
  timeout: number
  memory: number
  description: string
  env: Record<string, string>
  triggers: { TriggerName: string; Type: string; TriggerDesc: string }[]
}

/** In memory: exactly the manager-node methods scripts/deploy/apply.ts calls, with their signatures. */
class FakeManager implements DeployManager {
  tables = new Map<string, IndexInfo[]>()
  acl = new Map<string, string>()
  storageAcl: AclType = 'READONLY'
  fns = new Map<string, FakeFunction>()
  writes: string[] = []

  database = {
    listCollections: async (options?: { MgoLimit?: number; MgoOffset?: number }) => {
      const names = [...this.tables.keys()].sort()
      const offset = options?.MgoOffset ?? 0
      const limit = options?.MgoLimit ?? 100
      const page = names.slice(offset, offset + limit)
      return {
        RequestId: 'fake',
        Collections: page.map((n) => ({ TableName: n, CollectionName: n, Count: 0, Size: 0, IndexCount: 1, IndexSize: 0 })),
        Pager: { Offset: offset, Limit: limit, Total: names.length }
      }
    },
    createCollectionIfNotExists: async (name: string) => {
      const exists = this.tables.has(name)
      if (!exists) {
        this.writes.push(`createCollection ${name}`)
        this.tables.set(name, [index('_id_', ['_id'], false)])
      }
      return { RequestId: 'fake', IsCreated: !exists, ExistsResult: { RequestId: 'fake', Exists: exists } }
    },
    describeCollection: async (name: string) => {
      const indexes = this.tables.get(name)
      if (!indexes) throw Object.assign(new Error(`no collection ${name}`), { code: 'ResourceNotFound' })
      return { RequestId: 'fake', Indexes: indexes.map((i) => ({ ...i, Keys: i.Keys.map((k) => ({ ...k })) })), IndexNum: indexes.length }
    },
    updateCollection: async (name: string, info: UpdateCollectionInfo) => {
      const indexes = this.tables.get(name)
      if (!indexes) throw new Error(`no collection ${name}`)
      for (const d of info.DropIndexes ?? []) {
        this.writes.push(`dropIndex ${name}.${d.IndexName}`)
        indexes.splice(indexes.findIndex((i) => i.Name === d.IndexName), 1)
      }
      for (const c of info.CreateIndexes ?? []) {
        if (indexes.some((i) => i.Name === c.IndexName)) throw new Error(`index ${c.IndexName} exists`)
        this.writes.push(`createIndex ${name}.${c.IndexName}${c.MgoKeySchema.MgoIsUnique ? ' unique' : ''}`)
        indexes.push(index(c.IndexName, c.MgoKeySchema.MgoIndexKeys.map((k) => k.Name), c.MgoKeySchema.MgoIsUnique))
      }
      return ok
    }
  }

  functions = {
    listFunctions: async (limit = 20, offset = 0) =>
      [...this.fns.keys()].sort().slice(offset, offset + limit).map((name) => ({ FunctionName: name, Status: 'Active' } as Record<string, string>)),
    getFunctionDetail: async (name: string, _codeSecret?: string): Promise<IFunctionInfo> => {
      const fn = this.fns.get(name)
      if (!fn) throw Object.assign(new Error(`no function ${name}`), { code: 'ResourceNotFound.Function' })
      // Only the fields the deploy reads; the rest of GetFunction's answer is not modelled.
      return {
        FunctionName: fn.name,
        Runtime: fn.runtime,
        Timeout: fn.timeout,
        MemorySize: fn.memory,
        Description: fn.description,
        Environment: { Variables: Object.entries(fn.env).map(([Key, Value]) => ({ Key, Value })) },
        Triggers: fn.triggers.map((t) => ({ ...t, Name: t.TriggerName, Config: t.TriggerDesc })),
        Status: 'Active'
      } as unknown as IFunctionInfo
    },
    createFunction: async (param: ICreateFunctionParam) => {
      const f = param.func
      if (this.fns.has(f.name)) throw Object.assign(new Error('exists'), { code: 'ResourceInUse.Function' })
      this.writes.push(`createFunction ${f.name} timeout=${f.timeout} memory=${f.memorySize} env=${Object.keys(f.envVariables ?? {}).sort().join(',')}`)
      this.fns.set(f.name, {
        name: f.name,
        runtime: f.runtime ?? 'Nodejs20.19',
        timeout: f.timeout ?? 3,
        memory: f.memorySize ?? 256,
        description: f.description ?? '',
        env: Object.fromEntries(Object.entries(f.envVariables ?? {}).map(([k, v]) => [k, String(v)])),
        triggers: []
      })
      for (const t of f.triggers ?? []) this.addTrigger(f.name, t)
      return ok
    },
    updateFunctionCode: async (param: IUpdateFunctionCodeParam) => {
      if (!this.fns.has(param.func.name)) throw new Error(`no function ${param.func.name}`)
      this.writes.push(`updateFunctionCode ${param.func.name}`)
      return ok
    },
    updateFunctionConfig: async (func: ICloudFunction) => {
      const fn = this.fns.get(func.name)
      if (!fn) throw new Error(`no function ${func.name}`)
      this.writes.push(`updateFunctionConfig ${func.name}`)
      if (func.timeout !== undefined) fn.timeout = func.timeout
      if (func.memorySize !== undefined) fn.memory = func.memorySize
      if (func.description !== undefined) fn.description = func.description
      // Like UpdateFunctionConfiguration: the variables given replace all of them.
      if (func.envVariables && Object.keys(func.envVariables).length > 0) {
        fn.env = Object.fromEntries(Object.entries(func.envVariables).map(([k, v]) => [k, String(v)]))
      }
      for (const t of func.triggers ?? []) this.addTrigger(func.name, t)
      return ok
    },
    waitFunctionActive: async (_name: string, _codeSecret?: string) => {},
    createFunctionTriggers: async (name: string, triggers: ICloudFunctionTrigger[] = []) => {
      for (const t of triggers) this.addTrigger(name, t)
      return ok
    },
    deleteFunctionTrigger: async (name: string, triggerName: string) => {
      const fn = this.fns.get(name)!
      this.writes.push(`deleteTrigger ${name}.${triggerName}`)
      fn.triggers = fn.triggers.filter((t) => t.TriggerName !== triggerName)
      return ok
    }
  }

  storage = {
    getStorageAcl: async (): Promise<AclType> => this.storageAcl,
    setStorageAcl: async (acl: AclType, _rule?: IStorageAclRule) => {
      this.writes.push(`setStorageAcl ${acl}`)
      this.storageAcl = acl
      return ok
    }
  }

  commonService(service?: string, _version?: string) {
    return {
      call: async ({ Action, Param }: CommonCall) => {
        expect(service).toBe('tcb')
        if (Action === 'DescribeDatabaseACL') return { RequestId: 'fake', AclTag: this.acl.get(Param.CollectionName) ?? 'PRIVATE' }
        if (Action === 'ModifyDatabaseACL') {
          if (!this.tables.has(Param.CollectionName)) throw new Error(`no collection ${Param.CollectionName}`)
          this.writes.push(`setDatabaseAcl ${Param.CollectionName} ${Param.AclTag}`)
          this.acl.set(Param.CollectionName, Param.AclTag)
          return ok
        }
        throw new Error(`fake: unexpected action ${Action}`)
      }
    }
  }

  private addTrigger(name: string, t: ICloudFunctionTrigger) {
    const fn = this.fns.get(name)!
    if (t.type !== 'timer') throw new Error('only timer triggers')
    if (fn.triggers.some((x) => x.TriggerName === t.name)) throw new Error(`trigger ${t.name} exists`)
    this.writes.push(`createTrigger ${name}.${t.name} ${t.config}`)
    // GetFunction reports a timer's cron as JSON in TriggerDesc.
    fn.triggers.push({ TriggerName: t.name, Type: 'timer', TriggerDesc: JSON.stringify({ cron: t.config }) })
  }
}

function index(name: string, fields: string[], unique: boolean): IndexInfo {
  return { Name: name, Size: 0, Keys: fields.map((f) => ({ Name: f, Direction: '1' })), Accesses: { Ops: 0, Since: '' }, Unique: unique }
}

describe('deploy executor (fake manager)', () => {
  let functionsDir: string
  const plan = buildPlan()
  const indexCount = plan.collections.reduce((sum, c) => sum + c.indexes.length, 0)

  beforeAll(() => {
    // A copy of the function folders with a fixed bundle: the hash must not follow a concurrent build.
    functionsDir = mkdtempSync(join(tmpdir(), 'deploy-fns-'))
    for (const fn of readdirSync(FUNCTIONS_DIR)) {
      const src = join(FUNCTIONS_DIR, fn)
      if (!existsSync(join(src, 'index.ts'))) continue
      cpSync(join(src, 'config.json'), join(functionsDir, fn, 'config.json'))
      cpSync(join(src, 'package.json'), join(functionsDir, fn, 'package.json'))
      writeFileSync(join(functionsDir, fn, 'index.js'), `exports.main = async () => '${fn}'\n`)
    }
  })
  afterAll(() => rmSync(functionsDir, { recursive: true, force: true }))

  const run = (fake: FakeManager, values: Record<string, string> = { HONGLIN_TOKEN_SECRET: 's3cret', HONGLIN_CUSTOM_LOGIN_KEY: 'a2V5', TPL_NOTICE_PUBLISHED: 'tpl-1' }) =>
    applyPlan(plan, fake, { envId: 'env-test', values, functionsDir, log: () => {} })

  it('sets up an empty environment once, and a second run changes nothing', async () => {
    const fake = new FakeManager()
    const first = await run(fake)
    expect(first.length).toBeGreaterThan(0)
    expect(fake.writes.filter((w) => w.startsWith('createCollection'))).toHaveLength(declared.length)
    expect(fake.writes.filter((w) => w.startsWith('createIndex'))).toHaveLength(indexCount)
    expect(fake.writes).toContain('createIndex users.openid_1 unique')
    expect(fake.writes).toContain('createIndex registrations.slot_1 unique')
    expect(fake.writes).toContain('createIndex activitySignups.activityId_1_status_1_signedUpAt_1')
    expect(fake.tables.get('users')!.find((i) => i.Name === 'openid_1')!.Unique).toBe(true)
    expect(fake.tables.get('users')!.find((i) => i.Name === 'profile.gridId_1')!.Unique).toBe(false)
    expect(fake.tables.has('outbox')).toBe(false)
    expect([...fake.acl.values()]).toEqual(declared.map(() => 'ADMINONLY'))
    expect(fake.storageAcl).toBe('PRIVATE')
    expect([...fake.fns.keys()].sort()).toEqual(functionFolders())
    for (const fn of plan.functions) {
      const deployed = fake.fns.get(fn.name)!
      expect({ name: fn.name, timeout: deployed.timeout, memory: deployed.memory, runtime: deployed.runtime }).toEqual({
        name: fn.name,
        timeout: fn.timeout,
        memory: fn.memory,
        runtime: 'Nodejs16.13'
      })
      expect(deployed.triggers.map((t) => [t.TriggerName, JSON.parse(t.TriggerDesc).cron])).toEqual(fn.triggers.map((t) => [t.name, t.config]))
    }
    expect(fake.fns.get('activities')!.env).toEqual({ HONGLIN_TOKEN_SECRET: 's3cret', TPL_NOTICE_PUBLISHED: 'tpl-1' })
    expect(fake.fns.get('teams')!.env).toEqual({ HONGLIN_TOKEN_SECRET: 's3cret', TPL_NOTICE_PUBLISHED: 'tpl-1' })
    expect(fake.fns.get('reports')!.env).toEqual({ TPL_NOTICE_PUBLISHED: 'tpl-1' })
    // The custom-login key goes to auth alone.
    expect(fake.fns.get('auth')!.env).toEqual({ HONGLIN_CUSTOM_LOGIN_KEY: 'a2V5', TPL_NOTICE_PUBLISHED: 'tpl-1' })
    expect([...fake.fns.entries()].filter(([, f]) => 'HONGLIN_CUSTOM_LOGIN_KEY' in f.env).map(([name]) => name)).toEqual(['auth'])

    fake.writes = []
    const second = await run(fake)
    expect(second).toEqual([])
    expect(fake.writes).toEqual([])
  })

  it('repairs only what drifted, keeps what it does not manage, and is then idempotent again', async () => {
    const fake = new FakeManager()
    await run(fake)
    // Drift: a unique index made non-unique, a missing index, a rule opened, the storage opened,
    // a function's memory and a trigger's cron changed, a stale trigger, a console-set variable,
    // a console-made TTL index, and new code.
    fake.tables.get('users')!.find((i) => i.Name === 'openid_1')!.Unique = false
    const tickets = fake.tables.get('tickets')!
    tickets.splice(tickets.findIndex((i) => i.Name === 'status_1'), 1)
    fake.tables.get('rateLimits')!.push({ ...index('expireAt_1', ['expireAt'], false) })
    fake.acl.set('auditLogs', 'READONLY')
    fake.storageAcl = 'READONLY'
    fake.fns.get('members')!.memory = 128
    fake.fns.get('centers')!.triggers[0].TriggerDesc = JSON.stringify({ cron: '0 0 * * * * *' })
    fake.fns.get('tickets')!.triggers.push({ TriggerName: 'old', Type: 'timer', TriggerDesc: '0 0 1 * * * *' })
    fake.fns.get('teams')!.env.CONSOLE_ONLY = 'kept'
    writeFileSync(join(functionsDir, 'qrcodes', 'index.js'), `exports.main = async () => 'qrcodes v2'\n`)
    fake.writes = []

    const changes = await run(fake)
    expect(fake.writes.sort()).toEqual(
      [
        'createIndex tickets.status_1',
        'createIndex users.openid_1 unique',
        'createTrigger centers.sweepNoShows 0 */5 * * * * *',
        'deleteTrigger centers.sweepNoShows',
        'deleteTrigger tickets.old',
        'dropIndex users.openid_1',
        'setDatabaseAcl auditLogs ADMINONLY',
        'setStorageAcl PRIVATE',
        'updateFunctionCode qrcodes',
        'updateFunctionConfig members',
        'updateFunctionConfig qrcodes'
      ].sort()
    )
    expect(changes.join('\n')).toContain('recreated index users.openid_1 (unique)')
    expect(fake.tables.get('rateLimits')!.map((i) => i.Name)).toContain('expireAt_1')
    expect(fake.fns.get('teams')!.env).toEqual({ HONGLIN_TOKEN_SECRET: 's3cret', TPL_NOTICE_PUBLISHED: 'tpl-1', CONSOLE_ONLY: 'kept' })

    fake.writes = []
    expect(await run(fake)).toEqual([])
    expect(fake.writes).toEqual([])
  })

  it('keeps a variable already set in the cloud when it is not set locally, and stops before any function change when a required one has no value anywhere', async () => {
    const fake = new FakeManager()
    await run(fake)
    fake.writes = []
    expect(await run(fake, {})).toEqual([])
    expect(fake.fns.get('activities')!.env.HONGLIN_TOKEN_SECRET).toBe('s3cret')

    const empty = new FakeManager()
    await expect(run(empty, {})).rejects.toThrow(DeployError)
    await expect(run(new FakeManager(), {})).rejects.toThrow(/HONGLIN_TOKEN_SECRET \(function activities\).*HONGLIN_TOKEN_SECRET \(function teams\).*\.env\.example/)
    expect(empty.writes.filter((w) => /Function|Trigger/.test(w))).toEqual([])
  })

  it("stops before any function change when a function's variables would pass SCF's 4 KB (the key and every template id on auth)", async () => {
    const fake = new FakeManager()
    const templateIds = Object.fromEntries(TEMPLATE_ENV.map((name) => [name, 'x'.repeat(43)]))
    const key = 'k'.repeat(3.4 * 1024)
    await expect(run(fake, { HONGLIN_TOKEN_SECRET: 's3cret', HONGLIN_CUSTOM_LOGIN_KEY: key, ...templateIds })).rejects.toThrow(/function auth: its environment variables take 4\.\d KB; SCF allows 4 KB/)
    expect(fake.writes.filter((w) => /Function|Trigger/.test(w))).toEqual([])
    // A real 2048-bit key (~2.4 KB encoded) with every template id fits.
    await expect(run(new FakeManager(), { HONGLIN_TOKEN_SECRET: 's3cret', HONGLIN_CUSTOM_LOGIN_KEY: 'k'.repeat(2400), ...templateIds })).resolves.toBeDefined()
  })

  it('fails with a clear message instead of hanging when the cloud does not answer', async () => {
    const fake = new FakeManager()
    fake.database.listCollections = () => new Promise(() => {})
    await expect(
      applyPlan(plan, fake, { envId: 'env-test', values: {}, functionsDir, log: () => {}, callTimeoutMs: 50 })
    ).rejects.toThrow('listCollections: no answer within 0 s')
  })

  it('a real run builds, then deploys through the manager it is given', async () => {
    const fake = new FakeManager()
    const build = jest.fn()
    const out: string[] = []
    const code = await main(['--env', 'env-9'], {
      vars: { TENCENTCLOUD_SECRETID: 'id', TENCENTCLOUD_SECRETKEY: 'KEY-VALUE-42', HONGLIN_TOKEN_SECRET: 'TOKEN-VALUE-42', HONGLIN_CUSTOM_LOGIN_KEY: 'LOGIN-KEY-42' },
      createManager: (credentials) => {
        expect(credentials).toMatchObject({ envId: 'env-9', secretId: 'id', secretKey: 'KEY-VALUE-42' })
        return fake
      },
      build,
      functionsDir,
      log: (line) => out.push(line),
      error: (line) => out.push(line)
    })
    expect(code).toBe(0)
    expect(build).toHaveBeenCalledTimes(1)
    expect(fake.fns.size).toBe(plan.functions.length)
    expect(out.join('\n')).not.toMatch(/KEY-VALUE-42|TOKEN-VALUE-42|LOGIN-KEY-42/)
  })
})

it('DeployConfigError is what settings problems throw', () => {
  expect(() => resolveCredentials({ dryRun: false, skipBuild: false }, {})).toThrow(DeployConfigError)
})
