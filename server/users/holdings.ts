/**
 * Where the app keeps something about one person: every collection of server/db/collections.ts
 * that holds a document keyed by, or naming, a person's openid. `myData` counts and lists them,
 * `exportMyData` copies them, `deleteAccount` erases what is not kept. Add a line here when a
 * collection gains a document about a person.
 */
import { db } from '../core/db'
import { readTogether, type Part } from '../core/together'

/** What a query of one person's documents needs: the collection and the condition. */
export interface Holding {
  /** The key in the export file (and the name of the collection unless `collection` says otherwise). */
  key: string
  collection: string
  where: (openid: string) => Record<string, unknown>
  /** Sort (newest first) for the lists of `myData`; the export is in `_id` order. */
  newest?: string
  /** Fields copied to the export (default: the whole document). */
  fields?: Record<string, true>
  /** Why it is in the export, for the reader of the file (Chinese). */
  label: string
}

/**
 * Every document about the person. Not here: the append-only event logs of tickets and wishes
 * (written by every party: staff names and notes), counters and rate limits (`dailyQuotas`,
 * `rateLimits`, `bookingQuotas`: technical, no personal information beyond the openid), the audit
 * log (who did what to others' data), and the notices' push records (`noticePushes`).
 */
export const HOLDINGS: Holding[] = [
  { key: 'users', collection: 'users', where: (openid) => ({ _id: openid }), label: '账号：身份、姓名、手机号、住址' },
  { key: 'registrations', collection: 'registrations', where: (openid) => ({ openid }), newest: 'submittedAt', label: '在职党员报到' },
  { key: 'volunteers', collection: 'volunteers', where: (openid) => ({ _id: openid }), label: '志愿者编号、实名登记、证件信息（遮挡）、排行榜设置' },
  { key: 'activitySignups', collection: 'activitySignups', where: (openid) => ({ openid }), newest: 'signedUpAt', label: '活动报名' },
  { key: 'serviceRecords', collection: 'serviceRecords', where: (openid) => ({ openid }), newest: 'serviceDate', label: '志愿服务记录' },
  { key: 'certificates', collection: 'certificates', where: (openid) => ({ openid }), newest: 'issuedAt', label: '志愿服务证明' },
  { key: 'teamMembers', collection: 'teamMembers', where: (openid) => ({ openid }), newest: 'joinedAt', label: '所在队伍' },
  { key: 'bookings', collection: 'bookings', where: (openid) => ({ openid }), newest: 'createdAt', label: '场地预约' },
  { key: 'bookingSuspensions', collection: 'bookingSuspensions', where: (openid) => ({ _id: openid }), label: '预约暂停（多次未签到）' },
  { key: 'tickets', collection: 'tickets', where: (openid) => ({ reporterOpenid: openid }), newest: 'createdAt', label: '问题反映' },
  { key: 'wishes', collection: 'wishes', where: (openid) => ({ residentOpenid: openid }), newest: 'createdAt', label: '我发布的微心愿' },
  {
    key: 'claimedWishes',
    collection: 'wishes',
    where: (openid) => ({ memberOpenid: openid }),
    newest: 'claimedAt',
    // Another resident's wish: only what is about the member (not the resident's name or number).
    fields: { _id: true, category: true, title: true, communityId: true, status: true, memberOpenid: true, memberName: true, claimedAt: true, completedAt: true, minutes: true, completionNote: true, confirmedAt: true, serviceRecordId: true },
    label: '我认领的微心愿（他人的心愿只含与我有关的部分）'
  },
  { key: 'noticeSubscriptions', collection: 'noticeSubscriptions', where: (openid) => ({ _id: openid }), label: '重要通知订阅' },
  { key: 'noticeReads', collection: 'noticeReads', where: (openid) => ({ openid }), label: '已读通知' },
  { key: 'consents', collection: 'consents', where: (openid) => ({ openid }), label: '同意与撤回记录' }
]

/** Documents per read of the export (a person rarely has more than a few pages anywhere). */
export const PAGE = 100

/**
 * Every document of every holding: the first page of each in one read (server/core/together.ts),
 * then, for the rare holding with more, its further pages.
 */
export async function readAllHoldings(openid: string): Promise<Record<string, unknown>[][]> {
  const parts: Record<string, Part> = {}
  HOLDINGS.forEach((h, i) => {
    parts[`h${i}`] = { collection: h.collection, build: (p) => (h.fields ? p.match(h.where(openid)).sort({ _id: 1 }).limit(PAGE).project(h.fields) : p.match(h.where(openid)).sort({ _id: 1 }).limit(PAGE)) }
  })
  const first = await readTogether(parts)
  return Promise.all(
    HOLDINGS.map(async (h, i) => {
      const page = first[`h${i}`] as Record<string, unknown>[]
      return page.length < PAGE ? page : [...page, ...(await readAll(h, openid, PAGE))]
    })
  )
}

/** Every document of one holding from `from` on, page by page (`_id` order, so pages neither skip nor repeat). */
export async function readAll(holding: Holding, openid: string, from = 0): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = []
  for (let skip = from; ; skip += PAGE) {
    let query = db().collection(holding.collection).where(holding.where(openid)).orderBy('_id', 'asc').skip(skip).limit(PAGE)
    if (holding.fields) query = query.field(holding.fields)
    const res = await query.get()
    out.push(...(res.data as Record<string, unknown>[]))
    if (res.data.length < PAGE) return out
  }
}
