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
import { conflict, forbidden, notFound } from '../core/errors'
import { hasRole, isDistrictAdmin } from '../core/guard'
import type { Caller } from '../core/identity'
import type { FirstReadContext } from '../core/function'
import { namesById } from '../core/records'
import type { CompanyDoc, GridDoc } from '../tickets/places'
import { requireMonthNotFuture, type RankingRecord } from './ranking'
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

export async function listCompanies(input: z.infer<typeof companiesListInput>): Promise<Page<CompanySummary>> {
  const _ = db().command
  const where: Record<string, unknown> = {}
  if (input.kind) where.kind = input.kind
  if (input.communityId) {
    const res = await db().collection('grids').where({ communityId: input.communityId, companyId: _.exists(true) }).field({ companyId: true }).limit(1000).get()
    where._id = _.in([...new Set((res.data as GridDoc[]).map((g) => g.companyId as string))])
  }
  const col = db().collection('companies')
  const $ = db().command.aggregate
  // The page with each company's compounds and the latest published ranking (the badges) joined.
  const [count, page] = await Promise.all([
    col.where(where).count(),
    col
      .aggregate()
      .match(where)
      .sort({ kind: 1, name: 1 })
      .skip((input.page - 1) * input.pageSize)
      .limit(input.pageSize)
      .lookup({ from: 'grids', localField: '_id', foreignField: 'companyId', as: '_grids' })
      .lookup({ from: 'rankings', pipeline: $.pipeline().match({ status: 'published' }).sort({ month: -1 }).limit(1).done(), as: '_latest' })
      .end()
  ])
  const rows = (page as { list: Array<CompanyDoc & { _grids: unknown[]; _latest: RankingRecord[] }> }).list
  const latest = rows[0]?._latest[0] ?? null
  const items = rows.map(({ _grids, _latest, ...c }) => summary(c, _grids.length, latest))
  return { items, total: count.total, page: input.page, pageSize: input.pageSize }
}

export async function getCompany(companyId: string): Promise<CompanyDetail> {
  // The company, its compounds and the latest published ranking (its badge), in one read.
  const $ = db().command.aggregate
  const res = await db()
    .collection('companies')
    .aggregate()
    .match({ _id: companyId })
    .limit(1)
    .lookup({ from: 'grids', localField: '_id', foreignField: 'companyId', as: '_grids' })
    .lookup({ from: 'rankings', pipeline: $.pipeline().match({ status: 'published' }).sort({ month: -1 }).limit(1).done(), as: '_latest' })
    .end()
  const row = (res as { list: Array<CompanyDoc & { _grids: GridDoc[]; _latest: RankingRecord[] }> }).list[0]
  if (!row) throw notFound('物业企业')
  const { _grids: grids, _latest, ...company } = row
  const latest = _latest[0] ?? null
  const communities = await namesById('communities', grids.map((g) => g.communityId))
  return {
    ...summary(company, grids.length, latest),
    contact: company.contact || undefined,
    grids: grids.map((g) => ({ gridId: g._id, name: g.name, communityId: g.communityId, communityName: communities.get(g.communityId) ?? '', households: g.households })),
    households: grids.reduce((sum, g) => sum + (g.households ?? 0), 0)
  }
}

export async function updateProfile(input: z.infer<typeof companiesUpdateProfileInput>): Promise<CompanyDetail> {
  const _ = db().command
  const data: Record<string, unknown> = {}
  if (input.partyMembers !== undefined) data.partyMembers = input.partyMembers
  if (input.hasBranch !== undefined) data.hasBranch = input.hasBranch
  if (input.contact !== undefined) data.contact = input.contact
  if (input.partyInstructor !== undefined) data.partyInstructor = input.partyInstructor ? input.partyInstructor : _.remove()
  // No read first: an update of a missing company changes nothing, and getCompany answers NOT_FOUND.
  if (Object.keys(data).length) await db().collection('companies').where({ _id: input.companyId }).update({ data: { ...data, updatedAt: clock.date() } })
  return getCompany(input.companyId)
}

export async function setPartyBuilding(ctx: FirstReadContext, input: z.infer<typeof companiesSetPartyBuildingInput>) {
  // The caller, the company and the month's ranking, in one read.
  const { caller, docs } = await ctx.readWithCaller({
    company: { collection: 'companies', build: (p) => p.match({ _id: input.companyId }).limit(1) },
    ranking: { collection: 'rankings', build: (p) => p.match({ _id: input.month }).limit(1).project({ status: true }) }
  })
  requireMonthNotFuture(input.month)
  const company = docs.company[0] as CompanyDoc | undefined
  if (!company) throw notFound('物业企业')
  const rec = docs.ranking[0] as Pick<RankingRecord, 'status'> | undefined
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
  // The company and the month's frozen ranking, in one read.
  const $ = db().command.aggregate
  const res = await db()
    .collection('companies')
    .aggregate()
    .match({ _id: companyId })
    .limit(1)
    .lookup({ from: 'rankings', pipeline: $.pipeline().match({ _id: month }).limit(1).done(), as: '_ranking' })
    .end()
  const row = (res as { list: Array<CompanyDoc & { _ranking: RankingRecord[] }> }).list[0]
  if (!row) throw notFound('物业企业')
  const insider = isDistrictAdmin(caller) || hasRole(caller, 'staff') || (hasRole(caller, 'property_staff') && caller.scopes.companyIds.includes(companyId))
  const rec = row._ranking[0]
  const card = rec?.cards.find((c) => c.companyId === companyId)
  const snap = rec && card ? { card, status: rec.status } : null
  if (snap && (insider || snap.status === 'published')) return { ...snap.card, source: 'snapshot' }
  if (!insider) throw forbidden('该月考评结果尚未公示')
  const cards = await computeScorecards(month)
  return cards.find((c) => c.companyId === companyId)!
}
