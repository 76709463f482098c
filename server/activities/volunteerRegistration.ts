/**
 * 志愿者实名登记 (《志愿服务条例》第七条: 志愿者实名注册). A place on an activity is held only by a
 * known, real-name person: a party member (their approved 报到 registration carries name, mobile
 * and consent) or someone who registered here once, with name, mobile and consent (purpose
 * 'volunteer'). `signUp` reads which from the caller's users document (signups.ts,
 * `requireRegistered`), so a crowd of brand-new openids cannot take an activity's places.
 *
 * The registration lives on the person's `users` document: `volunteerSince` (when), and
 * `profile.name` / `profile.mobile` when the profile had none — a member's or staff member's
 * registered name and number are never overwritten. `volunteerMobile: '<the number>'` records the
 * number this registration put on the profile, so that ending it (withdrawing the consent,
 * `endVolunteerRegistration`) erases that number and only that one — on the profile and the
 * sign-ups only where they still hold it (an approval of 报到 later replaces the profile's number
 * with the member's own: grantMember).
 */
import type { joinVolunteersInput } from '../../contracts/activities'
import type { z } from '../../contracts/zod'
import { clock } from '../core/clock'
import { recordConsent } from '../core/consents'
import { checkVisibleTexts } from '../core/content'
import { db, isDuplicateKey } from '../core/db'
import { invalid } from '../core/errors'
import type { FirstReadContext } from '../core/function'
import { emptyScopes, type Caller } from '../core/identity'
import { ACTIVITIES, SIGNUPS, VOLUNTEERS, type ActivityDoc, type SignUpDoc, type VolunteerDoc } from './model'
import { releaseSignUp, type ReleaseView } from './signups'

type JoinInput = z.output<typeof joinVolunteersInput>

const USERS = 'users'

/**
 * Registers the caller as a volunteer: the consent recorded first, then one write of their users
 * document (created when they have none). Already registered: nothing is written (`already: true`).
 *
 * The consent goes first so that a registration is never held without it: were the two written
 * together and only the consent failed, the retry would find the person registered and never
 * record it. Recording it first costs one round trip once per person (on the first join), where
 * reading the consents on the `already` branch would cost a read on every later call; a consent
 * recorded before a data write that then failed is harmless (the person did consent; the retry
 * records another).
 *
 * The volunteer number is not handed out here: it comes at first need (the personal code, the
 * first verified service record: volunteers.ts), as for everyone else; the answer carries it when
 * the person has one already (else null). Claiming it here cost every first join two more round
 * trips (the counter and the volunteer document) for a number the join page does not show and
 * the hours page promises only after the first verified hours.
 *
 * Round trips: the caller with their volunteer record (one read); already registered, that is
 * all; a first join adds the consent and the users write (and, for a number given before the
 * person had a name, that name on the volunteer record). No counter is touched, so a crowd of
 * newcomers joining at once shares no document; two taps of one person both write the same
 * registration (the second add finds the document and updates it).
 */
export async function joinVolunteers(ctx: FirstReadContext, input: JoinInput): Promise<{ volunteerNo: string | null; already: boolean }> {
  const { caller, docs } = await ctx.readWithCaller({
    volunteer: { collection: VOLUNTEERS, build: (p) => p.match({ _id: ctx.openid }).project({ volunteerNo: 1, name: 1 }).limit(1) }
  })
  const volunteer = docs.volunteer[0] as Pick<VolunteerDoc, 'volunteerNo' | 'name'> | undefined
  const volunteerNo = volunteer?.volunteerNo ?? null
  if (caller.user?.volunteerSince) return { volunteerNo, already: true }
  const profile = caller.user?.profile ?? {}
  const name = profile.name || input.name
  const mobile = profile.mobile || input.mobile
  if (!mobile) throw invalid('请填写手机号', ['mobile'])
  // Organisers read the name on their roster: checked like every other text others see.
  if (!profile.name) await checkVisibleTexts(caller.openid, [['name', input.name]])
  const now = clock.date()
  const fields: Record<string, unknown> = { volunteerSince: now, updatedAt: now }
  if (!profile.name) fields['profile.name'] = name
  if (!profile.mobile) {
    fields['profile.mobile'] = mobile
    fields.volunteerMobile = mobile
  }
  await recordConsent(caller.openid, 'volunteer', 'activities.joinVolunteers')
  await writeUser(caller, fields, {
    _id: caller.openid,
    openid: caller.openid,
    roles: [],
    scopes: emptyScopes(),
    profile: { name, mobile },
    volunteerSince: now,
    volunteerMobile: mobile,
    createdAt: now,
    updatedAt: now
  })
  // A number handed out before the person had a name (their personal code opened earlier) gets it now.
  if (volunteer && volunteer.name !== name && !profile.name) await db().collection(VOLUNTEERS).where({ _id: caller.openid }).update({ data: { name } })
  return { volunteerNo, already: false }
}

/**
 * One write of the caller's users document: an update of `fields` when they have one, else the
 * new document (`created`); each falls back to the other when the document appeared or vanished
 * meanwhile (as server/notices/residence.ts does).
 */
async function writeUser(caller: Caller, fields: Record<string, unknown>, created: Record<string, unknown>): Promise<void> {
  const users = db().collection(USERS)
  if (caller.user) {
    const res = await users.where({ _id: caller.openid }).update({ data: fields })
    if (res.stats.updated > 0) return
  }
  try {
    await users.add({ data: created })
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
    await users.where({ _id: caller.openid }).update({ data: fields })
  }
}

/** Sign-ups read per page when a registration ends. */
const PAGE = 100

/**
 * Ends the caller's volunteer registration (called when they withdraw the consent 'volunteer'):
 * `volunteerSince` goes, and the number given at the registration (`volunteerMobile`) wherever it
 * is still held: `profile.mobile` when it still equals it, and the person's sign-ups carrying it
 * (a number given later — the member's own, from 报到 — stays). Their
 * upcoming sign-ups (confirmed or waiting, activity not started) are withdrawn through the
 * withdrawal's own steps (signups.ts `releaseSignUp`: counters kept right, the freed places
 * promoted); past sign-ups and service records stay. A party member keeps their sign-ups: they
 * rest on the 报到 registration, not on this one. Returns how many sign-ups were withdrawn.
 */
export async function endVolunteerRegistration(
  caller: Caller,
  // users.withdrawConsent reads these with the caller (members/withdraw.ts `KnownReads`): how many
  // sign-ups carry each number, and their upcoming sign-ups (released without reading them again).
  known?: { signUpMobileCounts?: Record<string, number>; upcoming?: string[] | null; views?: Record<string, ReleaseView> }
): Promise<{ withdrawnSignUps: number; mobileErased: boolean }> {
  const _ = db().command
  const member = caller.roles.includes('member')
  const given = volunteerMobileOf(caller)
  const profileMobile = caller.user?.profile?.mobile
  const unset: Record<string, unknown> = { volunteerSince: _.remove(), volunteerMobile: _.remove(), updatedAt: clock.date() }
  if (given && profileMobile === given) unset['profile.mobile'] = _.remove()
  const counts = known?.signUpMobileCounts
  const [, erased, withdrawn] = await Promise.all([
    caller.user ? db().collection(USERS).where({ _id: caller.openid }).update({ data: unset }) : null,
    given && (!counts || given in counts) ? eraseSignUpMobiles(caller.openid, [given]) : 0,
    member ? null : releaseUpcoming(caller.openid, known?.upcoming, known?.views)
  ])
  return { withdrawnSignUps: withdrawn?.size ?? 0, mobileErased: Boolean(unset['profile.mobile']) || erased > 0 }
}

/**
 * The number the volunteer registration gave: stored since issue #16's review; legacy `true`
 * meant "the profile's number", which an approved 报到 has replaced with the member's own.
 */
function volunteerMobileOf(caller: Caller): string | undefined {
  return caller.user?.volunteerMobile || undefined
}

/**
 * The person's copies of `mobiles` on their activity sign-ups, erased (one update; none for no
 * number): at the end of a volunteer or 报到 registration, and by the activities timer for what a
 * withdrawal left to it (members/withdraw.ts `erasePendingCopies`). Answers how many.
 */
export function eraseSignUpMobiles(openid: string, mobiles: string[]): Promise<number> {
  if (!mobiles.length) return Promise.resolve(0)
  const _ = db().command
  return db()
    .collection(SIGNUPS)
    .where({ openid, mobile: _.in(mobiles) })
    .update({ data: { mobile: _.remove() } })
    .then((r) => r.stats.updated)
}

/**
 * Withdraws the person's sign-ups of activities not started yet (any kind), page by page, through
 * the withdrawal's own steps (signups.ts `releaseSignUp`); returns how many. Used when a volunteer
 * or 报到 registration ends and when an account is deleted.
 */
export async function withdrawUpcoming(openid: string): Promise<number> {
  return (await releaseUpcoming(openid)).size
}

/**
 * Withdraws the person's sign-ups of the activities `upcoming` (not started, still published: read
 * with the caller, their sign-ups as `views`, released without reading them again; without them,
 * read here page by page) through the withdrawal's own steps (signups.ts `releaseSignUp`). The
 * sign-ups of `withNumber` lose their number in their withdrawal's own update. Answers the
 * activities whose sign-up it withdrew.
 */
export async function releaseUpcoming(
  openid: string,
  upcoming?: string[] | null,
  views?: Record<string, ReleaseView>,
  withNumber?: Set<string>
): Promise<Set<string>> {
  const _ = db().command
  const ids = upcoming ?? (await upcomingOf(openid))
  const read = upcoming ? views : undefined
  const released = new Set<string>()
  // A few at a time: each is its own activity, so they do not conflict with one another.
  for (let i = 0; i < ids.length; i += 10) {
    const batch = ids.slice(i, i + 10)
    const results = await Promise.allSettled(
      batch.map((activityId) =>
        releaseSignUp(activityId, openid, { kind: 'registrationEnded' }, undefined, read?.[activityId], withNumber?.has(activityId) ? { mobile: _.remove() } : undefined)
      )
    )
    for (const [k, r] of results.entries()) {
      if (r.status === 'fulfilled' && r.value.released) released.add(batch[k])
      // A sign-up checked in meanwhile (or an activity cancelled) stays as it is.
      else if (r.status === 'rejected') console.warn('[activities] sign-up not withdrawn at the end of a registration', (r.reason as Error)?.message ?? r.reason)
    }
  }
  return released
}

/** The activities (not started, still published) of the person's held sign-ups, read page by page. */
async function upcomingOf(openid: string): Promise<string[]> {
  const _ = db().command
  const active: string[] = []
  for (let page = 0; ; page++) {
    const res = await db()
      .collection(SIGNUPS)
      .where({ openid, status: _.in(['confirmed', 'waiting']) })
      .orderBy('_id', 'asc')
      .skip(page * PAGE)
      .limit(PAGE)
      .field({ activityId: true })
      .get()
    const found = res.data as Pick<SignUpDoc, 'activityId'>[]
    active.push(...found.map((s) => s.activityId))
    if (found.length < PAGE) break
  }
  const upcoming: string[] = []
  for (let i = 0; i < active.length; i += PAGE) {
    const res = await db()
      .collection(ACTIVITIES)
      .where({ _id: _.in(active.slice(i, i + PAGE)), status: 'published', start: _.gt(clock.date()) })
      .limit(PAGE)
      .field({ _id: true })
      .get()
    upcoming.push(...(res.data as Pick<ActivityDoc, '_id'>[]).map((a) => a._id))
  }
  return upcoming
}
