import { z } from './zod'
import { idSchema, pageInputSchema } from './common'
import { pageOf } from './tickets'

/*
 * Property companies (物业服务企业): profile, monthly scorecards, and the monthly ranking that
 * becomes the 红黑榜 with the 流动红旗 holder.
 *
 * Ranking workflow for a month (after the month has ended):
 *   draft (computed live, district admin only)
 *   → `openAppeals`: the admin has reviewed it; a snapshot is frozen and the appeal window opens
 *     (companies see their own card and may lodge one appeal each with a reason)
 *   → `answerAppeal`: the admin upholds (optionally excluding named tickets from the score) or dismisses
 *   → `publishRanking`: after the window has closed and every appeal is answered; the cards are
 *     recomputed (so upheld appeals and late party-building entries count) and published to residents.
 */

export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM')

export const COMPANY_KINDS = ['professional', 'public_interest'] as const
export type CompanyKind = (typeof COMPANY_KINDS)[number]
export const COMPANY_KIND_LABELS: Record<CompanyKind, string> = {
  professional: '专业物业企业',
  public_interest: '公益性物业服务实体'
}

export const RANKING_STATUSES = ['draft', 'appeal', 'published'] as const
export type RankingStatus = (typeof RANKING_STATUSES)[number]
export const RANKING_STATUS_LABELS: Record<RankingStatus, string> = {
  draft: '待审核',
  appeal: '申诉期',
  published: '已公示'
}

export const APPEAL_STATUSES = ['pending', 'upheld', 'dismissed'] as const
export type AppealStatus = (typeof APPEAL_STATUSES)[number]
export const APPEAL_STATUS_LABELS: Record<AppealStatus, string> = {
  pending: '待处理',
  upheld: '申诉成立',
  dismissed: '申诉不成立'
}

/**
 * The composite score (0–100), in one place so the app can explain it and the server computes it.
 * Each rate is smoothed with PRIOR.weight pseudo-observations at the prior value, so that a company
 * with one or two tickets is neither top nor bottom by chance (a single 1-star rating would
 * otherwise sink it). Volume (tickets per 100 households) is reported but carries no weight: a
 * ranking must not punish compounds whose residents use the system (nor reward companies whose
 * residents gave up reporting).
 */
export const SCORE_WEIGHTS = { satisfaction: 0.4, onTime: 0.3, reopen: 0.15, partyBuilding: 0.15 } as const
export const SCORE_PRIOR = { rating: 4, onTimeRate: 0.8, reopenRate: 0.1, weight: 3 } as const
/**
 * Party-building criteria (0–100): from the company profile — a party branch (30), an assigned
 * 党建指导员 (10), party members on staff (10) — and the month's entries by the district admin —
 * joint party-building activities with the community (15 each, at most 2) and 三方联动 meetings
 * attended (10 each, at most 2).
 */
export const PARTY_POINTS = { branch: 30, instructor: 10, members: 10, jointActivity: 15, jointActivityMax: 2, meeting: 10, meetingMax: 2 } as const
/** 红榜: the top ten (十佳红色物业企业); 黑榜: the bottom three; 流动红旗: the first. */
export const RED_LIST_SIZE = 10
export const BLACK_LIST_SIZE = 3
export const APPEAL_DAYS_DEFAULT = 5

export const companiesListInput = pageInputSchema.extend({
  kind: z.enum(COMPANY_KINDS).optional(),
  communityId: idSchema.optional()
})
export const companiesGetInput = z.object({ companyId: idSchema })
export const companiesScorecardInput = z.object({ companyId: idSchema, month: monthSchema })
export const companiesRankingInput = z.object({
  /** Default: the latest published month (residents) / last month (district admin). */
  month: monthSchema.optional()
})
export const companiesPublishInput = z.object({ month: monthSchema })
export const companiesOpenAppealsInput = z.object({ month: monthSchema, days: z.number().int().min(1).max(15).optional() })
export const companiesAppealInput = z.object({
  month: monthSchema,
  /** property staff of several companies name the one appealing. */
  companyId: idSchema.optional(),
  reason: z.string().trim().min(5, '请写明申诉理由（至少5个字）').max(1000, '申诉理由不能超过1000个字'),
  /** Tickets the company disputes (e.g. not its responsibility, an unfair rating). */
  ticketIds: z.array(idSchema).max(50, '一次申诉最多列出50个问题单').optional()
})
export const companiesAnswerAppealInput = z.object({
  month: monthSchema,
  companyId: idSchema,
  decision: z.enum(['upheld', 'dismissed']),
  reply: z.string().trim().min(2, '请填写答复意见（至少2个字）').max(1000, '答复意见不能超过1000个字'),
  /** Upheld only: tickets taken out of the company's scorecards (kept, marked, with history). */
  excludeTicketIds: z.array(idSchema).max(50, '一次最多剔除50个问题单').optional()
})
export const companiesAppealsInput = pageInputSchema.extend({ month: monthSchema })
export const companiesSetPartyBuildingInput = z.object({
  companyId: idSchema,
  month: monthSchema,
  jointActivities: z.number().int().min(0).max(50),
  meetingsAttended: z.number().int().min(0).max(50),
  note: z.string().trim().max(500, '备注不能超过500个字').optional()
})
export const companiesUpdateProfileInput = z.object({
  companyId: idSchema,
  partyMembers: z.number().int().min(0).max(10000).optional(),
  hasBranch: z.boolean().optional(),
  /** Name of the assigned 党建指导员; empty string removes it. */
  partyInstructor: z.string().trim().max(20, '党建指导员姓名不能超过20个字').optional(),
  contact: z.string().trim().max(40, '联系方式不能超过40个字').optional()
})

// ---------------------------------------------------------------------------------------------
// Shapes returned

export const companyGridSchema = z.object({
  gridId: z.string(),
  name: z.string(),
  communityId: z.string(),
  communityName: z.string(),
  households: z.number()
})

export const companySummarySchema = z.object({
  _id: z.string(),
  name: z.string(),
  kind: z.enum(COMPANY_KINDS),
  partyMembers: z.number(),
  hasBranch: z.boolean(),
  partyInstructor: z.string().optional(),
  gridCount: z.number(),
  /** Latest published ranking: rank, list and whether it holds the 流动红旗. */
  badge: z
    .object({ month: z.string(), rank: z.number(), list: z.enum(['red', 'black']).nullable(), banner: z.boolean() })
    .optional()
})
export type CompanySummary = z.infer<typeof companySummarySchema>

export const companyDetailSchema = companySummarySchema.extend({
  contact: z.string().optional(),
  grids: z.array(companyGridSchema),
  households: z.number()
})
export type CompanyDetail = z.infer<typeof companyDetailSchema>

export const partyBuildingSchema = z.object({
  hasBranch: z.boolean(),
  hasInstructor: z.boolean(),
  partyMembers: z.number(),
  jointActivities: z.number(),
  meetingsAttended: z.number(),
  /** Whether the district admin has entered this month's criteria. */
  entered: z.boolean(),
  note: z.string().optional(),
  score: z.number()
})

export const scorecardSchema = z.object({
  companyId: z.string(),
  companyName: z.string(),
  kind: z.enum(COMPANY_KINDS),
  month: z.string(),
  grids: z.number(),
  households: z.number(),
  /** Reports created in the month in its compounds (disputes between neighbours excluded). */
  ticketCount: z.number(),
  ticketsPer100Households: z.number().nullable(),
  /** Ratings given in the month on tickets it resolved. */
  ratingCount: z.number(),
  averageRating: z.number().nullable(),
  /** Its tickets whose resolve deadline fell in the month (up to now), and those resolved by it. */
  dueCount: z.number(),
  onTimeCount: z.number(),
  onTimeRate: z.number().nullable(),
  /** Its tickets first resolved in the month, and those the reporter reopened. */
  resolvedCount: z.number(),
  reopenedCount: z.number(),
  reopenRate: z.number().nullable(),
  partyBuilding: partyBuildingSchema,
  /** Component scores 0–100 after smoothing, and the weighted composite. */
  scores: z.object({ satisfaction: z.number(), onTime: z.number(), reopen: z.number(), partyBuilding: z.number() }),
  score: z.number(),
  /** Within the month's ranking (professional companies only). */
  rank: z.number().nullable(),
  list: z.enum(['red', 'black']).nullable(),
  banner: z.boolean(),
  /** live: computed now; snapshot: as frozen for review/publication. */
  source: z.enum(['live', 'snapshot'])
})
export type Scorecard = z.infer<typeof scorecardSchema>

export const rankingSchema = z.object({
  month: z.string(),
  status: z.enum(RANKING_STATUSES),
  reviewedAt: z.string().optional(),
  appealUntil: z.string().optional(),
  publishedAt: z.string().optional(),
  /** The 流动红旗 holder (first place), once published (or for the admin). */
  banner: z.object({ companyId: z.string(), companyName: z.string(), score: z.number() }).nullable(),
  redList: z.array(scorecardSchema),
  blackList: z.array(scorecardSchema),
  /** Every ranked company in order (professional companies). Empty for residents before publication. */
  entries: z.array(scorecardSchema),
  /** Whether the viewer sees the ranking's content (residents: only once published). */
  visible: z.boolean(),
  /** The latest published month, so a viewer can be sent there. */
  latestPublished: z.string().nullable(),
  appeals: z.object({ pending: z.number(), answered: z.number() })
})
export type Ranking = z.infer<typeof rankingSchema>

export const appealSchema = z.object({
  _id: z.string(),
  month: z.string(),
  companyId: z.string(),
  companyName: z.string(),
  reason: z.string(),
  ticketIds: z.array(z.string()),
  status: z.enum(APPEAL_STATUSES),
  reply: z.string().optional(),
  createdAt: z.string(),
  answeredAt: z.string().optional()
})
export type Appeal = z.infer<typeof appealSchema>

export const companiesContract = {
  list: { input: companiesListInput, output: pageOf(companySummarySchema) },
  get: { input: companiesGetInput, output: companyDetailSchema },
  scorecard: { input: companiesScorecardInput, output: scorecardSchema },
  ranking: { input: companiesRankingInput, output: rankingSchema },
  publishRanking: { input: companiesPublishInput, output: rankingSchema },
  /** District admin: the month's ranking is reviewed; freeze it and open the appeal window. */
  openAppeals: { input: companiesOpenAppealsInput, output: rankingSchema },
  /** Property staff: one appeal per company per month, during the window. */
  appeal: { input: companiesAppealInput, output: appealSchema },
  answerAppeal: { input: companiesAnswerAppealInput, output: appealSchema },
  appeals: { input: companiesAppealsInput, output: pageOf(appealSchema) },
  /** District admin: the month's party-building criteria for one company. */
  setPartyBuilding: { input: companiesSetPartyBuildingInput, output: partyBuildingSchema },
  updateProfile: { input: companiesUpdateProfileInput, output: companyDetailSchema }
} as const
