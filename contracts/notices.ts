import { sortSchema } from './sort'
import { z } from './zod'
import { noticeBadgeContract } from './noticeBadge'
import { dateTimeSchema, idSchema, pageInputSchema } from './common'
import { ROLES, type Role } from './roles'

/*
 * 政策宣讲与通知: notices published by community staff (their community) and the district admin (the
 * district) to an audience of places (district, communities, compounds/grids, buildings) and/or
 * roles (e.g. party members only).
 *
 * Visibility: a notice is seen only by its audience, only from `publishAt`, and never after it
 * expires or is withdrawn (a direct `get` included; anything else answers NOT_FOUND, so a notice's
 * existence does not leak). A user's place comes from their `users` profile (communityId, gridId,
 * buildingId); a user without a known residence sees district-wide notices only. Managers (staff of
 * the notice's communities, the district admin) see their notices whatever the audience, with
 * their status, in the `manage` view.
 *
 * Body: a formatted-text subset (headings, paragraphs, lists, bold/italic, links http(s)/mailto,
 * images from the file store) sent as HTML and sanitised on the server with an allowlist; the
 * client renders the returned `bodyNodes` with Taro's RichText, never raw HTML.
 */

/** The page a pushed message opens (mini-program path, no leading slash; `?id=<noticeId>`). */
export const NOTICE_DETAIL_PAGE = 'packages/notices/pages/detail/index'

export const NOTICE_CATEGORIES = ['property_policy', 'community', 'activity', 'party_study', 'safety'] as const
export type NoticeCategory = (typeof NOTICE_CATEGORIES)[number]
export const NOTICE_CATEGORY_LABELS: Record<NoticeCategory, string> = {
  property_policy: '物业政策',
  community: '社区公告',
  activity: '活动通知',
  party_study: '党建学习',
  safety: '安全提示'
}

/** A category by code, or by its Chinese label (物业政策 …) as people write it. */
export const noticeCategorySchema = z.preprocess((value) => {
  if (typeof value !== 'string') return value
  const byLabel = (Object.entries(NOTICE_CATEGORY_LABELS) as [NoticeCategory, string][]).find(([, label]) => label === value.trim())
  return byLabel ? byLabel[0] : value
}, z.enum(NOTICE_CATEGORIES))

/** Roles a notice may be limited to ('resident' = everybody, the same as no role limit). */
export const AUDIENCE_ROLES = ROLES
export const AUDIENCE_ROLE_LABELS: Record<Role, string> = {
  resident: '全体居民',
  member: '在职党员',
  staff: '社区工作者',
  district_admin: '区级管理员',
  property_staff: '物业服务企业人员',
  committee: '业委会成员'
}

export const NOTICE_LIMITS = {
  titleMax: 60,
  /** Sanitised HTML, characters. */
  bodyMax: 20000,
  /** Plain text of the body, characters. */
  bodyTextMax: 10000,
  attachments: 9,
  /** Any attachment, bytes (images and PDF). */
  attachmentBytes: 10 * 1024 * 1024,
  /**
   * The emulator's H5 path uploads through the function call (base64 in a 2 MB request body):
   * a file uploaded that way is at most this size. The mini-program uploads straight to cloud
   * storage (Taro.cloud.uploadFile) and gets the full `attachmentBytes`.
   */
  inlineUploadBytes: 1400 * 1024,
  places: 200,
  searchMax: 30,
  reasonMax: 200
} as const

export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'application/pdf'] as const
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number]
export const attachmentTypeSchema = z.enum(ATTACHMENT_TYPES)
export const ATTACHMENT_EXTENSIONS: Record<AttachmentType, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'application/pdf': 'pdf'
}

/** A stored file: `cloud://…` (WeChat cloud storage) or `local://…` (the emulator's file store). */
export const noticeFileIdSchema = z.string().regex(/^(cloud|local):\/\/[A-Za-z0-9._\-/]{3,300}$/, '文件地址无效')

export const attachmentInputSchema = z.object({
  fileID: noticeFileIdSchema,
  /** Shown to readers, e.g. 《物业管理条例》全文.pdf */
  name: z.string().trim().min(1).max(80),
  contentType: attachmentTypeSchema,
  size: z.number().int().min(1).max(NOTICE_LIMITS.attachmentBytes, '附件不能超过10MB')
})
export type AttachmentInput = z.infer<typeof attachmentInputSchema>

const placeIds = z.array(idSchema).max(NOTICE_LIMITS.places)

/**
 * Who a notice is for: the whole district, or any mix of communities, compounds (grids) and
 * buildings (a person in any of them), optionally limited to roles (a person holding any of them;
 * empty or containing 'resident' = no limit). The string 'district' is short for `{ district: true }`.
 */
export const audienceSchema = z.preprocess(
  (value) => (value === 'district' ? { district: true } : value),
  z
    .object({
      district: z.boolean().default(false),
      communityIds: placeIds.default([]),
      gridIds: placeIds.default([]),
      buildingIds: placeIds.default([]),
      roles: z.array(z.enum(AUDIENCE_ROLES)).max(AUDIENCE_ROLES.length).default([])
    })
    .refine((a) => a.district || a.communityIds.length + a.gridIds.length + a.buildingIds.length > 0, {
      message: '请选择通知对象',
      path: ['communityIds']
    })
)
export type AudienceInput = z.input<typeof audienceSchema>
export type Audience = z.output<typeof audienceSchema>

const titleSchema = z.string().trim().min(2, '标题至少2个字').max(NOTICE_LIMITS.titleMax, `标题不超过${NOTICE_LIMITS.titleMax}字`)
const bodySchema = z.string().trim().min(1, '请填写正文').max(NOTICE_LIMITS.bodyMax, '正文过长')

export const noticesPublishInput = z.object({
  title: titleSchema,
  category: noticeCategorySchema,
  /** HTML of the formatted-text subset; sanitised by the server. */
  body: bodySchema,
  audience: audienceSchema,
  /** Omitted (or in the past): now. A later time schedules the notice. */
  publishAt: dateTimeSchema.optional(),
  pinned: z.boolean().optional(),
  /** After this the notice is no longer shown. */
  expiresAt: dateTimeSchema.optional(),
  attachments: z.array(attachmentInputSchema).max(NOTICE_LIMITS.attachments).optional(),
  /** Important: pushed as a subscription message to subscribers in the audience when it is published. */
  important: z.boolean().optional()
})
export type NoticesPublishInput = z.input<typeof noticesPublishInput>

export const noticesUpdateInput = z.object({
  noticeId: idSchema,
  title: titleSchema.optional(),
  category: noticeCategorySchema.optional(),
  body: bodySchema.optional(),
  audience: audienceSchema.optional(),
  /** Only while the notice is still scheduled. */
  publishAt: dateTimeSchema.optional(),
  pinned: z.boolean().optional(),
  /** null removes the expiry. */
  expiresAt: dateTimeSchema.nullable().optional(),
  attachments: z.array(attachmentInputSchema).max(NOTICE_LIMITS.attachments).optional(),
  important: z.boolean().optional(),
  /** What changed, for the history (optional). */
  note: z.string().trim().max(NOTICE_LIMITS.reasonMax).optional()
})
export type NoticesUpdateInput = z.input<typeof noticesUpdateInput>

export const noticesWithdrawInput = z.object({
  noticeId: idSchema,
  reason: z.string().trim().max(NOTICE_LIMITS.reasonMax, `撤回原因不能超过${NOTICE_LIMITS.reasonMax}个字`).optional()
})

export const noticesListInput = pageInputSchema.extend({
  category: noticeCategorySchema.optional(),
  /** Words in the title or body. */
  q: z.string().trim().max(NOTICE_LIMITS.searchMax).optional(),
  /**
   * inbox (default): the notices meant for me, visible now, pinned then newest first.
   * manage: staff and district admin — the notices of my communities (district admin: all),
   * in every state (scheduled, published, expired, withdrawn), newest first.
   */
  view: z.enum(['inbox', 'manage']).optional(),
  /** manage only: one state. */
  status: z.enum(['scheduled', 'published', 'expired', 'withdrawn']).optional(),
  /** manage only (the back office): by publish time, in the order asked (default newest first). */
  sort: sortSchema(['publishAt'], ['发布时间']).optional()
})
export type NoticesListInput = z.input<typeof noticesListInput>

export const noticesGetInput = z.object({ noticeId: idSchema })
export { noticesUnreadCountInput } from './noticeBadge'

export const noticesReadStatsInput = z.object({
  noticeId: idSchema,
  /** Narrow to one community (rows per grid and per building). */
  communityId: idSchema.optional(),
  /** Narrow to one compound (rows per building). */
  gridId: idSchema.optional(),
  /** One building: its row and the people there who have not read it (paged). */
  buildingId: idSchema.optional(),
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(100).default(50)
})
export type NoticesReadStatsInput = z.input<typeof noticesReadStatsInput>

/** H5 on the emulator: store one attachment (base64) and get its fileID. */
export const noticesUploadInput = z.object({
  name: z.string().trim().min(1).max(80),
  contentType: attachmentTypeSchema,
  /** Base64 (no data: prefix); at most NOTICE_LIMITS.inlineUploadBytes once decoded. */
  data: z
    .string()
    .min(8)
    .max(Math.ceil((NOTICE_LIMITS.inlineUploadBytes * 4) / 3) + 4, '文件过大（网页版单个附件不超过1.4MB）')
})

/** Places to choose an audience from: the communities, a community's compounds, or a compound's buildings. */
export const noticesPlacesInput = z.object({
  communityId: idSchema.optional(),
  gridId: idSchema.optional()
})

/**
 * 我的住址: a resident (not a party member, whose residence comes from their approved 报到
 * registration) says where they live, so that notices for their community, compound and building
 * reach them and they count in read coverage.
 */
export const noticesSetResidenceInput = z.object({
  communityId: idSchema,
  gridId: idSchema,
  buildingId: idSchema
})
export const residenceSchema = z.object({
  communityId: z.string(),
  communityName: z.string(),
  gridId: z.string(),
  gridName: z.string(),
  buildingId: z.string(),
  buildingName: z.string()
})
export type Residence = z.infer<typeof residenceSchema>

/** Records one subscription grant (the user accepted the notice template in the subscription prompt). */
export const noticesSubscribeInput = z.object({})

// ---------------------------------------------------------------------------------------------
// Shapes returned (times are ISO strings)

export const NOTICE_STATUSES = ['scheduled', 'published', 'expired', 'withdrawn'] as const
export type NoticeStatus = (typeof NOTICE_STATUSES)[number]
export const NOTICE_STATUS_LABELS: Record<NoticeStatus, string> = {
  scheduled: '待发布',
  published: '已发布',
  expired: '已过期',
  withdrawn: '已撤回'
}

/** A RichText node: the safe subset only (tag names and attributes the sanitiser allows). */
export interface RichNode {
  type?: 'text'
  name?: string
  attrs?: Record<string, string>
  text?: string
  children?: RichNode[]
}
export const richNodeSchema: z.ZodType<RichNode> = z.lazy(() =>
  z.object({
    type: z.literal('text').optional(),
    name: z.string().optional(),
    attrs: z.record(z.string(), z.string()).optional(),
    text: z.string().optional(),
    children: z.array(richNodeSchema).optional()
  })
)

export const attachmentSchema = z.object({
  fileID: z.string(),
  name: z.string(),
  contentType: attachmentTypeSchema,
  size: z.number(),
  kind: z.enum(['image', 'pdf']),
  /** A URL the app can open (temporary on WeChat). */
  url: z.string()
})
export type Attachment = z.infer<typeof attachmentSchema>

export const audienceViewSchema = z.object({
  district: z.boolean(),
  communityIds: z.array(z.string()),
  gridIds: z.array(z.string()),
  buildingIds: z.array(z.string()),
  roles: z.array(z.enum(AUDIENCE_ROLES)),
  /** 东风社区 · 锦绣花园2号楼 · 在职党员 */
  label: z.string()
})
export type AudienceView = z.infer<typeof audienceViewSchema>

export const noticeSummarySchema = z.object({
  noticeId: z.string(),
  title: z.string(),
  category: z.enum(NOTICE_CATEGORIES),
  categoryLabel: z.string(),
  /** The first lines of the body as plain text. */
  summary: z.string(),
  publishAt: z.string(),
  expiresAt: z.string().nullable(),
  pinned: z.boolean(),
  important: z.boolean(),
  /** Who published it: 东风社区 / 示范区 */
  publisherName: z.string(),
  /** Edited after publishing. */
  edited: z.boolean(),
  updatedAt: z.string(),
  attachmentCount: z.number(),
  /** Whether I have opened it (inbox view). */
  read: z.boolean(),
  status: z.enum(NOTICE_STATUSES),
  /** manage view: readers so far. */
  readCount: z.number().optional(),
  audienceLabel: z.string().optional(),
  canEdit: z.boolean().optional()
})
export type NoticeSummary = z.infer<typeof noticeSummarySchema>

export const noticeHistorySchema = z.object({
  action: z.enum(['publish', 'update', 'withdraw']),
  at: z.string(),
  by: z.string(),
  note: z.string().optional()
})

export const noticeDetailSchema = noticeSummarySchema.extend({
  /** Sanitised HTML (for editing; never injected into a page). */
  body: z.string(),
  /** What the app renders with RichText; image sources are resolved to URLs. */
  bodyNodes: z.array(richNodeSchema),
  attachments: z.array(attachmentSchema),
  readAt: z.string().nullable(),
  /** Managers only. */
  audience: audienceViewSchema.optional(),
  withdrawnReason: z.string().optional(),
  history: z.array(noticeHistorySchema).optional(),
  canEdit: z.boolean(),
  canViewStats: z.boolean()
})
export type NoticeDetail = z.infer<typeof noticeDetailSchema>

export const pageOfSchema = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item), total: z.number(), page: z.number(), pageSize: z.number() })

export const coverageRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Parent place, for grid rows (community) and building rows (grid). */
  parentName: z.string().optional(),
  audience: z.number(),
  read: z.number()
})
export type CoverageRow = z.infer<typeof coverageRowSchema>

export const unreadPersonSchema = z.object({
  name: z.string(),
  mobileMasked: z.string().optional(),
  isMember: z.boolean(),
  roleLabel: z.string()
})
export type UnreadPerson = z.infer<typeof unreadPersonSchema>

export const readStatsSchema = z.object({
  noticeId: z.string(),
  title: z.string(),
  publishAt: z.string(),
  status: z.enum(NOTICE_STATUSES),
  audienceLabel: z.string(),
  /** The level shown: the district (rows per community), one community, one compound or one building. */
  scope: z.object({
    level: z.enum(['district', 'community', 'grid', 'building']),
    communityId: z.string().optional(),
    communityName: z.string().optional(),
    gridId: z.string().optional(),
    gridName: z.string().optional(),
    buildingId: z.string().optional(),
    buildingName: z.string().optional()
  }),
  /**
   * In the scope: people in the audience with a known residence (building), and how many of them
   * have opened the notice. People without a known residence are not in the coverage; those who
   * read it anyway are counted in `otherReaders` (district-wide notices only).
   */
  audience: z.number(),
  read: z.number(),
  unread: z.number(),
  /** read / audience, 0..1 (0 when the audience is empty). */
  rate: z.number(),
  otherReaders: z.number(),
  byCommunity: z.array(coverageRowSchema).optional(),
  byGrid: z.array(coverageRowSchema).optional(),
  byBuilding: z.array(coverageRowSchema).optional(),
  /** Building scope: who in the building has not read it, party members first. */
  unreadPeople: pageOfSchema(unreadPersonSchema).optional(),
  /** When the audience sizes were counted (district-wide counts are kept for a few minutes). */
  audienceCountedAt: z.string()
})
export type ReadStats = z.infer<typeof readStatsSchema>

export const uploadResultSchema = z.object({
  fileID: z.string(),
  url: z.string(),
  name: z.string(),
  contentType: attachmentTypeSchema,
  size: z.number()
})
export type UploadResult = z.infer<typeof uploadResultSchema>

export const placeSchema = z.object({ id: z.string(), name: z.string() })
export type PlaceOption = z.infer<typeof placeSchema>
export const placesSchema = z.object({ items: z.array(placeSchema) })

export const noticesContract = {
  publish: { input: noticesPublishInput, output: noticeDetailSchema },
  update: { input: noticesUpdateInput, output: noticeDetailSchema },
  withdraw: { input: noticesWithdrawInput, output: noticeDetailSchema },
  list: { input: noticesListInput, output: pageOfSchema(noticeSummarySchema) },
  /** Opens a notice; for someone in its audience it is marked read (once). */
  get: { input: noticesGetInput, output: noticeDetailSchema },
  ...noticeBadgeContract,
  readStats: { input: noticesReadStatsInput, output: readStatsSchema },
  upload: { input: noticesUploadInput, output: uploadResultSchema },
  /** The publish form's audience picker: communities, or the compounds of one, or the buildings of a compound. */
  places: { input: noticesPlacesInput, output: placesSchema },
  subscribe: { input: noticesSubscribeInput, output: z.object({ credits: z.number() }) },
  setResidence: { input: noticesSetResidenceInput, output: residenceSchema }
} as const
