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
import type { FirstReadContext } from '../core/function'
import { namesById } from '../core/records'
import { readTogether, type Part } from '../core/together'
import { byIdPart } from './access'
import { hoursOf, RECORDS, VOLUNTEERS, type RecordDoc, type VolunteerDoc } from './model'
import { DISTRICT_LABEL, recordOut } from './present'
import { closeEndedRecords, type OpenRecord } from './records'
import { memberCodeFor } from './tokens'

type MyHoursInput = z.output<typeof myHoursInput>

interface Grouped {
  _id: { status: RecordDoc['status']; year: number; category: string; communityId: string | null; self: boolean }
  minutes: number
  verifiedMinutes: number
  records: number
}

/** The person's records grouped by status, year, category, issuer and whether they verified it themselves. */
function groupedPart(openid: string): Part {
  const $ = db().command.aggregate
  return {
    collection: RECORDS,
    build: (p) =>
      p
        .match({ openid })
        .group({
          _id: { status: '$status', year: '$year', category: '$category', communityId: '$communityId', self: $.eq(['$verifiedBy', openid]) },
          minutes: $.sum('$minutes'),
          verifiedMinutes: $.sum('$verifiedMinutes'),
          records: $.sum(1)
        })
        .limit(1000)
  }
}

/** The page of the person's records the list shows. */
function pagePart(where: Record<string, unknown>, input: MyHoursInput): Part {
  return {
    collection: RECORDS,
    build: (p) =>
      p
        .match(where)
        .sort({ serviceDate: -1, _id: 1 })
        .skip((input.page - 1) * input.pageSize)
        .limit(input.pageSize)
  }
}

/** The names of every issuer of the person's records (those of the totals and of any page). */
const issuersPart = (openid: string): Part => ({
  collection: RECORDS,
  build: (p) =>
    p
      .match({ openid })
      .group({ _id: '$communityId' })
      .lookup({ from: 'communities', localField: '_id', foreignField: '_id', as: 'community' })
      .limit(1000)
})

function add(map: Map<string, { minutes: number; records: number }>, key: string, minutes: number, records: number) {
  const row = map.get(key) ?? { minutes: 0, records: 0 }
  row.minutes += minutes
  row.records += records
  map.set(key, row)
}

/**
 * Round trips: one read (the caller, the grouping, the page, the volunteer document, the issuers'
 * names and the open records); when an open record's activity has ended, it is closed and the
 * grouping and the page are read again.
 */
export async function myHours(ctx: FirstReadContext, input: MyHoursInput): Promise<MyHours> {
  const openid = ctx.openid
  const where: Record<string, unknown> = { openid }
  if (input.year) where.year = input.year
  if (input.status) where.status = input.status
  const { caller, docs } = await ctx.readWithCaller({
    grouped: groupedPart(openid),
    page: pagePart(where, input),
    volunteer: byIdPart(VOLUNTEERS, openid),
    issuers: issuersPart(openid),
    open: { collection: RECORDS, build: (p) => p.match({ openid, status: 'open' }).project({ checkInAt: true, activityStart: true, activityEnd: true }).limit(100) }
  })
  let grouped = docs.grouped as Grouped[]
  let pageRows = docs.page as RecordDoc[]
  // Records left open after their activity ended are closed first (then grouped again): only when
  // one is open.
  if (docs.open.length && (await closeEndedRecords(docs.open as OpenRecord[])) > 0) {
    const again = await readTogether({ grouped: groupedPart(openid), page: pagePart(where, input) })
    grouped = again.grouped as Grouped[]
    pageRows = again.page as RecordDoc[]
  }
  // Nobody verifies their own hours: a record the volunteer approved themselves is left out of
  // every total (`self`); the list below shows it.
  const counted = grouped.filter((row) => !row._id.self)

  let verifiedMinutes = 0
  let pendingMinutes = 0
  let verifiedRecords = 0
  const byYear = new Map<string, { minutes: number; records: number }>()
  const byCategory = new Map<string, { minutes: number; records: number }>()
  const byIssuer = new Map<string, { minutes: number; records: number }>()
  for (const row of counted) {
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
  const sorted = (map: Map<string, { minutes: number; records: number }>) =>
    [...map.entries()].map(([key, v]) => ({ key, ...v })).sort((a, b) => b.minutes - a.minutes || a.key.localeCompare(b.key))

  // The list's total from the grouping (every record of the person, by status and year).
  const total = grouped
    .filter((row) => (!input.year || row._id.year === input.year) && (!input.status || row._id.status === input.status))
    .reduce((sum, row) => sum + row.records, 0)
  const volunteer = docs.volunteer[0] as VolunteerDoc | undefined
  const records = pageRows
  // The issuers' names of the totals and of the page, from the first read (read apart only when one is missing).
  const issuerNames = new Map<string, string>()
  for (const row of docs.issuers as { _id: string | null; community?: { name: string }[] }[])
    if (row._id && row.community?.[0]) issuerNames.set(row._id, row.community[0].name)
  const missing = [...[...byIssuer.keys()].filter((k) => k !== DISTRICT_ISSUER), ...records.map((r) => r.communityId ?? '')].filter((id) => id && !issuerNames.has(id))
  if (missing.length) for (const [id, name] of await namesById('communities', missing)) issuerNames.set(id, name)
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
    records: {
      items: records.map((r) => recordOut(r, r.communityId ? (issuerNames.get(r.communityId) ?? r.communityId) : DISTRICT_LABEL)),
      total,
      page: input.page,
      pageSize: input.pageSize
    }
  }
}
