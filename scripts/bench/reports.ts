import { load, mb, ms, startBenchCloud, type BenchResult, type Scenario } from './lib'

/**
 * `reports.dashboard` for the whole district at scale 10 (70 communities, ~44,000 registrations,
 * ~40,000 bookings …): every figure counted live in the database on each call, in 10 round trips.
 * The target is the latency of one district admin's dashboard; two refreshing at once (queueing on
 * the one emulator process) and a community's dashboard are reported beside it.
 */
async function dashboardScale10(): Promise<BenchResult> {
  const cloud = await startBenchCloud({ scale: 10 })
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
  const district = { from: `${today.slice(0, 4)}-01-01`, to: today }
  try {
    // Warm up the function (module load, first queries) before measuring.
    for (let i = 0; i < 3; i++) await cloud.call('reports', 'dashboard', district, 'demo-admin')
    const r = await load({ concurrency: 1, total: 30, call: () => cloud.call('reports', 'dashboard', district, 'demo-admin') })
    const two = await load({ concurrency: 2, total: 30, call: () => cloud.call('reports', 'dashboard', district, 'demo-admin') })
    const one = await load({ concurrency: 1, total: 20, call: () => cloud.call('reports', 'dashboard', { ...district, communityId: 'c1' }, 'demo-admin') })
    const peak = cloud.peakMemoryMb()
    return {
      title: 'reports.dashboard for the district at scale 10 (every figure live)',
      rows: [
        { metric: 'calls', value: String(r.count), target: 'all ok', pass: [r, two, one].every((x) => Object.keys(x.failures).length === 0) },
        { metric: 'district p50', value: ms(r.p50) },
        { metric: 'district p99', value: ms(r.p99), target: '< 500 ms', pass: r.p99 < 500 },
        { metric: 'district p50 / p99, 2 admins at once', value: `${ms(two.p50)} / ${ms(two.p99)}` },
        { metric: 'one community p50', value: ms(one.p50) },
        { metric: 'one community p99', value: ms(one.p99) },
        { metric: 'emulator peak memory', value: mb(peak), target: '< 1536 MB', pass: peak < 1536 }
      ],
      notes: [
        'Each dashboard is 10 database round trips (issue #15): the caller, one aggregate with $lookup sub-pipelines for the small collections (and the communities), and one grouped aggregate for each large one (registrations approved and pending, users, bookings, notice reads, deeds, tickets, service records); the 41 figures, 3 trends and 5 figures for each of the 70 communities are sums over those groups. The emulator runs the aggregates one after another in one process, so two dashboards at once take about twice as long each. Its store folds the $group stages itself (emulator/backend/grouping.ts: one pass, a running sum per group, no list of documents per group nor per-document key objects) and counts a $match + $count through its plan; mingo grouped the same ~400 MB of short-lived objects per dashboard that pushed the peak memory up (now about 100 MB).'
      ]
    }
  } finally {
    await cloud.stop()
  }
}

export const reportsScenarios: Scenario[] = [{ name: 'reports-dashboard-scale-10', run: dashboardScale10 }]
