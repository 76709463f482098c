import { appendFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Reply } from '../../contracts/reply'
import { clock as serverClock } from '../../server/core/clock'
import { createHost, type CallStats, type Invoker } from '../../emulator/host'
import { seedDemo } from '../../emulator/seed'

export interface TestClock {
  now(): number
  set(at: number | string | Date): void
  advance(ms: number): void
}

/**
 * Who calls: an openid (a mini-program user), a web page (`asDesk(sid)`: a PC signed in by scan;
 * `anonymousWeb()`: a PC before sign-in), or none (a timer, another function).
 */
export type Caller = Invoker

/** A PC signed in to CloudBase with the custom-login ticket of desk session `sid` (its customUserId). */
export const asDesk = (sid: string, clientIp?: string): Invoker => ({ web: { uid: `tcbu-${sid.slice(3, 15)}`, customUserId: sid, anonymous: false }, ...(clientIp ? { clientIp } : {}) })
/** A web page signed in anonymously (the PC showing its QR code). */
export const anonymousWeb = (clientIp?: string, uid = 'tcbu-anonymous'): Invoker => ({ web: { uid, anonymous: true }, ...(clientIp ? { clientIp } : {}) })

export interface TestCloud {
  /** Calls a cloud function as `openid` (none: an anonymous call; or a web caller, see asDesk) through the real SDK path. */
  call<T = any>(fn: string, action: string, input?: object, openid?: Caller): Promise<Reply<T>>
  /** Like `call`, but expects success and returns `data` (a failure throws with its code). */
  ok<T = any>(fn: string, action: string, input?: object, openid?: Caller): Promise<T>
  /** Like `call`, and what the call cost (wall time, database round trips). */
  callWithStats<T = any>(fn: string, action: string, input?: object, openid?: Caller): Promise<{ reply: Reply<T>; stats: CallStats }>
  /** The cost of the most recent call made through this cloud. */
  lastStats(): CallStats | undefined
  store: ReturnType<typeof createHost>['store']
  /** CloudBase auth as the emulator plays it (web sign-in, tickets, bearer tokens), on this cloud's clock. */
  auth: ReturnType<typeof createHost>['auth']
  clock: TestClock
  /** Local files and QR codes written by the platform seam during this test. */
  dataDir: string
  close(): Promise<void>
}

/**
 * A fresh in-memory cloud for one test file: the emulator backend, the real wx-server-sdk, the
 * functions under cloudfunctions/, the local platform seams, and a controllable clock
 * (starting at `start`, default 2026-11-27 09:00 Shanghai) shared by the server code and
 * `db.serverDate()`. With `seed` (default true) the demo district and personas are loaded.
 */
export async function startTestCloud(options: { seed?: boolean; scale?: number; start?: number | string | Date } = {}): Promise<TestCloud> {
  let now = new Date(options.start ?? '2026-11-27T09:00:00+08:00').getTime()
  const dataDir = mkdtempSync(join(tmpdir(), 'honglin-cloud-'))
  process.env.HONGLIN_PLATFORM = 'local'
  process.env.HONGLIN_DATA_DIR = dataDir
  serverClock.use(() => now)
  let last: CallStats | undefined
  // EMULATOR_CALL_LOG=<file>: one JSON line per call (test file, function.action, ms, round trips,
  // outcome), to profile a test run (e.g. with EMULATOR_DB_LATENCY_MS=20).
  const callLog = process.env.EMULATOR_CALL_LOG
  const testFile = (globalThis as { expect?: { getState?: () => { testPath?: string } } }).expect?.getState?.().testPath
  const host = createHost({
    inMemory: true,
    now: () => now,
    onCall(stats) {
      last = stats
      if (callLog) appendFileSync(callLog, JSON.stringify({ file: testFile?.replace(/^.*\/tests\//, 'tests/'), ...stats, requestId: undefined }) + '\n')
    }
  })
  if (options.seed !== false) await seedDemo(host.store, { scale: options.scale ?? 1, now: new Date(now) })
  const call = async <T>(fn: string, action: string, input: object = {}, openid?: Caller) =>
    (await host.invoke(fn, { action, ...input }, openid)) as Reply<T>
  return {
    call,
    async callWithStats<T>(fn: string, action: string, input: object = {}, openid?: Caller) {
      const { result, stats } = await host.invokeWithStats(fn, { action, ...input }, openid)
      return { reply: result as Reply<T>, stats }
    },
    lastStats: () => last,
    async ok<T>(fn: string, action: string, input: object = {}, openid?: Caller) {
      const reply = await call<T>(fn, action, input, openid)
      if (!reply.ok) throw new Error(`${fn}.${action} failed: ${reply.error.code} ${reply.error.message}`)
      return reply.data
    },
    store: host.store,
    auth: host.auth,
    clock: {
      now: () => now,
      set: (at) => {
        now = new Date(at).getTime()
      },
      advance: (ms) => {
        now += ms
      }
    },
    dataDir,
    async close() {
      serverClock.reset()
      await host.close()
    }
  }
}
