import type { Scorecard } from '../../contracts/companies'
import { clock } from '../core/clock'
import { db } from '../core/db'
import type { CompanyDoc, GridDoc } from '../tickets/places'
import { buildCards, rankCards, type CardInputs, type RawCounts } from './score'

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

/** One company's tallies, grouped by company. */
type TicketRow = RawCounts & { _id: string | null }

type CompanyRow = CompanyDoc & { _grids: Pick<GridDoc, 'households'>[]; _entries: CompanyMonthRecord[] }

/**
 * The month's scorecards in two round trips: one aggregate() over `tickets` (the tickets counted
 * in any way this month, matched on the indexed month fields) grouped by company, each figure a
 * conditional sum with the same definition as countTickets in score.ts; and one over `companies`
 * with their compounds and the month's party-building entry joined. `companies` given: only those
 * (one company's scorecard); otherwise every company, ranked.
 */
export async function computeScorecards(month: string, companies?: CompanyDoc[]): Promise<Scorecard[]> {
  const _ = db().command
  const $ = db().command.aggregate
  const ids = companies?.map((c) => c._id)
  const now = clock.date()
  const theirs = [$.eq(['$party', 'property_company']), $.eq(['$scoreExcluded', false])]
  const count = (...conds: unknown[]) => $.sum($.cond({ if: $.and(conds), then: 1, else: 0 }))
  const rated = [$.eq(['$ratedMonth', month]), ...theirs]
  const due = [$.eq(['$dueMonth', month]), $.gt([now, '$dueAt']), ...theirs]
  const firstResolved = [$.eq(['$firstResolvedMonth', month]), ...theirs]
  const [ticketRes, companyRes] = await Promise.all([
    db()
      .collection('tickets')
      .aggregate()
      .match(
        _.and([
          _.or([{ createdMonth: month }, { ratedMonth: month }, { dueMonth: month }, { firstResolvedMonth: month }]),
          ids ? { companyId: _.in(ids) } : { companyId: _.neq(null) }
        ])
      )
      .group({
        _id: '$companyId',
        ticketCount: count($.eq(['$createdMonth', month]), $.eq(['$isDispute', false])),
        ratingCount: count(...rated),
        ratingSum: $.sum($.cond({ if: $.and(rated), then: '$rating', else: 0 })),
        dueCount: count(...due),
        onTimeCount: count(...due, $.eq(['$resolvedOnTime', true])),
        resolvedCount: count(...firstResolved),
        reopenedCount: count(...firstResolved, $.gt(['$reopenCount', 0]))
      })
      .limit(1000)
      .end(),
    db()
      .collection('companies')
      .aggregate()
      .match(ids ? { _id: _.in(ids) } : {})
      .sort({ _id: 1 })
      .limit(1000)
      .lookup({ from: 'grids', localField: '_id', foreignField: 'companyId', as: '_grids' })
      .lookup({ from: 'companyMonths', pipeline: $.pipeline().match(ids ? { month, companyId: _.in(ids) } : { month }).limit(1000).done(), as: '_entries' })
      .end()
  ])
  const rows = new Map((ticketRes as { list: TicketRow[] }).list.filter((r) => r._id).map((r) => [r._id as string, r]))
  const joined = (companyRes as { list: CompanyRow[] }).list
  const list: CompanyDoc[] = companies ?? joined.map(({ _grids, _entries, ...c }) => c as CompanyDoc)
  const byId = new Map(joined.map((c) => [c._id, c]))
  const inputs = new Map<string, CardInputs>()
  for (const company of list) {
    const id = company._id
    const row = rows.get(id)
    const c = byId.get(id)
    const entry = c?._entries.find((e) => e.companyId === id)
    inputs.set(id, {
      counts: {
        ticketCount: Number(row?.ticketCount ?? 0),
        ratingCount: Number(row?.ratingCount ?? 0),
        ratingSum: Number(row?.ratingSum ?? 0),
        dueCount: Number(row?.dueCount ?? 0),
        onTimeCount: Number(row?.onTimeCount ?? 0),
        resolvedCount: Number(row?.resolvedCount ?? 0),
        reopenedCount: Number(row?.reopenedCount ?? 0)
      },
      grids: c?._grids.length ?? 0,
      households: (c?._grids ?? []).reduce((sum, g) => sum + Number(g.households ?? 0), 0),
      entry
    })
  }
  const cards = buildCards(list, inputs, month)
  return companies ? cards : rankCards(cards)
}
