import { FIGURE_KEYS, type Dashboard, type FigureOutput, type FigureValue } from '../../contracts/reports'
import { startTestCloud, type TestCloud } from '../support/cloud'
import { addFixtures, expectedRegistration, expectedValues, FROM, TO } from './reports-expected'

/**
 * The same checks on the demo district at ten times the seed's size (70 communities, 1,060
 * compounds, ~44,000 registrations): nothing is truncated at 100 or 1000 records.
 */
const PERIOD = { from: FROM, to: TO }
let cloud: TestCloud

beforeAll(async () => {
  cloud = await startTestCloud({ scale: 10 })
  addFixtures(cloud, { deeds: 2500, communities: 70 })
}, 180_000)
afterAll(() => cloud.close())

const flat = (d: Dashboard): Record<string, FigureValue> => Object.fromEntries(d.sections.flatMap((s) => s.figures).map((f) => [f.key, f]))

describe('reports at scale 10', () => {
  it('every figure of the district equals a direct count of the records', async () => {
    const { reply, stats } = await cloud.callWithStats<Dashboard>('reports', 'dashboard', PERIOD, 'demo-admin')
    if (!reply.ok) throw new Error(`${reply.error.code} ${reply.error.message}`)
    const d = reply.data
    // Issue #15: one grouped read per collection (the small ones together), whatever the scale.
    expect(stats.dbRequests).toBeLessThanOrEqual(10)
    const got = flat(d)
    const expected = expectedValues(cloud)
    for (const key of FIGURE_KEYS) expect({ key, value: got[key].value }).toEqual({ key, value: expected[key] })
    // The seed's organisation ×10, well past the 1000-record page of the cloud.
    expect(got.partyGroups.value).toBe(7650)
    expect(got.centralHouseholds.value).toBe(6340)
    expect(got.branches.value).toBe(1060)
    expect(got.gridsWithCommittee.value).toBe(1060)
    expect(got.companies.value).toBe(330)
    expect(got.ownersCommitteePartyShare.value).toBe(60.9)
    expect(got.membersApproved.value).toBeGreaterThan(1000)
    expect(got.problemsSolved.value).toBeGreaterThan(2000)
    expect(d.communities.length).toBe(70)
    for (const c of d.comparisons) expect(c.rows.length).toBe(70)
    // 报到 against the district's 44,030 and each of the 70 communities' own targets.
    expect(d.registration).toEqual(expectedRegistration(cloud))
    expect(d.registration.target).toBe(44030)
    expect(d.registration.communities.reduce((a, c) => a + (c.target ?? 0), 0)).toBe(44030)
  }, 120_000)

  it('every figure of a community equals a direct count, and staff see only theirs', async () => {
    for (const [openid, communityId] of [
      ['demo-staff', 'c1'],
      ['demo-admin', 'c70']
    ] as const) {
      const d = await cloud.ok<Dashboard>('reports', 'dashboard', { ...PERIOD, communityId }, openid)
      const got = flat(d)
      const expected = expectedValues(cloud, communityId)
      for (const key of FIGURE_KEYS) expect({ communityId, key, value: got[key].value }).toEqual({ communityId, key, value: expected[key] })
    }
    const refused = await cloud.call('reports', 'dashboard', { ...PERIOD, communityId: 'c70' }, 'demo-staff')
    expect(refused.ok ? 'ok' : refused.error.code).toBe('FORBIDDEN')
  }, 120_000)

  it('records behind a figure of thousands page to the end', async () => {
    const first = await cloud.ok<FigureOutput>('reports', 'figure', { key: 'partyGroups', ...PERIOD, pageSize: 100 }, 'demo-admin')
    expect(first.records.total).toBe(7650)
    const last = await cloud.ok<FigureOutput>('reports', 'figure', { key: 'partyGroups', ...PERIOD, page: 77, pageSize: 100 }, 'demo-admin')
    expect(last.records.items.length).toBe(50)
    expect(new Set([...first.records.items, ...last.records.items].map((r) => r.id)).size).toBe(150)
    const members = await cloud.ok<FigureOutput>('reports', 'figure', { key: 'membersApproved', ...PERIOD, page: 12, pageSize: 100 }, 'demo-admin')
    expect(members.records.total).toBe(members.figure.value)
    expect(members.records.items.length).toBe(100)
  }, 120_000)
})
