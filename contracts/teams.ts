/**
 * Teams (工作队 / 突击队): the seed's 71 联系社区工作队 and 24 党员应急突击队. Staff keep the teams of
 * their community and their members; an activity may be assigned to a team, and a team's hours are
 * the verified hours served in its activities.
 */
import { idSchema, pageInputSchema } from './common'
import { z } from './zod'
import { importConfirmInputOf, importConfirmOutput, importPreviewInputOf, importPreviewOutput } from './imports'

export const TEAM_TYPES = ['liaison', 'emergency'] as const
export type TeamType = (typeof TEAM_TYPES)[number]
export const TEAM_TYPE_LABELS: Record<TeamType, string> = { liaison: '联系社区工作队', emergency: '党员应急突击队' }

export const TEAM_STATUSES = ['active', 'disbanded'] as const
export type TeamStatus = (typeof TEAM_STATUSES)[number]
export const TEAM_STATUS_LABELS: Record<TeamStatus, string> = { active: '在册', disbanded: '已撤销' }

export const TEAM_ROLES = ['leader', 'member'] as const
export type TeamRole = (typeof TEAM_ROLES)[number]
export const TEAM_ROLE_LABELS: Record<TeamRole, string> = { leader: '队长', member: '队员' }

export const createTeamInput = z.object({
  name: z.string().trim().min(2, '队伍名称至少2个字').max(40, '队伍名称不能超过40个字'),
  type: z.enum(TEAM_TYPES),
  communityId: idSchema,
  /** For liaison teams: the unit that sends it (包联单位), e.g. 区住建局. */
  unit: z.string().trim().max(60).optional(),
  description: z.string().trim().max(500).default('')
})

export const updateTeamInput = z.object({
  teamId: idSchema,
  name: z.string().trim().min(2, '队伍名称至少2个字').max(40, '队伍名称不能超过40个字').optional(),
  unit: z.string().trim().max(60).optional(),
  description: z.string().trim().max(500).optional()
})

export const disbandTeamInput = z.object({ teamId: idSchema, reason: z.string().trim().min(2, '请填写撤销原因（至少2个字）').max(200, '撤销原因不能超过200个字') })

export const listTeamsInput = pageInputSchema.extend({
  communityId: idSchema.optional(),
  type: z.enum(TEAM_TYPES).optional(),
  includeDisbanded: z.boolean().default(false)
})

export const teamIdInput = z.object({ teamId: idSchema })

export const teamMembersInput = pageInputSchema.extend({ teamId: idSchema })

export const addMemberInput = z.object({
  teamId: idSchema,
  /** A volunteer's personal code (扫码) or volunteer number. */
  memberCode: z.string().trim().min(4).max(64),
  role: z.enum(TEAM_ROLES).default('member')
})

/** A full mobile number of one member: the team's leader or its keepers; every view is audited. */
export const teamRevealMobileInput = z.object({ teamId: idSchema, memberKey: z.string().trim().regex(/^[0-9a-f]{16}$/, '队员标识不正确') })

export const setLeaderInput = z.object({ teamId: idSchema, openid: idSchema })

export const removeMemberInput = z.object({ teamId: idSchema, openid: idSchema, reason: z.string().trim().min(2, '请填写移出原因（至少2个字）').max(200, '移出原因不能超过200个字') })

export const teamSummarySchema = z.object({
  _id: z.string(),
  name: z.string(),
  type: z.enum(TEAM_TYPES),
  communityId: z.string(),
  communityName: z.string(),
  unit: z.string().optional(),
  description: z.string(),
  status: z.enum(TEAM_STATUSES),
  memberCount: z.number(),
  leaderName: z.string().optional()
})
export type TeamSummary = z.infer<typeof teamSummarySchema>

export const teamDetailSchema = teamSummarySchema.extend({
  /** Verified minutes served in the team's activities. */
  verifiedMinutes: z.number(),
  activityCount: z.number(),
  canManage: z.boolean(),
  isMember: z.boolean(),
  /** `by` (an openid) only for the team's keepers. */
  history: z.array(z.object({ at: z.string(), by: z.string().optional(), byName: z.string().optional(), action: z.string(), note: z.string().optional() }))
})
export type TeamDetail = z.infer<typeof teamDetailSchema>

/**
 * One member as the viewer may see them (issue #16). Staff of the team's community and the district
 * admin: everything but a full mobile. The team's own members: names, roles and hours only. The
 * team's leader also sees masked mobiles. Nobody else sees the list (FORBIDDEN).
 * A masked `mobile` is present exactly when the viewer may dial it: `revealMobile` (audited) gives
 * the full number.
 */
export const teamMemberSchema = z.object({
  /** The member within this team (a pseudonym, never the openid): what `revealMobile` names. */
  memberKey: z.string(),
  /** Staff of the team's community and the district admin only. */
  openid: z.string().optional(),
  name: z.string(),
  /** Staff of the team's community and the district admin only. */
  volunteerNo: z.string().optional(),
  role: z.enum(TEAM_ROLES),
  joinedAt: z.string(),
  /** Verified minutes this member served in the team's activities. */
  verifiedMinutes: z.number(),
  /** Masked (138****1234), for the team's leader and its keepers only. */
  mobile: z.string().optional()
})
export type TeamMember = z.infer<typeof teamMemberSchema>

/** One row of 志愿队成员 (kind `teamMembers`): a volunteer by number, the name checked against it when given. */
export const teamRosterRowSchema = z.object({
  volunteerNo: z
    .string()
    .trim()
    .min(1, '请填写志愿者编号')
    .max(32, '志愿者编号不正确')
    .regex(/^[A-Za-z0-9]+$/, '志愿者编号不正确')
    .transform((s) => s.toUpperCase()),
  name: z.string().trim().max(30, '姓名不能超过30个字')
})
export type TeamRosterRow = z.output<typeof teamRosterRowSchema>
export const teamsImportPreviewInput = importPreviewInputOf(['teamMembers'])
export const teamsImportConfirmInput = importConfirmInputOf(['teamMembers'])

const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number(), page: z.number(), pageSize: z.number() })

export const teamsContract = {
  /** 志愿队成员 from Excel (docs/back-office.md §5): the team's community staff and the district admin. */
  importPreview: { input: teamsImportPreviewInput, output: importPreviewOutput },
  importConfirm: { input: teamsImportConfirmInput, output: importConfirmOutput },
  create: { input: createTeamInput, output: teamDetailSchema },
  update: { input: updateTeamInput, output: teamDetailSchema },
  disband: { input: disbandTeamInput, output: teamDetailSchema },
  list: { input: listTeamsInput, output: page(teamSummarySchema) },
  get: { input: teamIdInput, output: teamDetailSchema },
  members: { input: teamMembersInput, output: page(teamMemberSchema) },
  addMember: { input: addMemberInput, output: teamMemberSchema },
  removeMember: { input: removeMemberInput, output: z.object({ removed: z.boolean() }) },
  setLeader: { input: setLeaderInput, output: teamDetailSchema },
  myTeams: { input: z.object({}), output: z.object({ items: z.array(teamSummarySchema) }) },
  /** The full number behind a masked one in `members` (leader, keepers); written to auditLogs. */
  revealMobile: { input: teamRevealMobileInput, output: z.object({ mobile: z.string() }) }
} as const
