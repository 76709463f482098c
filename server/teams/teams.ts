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
import { db, type TransactionRef } from '../core/db'
import { transaction } from '../core/transaction'
import { AppError, conflict, forbidden, invalid, notFound } from '../core/errors'
import { canManageCommunity, requireCommunityStaff } from '../core/guard'
import { loadCaller, type Caller, type UserRecord } from '../core/identity'
import { maskMobile } from '../core/mask'
import { revealMobile } from '../core/reveal'
import { findById, getById, namesById, txGet } from '../core/records'
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

/** What the caller may see of a team's members: keeper (staff of its community, district admin), its leader, a member, or nothing. */
async function viewerOf(caller: Caller, team: TeamDoc): Promise<'keeper' | 'leader' | 'member' | null> {
  if (canManageCommunity(caller, team.communityId)) return 'keeper'
  const own = await findById<TeamMemberDoc>(TEAM_MEMBERS, `${team._id}:${caller.openid}`)
  if (own?.status !== 'active') return null
  return own.role === 'leader' ? 'leader' : 'member'
}

async function mobilesOf(openids: string[]): Promise<Map<string, string>> {
  const mobiles = new Map<string, string>()
  if (openids.length === 0) return mobiles
  const _ = db().command
  const users = await db().collection('users').where({ _id: _.in(openids) }).field({ profile: true }).limit(100).get()
  for (const u of users.data as { _id: string; profile?: { mobile?: string } }[]) if (u.profile?.mobile) mobiles.set(u._id, u.profile.mobile)
  return mobiles
}

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

async function teamMinutes(match: Record<string, unknown>): Promise<Map<string, number>> {
  const _ = db().command
  const res = await db()
    .collection('serviceRecords')
    .aggregate()
    .match({ ...match, status: _.in([...VERIFIED_STATUSES]) })
    .group({ _id: '$openid', minutes: _.aggregate.sum('$verifiedMinutes') })
    .limit(1000)
    .end()
  return new Map((res.list as { _id: string; minutes: number }[]).map((r) => [r._id, r.minutes]))
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

const TEAM_FIELDS = ['_id', 'name', 'type', 'communityId', 'unit', 'description', 'status', 'memberCount', 'leaderOpenid', 'leaderName', 'createdBy', 'createdAt', 'updatedAt', 'history']

/**
 * The team with everything its page shows, in one aggregate: its community's name, the reader's
 * membership, and — joined by `teamId` and trimmed to the fields they need — its activities'
 * statuses and its records' statuses and verified minutes, summed here. Each figure equals its
 * direct count (tests/functions/teams.test.ts).
 */
async function readTeam(teamId: string, openid: string): Promise<TeamView | null> {
  const $ = db().command.aggregate
  const res = await db()
    .collection(TEAMS)
    .aggregate()
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
    .end()
  const row = res.list[0] as JoinedTeam | undefined
  if (!row) return null
  const { joinedCommunity, joinedMembership, joinedActivities, joinedRecords, ...team } = row
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

async function getTeam(teamId: string, openid: string): Promise<TeamView> {
  const view = await readTeam(teamId, openid)
  if (!view) throw notFound('队伍')
  return view
}

export async function teamDetail(caller: Caller, teamId: string): Promise<TeamDetail> {
  return detailOf(caller, await getTeam(teamId, caller.openid))
}

/** The detail of a team read (`readTeam`), or just written. */
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

export async function createTeam(caller: Caller, input: z.output<typeof createTeamInput>): Promise<TeamDetail> {
  const community = await findById<{ _id: string; name: string }>('communities', input.communityId)
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
    createdBy: caller.openid,
    createdAt: now,
    updatedAt: now,
    history: [entry(caller, '组建')]
  }
  await db().collection(TEAMS).add({ data: doc })
  return detailOf(caller, { team: doc, communities: new Map([[community._id, community.name]]), membership: null, figures: { minutes: 0, activities: 0 } })
}

export async function updateTeam(caller: Caller, input: z.output<typeof updateTeamInput>): Promise<TeamDetail> {
  const view = await getTeam(input.teamId, caller.openid)
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

export async function disbandTeam(caller: Caller, input: { teamId: string; reason: string }): Promise<TeamDetail> {
  const view = await getTeam(input.teamId, caller.openid)
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

export async function listTeams(_caller: Caller, input: z.output<typeof listTeamsInput>): Promise<Page<TeamSummary>> {
  const where: Record<string, unknown> = {}
  if (input.communityId) where.communityId = input.communityId
  if (input.type) where.type = input.type
  if (!input.includeDisbanded) where.status = 'active'
  const [res, count] = await Promise.all([
    db()
      .collection(TEAMS)
      .where(where)
      .orderBy('communityId', 'asc')
      .orderBy('type', 'desc')
      .orderBy('_id', 'asc')
      .skip((input.page - 1) * input.pageSize)
      .limit(input.pageSize)
      .get(),
    db().collection(TEAMS).where(where).count()
  ])
  const teams = res.data as TeamDoc[]
  const communities = await namesById('communities', teams.map((t) => t.communityId))
  return { items: teams.map((t) => summaryOf(t, communities)), total: count.total, page: input.page, pageSize: input.pageSize }
}

export async function teamMembers(caller: Caller, input: z.output<typeof teamMembersInput>): Promise<Page<TeamMember>> {
  const team = await getById<TeamDoc>(TEAMS, input.teamId, '队伍')
  const viewer = await viewerOf(caller, team)
  if (!viewer) throw forbidden('仅本队队员和本社区工作人员可查看队员名单')
  const where = { teamId: team._id, status: 'active' }
  const [res, count] = await Promise.all([
    db()
      .collection(TEAM_MEMBERS)
      .where(where)
      .orderBy('role', 'asc')
      .orderBy('joinedAt', 'asc')
      .orderBy('_id', 'asc')
      .skip((input.page - 1) * input.pageSize)
      .limit(input.pageSize)
      .get(),
    db().collection(TEAM_MEMBERS).where(where).count()
  ])
  const members = res.data as TeamMemberDoc[]
  const _ = db().command
  const openids = members.map((m) => m.openid)
  const minutes = openids.length ? await teamMinutes({ teamId: team._id, openid: _.in(openids) }) : new Map<string, number>()
  const keeper = viewer === 'keeper'
  // Masked numbers for those who may call the members (and reveal the number, audited).
  const mobiles = keeper || viewer === 'leader' ? await mobilesOf(openids) : new Map<string, string>()
  return {
    items: members.map((m) => {
      const mobile = maskMobile(mobiles.get(m.openid))
      return {
        memberKey: memberKeyOf(team._id, m.openid),
        ...(keeper ? { openid: m.openid } : {}),
        name: m.name,
        ...(keeper && m.volunteerNo ? { volunteerNo: m.volunteerNo } : {}),
        role: m.role,
        joinedAt: iso(m.joinedAt),
        verifiedMinutes: minutes.get(m.openid) ?? 0,
        ...(mobile ? { mobile } : {})
      }
    }),
    total: count.total,
    page: input.page,
    pageSize: input.pageSize
  }
}

/**
 * The full mobile number of one active member, for the team's keepers and (while the team is
 * active) its leader, to call them; audited (`teams.viewMobile`).
 */
export async function revealMemberMobile(caller: Caller, input: { teamId: string; memberKey: string }): Promise<{ mobile: string }> {
  const team = await getById<TeamDoc>(TEAMS, input.teamId, '队伍')
  const viewer = await viewerOf(caller, team)
  if (!(viewer === 'keeper' || (viewer === 'leader' && team.status === 'active'))) throw forbidden('仅本队队长和本社区工作人员可查看队员手机号')
  let member: TeamMemberDoc | undefined
  for (let skip = 0; !member && skip < 2000; skip += 100) {
    const res = await db().collection(TEAM_MEMBERS).where({ teamId: team._id, status: 'active' }).orderBy('_id', 'asc').skip(skip).limit(100).get()
    const page = res.data as TeamMemberDoc[]
    member = page.find((m) => memberKeyOf(team._id, m.openid) === input.memberKey)
    if (page.length < 100) break
  }
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

type ScannedVolunteer = VolunteerDoc & { joinedTeam?: TeamDoc[]; joinedUser?: UserRecord[]; joinedMember?: TeamMemberDoc[]; joinedRecords?: { teamId?: string; status: string; verifiedMinutes?: number }[] }

/**
 * The volunteer a personal code stands for, with the team, their users document, their membership
 * of it and their verified minutes in it (records joined by openid, trimmed): one aggregate. Null
 * when the number or the team is unknown.
 */
async function scannedVolunteer(memberCode: string, teamId: string) {
  const volunteerNo = readMemberCode(memberCode)
  const $ = db().command.aggregate
  const res = await db()
    .collection(VOLUNTEERS)
    .aggregate()
    .match({ volunteerNo })
    .limit(1)
    .lookup({ from: 'users', localField: '_id', foreignField: '_id', as: 'joinedUser' })
    .addFields({ joinedKey: $.concat([`${teamId}:`, '$_id']) })
    .lookup({ from: TEAM_MEMBERS, localField: 'joinedKey', foreignField: '_id', as: 'joinedMember' })
    .lookup({ from: 'serviceRecords', localField: '_id', foreignField: 'openid', as: 'joinedRecords' })
    .addFields({ joinedTeamId: teamId })
    .lookup({ from: TEAMS, localField: 'joinedTeamId', foreignField: '_id', as: 'joinedTeam' })
    .project({ volunteerNo: 1, name: 1, joinedUser: 1, joinedMember: 1, joinedTeam: 1, 'joinedRecords.teamId': 1, 'joinedRecords.status': 1, 'joinedRecords.verifiedMinutes': 1 })
    .end()
  const row = res.list[0] as ScannedVolunteer | undefined
  const team = row?.joinedTeam?.[0]
  if (!row || !team) return null
  const verified = new Set<string>(VERIFIED_STATUSES)
  const minutes = (row.joinedRecords ?? []).filter((r) => r.teamId === teamId && verified.has(r.status)).reduce((sum, r) => sum + (r.verifiedMinutes ?? 0), 0)
  return { volunteer: row, team, user: row.joinedUser?.[0] ?? null, member: row.joinedMember?.[0] ?? null, minutes }
}

/*
 * Membership changes are transactions on the team (its status, `memberCount` and leader) and the
 * member documents by `_id` (`${teamId}:${openid}`): each reads what it decides on inside and
 * writes the team, so a disband, another addition or removal, or a second leader appointment at
 * the same instant conflicts and runs again on the result (no member added to a disbanded team,
 * no lost count, never two leaders). What is read before (one aggregate each) only answers early.
 */
export async function addMember(caller: Caller, input: z.output<typeof addMemberInput>): Promise<TeamMember> {
  const scanned = await scannedVolunteer(input.memberCode, input.teamId)
  // Without a volunteer the team is read for the answer (its own refusals come first).
  const team = scanned?.team ?? (await getById<TeamDoc>(TEAMS, input.teamId, '队伍'))
  requireCommunityStaff(caller, team.communityId)
  if (team.status === 'disbanded') throw conflict('队伍已撤销')
  // An unknown number is treated like a forged code: nothing to act on, and nothing learned.
  if (!scanned) throw new AppError('FORBIDDEN', '无效的志愿者码，未找到该志愿者')
  const { volunteer, user, member: seen, minutes } = scanned
  if (seen?.status === 'active') throw conflict('已是本队队员')
  const name = user?.profile?.name || volunteer.name
  const id = `${team._id}:${volunteer._id}`
  const joinedAt = await transaction(async (tx) => {
    const now = clock.date()
    const fresh = await txGet<TeamDoc>(tx, TEAMS, team._id)
    if (!fresh) throw notFound('队伍')
    if (fresh.status === 'disbanded') throw conflict('队伍已撤销')
    const member = await txGet<TeamMemberDoc>(tx, TEAM_MEMBERS, id)
    if (member?.status === 'active') throw conflict('已是本队队员')
    if (member) {
      await tx
        .collection(TEAM_MEMBERS)
        .doc(id)
        .update({ data: { status: 'active', role: input.role, joinedAt: now, history: [...(member.history ?? []), entry(caller, '重新加入')] } })
    } else {
      const doc: TeamMemberDoc = {
        _id: id,
        teamId: team._id,
        openid: volunteer._id,
        name,
        volunteerNo: volunteer.volunteerNo,
        role: input.role,
        status: 'active',
        joinedAt: now,
        history: [entry(caller, '加入')]
      }
      await tx.collection(TEAM_MEMBERS).add({ data: doc })
    }
    const data: Record<string, unknown> = { memberCount: fresh.memberCount + 1, updatedAt: now }
    if (input.role === 'leader') Object.assign(data, await leaderChangeTx(tx, caller, fresh, volunteer._id, name))
    await tx.collection(TEAMS).doc(team._id).update({ data })
    return now
  })
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

/**
 * Inside a transaction: one leader per team, the team's `leaderOpenid` being the truth — the
 * predecessor becomes a member again (the new one's member document is written with the role by
 * the caller). Returns the team fields to write. The predecessor is
 * written without a read: the team names them leader, and a leader's removal clears it in the
 * same transaction, so they are an active member with the role.
 */
async function leaderChangeTx(tx: TransactionRef, caller: Caller, team: TeamDoc, openid: string, name: string): Promise<Record<string, unknown>> {
  const _ = db().command
  if (team.leaderOpenid && team.leaderOpenid !== openid)
    await tx
      .collection(TEAM_MEMBERS)
      .doc(`${team._id}:${team.leaderOpenid}`)
      .update({ data: { role: 'member', history: _.push([entry(caller, '卸任队长')]) } })
  return { leaderOpenid: openid, leaderName: name, history: [...(team.history ?? []), entry(caller, '任命队长', name)] }
}

export async function setLeader(caller: Caller, input: { teamId: string; openid: string }): Promise<TeamDetail> {
  const view = await getTeam(input.teamId, caller.openid)
  requireCommunityStaff(caller, view.team.communityId)
  if (view.team.status === 'disbanded') throw conflict('队伍已撤销')
  const team = await transaction(async (tx) => {
    const fresh = await txGet<TeamDoc>(tx, TEAMS, view.team._id)
    if (!fresh) throw notFound('队伍')
    if (fresh.status === 'disbanded') throw conflict('队伍已撤销')
    const member = await txGet<TeamMemberDoc>(tx, TEAM_MEMBERS, `${fresh._id}:${input.openid}`)
    if (!member || member.status !== 'active') throw notFound('该队员')
    if (member.role !== 'leader')
      await tx
        .collection(TEAM_MEMBERS)
        .doc(member._id)
        .update({ data: { role: 'leader', history: db().command.push([entry(caller, '任命为队长')]) } })
    const data = await leaderChangeTx(tx, caller, fresh, member.openid, member.name)
    await tx.collection(TEAMS).doc(fresh._id).update({ data })
    return { ...fresh, ...data } as TeamDoc
  })
  return detailOf(caller, { ...view, team })
}

export async function removeMember(caller: Caller, input: { teamId: string; openid: string; reason: string }): Promise<{ removed: boolean }> {
  const team = await getById<TeamDoc>(TEAMS, input.teamId, '队伍')
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
 * in one transaction, the membership `removed` with `by` appended to its history, the team's count
 * down and its leader cleared when it was them. False when there was no active membership (already
 * ended: running it again changes nothing). Access is the caller's business.
 */
export async function endMembership(teamId: string, openid: string, by: History): Promise<boolean> {
  const id = `${teamId}:${openid}`
  return transaction(async (tx) => {
    const member = await txGet<TeamMemberDoc>(tx, TEAM_MEMBERS, id)
    if (!member || member.status !== 'active') return false
    const fresh = await txGet<TeamDoc>(tx, TEAMS, teamId)
    await tx
      .collection(TEAM_MEMBERS)
      .doc(id)
      .update({ data: { status: 'removed', history: [...(member.history ?? []), by] } })
    if (fresh) {
      const _ = db().command
      const data: Record<string, unknown> = { memberCount: Math.max(0, (fresh.memberCount ?? 1) - 1), updatedAt: clock.date() }
      if (fresh.leaderOpenid === openid) {
        data.leaderOpenid = _.remove()
        data.leaderName = _.remove()
      }
      await tx.collection(TEAMS).doc(teamId).update({ data })
    }
    return true
  })
}

export async function myTeams(caller: Caller): Promise<{ items: TeamSummary[] }> {
  const _ = db().command
  const memberships = await db().collection(TEAM_MEMBERS).where({ openid: caller.openid, status: 'active' }).limit(100).get()
  const ids = (memberships.data as TeamMemberDoc[]).map((m) => m.teamId)
  if (ids.length === 0) return { items: [] }
  const teams = await db().collection(TEAMS).where({ _id: _.in(ids) }).limit(100).get()
  const docs = teams.data as TeamDoc[]
  const communities = await namesById('communities', docs.map((t) => t.communityId))
  return { items: docs.map((t) => summaryOf(t, communities)) }
}
