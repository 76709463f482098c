import { DEFAULT_ADMISSION } from '../../emulator/admission'
import { clientAgent, load, mb, ms, percentile, perSecond, postWithCost, startBenchCloud, type BenchResult, type Scenario } from './lib'

const WARM_UP_CALLS = 10_000
const PERSONAS = ['demo-resident', 'demo-member', 'demo-staff', 'demo-staff-2', 'demo-admin', 'demo-property', 'demo-committee']

async function usersMe(scale: number): Promise<BenchResult> {
  const cloud = await startBenchCloud({ scale })
  try {
    // Warm up the function, the connection pool and both processes' JIT before measuring: the
    // figures are those of a running emulator (the first thousand calls of a fresh process are
    // slower while V8 compiles the hot paths, here and in this load generator).
    await load({ concurrency: 50, total: WARM_UP_CALLS, call: (i) => cloud.call('users', 'me', {}, PERSONAS[i % PERSONAS.length]) })
    const r = await load({ concurrency: 50, total: 10_000, call: (i) => cloud.call('users', 'me', {}, PERSONAS[i % PERSONAS.length]) })
    const peak = cloud.peakMemoryMb()
    const memoryTarget = scale === 1 ? 400 : 1536
    return {
      title: `users.me under 50 concurrent clients (scale ${scale})`,
      rows: [
        { metric: 'calls', value: String(r.count), target: 'all ok', pass: Object.keys(r.failures).length === 0 },
        { metric: 'throughput', value: perSecond(r.perSecond), target: '≥ 5000/s', pass: r.perSecond >= 5000 },
        { metric: 'p50 latency', value: ms(r.p50) },
        { metric: 'p99 latency', value: ms(r.p99), target: '< 25 ms', pass: r.p99 < 25 },
        { metric: 'emulator peak memory', value: mb(peak), target: `< ${mb(memoryTarget)}`, pass: peak < memoryTarget }
      ],
      notes: [`10,000 calls measured after ${WARM_UP_CALLS.toLocaleString('en')} warm-up calls, the seven demo personas in turn.`]
    }
  } finally {
    await cloud.stop()
  }
}

const OVERLOAD_CLIENTS = 500
const OVERLOAD_LATENCY_MS = 20

/**
 * 500 clients, each calling users.me again the moment it is answered (no back-off: the worst
 * case), over their own kept-alive connections, with the cloud's 20 ms per database round trip.
 * Every call must be answered within 1 s: served, or refused at once with 503 RATE_LIMITED.
 */
async function overload(): Promise<BenchResult> {
  const cloud = await startBenchCloud({ scale: 1, latencyMs: OVERLOAD_LATENCY_MS })
  const agent = clientAgent(OVERLOAD_CLIENTS)
  try {
    const served: number[] = []
    const refused: number[] = []
    const other: Record<string, number> = {}
    let measuring = false
    const call = async (i: number) => {
      const started = process.hrtime.bigint()
      const { reply, status } = await postWithCost(cloud.url, 'users', { action: 'me' }, PERSONAS[i % PERSONAS.length], agent)
      const took = Number(process.hrtime.bigint() - started) / 1e6
      if (measuring) {
        if (status === 200 && reply.ok) served.push(took)
        else if (status === 503 && reply.error?.code === 'RATE_LIMITED') refused.push(took)
        else other[`${status} ${reply.error?.code ?? ''}`.trim()] = (other[`${status} ${reply.error?.code ?? ''}`.trim()] ?? 0) + 1
      }
      return reply.ok || status === 503 ? { ok: true } : reply
    }
    // Opens the 500 connections (a new connection is slow to accept on a busy server) and warms up.
    await load({ concurrency: OVERLOAD_CLIENTS, total: 5_000, call })
    measuring = true
    const r = await load({ concurrency: OVERLOAD_CLIENTS, total: 20_000, call })
    served.sort((a, b) => a - b)
    refused.sort((a, b) => a - b)
    const answered = [...served, ...refused].sort((a, b) => a - b)
    const within = answered.filter((t) => t < 1000).length
    const share = (n: number) => `${((100 * n) / r.count).toFixed(1)}%`
    const { maxInFlight, maxQueue, maxQueueWaitMs } = DEFAULT_ADMISSION
    return {
      title: `Overload: users.me from ${OVERLOAD_CLIENTS} concurrent clients, ${OVERLOAD_LATENCY_MS} ms per database round trip (scale 1)`,
      rows: [
        { metric: 'calls', value: String(r.count) },
        { metric: 'answered within 1 s', value: `${within} (${share(within)})`, target: 'all', pass: within === r.count },
        { metric: 'p99 latency (all answers)', value: ms(percentile(answered, 99)), target: '< 1000 ms', pass: percentile(answered, 99) < 1000 },
        { metric: 'max latency', value: ms(answered[answered.length - 1] ?? NaN) },
        { metric: 'served', value: `${served.length} (${share(served.length)}), ${perSecond(served.length / r.seconds)}` },
        { metric: 'served p50 / p99', value: `${ms(percentile(served, 50))} / ${ms(percentile(served, 99))}` },
        { metric: 'refused (503 RATE_LIMITED)', value: `${refused.length} (${share(refused.length)})` },
        { metric: 'refused p99', value: ms(percentile(refused, 99)) },
        { metric: 'other answers', value: Object.keys(other).length ? JSON.stringify(other) : 'none', target: 'none', pass: Object.keys(other).length === 0 },
        { metric: 'emulator peak memory', value: mb(cloud.peakMemoryMb()) }
      ],
      notes: [
        `Limits (emulator/admission.ts, EMULATOR_MAX_IN_FLIGHT / EMULATOR_MAX_QUEUE / EMULATOR_QUEUE_WAIT_MS): ${maxInFlight} calls run at once, ${maxQueue} wait at most ${maxQueueWaitMs} ms, every other call is answered at once with HTTP 503, RATE_LIMITED and Retry-After: 1.`
      ]
    }
  } finally {
    agent.destroy()
    await cloud.stop()
  }
}

export const usersScenarios: Scenario[] = [
  { name: 'users-scale-1', run: () => usersMe(1) },
  { name: 'users-scale-10', run: () => usersMe(10) },
  { name: 'overload-500', run: overload }
]
