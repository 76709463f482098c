/** The bench's reading of the function tests' call log (scripts/bench/suite.ts): what is judged and how. */
import { summarise } from '../../scripts/bench/suite'

const call = (name: string, action: string | undefined, dbRequests: number, outcome = 'ok') => ({ name, action, dbRequests, outcome })
const row = (result: ReturnType<typeof summarise>, metric: string) => result.rows.find((r) => r.metric.startsWith(metric))!

describe('suite round trips', () => {
  it('judges interactive actions each at its median, and leaves timers, sweeps, workbooks and failed calls out', () => {
    const result = summarise([
      // signUp repeated 5 times by the tests at 2 round trips counts once for the per-action figure
      ...Array.from({ length: 5 }, () => call('activities', 'signUp', 2)),
      call('tickets', 'get', 3),
      call('tickets', 'get', 9),
      call('tickets', 'get', 3),
      call('users', 'me', 1),
      call('users', 'me', 40, 'error'),
      call('centers', 'sweep', 300),
      call('tickets', undefined, 50),
      call('members', 'export', 120),
      call('reports', 'dashboard', 10)
    ])
    expect(row(result, 'successful calls').value).toBe('9 / 13')
    expect(row(result, 'interactive actions, each at its median: median')).toMatchObject({ value: '2', pass: true })
    expect(row(result, 'interactive calls (as the tests repeat them): median').value).toBe('2')
    expect(row(result, 'interactive: actions above the max')).toMatchObject({ value: '1: tickets.get 9', pass: false })
    expect(row(result, 'reports.dashboard')).toMatchObject({ value: '10', pass: true })
    const table = result.notes![0]
    expect(table).toContain('| centers.sweep | sweep | 1 | 300 | 300 | 300 |')
    expect(table).toContain('| tickets.(timer) | timer | 1 | 50 | 50 | 50 |')
    expect(table).toContain('| members.export | workbook | 1 | 120 | 120 | 120 |')
  })

  it('fails the dashboard above 10 and the per-action p90 above 5', () => {
    const result = summarise([call('reports', 'dashboard', 11), ...['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((a, i) => call('x', a, i < 8 ? 1 : 6))])
    expect(row(result, 'reports.dashboard').pass).toBe(false)
    expect(row(result, 'interactive actions, each at its median: p90')).toMatchObject({ value: '6', pass: false })
  })
})
