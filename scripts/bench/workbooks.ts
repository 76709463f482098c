import { FUNCTIONS } from '../deploy/functions'
import { ms, startBenchCloud, type BenchResult, type Scenario } from './lib'

const LATENCY_MS = 20
const SCALE = 10

interface Probe {
  label: string
  fn: string
  action: string
  input: object
  openid: string
}

/**
 * Every export and report workbook at 10× the district, 20 ms a database round trip, against the
 * timeout its function is deployed with (scripts/deploy/functions.ts: 60 s for the functions that
 * write workbooks). The emulator holds every function to its config.json timeout (3 s when none is
 * set, stricter than those deployments, so that interactive actions sharing a function stay held to
 * 3 s in the tests); here that is off and the wall time is compared with the deployed timeout.
 * `npm run bench -- workbooks`.
 */
async function workbooksAtScale(): Promise<BenchResult> {
  const cloud = await startBenchCloud({ scale: SCALE, latencyMs: LATENCY_MS, env: { EMULATOR_TIMEOUTS: 'off' } })
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
  const year = { from: `${today.slice(0, 4)}-01-01`, to: today }
  const probes: Probe[] = [
    { label: 'members.export, the whole district (admin)', fn: 'members', action: 'export', input: {}, openid: 'demo-admin' },
    { label: 'members.export, one community (staff)', fn: 'members', action: 'export', input: { communityId: 'c1' }, openid: 'demo-staff' },
    { label: 'reports.workReport, the district this year (admin)', fn: 'reports', action: 'workReport', input: year, openid: 'demo-admin' },
    { label: 'reports.workReport, one community (staff)', fn: 'reports', action: 'workReport', input: { ...year, communityId: 'c1' }, openid: 'demo-staff' },
    { label: 'centers.utilisation with its workbook, the district this year (admin)', fn: 'centers', action: 'utilisation', input: { ...year, export: true }, openid: 'demo-admin' },
    { label: 'users.exportMyData (a member)', fn: 'users', action: 'exportMyData', input: {}, openid: 'demo-member' }
  ]
  try {
    const rows: BenchResult['rows'] = []
    for (const probe of probes) {
      const started = process.hrtime.bigint()
      const { reply, status, dbRequests } = await cloud.callWithCost(probe.fn, probe.action, probe.input, probe.openid)
      const took = Number(process.hrtime.bigint() - started) / 1e6
      const answered = reply?.ok ? 'ok' : `${reply?.error?.code ?? status}`
      const timeoutMs = FUNCTIONS[probe.fn].timeout * 1000
      rows.push({ metric: probe.label, value: `${ms(took)}, ${dbRequests} round trips, ${answered}`, target: `ok within the deployed ${timeoutMs / 1000} s`, pass: reply?.ok === true && took < timeoutMs })
    }
    return {
      title: `Workbooks at scale ${SCALE} and ${LATENCY_MS} ms per database round trip`,
      rows,
      notes: ['Each workbook is built once, cold, with the emulator\'s timeouts off; its wall time is compared with the timeout the function is deployed with.']
    }
  } finally {
    await cloud.stop()
  }
}

export const workbookScenarios: Scenario[] = [{ name: 'workbooks', run: workbooksAtScale }]
