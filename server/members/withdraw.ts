import type { ReleaseView } from '../activities/signups'
import { eraseSignUpMobiles, releaseUpcoming } from '../activities/volunteerRegistration'
import { clock } from '../core/clock'
import { db } from '../core/db'
import type { Caller, UserRecord } from '../core/identity'
import { aggregateOf, type Part } from '../core/together'
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
  /** Other registrations whose mobile, work unit and skills the activities timer erases within a minute (`pendingErasure`). */
  erasing: number
  /** Sign-ups whose copy of the number the activities timer erases within a minute (as counted by the first read). */
  signUpMobilesErasing: number
}

/**
 * What is left to erase after a withdrawal, on the person's `users` document: the copies on their
 * OTHER (closed) registrations and the numbers on past sign-ups. Written by the update that takes
 * the member role back (a write that happens anyway), erased by the activities timer
 * `deliverMessages` within a minute (`erasePendingCopies`), then cleared (guarded by `at`).
 */
export type PendingErasure = NonNullable<UserRecord['pendingErasure']>

export interface WithdrawOptions {
  /** Erase every copy during the call (users.deleteAccount: the users document carrying `pendingErasure` is deleted). */
  eraseNow?: boolean
}

/**
 * What the withdrawal reads, when the caller already read it with their own document (users.withdrawConsent,
 * one combined read): their registrations, the activities of their upcoming sign-ups (null: more
 * than a page, read them page by page) and the numbers their sign-ups carry.
 */
export interface KnownReads {
  registrations?: RegistrationRecord[]
  upcoming?: string[] | null
  /** The numbers the person's sign-ups carry (the keys), each with how many sign-ups carry it. */
  signUpMobileCounts?: Record<string, number>
  /** The upcoming sign-ups as read with the caller (each with its activity): released without reading them again. */
  views?: Record<string, ReleaseView>
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
 *    sign-ups, and the number given at that registration, rest on it). The COPIES — the other
 *    registrations and the numbers on sign-ups not withdrawn now — are erased within a minute
 *    instead when step 2 writes the account anyway: that write carries them (`pendingErasure`) and
 *    the activities timer erases them (`erasePendingCopies`); an upcoming sign-up withdrawn now
 *    loses its number in its own withdrawal. `eraseNow` (users.deleteAccount, which deletes the
 *    account) and a withdrawal that does not write the account erase everything during the call.
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
 * update per active registration, the profile (with what is left to the timer), then one parallel
 * wave (the upcoming sign-ups' releases — their reads too without `known` — and, when not left to
 * the timer, the other registrations and the sign-up mobiles). When the only sign-ups carrying the
 * numbers are upcoming ones withdrawn now (`known.signUpMobileCounts`), each one's withdrawal
 * erases its number in the same update: no update of the numbers apart (one follows only for a
 * sign-up not withdrawn after all). So users.withdrawConsent of a member: read, registration,
 * account, the releases (3 each, in parallel), the consent record — 7 with one upcoming sign-up.
 */
export async function withdrawRegistration(caller: Caller, known?: KnownReads, options: WithdrawOptions = {}): Promise<RegistrationWithdrawal> {
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
  // the one a volunteer registration still in force rests on (volunteerRegistration.ts) — and those
  // an earlier withdrawal left to the timer (`pendingErasure`: carried on, never dropped).
  const volunteerMobile = caller.user?.volunteerSince ? caller.user?.volunteerMobile : undefined
  const earlier = caller.user?.pendingErasure
  const mobiles = [...new Set([...all.map((r) => r.mobile), ...(earlier?.mobiles ?? [])].filter((m): m is string => Boolean(m) && m !== volunteerMobile))]
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
  // The numbers on sign-ups (`known.signUpMobileCounts`: the numbers the person's sign-ups carry, read with the caller).
  const counts = known?.signUpMobileCounts
  const onSignUps = counts ? mobiles.filter((m) => m in counts) : mobiles
  const rest = all.filter((r) => !erasedNow.has(r._id) && (r.mobile || r.workUnit || r.skills?.length))
  const releasing = hadRegistration && !caller.user?.volunteerSince
  // The upcoming sign-ups withdrawn now (read with the caller) that carry one of the numbers, and
  // how many copies lie elsewhere — on sign-ups not withdrawn now (unknown without the counts).
  const carrying = new Set(releasing && known?.upcoming && known.views ? known.upcoming.filter((id) => onSignUps.includes(known.views![id]?.signUp?.mobile ?? '')) : [])
  const elsewhere = counts ? onSignUps.reduce((n, m) => n + counts[m], 0) - carrying.size : undefined
  // The COPIES (the other registrations, the numbers on past sign-ups) leave the waiting path when
  // the account is written anyway (the role): that write carries what is left, and the activities
  // timer erases it within a minute. Otherwise (or eraseNow) writing the field would cost what the
  // erasure costs: erased now.
  const defer = !options.eraseNow && Object.keys(userData).length > 1
  const deferRegistrations = defer && rest.length > 0
  const deferMobiles = defer && elsewhere !== undefined && elsewhere > 0
  // Not deferred, the numbers are erased apart unless every copy is on a sign-up withdrawn now.
  const eraseApart = !deferMobiles && elsewhere !== 0
  // Otherwise an upcoming sign-up withdrawn now that carries one of the numbers loses it in its withdrawal.
  const withNumber = eraseApart ? new Set<string>() : carrying
  if (deferRegistrations || deferMobiles) {
    const pending: PendingErasure = { registrations: deferRegistrations ? rest.map((r) => r._id) : [], mobiles: deferMobiles ? onSignUps : [], at: clock.date() }
    userData.pendingErasure = _.set(pending)
  }
  // The account before the other registrations are erased (see above for the ended ones).
  if (Object.keys(userData).length > 1) await db().collection('users').where({ _id: openid }).update({ data: userData })
  const [erasedRest, erasedApart, withdrawn] = await Promise.all([
    rest.length && !deferRegistrations ? eraseRegistrations(openid, rest.map((r) => r._id)) : 0,
    eraseApart ? eraseSignUpMobiles(openid, onSignUps) : 0,
    releasing ? releaseUpcoming(openid, known?.upcoming, known?.views, withNumber) : new Set<string>()
  ])
  const erasedWith = [...withNumber].filter((id) => withdrawn.has(id)).length
  // Sign-ups carrying a number that were not withdrawn after all (checked in, cancelled meanwhile).
  const missed = withNumber.size - erasedWith
  let signUpMobiles = erasedApart + erasedWith
  let signUpMobilesErasing = 0
  // What the first read counted, less those erased by their withdrawal now: the timer's part.
  if (deferMobiles) signUpMobilesErasing = elsewhere! + missed
  // Their numbers the usual way.
  else if (missed > 0) signUpMobiles += await eraseSignUpMobiles(openid, onSignUps)
  const erased = erasedRest + all.filter((r) => erasedNow.has(r._id) && (r.mobile || r.workUnit || r.skills?.length)).length
  return { ended, memberRoleRemoved: removeRole, erased, signUpMobiles, withdrawnSignUps: withdrawn.size, erasing: deferRegistrations ? rest.length : 0, signUpMobilesErasing }
}

/** The mobile, work unit and skills of the person's registrations `ids`, erased (one update); answers how many. */
function eraseRegistrations(openid: string, ids: string[]): Promise<number> {
  const _ = db().command
  return db()
    .collection(REGISTRATIONS)
    .where({ openid, _id: _.in(ids) })
    .update({ data: { mobile: '', workUnit: '', skills: [] } })
    .then((r) => r.stats.updated)
}

/** Accounts whose left-over erasure one timer run takes at most. */
const ERASURE_PAGE = 50

/**
 * The timer's page of accounts carrying a `pendingErasure` (a part of the activities timer's one
 * combined read, beside the promotions page and the stale waiting claims): the field, and the numbers the person holds NOW (a
 * number given again since — a volunteer registration, an approval — is not erased from sign-ups).
 */
export function pendingErasurePart(): Part {
  const _ = db().command
  return {
    collection: 'users',
    build: (p) => p.match({ 'pendingErasure.at': _.exists(true) }).limit(ERASURE_PAGE).project({ _id: true, pendingErasure: true, volunteerSince: true, volunteerMobile: true, profile: true })
  }
}

export interface ErasureReport {
  /** Accounts whose left-over erasure was finished (and the field cleared). */
  people: number
  registrations: number
  signUps: number
}

/**
 * Finishes the erasures withdrawals left (`pendingErasure`, see above), for the accounts read by
 * `pendingErasurePart` (read here without `rows`): per person, the registrations' and the sign-ups'
 * bulk updates (idempotent: two timer runs at once erase the same), then the field cleared, guarded
 * by its `at` (a later withdrawal's field stays for the next run). A run that dies before the clear
 * leaves the field: the next run repeats the erasure.
 */
export async function erasePendingCopies(rows?: Record<string, unknown>[]): Promise<ErasureReport> {
  const _ = db().command
  const page = (rows ?? (await aggregateOf(pendingErasurePart()))) as (UserRecord & { pendingErasure: PendingErasure })[]
  const report: ErasureReport = { people: 0, registrations: 0, signUps: 0 }
  for (let i = 0; i < page.length; i += 10) {
    await Promise.all(
      page.slice(i, i + 10).map(async (user) => {
        const p = user.pendingErasure
        const held = new Set([user.volunteerSince ? user.volunteerMobile : undefined, user.profile?.mobile].filter(Boolean))
        const mobiles = (p.mobiles ?? []).filter((m) => !held.has(m))
        const [registrations, signUps] = await Promise.all([p.registrations?.length ? eraseRegistrations(user._id, p.registrations) : 0, eraseSignUpMobiles(user._id, mobiles)])
        const cleared = await db()
          .collection('users')
          .where({ _id: user._id, 'pendingErasure.at': p.at })
          .update({ data: { pendingErasure: _.remove() } })
        report.registrations += registrations
        report.signUps += signUps
        if (cleared.stats.updated > 0) report.people++
      })
    )
  }
  return report
}
