import { forbidden } from '../core/errors'
import { canManageCommunity } from '../core/guard'
import type { Caller } from '../core/identity'
import { getById } from '../core/records'
import { revealMobile } from '../core/reveal'
import type { WishRecord } from './model'

/** Who may call the poster: the member who claimed the wish (until it is cancelled) and staff of its community. */
export function mayCallResident(caller: Caller, w: WishRecord): boolean {
  const claimedByMe = !!w.memberOpenid && w.memberOpenid === caller.openid
  return (claimedByMe && w.status !== 'cancelled') || canManageCommunity(caller, w.communityId)
}

/** The poster's full number, to whoever may call them; every view is audited (`wishes.viewMobile`). */
export async function revealResidentMobile(caller: Caller, wishId: string): Promise<{ mobile: string }> {
  const w = await getById<WishRecord>('wishes', wishId, '心愿')
  if (!mayCallResident(caller, w)) throw forbidden('仅认领该心愿的党员和本社区工作人员可查看居民手机号')
  const claimedByMe = w.memberOpenid === caller.openid
  return revealMobile(caller, {
    action: 'wishes.viewMobile',
    target: { collection: 'wishes', id: w._id, label: w.residentName },
    communityId: w.communityId,
    whose: w.residentOpenid,
    reason: claimedByMe ? '认领党员联系居民' : '社区联系居民',
    mobile: w.residentMobile
  })
}
