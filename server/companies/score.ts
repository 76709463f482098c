import type { CompanyDoc } from '../tickets/places'
import {
  BLACK_LIST_SIZE,
  PARTY_POINTS,
  RED_LIST_SIZE,
  SCORE_PRIOR,
  SCORE_WEIGHTS,
  type Scorecard
} from '../../contracts/companies'

/*
 * The scorecard arithmetic, pure (the counts come from aggregate() in scorecards.ts).
 *
 *   averageRating      = Σ ratings / ratingCount                      (tickets it resolved, rated in the month)
 *   onTimeRate         = onTimeCount / dueCount                        (its tickets whose original resolve
 *                                                                       deadline fell in the month, up to now;
 *                                                                       one still open past it counts as late)
 *   reopenRate         = reopenedCount / resolvedCount                 (its tickets first resolved in the month)
 *   ticketsPer100Households = ticketCount / households × 100           (reports in its compounds, no disputes)
 *
 * Component scores (0–100), each rate smoothed with SCORE_PRIOR.weight (3) pseudo-observations:
 *   satisfaction = ((Σ ratings + 3 × 4) / (ratingCount + 3) − 1) / 4 × 100
 *   onTime       = (onTimeCount + 3 × 0.8) / (dueCount + 3) × 100
 *   reopen       = (1 − (reopenedCount + 3 × 0.1) / (resolvedCount + 3)) × 100
 *   partyBuilding = PARTY_POINTS (branch 30, instructor 10, members 10, joint activities 15 × ≤2, meetings 10 × ≤2)
 * score = 0.40 × satisfaction + 0.30 × onTime + 0.15 × reopen + 0.15 × partyBuilding, rounded to 0.1.
 * Volume carries no weight (see SCORE_WEIGHTS in contracts/companies.ts).
 */

export interface RawCounts {
  ticketCount: number
  ratingCount: number
  ratingSum: number
  dueCount: number
  onTimeCount: number
  resolvedCount: number
  reopenedCount: number
}

export interface PartyInputs {
  hasBranch: boolean
  hasInstructor: boolean
  partyMembers: number
  jointActivities: number
  meetingsAttended: number
}

export const round = (n: number, digits = 1) => {
  const f = 10 ** digits
  return Math.round(n * f + Number.EPSILON * f) / f
}

export function partyBuildingScore(p: PartyInputs): number {
  const P = PARTY_POINTS
  return (
    (p.hasBranch ? P.branch : 0) +
    (p.hasInstructor ? P.instructor : 0) +
    (p.partyMembers > 0 ? P.members : 0) +
    Math.min(p.jointActivities, P.jointActivityMax) * P.jointActivity +
    Math.min(p.meetingsAttended, P.meetingMax) * P.meeting
  )
}

export function componentScores(c: RawCounts, partyScore: number) {
  const k = SCORE_PRIOR.weight
  const adjRating = (c.ratingSum + k * SCORE_PRIOR.rating) / (c.ratingCount + k)
  const adjOnTime = (c.onTimeCount + k * SCORE_PRIOR.onTimeRate) / (c.dueCount + k)
  const adjReopen = (c.reopenedCount + k * SCORE_PRIOR.reopenRate) / (c.resolvedCount + k)
  const scores = {
    satisfaction: ((adjRating - 1) / 4) * 100,
    onTime: adjOnTime * 100,
    reopen: (1 - adjReopen) * 100,
    partyBuilding: partyScore
  }
  const W = SCORE_WEIGHTS
  const score = W.satisfaction * scores.satisfaction + W.onTime * scores.onTime + W.reopen * scores.reopen + W.partyBuilding * scores.partyBuilding
  return {
    scores: { satisfaction: round(scores.satisfaction), onTime: round(scores.onTime), reopen: round(scores.reopen), partyBuilding: round(scores.partyBuilding) },
    score: round(score)
  }
}

export function rates(c: RawCounts, households: number) {
  return {
    averageRating: c.ratingCount ? round(c.ratingSum / c.ratingCount, 2) : null,
    onTimeRate: c.dueCount ? round(c.onTimeCount / c.dueCount, 3) : null,
    reopenRate: c.resolvedCount ? round(c.reopenedCount / c.resolvedCount, 3) : null,
    ticketsPer100Households: households > 0 ? round((c.ticketCount / households) * 100, 2) : null
  }
}

const naturalId = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true })

/**
 * Ranks the professional companies (the public-interest entities are scored but not ranked):
 * by score, then average rating, then more rated tickets, then id. Red list: the first
 * RED_LIST_SIZE; black list: the last BLACK_LIST_SIZE (never overlapping the red list); the
 * 流动红旗 goes to the first.
 */
export function rankCards(cards: Scorecard[]): Scorecard[] {
  const ranked = cards
    .filter((c) => c.kind === 'professional')
    .sort((a, b) => b.score - a.score || (b.averageRating ?? 0) - (a.averageRating ?? 0) || b.ratingCount - a.ratingCount || naturalId(a.companyId, b.companyId))
  const n = ranked.length
  const blackFrom = Math.max(Math.min(RED_LIST_SIZE, n), n - BLACK_LIST_SIZE)
  ranked.forEach((card, i) => {
    card.rank = i + 1
    card.list = i < RED_LIST_SIZE ? 'red' : i >= blackFrom ? 'black' : null
    card.banner = i === 0
  })
  const others = cards.filter((c) => c.kind !== 'professional').sort((a, b) => naturalId(a.companyId, b.companyId))
  for (const card of others) {
    card.rank = null
    card.list = null
    card.banner = false
  }
  return [...ranked, ...others]
}

/** What one card is made of: the counts (from aggregate()), the compounds served, the month's entry. */
export interface CardInputs {
  counts: RawCounts
  grids: number
  households: number
  entry?: { jointActivities: number; meetingsAttended: number; note: string | null }
}

export function buildCards(companies: CompanyDoc[], inputs: Map<string, CardInputs>, month: string): Scorecard[] {
  return companies.map((company) => {
    const input = inputs.get(company._id) ?? { counts: emptyCounts(), grids: 0, households: 0 }
    const { counts, entry } = input
    const party = {
      hasBranch: !!company.hasBranch,
      hasInstructor: !!company.partyInstructor,
      partyMembers: company.partyMembers ?? 0,
      jointActivities: entry?.jointActivities ?? 0,
      meetingsAttended: entry?.meetingsAttended ?? 0
    }
    const partyScore = partyBuildingScore(party)
    const { scores, score } = componentScores(counts, partyScore)
    return {
      companyId: company._id,
      companyName: company.name,
      kind: company.kind,
      month,
      grids: input.grids,
      households: input.households,
      ticketCount: counts.ticketCount,
      ratingCount: counts.ratingCount,
      dueCount: counts.dueCount,
      onTimeCount: counts.onTimeCount,
      resolvedCount: counts.resolvedCount,
      reopenedCount: counts.reopenedCount,
      ...rates(counts, input.households),
      partyBuilding: { ...party, entered: !!entry, ...(entry?.note ? { note: entry.note } : {}), score: partyScore },
      scores,
      score,
      rank: null,
      list: null,
      banner: false,
      source: 'live' as const
    }
  })
}

export const emptyCounts = (): RawCounts => ({ ticketCount: 0, ratingCount: 0, ratingSum: 0, dueCount: 0, onTimeCount: 0, resolvedCount: 0, reopenedCount: 0 })

/** The fields of a ticket the scorecard counts read. */
export interface CountedTicket {
  companyId: string | null
  party: string
  scoreExcluded: boolean
  isDispute: boolean
  createdMonth: string
  ratedMonth: string | null
  rating: number | null
  dueMonth: string
  dueAt: Date
  resolvedOnTime: boolean | null
  firstResolvedMonth: string | null
  reopenCount: number
}

/**
 * The same counts as the aggregate() passes in scorecards.ts, over tickets in memory: used by the
 * demo seed to publish a ranking without a running database, and by the tests to check that the
 * two definitions agree.
 */
export function countTickets(tickets: Iterable<CountedTicket>, month: string, now: number): Map<string, RawCounts> {
  const out = new Map<string, RawCounts>()
  const of = (id: string) => {
    let c = out.get(id)
    if (!c) out.set(id, (c = emptyCounts()))
    return c
  }
  for (const t of tickets) {
    if (!t.companyId) continue
    if (t.createdMonth === month && !t.isDispute) of(t.companyId).ticketCount++
    if (t.party !== 'property_company' || t.scoreExcluded) continue
    if (t.ratedMonth === month && t.rating != null) {
      of(t.companyId).ratingCount++
      of(t.companyId).ratingSum += t.rating
    }
    if (t.dueMonth === month && new Date(t.dueAt).getTime() < now) {
      of(t.companyId).dueCount++
      if (t.resolvedOnTime === true) of(t.companyId).onTimeCount++
    }
    if (t.firstResolvedMonth === month) {
      of(t.companyId).resolvedCount++
      if (t.reopenCount > 0) of(t.companyId).reopenedCount++
    }
  }
  return out
}
