/**
 * The report's sections and figure keys with their labels, without zod: the district subpackage
 * (charts, ≤ 400 KB) carries no zod runtime (issue #15). contracts/reports.ts re-exports them.
 */

/** The seed's four parts, in order. */
export const SECTIONS = ['organisation', 'property', 'service', 'support'] as const
export type SectionKey = (typeof SECTIONS)[number]
export const SECTION_LABELS: Record<SectionKey, string> = {
  organisation: '组织全覆盖',
  property: '物业全覆盖',
  service: '服务全覆盖',
  support: '保障全覆盖'
}

/**
 * Every figure key the reports function knows. The definition, unit and computation of each live in
 * server/reports/figures/ (one hop from here: the file is named after the section).
 */
export const FIGURE_KEYS = [
  // 组织全覆盖
  'communityCommittees',
  'grids',
  'branches',
  'gridsWithBranch',
  'partyGroups',
  'centralHouseholds',
  'ownersCommittees',
  'selfManagementCommittees',
  'gridsWithCommittee',
  'ownersCommitteeMembers',
  'ownersCommitteePartyMembers',
  'ownersCommitteePartyShare',
  // 物业全覆盖
  'gridsManaged',
  'gridsProfessional',
  'companies',
  'publicInterestEntities',
  'companyPartyMembers',
  'companyBranches',
  'partyInstructors',
  'latestRanking',
  // 服务全覆盖
  'membersApproved',
  'membersPending',
  'teamsLiaison',
  'teamsEmergency',
  'volunteerActivities',
  'volunteerServices',
  'volunteerHours',
  'practicalDeeds',
  'problemsSolved',
  'notices',
  'noticeReads',
  'noticeReaders',
  // 保障全覆盖
  'centersPlanned',
  'centersBuilt',
  'centersAccepted',
  'centerFunding',
  'roomBookingsUsed',
  'ticketsReceived',
  'blockersSolved',
  'disputesSettled',
  'satisfaction'
] as const
export type FigureKey = (typeof FIGURE_KEYS)[number]

/** stock: as of now; flow: what happened within the period. */
export const FIGURE_KINDS = ['stock', 'flow'] as const
export type FigureKind = (typeof FIGURE_KINDS)[number]
export const FIGURE_KIND_LABELS: Record<FigureKind, string> = { stock: '截至当前', flow: '统计期内' }
