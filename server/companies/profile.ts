import type {
  CompanyDetail,
  CompanySummary,
  companiesListInput,
  companiesSetPartyBuildingInput,
  companiesUpdateProfileInput,
  Scorecard
} from '../../contracts/companies'
import type { Page } from '../../contracts/common'
import type { z } from '../../contracts/zod'
import { clock } from '../core/clock'
import { db } from '../core/db'
import { conflict, forbidden } from '../core/errors'
import { hasRole, isDistrictAdmin } from '../core/guard'
import type { Caller } from '../core/identity'
import { findById, getById, namesById } from '../core/records'
import type { CompanyDoc, GridDoc } from '../tickets/places'
import { latestPublished, requireMonthNotFuture, snapshotCard, type RankingRecord } from './ranking'
import { partyBuildingScore } from './score'
import { computeScorecards, type CompanyMonthRecord } from './scorecards'

type Badge = CompanySummary['badge']

function badgeOf(latest: RankingRecord | null, companyId: string): Badge {
  const card = latest?.cards.find((c) => c.companyId === companyId)
  if (!latest || !card || card.rank == null) return undefined
  return { month: latest.month, rank: card.rank, list: card.list, banner: card.banner }
}

function summary(c: CompanyDoc, gridCount: number, latest: RankingRecord | null): CompanySummary {
  return {
    _id: c._id,
    name: c.name,
    kind: c.kind,
    partyMembers: c.partyMembers ?? 0,
    hasBranch: !!c.hasBranch,
    partyInstructor: c.partyInstructor || undefined,
    gridCount,
    badge: badgeOf(latest, c._id)
  }
}

async function gridCounts(companyIds: string[]): Promise<Map<string, number>> {
  const _ = db().command
  const $ = db().command.aggregate
  if (companyIds.length === 0) return new Map()
  const res = await db().collection('grids').aggregate().match({ companyId: _.in(companyIds) }).group({ _id: '$companyId', n: $.sum(1) }).limit(1000).end()
  return new Map((res as { list: { _id: string; n: number }[] }).list.map((r) => [r._id, r.n]))
}

export async function listCompanies(input: z.infer<typeof companiesListInput>): Promise<Page<CompanySummary>> {
  const _ = db().command
  const where: Record<string, unknown> = {}
  if (input.kind) where.kind = input.kind
  if (input.communityId) {
    const res = await db().collection('grids').where({ communityId: input.communityId, companyId: _.exists(true) }).field({ companyId: true }).limit(1000).get()
    where._id = _.in([...new Set((res.data as GridDoc[]).map((g) => g.companyId as string))])
  }
  const col = db().collection('companies')
  const [count, page, latest] = await Promise.all([
    col.where(where).count(),
    col.where(where).orderBy('kind', 'asc').orderBy('name', 'asc').skip((input.page - 1) * input.pageSize).limit(input.pageSize).get(),
    latestPublished()
  ])
  const companies = page.data as CompanyDoc[]
  const counts = await gridCounts(companies.map((c) => c._id))
  return { items: companies.map((c) => summary(c, counts.get(c._id) ?? 0, latest)), total: count.total, page: input.page, pageSize: input.pageSize }
}

export async function getCompany(companyId: string): Promise<CompanyDetail> {
  const company = await getById<CompanyDoc>('companies', companyId, '物业企业')
  const [gridsRes, latest] = await Promise.all([db().collection('grids').where({ companyId }).limit(1000).get(), latestPublished()])
  const grids = gridsRes.data as GridDoc[]
  const communities = await namesById('communities', grids.map((g) => g.communityId))
  return {
    ...summary(company, grids.length, latest),
    contact: company.contact || undefined,
    grids: grids.map((g) => ({ gridId: g._id, name: g.name, communityId: g.communityId, communityName: communities.get(g.communityId) ?? '', households: g.households })),
    households: grids.reduce((sum, g) => sum + (g.households ?? 0), 0)
  }
}

export async function updateProfile(input: z.infer<typeof companiesUpdateProfileInput>): Promise<CompanyDetail> {
  await getById<CompanyDoc>('companies', input.companyId, '物业企业')
  const _ = db().command
  const data: Record<string, unknown> = {}
  if (input.partyMembers !== undefined) data.partyMembers = input.partyMembers
  if (input.hasBranch !== undefined) data.hasBranch = input.hasBranch
  if (input.contact !== undefined) data.contact = input.contact
  if (input.partyInstructor !== undefined) data.partyInstructor = input.partyInstructor ? input.partyInstructor : _.remove()
  if (Object.keys(data).length) await db().collection('companies').doc(input.companyId).update({ data: { ...data, updatedAt: clock.date() } })
  return getCompany(input.companyId)
}

export async function setPartyBuilding(caller: Caller, input: z.infer<typeof companiesSetPartyBuildingInput>) {
  requireMonthNotFuture(input.month)
  const company = await getById<CompanyDoc>('companies', input.companyId, '物业企业')
  const rec = await findById<RankingRecord>('rankings', input.month)
  if (rec?.status === 'published') throw conflict('该月红黑榜已公示，不能再修改')
  const doc: Omit<CompanyMonthRecord, '_id'> = {
    companyId: input.companyId,
    month: input.month,
    jointActivities: input.jointActivities,
    meetingsAttended: input.meetingsAttended,
    note: input.note || null,
    updatedAt: clock.date(),
    updatedBy: caller.user?.profile.name || caller.openid
  }
  await db().collection('companyMonths').doc(`${input.companyId}:${input.month}`).set({ data: doc })
  const party = {
    hasBranch: !!company.hasBranch,
    hasInstructor: !!company.partyInstructor,
    partyMembers: company.partyMembers ?? 0,
    jointActivities: input.jointActivities,
    meetingsAttended: input.meetingsAttended
  }
  return { ...party, entered: true, note: doc.note ?? undefined, score: partyBuildingScore(party) }
}

/**
 * One company's card for a month. The district admin, the company's own staff and community staff
 * see it any time (live until the month is reviewed, then the frozen card); everyone else once
 * the month's 红黑榜 is published.
 */
export async function getScorecard(caller: Caller, companyId: string, month: string): Promise<Scorecard> {
  requireMonthNotFuture(month)
  await getById<CompanyDoc>('companies', companyId, '物业企业')
  const insider = isDistrictAdmin(caller) || hasRole(caller, 'staff') || (hasRole(caller, 'property_staff') && caller.scopes.companyIds.includes(companyId))
  const snap = await snapshotCard(month, companyId)
  if (snap && (insider || snap.status === 'published')) return { ...snap.card, source: 'snapshot' }
  if (!insider) throw forbidden('该月考评结果尚未公示')
  const cards = await computeScorecards(month)
  return cards.find((c) => c.companyId === companyId)!
}
