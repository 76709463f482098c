import { join } from 'node:path'
import ExcelJS from 'exceljs'
import { FIGURE_KEYS, SECTION_LABELS, SECTIONS, type Dashboard, type FigureKey, type FigureOutput, type FigureValue } from '../../contracts/reports'
import { startTestCloud, type TestCloud } from '../support/cloud'
import { addFixtures, COUNTED_BY_RECORDS, expectedRegistration, expectedValues, FROM, TO } from './reports-expected'

const ADMIN = 'demo-admin'
const STAFF = 'demo-staff' // 东风社区 c1
const STAFF2 = 'demo-staff-2' // 红旗社区 c2
const PERIOD = { from: FROM, to: TO }

let cloud: TestCloud

beforeAll(async () => {
  cloud = await startTestCloud({ scale: 1 })
  addFixtures(cloud, { deeds: 1260, communities: 7 })
})
afterAll(() => cloud.close())

const flat = (d: Dashboard): Record<string, FigureValue> => Object.fromEntries(d.sections.flatMap((s) => s.figures).map((f) => [f.key, f]))

async function readWorkbook(fileID: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(join(cloud.dataDir, 'files', fileID.replace(/^local:\/\//, '')))
  return wb
}

/** figure key → value, read back from the section sheets (columns: … 数值 (3) … 指标代码 (9)). */
function workbookValues(wb: ExcelJS.Workbook): Record<string, number> {
  const out: Record<string, number> = {}
  for (const section of SECTIONS) {
    const sheet = wb.getWorksheet(SECTION_LABELS[section])!
    expect(sheet).toBeTruthy()
    expect(sheet.getRow(1).getCell(2).value).toBe('指标')
    sheet.eachRow((row, n) => {
      if (n === 1) return
      out[String(row.getCell(9).value)] = Number(row.getCell(3).value)
    })
  }
  return out
}

describe('reports at scale 1', () => {
  it('every figure of the district equals a direct count of the records', async () => {
    const d = await cloud.ok<Dashboard>('reports', 'dashboard', PERIOD, ADMIN)
    expect(d.scope).toEqual({ level: 'district', name: '全区' })
    expect(d.sections.map((s) => s.label)).toEqual(['组织全覆盖', '物业全覆盖', '服务全覆盖', '保障全覆盖'])
    const got = flat(d)
    expect(Object.keys(got).sort()).toEqual([...FIGURE_KEYS].sort())
    const expected = expectedValues(cloud)
    for (const key of FIGURE_KEYS) expect({ key, value: got[key].value }).toEqual({ key, value: expected[key] })
    // The seed document's figures at scale 1.
    expect(got.communityCommittees.value).toBe(7)
    expect(got.branches.value).toBe(106)
    expect(got.partyGroups.value).toBe(765)
    expect(got.centralHouseholds.value).toBe(634)
    expect(got.ownersCommittees.value).toBe(28)
    expect(got.selfManagementCommittees.value).toBe(78)
    expect(got.ownersCommitteePartyShare.value).toBe(60.9)
    expect(got.companies.value).toBe(33)
    expect(got.companyPartyMembers.value).toBe(49)
    expect(got.companyBranches.value).toBe(16)
    expect(got.partyInstructors.value).toBe(7)
    expect(got.publicInterestEntities.value).toBe(2)
    expect(got.membersApproved.target).toBe(4403)
    // 报到 against the district's target and each community's own, as counted in the records.
    expect(d.registration).toEqual(expectedRegistration(cloud))
    expect(d.registration.communities.map((c) => c.communityId)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'])
    expect(d.registration.communities.reduce((a, c) => a + (c.target ?? 0), 0)).toBe(4403)
    expect(d.registration.communities.every((c) => c.percent !== null && c.percent > 50)).toBe(true)
    // The fixtures make this one count more than 1000 records.
    expect(got.problemsSolved.value).toBeGreaterThan(1000)
    // The latest *published* month, not the one still in its appeal window (fixture month 2099-01).
    const published = cloud.store.find('rankings', { status: 'published' }, { sort: { month: -1 }, limit: 1 })[0]
    expect(got.latestRanking.note).toContain(`${published.month.slice(0, 4)}年${Number(published.month.slice(5))}月`)
    expect(got.latestRanking.breakdown).toEqual([
      { key: 'red', label: '红榜', value: published.cards.filter((c: { list: string }) => c.list === 'red').length },
      { key: 'black', label: '黑榜', value: published.cards.filter((c: { list: string }) => c.list === 'black').length }
    ])
  })

  it('every figure of one community equals a direct count, for staff and for the district admin alike', async () => {
    const staff = await cloud.ok<Dashboard>('reports', 'dashboard', PERIOD, STAFF)
    expect(staff.scope).toEqual({ level: 'community', communityId: 'c1', name: '东风社区' })
    expect(staff.communities).toEqual([{ id: 'c1', name: '东风社区' }])
    expect(staff.comparisons).toEqual([])
    const admin = await cloud.ok<Dashboard>('reports', 'dashboard', { ...PERIOD, communityId: 'c1' }, ADMIN)
    expect(admin.communities.length).toBe(7)
    const expected = expectedValues(cloud, 'c1')
    const s = flat(staff)
    const a = flat(admin)
    for (const key of FIGURE_KEYS) {
      expect({ key, value: s[key].value }).toEqual({ key, value: expected[key] })
      expect({ key, value: a[key].value }).toEqual({ key, value: expected[key] })
    }
    // A community is compared with its own target (the seed gives each one).
    const c1Target = cloud.store.get('communities', 'c1')!.registrationTarget
    expect(s.membersApproved.target).toBe(c1Target)
    expect(staff.registration).toEqual(expectedRegistration(cloud, 'c1'))
    expect(admin.registration).toEqual(expectedRegistration(cloud, 'c1'))
    // another community differs
    const c2 = flat(await cloud.ok<Dashboard>('reports', 'dashboard', PERIOD, STAFF2))
    const expected2 = expectedValues(cloud, 'c2')
    for (const key of FIGURE_KEYS) expect({ key, value: c2[key].value }).toEqual({ key, value: expected2[key] })
  })

  it('splits, trends and communities side by side add up to the figures', async () => {
    const d = await cloud.ok<Dashboard>('reports', 'dashboard', PERIOD, ADMIN)
    const got = flat(d)
    for (const key of ['volunteerActivities', 'problemsSolved', 'notices', 'centersPlanned', 'gridsManaged'] as FigureKey[]) {
      const parts = got[key].breakdown ?? []
      expect({ key, sum: parts.reduce((a, b) => a + b.value, 0) }).toEqual({ key, sum: got[key].value })
    }
    expect(got.volunteerHours.breakdown!.reduce((a, b) => a + b.value, 0)).toBeCloseTo(got.volunteerHours.value, 0)
    expect(got.centerFunding.breakdown!.reduce((a, b) => a + b.value, 0)).toBeCloseTo(got.centerFunding.value, 2)
    expect(d.trends.map((t) => t.key)).toEqual(['volunteerHours', 'volunteerActivities', 'problemsSolved'])
    for (const t of d.trends) {
      expect(t.points.map((p) => p.month)).toEqual(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11'])
      expect(t.points.reduce((a, p) => a + p.value, 0)).toBeCloseTo(got[t.key].value, 0)
    }
    for (const c of d.comparisons) {
      expect(c.rows.map((r) => r.communityId)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'])
      for (const r of c.rows) expect({ key: c.key, c: r.communityId, v: r.value }).toEqual({ key: c.key, c: r.communityId, v: expectedValues(cloud, r.communityId)[c.key] })
    }
    // Members and deeds belong to exactly one community: the communities add up to the district.
    for (const key of ['membersApproved', 'problemsSolved'] as FigureKey[]) {
      expect(d.comparisons.find((c) => c.key === key)!.rows.reduce((a, r) => a + r.value, 0)).toBe(got[key].value)
    }
  })

  it('报到 progress per community: the drill-down, a community without a target, and no extra round trips', async () => {
    // The drill-down of the 报到 card: the same rows with the records behind the figure.
    const drill = await cloud.ok<FigureOutput>('reports', 'figure', { key: 'membersApproved', ...PERIOD, pageSize: 5 }, ADMIN)
    expect(drill.registration).toEqual(expectedRegistration(cloud))
    const own = await cloud.ok<FigureOutput>('reports', 'figure', { key: 'membersApproved', ...PERIOD, pageSize: 5 }, STAFF2)
    expect(own.registration).toEqual(expectedRegistration(cloud, 'c2'))
    expect((await cloud.ok<FigureOutput>('reports', 'figure', { key: 'branches', ...PERIOD, pageSize: 5 }, ADMIN)).registration).toBeUndefined()

    // A community without a target: no percentage (the page shows 未设目标), for the district and for its staff.
    const c2Target = cloud.store.get('communities', 'c2')!.registrationTarget
    await cloud.ok('members', 'setCommunityTargets', { targets: [{ communityId: 'c2', target: null }] }, ADMIN)
    try {
      const { reply, stats } = await cloud.callWithStats<Dashboard>('reports', 'dashboard', PERIOD, ADMIN)
      if (!reply.ok) throw new Error(reply.error.message)
      expect(reply.data.registration).toEqual(expectedRegistration(cloud))
      expect(reply.data.registration.communities[1]).toMatchObject({ communityId: 'c2', target: null, percent: null })
      // The progress comes from what the dashboard counts anyway (60 round trips before it was added;
      // issue #15: one grouped read per collection, the small ones together — 10 whatever the scale).
      expect(stats.dbRequests).toBeLessThanOrEqual(10)
      const staff2 = await cloud.ok<Dashboard>('reports', 'dashboard', PERIOD, STAFF2)
      expect(staff2.registration).toMatchObject({ target: null, percent: null, communities: [{ communityId: 'c2', target: null, percent: null }] })
      expect(flat(staff2).membersApproved.target).toBeUndefined()
    } finally {
      await cloud.ok('members', 'setCommunityTargets', { targets: [{ communityId: 'c2', target: c2Target }] }, ADMIN)
    }
  })

  it('a period counts flows inside it (Shanghai days, both ends included) and leaves stocks alone', async () => {
    const day = flat(await cloud.ok<Dashboard>('reports', 'dashboard', { from: '2026-01-01', to: '2026-01-01' }, ADMIN))
    // fixtures: deeds at 2026-01-01 00:00 Shanghai are in, those at 2025-12-31 23:59:59 are out
    expect(day.problemsSolved.value).toBe(cloud.store.count('deeds', { doneAt: { $gte: new Date('2026-01-01T00:00:00+08:00'), $lt: new Date('2026-01-02T00:00:00+08:00') } }))
    expect(day.problemsSolved.value).toBeGreaterThan(0)
    const lastYear = flat(await cloud.ok<Dashboard>('reports', 'dashboard', { from: '2025-12-31', to: '2025-12-31' }, ADMIN))
    expect(lastYear.problemsSolved.value).toBe(cloud.store.count('deeds', { doneAt: { $gte: new Date('2025-12-31T00:00:00+08:00'), $lt: new Date('2026-01-01T00:00:00+08:00') } }))
    expect(lastYear.problemsSolved.value).toBeGreaterThan(0)
    expect(day.branches.value).toBe(lastYear.branches.value)
  })

  it('the dashboard, the figure action and the workbook hold the same numbers', async () => {
    for (const [who, communityId] of [
      [ADMIN, undefined],
      [STAFF, undefined],
      [ADMIN, 'c3']
    ] as const) {
      const d = await cloud.ok<Dashboard>('reports', 'dashboard', { ...PERIOD, communityId }, who)
      const dash = flat(d)
      const w = await cloud.ok('reports', 'workReport', { ...PERIOD, communityId }, who)
      expect(w.figures).toBe(FIGURE_KEYS.length)
      expect(w.scope).toEqual(d.scope)
      expect(w.url).toMatch(/^http.*\/files\/exports\/reports\/.*\.xlsx$/)
      expect(w.fileName).toContain(d.scope.name)
      const wb = await readWorkbook(w.fileID)
      const cover = wb.getWorksheet('封面')!
      expect(String(cover.getCell('A1').value)).toContain(d.scope.name)
      expect(String(cover.getRow(4).getCell(2).value)).toBe(`${FROM} 至 ${TO}`)
      const book = workbookValues(wb)
      for (const key of FIGURE_KEYS) {
        const single = await cloud.ok<FigureOutput>('reports', 'figure', { key, ...PERIOD, communityId, pageSize: 5 }, who)
        expect({ key, dash: dash[key].value, figure: single.figure.value, book: book[key] }).toEqual({ key, dash: dash[key].value, figure: dash[key].value, book: dash[key].value })
        expect(single.figure.definition.length).toBeGreaterThan(10)
      }
    }
  })

  it('each counted figure opens onto exactly the records behind it', async () => {
    const d = flat(await cloud.ok<Dashboard>('reports', 'dashboard', { ...PERIOD, communityId: 'c1' }, ADMIN))
    for (const key of COUNTED_BY_RECORDS) {
      const f = await cloud.ok<FigureOutput>('reports', 'figure', { key, ...PERIOD, communityId: 'c1', pageSize: 3 }, ADMIN)
      expect({ key, total: f.records.total }).toEqual({ key, total: d[key].value })
      expect(f.records.items.length).toBe(Math.min(3, d[key].value))
      for (const item of f.records.items) expect(item.title.length).toBeGreaterThan(0)
    }
    // A summed figure: its records' amounts add up to it.
    const members = await cloud.ok<FigureOutput>('reports', 'figure', { key: 'ownersCommitteeMembers', ...PERIOD, communityId: 'c1', pageSize: 100 }, ADMIN)
    expect(members.records.items.reduce((a, r) => a + (r.amount ?? 0), 0)).toBe(d.ownersCommitteeMembers.value)
    const funds = await cloud.ok<FigureOutput>('reports', 'figure', { key: 'centerFunding', ...PERIOD, communityId: 'c1', pageSize: 100 }, ADMIN)
    if (funds.records.total <= 100) expect(Math.round(funds.records.items.reduce((a, r) => a + (r.amount ?? 0), 0) * 100) / 100).toBe(d.centerFunding.value)
  })

  it('a figure with more than 1000 records behind it pages through all of them', async () => {
    const first = await cloud.ok<FigureOutput>('reports', 'figure', { key: 'problemsSolved', ...PERIOD, page: 1, pageSize: 100 }, ADMIN)
    const total = first.records.total
    expect(total).toBeGreaterThan(1000)
    expect(total).toBe(first.figure.value)
    const ids = new Set(first.records.items.map((r) => r.id))
    for (let page = 2; (page - 1) * 100 < total; page++) {
      const next = await cloud.ok<FigureOutput>('reports', 'figure', { key: 'problemsSolved', ...PERIOD, page, pageSize: 100 }, ADMIN)
      expect(next.records.total).toBe(total)
      for (const r of next.records.items) ids.add(r.id)
    }
    expect(ids.size).toBe(total)
    // newest first
    const at = first.records.items.map((r) => r.at!)
    expect([...at].sort().reverse()).toEqual(at)
  })

  it('refuses anyone but staff and the district admin, and staff outside their community', async () => {
    for (const openid of ['demo-resident', 'demo-member', 'demo-property', 'demo-committee']) {
      for (const [action, input] of [
        ['dashboard', PERIOD],
        ['figure', { key: 'branches', ...PERIOD }],
        ['workReport', PERIOD]
      ] as const) {
        const r = await cloud.call('reports', action, input, openid)
        expect({ openid, action, code: r.ok ? 'ok' : r.error.code }).toEqual({ openid, action, code: 'FORBIDDEN' })
      }
    }
    const anonymous = await cloud.call('reports', 'dashboard', PERIOD)
    expect(anonymous.ok ? 'ok' : anonymous.error.code).toBe('UNAUTHENTICATED')
    for (const [action, input] of [
      ['dashboard', { ...PERIOD, communityId: 'c2' }],
      ['figure', { key: 'membersApproved', ...PERIOD, communityId: 'c2' }],
      ['workReport', { ...PERIOD, communityId: 'c2' }]
    ] as const) {
      const r = await cloud.call('reports', action, input, STAFF)
      expect({ action, code: r.ok ? 'ok' : r.error.code }).toEqual({ action, code: 'FORBIDDEN' })
    }
    const unknown = await cloud.call('reports', 'dashboard', { ...PERIOD, communityId: 'c99' }, ADMIN)
    expect(unknown.ok ? 'ok' : unknown.error.code).toBe('NOT_FOUND')
  })

  it('rejects bad input and stores nothing', async () => {
    const audits = cloud.store.count('auditLogs', { action: 'reports.workReport' })
    const bad: [string, object][] = [
      ['dashboard', { from: '2026-11-27', to: '2026-01-01' }],
      ['dashboard', { from: '2026/01/01', to: TO }],
      ['dashboard', { from: FROM }],
      ['dashboard', { from: '2010-01-01', to: TO }],
      ['figure', { key: 'nope', ...PERIOD }],
      ['figure', { key: 'branches', ...PERIOD, pageSize: 101 }],
      ['figure', { key: 'branches', ...PERIOD, page: 0 }],
      ['workReport', { from: '2026-02-30x', to: TO }],
      ['workReport', { from: TO, to: FROM }]
    ]
    for (const [action, input] of bad) {
      const r = await cloud.call('reports', action, input, ADMIN)
      expect({ action, input, code: r.ok ? 'ok' : r.error.code }).toEqual({ action, input, code: 'INVALID_INPUT' })
    }
    const refused = await cloud.call('reports', 'workReport', { ...PERIOD, communityId: 'c2' }, STAFF)
    expect(refused.ok).toBe(false)
    expect(cloud.store.count('auditLogs', { action: 'reports.workReport' })).toBe(audits)
  })

  it('every workbook is audit-logged with who, what and when', async () => {
    const before = cloud.store.count('auditLogs', { action: 'reports.workReport' })
    const [a, b] = await Promise.all([
      cloud.ok('reports', 'workReport', PERIOD, STAFF),
      cloud.ok('reports', 'workReport', { from: '2026-06-01', to: '2026-06-30' }, ADMIN)
    ])
    expect(a.fileID).not.toBe(b.fileID)
    expect(cloud.store.count('auditLogs', { action: 'reports.workReport' })).toBe(before + 2)
    const entry = cloud.store.find('auditLogs', { action: 'reports.workReport', 'detail.fileID': a.fileID })[0]
    expect(entry).toMatchObject({ actor: STAFF, actorName: '张敏', communityId: 'c1', target: { collection: 'reports', id: 'c1' }, detail: { from: FROM, to: TO, fileID: a.fileID } })
    const district = cloud.store.find('auditLogs', { action: 'reports.workReport', actor: ADMIN, 'detail.fileID': b.fileID })[0]
    expect(district).toMatchObject({ target: { id: 'district' }, detail: { from: '2026-06-01', to: '2026-06-30' } })
    expect(district.communityId).toBeUndefined()
  })

  it('stays live: a new record shows at once in the figure and the dashboard', async () => {
    const before = flat(await cloud.ok<Dashboard>('reports', 'dashboard', PERIOD, STAFF))
    cloud.store.insertMany('deeds', [
      { _id: 'wish:live1', kind: 'wish', sourceId: 'live1', figure: 'practicalDeeds', category: null, title: '微心愿：修理轮椅', communityId: 'c1', gridId: 'c1g1', doneBy: '李*', doneAt: new Date('2026-11-26T10:00:00+08:00'), month: '2026-11', rating: 5, minutes: 60 }
    ])
    const after = flat(await cloud.ok<Dashboard>('reports', 'dashboard', PERIOD, STAFF))
    expect(after.practicalDeeds.value).toBe(before.practicalDeeds.value + 1)
    expect(after.problemsSolved.value).toBe(before.problemsSolved.value + 1)
    const f = await cloud.ok<FigureOutput>('reports', 'figure', { key: 'practicalDeeds', ...PERIOD, pageSize: 1 }, STAFF)
    expect(f.records.items[0]).toMatchObject({ id: 'wish:live1', title: '微心愿：修理轮椅', communityName: '东风社区' })
  })

  it('a figure opens with its records in one round trip with the caller, a large collection\'s in a few (issue #15)', async () => {
    // The caller, the communities, the figure's groups and its records' page and total: one combined read.
    const small = await cloud.callWithStats<FigureOutput>('reports', 'figure', { key: 'partyGroups', ...PERIOD, pageSize: 5 }, ADMIN)
    if (!small.reply.ok) throw new Error(small.reply.error.message)
    expect(small.stats.dbRequests).toBe(1)
    // Community staff who name no community: theirs, read once it is known.
    const own = await cloud.callWithStats<FigureOutput>('reports', 'figure', { key: 'partyGroups', ...PERIOD, pageSize: 5 }, STAFF)
    if (!own.reply.ok) throw new Error(own.reply.error.message)
    expect(own.reply.data.records.total).toBe(own.reply.data.figure.value)
    expect(own.stats.dbRequests).toBeLessThanOrEqual(2)
    // Over a large collection (registrations): its group, the page and the total each on its own.
    const large = await cloud.callWithStats<FigureOutput>('reports', 'figure', { key: 'membersApproved', ...PERIOD, pageSize: 5 }, STAFF)
    if (!large.reply.ok) throw new Error(large.reply.error.message)
    expect(large.reply.data.records.total).toBe(large.reply.data.figure.value)
    expect(large.stats.dbRequests).toBeLessThanOrEqual(5)
  })
})
