import type { Appeal, companiesAnswerAppealInput, companiesAppealInput, companiesAppealsInput } from '../../contracts/companies'
import type { Page } from '../../contracts/common'
import type { z } from '../../contracts/zod'
import { clock } from '../core/clock'
import { checkVisibleTexts } from '../core/content'
import { db, isDuplicateKey } from '../core/db'
import type { FirstReadContext } from '../core/function'
import type { Part } from '../core/together'
import { AppError, conflict, forbidden, notFound } from '../core/errors'
import { hasRole, isDistrictAdmin, requireCompanyStaff } from '../core/guard'
import { findById } from '../core/records'
import type { Caller } from '../core/identity'
import { checkTexts } from '../tickets/content'
import { mutateTicket } from '../tickets/mutate'
import type { TicketRecord } from '../tickets/model'
import type { CompanyDoc } from '../tickets/places'
import type { RankingRecord } from './ranking'
import type { CountedTicket } from './score'

/** `rankingAppeals`, `_id` = `<month>:<companyId>`: one appeal per company per month. */
export interface AppealRecord {
  _id: string
  month: string
  companyId: string
  companyName: string
  openid: string
  reason: string
  ticketIds: string[]
  status: 'pending' | 'upheld' | 'dismissed'
  reply: string | null
  excludedTicketIds: string[]
  createdAt: Date
  answeredAt: Date | null
  answeredBy: string | null
  /** While an admin answers it (see answerAppeal). */
  claimedAt?: Date
  claimedBy?: string
}

function view(a: AppealRecord): Appeal {
  return {
    _id: a._id,
    month: a.month,
    companyId: a.companyId,
    companyName: a.companyName,
    reason: a.reason,
    ticketIds: a.ticketIds,
    status: a.status,
    reply: a.reply ?? undefined,
    createdAt: new Date(a.createdAt).toISOString(),
    answeredAt: a.answeredAt ? new Date(a.answeredAt).toISOString() : undefined
  }
}

/** The fields of a ticket that decide whether the month's ranking counted it (see countTickets in score.ts). */
type MonthTicket = Pick<CountedTicket, 'companyId' | 'party' | 'isDispute' | 'createdMonth' | 'ratedMonth' | 'rating' | 'dueMonth' | 'firstResolvedMonth'> & { _id: string }

/**
 * Whether the month's scorecard of the ticket's company counted it, as the ranking counts: reported
 * in the month (not a dispute), or — handled by the property company — rated, due or first resolved
 * in the month.
 */
export function countedInMonth(t: MonthTicket, month: string): boolean {
  if (t.createdMonth === month && !t.isDispute) return true
  if (t.party !== 'property_company') return false
  return (t.ratedMonth === month && t.rating != null) || t.dueMonth === month || t.firstResolvedMonth === month
}

const monthLabel = (month: string) => `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`

/**
 * Tickets named by an appeal (or taken out by its answer) must be the company's own and counted in
 * the month's ranking; otherwise INVALID_INPUT naming each problem, before anything is written.
 * One query (at most 50 ids: the contract's limit).
 */
async function requireMonthTickets(companyId: string, month: string, ticketIds: string[], field: string, whole = false): Promise<Map<string, TicketRecord>> {
  if (ticketIds.length === 0) return new Map()
  const _ = db().command
  const query = db().collection('tickets').where({ _id: _.in(ticketIds) })
  // `whole`: the tickets as they are, for the change that follows (no second read).
  const res = await (whole
    ? query
    : query.field({ companyId: true, party: true, isDispute: true, createdMonth: true, ratedMonth: true, rating: true, dueMonth: true, firstResolvedMonth: true })
  )
    .limit(ticketIds.length)
    .get()
  return checkMonthTickets(companyId, month, ticketIds, field, res.data as MonthTicket[])
}

/** The check of requireMonthTickets on the tickets as read (`docs`: those of `ticketIds` that exist). */
function checkMonthTickets(companyId: string, month: string, ticketIds: string[], field: string, docs: MonthTicket[]): Map<string, TicketRecord> {
  const found = new Map(docs.map((t) => [t._id, t]))
  const missing = ticketIds.filter((id) => !found.has(id))
  const foreign = ticketIds.filter((id) => found.has(id) && found.get(id)!.companyId !== companyId)
  const otherMonth = ticketIds.filter((id) => found.has(id) && found.get(id)!.companyId === companyId && !countedInMonth(found.get(id)!, month))
  const problems = [
    missing.length ? `问题单不存在：${missing.join('、')}` : '',
    foreign.length ? `问题单不属于本企业服务的小区：${foreign.join('、')}` : '',
    otherMonth.length ? `问题单未计入${monthLabel(month)}的考评，不能在该月申诉：${otherMonth.join('、')}` : ''
  ].filter(Boolean)
  if (problems.length) throw new AppError('INVALID_INPUT', problems.join('；'), [field])
  return found as unknown as Map<string, TicketRecord>
}

export async function lodgeAppeal(caller: Caller, input: z.infer<typeof companiesAppealInput>): Promise<Appeal> {
  const companyId = input.companyId ?? caller.scopes.companyIds[0]
  if (!companyId) throw forbidden('仅物业企业人员可以申诉')
  requireCompanyStaff(caller, companyId)
  // The company and the month's ranking, in one read.
  const $ = db().command.aggregate
  const found = await db()
    .collection('companies')
    .aggregate()
    .match({ _id: companyId })
    .limit(1)
    .lookup({ from: 'rankings', pipeline: $.pipeline().match({ _id: input.month }).limit(1).done(), as: '_ranking' })
    .end()
  const row = (found as { list: Array<CompanyDoc & { _ranking: RankingRecord[] }> }).list[0]
  // (A company that is not there: its month read on its own, so the answers come in the same order.)
  const rec = row ? row._ranking[0] : await findById<RankingRecord>('rankings', input.month)
  if (!rec) throw conflict('该月考评尚未进入申诉期')
  if (rec.status === 'published' || clock.now() >= new Date(rec.appealUntil).getTime()) throw new AppError('EXPIRED', '申诉期已结束')
  await checkTexts(caller.openid, [['reason', input.reason]])
  const ticketIds = [...new Set(input.ticketIds ?? [])]
  await requireMonthTickets(companyId, input.month, ticketIds, 'ticketIds')
  if (!row) throw notFound('物业企业')
  const company = row
  const doc: AppealRecord = {
    _id: `${input.month}:${companyId}`,
    month: input.month,
    companyId,
    companyName: company.name,
    openid: caller.openid,
    reason: input.reason,
    ticketIds,
    status: 'pending',
    reply: null,
    excludedTicketIds: [],
    createdAt: clock.date(),
    answeredAt: null,
    answeredBy: null
  }
  try {
    await db().collection('rankingAppeals').add({ data: doc })
  } catch (error) {
    if (isDuplicateKey(error)) throw conflict('本企业本月已提交过申诉')
    throw error
  }
  return view(doc)
}

/** How long one admin's claim on an appeal holds (a claim left by a crashed call lapses). */
const CLAIM_MS = 60_000

/**
 * Answers an appeal. publishRanking waits for every appeal still `pending`, so the appeal stays
 * `pending` until the tickets an upheld appeal takes out of the score are marked; first it is
 * claimed (a guarded update), so that two admins answering at once cannot both act on it.
 */
export async function answerAppeal(ctx: FirstReadContext, input: z.infer<typeof companiesAnswerAppealInput>): Promise<Appeal> {
  const id = `${input.month}:${input.companyId}`
  const $ = db().command.aggregate
  const exclude = input.decision === 'upheld' ? [...new Set(input.excludeTicketIds ?? [])] : []
  // The caller, the appeal with its month's ranking, and the tickets it takes out (whole, for the
  // change that follows), in one read.
  const parts: Record<string, Part> = {
    appeal: {
      collection: 'rankingAppeals',
      build: (p) =>
        p
          .match({ _id: id })
          .limit(1)
          .lookup({ from: 'rankings', pipeline: $.pipeline().match({ _id: input.month }).limit(1).done(), as: '_ranking' })
    }
  }
  if (exclude.length) parts.tickets = { collection: 'tickets', build: (p) => p.match({ _id: db().command.in(exclude) }).limit(exclude.length) }
  // The reply's content check runs alongside; its refusal counts only once the caller may answer.
  const [{ caller, docs }, refused] = await Promise.all([
    ctx.readWithCaller(parts),
    checkVisibleTexts(ctx.openid, [['reply', input.reply]]).then(
      () => null,
      (error: unknown) => error
    )
  ])
  if (refused) throw refused
  const row = docs.appeal[0] as (AppealRecord & { _ranking: RankingRecord[] }) | undefined
  if (!row) throw notFound('申诉')
  const { _ranking, ...appeal } = row
  if (appeal.status !== 'pending') throw conflict('该申诉已处理')
  const rec = _ranking[0]
  if (rec?.status === 'published') throw conflict('该月红黑榜已公示')
  const tickets = checkMonthTickets(input.companyId, input.month, exclude, 'excludeTicketIds', (docs.tickets ?? []) as MonthTicket[])
  const _ = db().command
  const now = clock.date()
  const claim = await db()
    .collection('rankingAppeals')
    .where(_.or([{ _id: id, status: 'pending', claimedAt: _.exists(false) }, { _id: id, status: 'pending', claimedAt: _.lt(new Date(now.getTime() - CLAIM_MS)) }]))
    .update({ data: { claimedAt: now, claimedBy: caller.openid } })
  if (claim.stats.updated !== 1) throw conflict('该申诉正由他人处理或已处理')
  for (const ticketId of exclude) {
    await mutateTicket(ticketId, (t) =>
      t.scoreExcluded
        ? null
        : {
            set: { scoreExcluded: true },
            event: { kind: 'excluded', actor: 'district', actorOpenid: caller.openid, actorName: caller.user?.profile.name || '区级管理员', note: `${input.month}考评申诉成立：${input.reply}`, internal: true }
          },
      tickets.get(ticketId)
    )
  }
  const res = await db()
    .collection('rankingAppeals')
    .where({ _id: id, status: 'pending', claimedBy: caller.openid, claimedAt: now })
    .update({
      data: { status: input.decision, reply: input.reply, excludedTicketIds: exclude, answeredAt: now, answeredBy: caller.user?.profile.name || caller.openid, claimedAt: _.remove(), claimedBy: _.remove() }
    })
  if (res.stats.updated !== 1) throw conflict('该申诉已处理')
  return view({ ...appeal, status: input.decision, reply: input.reply, answeredAt: now })
}

export async function listAppeals(caller: Caller, input: z.infer<typeof companiesAppealsInput>): Promise<Page<Appeal>> {
  const _ = db().command
  let where: Record<string, unknown>
  if (isDistrictAdmin(caller)) where = { month: input.month }
  else if (hasRole(caller, 'property_staff') && caller.scopes.companyIds.length) where = { month: input.month, companyId: _.in(caller.scopes.companyIds) }
  else throw forbidden('仅区级管理员和物业企业可以查看申诉')
  const col = db().collection('rankingAppeals')
  const [count, page] = await Promise.all([
    col.where(where).count(),
    col.where(where).orderBy('createdAt', 'asc').skip((input.page - 1) * input.pageSize).limit(input.pageSize).get()
  ])
  return { items: (page.data as AppealRecord[]).map(view), total: count.total, page: input.page, pageSize: input.pageSize }
}
