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
 * emulator's own timeout for its function (cloudfunctions/<fn>/config.json; the cloud default of
 * 3 s when none is set, stricter than the deployed timeouts in scripts/deploy/functions.ts).
 * `npm run bench -- workbooks`.
 */
async function workbooksAtScale(): Promise<BenchResult> {
  const cloud = await startBenchCloud({ scale: SCALE, latencyMs: LATENCY_MS })
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
      const answered = reply?.ok ? 'ok' : status === 504 ? 'TIMEOUT (-504003)' : `${reply?.error?.code ?? status}`
      rows.push({ metric: probe.label, value: `${ms(took)}, ${dbRequests} round trips, ${answered}`, target: 'inside its timeout', pass: reply?.ok === true })
    }
    return {
      title: `Workbooks at scale ${SCALE} and ${LATENCY_MS} ms per database round trip`,
      rows,
      notes: ['Each workbook is built once, cold; a call past its function timeout is answered -504003 by the emulator as by the cloud.']
    }
  } finally {
    await cloud.stop()
  }
}

export const workbookScenarios: Scenario[] = [{ name: 'workbooks', run: workbooksAtScale }]
