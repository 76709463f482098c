/**
 * Property companies: the monthly scorecard arithmetic (a worked example, by hand), the ranking
 * workflow (review → appeal window → publish) with its refusals, and what residents see.
 */
import { buildDistrict } from '../../emulator/seed/district'
import { startTestCloud, type TestCloud } from '../support/cloud'
import { deliverMessages } from '../support/messages'
import { clearTicketDomain } from './tickets-support'

const HOUR = 3600 * 1000
const DAY = 24 * HOUR
const district = buildDistrict(1)
const co1Grids = district.grids.filter((g) => g.companyId === 'co1')
const co1Households = co1Grids.reduce((n, g) => n + g.households, 0)

let cloud: TestCloud
/** Replies typed loosely, so a test reads `.error?.code` directly. */
const call = (fn: string, action: string | undefined, input?: object, openid?: string): Promise<any> => cloud.call(fn, action as string, input, openid)
const ids: Record<string, string> = {}

function user(openid: string, roles: string[], scopes: Partial<Record<'communityIds' | 'companyIds' | 'gridIds', string[]>>, profile: Record<string, string> = {}) {
  return { _id: openid, openid, roles, scopes: { communityIds: [], companyIds: [], gridIds: [], ...scopes }, profile: { name: openid, ...profile } }
}

beforeAll(async () => {
  // 1 October 2026, 10:00 in Shanghai
  cloud = await startTestCloud({ start: '2026-10-01T10:00:00+08:00' })
  clearTicketDomain(cloud)
  cloud.store.insertMany('users', [
    user('r1', [], {}, { name: '居民甲', communityId: 'c1', gridId: 'c1g1' }),
    user('r2', [], {}, { name: '居民乙', communityId: 'c1', gridId: 'c1g1' }),
    user('prop-co2', ['property_staff'], { companyIds: ['co2'] }, { name: '钱经理' })
  ])
  const create = (openid: string, category: string, description: string) =>
    cloud.ok('tickets', 'create', { category, description, gridId: 'c1g1' }, openid).then((t: any) => t._id as string)
  const move = (ticketId: string, to: string) => cloud.ok('tickets', 'transition', { ticketId, to, note: '处理说明' }, 'demo-property')

  // Four drain tickets for co1 (48 h to resolve, so all are due on 3 October) and one dispute.
  ids.t1 = await create('r1', 'drain', '一号：下水道堵塞')
  ids.t2 = await create('r1', 'drain', '二号：下水道堵塞')
  ids.t3 = await create('r2', 'drain', '三号：下水道堵塞')
  ids.t4 = await create('r2', 'drain', '四号：下水道堵塞')
  ids.t5 = await create('r2', 'dispute', '五号：邻居噪音纠纷')

  cloud.clock.advance(2 * HOUR)
  await move(ids.t1, 'resolved') // on time
  cloud.clock.advance(8 * HOUR)
  await move(ids.t3, 'resolved') // on time (10 h)
  await cloud.ok('tickets', 'reopen', { ticketId: ids.t3, note: '又堵了' }, 'r2')
  cloud.clock.advance(40 * HOUR) // 50 h after creation: past the 48 h deadline
  await move(ids.t2, 'resolved') // late
  await move(ids.t3, 'resolved')
  await cloud.ok('tickets', 'confirm', { ticketId: ids.t1, rating: 5 }, 'r1')
  await cloud.ok('tickets', 'confirm', { ticketId: ids.t2, rating: 3 }, 'r1')
  await cloud.ok('tickets', 'confirm', { ticketId: ids.t3, rating: 4 }, 'r2')
  // t4 is never resolved: due on 3 October, so it counts as late.
  // the dispute is the 居委会's: it counts for no company
  await cloud.ok('tickets', 'transition', { ticketId: ids.t5, to: 'resolved', note: '已调解' }, 'demo-staff')
  await cloud.ok('tickets', 'confirm', { ticketId: ids.t5, rating: 1 }, 'r2')

  // the district's party-building entry for co1 in October
  await cloud.ok('companies', 'setPartyBuilding', { companyId: 'co1', month: '2026-10', jointActivities: 1, meetingsAttended: 3, note: '参加社区联建活动1次' }, 'demo-admin')
  cloud.clock.set('2026-11-02T09:00:00+08:00')
})
afterAll(async () => {
  await cloud.close()
})

describe('the scorecard arithmetic', () => {
  test('worked example: co1 in October 2026', async () => {
    const card = await cloud.ok('companies', 'scorecard', { companyId: 'co1', month: '2026-10' }, 'demo-admin')
    /*
     * Ratings given in October on co1's tickets: 5, 3, 4 (the dispute's 1 is the 居委会's)
     *   averageRating = 12 / 3 = 4.00
     *   satisfaction  = ((12 + 3×4) / (3 + 3) − 1) / 4 × 100 = (4 − 1) / 4 × 100 = 75.0
     * Due in October: t1..t4; by the deadline: t1 (2 h), t3 (first resolved at 10 h) → 2 of 4
     *   onTimeRate = 0.5;  onTime = (2 + 3×0.8) / (4 + 3) × 100 = 4.4 / 7 × 100 = 62.857 → 62.9
     * First resolved in October: t1, t2, t3; reopened: t3 → 1 of 3
     *   reopenRate = 0.333; reopen = (1 − (1 + 3×0.1) / (3 + 3)) × 100 = (1 − 0.21667) × 100 = 78.3
     * Party building: branch 30 + instructor 10 + members 10 + 1 joint activity 15 + meetings min(3,2)×10 = 85
     * score = 0.40×75 + 0.30×62.857 + 0.15×78.333 + 0.15×85 = 30 + 18.857 + 11.75 + 12.75 = 73.357 → 73.4
     * Volume: 4 reports (the dispute excluded) over co1's households × 100.
     */
    expect(card).toMatchObject({
      companyId: 'co1',
      month: '2026-10',
      grids: co1Grids.length,
      households: co1Households,
      ticketCount: 4,
      ratingCount: 3,
      averageRating: 4,
      dueCount: 4,
      onTimeCount: 2,
      onTimeRate: 0.5,
      resolvedCount: 3,
      reopenedCount: 1,
      reopenRate: 0.333,
      partyBuilding: { hasBranch: true, hasInstructor: true, partyMembers: 2, jointActivities: 1, meetingsAttended: 3, entered: true, score: 85 },
      scores: { satisfaction: 75, onTime: 62.9, reopen: 78.3, partyBuilding: 85 },
      score: 73.4,
      source: 'live'
    })
    expect(card.ticketsPer100Households).toBe(Math.round((4 / co1Households) * 100 * 100) / 100)
  })

  test('a company without any ticket sits at the priors, not at the top or the bottom', async () => {
    const card = await cloud.ok('companies', 'scorecard', { companyId: 'co2', month: '2026-10' }, 'demo-admin')
    // satisfaction (4−1)/4 = 75; on time 80; reopen 90; party: co2 has a branch, an instructor and a member = 50
    expect(card).toMatchObject({ ratingCount: 0, averageRating: null, onTimeRate: null, reopenRate: null, scores: { satisfaction: 75, onTime: 80, reopen: 90, partyBuilding: 50 }, score: 75 })
  })

  test('who sees a scorecard before publication', async () => {
    expect((await call('companies', 'scorecard', { companyId: 'co1', month: '2026-10' }, 'demo-resident')).error?.code).toBe('FORBIDDEN')
    expect((await call('companies', 'scorecard', { companyId: 'co1', month: '2026-10' }, 'prop-co2')).error?.code).toBe('FORBIDDEN')
    expect((await call('companies', 'scorecard', { companyId: 'co1', month: '2026-10' }, 'demo-property')).ok).toBe(true)
    expect((await call('companies', 'scorecard', { companyId: 'co1', month: '2026-13' }, 'demo-admin')).error?.code).toBe('INVALID_INPUT')
    expect((await call('companies', 'scorecard', { companyId: 'co1', month: '2027-01' }, 'demo-admin')).error?.code).toBe('INVALID_INPUT')
    expect((await call('companies', 'scorecard', { companyId: 'nope', month: '2026-10' }, 'demo-admin')).error?.code).toBe('NOT_FOUND')
  })
})

describe('review, appeal window, publication', () => {
  test('the draft is the admin’s alone; residents see nothing before publication', async () => {
    const draft = await cloud.ok('companies', 'ranking', { month: '2026-10' }, 'demo-admin')
    expect(draft).toMatchObject({ status: 'draft', visible: true, latestPublished: null })
    expect(draft.entries).toHaveLength(33)
    expect(draft.entries.every((c: any) => c.kind === 'professional')).toBe(true)
    expect(draft.redList).toHaveLength(10)
    expect(draft.blackList).toHaveLength(3)
    expect(draft.entries.map((c: any) => c.rank)).toEqual(Array.from({ length: 33 }, (_, i) => i + 1))
    expect(draft.banner.companyId).toBe(draft.entries[0].companyId)
    const scores = draft.entries.map((c: any) => c.score)
    expect([...scores].sort((a, b) => b - a)).toEqual(scores)

    const resident = await cloud.ok('companies', 'ranking', { month: '2026-10' }, 'demo-resident')
    expect(resident).toMatchObject({ status: 'draft', visible: false, entries: [], redList: [], blackList: [], banner: null })
  })

  test('refusals: not the admin, month not over, publishing before review', async () => {
    expect((await call('companies', 'publishRanking', { month: '2026-10' }, 'demo-staff')).error?.code).toBe('FORBIDDEN')
    expect((await call('companies', 'openAppeals', { month: '2026-10' }, 'demo-property')).error?.code).toBe('FORBIDDEN')
    expect((await call('companies', 'openAppeals', { month: '2026-11' }, 'demo-admin')).error?.code).toBe('CONFLICT')
    expect((await call('companies', 'publishRanking', { month: '2026-10' }, 'demo-admin')).error?.code).toBe('CONFLICT')
    expect((await call('companies', 'appeal', { month: '2026-10', reason: '二号问题系管网老化，非我司责任' }, 'demo-property')).error?.code).toBe('CONFLICT')
    expect(cloud.store.count('rankings', {})).toBe(0)
  })

  test('open the appeal window, appeal, answer, publish; residents then see the 红黑榜', async () => {
    const [a, b] = await Promise.all([
      call('companies', 'openAppeals', { month: '2026-10', days: 3 }, 'demo-admin'),
      call('companies', 'openAppeals', { month: '2026-10', days: 3 }, 'demo-admin')
    ])
    expect([a.ok, b.ok].sort()).toEqual([false, true])
    const review: any = a.ok ? a.data : (b as any).data
    expect(review).toMatchObject({ status: 'appeal', visible: true })
    expect(Date.parse(review.appealUntil)).toBe(cloud.clock.now() + 3 * DAY)
    // The companies are told within a minute (the message queue's drain), not while the admin waits.
    expect(cloud.store.find('outbox', { touser: 'demo-property', templateId: 'tpl-ranking-notice' })).toHaveLength(0)
    await deliverMessages(cloud)
    expect(cloud.store.find('outbox', { touser: 'demo-property', templateId: 'tpl-ranking-notice' })).toHaveLength(1)

    // companies see the frozen cards now
    const frozen = await cloud.ok('companies', 'scorecard', { companyId: 'co1', month: '2026-10' }, 'demo-property')
    expect(frozen).toMatchObject({ source: 'snapshot', score: 73.4 })
    expect((await cloud.ok('companies', 'ranking', { month: '2026-10' }, 'demo-resident')).visible).toBe(false)

    // one appeal per company, for its own tickets only
    const foreign = await call('companies', 'appeal', { month: '2026-10', reason: '二号问题系市政管网老化', ticketIds: [ids.t2], companyId: 'co1' }, 'prop-co2')
    expect(foreign.error?.code).toBe('FORBIDDEN')
    const notOurs = await call('companies', 'appeal', { month: '2026-10', reason: '五号不是我们的', ticketIds: [ids.t5, 'T000000NONE'] }, 'demo-property')
    expect(notOurs.error?.code).toBe('INVALID_INPUT')
    expect(notOurs.error?.message).toContain('问题单不存在：T000000NONE')
    // the dispute is the 居委会's: not counted in co1's October card
    expect(notOurs.error?.message).toContain(`问题单未计入2026年10月的考评，不能在该月申诉：${ids.t5}`)
    // co1's own ticket, but reported in November: not counted in October's ranking
    ids.nov = await cloud.ok('tickets', 'create', { category: 'drain', description: '十一月：下水道又堵了', gridId: 'c1g1' }, 'r1').then((t: any) => t._id as string)
    const otherMonth = await call('companies', 'appeal', { month: '2026-10', reason: '二号与十一月的问题均系市政管网老化', ticketIds: [ids.t2, ids.nov] }, 'demo-property')
    expect(otherMonth.error).toMatchObject({ code: 'INVALID_INPUT', message: `问题单未计入2026年10月的考评，不能在该月申诉：${ids.nov}`, fields: ['ticketIds'] })
    // another company's ticket (c2's compounds are not co1's)
    const c2Grid = district.grids.find((g) => g.companyId && g.companyId !== 'co1')!
    cloud.store.insertMany('tickets', [{ ...cloud.store.get('tickets', ids.t1), _id: 'T-FOREIGN-1', companyId: c2Grid.companyId, gridId: c2Grid._id, communityId: c2Grid.communityId }])
    const foreignTicket = await call('companies', 'appeal', { month: '2026-10', reason: '这张单子也请复核一下', ticketIds: ['T-FOREIGN-1'] }, 'demo-property')
    expect(foreignTicket.error).toMatchObject({ code: 'INVALID_INPUT', message: '问题单不属于本企业服务的小区：T-FOREIGN-1' })
    cloud.store.deleteOne('tickets', { _id: 'T-FOREIGN-1' })
    expect(cloud.store.count('rankingAppeals', {})).toBe(0)
    const appeal = await cloud.ok('companies', 'appeal', { month: '2026-10', reason: '二号问题系市政管网老化，非我司责任，已协调市政处理', ticketIds: [ids.t2] }, 'demo-property')
    expect(appeal).toMatchObject({ _id: '2026-10:co1', status: 'pending', companyName: '安居物业服务有限公司' })
    expect((await call('companies', 'appeal', { month: '2026-10', reason: '再申诉一次试试看' }, 'demo-property')).error?.code).toBe('CONFLICT')
    const list = await cloud.ok('companies', 'appeals', { month: '2026-10', page: 1, pageSize: 10 }, 'demo-admin')
    expect(list.total).toBe(1)
    expect((await cloud.ok('companies', 'appeals', { month: '2026-10', page: 1, pageSize: 10 }, 'prop-co2')).total).toBe(0)

    // the window is still open
    expect((await call('companies', 'publishRanking', { month: '2026-10' }, 'demo-admin')).error?.code).toBe('CONFLICT')
    cloud.clock.advance(3 * DAY)
    // window over, appeal unanswered
    expect((await call('companies', 'appeal', { month: '2026-10', reason: '迟到的申诉理由' }, 'prop-co2')).error?.code).toBe('EXPIRED')
    expect((await call('companies', 'publishRanking', { month: '2026-10' }, 'demo-admin')).error?.message).toContain('1件申诉未处理')

    // Taking out a ticket the month did not count is refused, and leaves the appeal as it was.
    const wrongExclude = await call('companies', 'answerAppeal', { month: '2026-10', companyId: 'co1', decision: 'upheld', reply: '经核实不计入考评', excludeTicketIds: [ids.t2, ids.nov] }, 'demo-admin')
    expect(wrongExclude.error).toMatchObject({ code: 'INVALID_INPUT', fields: ['excludeTicketIds'] })
    expect(wrongExclude.error.message).toContain(`未计入2026年10月的考评`)
    expect(cloud.store.get('rankingAppeals', '2026-10:co1')).toMatchObject({ status: 'pending', excludedTicketIds: [] })
    expect(cloud.store.get('rankingAppeals', '2026-10:co1')).not.toHaveProperty('claimedAt')
    expect(cloud.store.get('tickets', ids.t2)).toMatchObject({ scoreExcluded: false })

    // Answered while a second admin tries to publish: publishing waits for the answer (and the
    // tickets it takes out), or fails for the pending appeal; it never publishes without them.
    const [answer, early] = await Promise.all([
      call('companies', 'answerAppeal', { month: '2026-10', companyId: 'co1', decision: 'upheld', reply: '经核实系市政管网问题，不计入考评', excludeTicketIds: [ids.t2] }, 'demo-admin'),
      call('companies', 'publishRanking', { month: '2026-10' }, 'demo-admin')
    ])
    expect(answer.ok && answer.data.status).toBe('upheld')
    if (!early.ok) expect(early.error.message).toContain('1件申诉未处理')
    expect(cloud.store.get('tickets', ids.t2)).toMatchObject({ scoreExcluded: true })
    expect(cloud.store.count('ticketEvents', { ticketId: ids.t2, kind: 'excluded', internal: true })).toBe(1)
    expect((await call('companies', 'answerAppeal', { month: '2026-10', companyId: 'co1', decision: 'dismissed', reply: '改判' }, 'demo-admin')).error?.code).toBe('CONFLICT')

    let published: any = early.ok ? early.data : undefined
    if (!published) {
      const [p, q] = await Promise.all([
        call('companies', 'publishRanking', { month: '2026-10' }, 'demo-admin'),
        call('companies', 'publishRanking', { month: '2026-10' }, 'demo-admin')
      ])
      expect([p.ok, q.ok].sort()).toEqual([false, true])
      published = p.ok ? p.data : (q as any).data
    }
    expect(published.status).toBe('published')

    /*
     * Recomputed without t2 (appeal upheld):
     *   ratings 5, 4        → satisfaction ((9 + 12) / 5 − 1) / 4 × 100 = (4.2 − 1) / 4 × 100 = 80
     *   due t1, t3, t4; on time t1, t3 → (2 + 2.4) / 6 = 0.7333 → 73.3
     *   first resolved t1, t3; reopened t3 → 1 − 1.3 / 5 = 0.74 → 74
     *   score = 0.4×80 + 0.3×73.333 + 0.15×74 + 0.15×85 = 32 + 22 + 11.1 + 12.75 = 77.85 → 77.9
     */
    const co1 = published.entries.find((c: any) => c.companyId === 'co1')
    expect(co1).toMatchObject({ ratingCount: 2, averageRating: 4.5, dueCount: 3, onTimeCount: 2, resolvedCount: 2, reopenedCount: 1, scores: { satisfaction: 80, onTime: 73.3, reopen: 74, partyBuilding: 85 }, score: 77.9 })

    const resident = await cloud.ok('companies', 'ranking', {}, 'demo-resident')
    expect(resident).toMatchObject({ month: '2026-10', status: 'published', visible: true, latestPublished: '2026-10' })
    expect(resident.redList).toHaveLength(10)
    expect(resident.blackList).toHaveLength(3)
    expect(resident.banner).toEqual({ companyId: resident.entries[0].companyId, companyName: resident.entries[0].companyName, score: resident.entries[0].score })
    expect(resident.redList.every((c: any) => c.list === 'red')).toBe(true)
    expect(resident.blackList.map((c: any) => c.rank)).toEqual([31, 32, 33])
    // residents now see a published card; the company list carries the badge
    expect((await cloud.ok('companies', 'scorecard', { companyId: 'co1', month: '2026-10' }, 'demo-resident')).score).toBe(77.9)
    const company = await cloud.ok('companies', 'get', { companyId: 'co1' }, 'demo-resident')
    expect(company).toMatchObject({ name: '安居物业服务有限公司', hasBranch: true, partyMembers: 2, badge: { month: '2026-10', rank: co1.rank, banner: co1.banner } })
    expect(company.grids.map((g: any) => g.gridId)).toEqual(co1Grids.map((g) => g._id))

    // a published month is frozen
    expect((await call('companies', 'setPartyBuilding', { companyId: 'co1', month: '2026-10', jointActivities: 2, meetingsAttended: 2 }, 'demo-admin')).error?.code).toBe('CONFLICT')
    expect((await call('companies', 'publishRanking', { month: '2026-10' }, 'demo-admin')).error?.code).toBe('CONFLICT')
  })

  test('company list and profile edits', async () => {
    const page = await cloud.ok('companies', 'list', { page: 1, pageSize: 50 }, 'demo-resident')
    expect(page.total).toBe(35)
    const c1 = await cloud.ok('companies', 'list', { communityId: 'c1', page: 1, pageSize: 50 }, 'demo-resident')
    const served = new Set(district.grids.filter((g) => g.communityId === 'c1' && g.companyId).map((g) => g.companyId))
    expect(c1.items.map((c: any) => c._id).sort()).toEqual([...served].sort())
    expect((await call('companies', 'updateProfile', { companyId: 'co5', hasBranch: true }, 'demo-property')).error?.code).toBe('FORBIDDEN')
    const edited = await cloud.ok('companies', 'updateProfile', { companyId: 'co20', hasBranch: true, partyMembers: 3, partyInstructor: '刘建华' }, 'demo-admin')
    expect(edited).toMatchObject({ hasBranch: true, partyMembers: 3, partyInstructor: '刘建华' })
    const removed = await cloud.ok('companies', 'updateProfile', { companyId: 'co20', partyInstructor: '' }, 'demo-admin')
    expect(removed.partyInstructor).toBeUndefined()
  })
})
