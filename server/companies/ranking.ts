import { APPEAL_DAYS_DEFAULT, type Ranking, type Scorecard } from '../../contracts/companies'
import { clock } from '../core/clock'
import { db, isDuplicateKey } from '../core/db'
import { AppError, conflict } from '../core/errors'
import { hasRole, isDistrictAdmin } from '../core/guard'
import type { Caller } from '../core/identity'
import { findById } from '../core/records'
import { dayjs, monthKey, shanghai, ZONE } from '../core/time'
import { TEMPLATES, thing } from '../notify/templates'
import type { SubscriptionMessage } from '../platform'
import { queueMessages } from '../notify/queue'
import type { FirstReadContext } from '../core/function'
import type { Part } from '../core/together'
import { computeScorecards } from './scorecards'

/** A reviewed (appeal window) or published month, `_id` = month. The cards are frozen in it. */
export interface RankingRecord {
  _id: string
  month: string
  status: 'appeal' | 'published'
  cards: Scorecard[]
  reviewedAt: Date
  reviewedBy: string
  appealUntil: Date
  publishedAt: Date | null
  publishedBy: string | null
}

const DAY = 24 * 3600 * 1000
const fmt = (d: Date) => shanghai(d).format('YYYY-MM-DD HH:mm')

/** Months end at midnight Asia/Shanghai; a ranking is reviewed only once its month is over. */
export function monthEnded(month: string): boolean {
  const end = dayjs.tz(`${month}-01 00:00`, 'YYYY-MM-DD HH:mm', ZONE).add(1, 'month')
  return end.valueOf() <= clock.now()
}

export const previousMonth = () => shanghai(clock.now()).subtract(1, 'month').format('YYYY-MM')

export async function latestPublished(): Promise<RankingRecord | null> {
  const res = await db().collection('rankings').where({ status: 'published' }).orderBy('month', 'desc').limit(1).get()
  return (res.data[0] as RankingRecord | undefined) ?? null
}

/** The month's appeals pending and answered: one aggregate grouped by status. */
async function appealCounts(month: string): Promise<{ pending: number; answered: number }> {
  const $ = db().command.aggregate
  const res = await db().collection('rankingAppeals').aggregate().match({ month }).group({ _id: '$status', n: $.sum(1) }).limit(10).end()
  const rows = (res as { list: { _id: string; n: number }[] }).list
  const pending = rows.filter((r) => r._id === 'pending').reduce((sum, r) => sum + r.n, 0)
  return { pending, answered: rows.reduce((sum, r) => sum + r.n, 0) - pending }
}

/** Who sees a month's content: the district admin always; companies and community staff once reviewed; everyone once published. */
function canSee(caller: Caller, status: Ranking['status']): boolean {
  if (isDistrictAdmin(caller)) return true
  if (status === 'published') return true
  if (status === 'appeal') return hasRole(caller, 'property_staff') || hasRole(caller, 'staff')
  return false
}

function view(month: string, status: Ranking['status'], cards: Scorecard[], rec: RankingRecord | null, visible: boolean, latest: string | null, appeals: Ranking['appeals']): Ranking {
  const shown = visible ? cards.map((c) => ({ ...c, source: rec ? ('snapshot' as const) : ('live' as const) })) : []
  const ranked = shown.filter((c) => c.rank != null).sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0))
  const first = ranked[0]
  return {
    month,
    status,
    reviewedAt: rec?.reviewedAt ? new Date(rec.reviewedAt).toISOString() : undefined,
    appealUntil: rec?.appealUntil ? new Date(rec.appealUntil).toISOString() : undefined,
    publishedAt: rec?.publishedAt ? new Date(rec.publishedAt).toISOString() : undefined,
    banner: first ? { companyId: first.companyId, companyName: first.companyName, score: first.score } : null,
    redList: ranked.filter((c) => c.list === 'red'),
    blackList: ranked.filter((c) => c.list === 'black'),
    entries: ranked,
    visible,
    latestPublished: latest,
    appeals
  }
}

export async function getRanking(caller: Caller, monthInput?: string, known?: RankingRecord, knownAppeals?: Ranking['appeals'], knownLatest?: RankingRecord | null): Promise<Ranking> {
  const admin = isDistrictAdmin(caller)
  const asked = monthInput ?? (admin ? previousMonth() : undefined)
  // The latest published month and the month asked for, in one read.
  const { latest, rec: askedRec } = known && knownLatest !== undefined && known.month === asked ? { latest: knownLatest, rec: known } : await rankingsOf(asked, known)
  const month = asked ?? latest?.month ?? previousMonth()
  const rec = latest?.month === month ? latest : asked ? askedRec : await findById<RankingRecord>('rankings', month)
  const status: Ranking['status'] = rec?.status ?? 'draft'
  const visible = canSee(caller, status)
  const appeals = admin || hasRole(caller, 'property_staff') ? (knownAppeals ?? (await appealCounts(month))) : { pending: 0, answered: 0 }
  const cards = !visible ? [] : rec ? rec.cards : await computeScorecards(month)
  return view(month, status, cards, rec, visible, latest?.month ?? null, appeals)
}

/**
 * The latest published ranking and, when `month` is given, that month's record, in one query
 * (published months newest first, with the month asked for; one record a month, so the month is
 * among the first hundred unless it is older than that). `known`: the month's record as just written.
 */
async function rankingsOf(month: string | undefined, known?: RankingRecord): Promise<{ latest: RankingRecord | null; rec: RankingRecord | null }> {
  const _ = db().command
  if (!month) return { latest: await latestPublished(), rec: null }
  const LIMIT = 100
  const res = await db()
    .collection('rankings')
    .where(_.or([{ status: 'published' }, { _id: month }]))
    .orderBy('month', 'desc')
    .limit(LIMIT)
    .get()
  const docs = res.data as RankingRecord[]
  const latest = docs.find((d) => d.status === 'published') ?? null
  const rec = known ?? docs.find((d) => d._id === month) ?? (docs.length === LIMIT ? await findById<RankingRecord>('rankings', month) : null)
  return { latest, rec }
}

/** The property companies' staff (whom the month's results are sent to), as a part of a combined read. */
export const staffPart = (): Part => ({ collection: 'users', build: (p) => p.match({ roles: 'property_staff' }).project({ _id: true, scopes: true }).limit(1000) })

/** The latest published month, as a part of a combined read. */
const latestPart = (): Part => ({ collection: 'rankings', build: (p) => p.match({ status: 'published' }).sort({ month: -1 }).limit(1) })

/**
 * Tells each company's staff (`staff`: read with the caller) its result: the messages are queued
 * (server/notify/queue.ts, one write per hundred) and sent within a minute, not while the admin waits.
 */
async function notifyCompanies(staff: Record<string, any>[], cards: Scorecard[], text: (card: Scorecard) => string, deadline: Date | null, title: string): Promise<void> {
  const byCompany = new Map(cards.map((c) => [c.companyId, c]))
  const messages: SubscriptionMessage[] = []
  for (const user of staff as { _id: string; scopes?: { companyIds?: string[] } }[]) {
    for (const companyId of user.scopes?.companyIds ?? []) {
      const card = byCompany.get(companyId)
      if (!card) continue
      messages.push({
        touser: user._id,
        templateId: TEMPLATES.rankingNotice.id,
        page: 'packages/tickets/pages/ranking/index',
        data: { thing1: thing(title), thing2: thing(text(card)), time3: { value: deadline ? fmt(deadline) : fmt(clock.date()) } },
        summary: `${title}：${text(card)}`
      })
    }
  }
  await queueMessages(messages).catch((error) => console.error('[companies] messages not queued', error))
}

/** The admin has reviewed the month: freeze the cards and open the appeal window. */
export async function openAppeals(ctx: FirstReadContext, month: string, days = APPEAL_DAYS_DEFAULT): Promise<Ranking> {
  if (!monthEnded(month)) {
    await ctx.readWithCaller({})
    throw conflict('该月尚未结束，不能开始考评')
  }
  const now = clock.date()
  // The caller with the companies' staff and the latest published month; the cards (two grouped reads) alongside.
  const [{ caller, docs }, cards] = await Promise.all([ctx.readWithCaller({ staff: staffPart(), latest: latestPart() }), computeScorecards(month)])
  const rec: RankingRecord = {
    _id: month,
    month,
    status: 'appeal',
    cards: cards.map((c) => ({ ...c, source: 'snapshot' })),
    reviewedAt: now,
    reviewedBy: caller.user?.profile.name || caller.openid,
    appealUntil: new Date(now.getTime() + days * DAY),
    publishedAt: null,
    publishedBy: null
  }
  try {
    await db().collection('rankings').add({ data: rec })
  } catch (error) {
    if (isDuplicateKey(error)) throw conflict('该月考评已开始申诉期或已公示')
    throw error
  }
  const title = `${month}物业考评结果（申诉期）`
  await notifyCompanies(docs.staff, rec.cards, (c) => (c.rank ? `得分${c.score}，排名第${c.rank}` : `得分${c.score}`), rec.appealUntil, title)
  // A month just opened has no appeals yet.
  return getRanking(caller, month, rec, { pending: 0, answered: 0 }, (docs.latest[0] as RankingRecord | undefined) ?? null)
}

/** After the appeal window and every appeal answered: recompute and publish the 红黑榜. */
export async function publishRanking(ctx: FirstReadContext, month: string): Promise<Ranking> {
  // The caller, the month's record with its appeals' statuses and the latest published month, and
  // the companies' staff, in one read.
  const $ = db().command.aggregate
  const { caller, docs } = await ctx.readWithCaller({
    month: {
      collection: 'rankings',
      build: (p) =>
        p
          .match({ _id: month })
          .limit(1)
          .lookup({ from: 'rankingAppeals', pipeline: $.pipeline().match({ month }).project({ _id: 0, status: 1 }).limit(1000).done(), as: '_appeals' })
    },
    latest: latestPart(),
    staff: staffPart()
  })
  const row = docs.month[0] as (RankingRecord & { _appeals: { status: string }[] }) | undefined
  if (!row) throw conflict('请先审核该月排名并开启申诉期')
  const { _appeals, ...rec } = row
  if (rec.status === 'published') throw conflict('该月红黑榜已公示')
  if (clock.now() < new Date(rec.appealUntil).getTime()) throw conflict(`申诉期至${fmt(new Date(rec.appealUntil))}，届满后方可公示`)
  const pending = _appeals.filter((a) => a.status === 'pending').length
  const counts = { pending, answered: _appeals.length - pending }
  if (counts.pending > 0) throw conflict(`还有${counts.pending}件申诉未处理`)
  // Recomputed, so upheld appeals (tickets taken out) and late party-building entries count.
  const cards = (await computeScorecards(month)).map((c) => ({ ...c, source: 'snapshot' as const }))
  const now = clock.date()
  const published = { status: 'published' as const, cards, publishedAt: now, publishedBy: caller.user?.profile.name || caller.openid }
  const res = await db().collection('rankings').where({ _id: month, status: 'appeal' }).update({ data: published })
  if (res.stats.updated !== 1) throw conflict('该月红黑榜已公示')
  const label = (c: Scorecard) => (c.banner ? `获得流动红旗，排名第1` : c.list === 'red' ? `入选红榜，排名第${c.rank}` : c.list === 'black' ? `列入黑榜，排名第${c.rank}` : c.rank ? `排名第${c.rank}` : `得分${c.score}`)
  await notifyCompanies(docs.staff, cards, label, null, `${month}物业红黑榜已公示`)
  const stored = { ...rec, ...published }
  const before = docs.latest[0] as RankingRecord | undefined
  return getRanking(caller, month, stored, counts, before && before.month > month ? before : stored)
}

export function requireMonthNotFuture(month: string): void {
  if (month > monthKey(clock.now())) throw new AppError('INVALID_INPUT', '不能查看未来月份', ['month'])
}
