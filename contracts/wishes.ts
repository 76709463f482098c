import { z } from './zod'
import { WISH_LIMITS } from './limits'
import { idSchema, pageInputSchema } from './common'
import { pageOf, photoSchema, photosInputSchema, ticketCategorySchema } from './tickets'

/*
 * 微心愿 (wishes): a resident posts a small request (help with shopping, a ride to the clinic …),
 * an in-service party member of the same community claims it, does it and marks it complete with
 * the time spent; the resident (or community staff on their behalf, e.g. after a phone call with an
 * elderly resident) confirms, and the member's minutes become verified service hours.
 *
 * pending (待审核) → open (待认领) → claimed (已认领) → completed (待确认) → confirmed (已完成)
 *         ↘ rejected (未通过, with the reason)
 *   A new wish passes the content check and then waits for the staff of its community (or a district
 *   admin) to review it: only approved wishes are listed publicly, claimed and counted. The poster
 *   sees their pending and rejected wishes (with the reason) under "mine".
 *   the poster may cancel while pending, open or claimed; the member may release a claim (back to open).
 *
 * 我为群众办实事 (deeds): the ledger of what got done — every resolved ticket and every confirmed
 * wish, one entry each (see DEED_FIGURES for which entries count as which figure).
 */

export const WISH_CATEGORIES = ['shopping', 'escort', 'repair', 'companionship', 'other'] as const
export type WishCategory = (typeof WISH_CATEGORIES)[number]
export const WISH_CATEGORY_LABELS: Record<WishCategory, string> = {
  shopping: '代买代办',
  escort: '陪同就医',
  repair: '小修小补',
  companionship: '陪伴聊天',
  other: '其他'
}

export const WISH_STATUSES = ['pending', 'rejected', 'open', 'claimed', 'completed', 'confirmed', 'cancelled'] as const
export type WishStatus = (typeof WISH_STATUSES)[number]
export const WISH_STATUS_LABELS: Record<WishStatus, string> = {
  pending: '待审核',
  rejected: '未通过',
  open: '待认领',
  claimed: '已认领',
  completed: '待确认',
  confirmed: '已完成',
  cancelled: '已取消'
}

/**
 * Status filters of `list` (scopes mine, claimed, community): a status, or `unfinished` — not yet
 * done: pending review, open, claimed, or completed and waiting for the resident's confirmation.
 */
export const UNFINISHED_WISH_STATUSES: readonly WishStatus[] = ['pending', 'open', 'claimed', 'completed']
export const WISH_FILTERS = [...WISH_STATUSES, 'unfinished'] as const
export type WishFilter = (typeof WISH_FILTERS)[number]

export { WISH_LIMITS } from './limits'

export const wishesCreateInput = z.object({
  category: z.enum(WISH_CATEGORIES).default('other'),
  title: z.string().trim().min(2, '请写下心愿').max(WISH_LIMITS.titleMax),
  description: z.string().trim().max(WISH_LIMITS.descriptionMax).optional(),
  /** Default: the resident's registered compound. */
  gridId: idSchema.optional(),
  buildingId: idSchema.optional(),
  /** Whether other residents may see the poster's name (the claiming member always sees it). */
  showName: z.boolean().optional(),
  /**
   * The person agrees that the handling parties may call them on their registered mobile: only then
   * is the number copied onto the wish (and a `contact` consent recorded); otherwise none is stored.
   */
  shareMobile: z.boolean().optional()
})

export const wishesListInput = pageInputSchema.extend({
  /**
   * open: open wishes of my community (members claim from here); mine: wishes I posted;
   * claimed: wishes I claimed (members); community: all wishes of a community (staff; admin any);
   * review: wishes waiting for review in the communities I manage, oldest first (staff; admin any).
   */
  /** Default: `open` for a party member, `mine` for everyone else. */
  scope: z.enum(['open', 'mine', 'claimed', 'community', 'review']).optional(),
  status: z.enum(WISH_FILTERS).optional(),
  communityId: idSchema.optional()
})

export const wishesClaimInput = z.object({ wishId: idSchema })
export const wishesReleaseInput = z.object({ wishId: idSchema, note: z.string().trim().max(200).optional() })
export const wishesCompleteInput = z.object({
  wishId: idSchema,
  /** Time spent, in minutes; becomes the member's service hours once confirmed. */
  minutes: z.number().int().min(WISH_LIMITS.minutesMin).max(WISH_LIMITS.minutesMax),
  note: z.string().trim().max(300).optional(),
  photos: photosInputSchema.optional()
})
export const wishesConfirmInput = z.object({
  wishId: idSchema,
  rating: z.number().int().min(1).max(5).optional(),
  comment: z.string().trim().max(300).optional()
})
export const wishesCancelInput = z.object({ wishId: idSchema, note: z.string().trim().max(200).optional() })
export const wishesGetInput = z.object({ wishId: idSchema })

export const WISH_REVIEW_DECISIONS = ['approve', 'reject'] as const
export const wishesReviewInput = z
  .object({
    wishId: idSchema,
    decision: z.enum(WISH_REVIEW_DECISIONS, { message: '请选择审核结果' }),
    /** Required to reject: the poster is told why. */
    reason: z.string().trim().max(200, '原因不能超过200个字').optional()
  })
  .superRefine((value, ctx) => {
    if (value.decision === 'reject' && !value.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: '请填写未通过的原因' })
  })

export const DEED_KINDS = ['ticket', 'wish'] as const
export type DeedKind = (typeof DEED_KINDS)[number]

export const wishesDeedsInput = pageInputSchema.extend({
  communityId: idSchema.optional(),
  kind: z.enum(DEED_KINDS).optional()
})
export const wishesDeedTotalsInput = z.object({
  /** Omitted: the district totals and one row per community. */
  communityId: idSchema.optional()
})

/**
 * Which ledger entries count as which of the seed's figures (one definition, used by the server's
 * aggregation and shown in the app; the code is server/wishes/deeds.ts). A ticket is "resolved"
 * once closed after resolution (confirmed by the reporter, or closed automatically 7 days after).
 * - blockersSolved   三方联动集中解决"堵点"问题: resolved tickets (not 邻里纠纷) that two or more
 *                    of the three parties worked on (a hand-over, or an update by a party besides the lead);
 * - disputesSettled  化解矛盾纠纷: resolved 邻里纠纷 tickets;
 * - practicalDeeds   办理民生实事: wishes fulfilled by party members and confirmed;
 * - problemsSolved   解决实际困难和问题: every ledger entry — the three above plus the resolved
 *                    tickets one party handled alone (ledger figure 'otherProblems').
 * Tickets closed as invalid or withdrawn, and cancelled wishes, are not deeds.
 */
export const DEED_FIGURE_LABELS = {
  problemsSolved: '解决实际困难和问题',
  practicalDeeds: '办理民生实事',
  blockersSolved: '三方联动解决“堵点”问题',
  disputesSettled: '化解矛盾纠纷'
} as const
export type DeedFigure = keyof typeof DEED_FIGURE_LABELS

// ---------------------------------------------------------------------------------------------
// Shapes returned

export const wishSchema = z.object({
  _id: z.string(),
  category: z.enum(WISH_CATEGORIES),
  title: z.string(),
  description: z.string().optional(),
  status: z.enum(WISH_STATUSES),
  communityId: z.string(),
  communityName: z.string(),
  gridId: z.string(),
  gridName: z.string(),
  buildingName: z.string().optional(),
  /** The poster's name if allowed, or for the claiming member and staff; otherwise "居民". */
  residentName: z.string(),
  /** Masked (138****1234), only for the member who claimed it and staff; they dial through `revealMobile` (audited). */
  residentMobile: z.string().optional(),
  mine: z.boolean(),
  claimedByMe: z.boolean(),
  memberName: z.string().optional(),
  minutes: z.number().optional(),
  completionNote: z.string().optional(),
  photos: z.array(photoSchema),
  rating: z.number().optional(),
  createdAt: z.string(),
  claimedAt: z.string().optional(),
  completedAt: z.string().optional(),
  confirmedAt: z.string().optional(),
  /** Id of the member's service record, once the hours are recorded. */
  serviceRecordId: z.string().optional(),
  /** Review (poster and staff only): when, and why it was not approved. */
  reviewedAt: z.string().optional(),
  rejectReason: z.string().optional(),
  actions: z.object({ claim: z.boolean(), release: z.boolean(), complete: z.boolean(), confirm: z.boolean(), cancel: z.boolean(), review: z.boolean() })
})
export type Wish = z.infer<typeof wishSchema>

export const deedSchema = z.object({
  _id: z.string(),
  kind: z.enum(DEED_KINDS),
  /** Ticket category, or null for a wish. */
  category: ticketCategorySchema.nullable(),
  figure: z.enum(['blockersSolved', 'disputesSettled', 'practicalDeeds', 'otherProblems']),
  title: z.string(),
  communityId: z.string(),
  communityName: z.string(),
  gridName: z.string(),
  /** Who did it: the party that resolved the ticket, or the member (masked name). */
  doneBy: z.string(),
  doneAt: z.string(),
  rating: z.number().optional()
})
export type Deed = z.infer<typeof deedSchema>

export const deedFiguresSchema = z.object({
  problemsSolved: z.number(),
  practicalDeeds: z.number(),
  blockersSolved: z.number(),
  disputesSettled: z.number()
})
export type DeedFigures = z.infer<typeof deedFiguresSchema>

export const deedTotalsSchema = z.object({
  district: deedFiguresSchema,
  /** The asked community, or every community of the district. */
  communities: z.array(deedFiguresSchema.extend({ communityId: z.string(), communityName: z.string() })),
  /** Service minutes members spent on confirmed wishes (in scope). */
  wishMinutes: z.number()
})
export type DeedTotals = z.infer<typeof deedTotalsSchema>

export const wishesContract = {
  create: { input: wishesCreateInput, output: wishSchema },
  list: { input: wishesListInput, output: pageOf(wishSchema) },
  get: { input: wishesGetInput, output: wishSchema },
  claim: { input: wishesClaimInput, output: wishSchema },
  release: { input: wishesReleaseInput, output: wishSchema },
  complete: { input: wishesCompleteInput, output: wishSchema },
  confirm: { input: wishesConfirmInput, output: wishSchema },
  cancel: { input: wishesCancelInput, output: wishSchema },
  /** Staff of the wish's community (district admin: any) approve a pending wish or reject it with a reason. */
  review: { input: wishesReviewInput, output: wishSchema },
  /** 我为群众办实事: the ledger, newest first (public form). */
  deeds: { input: wishesDeedsInput, output: pageOf(deedSchema) },
  deedTotals: { input: wishesDeedTotalsInput, output: deedTotalsSchema },
  /** The member who claimed the wish, or staff of its community: the poster's full number (audited, `wishes.viewMobile`). */
  revealMobile: { input: wishesGetInput, output: z.object({ mobile: z.string() }) }
} as const
