import {
  DEFAULT_REGISTRATION_TARGET,
  progressPercent,
  type SetCommunityTargetsOutput,
  type setCommunityTargetsInput,
  type StatsOutput,
  type TargetProgress
} from '../../contracts/members'
import type { z } from '../../contracts/zod'
import { clock } from '../core/clock'
import { db } from '../core/db'
import { invalid } from '../core/errors'
import { managedCommunities } from '../core/guard'
import type { Caller } from '../core/identity'
import { audit } from '../core/audit'
import { findById, txGet } from '../core/records'
import { transaction } from '../core/transaction'
import { REGISTRATIONS, SETTINGS, TARGET_SETTING_ID } from './model'

/** A community as the targets need it: `registrationTarget` is set by the district admin (null or absent: 未设目标). */
export interface CommunityTargetDoc {
  _id: string
  name: string
  order: number
  registrationTarget?: number | null
}

const COMMUNITIES = 'communities'

/** The communities (all, or those listed) with their targets, in the district's order: one query. */
export async function communitiesWithTargets(ids?: string[] | null): Promise<CommunityTargetDoc[]> {
  const _ = db().command
  const res = await db()
    .collection(COMMUNITIES)
    .where(ids ? { _id: _.in(ids) } : {})
    .field({ name: true, order: true, registrationTarget: true })
    .orderBy('order', 'asc')
    .limit(1000)
    .get()
  return res.data as CommunityTargetDoc[]
}

export const targetOf = (c: Pick<CommunityTargetDoc, 'registrationTarget'>): number | null =>
  typeof c.registrationTarget === 'number' && c.registrationTarget > 0 ? c.registrationTarget : null

/**
 * Each community's target, approved members and percentage. `approved` per community comes from
 * the caller (counted in the database: stats' indexed counts, or one grouped aggregation).
 */
export function progressRows(communities: CommunityTargetDoc[], approved: Map<string, number>): TargetProgress[] {
  return communities.map((c) => {
    const target = targetOf(c)
    const n = approved.get(c._id) ?? 0
    return { communityId: c._id, communityName: c.name, target, approved: n, percent: progressPercent(n, target) }
  })
}

/**
 * Approved registrations per community in one grouped aggregation (one round trip, whatever the
 * number of communities), limited to `ids` when given.
 */
export async function approvedByCommunity(ids?: string[] | null): Promise<Map<string, number>> {
  const _ = db().command
  const $ = db().command.aggregate
  const res = await db()
    .collection(REGISTRATIONS)
    .aggregate()
    .match(ids ? { communityId: ids.length === 1 ? ids[0] : _.in(ids), status: 'approved' } : { status: 'approved' })
    .group({ _id: '$communityId', n: $.sum(1) })
    .limit(10_000)
    .end()
  return new Map((res.list as { _id: string; n: number }[]).map((r) => [String(r._id), r.n]))
}

/**
 * District admin sets the communities' own targets (null clears one: 未设目标). A community named
 * twice or unknown refuses the whole input before anything is written; each changed one is then
 * written by a conditional update on the target read (a transaction decides again those changed
 * meanwhile). Not all or nothing past validation: a failure midway leaves some targets set, and
 * what was set is audit-logged all the same (running it again finishes it).
 */
export async function setCommunityTargets(input: z.output<typeof setCommunityTargetsInput>, caller: Caller): Promise<SetCommunityTargetsOutput> {
  const seen = new Map<string, number>()
  input.targets.forEach((t, i) => {
    if (seen.has(t.communityId)) throw invalid(`同一社区填写了两次（第${seen.get(t.communityId)! + 1}项和第${i + 1}项）`, [`targets.${i}.communityId`])
    seen.set(t.communityId, i)
  })
  const communities = await communitiesWithTargets()
  const byId = new Map(communities.map((c) => [c._id, c]))
  const unknown = input.targets.findIndex((t) => !byId.has(t.communityId))
  if (unknown >= 0) throw invalid(`社区不存在：${input.targets[unknown].communityId}`, [`targets.${unknown}.communityId`])
  // Only targets that differ from the ones just read can change (one equal when read is a no-op at
  // that moment). A change made meanwhile makes the conditional update match nothing; the
  // transaction then decides on the target as it reads it (retry-safe: each round reads afresh), so
  // it is neither written twice nor audited with a stale `from`.
  const now = clock.date()
  const candidates = input.targets.map((t, i) => ({ t, i })).filter(({ t }) => targetOf(byId.get(t.communityId)!) !== t.target)
  const write = (t: { communityId: string; target: number | null }) => ({ registrationTarget: t.target, targetUpdatedAt: now, targetUpdatedBy: caller.openid })
  type Change = { communityId: string; from: number | null; to: number | null }
  // Each community's target is its own document: a conditional update whose filter is the target
  // read decides alone (no transaction), one round trip per community; those changed meanwhile are
  // decided again in the transaction below, on the targets as it reads them.
  const tried = await Promise.all(
    candidates.map(async ({ t, i }) => {
      const read = byId.get(t.communityId)!
      const res = await db()
        .collection(COMMUNITIES)
        .where({ _id: t.communityId, registrationTarget: read.registrationTarget ?? null })
        .update({ data: write(t) })
      return res.stats.updated > 0 ? { done: { communityId: t.communityId, from: targetOf(read), to: t.target } as Change } : { again: { t, i } }
    })
  )
  let changes: Change[] = tried.flatMap((r) => (r.done ? [r.done] : []))
  const again = tried.flatMap((r) => (r.again ? [r.again] : []))
  const auditChanges = (list: Change[]) =>
    audit(caller, {
      action: 'members.setCommunityTargets',
      target: { collection: COMMUNITIES, id: list.length === 1 ? list[0].communityId : 'district' },
      detail: { changes: list }
    })
  if (again.length > 0) changes = changes.concat(await transaction(async (tx) => {
    const changed: Change[] = []
    for (const { t, i } of again) {
      const current = await txGet<CommunityTargetDoc>(tx, COMMUNITIES, t.communityId)
      if (!current) throw invalid(`社区不存在：${t.communityId}`, [`targets.${i}.communityId`])
      const from = targetOf(current)
      if (from === t.target) continue
      await tx.collection(COMMUNITIES).doc(t.communityId).update({ data: write(t) })
      changed.push({ communityId: t.communityId, from, to: t.target })
    }
    return changed
  }).catch(async (error) => {
    // The targets already written stay written: they are audited before the failure is answered.
    if (changes.length > 0) await auditChanges(changes)
    throw error
  }))
  for (const t of input.targets) byId.get(t.communityId)!.registrationTarget = t.target
  if (changes.length > 0) await auditChanges(changes)
  return {
    communities: communities.map((c) => ({ communityId: c._id, communityName: c.name, target: targetOf(c) })),
    changed: changes.length
  }
}

interface TargetSetting {
  _id: string
  target: number
  updatedAt?: Date
  updatedBy?: string
}

export async function currentTarget(): Promise<number> {
  const setting = await findById<TargetSetting>(SETTINGS, TARGET_SETTING_ID)
  return setting?.target ?? DEFAULT_REGISTRATION_TARGET
}

/** District admin changes the district's target (the seed document's 4,403 by default). */
export async function setTarget(input: { target: number }, caller: Caller): Promise<{ target: number }> {
  await db()
    .collection(SETTINGS)
    .doc(TARGET_SETTING_ID)
    .set({ data: { target: input.target, updatedAt: clock.date(), updatedBy: caller.openid } })
  await audit(caller, { action: 'members.setTarget', target: { collection: SETTINGS, id: TARGET_SETTING_ID }, detail: { target: input.target } })
  return { target: input.target }
}

/**
 * Progress of 在职党员报到, counted in the database: per community registered (pending + approved),
 * approved, pending (of which transfers in), its own target and percentage (null: 未设目标); for the district (admin only) the same in people — a
 * member in the middle of a transfer is approved in the old community and pending in the new one,
 * and counts once — against the target.
 *
 * One `$group` aggregation on (community, status, isTransfer) for every community at once (three
 * round trips in all, whatever the number of communities).
 */
export async function stats(caller: Caller): Promise<StatsOutput> {
  const managed = managedCommunities(caller)
  const _ = db().command
  const $ = db().command.aggregate
  const [communities, target, groups] = await Promise.all([
    communitiesWithTargets(managed),
    currentTarget(),
    db()
      .collection(REGISTRATIONS)
      .aggregate()
      .match(managed ? { communityId: managed.length === 1 ? managed[0] : _.in(managed), status: _.in(['approved', 'pending']) } : { status: _.in(['approved', 'pending']) })
      .group({ _id: { c: '$communityId', s: '$status', t: '$isTransfer' }, n: $.sum(1) })
      .limit(100_000)
      .end()
  ])
  const counted = new Map<string, { approved: number; pending: number; pendingTransfers: number }>()
  for (const g of groups.list as { _id: { c: string; s: string; t?: boolean }; n: number }[]) {
    const row = counted.get(g._id.c) ?? { approved: 0, pending: 0, pendingTransfers: 0 }
    if (g._id.s === 'approved') row.approved += g.n
    else {
      row.pending += g.n
      if (g._id.t === true) row.pendingTransfers += g.n
    }
    counted.set(g._id.c, row)
  }
  const rows = communities.map((c) => {
    const { approved, pending, pendingTransfers } = counted.get(c._id) ?? { approved: 0, pending: 0, pendingTransfers: 0 }
    const own = targetOf(c)
    return { communityId: c._id, communityName: c.name, registered: approved + pending, approved, pending, pendingTransfers, target: own, percent: progressPercent(approved, own) }
  })
  const sum = (key: 'approved' | 'pending' | 'pendingTransfers') => rows.reduce((total, row) => total + row[key], 0)
  const district = { approved: sum('approved'), pending: sum('pending'), pendingTransfers: sum('pendingTransfers'), registered: 0 }
  district.registered = district.approved + district.pending - district.pendingTransfers
  return {
    scope: managed ? 'community' : 'district',
    target,
    percent: managed ? null : progressPercent(district.approved, target),
    communityTargetsTotal: rows.reduce((total, row) => total + (row.target ?? 0), 0),
    district: managed ? null : district,
    communities: rows
  }
}
