import { TICKET_CATEGORY_LABELS, type TicketCategory } from '../../contracts/tickets'
import type { Deed, DeedFigure, DeedFigures, DeedTotals } from '../../contracts/wishes'

/**
 * 我为群众办实事: the ledger (`deeds`), one entry per thing done for residents, written by the change
 * that closes a resolved ticket (confirmed by the reporter, or closed automatically 7 days after
 * resolution) or confirms a wish, right after its guarded update. `_id` is `ticket:<id>` / `wish:<id>`, so an entry can never
 * be counted twice. Which entry counts as which figure (DEED_FIGURE_LABELS in contracts/wishes.ts):
 *   figure 'blockersSolved'  — a resolved ticket, not 邻里纠纷, that two or more of the three parties
 *                              worked on (hand-over, or an update by a party besides the lead):
 *                              a "堵点" solved through 三方联动 jointly (集中解决);
 *   figure 'disputesSettled' — a resolved 邻里纠纷 ticket (化解矛盾纠纷);
 *   figure 'otherProblems'   — any other resolved ticket (one party handled it alone);
 *   figure 'practicalDeeds'  — a confirmed wish (办理民生实事);
 *   problemsSolved           — every entry (解决实际困难和问题).
 * "Resolved" means closed after resolution: confirmed by the reporter or closed automatically 7 days
 * after resolution. Tickets closed as invalid or withdrawn and cancelled wishes are not entries.
 * Entries are never removed.
 */
export interface DeedRecord {
  _id: string
  kind: 'ticket' | 'wish'
  sourceId: string
  figure: Exclude<DeedFigure, 'problemsSolved'> | 'otherProblems'
  category: TicketCategory | null
  title: string
  communityId: string
  gridId: string
  /** Who did it (party name, or the member's masked name). */
  doneBy: string
  doneAt: Date
  month: string
  rating: number | null
  /** Wishes: the member's minutes. */
  minutes: number | null
}

/** "YYYY-MM" in Asia/Shanghai (UTC+8 all year): plain arithmetic, as the demo seed writes thousands. */
const monthOf = (at: Date) => new Date(at.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 7)

const short = (text: string, n = 40) => (text.length > n ? `${text.slice(0, n - 1)}…` : text)

export function ticketFigure(t: { category: TicketCategory; involvedParties?: string[] }): DeedRecord['figure'] {
  if (t.category === 'dispute') return 'disputesSettled'
  return (t.involvedParties?.length ?? 0) >= 2 ? 'blockersSolved' : 'otherProblems'
}

export function ticketDeed(
  t: { _id: string; category: TicketCategory; description: string; communityId: string; gridId: string; involvedParties?: string[] },
  doneBy: string,
  doneAt: Date,
  rating: number | null
): DeedRecord {
  return {
    _id: `ticket:${t._id}`,
    kind: 'ticket',
    sourceId: t._id,
    figure: ticketFigure(t),
    category: t.category,
    title: `${TICKET_CATEGORY_LABELS[t.category]}：${short(t.description)}`,
    communityId: t.communityId,
    gridId: t.gridId,
    doneBy,
    doneAt,
    month: monthOf(doneAt),
    rating,
    minutes: null
  }
}

export function wishDeed(w: { _id: string; title: string; communityId: string; gridId: string }, doneBy: string, doneAt: Date, rating: number | null, minutes: number): DeedRecord {
  return {
    _id: `wish:${w._id}`,
    kind: 'wish',
    sourceId: w._id,
    figure: 'practicalDeeds',
    category: null,
    title: `微心愿：${short(w.title)}`,
    communityId: w.communityId,
    gridId: w.gridId,
    doneBy,
    doneAt,
    month: monthOf(doneAt),
    rating,
    minutes
  }
}

export const emptyFigures = (): DeedFigures => ({ problemsSolved: 0, practicalDeeds: 0, blockersSolved: 0, disputesSettled: 0 })

export function deedView(d: DeedRecord, names: { communityName: string; gridName: string }): Deed {
  return {
    _id: d._id,
    kind: d.kind,
    category: d.category,
    figure: d.figure,
    title: d.title,
    communityId: d.communityId,
    communityName: names.communityName,
    gridName: names.gridName,
    doneBy: d.doneBy,
    doneAt: new Date(d.doneAt).toISOString(),
    rating: d.rating ?? undefined
  }
}

export type { DeedTotals }
