/**
 * 志愿队成员 from Excel (kind `teamMembers`, docs/back-office.md §5; engine in server/core/imports.ts):
 * volunteers by their 志愿者编号 into one team, `teamMembers/<teamId>:<openid>` (the membership's
 * fixed id). Each row is added through the same guarded path as 添加队员 (`addMember`: the
 * membership added or flipped back from removed, the team's count raised on a team still active),
 * so an import is exactly many additions by hand. The team's community staff and the district
 * admin import.
 */
import type { z } from '../../contracts/zod'
import type { ImportConfirmOutput, ImportPreviewOutput } from '../../contracts/imports'
import { teamRosterRowSchema, type TeamRosterRow, type teamsImportConfirmInput, type teamsImportPreviewInput } from '../../contracts/teams'
import { db } from '../core/db'
import { AppError, conflict, notFound } from '../core/errors'
import type { FirstReadContext } from '../core/function'
import { requireCommunityStaff } from '../core/guard'
import type { Caller } from '../core/identity'
import { confirmImport, previewImport, type ImportAdapter, type Resolved } from '../core/imports'
import { readTogether, type Part } from '../core/together'
import { VOLUNTEERS } from '../activities/model'
import { addMember, TEAM_MEMBERS, TEAMS, type TeamDoc } from './teams'

interface TeamCtx {
  team: TeamDoc
  volunteers: Map<string, { _id: string; name: string; volunteerNo: string }>
}

interface TeamRosterValue extends Record<string, unknown> {
  status: 'active'
  volunteerNo: string
}

/** Volunteer numbers looked up per part (`_.in`). */
const NUMBERS_PER_PART = 100

export const teamRosterAdapter: ImportAdapter<TeamRosterRow, TeamRosterValue, TeamCtx> = {
  kind: 'teamMembers',
  collection: TEAM_MEMBERS,
  columns: [
    { key: 'volunteerNo', header: '志愿者编号', aliases: ['编号', '志愿者号', '志愿编号'], required: true },
    { key: 'name', header: '姓名', aliases: ['名字', '队员姓名'] }
  ],
  rowSchema: teamRosterRowSchema,
  labels: { status: '重新加入' },
  auditAction: 'teams.import',
  async prepare(caller: Caller, teamId: string, rows: TeamRosterRow[]): Promise<TeamCtx> {
    const _ = db().command
    const numbers = [...new Set(rows.map((r) => r.volunteerNo))]
    const parts: Record<string, Part> = { team: { collection: TEAMS, build: (p) => p.match({ _id: teamId }).limit(1) } }
    for (let i = 0; i < numbers.length; i += NUMBERS_PER_PART) {
      const chunk = numbers.slice(i, i + NUMBERS_PER_PART)
      parts[`v${i}`] = { collection: VOLUNTEERS, build: (p) => p.match({ volunteerNo: _.in(chunk) }).project({ name: true, volunteerNo: true }).limit(NUMBERS_PER_PART) }
    }
    const docs = await readTogether(parts)
    const team = docs.team[0] as TeamDoc | undefined
    if (!team) throw notFound('队伍')
    requireCommunityStaff(caller, team.communityId)
    if (team.status === 'disbanded') throw conflict('队伍已撤销')
    const volunteers = new Map<string, { _id: string; name: string; volunteerNo: string }>()
    for (const [key, list] of Object.entries(docs)) if (key !== 'team') for (const v of list) volunteers.set(v.volunteerNo, v as { _id: string; name: string; volunteerNo: string })
    return { team, volunteers }
  },
  scopeName: (ctx) => ctx.team.name,
  communityId: (ctx) => ctx.team.communityId,
  resolve(row, ctx): Resolved<TeamRosterValue> {
    const volunteer = ctx.volunteers.get(row.volunteerNo)
    if (!volunteer) return { refused: '志愿者编号不存在', summary: [row.volunteerNo, row.name].filter(Boolean).join(' · ') }
    // The name only as the sheet gives it: a preview is not audited, so it never tells who a number is.
    const summary = [row.volunteerNo, row.name].filter(Boolean).join(' · ')
    if (row.name && row.name !== volunteer.name) return { refused: `姓名与志愿者编号不符（编号${row.volunteerNo}的志愿者不是${row.name}）`, summary }
    return { id: `${ctx.team._id}:${volunteer._id}`, summary, value: { status: 'active', volunteerNo: volunteer.volunteerNo } }
  },
  // Active: unchanged; removed earlier: joins again (a change); absent: created.
  diff: (existing) => (existing.status === 'active' ? [] : ['status']),
  async apply(rows, ctx, caller) {
    const firstRead: FirstReadContext = {
      openid: caller.openid,
      readWithCaller: async (parts) => ({ caller, docs: await readTogether(parts) })
    }
    await Promise.all(
      rows.map(async ({ planned }) => {
        try {
          await addMember(firstRead, { teamId: ctx.team._id, memberCode: planned.value.volunteerNo, role: 'member' })
        } catch (error) {
          // A rerun, or a keeper adding the same person meanwhile: the membership stands.
          if (error instanceof AppError && error.code === 'CONFLICT' && error.message === '已是本队队员') return
          throw error
        }
      })
    )
  }
}

const adapter = teamRosterAdapter as unknown as ImportAdapter<unknown, Record<string, unknown>, unknown>

export function importPreview(input: z.output<typeof teamsImportPreviewInput>, caller: Caller): Promise<ImportPreviewOutput> {
  return previewImport(adapter, input, caller)
}

export function importConfirm(input: z.output<typeof teamsImportConfirmInput>, caller: Caller): Promise<ImportConfirmOutput> {
  return confirmImport(adapter, input, caller)
}
