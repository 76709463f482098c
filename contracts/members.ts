import { z } from './zod'
import { idSchema, mobileSchema, pageInputSchema, type Page } from './common'
import { importConfirmInputOf, importConfirmOutput, importPreviewInputOf, importPreviewOutput } from './imports'
import { batchIdsSchema, batchReplySchema } from './batch'

/*
 * 在职党员到居住地报到 (registration): a party member scans their residence community's code,
 * submits a registration, staff review it and place the member in the community's four-level
 * organisation (社区大党委 → 网格党支部 → 楼栋党小组 → 党员中心户).
 *
 * Functions: `members` (register, me, review, list, stats, export + the helpers the app needs:
 * scene, detail, placementOptions, revealMobile, setTarget, setCommunityTargets) and `qrcodes` (community).
 */

// ------------------------------------------------------------------ enums and labels

/** `withdrawn`: the registrant withdrew their consent (我的 → 个人信息与隐私), which ends the registration. */
export const REGISTRATION_STATUSES = ['pending', 'approved', 'rejected', 'transferred', 'withdrawn'] as const
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number]
export const registrationStatusSchema = z.enum(REGISTRATION_STATUSES)
export const REGISTRATION_STATUS_LABELS: Record<RegistrationStatus, string> = {
  pending: '待审核',
  approved: '已报到',
  rejected: '未通过',
  transferred: '已转出',
  withdrawn: '已结束（本人撤回）'
}

/** Skills offered on the form as quick picks; members may also type their own. */
export const SKILL_OPTIONS = ['水电维修', '家电维修', '医疗保健', '法律咨询', '心理疏导', '教育辅导', '文艺演出', '书法绘画', '摄影摄像', '电脑手机', '理发', '驾驶'] as const

/** The kinds of service a member is willing to do in the community. */
export const SERVICE_KINDS = ['policy', 'environment', 'mediation', 'elderly', 'tutoring', 'patrol', 'civility', 'emergency'] as const
export type ServiceKind = (typeof SERVICE_KINDS)[number]
export const SERVICE_KIND_LABELS: Record<ServiceKind, string> = {
  policy: '政策宣讲',
  environment: '环境整治',
  mediation: '矛盾调解',
  elderly: '关爱老幼',
  tutoring: '助学辅导',
  patrol: '平安巡逻',
  civility: '文明劝导',
  emergency: '应急突击'
}

export const REVIEW_DECISIONS = ['approve', 'reject'] as const
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number]

/** What happened to a registration, for its history. */
export const REGISTRATION_EVENTS = ['submitted', 'edited', 'approved', 'rejected', 'transferred', 'withdrawn'] as const
export type RegistrationEvent = (typeof REGISTRATION_EVENTS)[number]
export const REGISTRATION_EVENT_LABELS: Record<RegistrationEvent, string> = {
  submitted: '提交报到',
  edited: '修改报到信息',
  approved: '审核通过',
  rejected: '审核未通过',
  transferred: '转至其他社区',
  withdrawn: '本人撤回同意，报到结束'
}

/** The mini-program page a community code opens (with `scene`); H5 opens the same hash route. */
export const REGISTER_PAGE = 'packages/register/pages/form/index'

/** Default district target for 在职党员报到 (the seed document's figure); district admin may change it. */
export const DEFAULT_REGISTRATION_TARGET = 4403

/** The largest target a community or the district may be given. */
export const MAX_REGISTRATION_TARGET = 1_000_000
// Without zod in ./targetLabels (the district pages import it from there).
export * from './targetLabels'

/** A community's target and its approved (已报到) members: the row of stats, the dashboard and the export. */
export const targetProgressSchema = z.object({
  communityId: z.string(),
  communityName: z.string(),
  /** Set by the district admin (`setCommunityTargets`); null: 未设目标. */
  target: z.number().int().nullable(),
  /** Registrations approved in the community (people serving there now). */
  approved: z.number().int(),
  /** approved ÷ target × 100, one decimal; null without a target. */
  percent: z.number().nullable()
})
export type TargetProgress = z.infer<typeof targetProgressSchema>

// ------------------------------------------------------------------ shared pieces

/** A scene is at most 32 visible characters (wxacode.getUnlimited); ours are short codes. */
export const sceneSchema = z
  .string()
  .trim()
  .min(1, '请扫描社区报到码')
  .max(32, '报到码无效')
  .regex(/^[A-Za-z0-9_-]+$/, '报到码无效')

const text = (min: number, max: number, label: string) =>
  z
    .string()
    .trim()
    .min(min, min <= 1 ? `请填写${label}` : `${label}至少${min}个字`)
    .max(max, `${label}不能超过${max}个字`)

/** Skills: a list, or one comma/顿号-separated string (normalised to a list). */
export const skillsSchema = z
  .union([z.array(z.string().trim().min(1, '技能特长不能为空').max(20, '每项特长不超过20个字')).max(12, '技能特长最多12项'), z.string().trim().max(200, '技能特长不能超过200个字')])
  .transform((value) => {
    const list = Array.isArray(value) ? value : value.split(/[,，、;；\s]+/)
    return [...new Set(list.map((s) => s.trim()).filter(Boolean))].slice(0, 12)
  })
  .refine((list) => list.every((s) => s.length <= 20), '每项特长不超过20个字')

export const placementInputSchema = z.object({
  branchId: idSchema,
  partyGroupId: idSchema,
  /** Not every building has a 党员中心户 (634 households for 765 buildings in the seed). */
  centralHouseholdId: idSchema.optional()
})
export type PlacementInput = z.infer<typeof placementInputSchema>

export const placementViewSchema = z.object({
  branch: z.object({ id: z.string(), name: z.string(), secretary: z.string(), gridId: z.string() }),
  partyGroup: z.object({ id: z.string(), name: z.string(), leader: z.string(), buildingId: z.string() }),
  centralHousehold: z.object({ id: z.string(), name: z.string(), room: z.string(), buildingName: z.string().optional() }).nullable()
})
export type PlacementView = z.infer<typeof placementViewSchema>

export const historyEntrySchema = z.object({
  at: z.string(),
  event: z.enum(REGISTRATION_EVENTS),
  actorName: z.string().optional(),
  note: z.string().optional()
})

/** A registration as shown to its owner or to the community's staff. */
export const registrationSchema = z.object({
  id: z.string(),
  status: registrationStatusSchema,
  scene: z.string().optional(),
  communityId: z.string(),
  communityName: z.string(),
  gridId: z.string(),
  gridName: z.string(),
  buildingId: z.string(),
  buildingName: z.string(),
  unit: z.string().optional(),
  room: z.string(),
  name: z.string(),
  /** 138****1234: what everyone sees in lists. */
  mobileMasked: z.string(),
  /** Full number: only to the registrant themself. Staff reveal it with `revealMobile` (audited). */
  mobile: z.string().optional(),
  workUnit: z.string(),
  partyOrg: z.string(),
  skills: z.array(z.string()),
  services: z.array(z.enum(SERVICE_KINDS)),
  submittedAt: z.string(),
  updatedAt: z.string(),
  reviewedAt: z.string().optional(),
  reviewerName: z.string().optional(),
  rejectReason: z.string().optional(),
  /** A transfer: the community the member is registered in now (released on approval). */
  transferFrom: z.object({ registrationId: z.string(), communityId: z.string(), communityName: z.string() }).optional(),
  placement: placementViewSchema.optional(),
  history: z.array(historyEntrySchema).optional()
})
export type Registration = z.infer<typeof registrationSchema>

// ------------------------------------------------------------------ actions

export const registerInput = z.object({
  scene: sceneSchema,
  name: text(2, 30, '姓名'),
  mobile: z.string().trim().pipe(mobileSchema),
  workUnit: text(2, 60, '工作单位'),
  partyOrg: text(2, 60, '所在党组织'),
  gridId: idSchema,
  buildingId: idSchema,
  unit: z.string().trim().max(10, '单元不能超过10个字').optional(),
  room: text(1, 20, '门牌号'),
  skills: skillsSchema.optional(),
  services: z.array(z.enum(SERVICE_KINDS)).max(SERVICE_KINDS.length).optional(),
  /** Explicit consent to the processing of personal information (个人信息保护法 第十三、十四条). */
  consent: z.literal(true, { message: '请阅读并同意个人信息处理规则' })
})
export type RegisterInput = z.input<typeof registerInput>
export const registerOutput = z.object({
  registration: registrationSchema,
  /** false when an existing pending registration was updated instead. */
  created: z.boolean(),
  /** true when the member is approved elsewhere and this starts a transfer. */
  transfer: z.boolean()
})
export type RegisterOutput = z.infer<typeof registerOutput>

export const meInput = z.object({})
export const meOutput = z.object({
  /** The registration being served in now (with placement), if any. */
  approved: registrationSchema.nullable(),
  /** A registration awaiting review (a first one, or a transfer), if any. */
  pending: registrationSchema.nullable(),
  /** The latest rejected registration, when it is newer than any active one (to show the reason). */
  rejected: registrationSchema.nullable()
})
export type MeOutput = z.infer<typeof meOutput>

export const reviewInput = z
  .object({
    registrationId: idSchema,
    decision: z.enum(REVIEW_DECISIONS),
    reason: z.string().trim().max(200, '原因不能超过200个字').optional(),
    placement: placementInputSchema.optional()
  })
  .superRefine((value, ctx) => {
    if (value.decision === 'reject' && !value.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: '请填写未通过的原因' })
  })
export type ReviewInput = z.input<typeof reviewInput>
export const reviewOutput = z.object({ registration: registrationSchema })

/**
 * The back office's review in batch (docs/back-office.md §4): one decision for up to 20
 * registrations, each reviewed by `review` itself (its guards, history and message), per-id
 * outcomes; one refusal never stops the others. One reason for all when rejecting.
 */
export const reviewManyInput = z
  .object({
    registrationIds: batchIdsSchema('报到记录'),
    decision: z.enum(REVIEW_DECISIONS),
    reason: z.string().trim().max(200, '原因不能超过200个字').optional(),
    placement: placementInputSchema.optional()
  })
  .superRefine((value, ctx) => {
    if (value.decision === 'reject' && !value.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: '请填写未通过的原因' })
  })
export type ReviewManyInput = z.input<typeof reviewManyInput>
export const reviewManyOutput = batchReplySchema

/** A search that is a whole mobile number (spaces and dashes allowed): 13812345678, 138 1234 5678. */
export const fullMobileOf = (q: string): string | null => {
  const digits = q.replace(/[\s-]/g, '')
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null
}
const isFullMobileQuery = (q: string) => fullMobileOf(q) !== null

/** Filters shared by list and export. */
const filterShape = {
  /** District admin only (staff: one of their communities; default their first). */
  communityId: idSchema.optional(),
  status: registrationStatusSchema.optional(),
  gridId: idSchema.optional(),
  buildingId: idSchema.optional(),
  /** Contains, case-insensitive. */
  workUnit: z.string().trim().max(60, '工作单位不能超过60个字').optional(),
  /**
   * Searches name, work unit and party organisation (contains); a mobile only as the exact full
   * 11-digit number (audited) — never part of one, so a number cannot be recovered digit by digit.
   */
  q: z
    .string()
    .trim()
    .max(40, '搜索内容不能超过40个字')
    .refine((q) => !/^[\d\s-]+$/.test(q) || isFullMobileQuery(q), '按手机号查找请输入完整的11位手机号')
    .optional()
}
/**
 * The orders the back office's table offers (each served by an index in server/db/collections.ts:
 * communityId + status + the field). Without `sort`: the review queue oldest first, every other
 * view newest first (by submittedAt).
 */
export const LIST_SORT_FIELDS = ['submittedAt', 'reviewedAt'] as const
export type ListSortField = (typeof LIST_SORT_FIELDS)[number]
export const listSortSchema = z.object({
  field: z.enum(LIST_SORT_FIELDS, { message: '排序字段无效' }),
  order: z.enum(['asc', 'desc'], { message: '排序方向无效' })
})
export const listInput = pageInputSchema.extend({ ...filterShape, sort: listSortSchema.optional() })
export type ListInput = z.input<typeof listInput>
export const listItemSchema = registrationSchema.omit({ history: true, mobile: true })
export type ListItem = z.infer<typeof listItemSchema>
export const listOutput = z.object({
  items: z.array(listItemSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int()
})
export type ListOutput = Page<ListItem>

export const statsInput = z.object({})
export const progressSchema = z.object({
  registered: z.number().int(),
  approved: z.number().int(),
  pending: z.number().int(),
  /** Of `pending`: transfers in from another community (the member is still counted there). */
  pendingTransfers: z.number().int()
})
export const communityProgressSchema = progressSchema.extend({
  communityId: z.string(),
  communityName: z.string(),
  /** The community's own target (set by the district admin); null: 未设目标. */
  target: z.number().int().nullable(),
  /** approved ÷ target × 100, one decimal; null without a target. */
  percent: z.number().nullable()
})
export const statsOutput = z.object({
  /** 'district' for district admin; 'community' for staff (their communities only). */
  scope: z.enum(['district', 'community']),
  /** The district's target (4,403 by default). */
  target: z.number().int(),
  /** approved ÷ the district's target × 100 (district admin); null for staff. */
  percent: z.number().nullable(),
  /** Σ of the communities' own targets (those set), to compare with the district's. */
  communityTargetsTotal: z.number().int(),
  /** District totals (people: a pending transfer is not counted twice). Null for staff. */
  district: progressSchema.nullable(),
  communities: z.array(communityProgressSchema)
})
export type StatsOutput = z.infer<typeof statsOutput>

export const exportInput = z.object(filterShape)
export type ExportInput = z.input<typeof exportInput>
export const exportOutput = z.object({ fileID: z.string(), url: z.string(), fileName: z.string(), rows: z.number().int() })
export type ExportOutput = z.infer<typeof exportOutput>

/** The form's community, compounds and buildings for a scanned code. */
export const sceneInput = z.object({ scene: sceneSchema })
export const sceneOutput = z.object({
  scene: z.string(),
  communityId: z.string(),
  communityName: z.string(),
  grids: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      buildings: z.array(z.object({ id: z.string(), name: z.string(), units: z.number().int() }))
    })
  ),
  /** Subscription template ids to ask for on submit (WeChat only; empty when none configured). */
  templateIds: z.array(z.string())
})
export type SceneOutput = z.infer<typeof sceneOutput>

/** Staff: a community's compounds and buildings (for the list's filters). */
export const structureInput = z.object({ communityId: idSchema })
export const structureOutput = sceneOutput.omit({ scene: true, templateIds: true })
export type CommunityStructure = z.infer<typeof structureOutput>

export const detailInput = z.object({ registrationId: idSchema })
export const detailOutput = z.object({ registration: registrationSchema })

export const placementOptionsInput = z.object({ registrationId: idSchema, gridId: idSchema.optional() })
export const placementOptionsOutput = z.object({
  /** From the address (branch of the grid, group of the building, its central household or the grid's nearest). */
  suggested: z.object({ branchId: z.string(), partyGroupId: z.string(), centralHouseholdId: z.string().optional() }),
  gridId: z.string(),
  branches: z.array(z.object({ id: z.string(), name: z.string(), secretary: z.string(), gridId: z.string() })),
  partyGroups: z.array(z.object({ id: z.string(), name: z.string(), leader: z.string(), buildingId: z.string() })),
  centralHouseholds: z.array(z.object({ id: z.string(), name: z.string(), room: z.string(), buildingId: z.string(), buildingName: z.string() }))
})
export type PlacementOptions = z.infer<typeof placementOptionsOutput>

export const revealMobileInput = z.object({ registrationId: idSchema })
export const revealMobileOutput = z.object({ mobile: z.string() })

const targetValue = (label: string) =>
  z
    .number({ message: `${label}应为整数` })
    .int(`${label}应为整数`)
    .min(1, `${label}至少为1名`)
    .max(MAX_REGISTRATION_TARGET, `${label}不能超过${MAX_REGISTRATION_TARGET}名`)

export const setTargetInput = z.object({ target: targetValue('区定目标') })
export const setTargetOutput = z.object({ target: z.number().int() })

/**
 * District admin: the communities' own targets, several at once (the form's list). `target: null`
 * clears one (未设目标). Communities not named keep theirs. All or nothing: an unknown or repeated
 * community refuses the whole input.
 */
export const setCommunityTargetsInput = z.object({
  targets: z
    .array(z.object({ communityId: idSchema, target: targetValue('社区报到目标').nullable() }))
    .min(1, '请至少填写一个社区的目标')
    .max(1000, '一次最多设置1000个社区')
})
export type SetCommunityTargetsInput = z.input<typeof setCommunityTargetsInput>
export const setCommunityTargetsOutput = z.object({
  /** Every community's target after the change, in the district's order. */
  communities: z.array(z.object({ communityId: z.string(), communityName: z.string(), target: z.number().int().nullable() })),
  /** How many communities' targets changed. */
  changed: z.number().int()
})
export type SetCommunityTargetsOutput = z.infer<typeof setCommunityTargetsOutput>

// ------------------------------------------------------------------ roster imports (docs/back-office.md §5)

/** One row of 在职党员名册 (kind `members`): the registration form's own fields and messages. */
export const memberRosterRowSchema = z.object({
  name: registerInput.shape.name,
  mobile: registerInput.shape.mobile,
  workUnit: z.string().trim().max(60, '工作单位不能超过60个字'),
  partyOrg: z.string().trim().max(60, '所在党组织不能超过60个字'),
  grid: z.string().trim().max(40, '小区名称不能超过40个字'),
  building: z.string().trim().max(20, '楼栋不能超过20个字'),
  unit: registerInput.shape.unit,
  room: z.string().trim().max(20, '门牌号不能超过20个字')
})
export type MemberRosterRow = z.output<typeof memberRosterRowSchema>
/** One row of 楼栋住户 (kind `residents`): a household member at a room of a building. */
export const residentRosterRowSchema = z.object({
  grid: z.string().trim().max(40, '小区名称不能超过40个字'),
  building: z.string().trim().min(1, '请填写楼栋').max(20, '楼栋不能超过20个字'),
  unit: registerInput.shape.unit,
  room: registerInput.shape.room,
  name: registerInput.shape.name,
  mobile: z.union([z.literal(''), registerInput.shape.mobile])
})
export type ResidentRosterRow = z.output<typeof residentRosterRowSchema>
export const membersImportPreviewInput = importPreviewInputOf(['members', 'residents'])
export const membersImportConfirmInput = importConfirmInputOf(['members', 'residents'])

export const membersContract = {
  importPreview: { input: membersImportPreviewInput, output: importPreviewOutput },
  importConfirm: { input: membersImportConfirmInput, output: importConfirmOutput },
  register: { input: registerInput, output: registerOutput },
  me: { input: meInput, output: meOutput },
  review: { input: reviewInput, output: reviewOutput },
  reviewMany: { input: reviewManyInput, output: reviewManyOutput },
  list: { input: listInput, output: listOutput },
  stats: { input: statsInput, output: statsOutput },
  export: { input: exportInput, output: exportOutput },
  scene: { input: sceneInput, output: sceneOutput },
  structure: { input: structureInput, output: structureOutput },
  detail: { input: detailInput, output: detailOutput },
  placementOptions: { input: placementOptionsInput, output: placementOptionsOutput },
  revealMobile: { input: revealMobileInput, output: revealMobileOutput },
  setTarget: { input: setTargetInput, output: setTargetOutput },
  setCommunityTargets: { input: setCommunityTargetsInput, output: setCommunityTargetsOutput }
} as const

// ------------------------------------------------------------------ qrcodes

export const communityCodeInput = z.object({ communityId: idSchema })
export const communityCodeOutput = z.object({
  communityId: z.string(),
  communityName: z.string(),
  scene: z.string(),
  /** The page the code opens (with `scene`). */
  page: z.string(),
  /** What to show: the cloud fileID on WeChat (an <image> src), the URL on the emulator. */
  image: z.string(),
  fileID: z.string(),
  url: z.string()
})
export type CommunityCode = z.infer<typeof communityCodeOutput>

export const qrcodesContract = {
  community: { input: communityCodeInput, output: communityCodeOutput }
} as const
