import type { Role, Scopes } from '../../contracts/roles'
import { db } from './db'
import type { Part } from './together'

/** A user as stored in `users` (`_id` is the openid). Residents need no record: any openid is one. */
export interface UserRecord {
  _id: string
  openid: string
  roles: Role[]
  scopes: Scopes
  profile: {
    name?: string
    mobile?: string
    communityId?: string
    gridId?: string
    buildingId?: string
  }
  /**
   * 志愿者实名登记 (server/activities/volunteerRegistration.ts): when the person registered as a
   * volunteer (name, mobile, consent 'volunteer'); with it, or the member role, they may sign up.
   */
  volunteerSince?: Date
  /** The mobile given at the volunteer registration (erased where it still stands when it ends). */
  volunteerMobile?: string
  /**
   * What a withdrawal of 报到 left for the activities timer to erase (server/members/withdraw.ts
   * `erasePendingCopies`): the person's other registrations and the numbers on their sign-ups.
   */
  pendingErasure?: { registrations: string[]; mobiles: string[]; at: Date }
  createdAt?: Date
  updatedAt?: Date
}

export interface Caller {
  openid: string
  roles: Role[]
  scopes: Scopes
  user: UserRecord | null
}

export const emptyScopes = (): Scopes => ({ communityIds: [], companyIds: [], gridIds: [] })

/** The caller an openid is, given its users document (or none: a resident). */
export function callerOf(openid: string, user: UserRecord | null): Caller {
  const roles = new Set<Role>(['resident', ...(user?.roles ?? [])])
  return { openid, roles: [...roles], scopes: user?.scopes ?? emptyScopes(), user }
}

/** Loads the caller's roles and scopes; every openid is at least a resident. */
export async function loadCaller(openid: string): Promise<Caller> {
  const res = await db().collection('users').where({ _id: openid }).limit(1).get()
  return callerOf(openid, (res.data[0] as UserRecord | undefined) ?? null)
}

/** The caller's users document as a part of a combined read (server/core/together.ts). */
export const callerPart = (openid: string): Part => ({ collection: 'users', build: (p) => p.match({ _id: openid }).limit(1) })
