import type { Registration } from '../../contracts/members'
import { forbidden, notFound } from '../core/errors'
import type { FirstReadContext } from '../core/function'
import { canManageCommunity, requireCommunityStaff } from '../core/guard'
import { revealMobile as revealAudited } from '../core/reveal'
import { REGISTRATIONS, toView, type RegistrationRecord } from './model'
import { registrationPart, viewsOf } from './parts'

/**
 * One registration with its history: to its registrant (full number) or the community's staff
 * (masked). The caller, the registration and every place it names: one round trip.
 */
export async function detail(input: { registrationId: string }, ctx: FirstReadContext): Promise<{ registration: Registration }> {
  const { caller, docs } = await ctx.readWithCaller({ registration: registrationPart(input.registrationId) })
  const { records, known } = viewsOf(docs.registration)
  const r = records[0]
  if (!r) throw notFound('报到记录')
  const own = r.openid === caller.openid
  if (!own && !canManageCommunity(caller, r.communityId)) throw forbidden('无权查看该报到记录')
  return { registration: await toView(r, { withHistory: true, withMobile: own }, known) }
}

/** A full mobile number for staff of the registration's community; every view is audited. The caller and the registration: one round trip. */
export async function revealMobile(input: { registrationId: string }, ctx: FirstReadContext): Promise<{ mobile: string }> {
  const { caller, docs } = await ctx.readWithCaller({
    registration: {
      collection: REGISTRATIONS,
      build: (p) => p.match({ _id: input.registrationId }).limit(1).project({ openid: true, communityId: true, name: true, mobile: true })
    }
  })
  const r = docs.registration[0] as Pick<RegistrationRecord, '_id' | 'openid' | 'communityId' | 'name' | 'mobile'> | undefined
  if (!r) throw notFound('报到记录')
  requireCommunityStaff(caller, r.communityId)
  // Audited as every domain's reveal (server/core/reveal.ts): whose number, and why — written before
  // the number leaves the function.
  return revealAudited(caller, {
    action: 'members.viewMobile',
    target: { collection: REGISTRATIONS, id: r._id, label: r.name },
    communityId: r.communityId,
    whose: r.openid,
    reason: '社区联系报到党员',
    mobile: r.mobile
  })
}
