import type { Scorecard } from '../../contracts/companies'
import { clock } from '../core/clock'
import { db } from '../core/db'
import type { CompanyDoc } from '../tickets/places'
import { buildCards, rankCards, type CardInputs } from './score'

/** The district admin's monthly party-building entries (`companyMonths`, _id `<companyId>:<month>`). */
export interface CompanyMonthRecord {
  _id: string
  companyId: string
  month: string
  jointActivities: number
  meetingsAttended: number
  note: string | null
  updatedAt: Date
  updatedBy: string
}

interface Grouped {
  _id: string | null
  [key: string]: unknown
}

async function aggregate(collection: string, match: Record<string, unknown>, group: Record<string, unknown>): Promise<Map<string, Grouped>> {
  const res = await db().collection(collection).aggregate().match(match).group(group).limit(1000).end()
  const out = new Map<string, Grouped>()
  for (const row of (res as { list: Grouped[] }).list) if (row._id) out.set(row._id, row)
  return out
}

export async function allCompanies(): Promise<CompanyDoc[]> {
  const out: CompanyDoc[] = []
  for (let skip = 0; ; skip += 1000) {
    const res = await db().collection('companies').orderBy('_id', 'asc').skip(skip).limit(1000).get()
    out.push(...(res.data as CompanyDoc[]))
    if (res.data.length < 1000) return out
  }
}

/**
 * The month's scorecards, every count from aggregate() in the database: four passes over
 * `tickets` (each starting with an indexed month field) grouped by company, one over `grids`, plus
 * the month's party-building entries. `companies` given: only those (one company's scorecard);
 * otherwise every company, ranked.
 */
export async function computeScorecards(month: string, companies?: CompanyDoc[]): Promise<Scorecard[]> {
  const _ = db().command
  const $ = db().command.aggregate
  const list = companies ?? (await allCompanies())
  const ids = list.map((c) => c._id)
  const only = companies ? { companyId: _.in(ids) } : {}
  const theirs = { ...only, party: 'property_company', scoreExcluded: false }
  const now = clock.date()

  const [ratings, due, reopens, volume, grids, entries] = await Promise.all([
    aggregate('tickets', { ratedMonth: month, ...theirs }, { _id: '$companyId', n: $.sum(1), sum: $.sum('$rating') }),
    aggregate('tickets', { dueMonth: month, ...theirs, dueAt: _.lt(now) }, {
      _id: '$companyId',
      n: $.sum(1),
      onTime: $.sum($.cond({ if: $.eq(['$resolvedOnTime', true]), then: 1, else: 0 }))
    }),
    aggregate('tickets', { firstResolvedMonth: month, ...theirs }, {
      _id: '$companyId',
      n: $.sum(1),
      reopened: $.sum($.cond({ if: $.gt(['$reopenCount', 0]), then: 1, else: 0 }))
    }),
    aggregate('tickets', { createdMonth: month, isDispute: false, ...(companies ? only : { companyId: _.neq(null) }) }, { _id: '$companyId', n: $.sum(1) }),
    aggregate('grids', companies ? { companyId: _.in(ids) } : { companyId: _.exists(true) }, { _id: '$companyId', n: $.sum(1), households: $.sum('$households') }),
    db()
      .collection('companyMonths')
      .where(companies ? { month, companyId: _.in(ids) } : { month })
      .limit(1000)
      .get()
      .then((res) => new Map((res.data as CompanyMonthRecord[]).map((e) => [e.companyId, e])))
  ])

  const num = (row: Grouped | undefined, key: string) => Number(row?.[key] ?? 0)
  const inputs = new Map<string, CardInputs>()
  for (const company of list) {
    const id = company._id
    inputs.set(id, {
      counts: {
        ticketCount: num(volume.get(id), 'n'),
        ratingCount: num(ratings.get(id), 'n'),
        ratingSum: num(ratings.get(id), 'sum'),
        dueCount: num(due.get(id), 'n'),
        onTimeCount: num(due.get(id), 'onTime'),
        resolvedCount: num(reopens.get(id), 'n'),
        reopenedCount: num(reopens.get(id), 'reopened')
      },
      grids: num(grids.get(id), 'n'),
      households: num(grids.get(id), 'households'),
      entry: entries.get(id)
    })
  }
  const cards = buildCards(list, inputs, month)
  return companies ? cards : rankCards(cards)
}
