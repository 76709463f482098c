import { ms, percentile, roundTripTable, startBenchCloud, type BenchResult, type Scenario } from './lib'
import { BATCH_ACTIONS } from './suite'

/** The cloud's network time per database round trip (~10–30 ms within a region). */
const LATENCY_MS = 20
/** A function's default timeout on the cloud; an action past half of it is flagged. */
const TIMEOUT_MS = 3000
const REPEAT = 5
/** Interactive actions answer within 1 s (issue #15); workbooks and sweeps within half their timeout. */
const INTERACTIVE_MS = 1000
const limitOf = (probe: Probe): number => (BATCH_ACTIONS[`${probe.fn}.${probe.action}`] ? TIMEOUT_MS / 2 : INTERACTIVE_MS)

interface Probe {
  fn: string
  action: string
  input?: object
  openid: string
}

/**
 * What each read-heavy or interactive action costs on a cloud-like network: every database
 * request waits EMULATOR_DB_LATENCY_MS=20 (concurrent ones concurrently), so an action's wall time
 * is mostly its chain of sequential round trips. Cheap (scale 1, a few calls each):
 * `npm run bench -- round-trips`.
 */
async function roundTripsAtLatency(): Promise<BenchResult> {
  const cloud = await startBenchCloud({ scale: 1, latencyMs: LATENCY_MS })
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
  const period = { from: `${today.slice(0, 4)}-01-01`, to: today }
  const probes: Probe[] = [
    { fn: 'users', action: 'me', openid: 'demo-resident' },
    // 首页 and 我的 (one call for both): a resident, community staff (six queues), the district admin.
    { fn: 'users', action: 'overview', openid: 'demo-resident' },
    { fn: 'users', action: 'overview', openid: 'demo-staff' },
    { fn: 'users', action: 'overview', openid: 'demo-admin' },
    { fn: 'members', action: 'me', openid: 'demo-member' },
    { fn: 'members', action: 'list', input: { page: 1, pageSize: 20 }, openid: 'demo-staff' },
    { fn: 'members', action: 'stats', openid: 'demo-staff' },
    { fn: 'members', action: 'stats', openid: 'demo-admin' },
    { fn: 'members', action: 'export', input: { communityId: 'c1' }, openid: 'demo-staff' },
    { fn: 'members', action: 'export', openid: 'demo-admin' },
    { fn: 'activities', action: 'list', input: { communityId: 'c1', kind: 'volunteer', pageSize: 20 }, openid: 'demo-member' },
    { fn: 'activities', action: 'myHours', openid: 'demo-member' },
    { fn: 'activities', action: 'ranking', input: { communityId: 'c1', pageSize: 20 }, openid: 'demo-member' },
    { fn: 'activities', action: 'memberCode', openid: 'demo-member' },
    { fn: 'centers', action: 'list', input: { pageSize: 15 }, openid: 'demo-resident' },
    { fn: 'centers', action: 'myBookings', openid: 'demo-resident' },
    { fn: 'centers', action: 'sweep', openid: 'demo-staff' },
    { fn: 'centers', action: 'sweep', openid: 'demo-admin' },
    { fn: 'tickets', action: 'list', input: { scope: 'mine', page: 1, pageSize: 20 }, openid: 'demo-resident' },
    { fn: 'tickets', action: 'sweep', openid: 'demo-admin' },
    { fn: 'notices', action: 'list', input: { pageSize: 20 }, openid: 'demo-resident' },
    { fn: 'notices', action: 'unreadCount', openid: 'demo-resident' },
    { fn: 'reports', action: 'dashboard', input: { ...period, communityId: 'c1' }, openid: 'demo-staff' },
    { fn: 'reports', action: 'dashboard', input: period, openid: 'demo-admin' },
    { fn: 'reports', action: 'workReport', input: { ...period, communityId: 'c1' }, openid: 'demo-staff' }
  ]
  try {
    const rows: BenchResult['rows'] = []
    const counts = new Map<string, number[]>()
    const failures: string[] = []
    let slowest = 0
    for (const probe of probes) {
      const label = `${probe.fn}.${probe.action} (${probe.openid})`
      const times: number[] = []
      const trips: number[] = []
      for (let i = 0; i < REPEAT; i++) {
        const started = process.hrtime.bigint()
        const { reply, dbRequests, status } = await cloud.callWithCost(probe.fn, probe.action, probe.input ?? {}, probe.openid)
        times.push(Number(process.hrtime.bigint() - started) / 1e6)
        trips.push(dbRequests)
        if (!reply?.ok) failures.push(`${label}: ${status === 504 ? 'TIMEOUT (-504003)' : `${reply?.error?.code ?? status} ${reply?.error?.message ?? ''}`}`)
      }
      counts.set(label, trips)
      times.sort((a, b) => a - b)
      slowest = Math.max(slowest, times[times.length - 1])
      const max = times[times.length - 1]
      rows.push({
        metric: label,
        value: `${ms(percentile(times, 50))} / ${ms(max)}; ${Math.max(...trips)} round trips`,
        target: `< ${limitOf(probe)} ms`,
        pass: max < limitOf(probe)
      })
    }
    return {
      title: `Interactive and heavy actions at ${LATENCY_MS} ms per database round trip (scale 1)`,
      rows,
      notes: [
        `Each action called ${REPEAT} times in a row; value: wall time p50 / max, then the most database round trips of one call (x-db-requests). Targets (issue #15): an interactive action answers in under 1 s at ${LATENCY_MS} ms a round trip; a workbook or sweep in under half of the 3 s function timeout (at scale 10 they are measured by their own scenarios).`,
        ['Database round trips per call:', '', ...roundTripTable(counts)].join('\n'),
        ...(failures.length ? [['Calls that did not succeed:', '', ...[...new Set(failures)].map((f) => `- ${f}`)].join('\n')] : [])
      ]
    }
  } finally {
    await cloud.stop()
  }
}

export const roundTripScenarios: Scenario[] = [{ name: 'round-trips', run: roundTripsAtLatency }]
