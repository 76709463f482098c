import type { MeOutput } from '../../contracts/members'
import { db } from '../core/db'
import type { Caller } from '../core/identity'
import { REGISTRATIONS, toViews, type RegistrationRecord } from './model'
import { grantMember } from './review'

/** The caller's own registrations: the one they serve in (with placement), a pending one, a recent rejection. */
export async function me(caller: Caller): Promise<MeOutput> {
  const res = await db().collection(REGISTRATIONS).where({ openid: caller.openid }).orderBy('submittedAt', 'desc').limit(20).get()
  const records = res.data as RegistrationRecord[]
  const approved = records.find((r) => r.status === 'approved') ?? null
  const pending = records.find((r) => r.status === 'pending') ?? null
  // A rejection is worth showing only while nothing newer is active.
  const rejected = !pending && records[0]?.status === 'rejected' ? records[0] : null
  // Repair a lost follow-up of an approval (the role is granted after the review commits).
  if (approved && !caller.roles.includes('member')) await grantMember(approved)
  const chosen = [approved, pending, rejected].filter((r): r is RegistrationRecord => !!r)
  const views = await toViews(chosen, { withMobile: true, withHistory: true })
  const viewOf = (r: RegistrationRecord | null) => (r ? views[chosen.indexOf(r)] : null)
  return { approved: viewOf(approved), pending: viewOf(pending), rejected: viewOf(rejected) }
}
