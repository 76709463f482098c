/**
 * A volunteer's hours and the per-community ranking. Every total is an aggregation in the
 * database; only the (small) grouped rows are folded here.
 */
import { z } from '../../contracts/zod'
import type { MyHours, myHoursInput, Ranking, rankingInput } from '../../contracts/activities'
import { DISTRICT_ISSUER, VERIFIED_STATUSES } from '../../contracts/activities'
import { db } from '../core/db'
import { invalid } from '../core/errors'
import type { Caller } from '../core/identity'
import { findById, namesById } from '../core/records'
import { hoursOf, RECORDS, VOLUNTEERS, type RecordDoc, type VolunteerDoc } from './model'
import { DISTRICT_LABEL, recordsOut } from './present'
import { closeOpenRecordsOf } from './records'
import { memberCodeFor } from './tokens'

type MyHoursInput = z.output<typeof myHoursInput>
type RankingInput = z.output<typeof rankingInput>

interface Grouped {
  _id: { status: RecordDoc['status']; year: number; category: string; communityId: string | null }
  minutes: number
  verifiedMinutes: number
  records: number
}

function add(map: Map<string, { minutes: number; records: number }>, key: string, minutes: number, records: number) {
  const row = map.get(key) ?? { minutes: 0, records: 0 }
  row.minutes += minutes
  row.records += records
  map.set(key, row)
}

export async function myHours(caller: Caller, input: MyHoursInput): Promise<MyHours> {
  await closeOpenRecordsOf(caller.openid)
  const $ = db().command.aggregate
  const grouped = (
    await db()
      .collection(RECORDS)
      .aggregate()
      .match({ openid: caller.openid })
      .group({
        _id: { status: '$status', year: '$year', category: '$category', communityId: '$communityId' },
        minutes: $.sum('$minutes'),
        verifiedMinutes: $.sum('$verifiedMinutes'),
        records: $.sum(1)
      })
      .limit(1000)
      .end()
  ).list as Grouped[]

  let verifiedMinutes = 0
  let pendingMinutes = 0
  let verifiedRecords = 0
  const byYear = new Map<string, { minutes: number; records: number }>()
  const byCategory = new Map<string, { minutes: number; records: number }>()
  const byIssuer = new Map<string, { minutes: number; records: number }>()
  for (const row of grouped) {
    if (VERIFIED_STATUSES.includes(row._id.status)) {
      verifiedMinutes += row.verifiedMinutes
      verifiedRecords += row.records
      add(byYear, String(row._id.year), row.verifiedMinutes, row.records)
      add(byCategory, row._id.category, row.verifiedMinutes, row.records)
      add(byIssuer, row._id.communityId ?? DISTRICT_ISSUER, row.verifiedMinutes, row.records)
    } else if (row._id.status === 'pending') {
      pendingMinutes += row.minutes
    }
  }
  const issuerNames = await namesById('communities', [...byIssuer.keys()].filter((k) => k !== DISTRICT_ISSUER))
  const sorted = (map: Map<string, { minutes: number; records: number }>) =>
    [...map.entries()].map(([key, v]) => ({ key, ...v })).sort((a, b) => b.minutes - a.minutes || a.key.localeCompare(b.key))

  const where: Record<string, unknown> = { openid: caller.openid }
  if (input.year) where.year = input.year
  if (input.status) where.status = input.status
  const [page, count, volunteer] = await Promise.all([
    db()
      .collection(RECORDS)
      .where(where)
      .orderBy('serviceDate', 'desc')
      .orderBy('_id', 'asc')
      .skip((input.page - 1) * input.pageSize)
      .limit(input.pageSize)
      .get(),
    db().collection(RECORDS).where(where).count(),
    findById<VolunteerDoc>(VOLUNTEERS, caller.openid)
  ])
  return {
    volunteerNo: volunteer?.volunteerNo,
    memberCode: volunteer ? memberCodeFor(volunteer.volunteerNo) : undefined,
    name: caller.user?.profile?.name || volunteer?.name || '志愿者',
    verifiedMinutes,
    pendingMinutes,
    verifiedHours: hoursOf(verifiedMinutes),
    pendingHours: hoursOf(pendingMinutes),
    verifiedRecords,
    byYear: [...byYear.entries()].map(([key, v]) => ({ key, ...v })).sort((a, b) => b.key.localeCompare(a.key)),
    byCategory: sorted(byCategory),
    byIssuer: sorted(byIssuer).map((row) => ({ ...row, name: row.key === DISTRICT_ISSUER ? DISTRICT_LABEL : (issuerNames.get(row.key) ?? row.key) })),
    records: { items: await recordsOut(page.data as RecordDoc[]), total: count.total, page: input.page, pageSize: input.pageSize }
  }
}

/**
 * Verified hours per volunteer within one community (the issuer of the records), highest first;
 * volunteers who opted out are shown as 匿名志愿者 (their place in the ranking stays).
 */
export async function ranking(caller: Caller, input: RankingInput): Promise<Ranking> {
  const communityId = input.communityId ?? caller.user?.profile?.communityId ?? caller.scopes.communityIds[0]
  if (!communityId) throw invalid('请选择社区', ['communityId'])
  const community = await findById<{ name: string }>('communities', communityId)
  if (!community) throw invalid('社区不存在', ['communityId'])
  const _ = db().command
  const $ = _.aggregate
  const match: Record<string, unknown> = { communityId, status: _.in([...VERIFIED_STATUSES]) }
  if (input.year) match.year = input.year
  const base = () => db().collection(RECORDS).aggregate().match(match).group({ _id: '$openid', minutes: $.sum('$verifiedMinutes') })

  const [rows, totalRows, mineRows] = await Promise.all([
    base()
      .sort({ minutes: -1, _id: 1 })
      .skip((input.page - 1) * input.pageSize)
      .limit(input.pageSize)
      .end(),
    base().count('n').limit(1).end(),
    db()
      .collection(RECORDS)
      .aggregate()
      .match({ ...match, openid: caller.openid })
      .group({ _id: '$openid', minutes: $.sum('$verifiedMinutes') })
      .limit(1)
      .end()
  ])
  const list = rows.list as { _id: string; minutes: number }[]
  const total = (totalRows.list[0] as { n?: number } | undefined)?.n ?? 0
  const myMinutes = (mineRows.list[0] as { minutes?: number } | undefined)?.minutes ?? 0
  let myRank: number | undefined
  if (myMinutes > 0) {
    const ahead = await base().match({ minutes: _.gt(myMinutes) }).count('n').limit(1).end()
    myRank = ((ahead.list[0] as { n?: number } | undefined)?.n ?? 0) + 1
  }
  const volunteers = new Map<string, VolunteerDoc>()
  const ids = [...list.map((r) => r._id), caller.openid]
  const found = await db().collection(VOLUNTEERS).where({ _id: _.in(ids) }).limit(100).get()
  for (const v of found.data as VolunteerDoc[]) volunteers.set(v._id, v)

  // Equal minutes share a rank (1, 2, 2, 4 …): the rank is 1 + those with more minutes.
  const items = []
  for (let i = 0; i < list.length; i++) {
    const row = list[i]
    let rank = (input.page - 1) * input.pageSize + i + 1
    if (i > 0 && list[i - 1].minutes === row.minutes) rank = items[i - 1].rank
    else if (i === 0 && input.page > 1) {
      const ahead = await base().match({ minutes: _.gt(row.minutes) }).count('n').limit(1).end()
      rank = ((ahead.list[0] as { n?: number } | undefined)?.n ?? 0) + 1
    }
    const v = volunteers.get(row._id)
    const anonymous = v?.rankingOptOut === true
    items.push({
      rank,
      name: anonymous ? '匿名志愿者' : (v?.name ?? '志愿者'),
      anonymous,
      volunteerNo: anonymous ? undefined : v?.volunteerNo,
      minutes: row.minutes,
      isMe: row._id === caller.openid
    })
  }
  return {
    communityId,
    communityName: community.name,
    items,
    total,
    page: input.page,
    pageSize: input.pageSize,
    me: { rank: myRank, minutes: myMinutes, optOut: volunteers.get(caller.openid)?.rankingOptOut === true }
  }
}
