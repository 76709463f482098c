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
import { busy, invalid } from '../core/errors'
import { managedCommunities } from '../core/guard'
import type { Caller } from '../core/identity'
import type { FirstReadContext } from '../core/function'
import { audit } from '../core/audit'
import { findById } from '../core/records'
import type { Part } from '../core/together'
import { REGISTRATIONS, SETTINGS, TARGET_SETTING_ID } from './model'

/** A community as the targets need it: `registrationTarget` is set by the district admin (null or absent: 未设目标). */
export interface CommunityTargetDoc {
  _id: string
  name: string
  order: number
  registrationTarget?: number | null
}

const COMMUNITIES = 'communities'

/** Every community with its target, in the district's order, as a part of a combined read. */
export const communitiesPart = (): Part => ({
  collection: COMMUNITIES,
  build: (p) => p.match({}).sort({ order: 1 }).project({ name: true, order: true, registrationTarget: true }).limit(1000)
})

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
 * written by a conditional update on the target read. Not all or nothing past validation: a failure
 * midway leaves some targets set, and what was set is audit-logged all the same (running it again
 * finishes it).
 *
 * Round trips: the caller with the communities (one read), one update per changed target, the audit
 * entry; a target changed meanwhile costs a read of it and its update again.
 */
export async function setCommunityTargets(input: z.output<typeof setCommunityTargetsInput>, ctx: FirstReadContext): Promise<SetCommunityTargetsOutput> {
  const { caller, docs } = await ctx.readWithCaller({ communities: communitiesPart() })
  const seen = new Map<string, number>()
  input.targets.forEach((t, i) => {
    if (seen.has(t.communityId)) throw invalid(`同一社区填写了两次（第${seen.get(t.communityId)! + 1}项和第${i + 1}项）`, [`targets.${i}.communityId`])
    seen.set(t.communityId, i)
  })
  const communities = docs.communities as CommunityTargetDoc[]
  const byId = new Map(communities.map((c) => [c._id, c]))
  const unknown = input.targets.findIndex((t) => !byId.has(t.communityId))
  if (unknown >= 0) throw invalid(`社区不存在：${input.targets[unknown].communityId}`, [`targets.${unknown}.communityId`])
  const now = clock.date()
  const write = (t: { communityId: string; target: number | null }) => ({ registrationTarget: t.target, targetUpdatedAt: now, targetUpdatedBy: caller.openid })
  type Change = { communityId: string; from: number | null; to: number | null }
  type Pending = { t: { communityId: string; target: number | null }; i: number; read: CommunityTargetDoc }
  // Each community's target is its own document: a conditional update whose filter is the target
  // read decides alone (no transaction needed: of two admins sending the same change, one update
  // matches; the other re-reads, finds it equal and writes nothing), so a target is never written
  // twice nor audited with a stale `from`. Only targets that differ from the ones read can change.
  let pending: Pending[] = input.targets.map((t, i) => ({ t, i, read: byId.get(t.communityId)! }))
  let changes: Change[] = []
  const auditChanges = (list: Change[]) =>
    audit(caller, {
      action: 'members.setCommunityTargets',
      target: { collection: COMMUNITIES, id: list.length === 1 ? list[0].communityId : 'district' },
      detail: { changes: list }
    })
  try {
    for (let round = 0; ; round++) {
      const candidates = pending.filter(({ t, read }) => targetOf(read) !== t.target)
      if (candidates.length === 0) break
      if (round === 4) throw busy()
      const tried = await Promise.all(
        candidates.map(async (c) => {
          const res = await db()
            .collection(COMMUNITIES)
            .where({ _id: c.t.communityId, registrationTarget: c.read.registrationTarget ?? null })
            .update({ data: write(c.t) })
          return { c, done: res.stats.updated > 0 }
        })
      )
      changes = changes.concat(tried.filter((x) => x.done).map(({ c }) => ({ communityId: c.t.communityId, from: targetOf(c.read), to: c.t.target })))
      pending = tried.filter((x) => !x.done).map(({ c }) => c)
      if (pending.length === 0) break
      // Changed meanwhile: decided again on the targets as they are now.
      const _ = db().command
      const ids = pending.map((c) => c.t.communityId)
      const fresh = (await db().collection(COMMUNITIES).where({ _id: _.in(ids) }).field({ name: true, order: true, registrationTarget: true }).limit(ids.length).get()).data as CommunityTargetDoc[]
      const current = new Map(fresh.map((c) => [c._id, c]))
      pending = pending.map((c) => {
        const read = current.get(c.t.communityId)
        if (!read) throw invalid(`社区不存在：${c.t.communityId}`, [`targets.${c.i}.communityId`])
        return { ...c, read }
      })
    }
  } catch (error) {
    // The targets already written stay written: they are audited before the failure is answered.
    if (changes.length > 0) await auditChanges(changes)
    throw error
  }
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
 * One `$group` aggregation on (community, status, isTransfer) for every community at once, read
 * with the caller, the communities and the district's target: one round trip, whatever the number
 * of communities.
 */
export async function stats(ctx: FirstReadContext): Promise<StatsOutput> {
  const _ = db().command
  const $ = db().command.aggregate
  // The caller, the communities with their targets, the district's target and the counts (for every
  // community: the caller's own are taken from them) in one round trip.
  const { caller, docs } = await ctx.readWithCaller({
    communities: communitiesPart(),
    target: { collection: SETTINGS, build: (p) => p.match({ _id: TARGET_SETTING_ID }).limit(1) },
    groups: {
      collection: REGISTRATIONS,
      build: (p) =>
        p
          .match({ status: _.in(['approved', 'pending']) })
          .group({ _id: { c: '$communityId', s: '$status', t: '$isTransfer' }, n: $.sum(1) })
          .limit(100_000)
    }
  })
  const managed = managedCommunities(caller)
  const communities = (docs.communities as CommunityTargetDoc[]).filter((c) => !managed || managed.includes(c._id))
  const target = (docs.target[0] as TargetSetting | undefined)?.target ?? DEFAULT_REGISTRATION_TARGET
  const groups = { list: docs.groups }
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
