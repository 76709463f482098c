/**
 * Brings a cloud environment to the plan (scripts/deploy/plan.ts) with @cloudbase/manager-node.
 * It reads first and changes only what differs, so a second run changes nothing:
 *  - collections: created when missing; each declared index created when missing (or dropped and
 *    recreated when one of the same name has other fields or another `unique`); indexes the
 *    declaration does not name are left alone (e.g. the console-made TTL index on rateLimits);
 *  - database rule per collection and the storage rule: set when different;
 *  - functions: created when missing; code uploaded when its hash (kept in the function's
 *    description) differs; timeout, memory, description and environment variables updated when
 *    different (variables not set locally keep their cloud value); timer triggers created, replaced
 *    when their cron differs, and deleted when config.json no longer has them.
 * Every call has a time limit, so a dead network fails the run instead of hanging it.
 */
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type CloudBase from '@cloudbase/manager-node'
import type { CommonService } from '@cloudbase/manager-node/types/common'
import type { DatabaseService } from '@cloudbase/manager-node/types/database'
import type { FunctionService } from '@cloudbase/manager-node/types/function'
import type { IFunctionInfo } from '@cloudbase/manager-node/types/function/types'
import type { CreateIndex, DropIndex, ICloudFunction, IndexInfo } from '@cloudbase/manager-node/types/interfaces'
import type { AclType, StorageService } from '@cloudbase/manager-node/types/storage'
import type { DeployPlan, PlannedCollection, PlannedFunction } from './plan'

/** Exactly the manager-node methods the deploy calls (the unit test implements them in memory). */
export interface DeployManager {
  database: Pick<DatabaseService, 'listCollections' | 'createCollectionIfNotExists' | 'describeCollection' | 'updateCollection'>
  functions: Pick<
    FunctionService,
    | 'listFunctions'
    | 'getFunctionDetail'
    | 'createFunction'
    | 'updateFunctionCode'
    | 'updateFunctionConfig'
    | 'waitFunctionActive'
    | 'createFunctionTriggers'
    | 'deleteFunctionTrigger'
  >
  storage: { getStorageAcl(): Promise<AclType>; setStorageAcl: StorageService['setStorageAcl'] }
  commonService(service?: string, version?: string): Pick<CommonService, 'call'>
}

/** The real manager, typed down to what the deploy uses (compile-time proof that it fits). */
export const asDeployManager = (manager: CloudBase): DeployManager => manager

export interface ApplyOptions {
  envId: string
  /** Local values of the functions' environment variables (names from scripts/deploy/functions.ts). */
  values: Record<string, string>
  /** Folder holding cloudfunctions/<name>/ (built). */
  functionsDir: string
  log?: (line: string) => void
  /** Time limit of one read or small write, ms. */
  callTimeoutMs?: number
  /** Time limit of a code upload (the cloud installs dependencies), ms. */
  codeTimeoutMs?: number
  /** Collections handled at once. */
  concurrency?: number
}

/** Files of a function folder that are not uploaded (the TypeScript entry, maps, local installs). */
export const CODE_IGNORE = ['index.ts', '*.map', 'node_modules', 'node_modules/**/*']

/** sha256 of the files uploaded for a function (index.js, package.json, config.json …). */
export function codeHash(functionsDir: string, name: string): string {
  const dir = join(functionsDir, name)
  const hash = createHash('sha256')
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name !== 'index.ts' && !entry.name.endsWith('.map'))
    .map((entry) => entry.name)
    .sort()
  for (const file of files) {
    hash.update(file).update('\0').update(readFileSync(join(dir, file))).update('\0')
  }
  return hash.digest('hex').slice(0, 16)
}

/** The description a deployed function carries: how the next run knows its code is current. */
export const codeDescription = (hash: string) => `honglin code sha256:${hash}`

export class DeployError extends Error {}

/** What SCF allows of environment variables on one function (names and values). */
export const SCF_ENV_MAX_BYTES = 4 * 1024

function withTimeout<T>(label: string, ms: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeployError(`${label}: no answer within ${Math.round(ms / 1000)} s (network or cloud API down?)`)), ms)
  })
  return Promise.race([work(), limit]).finally(() => clearTimeout(timer))
}

async function pool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const runners = Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) await work(items[next++])
  })
  await Promise.all(runners)
}

const sameKeys = (a: { Name?: string }[] | undefined, fields: string[]) =>
  (a ?? []).length === fields.length && (a ?? []).every((key, i) => key.Name === fields[i])

/** The cron of a timer trigger as GetFunction reports it (`{"cron":"…"}` or the bare expression). */
function triggerCron(desc: string | undefined): string {
  if (!desc) return ''
  try {
    const parsed = JSON.parse(desc) as { cron?: string }
    if (parsed && typeof parsed.cron === 'string') return parsed.cron
  } catch {
    // not JSON: the bare cron expression
  }
  return desc
}

/** Applies the plan; returns the changes made (empty when the environment already matched). */
export async function applyPlan(plan: DeployPlan, manager: DeployManager, options: ApplyOptions): Promise<string[]> {
  const log = options.log ?? ((line: string) => console.log(line))
  const callMs = options.callTimeoutMs ?? 60_000
  const codeMs = options.codeTimeoutMs ?? 10 * 60_000
  const changes: string[] = []
  const change = (line: string) => {
    changes.push(line)
    log(`  ${line}`)
  }
  const call = <T>(label: string, work: () => Promise<T>) => withTimeout(label, callMs, work)
  const tcb = manager.commonService('tcb')

  // ---- database
  log(`Database (${plan.collections.length} collections)`)
  const existing = new Set<string>()
  for (let offset = 0; ; ) {
    const page = await call('listCollections', () => manager.database.listCollections({ MgoLimit: 100, MgoOffset: offset }))
    for (const c of page.Collections ?? []) existing.add(c.CollectionName)
    offset += (page.Collections ?? []).length
    if ((page.Collections ?? []).length === 0 || offset >= (page.Pager?.Total ?? 0)) break
  }

  const syncCollection = async (collection: PlannedCollection) => {
    const name = collection.name
    let indexes: IndexInfo[] = []
    if (!existing.has(name)) {
      const res = await call(`create collection ${name}`, () => manager.database.createCollectionIfNotExists(name))
      if (res.IsCreated) change(`created collection ${name}`)
    }
    if (existing.has(name) || collection.indexes.length > 0) {
      indexes = (await call(`describe collection ${name}`, () => manager.database.describeCollection(name))).Indexes ?? []
    }
    const create: CreateIndex[] = []
    const drop: DropIndex[] = []
    for (const index of collection.indexes) {
      const current = indexes.find((i) => i.Name === index.name)
      if (current && sameKeys(current.Keys, index.fields) && Boolean(current.Unique) === index.unique) continue
      if (current) drop.push({ IndexName: index.name })
      create.push({
        IndexName: index.name,
        MgoKeySchema: { MgoIndexKeys: index.fields.map((field) => ({ Name: field, Direction: '1' })), MgoIsUnique: index.unique }
      })
    }
    if (create.length > 0) {
      await call(`update indexes of ${name}`, () =>
        manager.database.updateCollection(name, drop.length > 0 ? { CreateIndexes: create, DropIndexes: drop } : { CreateIndexes: create })
      )
      for (const index of create) {
        const replaced = drop.some((d) => d.IndexName === index.IndexName)
        change(`${replaced ? 'recreated' : 'created'} index ${name}.${index.IndexName}${index.MgoKeySchema.MgoIsUnique ? ' (unique)' : ''}`)
      }
    }
    const acl = (await call(`database rule of ${name}`, () =>
      tcb.call({ Action: 'DescribeDatabaseACL', Param: { EnvId: options.envId, CollectionName: name } })
    )) as { AclTag?: string }
    if (acl.AclTag !== plan.databaseRule) {
      await call(`set database rule of ${name}`, () =>
        tcb.call({ Action: 'ModifyDatabaseACL', Param: { EnvId: options.envId, CollectionName: name, AclTag: plan.databaseRule } })
      )
      change(`set database rule of ${name}: ${acl.AclTag ?? '(none)'} → ${plan.databaseRule}`)
    }
  }
  await pool(plan.collections, options.concurrency ?? 4, syncCollection)

  // ---- storage
  log('Storage')
  const storageAcl = await call('storage rule', () => manager.storage.getStorageAcl())
  if (storageAcl !== plan.storageRule) {
    await call('set storage rule', () => manager.storage.setStorageAcl(plan.storageRule))
    change(`set storage rule: ${storageAcl} → ${plan.storageRule}`)
  }

  // ---- functions
  log(`Functions (${plan.functions.length})`)
  const deployed = new Set<string>()
  for (let offset = 0; ; offset += 100) {
    const page = await call('listFunctions', () => manager.functions.listFunctions(100, offset))
    for (const fn of page) if (fn.FunctionName) deployed.add(fn.FunctionName)
    if (page.length < 100) break
  }
  const details = new Map<string, IFunctionInfo>()
  for (const fn of plan.functions) {
    if (deployed.has(fn.name)) details.set(fn.name, await call(`function ${fn.name}`, () => manager.functions.getFunctionDetail(fn.name)))
  }
  // Before changing any function: every required variable has a value, here or already in the cloud.
  const missing: string[] = []
  for (const fn of plan.functions) {
    const cloudVars = details.get(fn.name)?.Environment?.Variables ?? []
    for (const env of fn.env) {
      if (env.required && !options.values[env.name] && !cloudVars.some((v) => v.Key === env.name && v.Value)) missing.push(`${env.name} (function ${fn.name})`)
    }
  }
  if (missing.length > 0) {
    throw new DeployError(`required function variables have no value: ${missing.join(', ')}. Set them in .env.local (see .env.example).`)
  }

  // SCF refuses more than 4 KB of variables on a function (auth's custom-login key alone is ~2.5 KB):
  // found here, before anything changes, with the function named.
  for (const fn of plan.functions) {
    const vars = { ...Object.fromEntries((details.get(fn.name)?.Environment?.Variables ?? []).map((v) => [v.Key, v.Value])) }
    for (const env of fn.env) if (options.values[env.name]) vars[env.name] = options.values[env.name]
    const bytes = Object.entries(vars).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(String(v ?? '')), 0)
    if (bytes > SCF_ENV_MAX_BYTES)
      throw new DeployError(`function ${fn.name}: its environment variables take ${(bytes / 1024).toFixed(1)} KB; SCF allows 4 KB. Leave out unused TPL_* ids or use the console's 2048-bit key file unchanged.`)
  }

  for (const fn of plan.functions) await syncFunction(fn, details.get(fn.name))

  async function syncFunction(fn: PlannedFunction, detail: IFunctionInfo | undefined) {
    const description = codeDescription(codeHash(options.functionsDir, fn.name))
    const cloudVars = Object.fromEntries((detail?.Environment?.Variables ?? []).map((v) => [v.Key, v.Value]))
    const envVariables: Record<string, string> = { ...cloudVars }
    for (const env of fn.env) if (options.values[env.name]) envVariables[env.name] = options.values[env.name]
    const config: ICloudFunction = { name: fn.name, timeout: fn.timeout, memorySize: fn.memory, description, envVariables }

    if (!detail) {
      await withTimeout(`create function ${fn.name}`, codeMs, () =>
        manager.functions.createFunction({
          func: { ...config, runtime: fn.runtime, installDependency: true, ignore: CODE_IGNORE },
          functionRootPath: options.functionsDir,
          force: false
        })
      )
      change(`created function ${fn.name} (timeout ${fn.timeout} s, memory ${fn.memory} MB, env ${Object.keys(envVariables).sort().join(', ') || 'none'})`)
    } else {
      if (detail.Description !== description) {
        await withTimeout(`upload code of ${fn.name}`, codeMs, async () => {
          await manager.functions.updateFunctionCode({
            func: { name: fn.name, runtime: detail.Runtime, installDependency: true, ignore: CODE_IGNORE },
            functionRootPath: options.functionsDir
          })
          await manager.functions.waitFunctionActive(fn.name)
        })
        change(`uploaded code of ${fn.name} (${description})`)
      }
      const envChanged =
        Object.keys(envVariables).length !== Object.keys(cloudVars).length || Object.entries(envVariables).some(([k, v]) => cloudVars[k] !== v)
      const diffs = [
        detail.Timeout !== fn.timeout ? `timeout ${detail.Timeout} → ${fn.timeout} s` : '',
        detail.MemorySize !== fn.memory ? `memory ${detail.MemorySize} → ${fn.memory} MB` : '',
        detail.Description !== description ? 'description (code hash)' : '',
        envChanged ? `env ${Object.keys(envVariables).filter((k) => cloudVars[k] !== envVariables[k]).sort().join(', ')}` : ''
      ].filter(Boolean)
      if (diffs.length > 0) {
        await withTimeout(`configure ${fn.name}`, codeMs, async () => {
          await manager.functions.updateFunctionConfig(config)
          await manager.functions.waitFunctionActive(fn.name)
        })
        change(`configured function ${fn.name}: ${diffs.join('; ')}`)
      }
    }

    // Timer triggers: config.json is the truth.
    const current = (detail?.Triggers ?? []).filter((t) => t.Type === 'timer')
    const toCreate = fn.triggers.filter((t) => {
      const now = current.find((c) => c.TriggerName === t.name)
      return !now || triggerCron(now.TriggerDesc) !== t.config
    })
    const toDelete = current.filter((c) => {
      const wanted = fn.triggers.find((t) => t.name === c.TriggerName)
      return !wanted || triggerCron(c.TriggerDesc) !== wanted.config
    })
    for (const trigger of toDelete) {
      await call(`delete trigger ${fn.name}.${trigger.TriggerName}`, () => manager.functions.deleteFunctionTrigger(fn.name, trigger.TriggerName))
      change(`deleted trigger ${fn.name}.${trigger.TriggerName} ("${triggerCron(trigger.TriggerDesc)}")`)
    }
    if (toCreate.length > 0) {
      await call(`create triggers of ${fn.name}`, () => manager.functions.createFunctionTriggers(fn.name, toCreate))
      for (const trigger of toCreate) change(`created trigger ${fn.name}.${trigger.name} ("${trigger.config}")`)
    }
  }

  return changes
}
