import { sortSchema } from './sort'
import { z } from './zod'
import { TICKET_LIMITS } from './limits'
import { idSchema, pageInputSchema } from './common'

/*
 * 三方联动: a resident's problem report (ticket) handled by the three parties of the compound —
 * the property company (物业服务企业), the owners' committee (业委会) and the residents' committee
 * (居委会, i.e. the community staff) — under the community party committee.
 *
 * Lifecycle:  submitted (待受理) → accepted (处理中) → resolved (待确认) → closed (已办结)
 *   - the lead party accepts, updates (comment with photos), hands over to another party with a
 *     reason (back to `submitted` for the new party, deadlines kept), resolves;
 *   - the reporter confirms with a 1–5 rating (closed, reason `confirmed`) or reopens (back to
 *     `accepted` with the same party and a fresh resolve deadline);
 *   - without the reporter's answer a resolved ticket closes itself after 7 days (reason `auto`,
 *     no rating);
 *   - community staff may close an invalid/duplicate report with a reason (`invalid`); the reporter
 *     may withdraw an open report (`withdrawn`).
 */

export const TICKET_CATEGORIES = ['parking', 'drain', 'stairwell', 'sanitation', 'repair', 'safety', 'dispute', 'other'] as const
export type TicketCategory = (typeof TICKET_CATEGORIES)[number]
export const ticketCategorySchema = z.enum(TICKET_CATEGORIES)
export const TICKET_CATEGORY_LABELS: Record<TicketCategory, string> = {
  parking: '停车',
  drain: '下水道/管网',
  stairwell: '楼道杂物',
  sanitation: '环境卫生',
  repair: '设施维修',
  safety: '安全隐患',
  dispute: '邻里纠纷',
  other: '其他'
}
/** One line under each category on the report form (large type, for elderly residents). */
export const TICKET_CATEGORY_HINTS: Record<TicketCategory, string> = {
  parking: '乱停车、占用消防通道、车位纠纷',
  drain: '下水道堵塞、管网漏水、污水外溢',
  stairwell: '楼道堆放杂物、电动车进楼',
  sanitation: '垃圾清运、卫生死角、绿化',
  repair: '路灯、门禁、电梯、公共设施损坏',
  safety: '消防、电线私拉、高空坠物隐患',
  dispute: '噪音、漏水、占道等邻里矛盾',
  other: '其他需要帮助的问题'
}

/** The three parties of 三方联动. */
export const PARTIES = ['property_company', 'owners_committee', 'residents_committee'] as const
export type Party = (typeof PARTIES)[number]
export const partySchema = z.enum(PARTIES)
export const PARTY_LABELS: Record<Party, string> = {
  property_company: '物业服务企业',
  owners_committee: '业委会',
  residents_committee: '居委会'
}

export const TICKET_STATUSES = ['submitted', 'accepted', 'resolved', 'closed'] as const
export type TicketStatus = (typeof TICKET_STATUSES)[number]
export const ticketStatusSchema = z.enum(TICKET_STATUSES)
export const TICKET_STATUS_LABELS: Record<TicketStatus, string> = {
  submitted: '待受理',
  accepted: '处理中',
  resolved: '待确认',
  closed: '已办结'
}

export const CLOSE_REASONS = ['confirmed', 'auto', 'invalid', 'withdrawn'] as const
export type CloseReason = (typeof CLOSE_REASONS)[number]
export const CLOSE_REASON_LABELS: Record<CloseReason, string> = {
  confirmed: '居民已确认',
  auto: '超过7天未评价，自动办结',
  invalid: '不予受理',
  withdrawn: '居民已撤回'
}

/**
 * Status filters of `list`: a status, or `open` (submitted + accepted), or `overdue` (open and past a
 * deadline), or `unfinished` (not closed: open, and resolved until it auto-closes; 我的 → 我的报事).
 */
export const TICKET_FILTERS = [...TICKET_STATUSES, 'open', 'overdue', 'unfinished'] as const
export type TicketFilter = (typeof TICKET_FILTERS)[number]

export { TICKET_LIMITS } from './limits'

/**
 * A stored file: `cloud://…` (WeChat cloud storage, uploaded by the mini-program with
 * Taro.cloud.uploadFile) or `local://…` (the emulator, uploaded through `tickets.upload`).
 */
export const fileIdSchema = z.string().regex(/^(cloud|local):\/\/\S{3,300}$/, '图片地址无效')
export const photosInputSchema = z.array(fileIdSchema).max(TICKET_LIMITS.photos, `最多${TICKET_LIMITS.photos}张照片`)

const noteSchema = z.string().trim().min(1, '请填写内容').max(TICKET_LIMITS.noteMax, `内容不能超过${TICKET_LIMITS.noteMax}个字`)

export const ticketsCreateInput = z.object({
  category: ticketCategorySchema,
  description: z.string().trim().min(TICKET_LIMITS.descriptionMin, '请至少写5个字').max(TICKET_LIMITS.descriptionMax),
  photos: photosInputSchema.optional(),
  gridId: idSchema,
  buildingId: idSchema.optional(),
  /** Whether other residents may see the reporter's name (never the phone). Default: not shown. */
  showName: z.boolean().optional(),
  /**
   * The person agrees that the handling parties may call them on their registered mobile: only then
   * is the number copied onto the ticket (and a `contact` consent recorded); otherwise none is stored.
   */
  shareMobile: z.boolean().optional()
})

export const ticketsListInput = pageInputSchema.extend({
  /**
   * mine: my reports; compound: a compound's reports in public form (default: my registered
   * compound); queue: the reports of the compounds where I am a party (property staff, owners'
   * committee, community staff; the district admin sees all).
   */
  scope: z.enum(['mine', 'compound', 'queue']),
  status: z.enum(TICKET_FILTERS).optional(),
  gridId: idSchema.optional(),
  communityId: idSchema.optional(),
  category: ticketCategorySchema.optional(),
  /** queue only: just the tickets where my party leads. */
  leadOnly: z.boolean().optional(),
  /** The back office: by report time or by the resolve deadline, in the order asked (default: open work by deadline, the rest newest first). */
  sort: sortSchema(['createdAt', 'resolveBy'], ['反映时间', '办结时限']).optional()
})

export const ticketsGetInput = z.object({ ticketId: idSchema })

export const TRANSITIONS = ['accepted', 'resolved', 'handover', 'closed'] as const
export type Transition = (typeof TRANSITIONS)[number]
export const TRANSITION_LABELS: Record<Transition, string> = {
  accepted: '受理',
  resolved: '办结',
  handover: '转交',
  closed: '关闭'
}

export const ticketsTransitionInput = z
  .object({
    ticketId: idSchema,
    /**
     * accepted / resolved: the lead party; handover: the lead party or community staff, to `party`
     * with a reason; closed: community staff (invalid report, reason required) or the reporter
     * (withdraw an open report).
     */
    to: z.enum(TRANSITIONS),
    note: noteSchema.optional(),
    photos: photosInputSchema.optional(),
    /** handover only: the party taking the ticket over. */
    party: partySchema.optional()
  })
  .superRefine((input, ctx) => {
    if (input.to === 'handover' && !input.party) ctx.addIssue({ code: 'custom', path: ['party'], message: '请选择转交对象' })
    if (input.to === 'handover' && !input.note) ctx.addIssue({ code: 'custom', path: ['note'], message: '请填写转交原因' })
  })

/**
 * Callers outside this repository may name a comment's text `note` or `comment` (the words the
 * other actions use): they are read as `text`.
 */
const textAliases = (value: unknown) => {
  if (!value || typeof value !== 'object') return value
  const v = value as Record<string, unknown>
  return v.text === undefined && (v.note !== undefined || v.comment !== undefined) ? { ...v, text: v.note ?? v.comment } : v
}

export const ticketsCommentInput = z.preprocess(
  textAliases,
  z.object({
    ticketId: idSchema,
    text: noteSchema,
    photos: photosInputSchema.optional(),
    /** Parties only: a note the reporter and other residents do not see (e.g. internal coordination). */
    internal: z.boolean().optional()
  })
)

export const ticketsConfirmInput = z.object({
  ticketId: idSchema,
  rating: z.number().int().min(1).max(5),
  comment: z.string().trim().max(TICKET_LIMITS.noteMax, `评价内容不能超过${TICKET_LIMITS.noteMax}个字`).optional()
})

export const ticketsReopenInput = z.preprocess(
  (value) => {
    // `reason` / `comment` are read as `note` (callers outside this repository).
    if (!value || typeof value !== 'object') return value
    const v = value as Record<string, unknown>
    return v.note === undefined && (v.reason !== undefined || v.comment !== undefined) ? { ...v, note: v.reason ?? v.comment } : v
  },
  z.object({
    ticketId: idSchema,
    /** Why it is not fixed; the form asks for it, the contract keeps it optional. */
    note: noteSchema.optional(),
    photos: photosInputSchema.optional()
  })
)

export const UPLOAD_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const
export const ticketsUploadInput = z.object({
  contentType: z.enum(UPLOAD_TYPES),
  /** Base64 of the image (no data: prefix); at most TICKET_LIMITS.uploadBytes once decoded. */
  data: z.string().min(16).max(Math.ceil((TICKET_LIMITS.uploadBytes * 4) / 3) + 4)
})

export const ticketsSweepInput = z.object({})

export const routingRuleSchema = z.object({
  category: ticketCategorySchema,
  leadParty: partySchema,
  /** Hours from creation (or hand-over) to acceptance. */
  acceptHours: z.number().int().min(1).max(24 * 14),
  /** Hours from creation to resolution. */
  resolveHours: z.number().int().min(1).max(24 * 60)
})
export type RoutingRule = z.infer<typeof routingRuleSchema>

/**
 * Defaults used for a category without a stored rule (collection `routingRules`, `_id` = category,
 * changed by the district admin through `tickets.setRule`). Blocked drains and safety hazards are
 * urgent; disputes go to the 居委会 (mediation) with a week to settle.
 */
export const DEFAULT_ROUTING: Record<TicketCategory, RoutingRule> = {
  parking: { category: 'parking', leadParty: 'property_company', acceptHours: 24, resolveHours: 72 },
  drain: { category: 'drain', leadParty: 'property_company', acceptHours: 12, resolveHours: 48 },
  stairwell: { category: 'stairwell', leadParty: 'property_company', acceptHours: 24, resolveHours: 72 },
  sanitation: { category: 'sanitation', leadParty: 'property_company', acceptHours: 24, resolveHours: 72 },
  repair: { category: 'repair', leadParty: 'property_company', acceptHours: 24, resolveHours: 120 },
  safety: { category: 'safety', leadParty: 'property_company', acceptHours: 4, resolveHours: 48 },
  dispute: { category: 'dispute', leadParty: 'residents_committee', acceptHours: 24, resolveHours: 168 },
  other: { category: 'other', leadParty: 'residents_committee', acceptHours: 24, resolveHours: 120 }
}

export const ticketsRulesInput = z.object({})
export const ticketsSetRuleInput = routingRuleSchema

// ---------------------------------------------------------------------------------------------
// Shapes returned

export const photoSchema = z.object({ fileID: z.string(), url: z.string() })
export type Photo = z.infer<typeof photoSchema>

export const ticketEventKinds = ['created', 'accepted', 'resolved', 'handover', 'closed', 'comment', 'escalated', 'confirmed', 'reopened', 'excluded'] as const
export type TicketEventKind = (typeof ticketEventKinds)[number]
export const TICKET_EVENT_LABELS: Record<TicketEventKind, string> = {
  created: '提交反映',
  accepted: '已受理',
  resolved: '已办结',
  handover: '转交',
  closed: '已关闭',
  comment: '补充说明',
  escalated: '超时督办',
  confirmed: '居民确认',
  reopened: '居民重新打开',
  excluded: '申诉成立，不计入物业考评'
}

/** Who acted: the reporter, one of the parties, the district, or the system (deadline checks). */
export const ACTOR_KINDS = ['reporter', 'resident', ...PARTIES, 'district', 'system'] as const
export type ActorKind = (typeof ACTOR_KINDS)[number]
export const ACTOR_LABELS: Record<ActorKind, string> = {
  reporter: '反映人',
  resident: '居民',
  property_company: '物业',
  owners_committee: '业委会',
  residents_committee: '居委会',
  district: '区级',
  system: '系统'
}

export const ticketEventSchema = z.object({
  _id: z.string(),
  kind: z.enum(ticketEventKinds),
  at: z.string(),
  actor: z.enum(ACTOR_KINDS),
  actorName: z.string(),
  note: z.string().optional(),
  photos: z.array(photoSchema),
  from: ticketStatusSchema.optional(),
  to: ticketStatusSchema.optional(),
  party: partySchema.optional(),
  internal: z.boolean().optional(),
  rating: z.number().optional()
})
export type TicketEvent = z.infer<typeof ticketEventSchema>

export const ticketActionsSchema = z.object({
  accept: z.boolean(),
  resolve: z.boolean(),
  handover: z.boolean(),
  close: z.boolean(),
  comment: z.boolean(),
  confirm: z.boolean(),
  reopen: z.boolean(),
  /** Parties the ticket may be handed over to (those that exist for its compound, minus the lead). */
  handoverTo: z.array(partySchema)
})
export type TicketActions = z.infer<typeof ticketActionsSchema>

export const ticketSummarySchema = z.object({
  _id: z.string(),
  category: ticketCategorySchema,
  description: z.string(),
  status: ticketStatusSchema,
  closeReason: z.enum(CLOSE_REASONS).optional(),
  isDispute: z.boolean(),
  communityId: z.string(),
  gridId: z.string(),
  gridName: z.string(),
  buildingId: z.string().optional(),
  buildingName: z.string().optional(),
  party: partySchema,
  partyName: z.string(),
  /** Name if the reporter allowed it (or the viewer may see it), otherwise "居民". */
  reporterName: z.string(),
  mine: z.boolean(),
  /** The viewer's party leads this ticket. */
  lead: z.boolean(),
  cover: photoSchema.optional(),
  photoCount: z.number(),
  createdAt: z.string(),
  acceptBy: z.string(),
  resolveBy: z.string(),
  acceptedAt: z.string().optional(),
  resolvedAt: z.string().optional(),
  closedAt: z.string().optional(),
  /** Evaluated at read time: which deadline has passed while the ticket is still open. */
  overdue: z.enum(['accept', 'resolve']).nullable(),
  escalated: z.boolean(),
  rating: z.number().optional(),
  reopenCount: z.number()
})
export type TicketSummary = z.infer<typeof ticketSummarySchema>

export const ticketDetailSchema = ticketSummarySchema.extend({
  communityName: z.string(),
  photos: z.array(photoSchema),
  showName: z.boolean(),
  ratingComment: z.string().optional(),
  /**
   * Parties, the district and the reporter only. `mobile` is masked (138****1234) and only for the
   * handling parties, who dial through `revealMobile` (audited).
   */
  reporter: z.object({ name: z.string(), mobile: z.string().optional() }).optional(),
  /** Public form: the parties' progress; parties and the reporter: everything. */
  events: z.array(ticketEventSchema),
  actions: ticketActionsSchema,
  /** The viewer sees the full record (reporter, party, district) rather than the public form. */
  full: z.boolean()
})
export type TicketDetail = z.infer<typeof ticketDetailSchema>

export const pageOf = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item), total: z.number(), page: z.number(), pageSize: z.number() })

export const routingRuleViewSchema = routingRuleSchema.extend({
  isDefault: z.boolean(),
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional()
})
export type RoutingRuleView = z.infer<typeof routingRuleViewSchema>

export const sweepResultSchema = z.object({
  escalated: z.number(),
  autoClosed: z.number(),
  /** More work was left for the next run (each run is bounded to fit the function timeout). */
  more: z.boolean()
})

export const ticketsContract = {
  create: { input: ticketsCreateInput, output: ticketDetailSchema },
  list: { input: ticketsListInput, output: pageOf(ticketSummarySchema) },
  get: { input: ticketsGetInput, output: ticketDetailSchema },
  transition: { input: ticketsTransitionInput, output: ticketDetailSchema },
  comment: { input: ticketsCommentInput, output: ticketDetailSchema },
  confirm: { input: ticketsConfirmInput, output: ticketDetailSchema },
  reopen: { input: ticketsReopenInput, output: ticketDetailSchema },
  /** H5 on the emulator: store one photo (base64) and get its fileID; weapp uploads with Taro.cloud.uploadFile. */
  upload: { input: ticketsUploadInput, output: photoSchema },
  /** Deadline checks: escalate overdue tickets, auto-close unanswered resolved ones (staff, admin, timer). */
  sweep: { input: ticketsSweepInput, output: sweepResultSchema },
  /** Routing rules per category (anyone signed in may read them). */
  rules: { input: ticketsRulesInput, output: z.array(routingRuleViewSchema) },
  /** District admin: change one category's rule; applies to tickets created afterwards. */
  setRule: { input: ticketsSetRuleInput, output: routingRuleViewSchema },
  /** The handling parties: the reporter's full number to call back (audited, `tickets.viewMobile`). */
  revealMobile: { input: ticketsGetInput, output: z.object({ mobile: z.string() }) }
} as const
