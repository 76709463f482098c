import type { MeOutput } from '../../contracts/members'
import type { FirstReadContext } from '../core/function'
import { REGISTRATIONS, toViews, type RegistrationRecord } from './model'
import { viewsOf, withPlaces } from './parts'
import { grantMember } from './review'

/**
 * The caller's own registrations: the one they serve in (with placement), a pending one, a recent
 * rejection. The caller and their registrations with every place the views name: one round trip.
 */
export async function me(ctx: FirstReadContext): Promise<MeOutput> {
  const { caller, docs } = await ctx.readWithCaller({
    mine: { collection: REGISTRATIONS, build: (p) => withPlaces(p.match({ openid: ctx.openid }).sort({ submittedAt: -1 }).limit(20)) }
  })
  const { records, known } = viewsOf(docs.mine ?? [])
  const approved = records.find((r) => r.status === 'approved') ?? null
  const pending = records.find((r) => r.status === 'pending') ?? null
  // A rejection is worth showing only while nothing newer is active.
  const rejected = !pending && records[0]?.status === 'rejected' ? records[0] : null
  // Repair a lost follow-up of an approval (the role is granted after the review commits).
  if (approved && !caller.roles.includes('member')) await grantMember(approved, caller.user !== null)
  const chosen = [approved, pending, rejected].filter((r): r is RegistrationRecord => !!r)
  const views = await toViews(chosen, { withMobile: true, withHistory: true }, known)
  const viewOf = (r: RegistrationRecord | null) => (r ? views[chosen.indexOf(r)] : null)
  return { approved: viewOf(approved), pending: viewOf(pending), rejected: viewOf(rejected) }
}
