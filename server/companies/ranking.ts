import { APPEAL_DAYS_DEFAULT, type Ranking, type Scorecard } from '../../contracts/companies'
import { clock } from '../core/clock'
import { db, isDuplicateKey } from '../core/db'
import { AppError, conflict } from '../core/errors'
import { hasRole, isDistrictAdmin } from '../core/guard'
import type { Caller } from '../core/identity'
import { findById } from '../core/records'
import { dayjs, monthKey, shanghai, ZONE } from '../core/time'
import { TEMPLATES, thing } from '../notify/templates'
import { platform } from '../platform'
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

async function appealCounts(month: string): Promise<{ pending: number; answered: number }> {
  const [pending, all] = await Promise.all([
    db().collection('rankingAppeals').where({ month, status: 'pending' }).count(),
    db().collection('rankingAppeals').where({ month }).count()
  ])
  return { pending: pending.total, answered: all.total - pending.total }
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

export async function getRanking(caller: Caller, monthInput?: string): Promise<Ranking> {
  const latest = await latestPublished()
  const admin = isDistrictAdmin(caller)
  const month = monthInput ?? (admin ? previousMonth() : (latest?.month ?? previousMonth()))
  const rec = latest?.month === month ? latest : await findById<RankingRecord>('rankings', month)
  const status: Ranking['status'] = rec?.status ?? 'draft'
  const visible = canSee(caller, status)
  const appeals = admin || hasRole(caller, 'property_staff') ? await appealCounts(month) : { pending: 0, answered: 0 }
  const cards = !visible ? [] : rec ? rec.cards : await computeScorecards(month)
  return view(month, status, cards, rec, visible, latest?.month ?? null, appeals)
}

async function notifyCompanies(cards: Scorecard[], text: (card: Scorecard) => string, deadline: Date | null, title: string): Promise<void> {
  const byCompany = new Map(cards.map((c) => [c.companyId, c]))
  const res = await db().collection('users').where({ roles: 'property_staff' }).field({ _id: true, scopes: true }).limit(1000).get()
  for (const user of res.data as { _id: string; scopes?: { companyIds?: string[] } }[]) {
    for (const companyId of user.scopes?.companyIds ?? []) {
      const card = byCompany.get(companyId)
      if (!card) continue
      await platform()
        .messages.send({
          touser: user._id,
          templateId: TEMPLATES.rankingNotice.id,
          page: 'packages/tickets/pages/ranking/index',
          data: { thing1: thing(title), thing2: thing(text(card)), time3: { value: deadline ? fmt(deadline) : fmt(clock.date()) } },
          summary: `${title}：${text(card)}`
        })
        .catch((error) => console.error('[companies] message not sent', error))
    }
  }
}

/** The admin has reviewed the month: freeze the cards and open the appeal window. */
export async function openAppeals(caller: Caller, month: string, days = APPEAL_DAYS_DEFAULT): Promise<Ranking> {
  if (!monthEnded(month)) throw conflict('该月尚未结束，不能开始考评')
  const now = clock.date()
  const cards = await computeScorecards(month)
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
  await notifyCompanies(rec.cards, (c) => (c.rank ? `得分${c.score}，排名第${c.rank}` : `得分${c.score}`), rec.appealUntil, title)
  return getRanking(caller, month)
}

/** After the appeal window and every appeal answered: recompute and publish the 红黑榜. */
export async function publishRanking(caller: Caller, month: string): Promise<Ranking> {
  const rec = await findById<RankingRecord>('rankings', month)
  if (!rec) throw conflict('请先审核该月排名并开启申诉期')
  if (rec.status === 'published') throw conflict('该月红黑榜已公示')
  if (clock.now() < new Date(rec.appealUntil).getTime()) throw conflict(`申诉期至${fmt(new Date(rec.appealUntil))}，届满后方可公示`)
  const counts = await appealCounts(month)
  if (counts.pending > 0) throw conflict(`还有${counts.pending}件申诉未处理`)
  // Recomputed, so upheld appeals (tickets taken out) and late party-building entries count.
  const cards = (await computeScorecards(month)).map((c) => ({ ...c, source: 'snapshot' as const }))
  const now = clock.date()
  const res = await db()
    .collection('rankings')
    .where({ _id: month, status: 'appeal' })
    .update({ data: { status: 'published', cards, publishedAt: now, publishedBy: caller.user?.profile.name || caller.openid } })
  if (res.stats.updated !== 1) throw conflict('该月红黑榜已公示')
  const label = (c: Scorecard) => (c.banner ? `获得流动红旗，排名第1` : c.list === 'red' ? `入选红榜，排名第${c.rank}` : c.list === 'black' ? `列入黑榜，排名第${c.rank}` : c.rank ? `排名第${c.rank}` : `得分${c.score}`)
  await notifyCompanies(cards, label, null, `${month}物业红黑榜已公示`)
  return getRanking(caller, month)
}

/** A month's published/frozen card, or null. */
export async function snapshotCard(month: string, companyId: string): Promise<{ card: Scorecard; status: RankingRecord['status'] } | null> {
  const rec = await findById<RankingRecord>('rankings', month)
  const card = rec?.cards.find((c) => c.companyId === companyId)
  return rec && card ? { card, status: rec.status } : null
}

export function requireMonthNotFuture(month: string): void {
  if (month > monthKey(clock.now())) throw new AppError('INVALID_INPUT', '不能查看未来月份', ['month'])
}
