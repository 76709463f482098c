import { SIGNUPS } from '../activities/model'
import { releaseSignUp, type ReleaseView } from '../activities/signups'
import { withdrawUpcoming } from '../activities/volunteerRegistration'
import { clock } from '../core/clock'
import { db } from '../core/db'
import type { Caller } from '../core/identity'
import { REGISTRATIONS, slotFor, type HistoryRecord, type RegistrationRecord } from './model'

export interface RegistrationWithdrawal {
  /** Registrations ended now (a pending one, an approved one, or both during a transfer). */
  ended: number
  /** The member role (and the mobile the approval had put on the profile) was taken back. */
  memberRoleRemoved: boolean
  /** Registrations (of any status) whose mobile, work unit and skills were erased now. */
  erased: number
  /** Activity sign-ups whose copy of the registered mobile was erased now. */
  signUpMobiles: number
  /** Upcoming sign-ups withdrawn (they rested on the 报到; not when the person is a registered volunteer). */
  withdrawnSignUps: number
}

/**
 * What the withdrawal reads, when the caller already read it with their own document (users.withdrawConsent,
 * one combined read): their registrations, the activities of their upcoming sign-ups (null: more
 * than a page, read them page by page) and the numbers their sign-ups carry.
 */
export interface KnownReads {
  registrations?: RegistrationRecord[]
  upcoming?: string[] | null
  signUpMobiles?: string[]
  /** The upcoming sign-ups as read with the caller (each with its activity): released without reading them again. */
  views?: Record<string, ReleaseView>
}

/**
 * Withdraws the person's sign-ups of the activities `upcoming` (read with the caller: not started,
 * still published) through the withdrawal's own steps (signups.ts `releaseSignUp`), as
 * `withdrawUpcoming` does after reading them; returns how many.
 */
export async function releaseUpcoming(openid: string, upcoming: string[], views?: Record<string, ReleaseView>, extra?: Record<string, unknown>): Promise<number> {
  let withdrawn = 0
  for (let i = 0; i < upcoming.length; i += 10) {
    const results = await Promise.allSettled(
      upcoming.slice(i, i + 10).map((activityId) => releaseSignUp(activityId, openid, { kind: 'registrationEnded' }, undefined, views?.[activityId], extra))
    )
    for (const r of results) {
      if (r.status === 'fulfilled' && r.value.released) withdrawn++
      // A sign-up checked in meanwhile (or an activity cancelled) stays as it is.
      else if (r.status === 'rejected') console.warn('[users] sign-up not withdrawn at the end of a registration', (r.reason as Error)?.message ?? r.reason)
    }
  }
  return withdrawn
}

/** A person's registrations read at once: far above what anyone has (one per community moved to). */
const MAX_REGISTRATIONS = 100

/**
 * The registrant withdraws their consent to 在职党员报到 (CONSENT_PURPOSE_TEXT.registration):
 *
 * 1. their pending and approved registrations end (`withdrawn`, guarded by the status read: a
 *    review landing meanwhile makes the update match nothing, and they are read again);
 * 2. the approval's grant is taken back — the `member` role, and the profile's mobile when
 *    grantMember put it there (a number they registered, or any while they still hold the role),
 *    never the number a volunteer registration in force rests on;
 * 3. then, in parallel: the mobile, work unit and skills are erased from ALL their registrations
 *    (rejected and transferred ones too: one `where({openid}).update()`); the copies of those
 *    numbers on their activity sign-ups are erased; and their upcoming sign-ups are withdrawn
 *    (signups.ts `releaseSignUp`), unless they are a registered volunteer (`volunteerSince`: those
 *    sign-ups, and the number given at that registration, rest on it).
 *
 * Name, community, grid, building, unit, room and party organisation stay on the registrations for
 * the community's history of 报到 work (CONSENT_PURPOSE_TEXT.registration.kept); name and residence
 * stay on the profile.
 *
 * The order closes a race: the role goes only after no registration is approved any more, so a
 * `members.me` running in between (which gives the role back to whoever has an approved
 * registration, grantMember) finds none. A `members.me` that read the registration just before
 * step 1 may still give the role and the number back after step 2: running the withdrawal again
 * removes both (the role is what marks the number as the approval's). An interruption after step 2
 * leaves the numbers on the registrations for a re-run to find; the steps converge.
 * Withdrawn registrations have the `closed:<_id>` slot, so the person may register again later.
 *
 * Steps 1 and 3 are one guarded update for an active registration (ended and erased at once; the
 * others are erased in step 3): a re-run after an interruption finds the member role, which marks
 * the profile's number as the approval's, and erases it and its copies on sign-ups.
 *
 * Round trips: 1 read (all registrations; none with `known`, read with the caller), one guarded
 * update per active registration, the profile, then one parallel wave (the other registrations,
 * sign-up mobiles, the upcoming sign-ups' releases — their reads too without `known`).
 */
export async function withdrawRegistration(caller: Caller, known?: KnownReads): Promise<RegistrationWithdrawal> {
  const _ = db().command
  const openid = caller.openid
  let ended = 0
  let all: RegistrationRecord[] = []
  let settled = false
  // Registrations whose mobile, work unit and skills are already erased here (with their ending).
  const erasedNow = new Set<string>()
  for (let attempt = 0; attempt < 3; attempt++) {
    // The first attempt's read may come with the caller's (`known`, one combined read).
    const fresh = attempt === 0 && known?.registrations ? known.registrations : ((await db().collection(REGISTRATIONS).where({ openid }).limit(MAX_REGISTRATIONS).get()).data as RegistrationRecord[])
    // Every registration as first read: one ended (and erased) by an earlier attempt keeps its numbers here.
    const before = new Map(all.map((r) => [r._id, r]))
    all = fresh.map((r) => (erasedNow.has(r._id) ? (before.get(r._id) ?? r) : r))
    const active = fresh.filter((r) => r.status === 'pending' || r.status === 'approved')
    if (active.length === 0) {
      settled = true
      break
    }
    const now = clock.date()
    // Ending and erasing in one guarded update per registration (the mobile, work unit and skills
    // would be erased from every registration below anyway): a re-run after an interruption still
    // finds the role (the member role is what marks the profile's number as the approval's).
    const results = await Promise.all(
      active.map((r) => {
        const entry: HistoryRecord = { at: now, event: 'withdrawn', actor: openid, actorName: r.name, note: '本人撤回个人信息处理同意' }
        return db()
          .collection(REGISTRATIONS)
          .where({ _id: r._id, status: r.status })
          .update({ data: { status: 'withdrawn', slot: slotFor('withdrawn', r.openid, r._id), updatedAt: now, history: _.push(entry), mobile: '', workUnit: '', skills: [] } })
          .then((res) => {
            if (res.stats.updated > 0) erasedNow.add(r._id)
            return res
          })
      })
    )
    const changed = results.reduce((n, r) => n + r.stats.updated, 0)
    ended += changed
    // All ended: done. Otherwise one was reviewed (or transferred) meanwhile: read again.
    if (changed === active.length) {
      settled = true
      break
    }
  }

  // The numbers they registered (the erasure below has not run yet, or was interrupted) — except
  // the one a volunteer registration still in force rests on (volunteerRegistration.ts).
  const volunteerMobile = caller.user?.volunteerSince ? caller.user?.volunteerMobile : undefined
  const mobiles = [...new Set(all.map((r) => r.mobile).filter((m): m is string => Boolean(m) && m !== volunteerMobile))]
  const member = caller.roles.includes('member')
  const profileMobile = caller.user?.profile?.mobile
  const removeRole = settled && member
  // The profile's number came from the approval (grantMember) when it is one they registered, or
  // when they still hold the member role (a members.me with a stale read may have granted both
  // back after the registrations were erased) — never the volunteer registration's own.
  const profileFromApproval = Boolean(profileMobile) && profileMobile !== volunteerMobile && (mobiles.includes(profileMobile!) || member)
  const userData: Record<string, unknown> = { updatedAt: clock.date() }
  if (removeRole) userData.roles = _.pull('member')
  if (settled && profileFromApproval) userData['profile.mobile'] = _.remove()
  // The approval's number on the profile is one they registered: its copies on sign-ups go too
  // (a re-run after an interruption finds the registrations erased, the role still there).
  if (settled && profileFromApproval && !mobiles.includes(profileMobile!)) mobiles.push(profileMobile!)
  const hadRegistration = all.length > 0 || member
  // The account before the other registrations are erased (see above for the ended ones).
  if (Object.keys(userData).length > 1) await db().collection('users').where({ _id: openid }).update({ data: userData })
  // Mobiles on sign-ups (`known.signUpMobiles`: the numbers the person's sign-ups carry, read with the caller).
  const onSignUps = known?.signUpMobiles ? mobiles.filter((m) => known.signUpMobiles!.includes(m)) : mobiles
  const rest = all.filter((r) => !erasedNow.has(r._id) && (r.mobile || r.workUnit || r.skills?.length))
  const [erasedRest, signUpMobiles, withdrawnSignUps] = await Promise.all([
    rest.length
      ? db()
          .collection(REGISTRATIONS)
          .where({ openid, _id: _.in(rest.map((r) => r._id)) })
          .update({ data: { mobile: '', workUnit: '', skills: [] } })
          .then((r) => r.stats.updated)
      : 0,
    onSignUps.length
      ? db()
          .collection(SIGNUPS)
          .where({ openid, mobile: _.in(onSignUps) })
          .update({ data: { mobile: _.remove() } })
          .then((r) => r.stats.updated)
      : 0,
    hadRegistration && !caller.user?.volunteerSince ? (known?.upcoming ? releaseUpcoming(openid, known.upcoming, known.views) : withdrawUpcoming(openid)) : 0
  ])
  const erased = erasedRest + all.filter((r) => erasedNow.has(r._id) && (r.mobile || r.workUnit || r.skills?.length)).length
  return { ended, memberRoleRemoved: removeRole, erased, signUpMobiles, withdrawnSignUps }
}
