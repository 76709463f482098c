import { load, mb, ms, perSecond, startBenchCloud, type BenchResult, type Scenario } from './lib'

const PERSONAS = ['demo-resident', 'demo-member', 'demo-staff', 'demo-staff-2', 'demo-admin', 'demo-property', 'demo-committee']

async function usersMe(scale: number): Promise<BenchResult> {
  const cloud = await startBenchCloud({ scale })
  try {
    // Warm up the function and the connection pool before measuring.
    await load({ concurrency: 50, total: 500, call: (i) => cloud.call('users', 'me', {}, PERSONAS[i % PERSONAS.length]) })
    const r = await load({ concurrency: 50, total: 10_000, call: (i) => cloud.call('users', 'me', {}, PERSONAS[i % PERSONAS.length]) })
    const peak = cloud.peakMemoryMb()
    const memoryTarget = scale === 1 ? 400 : 1536
    return {
      title: `users.me under 50 concurrent clients (scale ${scale})`,
      rows: [
        { metric: 'calls', value: String(r.count), target: 'all ok', pass: Object.keys(r.failures).length === 0 },
        { metric: 'throughput', value: perSecond(r.perSecond), target: '≥ 1000/s', pass: r.perSecond >= 1000 },
        { metric: 'p50 latency', value: ms(r.p50) },
        { metric: 'p99 latency', value: ms(r.p99), target: '< 50 ms', pass: r.p99 < 50 },
        { metric: 'emulator peak memory', value: mb(peak), target: `< ${mb(memoryTarget)}`, pass: peak < memoryTarget }
      ]
    }
  } finally {
    await cloud.stop()
  }
}

export const usersScenarios: Scenario[] = [
  { name: 'users-scale-1', run: () => usersMe(1) },
  { name: 'users-scale-10', run: () => usersMe(10) }
]
