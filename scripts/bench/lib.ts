/**
 * The benchmark harness: the emulator as a separate process (so its memory is its own) over a
 * seeded data folder, an HTTP load generator with a fixed number of concurrent clients, and the
 * result shape every scenario returns for BENCHMARKS.md.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const root = resolve(__dirname, '../..')

export interface Reply<T = any> {
  ok: boolean
  data?: T
  error?: { code: string; message: string }
}

export interface BenchRow {
  metric: string
  value: string
  target?: string
  /** Whether the value meets the target (undefined when there is no target). */
  pass?: boolean
}

export interface BenchResult {
  title: string
  rows: BenchRow[]
  notes?: string[]
}

export interface Scenario {
  name: string
  run(): Promise<BenchResult>
}

export interface BenchCloud {
  url: string
  pid: number
  call<T = any>(fn: string, action: string, input?: object, openid?: string): Promise<Reply<T>>
  /** Like `call`, with the HTTP status and the call's database round trips (`x-db-requests`). */
  callWithCost<T = any>(fn: string, action: string, input?: object, openid?: string): Promise<{ reply: Reply<T>; status: number; dbRequests: number }>
  /** The emulator's peak resident memory so far (VmHWM), in MB. */
  peakMemoryMb(): number
  /** Current resident memory (VmRSS), in MB. */
  memoryMb(): number
  stop(): Promise<void>
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port
      server.close(() => done(port))
    })
    server.on('error', fail)
  })
}

function procStatus(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(field))
    return line ? Number(line.replace(/\D+/g, '')) / 1024 : NaN
  } catch {
    return NaN
  }
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 })

/**
 * Database round trips per action, from the `x-db-requests` header of every reply the bench
 * receives (`fn.action` → counts). Costs nothing extra: every scenario's calls feed it.
 */
export const roundTrips = new Map<string, number[]>()

function recordRoundTrips(fn: string, body: object, header: string | string[] | undefined): void {
  if (typeof header !== 'string') return
  const action = (body as { action?: unknown }).action
  const key = typeof action === 'string' ? `${fn}.${action}` : fn
  let list = roundTrips.get(key)
  if (!list) roundTrips.set(key, (list = []))
  list.push(Number(header))
}

/** The per-action table of `roundTrips` (actions with the most round trips first), as markdown lines. */
export function roundTripTable(counts: Map<string, number[]> = roundTrips): string[] {
  const rows = [...counts].map(([action, list]) => {
    const sorted = [...list].sort((a, b) => a - b)
    return { action, calls: sorted.length, median: percentile(sorted, 50), p90: percentile(sorted, 90), max: sorted[sorted.length - 1] }
  })
  rows.sort((a, b) => b.max - a.max || b.median - a.median || a.action.localeCompare(b.action))
  return ['| action | calls | median | p90 | max |', '|---|---|---|---|---|', ...rows.map((r) => `| ${r.action} | ${r.calls} | ${r.median} | ${r.p90} | ${r.max} |`)]
}

/** One POST /api/functions/<fn> call, as the H5 client would make it. */
export async function post<T = any>(url: string, fn: string, body: object, openid?: string): Promise<Reply<T>> {
  return (await postWithCost<T>(url, fn, body, openid)).reply
}

/**
 * A connection pool for `clients` concurrent clients, each with its own kept-alive connection
 * (the default pool holds 256): for scenarios with more clients than that.
 */
export function clientAgent(clients: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: clients, maxFreeSockets: clients })
}

/** `post`, with the HTTP status and the `x-db-requests` of the reply (over `via`, default the shared pool). */
export function postWithCost<T = any>(url: string, fn: string, body: object, openid?: string, via: Agent = agent): Promise<{ reply: Reply<T>; status: number; dbRequests: number }> {
  const data = JSON.stringify(body)
  return new Promise((done, fail) => {
    const req = request(
      `${url}/api/functions/${fn}`,
      { method: 'POST', agent: via, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...(openid ? { 'x-openid': openid } : {}) } },
      (res) => {
        recordRoundTrips(fn, body, res.headers['x-db-requests'])
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          try {
            done({ reply: JSON.parse(Buffer.concat(chunks).toString('utf8')), status: res.statusCode ?? 0, dbRequests: Number(res.headers['x-db-requests'] ?? NaN) })
          } catch (error) {
            fail(error)
          }
        })
      }
    )
    req.on('error', fail)
    req.end(data)
  })
}

/**
 * Seeds a fresh data folder at `scale` with `npm run seed` (its own process, as a deployer would),
 * then starts `emulator/main.ts` on it in another process, so the emulator's memory figures are
 * those of serving, not of generating the demo data.
 */
export async function startBenchCloud(options: { scale?: number; latencyMs?: number; env?: Record<string, string> } = {}): Promise<BenchCloud> {
  const scale = options.scale ?? 1
  const dataDir = mkdtempSync(join(tmpdir(), `honglin-bench-s${scale}-`))
  const seeded = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/seed.ts'), '--scale', String(scale), '--data-dir', dataDir], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
  if (seeded.status !== 0) throw new Error(`seeding at scale ${scale} failed`)
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(root, 'emulator/main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      SEED_SCALE: String(scale),
      HONGLIN_TOKEN_SECRET: 'bench-secret',
      // The per-call log would cost the throughput scenarios; round trips come from x-db-requests.
      EMULATOR_LOG: 'off',
      // A scenario measures its own calls: timer triggers firing meanwhile would add load it does not count.
      EMULATOR_TIMERS: 'off',
      // The cloud's network time per database round trip, where a scenario asks for it.
      EMULATOR_DB_LATENCY_MS: options.latencyMs ? String(options.latencyMs) : '',
      ...options.env
    },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  let output = ''
  child.stdout!.on('data', (c: Buffer) => {
    output += c.toString()
  })
  const deadline = Date.now() + 180_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`emulator exited early:\n${output}`)
    if (Date.now() > deadline) throw new Error(`emulator did not start in time:\n${output}`)
    try {
      const reply = await post(url, 'users', { action: 'me' }, 'bench-probe')
      if (reply.ok) break
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  const pid = child.pid!
  return {
    url,
    pid,
    call: (fn, action, input = {}, openid) => post(url, fn, { action, ...input }, openid),
    callWithCost: (fn, action, input = {}, openid) => postWithCost(url, fn, { action, ...input }, openid),
    peakMemoryMb: () => procStatus(pid, 'VmHWM'),
    memoryMb: () => procStatus(pid, 'VmRSS'),
    async stop() {
      child.kill('SIGKILL')
      await new Promise((r) => child.once('exit', r))
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

export interface LoadResult {
  count: number
  seconds: number
  perSecond: number
  p50: number
  p99: number
  max: number
  /** Replies that were not ok, by error code. */
  failures: Record<string, number>
}

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return NaN
  const i = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1)
  return sortedMs[Math.max(0, i)]
}

/**
 * Runs `total` calls with `concurrency` clients, each taking the next index. `call(i)` makes one
 * request and returns its reply; the latency of each is recorded.
 */
export async function load(options: { concurrency: number; total: number; call: (i: number) => Promise<Reply> }): Promise<LoadResult> {
  const latencies: number[] = []
  const failures: Record<string, number> = {}
  let next = 0
  const started = process.hrtime.bigint()
  const client = async () => {
    for (;;) {
      const i = next++
      if (i >= options.total) return
      const t = process.hrtime.bigint()
      const reply = await options.call(i)
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6)
      if (!reply.ok) {
        const code = reply.error?.code ?? 'UNKNOWN'
        failures[code] = (failures[code] ?? 0) + 1
      }
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, client))
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  latencies.sort((a, b) => a - b)
  return {
    count: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? NaN,
    failures
  }
}

export const ms = (n: number) => `${n.toFixed(1)} ms`
export const perSecond = (n: number) => `${n.toFixed(0)}/s`
export const mb = (n: number) => `${n.toFixed(0)} MB`
