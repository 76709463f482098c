import { audit } from './audit'
import { AppError } from './errors'
import type { Caller } from './identity'

/**
 * The one way a full mobile number leaves a function (issue #16):
 * each domain's `revealMobile` action checks that the caller's role needs to call this person, then
 * hands the number here. The audit entry — who (the caller), whose (`whose`, the person's openid,
 * and `target.label`, their name), why (`reason`), through which record (`target`) — is written
 * before the number is returned: no log, no number.
 *
 * Everywhere else a number is shown masked (server/core/mask.ts), and only to someone who may reveal it.
 */
export interface Reveal {
  /** `<domain>.viewMobile`. */
  action: string
  /** The record through which the number is reached (a ticket, a wish, a sign-up, a team membership). */
  target: { collection: string; id: string; label?: string }
  communityId?: string
  /** The openid of the person whose number it is. */
  whose: string
  /** Why the caller needs it, in Chinese (e.g. 联系反映人). */
  reason: string
  mobile: string | null | undefined
}

export async function revealMobile(caller: Caller, reveal: Reveal): Promise<{ mobile: string }> {
  if (!reveal.mobile) throw new AppError('NOT_FOUND', '对方未登记手机号')
  await audit(caller, {
    action: reveal.action,
    target: reveal.target,
    ...(reveal.communityId ? { communityId: reveal.communityId } : {}),
    detail: { whose: reveal.whose, reason: reveal.reason }
  })
  return { mobile: reveal.mobile }
}
