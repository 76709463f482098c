/**
 * Direct counts of the seeded records (through the emulator store, not the functions) for every
 * figure of the reports function, written from each figure's definition. Shared by the scale-1 and
 * scale-10 test files.
 */
import type { FigureKey } from '../../contracts/reports'
import type { TestCloud } from '../support/cloud'

export const FROM = '2026-01-01'
export const TO = '2026-11-27'
/** Midnight Shanghai of FROM and of the day after TO. */
export const START = new Date('2026-01-01T00:00:00+08:00')
export const END = new Date('2026-11-28T00:00:00+08:00')

type Doc = Record<string, any>
const round = (n: number, d: number) => Math.round(n * 10 ** d) / 10 ** d
const sumOf = (docs: Doc[], field: string) => docs.reduce((a, d) => a + (Number(d[field]) || 0), 0)
const inPeriod = { $gte: START, $lt: END }

export function expectedValues(cloud: TestCloud, communityId?: string): Record<FigureKey, number> {
  const s = cloud.store
  const sc = (q: Doc = {}) => (communityId ? { ...q, communityId } : q)
  const count = (coll: string, q: Doc = {}) => s.count(coll, sc(q))
  const find = (coll: string, q: Doc = {}) => s.find(coll, sc(q))
  const distinct = (docs: Doc[], field: string) => new Set(docs.map((d) => d[field])).size

  // Companies of the scope: all of them for the district, those managing a compound of the community otherwise.
  const companyIds = communityId ? [...new Set(s.find('grids', { communityId }).map((g) => g.companyId).filter(Boolean))] : null
  const companies = (q: Doc) => s.find('companies', companyIds ? { ...q, _id: { $in: companyIds } } : q)

  const ocs = find('ownersCommittees')
  const ocMembers = sumOf(ocs, 'members')
  const ocParty = sumOf(ocs, 'partyMembers')

  const ranking = s.find('rankings', { status: 'published' }, { sort: { month: -1 }, limit: 1 })[0]
  const red = ranking ? ranking.cards.filter((c: Doc) => c.list === 'red' && c.rank != null && (!companyIds || companyIds.includes(c.companyId))).length : 0

  const verified = find('serviceRecords', { status: { $in: ['approved', 'adjusted'] }, serviceDate: inPeriod })
  const now = new Date(cloud.clock.now())
  const noticeQuery: Doc = { status: 'active', publishAt: { $gte: START, $lt: END, $lte: now } }
  const notices = s.count(
    'notices',
    communityId ? { $and: [noticeQuery, { $or: [{ communityIds: communityId }, { communityIds: { $size: 0 } }] }] } : noticeQuery
  )
  const rated = find('deeds', { rating: { $gte: 1 }, doneAt: inPeriod })

  return {
    communityCommittees: count('communityCommittees'),
    grids: count('grids'),
    branches: count('branches'),
    gridsWithBranch: distinct(find('branches'), 'gridId'),
    partyGroups: count('partyGroups'),
    centralHouseholds: count('centralHouseholds'),
    ownersCommittees: count('ownersCommittees'),
    selfManagementCommittees: count('selfManagementCommittees'),
    gridsWithCommittee: new Set([...ocs, ...find('selfManagementCommittees')].map((d) => d.gridId)).size,
    ownersCommitteeMembers: ocMembers,
    ownersCommitteePartyMembers: ocParty,
    ownersCommitteePartyShare: ocMembers > 0 ? round((ocParty / ocMembers) * 100, 1) : 0,
    gridsManaged: count('grids', { management: { $in: ['professional', 'public_interest', 'entrusted', 'self_managed'] } }),
    gridsProfessional: count('grids', { management: 'professional' }),
    companies: companies({ kind: 'professional' }).length,
    publicInterestEntities: companies({ kind: 'public_interest' }).length,
    companyPartyMembers: sumOf(companies({ kind: 'professional' }), 'partyMembers'),
    companyBranches: companies({ kind: 'professional', hasBranch: true }).length,
    partyInstructors: companies({ kind: 'professional' }).filter((c) => c.partyInstructor).length,
    latestRanking: red,
    membersApproved: count('registrations', { status: 'approved' }),
    membersPending: count('registrations', { status: 'pending' }),
    teamsLiaison: count('teams', { type: 'liaison', status: 'active' }),
    teamsEmergency: count('teams', { type: 'emergency', status: 'active' }),
    volunteerActivities: count('activities', { kind: 'volunteer', status: 'published', start: inPeriod }),
    volunteerServices: verified.length,
    volunteerHours: round(sumOf(verified, 'verifiedMinutes') / 60, 1),
    practicalDeeds: count('deeds', { figure: 'practicalDeeds', doneAt: inPeriod }),
    problemsSolved: count('deeds', { doneAt: inPeriod }),
    notices,
    noticeReads: count('noticeReads', { readAt: inPeriod }),
    noticeReaders: distinct(find('noticeReads', { readAt: inPeriod }), 'openid'),
    centersPlanned: count('centers'),
    centersBuilt: count('centers', { status: { $in: ['built', 'accepted'] } }),
    centersAccepted: count('centers', { status: 'accepted' }),
    centerFunding: round(sumOf(find('centerFunds'), 'amountFen') / 100, 2),
    roomBookingsUsed: count('bookings', { status: 'checked_in', start: inPeriod }),
    ticketsReceived: count('tickets', { createdAt: inPeriod }),
    blockersSolved: count('deeds', { figure: 'blockersSolved', doneAt: inPeriod }),
    disputesSettled: count('deeds', { figure: 'disputesSettled', doneAt: inPeriod }),
    satisfaction: rated.length ? round(sumOf(rated, 'rating') / rated.length, 2) : 0
  }
}

const percent = (approved: number, target: number | null) => (target ? Math.round((approved / target) * 1000) / 10 : null)

/**
 * 在职党员报到 against the targets, counted directly: the district's target (settings) or the
 * community's own (`registrationTarget` on its document; absent or null: 未设目标, no percentage),
 * and each community's target, approved registrations and percentage.
 */
export function expectedRegistration(cloud: TestCloud, communityId?: string) {
  const s = cloud.store
  const communities = s.find('communities', communityId ? { _id: communityId } : {}, { sort: { order: 1 } })
  const rows = communities.map((c) => {
    const target = typeof c.registrationTarget === 'number' ? c.registrationTarget : null
    const approved = s.count('registrations', { communityId: c._id, status: 'approved' })
    return { communityId: c._id, communityName: c.name, target, approved, percent: percent(approved, target) }
  })
  const approved = s.count('registrations', communityId ? { communityId, status: 'approved' } : { status: 'approved' })
  const target = communityId ? rows[0].target : (s.get('settings', 'registration')?.target ?? 4403)
  return { target, approved, percent: percent(approved, target), communities: rows }
}

/** Figures whose records are exactly the things counted (records.total = value). */
export const COUNTED_BY_RECORDS: FigureKey[] = [
  'communityCommittees',
  'grids',
  'branches',
  'gridsWithBranch',
  'partyGroups',
  'centralHouseholds',
  'ownersCommittees',
  'selfManagementCommittees',
  'gridsWithCommittee',
  'gridsManaged',
  'gridsProfessional',
  'companies',
  'publicInterestEntities',
  'companyBranches',
  'partyInstructors',
  'membersApproved',
  'membersPending',
  'teamsLiaison',
  'teamsEmergency',
  'volunteerActivities',
  'volunteerServices',
  'practicalDeeds',
  'problemsSolved',
  'notices',
  'noticeReads',
  'noticeReaders',
  'centersPlanned',
  'centersBuilt',
  'centersAccepted',
  'roomBookingsUsed',
  'ticketsReceived',
  'blockersSolved',
  'disputesSettled'
]

const FIGURES = ['practicalDeeds', 'blockersSolved', 'disputesSettled'] as const
const CATEGORIES = ['parking', 'drain', 'stairwell', 'dispute'] as const

/**
 * Records of the domains whose demo seed may be thin (deeds, tickets with ratings, notices and reads,
 * a 红黑榜 month still under appeal), added straight to the store in the shapes those domains store, so that every
 * figure has something to count — including one with more than 1000 records behind it (deeds).
 * `communities` is the number of communities (7 × scale). Dates straddle the period's edges.
 */
export function addFixtures(cloud: TestCloud, options: { deeds: number; communities: number }): void {
  const s = cloud.store
  const c = (i: number) => `c${(i % options.communities) + 1}`
  const deeds: Doc[] = []
  for (let i = 0; i < options.deeds; i++) {
    const figure = FIGURES[i % 3]
    // Mostly inside the period; every 50th just before it (23:59:59 on 2025-12-31, Shanghai), every 49th just inside.
    const doneAt =
      i % 50 === 0 ? new Date('2025-12-31T23:59:59+08:00') : i % 49 === 0 ? new Date('2026-01-01T00:00:00+08:00') : new Date(Date.UTC(2026, i % 11, 1 + (i % 27), 3))
    deeds.push({
      _id: `${figure === 'practicalDeeds' ? 'wish' : 'ticket'}:fx${i}`,
      kind: figure === 'practicalDeeds' ? 'wish' : 'ticket',
      sourceId: `fx${i}`,
      figure,
      category: figure === 'practicalDeeds' ? null : figure === 'disputesSettled' ? 'dispute' : 'drain',
      title: `测试事项${i}`,
      communityId: c(i),
      gridId: `${c(i)}g1`,
      doneBy: '安居物业服务有限公司',
      doneAt,
      month: new Date(doneAt.getTime() + 8 * 3600_000).toISOString().slice(0, 7),
      rating: i % 4 === 0 ? null : 3 + (i % 3),
      minutes: null
    })
  }
  s.insertMany('deeds', deeds)

  const tickets: Doc[] = []
  for (let i = 0; i < 60; i++) {
    const createdAt = i % 10 === 0 ? new Date('2025-12-20T10:00:00+08:00') : new Date(Date.UTC(2026, i % 11, 2 + (i % 20), 2))
    const rated = i % 3 !== 0
    tickets.push({
      _id: `FX${1000 + i}`,
      category: CATEGORIES[i % 4],
      description: `测试报事内容${i}`,
      photos: [],
      communityId: c(i),
      gridId: `${c(i)}g1`,
      buildingId: null,
      reporterOpenid: `fx-resident-${i}`,
      reporterName: '居民',
      status: rated ? 'closed' : 'accepted',
      isDispute: CATEGORIES[i % 4] === 'dispute',
      createdAt,
      rating: rated ? 1 + (i % 5) : null,
      ratedAt: rated ? new Date(createdAt.getTime() + 3 * 86_400_000) : null
    })
  }
  s.insertMany('tickets', tickets)

  const notices: Doc[] = []
  const reads: Doc[] = []
  for (let i = 0; i < 12; i++) {
    const community = i % 3 === 0 ? null : c(i)
    notices.push({
      _id: `fxn${i}`,
      title: `测试通知${i}`,
      category: 'community',
      audienceLabel: community ? '本社区' : '全区',
      communityIds: community ? [community] : [],
      status: i === 5 ? 'withdrawn' : 'active',
      // one scheduled for later (not yet published), one from last year
      publishAt: i === 7 ? new Date(cloud.clock.now() + 86_400_000) : i === 8 ? new Date('2025-11-01T09:00:00+08:00') : new Date(Date.UTC(2026, i % 10, 5)),
      publisher: { openid: 'demo-staff', name: '张敏', orgName: '东风社区' }
    })
    for (let r = 0; r < 5; r++) {
      reads.push({
        _id: `fxn${i}:fx-reader-${r}`,
        noticeId: `fxn${i}`,
        openid: `fx-reader-${r}`,
        communityId: c(r),
        gridId: `${c(r)}g1`,
        buildingId: `${c(r)}g1b1`,
        isMember: false,
        readAt: new Date(Date.UTC(2026, i % 10, 6 + r))
      })
    }
  }
  s.insertMany('notices', notices)
  s.insertMany('noticeReads', reads)

  // A month reviewed (appeal window) but not yet published: never the "latest 红黑榜".
  const latest = s.find('rankings', { status: 'published' }, { sort: { month: -1 }, limit: 1 })[0]
  if (latest) s.insertMany('rankings', [{ ...latest, _id: 'fx-appeal', month: '2099-01', status: 'appeal', publishedAt: null }])
}
