import { load, mb, ms, startBenchCloud, type BenchResult, type Scenario } from './lib'

/**
 * `reports.dashboard` for the whole district at scale 10 (70 communities, ~44,000 registrations,
 * ~40,000 bookings …): every figure counted live in the database on each call. Two district staff
 * refreshing at once; a community's dashboard for comparison.
 */
async function dashboardScale10(): Promise<BenchResult> {
  const cloud = await startBenchCloud({ scale: 10 })
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
  const district = { from: `${today.slice(0, 4)}-01-01`, to: today }
  try {
    // Warm up the function (module load, first queries) before measuring.
    for (let i = 0; i < 3; i++) await cloud.call('reports', 'dashboard', district, 'demo-admin')
    const r = await load({ concurrency: 2, total: 40, call: () => cloud.call('reports', 'dashboard', district, 'demo-admin') })
    const one = await load({ concurrency: 1, total: 20, call: () => cloud.call('reports', 'dashboard', { ...district, communityId: 'c1' }, 'demo-admin') })
    const peak = cloud.peakMemoryMb()
    return {
      title: 'reports.dashboard for the district at scale 10 (every figure live, 2 concurrent clients)',
      rows: [
        { metric: 'calls', value: String(r.count), target: 'all ok', pass: Object.keys(r.failures).length === 0 && Object.keys(one.failures).length === 0 },
        { metric: 'district p50', value: ms(r.p50) },
        { metric: 'district p99', value: ms(r.p99), target: '< 500 ms', pass: r.p99 < 500 },
        { metric: 'one community p50', value: ms(one.p50) },
        { metric: 'one community p99', value: ms(one.p99) },
        { metric: 'emulator peak memory', value: mb(peak), target: '< 1536 MB', pass: peak < 1536 }
      ],
      notes: [
        'Each dashboard runs ~60 counts and aggregations (41 figures, 4 monthly trends, 5 figures for each of the 70 communities). The emulator answers counts by testing every document an index lookup returns, so low-selectivity conditions (registrations by status, bookings by status) dominate; the cloud database answers the same counts from its indexes.'
      ]
    }
  } finally {
    await cloud.stop()
  }
}

export const reportsScenarios: Scenario[] = [{ name: 'reports-dashboard-scale-10', run: dashboardScale10 }]
