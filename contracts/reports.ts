import { z } from './zod'
import { dayStringSchema, idSchema } from './common'
import { targetProgressSchema } from './members'
import { FIGURE_KEYS, FIGURE_KINDS, SECTIONS } from './reportLabels'

/*
 * 区级看板与工作报告 (reports): every figure of the seed's 党建联建 work report that the records can
 * back, computed in the database for the district or one community and a period.
 *
 * Function `reports`:
 *   dashboard  {communityId?, from, to}            every figure, by section, plus trends and the
 *                                                  communities side by side
 *   figure     {key, communityId?, from, to, page?, pageSize?}
 *                                                  one figure and the records behind it, paged
 *   workReport {from, to, communityId?}            the period's report as an .xlsx (fileID on WeChat,
 *                                                  URL on the emulator), audit-logged
 *
 * Scope: district admin — the district, or any community with `communityId`; community staff — their
 * own community only (without `communityId` their first); anyone else FORBIDDEN.
 * Period: `from` / `to` are Asia/Shanghai dates (YYYY-MM-DD), both days included. Flow figures
 * (活动、时长、实事 …) count what happened in the period; stock figures (党支部、邻里中心 …) are as of
 * now. Every figure says which in its definition.
 */

// ------------------------------------------------------------------ sections and figures

// Without zod in ./reportLabels (the district pages import them from there).
export * from './reportLabels'
export const figureKeySchema = z.enum(FIGURE_KEYS)

// ------------------------------------------------------------------ inputs

/** A date in Asia/Shanghai. */
export const dateSchema = dayStringSchema('日期格式应为 YYYY-MM-DD，且须是真实的日期')

/** The longest period a report covers (a trend has one point per month). */
export const MAX_PERIOD_DAYS = 366 * 5

const periodShape = { from: dateSchema, to: dateSchema }
const periodCheck = (p: { from: string; to: string }, ctx: z.RefinementCtx) => {
  if (p.from > p.to) ctx.addIssue({ code: 'custom', path: ['to'], message: '结束日期不能早于开始日期' })
  else if ((Date.parse(p.to) - Date.parse(p.from)) / 86_400_000 > MAX_PERIOD_DAYS)
    ctx.addIssue({ code: 'custom', path: ['to'], message: '统计期最长5年' })
}

export const dashboardInput = z.object({ communityId: idSchema.optional(), ...periodShape }).superRefine(periodCheck)

export const figureInput = z
  .object({
    key: figureKeySchema,
    communityId: idSchema.optional(),
    ...periodShape,
    page: z.number().int().min(1).default(1),
    pageSize: z.number().int().min(1).max(100).default(20)
  })
  .superRefine(periodCheck)

export const workReportInput = z.object({ ...periodShape, communityId: idSchema.optional() }).superRefine(periodCheck)

// ------------------------------------------------------------------ outputs

export const scopeSchema = z.object({
  level: z.enum(['district', 'community']),
  communityId: z.string().optional(),
  /** 全区 or the community's name. */
  name: z.string()
})
export type ReportScope = z.infer<typeof scopeSchema>

export const periodSchema = z.object({ from: z.string(), to: z.string() })

export const breakdownSchema = z.object({ key: z.string(), label: z.string(), value: z.number() })

export const figureValueSchema = z.object({
  key: figureKeySchema,
  label: z.string(),
  section: z.enum(SECTIONS),
  unit: z.string(),
  kind: z.enum(FIGURE_KINDS),
  /** How it is computed, in Chinese (shown on the dashboard and in the workbook). */
  definition: z.string(),
  value: z.number(),
  /** A target to compare with (报到: the district's 4,403, or the community's own), when there is one. */
  target: z.number().optional(),
  /** A line shown with the value (e.g. the 红黑榜's month and 流动红旗 holder). */
  note: z.string().optional(),
  /** The value split (by category, by type …), summing to `value` where the split is exhaustive. */
  breakdown: z.array(breakdownSchema).optional()
})
export type FigureValue = z.infer<typeof figureValueSchema>

export const trendSchema = z.object({
  key: figureKeySchema,
  label: z.string(),
  unit: z.string(),
  points: z.array(z.object({ month: z.string(), value: z.number() }))
})
export type Trend = z.infer<typeof trendSchema>

export const comparisonSchema = z.object({
  key: figureKeySchema,
  label: z.string(),
  unit: z.string(),
  rows: z.array(z.object({ communityId: z.string(), communityName: z.string(), value: z.number() }))
})
export type Comparison = z.infer<typeof comparisonSchema>

/**
 * 在职党员报到 against the targets: the scope's target (the district's for the district, the
 * community's own for a community; null: 未设目标), approved members and percentage, and each
 * community's row (district: every community; a community: its own).
 */
export const registrationProgressSchema = z.object({
  target: z.number().int().nullable(),
  approved: z.number().int(),
  percent: z.number().nullable(),
  communities: z.array(targetProgressSchema)
})
export type RegistrationProgress = z.infer<typeof registrationProgressSchema>

export const dashboardSchema = z.object({
  scope: scopeSchema,
  period: periodSchema,
  generatedAt: z.string(),
  /** Communities the caller may pick (district admin: all; staff: theirs). */
  communities: z.array(z.object({ id: z.string(), name: z.string() })),
  sections: z.array(z.object({ key: z.enum(SECTIONS), label: z.string(), figures: z.array(figureValueSchema) })),
  /** Flow figures month by month over the period. */
  trends: z.array(trendSchema),
  /** Key figures for each community side by side (district scope only; empty for a community). */
  comparisons: z.array(comparisonSchema),
  /** 报到 progress against the district's and each community's target. */
  registration: registrationProgressSchema
})
export type Dashboard = z.infer<typeof dashboardSchema>

/** One record behind a figure, in a shape common to all figures. */
export const figureRecordSchema = z.object({
  id: z.string(),
  title: z.string(),
  /** A second line: place, people, status. */
  detail: z.string().optional(),
  communityName: z.string().optional(),
  /** The record's date for the figure (ISO instant). */
  at: z.string().optional(),
  /** The record's share of a summed figure (hours, yuan, rating). */
  amount: z.number().optional()
})
export type FigureRecord = z.infer<typeof figureRecordSchema>

export const figureOutput = z.object({
  scope: scopeSchema,
  period: periodSchema,
  figure: figureValueSchema,
  /** What each record is ("志愿服务记录", "小区党支部" …). */
  recordLabel: z.string(),
  records: z.object({ items: z.array(figureRecordSchema), total: z.number(), page: z.number(), pageSize: z.number() }),
  /** membersApproved only: the progress against the targets, community by community. */
  registration: registrationProgressSchema.optional()
})
export type FigureOutput = z.infer<typeof figureOutput>

export const workReportOutput = z.object({
  fileID: z.string(),
  url: z.string(),
  fileName: z.string(),
  scope: scopeSchema,
  period: periodSchema,
  figures: z.number().int()
})
export type WorkReportOutput = z.infer<typeof workReportOutput>

export const reportsContract = {
  dashboard: { input: dashboardInput, output: dashboardSchema },
  figure: { input: figureInput, output: figureOutput },
  workReport: { input: workReportInput, output: workReportOutput }
} as const
