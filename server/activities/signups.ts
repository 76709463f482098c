/**
 * Sign-up, the waiting list, withdrawal and promotion.
 *
 * Registration opening brings a crowd onto one activity, so no change of who holds a place runs a
 * transaction that writes the activity document (every such transaction would write the same hot
 * document, conflict, and run one after another). Its counters change only by atomic guarded
 * updates, which the database applies to one document one at a time: a crowd costs no conflicts.
 *
 * Counters. `confirmedCount`, `waitingCount` and `placesLeft` (= capacity − confirmedCount, kept
 * with it so that a guard needs nothing read first; capacity edits rewrite it in their
 * transaction). Every change of them that is under way is recorded in the same atomic update as a
 * claim, `claims.<token>` = {openid, kind, at}; the sign-up it concerns carries the token (`claim`,
 * and in the history entry it wrote). Invariant: the counters equal what the sign-ups say, except
 * for the claims still open, each of which accounts for exactly its own difference; a claim is
 * closed (removed, with any counter change still owed, atomically and only once, guarded by the
 * claim being there) when its step on the sign-up is done.
 *
 * Sign-up (`takePlace`), in this order:
 * 1. Claim: add 1 to `confirmedCount` (and −1 to `placesLeft`) only while `placesLeft > 0` and
 *    nobody waits (`waitingCount: 0`), or else add 1 to `waitingCount` only while `placesLeft <= 0`
 *    or someone waits — both guarded by `status: 'published'`, deadline and start after now, and
 *    the audience. So at most `capacity` are confirmed, and while anyone waits a newcomer waits
 *    too. When both guards fail, the activity is read to say why (not found, closed, cancelled,
 *    members only) or the claim is tried again.
 * 2. Write the person's sign-up (`_id` = `${activityId}:${openid}`, the per-person guard): `add`
 *    fails on a duplicate, so a second tap finds the first one and gives its own claim back (then
 *    promotes, since the place it held for a moment may have sent someone to the waiting list); a
 *    withdrawn one is taken again by an update guarded by its status.
 * 3. Settle (a confirmed place only): close the claim, guarded by `status: 'published'`.
 *    Cancelling is a guarded update of the status followed by a bulk update of the sign-ups: if the
 *    settle succeeds, the sign-up was written before the cancel, whose bulk update catches it; if
 *    it finds the activity cancelled, the sign-up undoes itself (document first, then the claim)
 *    and answers 活动已取消.
 *    A waiting-list entry is NOT settled by the call (a crowd's losers would each pay it): its
 *    claim stays open — it changes no counter more, holds no place — and the claim update stamps
 *    `waitingClaimAt` on the activity. The activities timer (every minute, `closeWaitingClaims`)
 *    takes the activities whose `waitingClaimAt` is stale and closes their claims by the repair
 *    below (written: just closed; a dead call's: its count given back). What the settle did
 *    against a cancel is done there too: on a cancelled activity, a waiting sign-up written after
 *    the cancel's bulk update (its claim came before the cancel) is cancelled, guarded by its
 *    status, and the person told. Trade-off: that sign-up's reply said 候补 on an activity
 *    cancelled at that instant, and it shows as waiting for a minute or two, until the timer.
 *    Readers repair stale waiting claims only along with a stale claim of another kind (the same
 *    two round trips), so `get` and promotions do not pay for the claims every crowd leaves; a
 *    promoter tells a joiner (counted, not written) from those claims by counting: more counted
 *    waiting than sign-ups waiting, beyond one per withdrawal under way (`promoteWaiting`).
 *
 * Who may sign up: a party member or a registered volunteer (志愿者实名登记, `requireRegistered`,
 * read from the caller's users document, which comes with the sign-up's first read); anyone else is
 * answered REGISTRATION_REQUIRED before anything is counted.
 *
 * Withdrawal (`releaseSignUp`: the person's own, the organiser's removal, the end of a volunteer
 * registration): (0) one aggregate reads the sign-up, its activity, its service record and the
 * first person waiting; (1) a `release` claim (no counter change yet; naming, for a confirmed
 * place, the waiting person it goes to); (2) the sign-up marked withdrawn by an update whose filter
 * is the decision — still in the status and `updatedAt` read, not marked checked in (`checkedInAt`,
 * `arrivedAt`: check-in sets one of them with its own guarded update, so a withdrawal and a check-in
 * of one person cannot both succeed); its history entry carries the token and what was held;
 * (3) for a confirmed place with someone waiting, that person's sign-up confirmed guarded by
 * `status: 'waiting'` (the place passes directly: no promotion round); (4) close the claim taking
 * the count off (or, when the place passed, one off the waiting count). Counting off only after
 * the sign-up is written means a refused or interrupted withdrawal never frees a place it did not
 * give up.
 *
 * Promotion (`promoteWaiting`): while a place is free and someone waits, a `promote` claim moves
 * one from waiting to confirmed (guarded by `placesLeft > 0`, `waitingCount > 0`), then the first
 * waiting person's sign-up — in the order (`signedUpAt`, `_id`) — is updated guarded by `status:
 * 'waiting'`, then the claim is closed; when that update finds them gone (withdrawn, promoted by
 * another promoter, checked in on site) the claim is closed giving the move back, and the next
 * person is taken. A freed place therefore goes to the first person waiting, in order, and never
 * twice. A waiting claim counted but not yet written makes the promoter wait for it briefly rather
 * than leave a place free while someone waits (told by counting, as waiting claims stay open after
 * their sign-up is written: see step 3). Walk-ins at check-in claim a free place the same way
 * (checkin.ts, `claimPlaceOnSite`).
 *
 * Interrupted calls (the 3 s timeout, a dead instance) leave their claim open. A claim older than
 * STALE_CLAIM_MS (far beyond the timeout, after which the cloud refuses the dead call's database
 * requests) is repaired by whoever next reads the activity for this purpose — opening it (`get`),
 * promotion, a sign-up whose guards failed (`repairStaleClaims`; stale waiting claims: the timer,
 * see step 3): the sign-up tells whether the
 * interrupted step on it happened (it carries the token). Sign-up or promotion: written → just
 * close the claim; not written → close it giving the count back. Withdrawal: written → close it
 * taking the count off (or, when another sign-up carries its token too — the place passed to the
 * first waiting — one off the waiting count); not written → just close it. Freed places are then
 * promoted.
 *
 * The waiting list has no counter shared by the crowd: a waiting person's position is 1 + a count
 * of those ahead in the order (present.ts). The position told at sign-up is that count as of the
 * sign-up's first read, ahead of its stamp (`signedUpAt` is taken before that read, so everyone
 * counted stays ahead; someone ahead may still be writing their sign-up); `get` always shows the
 * current one (its place in the head of the line read with the activity, or a count beyond it).
 *
 * Cost (database round trips; the caller's users document comes with the first read,
 * `withFirstRead`, and the rate limit is the shell's 1). A sign-up: confirmed 4 (the read of the
 * activity, the person's own sign-up and those waiting ahead; the claim the read says will hold;
 * add; settle), waiting 3 (no settle); one more when the counters changed since the read (a crowd
 * taking the last places: the confirmed guard fails first), so a crowd's loser is 4, 5 with the
 * rate limit; a sign-up already holding a place or a number is answered from the read (1). A withdrawal: 4 (read, claim, sign-up, close), and 2 more when the
 * place passes to the first waiting (their sign-up, the message to them): 7 with the rate limit.
 * Withdrawals at the same instant do not each try the people the others took: one that saw
 * another's claim open at its read, or whose first try found that person taken, reads the open
 * claims and the waiting line once (`handOff`) and tries the person at its rank among the
 * withdrawals written and not yet passed on (a rank that is off costs a try, never a double
 * hand-off); after a try that found its person taken, the message to the one moved up is marked
 * on their sign-up (`tellPromoted`, in the same update) and queued by the timer within a minute,
 * so such a withdrawal is 8 with the rate limit, not 9. A withdrawal ranked beyond the line (more
 * withdrawals under way than people waiting) tries nobody: it frees its place and reads once for
 * someone waiting that no other withdrawal is passing a place to (8). These are the paths the
 * crowd and race tests take (none above 8); the worst case is longer and not bounded by a test: a
 * first try and both ranked tries all finding their person taken (others moved them up meanwhile)
 * end in `promoteWaiting` — its read, claim, the sign-up, the close and the message — about 13.
 * A waiting claim of a call that died keeps `waitingCount` one high until the timer repairs it
 * (a minute or two): meanwhile a newcomer is put on the waiting list even with a place free, and
 * the repair promotes them. The repair of stale claims: one read of the sign-ups concerned and one
 * update closing them all.
 */
import type { SignUpResult } from '../../contracts/activities'
import { audit } from '../core/audit'
import { clock } from '../core/clock'
import { checkVisibleTexts } from '../core/content'
import { db, isDuplicateKey } from '../core/db'
import { AppError, busy, conflict, forbidden, notFound } from '../core/errors'
import type { FirstReadContext } from '../core/function'
import type { Caller } from '../core/identity'
import { findById } from '../core/records'
import { aggregateOf, readTogether, type Part } from '../core/together'
import { callerName, requireOrganiser } from './access'
import {
  ACTIVITIES,
  phaseOf,
  RECORDS,
  SIGNUPS,
  signUpId,
  type ActivityDoc,
  type Claim,
  type SignUpDoc,
  type StoredHistory
} from './model'
import { notifyCancelled, notifyChanged, notifyPromoted, queuePromoted } from './notify'
import { waitingAhead, waitingPosition } from './present'
import { randomId } from './util'

/** A claim this old belongs to a call that is dead (the function timeout is 3 s): repair it. */
export const STALE_CLAIM_MS = 30_000

/** An activity read without its open claims and its history (a sign-up's or a release's first read). */
const LEAN = { claims: false, history: false }

/** Rounds of re-reading the activity when both claim guards fail (its settings changed). */
const CLAIM_ROUNDS = 5

/** How long a promoter waits for a waiting-list entry that is counted but not yet written. */
const WAIT_FOR_JOINERS_MS = 1500

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export interface Person {
  openid: string
  name: string
  mobile?: string
  roles: Caller['roles']
}

export const personOf = (caller: Caller): Person => ({
  openid: caller.openid,
  name: caller.user?.profile?.name || '居民',
  mobile: caller.user?.profile?.mobile,
  roles: caller.roles
})

export function checkAudience(activity: ActivityDoc, person: Person): void {
  if (activity.audience === 'members' && !person.roles.includes('member')) throw forbidden('本活动仅限党员报名')
}

function checkOpen(activity: ActivityDoc, person: Person): void {
  const phase = phaseOf(activity, clock.now())
  if (phase === 'cancelled') throw conflict('活动已取消')
  if (phase !== 'open') throw conflict('报名已截止')
  checkAudience(activity, person)
}

type Kind = 'confirmed' | 'waiting'

const claimPath = (token: string) => `claims.${token}`

/**
 * Step 2: counts the person in, as confirmed or waiting, with one guarded atomic update per try;
 * the guards need nothing read beforehand (`placesLeft` is kept with `confirmedCount`). Both fail
 * only when the activity is not open to this person, does not exist, predates `placesLeft`, or
 * changed between the two tries: then it is read, and the reason answered, or the claim retried.
 * `first`: the guard tried first (the one the activity as last read says will hold).
 */
async function claim(activityId: string, person: Person, token: string, first: Kind = 'confirmed'): Promise<Kind> {
  const _ = db().command
  for (let round = 0; round < CLAIM_ROUNDS; round++) {
    const now = clock.date()
    const base = {
      _id: activityId,
      status: 'published',
      signUpDeadline: _.gt(now),
      start: _.gt(now),
      ...(person.roles.includes('member') ? {} : { audience: _.neq('members') })
    }
    const guards: Record<Kind, unknown> = {
      confirmed: { ...base, waitingCount: 0, placesLeft: _.gt(0) },
      waiting: _.and([base, _.or([{ placesLeft: _.lte(0) }, { waitingCount: _.gt(0) }])])
    }
    for (const kind of (first === 'confirmed' ? ['confirmed', 'waiting'] : ['waiting', 'confirmed']) as Kind[]) {
      const res = await db()
        .collection(ACTIVITIES)
        .where(guards[kind] as Record<string, unknown>)
        .update({
          data: {
            ...incsOf(held(kind)),
            [claimPath(token)]: _.set({ openid: person.openid, kind, at: now }),
            // A waiting claim stays open (no settle): the timer closes it once stale (`closeWaitingClaims`).
            ...(kind === 'waiting' ? { waitingClaimAt: now } : {})
          }
        })
      if (res.stats.updated > 0) return kind
    }
    const activity = await findById<ActivityDoc>(ACTIVITIES, activityId)
    if (!activity) throw notFound('活动')
    checkOpen(activity, person)
    if (await repairStaleClaims(activity)) await promoteWaiting(activityId)
    await ensurePlacesLeft(activity)
  }
  throw busy()
}

/** An activity created before `placesLeft` was kept gets it, derived once from the counters. */
export async function ensurePlacesLeft(activity: ActivityDoc): Promise<void> {
  if (activity.placesLeft !== undefined) return
  const _ = db().command
  await db()
    .collection(ACTIVITIES)
    .where({ _id: activity._id, placesLeft: _.exists(false), capacity: activity.capacity, confirmedCount: activity.confirmedCount })
    .update({ data: { placesLeft: activity.capacity - activity.confirmedCount } })
}

type Deltas = Partial<Record<'confirmedCount' | 'placesLeft' | 'waitingCount', number>>

/** What a place held (`confirmed`) or a waiting-list entry (`waiting`) adds to the counters. */
const held = (kind: 'confirmed' | 'waiting'): Deltas => (kind === 'confirmed' ? { confirmedCount: 1, placesLeft: -1 } : { waitingCount: 1 })
const negated = (d: Deltas): Deltas => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, -(v as number)]))
const PROMOTION: Deltas = { confirmedCount: 1, placesLeft: -1, waitingCount: -1 }
/** The counters' changes as `_.inc` updates. */
const incsOf = (deltas: Deltas) => {
  const _ = db().command
  return Object.fromEntries(Object.entries(deltas).map(([k, v]) => [k, _.inc(v)]))
}

/**
 * Closes a claim, applying `deltas` to the counters in the same atomic update, once: guarded by
 * the claim still being there (so a claim is closed by one caller only).
 */
async function closeClaim(activityId: string, token: string, deltas: Deltas = {}, extra: Record<string, unknown> = {}): Promise<boolean> {
  const _ = db().command
  const res = await db()
    .collection(ACTIVITIES)
    .where({ _id: activityId, [claimPath(token)]: _.exists(true), ...extra })
    .update({ data: { ...incsOf(deltas), [claimPath(token)]: _.remove() } })
  return res.stats.updated > 0
}

/** Takes a sign-up's claim back: its count goes with it. */
const revertClaim = (activityId: string, token: string, kind: 'confirmed' | 'waiting') => closeClaim(activityId, token, negated(held(kind)))

/** Step 4: the claim is done with, while the activity is still published. */
const settleClaim = (activityId: string, token: string) => closeClaim(activityId, token, {}, { status: 'published' })

/** Opens a claim that changes no counter yet (a withdrawal's). */
async function openClaim(activityId: string, token: string, claim: Claim): Promise<boolean> {
  const _ = db().command
  const res = await db()
    .collection(ACTIVITIES)
    .where({ _id: activityId })
    .update({ data: { [claimPath(token)]: _.set(claim) } })
  return res.stats.updated > 0
}

/** A place claimed on site (check-in of someone not confirmed): what it changed on the counters. */
export interface PlaceClaim {
  token: string
  deltas: Deltas
}

/**
 * Claims a free place on site for a walk-in (checkin.ts): on site the waiting list no longer
 * matters, so only `placesLeft > 0` is required; someone waiting moves from the waiting count
 * (like a promotion). Undefined when no place is free. The walk-in's sign-up carries the token;
 * `closePlaceClaim` settles it, or gives it back when the check-in did not use it.
 */
export async function claimPlaceOnSite(activityId: string, openid: string, waiting: boolean): Promise<PlaceClaim | undefined> {
  const _ = db().command
  const deltas = waiting ? PROMOTION : held('confirmed')
  const until = Date.now() + WAIT_FOR_JOINERS_MS
  for (;;) {
    const token = randomId('k', 12)
    const res = await db()
      .collection(ACTIVITIES)
      .where({ _id: activityId, status: 'published', placesLeft: _.gt(0), ...(waiting ? { waitingCount: _.gt(0) } : {}) })
      .update({ data: { ...incsOf(deltas), [claimPath(token)]: _.set({ openid, kind: waiting ? 'promote' : 'confirmed', at: clock.date() }) } })
    if (res.stats.updated > 0) return { token, deltas }
    // Full, unless places held by claims under way come back (two phones checking one person in
    // both claim a place; one gives it back): wait for those briefly.
    const activity = await findById<ActivityDoc>(ACTIVITIES, activityId)
    const now = clock.now()
    const underWay = Object.values(activity?.claims ?? {}).some((c) => c.kind !== 'release' && c.kind !== 'waiting' && now - +new Date(c.at) <= STALE_CLAIM_MS)
    if (!underWay || Date.now() >= until) return undefined
    await sleep(30)
  }
}

export const closePlaceClaim = (activityId: string, place: PlaceClaim, used: boolean) => closeClaim(activityId, place.token, used ? {} : negated(place.deltas))

/** Stale claims one repair closes at most (one read of their sign-ups, one update). */
const REPAIR_BATCH = 50

/** The activity's claims older than STALE_CLAIM_MS. */
const staleClaimsOf = (activity: ActivityDoc, now: number) => Object.entries(activity.claims ?? {}).filter(([, c]) => now - +new Date(c.at) > STALE_CLAIM_MS)

/**
 * Repairs the claims of calls that died between their steps (see the header). Returns what it
 * changed on the counters (undefined when there was no stale claim — without `waitingToo`, none
 * but waiting ones; `{}` when another repairer
 * closed them first); places it freed are promoted by the caller's loop or by `promoteWaiting`. Whether the
 * interrupted call wrote its sign-up is read on the sign-up: the claim's token is on it (`claim`,
 * or its history entry). Two round trips whatever the number of claims: one read of the sign-ups
 * concerned (theirs, and any carrying a withdrawal's token: a place passed on), and one update
 * closing them all, guarded by each still being there (else each is closed on its own, once).
 */
export async function repairStaleClaims(activity: ActivityDoc, waitingToo = false): Promise<Deltas | undefined> {
  const old = staleClaimsOf(activity, clock.now())
  // Waiting claims are left open by every waiting sign-up (no settle) and hold no place: a reader
  // repairs them only along with a stale claim of another kind (the same two round trips), or when
  // asked (`waitingToo`: the timer, or a promoter that found someone counted waiting not written).
  if (!waitingToo && !old.some(([, c]) => c.kind !== 'waiting')) return undefined
  const stale = [...old.filter(([, c]) => c.kind !== 'waiting'), ...old.filter(([, c]) => c.kind === 'waiting')].slice(0, REPAIR_BATCH)
  if (stale.length === 0) return undefined
  const _ = db().command
  const ids = [...new Set(stale.map(([, c]) => signUpId(activity._id, c.openid)))]
  const releases = stale.filter(([, c]) => c.kind === 'release').map(([token]) => token)
  const found = await db()
    .collection(SIGNUPS)
    .where(releases.length ? _.or([{ _id: _.in(ids) }, { activityId: activity._id, 'history.claim': _.in(releases) }]) : { _id: _.in(ids) })
    .limit(200)
    .get()
  const all = found.data as SignUpDoc[]
  const docs = new Map(all.filter((d) => ids.includes(d._id)).map((d) => [d.openid, d]))
  const closes: [string, Deltas][] = stale.map(([token, c]) => {
    const doc = docs.get(c.openid)
    const entry = (doc?.history ?? []).find((h) => h.claim === token)
    const written = doc !== undefined && (doc.claim === token || entry !== undefined)
    if (c.kind === 'confirmed' || c.kind === 'waiting') return [token, written ? {} : negated(held(c.kind))]
    if (c.kind === 'promote') return [token, written ? {} : negated(PROMOTION)]
    if (!written || !entry?.released) return [token, {}]
    // A confirmed place may have passed straight to someone waiting: their sign-up carries the token.
    const passed = entry.released === 'confirmed' && all.filter((d) => (d.history ?? []).some((h) => h.claim === token)).length > 1
    return [token, passed ? { waitingCount: -1 } : negated(held(entry.released))]
  })
  const total: Deltas = {}
  for (const [, d] of closes) for (const [k, v] of Object.entries(d) as [keyof Deltas, number][]) total[k] = (total[k] ?? 0) + v
  for (const k of Object.keys(total) as (keyof Deltas)[]) if (total[k] === 0) delete total[k]
  const res = await db()
    .collection(ACTIVITIES)
    .where({ _id: activity._id, ...Object.fromEntries(closes.map(([token]) => [claimPath(token), _.exists(true)])) })
    .update({ data: { ...incsOf(total), ...Object.fromEntries(closes.map(([token]) => [claimPath(token), _.remove()])) } })
  if (res.stats.updated > 0) return total
  // Another repairer closed some of them meanwhile: each of the rest once, on its own.
  const applied: Deltas = {}
  let any = false
  for (const [token, d] of closes) {
    if (!(await closeClaim(activity._id, token, d))) continue
    any = true
    for (const [k, v] of Object.entries(d) as [keyof Deltas, number][]) applied[k] = (applied[k] ?? 0) + v
  }
  // Nothing left to close by this call (another repairer was first): still, the activity changed.
  return any ? applied : {}
}

/** The sign-up document a person gets when they take a place (a fresh one, or over a withdrawn one). */
export function signUpDoc(
  activityId: string,
  person: Person,
  existing: SignUpDoc | null,
  take: { status: 'confirmed' | 'waiting'; walkIn: boolean; at: Date; entry: StoredHistory; checkedInAt?: Date; claim?: string }
): Omit<SignUpDoc, '_id'> {
  const checkedInAt = take.checkedInAt ?? existing?.checkedInAt
  return {
    activityId,
    openid: person.openid,
    name: person.name,
    ...(person.mobile ? { mobile: person.mobile } : {}),
    status: take.status,
    ...(take.claim ? { claim: take.claim } : {}),
    walkIn: take.walkIn,
    signedUpAt: take.at,
    ...(checkedInAt ? { checkedInAt } : {}),
    ...(existing?.checkedOutAt ? { checkedOutAt: existing.checkedOutAt } : {}),
    updatedAt: take.at,
    history: [...(existing?.history ?? []), take.entry]
  }
}

/**
 * Step 3: writes the sign-up. 'added' (a new document), 'retaken' (over a withdrawn or cancelled
 * one), or the person's sign-up that already holds a place or a number.
 */
async function writeSignUp(
  activityId: string,
  person: Person,
  kind: Kind,
  token: string,
  at: Date,
  read?: SignUpDoc
): Promise<'added' | 'retaken' | SignUpDoc> {
  const _ = db().command
  const sid = signUpId(activityId, person.openid)
  const entry: StoredHistory = { at, by: person.openid, byName: person.name, action: kind === 'confirmed' ? '报名' : '候补', claim: token }
  for (let round = 0; round < 3; round++) {
    // A withdrawn (or cancelled) sign-up the first read found is taken again straight away.
    if (!(round === 0 && read)) {
      try {
        await db()
          .collection(SIGNUPS)
          .add({ data: { _id: sid, ...signUpDoc(activityId, person, null, { status: kind, walkIn: false, at, entry, claim: token }) } })
        return 'added'
      } catch (error) {
        if (!isDuplicateKey(error)) throw error
      }
    }
    const existing = round === 0 && read ? read : await findById<SignUpDoc>(SIGNUPS, sid)
    if (!existing) continue // an undone sign-up was removed meanwhile: add again
    if (existing.status === 'confirmed' || existing.status === 'waiting') return existing
    const { history, ...fields } = signUpDoc(activityId, person, existing, { status: kind, walkIn: false, at, entry, claim: token })
    void history
    const res = await db()
      .collection(SIGNUPS)
      .where({ _id: sid, status: existing.status, updatedAt: existing.updatedAt })
      .update({ data: { ...fields, history: _.push([entry]) } })
    if (res.stats.updated > 0) return 'retaken'
  }
  throw busy()
}

/**
 * What the sign-up's first read (with the caller) knew: the activity (which guard to try first),
 * the time the sign-up is stamped with (`signedUpAt`, taken before that read) and how many were
 * waiting ahead of that stamp then (the position told, with no count of its own).
 */
interface Known {
  activity: ActivityDoc
  at: Date
  ahead: number
  /** The person's sign-up as read, withdrawn or cancelled (one holding a place was answered already). */
  mine?: SignUpDoc
}

/** Signs `person` up: the steps of the header. */
export async function takePlace(activityId: string, person: Person, known?: Known): Promise<SignUpResult> {
  const sid = signUpId(activityId, person.openid)
  const token = randomId('k', 12)
  // The guard the activity as read says will hold is tried first (a full one: the waiting claim).
  const full = known?.activity.placesLeft !== undefined && (known.activity.placesLeft <= 0 || known.activity.waitingCount > 0)
  const kind = await claim(activityId, person, token, full ? 'waiting' : 'confirmed')
  const at = known?.at ?? clock.date()
  const written = await writeSignUp(activityId, person, kind, token, at, known?.mine)
  if (typeof written !== 'string') {
    // Already signed up (a second tap): the claim goes back, and with it any place it held; that
    // place may have sent someone to the waiting list meanwhile (promoted), unless nobody waits.
    if (kind === 'waiting') await revertClaim(activityId, token, kind)
    else if (!(await closeClaim(activityId, token, negated(held(kind)), { waitingCount: 0 }))) {
      await revertClaim(activityId, token, kind)
      await promoteWaiting(activityId)
    }
    return {
      status: written.status as 'confirmed' | 'waiting',
      position: written.status === 'waiting' ? await waitingPosition(written) : undefined,
      already: true
    }
  }
  if (kind === 'waiting') {
    // A waiting-list entry is not settled by the call: its claim stays open, changes no counter
    // more, and is closed by the timer once stale (`closeWaitingClaims`), which also cancels it if
    // the activity was cancelled between the claim and the add (see the header).
    return { status: kind, position: known ? known.ahead + 1 : await waitingPosition({ _id: sid, activityId: activityId, signedUpAt: at }), already: false }
  }
  if (!(await settleClaim(activityId, token))) {
    const current = await findById<ActivityDoc>(ACTIVITIES, activityId)
    if (!current || current.status !== 'published') {
      // Cancelled between the claim and the settle: this sign-up does not stand. The document
      // goes first, then the claim (an interruption in between leaves a claim the repair takes back).
      const _ = db().command
      if (written === 'added') await db().collection(SIGNUPS).where({ _id: sid, claim: token }).remove()
      else
        await db()
          .collection(SIGNUPS)
          .where({ _id: sid, claim: token, status: _.in(['confirmed', 'waiting']) })
          .update({ data: { status: 'cancelled', updatedAt: clock.date(), history: _.push([{ at: clock.date(), by: 'system', action: '活动取消' }]) } })
      await revertClaim(activityId, token, kind)
      throw conflict('活动已取消')
    }
    // Otherwise a repairer already removed the claim, having seen this sign-up carry its token.
  }
  return { status: kind, position: undefined, already: false }
}

/** The refusal of a sign-up by someone neither a party member nor a registered volunteer. */
export const REGISTRATION_REQUIRED_MESSAGE = '请先完成志愿者实名登记'

/**
 * A place is held only by a known, real-name person (《志愿服务条例》第七条): a party member (their
 * approved 报到 registration) or someone who did the 志愿者实名登记 (volunteerRegistration.ts).
 * Read from the caller's users document (read with the sign-up's first read: no round trip of its own).
 */
export function requireRegistered(caller: Caller): void {
  if (caller.roles.includes('member') || caller.user?.volunteerSince) return
  throw new AppError('REGISTRATION_REQUIRED', REGISTRATION_REQUIRED_MESSAGE)
}

/**
 * The sign-up's first read, with the caller (`withFirstRead`): the activity, the person's own
 * sign-up and how many wait ahead of the stamp `at` (present.ts `waitingAhead`).
 */
function signUpParts(activityId: string, openid: string, at: Date): Record<'activity' | 'mine' | 'ahead', Part> {
  const sid = signUpId(activityId, openid)
  return {
    // Without its claims and history (a crowd's claims make them long): nothing here needs them.
    activity: { collection: ACTIVITIES, build: (p) => p.match({ _id: activityId }).project(LEAN).limit(1) },
    mine: { collection: SIGNUPS, build: (p) => p.match({ _id: sid }).limit(1) },
    ahead: { collection: SIGNUPS, build: (p) => p.match(waitingAhead({ _id: sid, activityId, signedUpAt: at })).count('n') }
  }
}

/**
 * The person's sign-up. One read brings the caller, the activity, their own sign-up and the
 * waiting ahead: a closed or members-only activity, or a sign-up already holding a place or a
 * number, is answered from it with nothing written; otherwise the claim tries first the guard the
 * activity as read says will hold. Round trips besides the rate limit: 4 confirmed (read, claim,
 * add, settle), 3 waiting (no settle); one more when the counters changed since the read (a crowd).
 */
export async function signUp(ctx: FirstReadContext, activityId: string): Promise<SignUpResult> {
  // The stamp comes before the read, so that everyone the read sees waiting ahead of it stays ahead.
  const at = clock.date()
  const { caller, docs } = await ctx.readWithCaller(signUpParts(activityId, ctx.openid, at))
  requireRegistered(caller)
  const person = personOf(caller)
  const activity = docs.activity[0] as ActivityDoc | undefined
  if (!activity) throw notFound('活动')
  checkOpen(activity, person)
  const mine = docs.mine[0] as SignUpDoc | undefined
  if (mine && (mine.status === 'confirmed' || mine.status === 'waiting'))
    return { status: mine.status, position: mine.status === 'waiting' ? await waitingPosition(mine) : undefined, already: true }
  return takePlace(activityId, person, { activity, at, ahead: (docs.ahead[0]?.n as number | undefined) ?? 0, mine })
}

/**
 * Who gives a place back, and what they may do: the person themself (`self`: before the deadline
 * for a confirmed place, before the start for a waiting one); the organiser removing the sign-up
 * (`organiser`, with the reason written in the history); the end of the person's volunteer
 * registration (`registrationEnded`). The last two need only the activity not to have started.
 */
export type Releaser =
  | { kind: 'self' }
  | { kind: 'organiser'; by: string; byName?: string; reason: string }
  | { kind: 'registrationEnded' }

const RELEASE_ACTIONS: Record<Releaser['kind'], string> = { self: '取消报名', organiser: '组织者移除报名', registrationEnded: '登记结束（撤回同意或注销账号），报名取消' }

/** Gives the place (or waiting-list number) back: the steps of `releaseSignUp` (see the header). */
export async function withdraw(ctx: FirstReadContext, activityId: string): Promise<{ status: 'withdrawn'; promoted: number }> {
  const { caller, docs } = await ctx.readWithCaller(releaseParts(activityId, ctx.openid))
  const view = releaseViewOf(docs, signUpId(activityId, caller.openid))
  const { promoted } = await releaseSignUp(activityId, caller.openid, { kind: 'self' }, undefined, view)
  return { status: 'withdrawn', promoted }
}


/** What a release reads in one round trip: the sign-up, its activity and record, the first waiting. */
export interface ReleaseView {
  signUp: SignUpDoc | null
  activity: ActivityDoc | null
  /** A volunteer activity's service record of the person (they checked in). */
  checkedIn: boolean
  /** The first waiting (other than the releaser), if any: whether a confirmed place passes on. */
  waiting: SignUpDoc[]
  /** Another confirmed withdrawal's claim was open at the read (its hand-off may take the first waiting). */
  contended?: boolean
}

type Joined = SignUpDoc & { mine: number; record?: { _id: string }[] }

/**
 * What a release reads, in one round trip (`readTogether`, or with the caller as a `withFirstRead`
 * action's first read): the activity, and the person's sign-up and the first waiting (`mine`
 * sorts the person's own first), each with its service record joined (`$lookup` by `_id`).
 */
function releaseParts(activityId: string, openid: string): Record<'rows' | 'activity', Part> {
  const _ = db().command
  const $ = _.aggregate
  const sid = signUpId(activityId, openid)
  return {
    rows: {
      collection: SIGNUPS,
      build: (p) =>
        p
          .match(_.or([{ _id: sid }, { activityId, status: 'waiting' }]))
          .addFields({ mine: $.cond({ if: $.eq(['$_id', sid]), then: 0, else: 1 }) })
          .sort({ mine: 1, signedUpAt: 1, _id: 1 })
          .limit(2)
          .lookup({ from: RECORDS, localField: '_id', foreignField: '_id', as: 'record' })
    },
    // With its open claims (not its history): another withdrawal under way makes this one's hand-off rank itself.
    activity: { collection: ACTIVITIES, build: (p) => p.match({ _id: activityId }).project({ history: false }).limit(1) }
  }
}

function releaseViewOf(docs: Record<'rows' | 'activity', Record<string, any>[]>, sid: string): ReleaseView {
  const rows = docs.rows as Joined[]
  const strip = (row: Joined | undefined): SignUpDoc | null => {
    if (!row) return null
    const { mine, record, ...doc } = row
    void mine, record
    return doc
  }
  const own = rows.find((r) => r._id === sid)
  const waiting = rows.filter((r) => r._id !== sid && r.status === 'waiting').map((r) => strip(r) as SignUpDoc)
  const activity = (docs.activity[0] as ActivityDoc | undefined) ?? null
  const contended = Object.values(activity?.claims ?? {}).some((c) => c.kind === 'release' && c.held === 'confirmed')
  return { signUp: strip(own), activity, checkedIn: (own?.record?.length ?? 0) > 0, waiting, contended }
}

/**
 * A release's view from a read made elsewhere (users.withdrawConsent's first read): the person's
 * sign-up with its activity and service record joined (`$lookup`s `activity` and `record`). The
 * waiting line was not read: a confirmed place passes on by `handOff`'s own read when anyone waits.
 */
export function releaseViewOfJoined(row: SignUpDoc & { activity?: ActivityDoc[]; record?: { _id: string }[] }): ReleaseView {
  const { activity, record, ...signUp } = row
  return { signUp: signUp as SignUpDoc, activity: activity?.[0] ?? null, checkedIn: (record?.length ?? 0) > 0, waiting: [] }
}

async function readRelease(activityId: string, openid: string): Promise<ReleaseView> {
  return releaseViewOf(await readTogether(releaseParts(activityId, openid)), signUpId(activityId, openid))
}

/**
 * The withdrawal's steps (see `withdraw`) for `openid`'s sign-up, by `releaser`. `released`: what
 * the sign-up held before (undefined when it was withdrawn already: nothing changed). `check`
 * runs on the activity before anything is written (the organiser's access).
 *
 * Round trips: the read (one aggregate), the `release` claim, the sign-up's conditional update and
 * the claim's close; a confirmed place with someone waiting goes straight to the first of them
 * (one more update, whose history entry carries the claim's token) and the claim's close moves
 * one off the waiting count, the confirmed count unchanged (the place passes from one person to
 * the other; the repair finds the token on both sign-ups). Simultaneous withdrawals: `handOff`
 * and the header's Cost.
 */
export async function releaseSignUp(
  activityId: string,
  openid: string,
  releaser: Releaser,
  check?: (activity: ActivityDoc) => void,
  read?: ReleaseView,
  /** More fields the sign-up's withdrawal writes (the end of a registration erases its number there). */
  extra?: Record<string, unknown>
): Promise<{ released?: 'confirmed' | 'waiting'; promoted: number; name?: string; activity: ActivityDoc }> {
  const _ = db().command
  const id = signUpId(activityId, openid)
  const self = releaser.kind === 'self'
  for (let round = 0; round < 5; round++) {
    // The first round may use what the action's first read brought (`read`); a retry reads again.
    const view = round === 0 && read ? read : await readRelease(activityId, openid)
    const { activity, signUp: current } = view
    if (!activity) throw notFound('活动')
    check?.(activity)
    if (!current) throw notFound('报名记录')
    const name = current.name
    if (current.status === 'withdrawn') return { promoted: 0, name, activity }
    if (current.status === 'cancelled' || activity.status !== 'published') throw conflict('活动已取消')
    const now = clock.now()
    if (self && current.status === 'confirmed' && now >= +activity.signUpDeadline) throw conflict('报名已截止，不能在线取消报名，请联系活动组织者')
    if (now >= +activity.start) throw conflict(self ? '活动已开始，不能取消报名' : '活动已开始，不能移除报名')
    if (current.checkedInAt || current.arrivedAt || view.checkedIn) throw conflict(self ? '已签到，不能取消报名' : '已签到，不能移除报名')
    const was = current.status
    const token = randomId('k', 12)
    // `held`: what the sign-up held (a confirmed one passes its place on: `handOff` ranks these).
    if (!(await openClaim(activityId, token, { openid, kind: 'release', at: clock.date(), held: was }))) throw notFound('活动')
    const entry: StoredHistory = {
      at: clock.date(),
      by: releaser.kind === 'organiser' ? releaser.by : releaser.kind === 'self' ? openid : 'system',
      byName: releaser.kind === 'organiser' ? releaser.byName : current.name,
      action: RELEASE_ACTIONS[releaser.kind],
      ...(releaser.kind === 'organiser' ? { note: releaser.reason } : {}),
      claim: token,
      released: was
    }
    // The filter is the decision (no transaction): the sign-up still as read — a check-in writes
    // `updatedAt` and marks it (`checkedInAt`/`arrivedAt`), so a withdrawal and a check-in of one
    // person cannot both succeed.
    const res = await db()
      .collection(SIGNUPS)
      .where({ _id: id, status: was, updatedAt: current.updatedAt, checkedInAt: _.exists(false), arrivedAt: _.exists(false) })
      .update({ data: { status: 'withdrawn', updatedAt: clock.date(), history: _.push([entry]), ...(extra ?? {}), ...(was === 'confirmed' ? { releasedBy: token } : {}) } })
    if (res.stats.updated === 0) {
      await closeClaim(activityId, token)
      continue
    }
    if (was === 'waiting') {
      await closeClaim(activityId, token, negated(held('waiting')))
      return { released: was, promoted: 0, name, activity }
    }
    // The place goes to the first still waiting. Withdrawals at the same instant would all try the
    // same person, the k-th failing k−1 times: so, when anyone waits, one read after this sign-up
    // is written ranks the confirmed withdrawals written and not yet passed on (`handOff`), and
    // this one tries the person at its rank first.
    if (activity.waitingCount > 0 || view.waiting.length > 0) {
      // As far as the read saw, no other confirmed withdrawal under way: the first waiting straight
      // away (one try); else, or when that one was taken meanwhile, by rank (`handOff`).
      const first = view.contended ? undefined : view.waiting[0]
      const passed = first && (await moveUp(first, token, true)) ? { to: first, waitingCount: 0, covered: [], later: false } : await handOff(activityId, token, first ? 1 : 0)
      if (passed.to) {
        await closeClaim(activityId, token, { waitingCount: -1 })
        // After a try that found its person taken, the message goes with the drain (`tellPromoted`).
        if (!passed.later) await notifyPromoted(activity, passed.to.openid)
        return { released: was, promoted: 1, name, activity }
      }
      if (passed.waitingCount > 0) {
        // Still counted as waiting: those the other withdrawals under way are passing their places
        // to (`covered`), or someone joining. The place is freed, and promoted to the first waiting
        // that no other withdrawal is about to take (read after the place is free).
        await closeClaim(activityId, token, negated(held('confirmed')))
        return { released: was, promoted: await promoteWaiting(activityId, undefined, passed.covered), name, activity }
      }
    }
    // Nobody waiting (the common case): the place is freed in one update.
    if (await closeClaim(activityId, token, negated(held('confirmed')), { waitingCount: 0 })) return { released: was, promoted: 0, name, activity }
    await closeClaim(activityId, token, negated(held('confirmed')))
    return { released: was, promoted: await promoteWaiting(activityId), name, activity }
  }
  throw busy()
}

/** How far down the waiting line a hand-off reads (its rank among simultaneous withdrawals, and beyond). */
const HANDOFF_LINE = 30


/**
 * Passes the place of the confirmed withdrawal `token` (its sign-up already written, marked
 * `releasedBy: token`) to someone waiting. One read (the activity's open claims and waiting count,
 * the waiting line, and the sign-ups marked by recent withdrawals and hand-offs) ranks the
 * confirmed withdrawals written and not yet passed on, in claim order (`at`, token): the r-th of
 * them tries the r-th waiting, so simultaneous withdrawals take different people, then (a rank
 * that is off: that person was taken) the first waiting that no withdrawal ranks for: two tries
 * at most. Every try is still guarded by `status: 'waiting'` (moveUp): a rank that is off costs a
 * try, never a double hand-off, and the order holds: the places passed at once go to the first
 * that many waiting. `failed`: tries that already found their person taken; from then on, the one
 * moved up is told by the drain (`tellPromoted`). Answers the one moved up, or the waiting count
 * as read and the waiting that the other withdrawals under way try first (`covered`: left to them
 * when this one frees its place instead).
 */
async function handOff(activityId: string, token: string, failed = 0): Promise<{ to?: SignUpDoc; waitingCount: number; covered: string[]; later: boolean }> {
  const _ = db().command
  const since = new Date(clock.now() - STALE_CLAIM_MS)
  const docs = await readTogether({
    activity: { collection: ACTIVITIES, build: (p) => p.match({ _id: activityId }).project({ claims: true, waitingCount: true }).limit(1) },
    line: { collection: SIGNUPS, build: (p) => p.match({ activityId, status: 'waiting' }).sort({ signedUpAt: 1, _id: 1 }).limit(HANDOFF_LINE) },
    marks: {
      collection: SIGNUPS,
      build: (p) =>
        p
          .match(_.and([{ activityId, updatedAt: _.gte(since) }, _.or([{ releasedBy: _.exists(true) }, { promotedBy: _.exists(true) }])]))
          .project({ releasedBy: true, promotedBy: true })
          .limit(200)
    }
  })
  const read = docs.activity[0] as ActivityDoc | undefined
  const claims = read?.claims ?? {}
  const marks = docs.marks as SignUpDoc[]
  const written = new Set(marks.map((m) => m.releasedBy).filter(Boolean))
  const passed = new Set(marks.map((m) => m.promotedBy).filter(Boolean))
  const pending = Object.entries(claims)
    .filter(([t, c]) => t === token || (c.kind === 'release' && c.held === 'confirmed' && written.has(t) && !passed.has(t)))
    .sort(([ta, a], [tb, b]) => +new Date(a.at) - +new Date(b.at) || (ta < tb ? -1 : ta > tb ? 1 : 0))
    .map(([t]) => t)
  const line = docs.line as SignUpDoc[]
  const rank = Math.max(0, pending.indexOf(token))
  // The person at this withdrawal's rank, then the first no other one ranks for (a rank that is
  // off: another took that person). Two tries at most; a rank beyond the line tries nobody (the
  // withdrawals ahead take everyone waiting).
  const tries = [line[rank], line[pending.length]].filter((s): s is SignUpDoc => Boolean(s))
  for (const to of tries) {
    // After a try that failed, the one moved up is told by the drain (marked on their sign-up).
    if (await moveUp(to, token, true, failed > 0)) return { to, waitingCount: read?.waitingCount ?? 0, covered: [], later: failed > 0 }
    failed++
  }
  // Those the other withdrawals under way try first: left to them.
  const covered = line.slice(0, pending.length).filter((_s, i) => i !== rank).map((s) => s._id)
  return { waitingCount: read?.waitingCount ?? 0, covered, later: false }
}

/** A waiting person's sign-up confirmed, guarded by its status; its entry carries the claim's token. */
async function moveUp(candidate: SignUpDoc, token: string, handed = false, tellLater = false): Promise<boolean> {
  const _ = db().command
  const at = clock.date()
  const moved = await db()
    .collection(SIGNUPS)
    .where({ _id: candidate._id, status: 'waiting' })
    .update({
      data: {
        status: 'confirmed',
        updatedAt: at,
        history: _.push([{ at, by: 'system', action: '候补转正', claim: token }]),
        ...(handed ? { promotedBy: token } : {}),
        ...(tellLater ? { tellPromoted: at } : {})
      }
    })
  return moved.stats.updated > 0
}

/** Activities whose stale waiting claims one timer run closes at most. */
const CLOSE_PAGE = 20

/**
 * The page `closeWaitingClaims` works on: activities whose latest waiting claim (`waitingClaimAt`)
 * is stale — every waiting claim on them is, and so is done or dead. A part of the timer's one
 * combined read.
 */
export function waitingClaimsPart(): Part {
  const _ = db().command
  return {
    collection: ACTIVITIES,
    build: (p) => p.match({ waitingClaimAt: _.lte(new Date(clock.now() - STALE_CLAIM_MS)) }).project({ history: false }).limit(CLOSE_PAGE)
  }
}

/**
 * The waiting claims sign-ups leave open (no settle: see the header), closed by the activities
 * timer (`deliverMessages`, every minute) once stale: `repairStaleClaims` (a written sign-up: just
 * closed; a dead call's: its count given back, and the place promoted). On a cancelled activity,
 * a waiting sign-up written after the cancel's bulk update (its claim came before the cancel) is
 * cancelled here, guarded by its status, and the person told, as the cancel would have. Then the
 * mark is removed, guarded by its value (a newer waiting claim keeps it for the next run).
 * Returns how many claims were closed and how many late sign-ups cancelled.
 */
export async function closeWaitingClaims(rows?: Record<string, unknown>[]): Promise<{ activities: number; cancelled: number }> {
  const page = (rows ?? (await aggregateOf(waitingClaimsPart()))) as (ActivityDoc & { waitingClaimAt: Date })[]
  let cancelled = 0
  // The activities are independent of each other: a few at a time.
  for (let i = 0; i < page.length; i += CLOSE_LANES) {
    const counts = await Promise.all(page.slice(i, i + CLOSE_LANES).map(closeClaimsOf))
    cancelled += counts.reduce((n, k) => n + k, 0)
  }
  return { activities: page.length, cancelled }
}

/** Activities whose claims `closeWaitingClaims` closes at once. */
const CLOSE_LANES = 5

/** One activity's part of `closeWaitingClaims`; answers how many late sign-ups it cancelled. */
async function closeClaimsOf(row: ActivityDoc & { waitingClaimAt: Date }): Promise<number> {
  const _ = db().command
  let activity: ActivityDoc | null = row
  let staleLeft = true
  for (let round = 0; activity && round < 20; round++) {
    const stale = staleClaimsOf(activity, clock.now()).length
    const repaired = await repairStaleClaims(activity, true)
    if (repaired && Object.keys(repaired).length) await promoteWaiting(activity._id)
    // Nothing stale, or every stale claim was in that one repair: none left, nothing to read again.
    if (!repaired || stale <= REPAIR_BATCH) {
      staleLeft = false
      break
    }
    activity = await findById<ActivityDoc>(ACTIVITIES, row._id)
  }
  if (!activity) return 0
  const cancelled = activity.status === 'cancelled' ? await cancelLate(activity) : 0
  // A newer waiting claim keeps the mark for the next run (guarded by the mark as read).
  if (!staleLeft) await db().collection(ACTIVITIES).where({ _id: row._id, waitingClaimAt: row.waitingClaimAt }).update({ data: { waitingClaimAt: _.remove() } })
  return cancelled
}

/** Sign-ups still active on a cancelled activity (written after the cancel's bulk update): cancelled, each told. */
async function cancelLate(activity: ActivityDoc): Promise<number> {
  const _ = db().command
  const late = (
    await db()
      .collection(SIGNUPS)
      .where({ activityId: activity._id, status: _.in(['confirmed', 'waiting']) })
      .limit(100)
      .get()
  ).data as SignUpDoc[]
  const told: string[] = []
  for (const s of late) {
    const at = clock.date()
    const res = await db()
      .collection(SIGNUPS)
      .where({ _id: s._id, status: _.in(['confirmed', 'waiting']) })
      .update({ data: { status: 'cancelled', updatedAt: at, history: _.push([{ at, by: 'system', action: '活动取消', ...(activity.cancelReason ? { note: activity.cancelReason } : {}) }]) } })
    if (res.stats.updated > 0) told.push(s.openid)
  }
  if (told.length) await notifyCancelled(activity, told, activity.cancelReason ?? '活动取消')
  return told.length
}

/** Sign-ups whose promotion message one drain run sends at most. */
const TELL_PAGE = 100

/** The page `tellPromoted` works on (marked sign-ups, each with its activity): a part of the timer's one combined read. */
export function promotedPart(): Part {
  const _ = db().command
  return {
    collection: SIGNUPS,
    build: (p) => p.match({ tellPromoted: _.exists(true) }).limit(TELL_PAGE).lookup({ from: ACTIVITIES, localField: 'activityId', foreignField: '_id', as: 'activity' })
  }
}

/**
 * The messages of hand-offs that waited for the timer (`tellPromoted` on the sign-up: a hand-off
 * whose first try found its person taken, so that the person withdrawing pays no round trip more):
 * the activities timer `deliverMessages` queues the page's messages in one write, ahead of its
 * drain (so they go out in the same run), then removes the marks it read in one update (a mark
 * set after the read is newer and stays). A sign-up no longer confirmed is not told. A run cut
 * short between the two writes queues them again next time: a message may arrive twice, never not
 * at all. Returns how many were queued.
 */
export async function tellPromoted(rows?: Record<string, unknown>[]): Promise<number> {
  const _ = db().command
  // `rows`: the page as read by the timer's combined read (cloudfunctions/activities/index.ts).
  const page = (rows ?? (await aggregateOf(promotedPart()))) as (SignUpDoc & { tellPromoted: Date; activity: ActivityDoc[] })[]
  if (page.length === 0) return 0
  const told = await queuePromoted(page.filter((row) => row.status === 'confirmed' && row.activity[0]).map((row) => ({ activity: row.activity[0], openid: row.openid })))
  const newest = new Date(Math.max(...page.map((row) => +new Date(row.tellPromoted))))
  await db()
    .collection(SIGNUPS)
    .where({ _id: _.in(page.map((row) => row._id)), tellPromoted: _.lte(newest) })
    .update({ data: { tellPromoted: _.remove() } })
  return told
}

/**
 * Hands free places to the waiting list in order (`signedUpAt`, then `_id`); returns how many were
 * promoted (each is told). Stops once the activity has started. Each promotion: a `promote` claim
 * that moves one from waiting to confirmed while a place is free and someone waits (atomic,
 * guarded), then the first waiting person's sign-up updated guarded by `status: 'waiting'` (its
 * history entry carries the token), then the claim closed. Two promoters choosing the same person:
 * one update wins, the other gives its claim back and takes the next person. Someone withdrawing
 * from the waiting list at that instant: both updates are guarded by the status, one wins (the
 * update finds them withdrawn and the claim goes back).
 */
export async function promoteWaiting(
  activityId: string,
  known?: { activity: ActivityDoc; next: SignUpDoc | null; waitingSignUps?: number },
  /** Waiting sign-ups left to withdrawals under way, which pass their places to them (handOff). */
  covered: string[] = []
): Promise<number> {
  const _ = db().command
  let promoted = 0
  let repairedWaiting = false
  const waitUntil = Date.now() + WAIT_FOR_JOINERS_MS
  for (let round = 0; round < 200; round++) {
    // The activity and the first waiting: one read per round (the first round may use what the
    // caller has just read and repaired, `known`: every step below is guarded all the same).
    const { activity, next: candidate, waitingSignUps } = round === 0 && known ? known : await firstWaiting(activityId, covered)
    if (!activity || activity.status !== 'published' || clock.now() >= +activity.start) break
    if (await repairStaleClaims(activity)) continue
    if (activity.placesLeft === undefined) {
      await ensurePlacesLeft(activity)
      continue
    }
    if (activity.placesLeft <= 0 || activity.waitingCount <= 0) break
    if (!candidate) {
      // Someone counted as waiting whose sign-up is not written: joining right now (a young waiting
      // claim), or a dead call's claim. Waiting claims stay open after their sign-up is written (no
      // settle), so an open one proves nothing: the count decides — more counted waiting than
      // sign-ups waiting, beyond what the withdrawals under way may still owe (one each).
      const claims = Object.values(activity.claims ?? {})
      const now = clock.now()
      const waitingClaims = claims.filter((c) => c.kind === 'waiting')
      if (waitingClaims.length === 0) break
      // (`known`: no count read with it; read again, with the count.)
      if (waitingSignUps === undefined) continue
      const releases = claims.filter((c) => c.kind === 'release').length
      if (activity.waitingCount - waitingSignUps - releases <= 0) break
      if (waitingClaims.some((c) => now - +new Date(c.at) <= STALE_CLAIM_MS)) {
        if (Date.now() >= waitUntil) break
        await sleep(30)
        continue
      }
      // Only stale ones: a dead call's, given back by the repair (once).
      if (repairedWaiting) break
      repairedWaiting = true
      if (await repairStaleClaims(activity, true)) continue
      break
    }
    const token = randomId('k', 12)
    const at = clock.date()
    const claimed = await db()
      .collection(ACTIVITIES)
      .where({ _id: activityId, status: 'published', placesLeft: _.gt(0), waitingCount: _.gt(0) })
      .update({ data: { ...incsOf(PROMOTION), [claimPath(token)]: _.set({ openid: candidate.openid, kind: 'promote', at }) } })
    if (claimed.stats.updated === 0) continue
    if (!(await moveUp(candidate, token))) {
      await closeClaim(activityId, token, negated(PROMOTION))
      continue
    }
    await closeClaim(activityId, token)
    promoted++
    await notifyPromoted(activity, candidate.openid)
    // No place left or nobody else waiting as of this round's read: done, without reading again
    // (a place freed since is promoted by whoever freed it).
    if (activity.placesLeft <= 1 || activity.waitingCount <= 1) break
  }
  return promoted
}

/**
 * The activity, its first sign-up waiting (`signedUpAt`, `_id`) and how many sign-ups wait (to
 * tell someone counted but not written from the waiting claims left open), in one read.
 */
async function firstWaiting(activityId: string, covered: string[] = []): Promise<{ activity: ActivityDoc | null; next: SignUpDoc | null; waitingSignUps: number }> {
  const _ = db().command
  const docs = await readTogether({
    activity: { collection: ACTIVITIES, build: (p) => p.match({ _id: activityId }).project({ history: false }).limit(1) },
    next: {
      collection: SIGNUPS,
      build: (p) => p.match({ activityId, status: 'waiting', ...(covered.length ? { _id: _.nin(covered) } : {}) }).sort({ signedUpAt: 1, _id: 1 }).limit(1)
    },
    waiting: { collection: SIGNUPS, build: (p) => p.match({ activityId, status: 'waiting' }).count('n') }
  })
  return {
    activity: (docs.activity[0] as ActivityDoc | undefined) ?? null,
    next: (docs.next[0] as SignUpDoc | undefined) ?? null,
    waitingSignUps: (docs.waiting[0]?.n as number | undefined) ?? 0
  }
}

/**
 * The organiser takes someone's sign-up off the roster (a bogus or duplicate one): the same
 * release as a withdrawal (`releaseSignUp`, so the counters stay right and the freed place goes to
 * the first waiting), allowed until the activity starts and never after a check-in. The person is
 * told why; the removal is audited (`activities.removeSignUp`). Removing a sign-up already
 * withdrawn changes nothing (and is neither told nor audited again).
 */
export async function removeSignUp(ctx: FirstReadContext, input: { activityId: string; openid: string; reason: string }): Promise<{ status: 'withdrawn'; promoted: number }> {
  // The release's read comes with the caller (one round trip). The person reads the reason in
  // their message; the organiser check runs on the activity read (before anything is written).
  const { caller, docs } = await ctx.readWithCaller(releaseParts(input.activityId, input.openid))
  const view = releaseViewOf(docs, signUpId(input.activityId, input.openid))
  await checkVisibleTexts(caller.openid, [['reason', input.reason]])
  const { released, promoted, name, activity } = await releaseSignUp(
    input.activityId,
    input.openid,
    { kind: 'organiser', by: caller.openid, byName: callerName(caller), reason: input.reason },
    (a) => requireOrganiser(caller, a.communityId),
    view
  )
  if (released) {
    await Promise.all([
      audit(caller, {
        action: 'activities.removeSignUp',
        target: { collection: SIGNUPS, id: signUpId(activity._id, input.openid), ...(name ? { label: name } : {}) },
        ...(activity.communityId ? { communityId: activity.communityId } : {}),
        detail: { activityId: activity._id, openid: input.openid, released, reason: input.reason }
      }),
      notifyChanged(activity, input.openid, `组织者取消了您的报名：${input.reason}`)
    ])
  }
  return { status: 'withdrawn', promoted }
}
