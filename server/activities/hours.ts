/**
 * A volunteer's hours (the ranking is in ./ranking.ts). Every total is an aggregation in the
 * database; only the (small) grouped rows are folded here.
 *
 * A volunteer's verified hours are the records someone else approved (`approved` / `adjusted`):
 * pending ones (a make-up entry waiting for its second person, a check-out waiting for review)
 * are counted apart, and a record approved by the volunteer themselves (possible before the
 * four-eyes rule, records.ts) does not count at all.
 */
import { z } from '../../contracts/zod'
import type { MyHours, myHoursInput } from '../../contracts/activities'
import { DISTRICT_ISSUER, VERIFIED_STATUSES } from '../../contracts/activities'
import { db } from '../core/db'
import type { Caller } from '../core/identity'
import { findById, namesById } from '../core/records'
import { hoursOf, RECORDS, VOLUNTEERS, type RecordDoc, type VolunteerDoc } from './model'
import { DISTRICT_LABEL, recordsOut } from './present'
import { closeOpenRecordsOf } from './records'
import { memberCodeFor } from './tokens'

type MyHoursInput = z.output<typeof myHoursInput>

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
  const _ = db().command
  const $ = _.aggregate
  const grouped = (
    await db()
      .collection(RECORDS)
      .aggregate()
      // Nobody verifies their own hours: a record the volunteer approved themselves is left out
      // (`neq` also keeps the records nobody verified yet).
      .match({ openid: caller.openid, verifiedBy: _.neq(caller.openid) })
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
