import { progressPercent } from '../../contracts/members'
import type { Comparison, FigureValue, RegistrationProgress } from '../../contracts/reports'
import { rowsOf, totalsBy, type Data } from './figures/data'
import type { CommunityRef, Scope } from './scope'

/**
 * 在职党员报到 against the targets, for the dashboard and the membersApproved figure: the scope's
 * target (district: the district's; a community: its own, null when 未设目标), approved and
 * percentage, and one row per community (target, approved, percentage; null percentage without a
 * target — never a made-up one).
 */
export function registrationProgress(scope: Scope, communities: CommunityRef[], figure: Pick<FigureValue, 'value' | 'target'>, perCommunity: Map<string, number>): RegistrationProgress {
  const listed = scope.communityId ? communities.filter((c) => c.id === scope.communityId) : communities
  const rows = listed.map((c) => {
    const approved = scope.communityId ? figure.value : (perCommunity.get(c.id) ?? 0)
    return { communityId: c.id, communityName: c.name, target: c.target, approved, percent: progressPercent(approved, c.target) }
  })
  const target = scope.communityId ? (scope.target ?? null) : (figure.target ?? null)
  return { target, approved: figure.value, percent: progressPercent(figure.value, target), communities: rows }
}

/**
 * The dashboard's progress, from what it has already counted: the membersApproved figure and (for
 * the district) its row of the communities side by side — no further database round trip.
 */
export function dashboardRegistration(scope: Scope, communities: CommunityRef[], figure: FigureValue, compared: Comparison[]): RegistrationProgress {
  const row = compared.find((c) => c.key === 'membersApproved')
  return registrationProgress(scope, communities, figure, new Map((row?.rows ?? []).map((r) => [r.communityId, r.value])))
}

/**
 * The figure page's approved members per community: from the part the figure is summed from
 * (approved registrations grouped by community); none for a community (its row is the figure itself).
 */
export function approvedPerCommunity(scope: Scope, data: Data): Map<string, number> {
  return scope.communityId ? new Map() : totalsBy(rowsOf(data, 'approved'), 'c')
}
