/**
 * Notices as stored, and the one visibility rule (as a database query for lists and counts, and as
 * a predicate for a single notice; the two are written side by side and tested together).
 *
 * Collections:
 * - `notices`: one document per notice. `audienceKeys` holds the places it is for ('district',
 *   'community:c1', 'grid:c1g1', 'building:c1g1b2'); `audienceRoles` the roles (['all'] = no
 *   limit). A user matches when one of their own place keys is in `audienceKeys` and one of their
 *   roles (or 'all') is in `audienceRoles`; both are matched by the database (`_.in`), never by
 *   fetching notices and filtering them here.
 * - `noticeReads`: `_id` `${noticeId}:${openid}` (opening twice counts once), with the reader's
 *   community/grid/building at the time they read it, for coverage by place.
 * - `noticeAudienceCounts`: audience sizes per community for the district-level coverage view,
 *   counted over `users` and kept for a few minutes (the only part of coverage that scans the whole
 *   population; keyed by the audience, so notices with the same audience share them).
 * - `noticeFiles`: attachments uploaded through `notices.upload` (emulator / H5).
 * - `noticeSubscriptions`: subscription grants, each marked with the notices pushed to its holder
 *   (see push.ts); `noticePushes` holds the push records written before the mark.
 */
import type { Audience, NoticeCategory, NoticeStatus, RichNode } from '../../contracts/notices'
import type { Role } from '../../contracts/roles'
import { db } from '../core/db'
import type { Caller } from '../core/identity'

export const NOTICES = 'notices'
export const READS = 'noticeReads'
export const AUDIENCE_COUNTS = 'noticeAudienceCounts'
export const FILES = 'noticeFiles'
export const SUBSCRIPTIONS = 'noticeSubscriptions'

/** "No expiry" is stored as this instant so that one range condition covers both cases. */
export const NEVER = new Date('9999-12-31T00:00:00Z')

export interface StoredAttachment {
  fileID: string
  name: string
  contentType: 'image/jpeg' | 'image/png' | 'image/gif' | 'application/pdf'
  size: number
}

export interface NoticeHistoryEntry {
  action: 'publish' | 'update' | 'withdraw'
  at: Date
  by: string
  byName: string
  note?: string
}

export type PushState = 'none' | 'pending' | 'done' | 'cancelled'

export interface NoticeRecord {
  _id: string
  title: string
  category: NoticeCategory
  /** Sanitised HTML. */
  body: string
  bodyNodes: RichNode[]
  bodyText: string
  attachments: StoredAttachment[]
  audience: Audience
  audienceLabel: string
  audienceKeys: string[]
  audienceRoles: string[]
  /** Communities the audience lies in ([] for a district-wide notice). */
  communityIds: string[]
  /** Who may find it in the manage view: 'district' or the community ids. */
  manageKeys: string[]
  /** Bumped when the audience changes (audience counts are cached per version). */
  audienceVersion: number
  publishAt: Date
  expiresAt: Date | null
  /** expiresAt, or NEVER. */
  visibleUntil: Date
  pinned: boolean
  important: boolean
  status: 'active' | 'withdrawn'
  withdrawnAt?: Date
  withdrawnReason?: string
  publisher: { openid: string; name: string; orgName: string }
  createdAt: Date
  updatedAt: Date
  /** Changed after it was published (readers see "已更新"). */
  editedAt: Date | null
  pushState: PushState
  /** Subscribers are pushed in `_id` order; the last one handled. */
  pushCursor: string
  pushedCount: number
  /** A dispatcher holds the notice until this time (so two never send the same page). */
  pushLockUntil: Date | null
  history: NoticeHistoryEntry[]
  /**
   * Read tallies, kept with one atomic `_.inc` when a read is first recorded (the reads themselves
   * stay the record): all readers; readers by community ('_none': no known community); readers
   * with a known building by community (the district-level coverage figures).
   */
  readCount: number
  readsByCommunity: Record<string, number>
  housedByCommunity: Record<string, number>
}

export interface ReadRecord {
  _id: string
  noticeId: string
  openid: string
  communityId: string | null
  gridId: string | null
  buildingId: string | null
  isMember: boolean
  readAt: Date
}

export const readId = (noticeId: string, openid: string) => `${noticeId}:${openid}`

/** readId of the notice in an aggregation stage (its `_id`) and this reader, for a `lookup` of READS. */
export const readIdExpression = (openid: string) => db().command.aggregate.concat(['$_id', readId('', openid)])

/** The places a user belongs to, as audience keys: always 'district', then what their profile knows. */
export function placeKeysOf(caller: Pick<Caller, 'user'>): string[] {
  const profile = caller.user?.profile ?? {}
  const keys = ['district']
  if (profile.communityId) keys.push(`community:${profile.communityId}`)
  if (profile.gridId) keys.push(`grid:${profile.gridId}`)
  if (profile.buildingId) keys.push(`building:${profile.buildingId}`)
  return keys
}

export function roleKeysOf(caller: Pick<Caller, 'roles'>): string[] {
  return ['all', ...caller.roles]
}

/** Stored audience keys of a (normalised) audience. */
export function audienceKeysOf(audience: Audience): string[] {
  if (audience.district) return ['district']
  return [
    ...audience.communityIds.map((id) => `community:${id}`),
    ...audience.gridIds.map((id) => `grid:${id}`),
    ...audience.buildingIds.map((id) => `building:${id}`)
  ]
}

/** Stored role keys: ['all'] when not limited (no roles, or 'resident' = everybody). */
export function audienceRolesOf(roles: readonly Role[]): string[] {
  return roles.length === 0 || roles.includes('resident') ? ['all'] : [...roles]
}

/** The database condition "visible to this caller now" (with extra conditions ANDed in). */
export function visibleWhere(caller: Caller, now: Date, extra: object[] = []): object {
  const _ = db().command
  return _.and([
    { audienceKeys: _.in(placeKeysOf(caller)) },
    { audienceRoles: _.in(roleKeysOf(caller)) },
    { status: 'active' },
    { publishAt: _.lte(now) },
    { visibleUntil: _.gt(now) },
    ...extra
  ])
}

/** The same rule for one notice (for `get`). */
export function isVisibleTo(notice: NoticeRecord, caller: Caller, now: Date): boolean {
  const places = placeKeysOf(caller)
  const roles = roleKeysOf(caller)
  return (
    notice.status === 'active' &&
    notice.publishAt.getTime() <= now.getTime() &&
    notice.visibleUntil.getTime() > now.getTime() &&
    notice.audienceKeys.some((key) => places.includes(key)) &&
    notice.audienceRoles.some((role) => roles.includes(role))
  )
}

export function statusOf(notice: NoticeRecord, now: Date): NoticeStatus {
  if (notice.status === 'withdrawn') return 'withdrawn'
  if (notice.publishAt.getTime() > now.getTime()) return 'scheduled'
  if (notice.visibleUntil.getTime() <= now.getTime()) return 'expired'
  return 'published'
}

/** Staff of every community the notice is for (not district-wide), or the district admin. */
export function canEdit(notice: NoticeRecord, caller: Caller): boolean {
  if (caller.roles.includes('district_admin')) return true
  if (!caller.roles.includes('staff') || notice.audience.district || notice.communityIds.length === 0) return false
  return notice.communityIds.every((id) => caller.scopes.communityIds.includes(id))
}

/**
 * Coverage of a notice: the district admin always; staff for their own communities when the
 * notice is district-wide or reaches one of them.
 */
export function canViewStats(notice: NoticeRecord, caller: Caller): boolean {
  if (caller.roles.includes('district_admin')) return true
  if (!caller.roles.includes('staff')) return false
  if (notice.audience.district) return caller.scopes.communityIds.length > 0
  return notice.communityIds.some((id) => caller.scopes.communityIds.includes(id))
}


export const iso = (at: Date | null | undefined): string | null => (at ? new Date(at).toISOString() : null)

/** Escapes a user's search words for a database regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
