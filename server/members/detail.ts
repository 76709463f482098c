import type { Registration } from '../../contracts/members'
import { forbidden } from '../core/errors'
import { canManageCommunity, requireCommunityStaff } from '../core/guard'
import type { Caller } from '../core/identity'
import { getById } from '../core/records'
import { revealMobile as revealAudited } from '../core/reveal'
import { REGISTRATIONS, toView, type RegistrationRecord } from './model'

/** One registration with its history: to its registrant (full number) or the community's staff (masked). */
export async function detail(input: { registrationId: string }, caller: Caller): Promise<{ registration: Registration }> {
  const r = await getById<RegistrationRecord>(REGISTRATIONS, input.registrationId, '报到记录')
  const own = r.openid === caller.openid
  if (!own && !canManageCommunity(caller, r.communityId)) throw forbidden('无权查看该报到记录')
  return { registration: await toView(r, { withHistory: true, withMobile: own }) }
}

/** A full mobile number for staff of the registration's community; every view is audited. */
export async function revealMobile(input: { registrationId: string }, caller: Caller): Promise<{ mobile: string }> {
  const r = await getById<RegistrationRecord>(REGISTRATIONS, input.registrationId, '报到记录')
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
