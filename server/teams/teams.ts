/**
 * Teams (工作队 / 突击队). Staff of the team's community (or the district admin) keep a team and its
 * members; anyone signed in sees the teams. The member list is for the team itself and its keepers
 * only (issue #16): keepers see openids, volunteer numbers and masked mobiles; the team's members see
 * names, roles and hours; its leader also masked mobiles. A full number only through `revealMobile`
 * (audited, server/core/reveal.ts). A team's hours are the verified
 * hours of the records of activities assigned to it (`serviceRecords.teamId`, copied from the
 * activity at check-in).
 *
 * Collections: `teams` (never deleted: disbanded with a reason) and `teamMembers`
 * (`_id` = `${teamId}:${openid}`, active or removed, with history). `memberCount` moves by atomic
 * `_.inc` guarded by the membership's status change, so parallel adds cannot double-count.
 *
 * Membership changes are conditional single-document updates, no transactions (issue #15):
 *  - joining / leaving: the membership's status flips by a guarded update (`status: 'removed'` →
 *    'active' and back) or by adding its fixed `_id` (a duplicate means it exists): only one of two
 *    phones flips it, and only the one that flipped moves `memberCount` (one `_.inc` on the team).
 *  - the leader: the team's `leaderOpenid` is the truth, and `leaderSeq` numbers each change of it.
 *    An appointment is one update of the team guarded by the `leaderSeq` it read (two at once: one
 *    wins, the other reads again). The member documents follow with that number: the appointed one
 *    becomes leader and the predecessor a member, each guarded by `roleSeq` < the number, so
 *    whatever order the writes of several appointments land in, every document ends with the role
 *    of the latest appointment that touched it (exactly one leader, the team's). An appointment
 *    whose member left meanwhile (the promotion finds no active membership) takes itself back; a
 *    leader's removal clears the team's leader by an update guarded by `leaderOpenid`.
 *  - what this gives up: an instance that dies between a membership's flip and the team's `_.inc`
 *    leaves `memberCount` one off (the list shows the members themselves); between an appointment
 *    and its member documents, the roles shown lag behind the team's leader until the next change.
 */
import { createHash } from 'node:crypto'
import { z } from '../../contracts/zod'
import { VERIFIED_STATUSES } from '../../contracts/activities'
import type {
  addMemberInput,
  createTeamInput,
  listTeamsInput,
  TeamDetail,
  TeamMember,
  teamMembersInput,
  TeamSummary,
  TeamType,
  updateTeamInput
} from '../../contracts/teams'
import type { Page } from '../../contracts/common'
import { clock } from '../core/clock'
import { checkVisibleTexts } from '../core/content'
import { db, isDuplicateKey } from '../core/db'
import { AppError, busy, conflict, forbidden, invalid, notFound } from '../core/errors'
import type { FirstReadContext } from '../core/function'
import { canManageCommunity, requireCommunityStaff } from '../core/guard'
import { loadCaller, type Caller, type UserRecord } from '../core/identity'
import { maskMobile } from '../core/mask'
import { revealMobile } from '../core/reveal'
import { readTogether, type Part } from '../core/together'
import { platform } from '../platform'
import { randomId } from '../activities/util'
import { VOLUNTEERS, type VolunteerDoc } from '../activities/model'
import { readMemberCode } from '../activities/tokens'

export const TEAMS = 'teams'
export const TEAM_MEMBERS = 'teamMembers'

export interface History {
  at: Date
  by: string
  byName?: string
  action: string
  note?: string
}

export interface TeamDoc {
  _id: string
  name: string
  type: TeamType
  communityId: string
  unit?: string
  description: string
  status: 'active' | 'disbanded'
  memberCount: number
  leaderOpenid?: string
  leaderName?: string
  /** Numbers the changes of the leader (absent on teams from before it: 0). */
  leaderSeq?: number
  createdBy: string
  createdAt: Date
  updatedAt: Date
  history: History[]
}

export interface TeamMemberDoc {
  _id: string
  teamId: string
  openid: string
  name: string
  volunteerNo?: string
  role: 'leader' | 'member'
  /** The team's `leaderSeq` of the appointment that last set `role` (absent: 0). */
  roleSeq?: number
  status: 'active' | 'removed'
  joinedAt: Date
  history: History[]
}

const entry = (caller: Caller, action: string, note?: string): History => ({
  at: clock.date(),
  by: caller.openid,
  byName: caller.user?.profile?.name,
  action,
  ...(note ? { note } : {})
})

const iso = (d: Date) => new Date(d).toISOString()

/**
 * A member's name within one team for those who must not see openids: a pseudonym of the team and
 * the openid (the same member has another key in another team).
 */
export const memberKeyOf = (teamId: string, openid: string) => createHash('sha256').update(`team-member:${teamId}:${openid}`).digest('hex').slice(0, 16)

function summaryOf(t: TeamDoc, communities: Map<string, string>): TeamSummary {
  return {
    _id: t._id,
    name: t.name,
    type: t.type,
    communityId: t.communityId,
    communityName: communities.get(t.communityId) ?? t.communityId,
    unit: t.unit,
    description: t.description ?? '',
    status: t.status,
    memberCount: t.memberCount ?? 0,
    leaderName: t.leaderName
  }
}

async function checkText(caller: Caller, ...texts: (string | undefined)[]): Promise<void> {
  const content = texts.filter(Boolean).join('\n')
  if (!content) return
  const verdict = await platform().contentCheck.text(content, caller.openid)
  if (!verdict.ok) throw invalid(verdict.reason ?? '内容含有违规信息，请修改后再提交', ['name'])
}

type JoinedTeam = TeamDoc & {
  joinedCommunity?: { _id: string; name: string }[]
  joinedMembership?: TeamMemberDoc[]
  joinedActivities?: { status: string }[]
  joinedRecords?: { status: string; verifiedMinutes?: number }[]
}

interface TeamView {
  team: TeamDoc
  communities: Map<string, string>
  membership: TeamMemberDoc | null
  /** The team's verified minutes and published activities. */
  figures: { minutes: number; activities: number }
}

const TEAM_FIELDS = ['_id', 'name', 'type', 'communityId', 'unit', 'description', 'status', 'memberCount', 'leaderOpenid', 'leaderName', 'leaderSeq', 'createdBy', 'createdAt', 'updatedAt', 'history']

const memberId = (teamId: string, openid: string) => `${teamId}:${openid}`

const one = (filter: Record<string, unknown>, collection: string): Part => ({ collection, build: (p) => p.match(filter).limit(1) })

/**
 * The team with everything its page shows, as one part of a combined read: its community's name,
 * the reader's membership, and — joined by `teamId` and trimmed to the fields they need — its
 * activities' statuses and its records' statuses and verified minutes, summed here. Each figure
 * equals its direct count (tests/functions/teams.test.ts).
 */
function teamPart(teamId: string, openid: string): Part {
  const $ = db().command.aggregate
  return {
    collection: TEAMS,
    build: (p) =>
      p
        .match({ _id: teamId })
        .limit(1)
        .lookup({ from: 'communities', localField: 'communityId', foreignField: '_id', as: 'joinedCommunity' })
        .addFields({ joinedKey: $.concat(['$_id', `:${openid}`]) })
        .lookup({ from: TEAM_MEMBERS, localField: 'joinedKey', foreignField: '_id', as: 'joinedMembership' })
        .lookup({ from: 'activities', localField: '_id', foreignField: 'teamId', as: 'joinedActivities' })
        .lookup({ from: 'serviceRecords', localField: '_id', foreignField: 'teamId', as: 'joinedRecords' })
        .project({
          ...Object.fromEntries(TEAM_FIELDS.map((f) => [f, 1])),
          'joinedCommunity._id': 1,
          'joinedCommunity.name': 1,
          joinedMembership: 1,
          'joinedActivities.status': 1,
          'joinedRecords.status': 1,
          'joinedRecords.verifiedMinutes': 1
        })
        .limit(1)
  }
}

function viewOf(row: JoinedTeam | undefined): TeamView {
  if (!row) throw notFound('队伍')
  const { joinedCommunity, joinedMembership, joinedActivities, joinedRecords, ...team } = row
  delete (team as { joinedKey?: unknown }).joinedKey
  const verified = new Set<string>(VERIFIED_STATUSES)
  return {
    team,
    communities: new Map((joinedCommunity ?? []).map((c) => [c._id, c.name])),
    membership: joinedMembership?.[0] ?? null,
    figures: {
      minutes: (joinedRecords ?? []).filter((r) => verified.has(r.status)).reduce((sum, r) => sum + (r.verifiedMinutes ?? 0), 0),
      activities: (joinedActivities ?? []).filter((a) => a.status === 'published').length
    }
  }
}

/** The caller and the team's page, in one round trip. */
async function readTeamWithCaller(ctx: FirstReadContext, teamId: string, more: Record<string, Part> = {}) {
  const { caller, docs } = await ctx.readWithCaller<string>({ ...more, team: teamPart(teamId, ctx.openid) })
  return { caller, view: viewOf(docs.team[0] as JoinedTeam | undefined), docs }
}

export async function teamDetail(ctx: FirstReadContext, teamId: string): Promise<TeamDetail> {
  const { caller, view } = await readTeamWithCaller(ctx, teamId)
  return detailOf(caller, view)
}

/** The detail of a team read (`teamPart`), or just written. */
function detailOf(caller: Caller, view: TeamView): TeamDetail {
  const { team, communities, membership } = view
  const canManage = canManageCommunity(caller, team.communityId)
  return {
    ...summaryOf(team, communities),
    verifiedMinutes: view.figures.minutes,
    activityCount: view.figures.activities,
    canManage,
    isMember: membership?.status === 'active',
    // Who acted, by openid: for the keepers only.
    history: (team.history ?? []).map((h) => ({ at: iso(h.at), ...(canManage ? { by: h.by } : {}), byName: h.byName, action: h.action, note: h.note }))
  }
}

export async function createTeam(ctx: FirstReadContext, input: z.output<typeof createTeamInput>): Promise<TeamDetail> {
  const { caller, docs } = await ctx.readWithCaller({ community: one({ _id: input.communityId }, 'communities') })
  const community = docs.community[0] as { _id: string; name: string } | undefined
  if (!community) throw notFound('社区')
  requireCommunityStaff(caller, input.communityId)
  await checkText(caller, input.name, input.unit, input.description)
  const now = clock.date()
  const doc: TeamDoc = {
    _id: randomId('t', 9),
    name: input.name,
    type: input.type,
    communityId: input.communityId,
    ...(input.unit ? { unit: input.unit } : {}),
    description: input.description,
    status: 'active',
    memberCount: 0,
    leaderSeq: 0,
    createdBy: caller.openid,
    createdAt: now,
    updatedAt: now,
    history: [entry(caller, '组建')]
  }
  await db().collection(TEAMS).add({ data: doc })
  return detailOf(caller, { team: doc, communities: new Map([[community._id, community.name]]), membership: null, figures: { minutes: 0, activities: 0 } })
}

export async function updateTeam(ctx: FirstReadContext, input: z.output<typeof updateTeamInput>): Promise<TeamDetail> {
  const { caller, view } = await readTeamWithCaller(ctx, input.teamId)
  const team = view.team
  requireCommunityStaff(caller, team.communityId)
  if (team.status === 'disbanded') throw conflict('队伍已撤销')
  await checkText(caller, input.name, input.unit, input.description)
  const _ = db().command
  const data: Record<string, unknown> = { updatedAt: clock.date(), history: _.push([entry(caller, '修改')]) }
  if (input.name !== undefined) data.name = input.name
  if (input.unit !== undefined) data.unit = input.unit
  if (input.description !== undefined) data.description = input.description
  // Guarded: a disband at the same instant wins, and the edit is refused rather than applied to it.
  const res = await db().collection(TEAMS).where({ _id: team._id, status: 'active' }).update({ data })
  if (res.stats.updated === 0) throw conflict('队伍已撤销')
  const changed: Partial<TeamDoc> = { updatedAt: data.updatedAt as Date, history: [...(team.history ?? []), entry(caller, '修改')] }
  for (const key of ['name', 'unit', 'description'] as const) if (input[key] !== undefined) changed[key] = input[key]
  return detailOf(caller, { ...view, team: { ...team, ...changed } })
}

export async function disbandTeam(ctx: FirstReadContext, input: { teamId: string; reason: string }): Promise<TeamDetail> {
  const { caller, view } = await readTeamWithCaller(ctx, input.teamId)
  const team = view.team
  requireCommunityStaff(caller, team.communityId)
  await checkVisibleTexts(caller.openid, [['reason', input.reason]])
  const _ = db().command
  const done = entry(caller, '撤销', input.reason)
  const res = await db()
    .collection(TEAMS)
    .where({ _id: team._id, status: 'active' })
    .update({ data: { status: 'disbanded', updatedAt: done.at, history: _.push([done]) } })
  if (res.stats.updated === 0) throw conflict('队伍已撤销')
  return detailOf(caller, { ...view, team: { ...team, status: 'disbanded', updatedAt: done.at, history: [...(team.history ?? []), done] } })
}

const SUMMARY_FIELDS = { name: 1, type: 1, communityId: 1, unit: 1, description: 1, status: 1, memberCount: 1, leaderName: 1, 'joinedCommunity.name': 1 }

/** Community names of teams joined by `joinedCommunity`. */
const communitiesOf = (rows: { communityId: string; joinedCommunity?: { name: string }[] }[]) =>
  new Map(rows.flatMap((t) => (t.joinedCommunity?.[0] ? [[t.communityId, t.joinedCommunity[0].name] as [string, string]] : [])))

/** A page of teams with their community names and the total, read with the caller (one round trip). */
export async function listTeams(ctx: FirstReadContext, input: z.output<typeof listTeamsInput>): Promise<Page<TeamSummary>> {
  const where: Record<string, unknown> = {}
  if (input.communityId) where.communityId = input.communityId
  if (input.type) where.type = input.type
  if (!input.includeDisbanded) where.status = 'active'
  const { docs } = await ctx.readWithCaller({
    page: {
      collection: TEAMS,
      build: (p) =>
        p
          .match(where)
          .sort({ communityId: 1, type: -1, _id: 1 })
          .skip((input.page - 1) * input.pageSize)
          .limit(input.pageSize)
          .lookup({ from: 'communities', localField: 'communityId', foreignField: '_id', as: 'joinedCommunity' })
          .project(SUMMARY_FIELDS)
          .limit(input.pageSize)
    },
    total: { collection: TEAMS, build: (p) => p.match(where).count('n') }
  })
  const teams = docs.page as (TeamDoc & { joinedCommunity?: { name: string }[] })[]
  const communities = communitiesOf(teams)
  return { items: teams.map((t) => summaryOf(t, communities)), total: (docs.total[0]?.n as number | undefined) ?? 0, page: input.page, pageSize: input.pageSize }
}

/**
 * What the caller may see of a team's members: keeper (staff of its community, district admin), its
 * leader, a member, or nothing. The leader is the team's `leaderOpenid` (the truth; a member
 * document's `role` follows it and may lag behind an appointment).
 */
function viewerOf(caller: Caller, team: TeamDoc, own: TeamMemberDoc | undefined): 'keeper' | 'leader' | 'member' | null {
  if (canManageCommunity(caller, team.communityId)) return 'keeper'
  if (own?.status !== 'active') return null
  return team.leaderOpenid === caller.openid ? 'leader' : 'member'
}

type ListedMember = TeamMemberDoc & { joinedUser?: { profile?: { mobile?: string } }[] }

/**
 * The team's members, one page, with their verified minutes in it, read with the caller in one
 * round trip: the team, the caller's own membership, the page (each with the mobile of their users
 * document, shown masked to keepers and the leader only), the total and the team's verified
 * minutes per member (one `$group`).
 */
export async function teamMembers(ctx: FirstReadContext, input: z.output<typeof teamMembersInput>): Promise<Page<TeamMember>> {
  const _ = db().command
  const $ = db().command.aggregate
  const where = { teamId: input.teamId, status: 'active' }
  const { caller, docs } = await ctx.readWithCaller({
    team: { collection: TEAMS, build: (p) => p.match({ _id: input.teamId }).limit(1).project({ communityId: 1, status: 1, leaderOpenid: 1 }) },
    own: one({ _id: memberId(input.teamId, ctx.openid) }, TEAM_MEMBERS),
    page: {
      collection: TEAM_MEMBERS,
      build: (p) =>
        p
          .match(where)
          .sort({ role: 1, joinedAt: 1, _id: 1 })
          .skip((input.page - 1) * input.pageSize)
          .limit(input.pageSize)
          .lookup({ from: 'users', localField: 'openid', foreignField: '_id', as: 'joinedUser' })
          .project({ openid: 1, name: 1, volunteerNo: 1, role: 1, joinedAt: 1, 'joinedUser.profile.mobile': 1 })
          .limit(input.pageSize)
    },
    total: { collection: TEAM_MEMBERS, build: (p) => p.match(where).count('n') },
    minutes: {
      collection: 'serviceRecords',
      build: (p) =>
        p
          .match({ teamId: input.teamId, status: _.in([...VERIFIED_STATUSES]) })
          .group({ _id: '$openid', minutes: $.sum('$verifiedMinutes') })
          .limit(10_000)
    }
  })
  const team = docs.team[0] as TeamDoc | undefined
  if (!team) throw notFound('队伍')
  const viewer = viewerOf(caller, team, docs.own[0] as TeamMemberDoc | undefined)
  if (!viewer) throw forbidden('仅本队队员和本社区工作人员可查看队员名单')
  const members = docs.page as ListedMember[]
  const minutes = new Map((docs.minutes as { _id: string; minutes: number }[]).map((r) => [r._id, r.minutes]))
  const keeper = viewer === 'keeper'
  // Masked numbers for those who may call the members (and reveal the number, audited).
  const withMobiles = keeper || viewer === 'leader'
  return {
    items: members.map((m) => {
      const mobile = withMobiles ? maskMobile(m.joinedUser?.[0]?.profile?.mobile) : undefined
      return {
        memberKey: memberKeyOf(input.teamId, m.openid),
        ...(keeper ? { openid: m.openid } : {}),
        name: m.name,
        ...(keeper && m.volunteerNo ? { volunteerNo: m.volunteerNo } : {}),
        role: m.role,
        joinedAt: iso(m.joinedAt),
        verifiedMinutes: minutes.get(m.openid) ?? 0,
        ...(mobile ? { mobile } : {})
      }
    }),
    total: (docs.total[0]?.n as number | undefined) ?? 0,
    page: input.page,
    pageSize: input.pageSize
  }
}

/** The most members a team's reveal looks through for a member key. */
const REVEAL_SCAN = 2000

/**
 * The full mobile number of one active member, for the team's keepers and (while the team is
 * active) its leader, to call them; audited (`teams.viewMobile`). The caller, the team, their own
 * membership and the team's active members (ids and names) are one read; then the member's number,
 * then the audit entry.
 */
export async function revealMemberMobile(ctx: FirstReadContext, input: { teamId: string; memberKey: string }): Promise<{ mobile: string }> {
  const { caller, docs } = await ctx.readWithCaller({
    team: { collection: TEAMS, build: (p) => p.match({ _id: input.teamId }).limit(1).project({ communityId: 1, status: 1, leaderOpenid: 1 }) },
    own: one({ _id: memberId(input.teamId, ctx.openid) }, TEAM_MEMBERS),
    members: {
      collection: TEAM_MEMBERS,
      build: (p) => p.match({ teamId: input.teamId, status: 'active' }).sort({ _id: 1 }).limit(REVEAL_SCAN).project({ openid: 1, name: 1 }).limit(REVEAL_SCAN)
    }
  })
  const team = docs.team[0] as TeamDoc | undefined
  if (!team) throw notFound('队伍')
  const viewer = viewerOf(caller, team, docs.own[0] as TeamMemberDoc | undefined)
  if (!(viewer === 'keeper' || (viewer === 'leader' && team.status === 'active'))) throw forbidden('仅本队队长和本社区工作人员可查看队员手机号')
  const member = (docs.members as TeamMemberDoc[]).find((m) => memberKeyOf(input.teamId, m.openid) === input.memberKey)
  if (!member) throw notFound('该队员')
  const person = await loadCaller(member.openid)
  return revealMobile(caller, {
    action: 'teams.viewMobile',
    target: { collection: TEAM_MEMBERS, id: member._id, label: member.name },
    communityId: team.communityId,
    whose: member.openid,
    reason: viewer === 'leader' ? '队长联系队员' : '社区联系队员',
    mobile: person.user?.profile?.mobile
  })
}

type ScannedVolunteer = VolunteerDoc & { joinedUser?: UserRecord[]; joinedMember?: TeamMemberDoc[]; joinedRecords?: { teamId?: string; status: string; verifiedMinutes?: number }[] }

/**
 * The volunteer a personal code stands for, with their users document, their membership of the
 * team and their verified minutes in it (records joined by openid, trimmed): one part.
 */
function volunteerPart(volunteerNo: string, teamId: string): Part {
  const $ = db().command.aggregate
  return {
    collection: VOLUNTEERS,
    build: (p) =>
      p
        .match({ volunteerNo })
        .limit(1)
        .lookup({ from: 'users', localField: '_id', foreignField: '_id', as: 'joinedUser' })
        .addFields({ joinedKey: $.concat([`${teamId}:`, '$_id']) })
        .lookup({ from: TEAM_MEMBERS, localField: 'joinedKey', foreignField: '_id', as: 'joinedMember' })
        .lookup({ from: 'serviceRecords', localField: '_id', foreignField: 'openid', as: 'joinedRecords' })
        .project({ volunteerNo: 1, name: 1, joinedUser: 1, joinedMember: 1, 'joinedRecords.teamId': 1, 'joinedRecords.status': 1, 'joinedRecords.verifiedMinutes': 1 })
        .limit(1)
  }
}

/** Rounds of an appointment whose guarded team update found `leaderSeq` moved (each reads again). */
const APPOINT_ROUNDS = 3

/** A guard on the `leaderSeq` read (teams from before it have none). */
const seqIs = (seq: number | undefined) => (seq === undefined ? db().command.exists(false) : seq)

/** A member document whose role was last set before appointment `seq`. */
const roleBefore = (id: string, seq: number, extra: Record<string, unknown> = {}) => {
  const _ = db().command
  return _.and([{ _id: id, ...extra }, _.or([{ roleSeq: _.lt(seq) }, { roleSeq: _.exists(false) }])])
}

/**
 * Appoints `openid` (an active member, or one just added) leader: the team's update guarded by the
 * `leaderSeq` read decides (a disbanded team or a moved number matches nothing: the team and the
 * member are read again, and the appointment tried again on them); `extra` (e.g. the count of a
 * member just added) goes with the update that wins. Then the member documents follow, numbered:
 * the appointed one becomes leader, the predecessor a member. When the appointed one left
 * meanwhile, the appointment is taken back (NOT_FOUND). Returns the team as written.
 */
async function appoint(
  caller: Caller,
  read: TeamDoc,
  openid: string,
  name: string,
  options: { extra?: Record<string, unknown>; rounds?: number; promotedNote?: string; won?: () => void }
): Promise<TeamDoc> {
  const _ = db().command
  let team = read
  const rounds = options.rounds ?? APPOINT_ROUNDS
  for (let round = 0; ; round++) {
    if (team.status === 'disbanded') throw conflict('队伍已撤销')
    const seq = (team.leaderSeq ?? 0) + 1
    const note = entry(caller, '任命队长', name)
    const data = { leaderOpenid: openid, leaderName: name, leaderSeq: seq, updatedAt: note.at, history: _.push([note]), ...options.extra }
    const res = await db().collection(TEAMS).where({ _id: team._id, status: 'active', leaderSeq: seqIs(team.leaderSeq) }).update({ data })
    if (res.stats.updated > 0) {
      options.won?.()
      const previous = team.leaderOpenid && team.leaderOpenid !== openid ? team.leaderOpenid : null
      const [promoted] = await Promise.all([
        db()
          .collection(TEAM_MEMBERS)
          .where(roleBefore(memberId(team._id, openid), seq, { status: 'active' }))
          .update({ data: { role: 'leader', roleSeq: seq, ...(options.promotedNote ? { history: _.push([entry(caller, options.promotedNote)]) } : {}) } }),
        previous
          ? db()
              .collection(TEAM_MEMBERS)
              .where(roleBefore(memberId(team._id, previous), seq))
              .update({ data: { role: 'member', roleSeq: seq, history: _.push([entry(caller, '卸任队长')]) } })
          : null
      ])
      if (promoted.stats.updated === 0) {
        // Not promoted: they left meanwhile (a later appointment would have moved leaderSeq past
        // seq). Take the appointment back while it is still the latest.
        const back = await db()
          .collection(TEAMS)
          .where({ _id: team._id, leaderSeq: seq, leaderOpenid: openid })
          .update({ data: { leaderOpenid: _.remove(), leaderName: _.remove(), leaderSeq: seq + 1 } })
        if (back.stats.updated > 0) throw notFound('该队员')
      }
      return { ...team, leaderOpenid: openid, leaderName: name, leaderSeq: seq, updatedAt: note.at, history: [...(team.history ?? []), note] }
    }
    if (round + 1 >= rounds) throw busy()
    const again = await readTogether({ team: one({ _id: team._id }, TEAMS), member: one({ _id: memberId(team._id, openid) }, TEAM_MEMBERS) })
    const fresh = again.team[0] as TeamDoc | undefined
    if (!fresh) throw notFound('队伍')
    if ((again.member[0] as TeamMemberDoc | undefined)?.status !== 'active') throw notFound('该队员')
    team = fresh
  }
}

/**
 * Adds a volunteer by their personal code: the caller, the team and the volunteer (with their
 * users document, membership and minutes) in one read; the membership's flip (a fixed `_id`: a
 * second phone finds it there); the team's count. A leader is appointed on the team's update
 * (`appoint`). 3 round trips for a member, 4–5 for a leader.
 */
export async function addMember(ctx: FirstReadContext, input: z.output<typeof addMemberInput>): Promise<TeamMember> {
  let volunteerNo: string | null = null
  let codeError: unknown = null
  try {
    volunteerNo = readMemberCode(input.memberCode)
  } catch (error) {
    codeError = error
  }
  const parts: Record<string, Part> = { team: one({ _id: input.teamId }, TEAMS) }
  if (volunteerNo) parts.volunteer = volunteerPart(volunteerNo, input.teamId)
  const { caller, docs } = await ctx.readWithCaller(parts)
  if (codeError) throw codeError
  const team = docs.team[0] as TeamDoc | undefined
  if (!team) throw notFound('队伍')
  requireCommunityStaff(caller, team.communityId)
  if (team.status === 'disbanded') throw conflict('队伍已撤销')
  const volunteer = docs.volunteer?.[0] as ScannedVolunteer | undefined
  // An unknown number is treated like a forged code: nothing to act on, and nothing learned.
  if (!volunteer) throw new AppError('FORBIDDEN', '无效的志愿者码，未找到该志愿者')
  const user = volunteer.joinedUser?.[0] ?? null
  const seen = volunteer.joinedMember?.[0] ?? null
  const verified = new Set<string>(VERIFIED_STATUSES)
  const minutes = (volunteer.joinedRecords ?? []).filter((r) => r.teamId === team._id && verified.has(r.status)).reduce((sum, r) => sum + (r.verifiedMinutes ?? 0), 0)
  if (seen?.status === 'active') throw conflict('已是本队队员')
  const name = user?.profile?.name || volunteer.name
  const id = memberId(team._id, volunteer._id)
  const _ = db().command
  const joinedAt = clock.date()
  // The flip: only one of two phones makes the membership active (role member: a leader is
  // promoted by the appointment below, numbered).
  if (seen) {
    const res = await db()
      .collection(TEAM_MEMBERS)
      .where({ _id: id, status: 'removed' })
      .update({ data: { status: 'active', role: 'member', joinedAt, history: _.push([entry(caller, '重新加入')]) } })
    if (res.stats.updated === 0) throw conflict('已是本队队员')
  } else {
    const doc: TeamMemberDoc = {
      _id: id,
      teamId: team._id,
      openid: volunteer._id,
      name,
      volunteerNo: volunteer.volunteerNo,
      role: 'member',
      roleSeq: 0,
      status: 'active',
      joinedAt,
      history: [entry(caller, '加入')]
    }
    try {
      await db().collection(TEAM_MEMBERS).add({ data: doc })
    } catch (error) {
      if (isDuplicateKey(error)) throw conflict('已是本队队员')
      throw error
    }
  }
  const counted = { memberCount: _.inc(1), updatedAt: joinedAt }
  if (input.role === 'leader') {
    let countedWith = false
    try {
      // The count goes with the appointment's update (one round trip for both).
      await appoint(caller, team, volunteer._id, name, { extra: counted, rounds: 2, won: () => (countedWith = true) })
    } catch (error) {
      // Not appointed (disbanded, or too many changes at once): the addition is taken back, so what
      // stands is what was answered. Removed meanwhile by a keeper (who counted them out) before it
      // was counted in: counted in now.
      if (!countedWith) {
        const back = await db()
          .collection(TEAM_MEMBERS)
          .where({ _id: id, status: 'active' })
          .update({ data: { status: 'removed', history: _.push([entry(caller, '撤回加入')]) } })
        if (back.stats.updated === 0) await db().collection(TEAMS).doc(team._id).update({ data: counted })
      }
      throw error
    }
  } else {
    // Counted only on a team still active; disbanded meanwhile, the addition is taken back.
    const res = await db().collection(TEAMS).where({ _id: team._id, status: 'active' }).update({ data: counted })
    if (res.stats.updated === 0) {
      await db()
        .collection(TEAM_MEMBERS)
        .where({ _id: id, status: 'active' })
        .update({ data: { status: 'removed', history: _.push([entry(caller, '撤回加入')]) } })
      throw conflict('队伍已撤销')
    }
  }
  return {
    memberKey: memberKeyOf(team._id, volunteer._id),
    openid: volunteer._id,
    name,
    volunteerNo: volunteer.volunteerNo,
    role: input.role,
    joinedAt: iso(joinedAt),
    verifiedMinutes: minutes,
    mobile: maskMobile(user?.profile?.mobile)
  }
}

export async function setLeader(ctx: FirstReadContext, input: { teamId: string; openid: string }): Promise<TeamDetail> {
  const { caller, view, docs } = await readTeamWithCaller(ctx, input.teamId, { member: one({ _id: memberId(input.teamId, input.openid) }, TEAM_MEMBERS) })
  requireCommunityStaff(caller, view.team.communityId)
  if (view.team.status === 'disbanded') throw conflict('队伍已撤销')
  const member = docs.member[0] as TeamMemberDoc | undefined
  if (!member || member.status !== 'active') throw notFound('该队员')
  const team = await appoint(caller, view.team, member.openid, member.name, { promotedNote: member.role === 'leader' ? undefined : '任命为队长' })
  return detailOf(caller, { ...view, team })
}

export async function removeMember(ctx: FirstReadContext, input: { teamId: string; openid: string; reason: string }): Promise<{ removed: boolean }> {
  const { caller, docs } = await ctx.readWithCaller({ team: one({ _id: input.teamId }, TEAMS) })
  const team = docs.team[0] as TeamDoc | undefined
  if (!team) throw notFound('队伍')
  requireCommunityStaff(caller, team.communityId)
  // The reason stays in the member's history, which they and the team's keepers read.
  await checkVisibleTexts(caller.openid, [['reason', input.reason]])
  const ended = await endMembership(team._id, input.openid, entry(caller, '移出', input.reason))
  if (!ended) throw notFound('该队员')
  return { removed: true }
}

/**
 * Ends one active membership — the one way a membership ends, whoever ends it (a keeper's
 * `removeMember`, which checks its caller first; an account's deletion, server/users/deleteAccount.ts):
 * the membership `removed` with `by` appended to its history (guarded by its being active: of two
 * at once, one ends it), then the team's count down by one — and its leader cleared when it is them,
 * by an update guarded by `leaderOpenid` (an appointment of them landing after the flip finds them
 * gone and takes itself back). False when there was no active membership (already ended: running it
 * again changes nothing). Access is the caller's business. 2 round trips (3 when the leader changed
 * under it).
 */
export async function endMembership(teamId: string, openid: string, by: History): Promise<boolean> {
  const _ = db().command
  const flipped = await db()
    .collection(TEAM_MEMBERS)
    .where({ _id: memberId(teamId, openid), status: 'active' })
    .update({ data: { status: 'removed', history: _.push([by]) } })
  if (flipped.stats.updated === 0) return false
  const now = clock.date()
  const clearLeader = { leaderOpenid: _.remove(), leaderName: _.remove(), leaderSeq: _.inc(1) }
  for (let round = 0; round < 4; round++) {
    // The count never goes below 0 (it can only have drifted there by a call that died between a
    // membership and its count).
    const other = await db()
      .collection(TEAMS)
      .where({ _id: teamId, leaderOpenid: _.neq(openid), memberCount: _.gt(0) })
      .update({ data: { memberCount: _.inc(-1), updatedAt: now } })
    if (other.stats.updated > 0) return true
    const theirs = await db()
      .collection(TEAMS)
      .where({ _id: teamId, leaderOpenid: openid, memberCount: _.gt(0) })
      .update({ data: { memberCount: _.inc(-1), updatedAt: now, ...clearLeader } })
    if (theirs.stats.updated > 0) return true
    // Neither: the team is gone, its count is at 0, or its leader changed between the two (try again).
    const team = (await readTogether({ team: one({ _id: teamId }, TEAMS) })).team[0] as TeamDoc | undefined
    if (!team) return true
    if ((team.memberCount ?? 0) <= 0) {
      if (team.leaderOpenid === openid)
        await db()
          .collection(TEAMS)
          .where({ _id: teamId, leaderOpenid: openid })
          .update({ data: { updatedAt: now, ...clearLeader } })
      return true
    }
  }
  throw busy()
}

/** The caller's active memberships with their teams and the teams' community names, read with the caller (one round trip). */
export async function myTeams(ctx: FirstReadContext): Promise<{ items: TeamSummary[] }> {
  const { docs } = await ctx.readWithCaller({
    memberships: {
      collection: TEAM_MEMBERS,
      build: (p) =>
        p
          .match({ openid: ctx.openid, status: 'active' })
          .limit(100)
          .lookup({ from: TEAMS, localField: 'teamId', foreignField: '_id', as: 'joinedTeam' })
          .lookup({ from: 'communities', localField: 'joinedTeam.communityId', foreignField: '_id', as: 'joinedCommunity' })
          .project({ joinedTeam: 1, 'joinedCommunity._id': 1, 'joinedCommunity.name': 1 })
          .limit(100)
    }
  })
  const rows = docs.memberships as { joinedTeam?: TeamDoc[]; joinedCommunity?: { _id: string; name: string }[] }[]
  const communities = new Map(rows.flatMap((r) => (r.joinedCommunity ?? []).map((c) => [c._id, c.name] as [string, string])))
  const teams = rows.flatMap((r) => r.joinedTeam ?? [])
  return { items: teams.map((t) => summaryOf(t, communities)) }
}
