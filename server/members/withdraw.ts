import { clock } from '../core/clock'
import { db } from '../core/db'
import type { Caller } from '../core/identity'
import { REGISTRATIONS, slotFor, type HistoryRecord, type RegistrationRecord } from './model'

export interface RegistrationWithdrawal {
  /** Registrations ended now (a pending one, an approved one, or both during a transfer). */
  ended: number
  /** The member role (and the mobile the approval had put on the profile) was taken back. */
  memberRoleRemoved: boolean
}

/**
 * The registrant withdraws their consent to 在职党员报到 (CONSENT_PURPOSE_TEXT.registration): their
 * pending and approved registrations end (`withdrawn`), with the mobile, work unit and skills
 * erased from them; name, community and address stay for the community's history of 报到 work.
 * The approval's grant is taken back: the `member` role, and the profile's mobile when it is the
 * one the registration gave (grantMember); name and residence stay on the profile.
 *
 * Safe to run again after an interruption: the profile is changed first (a re-run sees the
 * approved registration still there and repeats the same guarded changes), then each registration
 * by a guarded update (`status` as read: a review landing meanwhile makes it match nothing, and
 * it is read again). Withdrawn registrations have the `closed:<_id>` slot, so the person may
 * register again later. Counts and reports only count `pending` and `approved`.
 *
 * Round trips: 1 read, 1 profile update when approved, 1 update per active registration (≤ 2).
 */
export async function withdrawRegistration(caller: Caller): Promise<RegistrationWithdrawal> {
  const _ = db().command
  let ended = 0
  let memberRoleRemoved = false
  for (let attempt = 0; attempt < 3; attempt++) {
    const res = await db()
      .collection(REGISTRATIONS)
      .where({ openid: caller.openid, status: _.in(['pending', 'approved']) })
      .limit(10)
      .get()
    const active = res.data as RegistrationRecord[]
    if (active.length === 0) break

    const approved = active.find((r) => r.status === 'approved')
    if (approved) {
      const data: Record<string, unknown> = { roles: _.pull('member'), updatedAt: clock.date() }
      // Only the mobile the approval put there (someone may have given another one since).
      if (approved.mobile && caller.user?.profile?.mobile === approved.mobile) data['profile.mobile'] = _.remove()
      await db().collection('users').where({ _id: caller.openid }).update({ data })
      memberRoleRemoved = true
    }

    const now = clock.date()
    const results = await Promise.all(
      active.map((r) => {
        const entry: HistoryRecord = { at: now, event: 'withdrawn', actor: caller.openid, actorName: r.name, note: '本人撤回个人信息处理同意' }
        return db()
          .collection(REGISTRATIONS)
          .where({ _id: r._id, status: r.status })
          .update({
            data: {
              status: 'withdrawn',
              slot: slotFor('withdrawn', r.openid, r._id),
              mobile: '',
              workUnit: '',
              skills: [],
              updatedAt: now,
              history: _.push(entry)
            }
          })
      })
    )
    const changed = results.reduce((n, r) => n + r.stats.updated, 0)
    ended += changed
    // All ended: done. Otherwise one was reviewed (or transferred) meanwhile: read again.
    if (changed === active.length) break
  }
  return { ended, memberRoleRemoved }
}
