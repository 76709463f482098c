import type { ReportScope } from '../../contracts/reports'
import { db } from '../core/db'
import { forbidden, notFound } from '../core/errors'
import { managedCommunities } from '../core/guard'
import type { Caller } from '../core/identity'
import { targetOf, type CommunityTargetDoc } from '../members/stats'

/** The place a report covers: the whole district (communityId null) or one community. */
export interface Scope {
  communityId: string | null
  name: string
  /** A community's own 报到 target (null: 未设目标); not set for the district. */
  target?: number | null
  /** The names of the communities the caller may see (a record list names its community without reading it). */
  names?: Map<string, string>
}

export interface CommunityRef {
  id: string
  name: string
  /** The community's 报到 target set by the district admin; null: 未设目标. */
  target: number | null
}

export const DISTRICT_NAME = '全区'

/** Every community, in the district's order (at most a few hundred: one page of 1000). */
export async function allCommunities(ids?: string[]): Promise<CommunityRef[]> {
  const _ = db().command
  const res = await db()
    .collection('communities')
    .where(ids ? { _id: _.in(ids) } : {})
    .field({ name: true, order: true, registrationTarget: true })
    .orderBy('order', 'asc')
    .limit(1000)
    .get()
  return communityRefs(res.data as CommunityTargetDoc[])
}

/**
 * Who sees what: the district admin the district (no communityId) or any community; community staff
 * their own community only (without communityId: the first of theirs). Anyone else is refused
 * (the action's role gate already stops residents; this also stops a staff record without a community).
 * Returns the communities the caller may see (null: all).
 */
export function checkScope(caller: Caller, communityId: string | undefined): string[] | null {
  const managed = managedCommunities(caller)
  if (managed !== null && managed.length === 0) throw forbidden('仅社区工作人员和区级管理员可查看')
  if (communityId && managed && !managed.includes(communityId)) throw forbidden('仅可查看本社区的数据')
  return managed
}

/** The scope's community id when it is known without reading the communities (null: the district; undefined: not known). */
export function scopeIdOf(managed: string[] | null, communityId: string | undefined): string | null | undefined {
  if (communityId) return communityId
  if (managed === null) return null
  return managed.length === 1 ? managed[0] : undefined
}

/** The scope, from the communities the caller may see (in the district's order). */
export function scopeFrom(managed: string[] | null, communityId: string | undefined, communities: CommunityRef[]): Scope {
  const names = new Map(communities.map((c) => [c.id, c.name]))
  return { ...scopeOf(managed, communityId, communities), names }
}

function scopeOf(managed: string[] | null, communityId: string | undefined, communities: CommunityRef[]): Scope {
  if (communityId) {
    const community = communities.find((c) => c.id === communityId)
    if (!community) throw notFound('社区')
    return { communityId, name: community.name, target: community.target }
  }
  if (managed) {
    const own = communities[0]
    if (!own) throw notFound('社区')
    return { communityId: own.id, name: own.name, target: own.target }
  }
  return { communityId: null, name: DISTRICT_NAME }
}

export const communityRefs = (docs: CommunityTargetDoc[]): CommunityRef[] => docs.map((c) => ({ id: c._id, name: c.name, target: targetOf(c) }))

export async function resolveScope(caller: Caller, communityId: string | undefined): Promise<{ scope: Scope; communities: CommunityRef[] }> {
  const managed = checkScope(caller, communityId)
  const communities = await allCommunities(managed ?? undefined)
  return { scope: scopeFrom(managed, communityId, communities), communities }
}

export function scopeView(scope: Scope): ReportScope {
  return scope.communityId ? { level: 'community', communityId: scope.communityId, name: scope.name } : { level: 'district', name: scope.name }
}
