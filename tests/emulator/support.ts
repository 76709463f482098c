/**
 * Shared setup of the emulator conformance suite: an in-memory host with the fixture functions,
 * and the real wx-server-sdk's database (what cloud function code uses) talking to it.
 */
import { join } from 'node:path'
import type { CollectionDef } from '../../server/db/collections'
import { collections } from '../../server/db/collections'
import { createHost, type Host } from '../../emulator/host'

export const FIXTURE_FUNCTIONS = join(__dirname, 'fixtures', 'functions')

/** Test-only collections without indexes (the SDK path refuses collections nobody declared). */
const PLAIN = [
  'accounts', 'bulk', 'counter', 'counters', 'customers', 'durable', 'events', 'identity_probe', 'items', 'ledger', 'lots',
  'many', 'ops', 'orders', 'others', 'pairs', 'people', 'probe', 'sleepy_docs', 'sleepy_log', 'things'
]

/** Collections of the suite: the project's own plus test-only ones (some with indexes). */
export const TEST_COLLECTIONS: Record<string, CollectionDef> = {
  ...collections,
  ...Object.fromEntries(PLAIN.map((name) => [name, { indexes: [] }])),
  members: { indexes: [{ fields: ['openid'], unique: true }, { fields: ['community', 'role'] }] },
  slots: { indexes: [{ fields: ['room', 'start'], unique: true }] },
  tagged: { indexes: [{ fields: ['tags'] }] }
}

export interface TestEnv {
  host: Host
  /** wx-server-sdk (typed loosely: its own typings do not describe the promise style). */
  cloud: any
  db: any
  _: any
  $: any
  clock: { now: number }
}

/** A fresh in-memory host whose clock tests can move (`env.clock.now = …`). */
export function openEnv(options: { collections?: Record<string, CollectionDef> } = {}): TestEnv {
  const clock = { now: Date.parse('2026-01-05T02:00:00.000Z') }
  const host = createHost({
    inMemory: true,
    functionsDir: FIXTURE_FUNCTIONS,
    now: () => clock.now,
    collections: options.collections ?? TEST_COLLECTIONS
  })
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const cloud = require('wx-server-sdk')
  cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
  const db = cloud.database()
  return { host, cloud, db, _: db.command, $: db.command.aggregate, clock }
}

/** The rejection of a promise (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the promise to reject')
}
