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
 * 3. Settle: close the claim, guarded by `status: 'published'`. Cancelling is a guarded update of
 *    the status followed by a bulk update of the sign-ups: if the settle succeeds, the sign-up was
 *    written before the cancel, whose bulk update catches it; if it finds the activity cancelled,
 *    the sign-up undoes itself (document first, then the claim) and answers 活动已取消.
 *
 * Who may sign up: a party member or a registered volunteer (志愿者实名登记, `requireRegistered`,
 * read from the caller's users document the function shell loaded: no round trip); anyone else is
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
 * than leave a place free while someone waits. Walk-ins at check-in claim a free place the same way
 * (checkin.ts, `claimPlaceOnSite`).
 *
 * Interrupted calls (the 3 s timeout, a dead instance) leave their claim open. A claim older than
 * STALE_CLAIM_MS (far beyond the timeout, after which the cloud refuses the dead call's database
 * requests) is repaired by whoever next reads the activity for this purpose — opening it (`get`),
 * promotion, a sign-up whose guards failed (`repairStaleClaims`): the sign-up tells whether the
 * interrupted step on it happened (it carries the token). Sign-up or promotion: written → just
 * close the claim; not written → close it giving the count back. Withdrawal: written → close it
 * taking the count off (or, when another sign-up carries its token too — the place passed to the
 * first waiting — one off the waiting count); not written → just close it. Freed places are then
 * promoted.
 *
 * The waiting list has no counter shared by the crowd: a waiting person's position is 1 + a count
 * of those ahead in the order (present.ts). The position told at sign-up is that count at that
 * moment (someone ahead may still be writing their sign-up); `get` always shows the current one.
 *
 * Cost of a sign-up (database round trips besides the caller's identity): 3 when confirmed (claim,
 * add, settle); 5 when waiting (the confirmed guard that failed, the waiting claim, add, then the
 * settle and the position count sent together). Of a withdrawal: 4 (read, claim, sign-up, close),
 * and 1 more when the place passes to the first waiting (plus the message to them); another
 * withdrawal at the same instant that took that person costs one more update per person taken.
 */
import type { SignUpResult } from '../../contracts/activities'
import { audit } from '../core/audit'
import { clock } from '../core/clock'
import { checkVisibleTexts } from '../core/content'
import { db, isDuplicateKey } from '../core/db'
import { AppError, busy, conflict, forbidden, notFound } from '../core/errors'
import type { Caller } from '../core/identity'
import { findById } from '../core/records'
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
import { notifyChanged, notifyPromoted } from './notify'
import { waitingPosition } from './present'
import { randomId } from './util'

/** A claim this old belongs to a call that is dead (the function timeout is 3 s): repair it. */
export const STALE_CLAIM_MS = 30_000

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
 */
async function claim(activityId: string, person: Person, token: string): Promise<Kind> {
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
    for (const kind of ['confirmed', 'waiting'] as Kind[]) {
      const res = await db()
        .collection(ACTIVITIES)
        .where(guards[kind] as Record<string, unknown>)
        .update({ data: { ...incsOf(held(kind)), [claimPath(token)]: _.set({ openid: person.openid, kind, at: now }) } })
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

/**
 * Repairs the claims of calls that died between their steps (see the header). Returns true when
 * it changed the activity (read it again); places it freed are promoted by the caller's loop or by
 * `promoteWaiting`. Whether the interrupted call wrote its sign-up is read on the sign-up: the
 * claim's token is on it (`claim`, or its history entry).
 */
export async function repairStaleClaims(activity: ActivityDoc): Promise<boolean> {
  const now = clock.now()
  const stale = Object.entries(activity.claims ?? {})
    .filter(([, c]) => now - +new Date(c.at) > STALE_CLAIM_MS)
    .slice(0, 50)
  if (stale.length === 0) return false
  const _ = db().command
  const ids = [...new Set(stale.map(([, c]) => signUpId(activity._id, c.openid)))]
  const found = await db().collection(SIGNUPS).where({ _id: _.in(ids) }).limit(100).get()
  const docs = new Map((found.data as SignUpDoc[]).map((d) => [d.openid, d]))
  for (const [token, c] of stale) {
    const doc = docs.get(c.openid)
    const entry = (doc?.history ?? []).find((h) => h.claim === token)
    const written = doc !== undefined && (doc.claim === token || entry !== undefined)
    if (c.kind === 'confirmed' || c.kind === 'waiting') await closeClaim(activity._id, token, written ? {} : negated(held(c.kind)))
    else if (c.kind === 'promote') await closeClaim(activity._id, token, written ? {} : negated(PROMOTION))
    else if (!written || !entry?.released) await closeClaim(activity._id, token)
    else {
      // A confirmed place may have passed straight to someone waiting: their sign-up carries the token.
      const passed =
        entry.released === 'confirmed' &&
        (await db().collection(SIGNUPS).where({ activityId: activity._id, 'history.claim': token }).count()).total > 1
      await closeClaim(activity._id, token, passed ? { waitingCount: -1 } : negated(held(entry.released)))
    }
  }
  return true
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
async function writeSignUp(activityId: string, person: Person, kind: Kind, token: string, at: Date): Promise<'added' | 'retaken' | SignUpDoc> {
  const _ = db().command
  const sid = signUpId(activityId, person.openid)
  const entry: StoredHistory = { at, by: person.openid, byName: person.name, action: kind === 'confirmed' ? '报名' : '候补', claim: token }
  for (let round = 0; round < 3; round++) {
    try {
      await db()
        .collection(SIGNUPS)
        .add({ data: { _id: sid, ...signUpDoc(activityId, person, null, { status: kind, walkIn: false, at, entry, claim: token }) } })
      return 'added'
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
    }
    const existing = await findById<SignUpDoc>(SIGNUPS, sid)
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

/** Signs `person` up: the steps of the header. */
export async function takePlace(activityId: string, person: Person): Promise<SignUpResult> {
  const sid = signUpId(activityId, person.openid)
  const token = randomId('k', 12)
  const kind = await claim(activityId, person, token)
  const at = clock.date()
  const written = await writeSignUp(activityId, person, kind, token, at)
  if (typeof written !== 'string') {
    // Already signed up (a second tap): the claim goes back, and with it any place it held.
    await revertClaim(activityId, token, kind)
    if (kind === 'confirmed') await promoteWaiting(activityId)
    return {
      status: written.status as 'confirmed' | 'waiting',
      position: written.status === 'waiting' ? await waitingPosition(written) : undefined,
      already: true
    }
  }
  const [settled, position] = await Promise.all([
    settleClaim(activityId, token),
    kind === 'waiting' ? waitingPosition({ _id: sid, activityId: activityId, signedUpAt: at }) : Promise.resolve(undefined)
  ])
  if (!settled) {
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
  return { status: kind, position, already: false }
}

/** The refusal of a sign-up by someone neither a party member nor a registered volunteer. */
export const REGISTRATION_REQUIRED_MESSAGE = '请先完成志愿者实名登记'

/**
 * A place is held only by a known, real-name person (《志愿服务条例》第七条): a party member (their
 * approved 报到 registration) or someone who did the 志愿者实名登记 (volunteerRegistration.ts).
 * Read from the caller's users document, which the function shell has loaded already: no round trip.
 */
export function requireRegistered(caller: Caller): void {
  if (caller.roles.includes('member') || caller.user?.volunteerSince) return
  throw new AppError('REGISTRATION_REQUIRED', REGISTRATION_REQUIRED_MESSAGE)
}

export async function signUp(caller: Caller, activityId: string): Promise<SignUpResult> {
  requireRegistered(caller)
  return takePlace(activityId, personOf(caller))
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
export async function withdraw(caller: Caller, activityId: string): Promise<{ status: 'withdrawn'; promoted: number }> {
  const { promoted } = await releaseSignUp(activityId, caller.openid, { kind: 'self' })
  return { status: 'withdrawn', promoted }
}

/** Waiting people a confirmed withdrawal tries to hand its place to, in order, before promoting. */
const HANDOFF_TRIES = 5

/** What a release reads in one round trip: the sign-up, its activity and record, the first waiting. */
interface ReleaseView {
  signUp: SignUpDoc | null
  activity: ActivityDoc | null
  /** A volunteer activity's service record of the person (they checked in). */
  checkedIn: boolean
  /** The first few waiting (other than the releaser), in the waiting list's order. */
  waiting: SignUpDoc[]
}

type Joined = SignUpDoc & { mine: number; activity?: ActivityDoc[]; record?: { _id: string }[] }

/**
 * One aggregate: the person's sign-up and the first one waiting (`mine` sorts the person's own
 * first), each with its activity and service record joined (`$lookup` by `_id`).
 */
async function readRelease(activityId: string, openid: string): Promise<ReleaseView> {
  const _ = db().command
  const $ = _.aggregate
  const sid = signUpId(activityId, openid)
  const res = await db()
    .collection(SIGNUPS)
    .aggregate()
    .match(_.or([{ _id: sid }, { activityId, status: 'waiting' }]))
    .addFields({ mine: $.cond({ if: $.eq(['$_id', sid]), then: 0, else: 1 }) })
    .sort({ mine: 1, signedUpAt: 1, _id: 1 })
    .limit(1 + HANDOFF_TRIES)
    .lookup({ from: ACTIVITIES, localField: 'activityId', foreignField: '_id', as: 'activity' })
    .lookup({ from: RECORDS, localField: '_id', foreignField: '_id', as: 'record' })
    .end()
  const rows = res.list as Joined[]
  const strip = (row: Joined | undefined): SignUpDoc | null => {
    if (!row) return null
    const { mine, activity, record, ...doc } = row
    void mine, activity, record
    return doc
  }
  const own = rows.find((r) => r._id === sid)
  const waiting = rows.filter((r) => r._id !== sid && r.status === 'waiting').map((r) => strip(r) as SignUpDoc)
  const activity = rows[0]?.activity?.[0] ?? (rows.length ? null : await findById<ActivityDoc>(ACTIVITIES, activityId))
  return { signUp: strip(own), activity, checkedIn: (own?.record?.length ?? 0) > 0, waiting }
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
 * the other; the repair finds the token on both sign-ups).
 */
export async function releaseSignUp(
  activityId: string,
  openid: string,
  releaser: Releaser,
  check?: (activity: ActivityDoc) => void
): Promise<{ released?: 'confirmed' | 'waiting'; promoted: number; name?: string; activity: ActivityDoc }> {
  const _ = db().command
  const id = signUpId(activityId, openid)
  const self = releaser.kind === 'self'
  for (let round = 0; round < 5; round++) {
    const view = await readRelease(activityId, openid)
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
    if (!(await openClaim(activityId, token, { openid, kind: 'release', at: clock.date() }))) throw notFound('活动')
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
      .update({ data: { status: 'withdrawn', updatedAt: clock.date(), history: _.push([entry]) } })
    if (res.stats.updated === 0) {
      await closeClaim(activityId, token)
      continue
    }
    if (was === 'waiting') {
      await closeClaim(activityId, token, negated(held('waiting')))
      return { released: was, promoted: 0, name, activity }
    }
    // The place goes to the first still waiting (another withdrawal at the same instant may have
    // taken the first: then the next; when all those read were taken, the line is read again),
    // confirmed unchanged and one fewer waiting.
    let line = view.waiting
    for (let reread = 0; line.length > 0 && reread < 3; reread++) {
      for (const to of line) {
        if (!(await moveUp(to, token))) continue
        await closeClaim(activityId, token, { waitingCount: -1 })
        await notifyPromoted(activity, to.openid)
        return { released: was, promoted: 1, name, activity }
      }
      if (line.length < HANDOFF_TRIES) break
      line = await waitingLine(activityId, HANDOFF_TRIES)
    }
    // Nobody waiting (the common case): the place is freed in one update.
    if (await closeClaim(activityId, token, negated(held('confirmed')), { waitingCount: 0 })) return { released: was, promoted: 0, name, activity }
    await closeClaim(activityId, token, negated(held('confirmed')))
    return { released: was, promoted: await promoteWaiting(activityId), name, activity }
  }
  throw busy()
}

/** The first `n` waiting, in the waiting list's order. */
async function waitingLine(activityId: string, n: number): Promise<SignUpDoc[]> {
  const res = await db().collection(SIGNUPS).where({ activityId, status: 'waiting' }).orderBy('signedUpAt', 'asc').orderBy('_id', 'asc').limit(n).get()
  return res.data as SignUpDoc[]
}

/** A waiting person's sign-up confirmed, guarded by its status; its entry carries the claim's token. */
async function moveUp(candidate: SignUpDoc, token: string): Promise<boolean> {
  const _ = db().command
  const at = clock.date()
  const moved = await db()
    .collection(SIGNUPS)
    .where({ _id: candidate._id, status: 'waiting' })
    .update({ data: { status: 'confirmed', updatedAt: at, history: _.push([{ at, by: 'system', action: '候补转正', claim: token }]) } })
  return moved.stats.updated > 0
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
export async function promoteWaiting(activityId: string): Promise<number> {
  const _ = db().command
  let promoted = 0
  const waitUntil = Date.now() + WAIT_FOR_JOINERS_MS
  for (let round = 0; round < 200; round++) {
    // The first waiting with the activity joined: one read per round.
    const { activity: joined, next: candidate } = await firstWaiting(activityId)
    const activity = joined ?? (await findById<ActivityDoc>(ACTIVITIES, activityId))
    if (!activity || activity.status !== 'published' || clock.now() >= +activity.start) break
    if (await repairStaleClaims(activity)) continue
    if (activity.placesLeft === undefined) {
      await ensurePlacesLeft(activity)
      continue
    }
    if (activity.placesLeft <= 0 || activity.waitingCount <= 0) break
    if (!candidate) {
      // Someone is joining the waiting list right now (counted, sign-up not yet written).
      const joining = Object.values(activity.claims ?? {}).some((c) => c.kind === 'waiting')
      if (joining && Date.now() < waitUntil) {
        await sleep(30)
        continue
      }
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
  }
  return promoted
}

/** The first sign-up waiting (`signedUpAt`, `_id`) with its activity joined; no activity when none waits. */
async function firstWaiting(activityId: string): Promise<{ activity: ActivityDoc | null; next: SignUpDoc | null }> {
  const res = await db()
    .collection(SIGNUPS)
    .aggregate()
    .match({ activityId, status: 'waiting' })
    .sort({ signedUpAt: 1, _id: 1 })
    .limit(1)
    .lookup({ from: ACTIVITIES, localField: 'activityId', foreignField: '_id', as: 'activity' })
    .end()
  const row = res.list[0] as (SignUpDoc & { activity?: ActivityDoc[] }) | undefined
  if (!row) return { activity: null, next: null }
  const { activity, ...next } = row
  return { activity: activity?.[0] ?? null, next }
}

/**
 * The organiser takes someone's sign-up off the roster (a bogus or duplicate one): the same
 * release as a withdrawal (`releaseSignUp`, so the counters stay right and the freed place goes to
 * the first waiting), allowed until the activity starts and never after a check-in. The person is
 * told why; the removal is audited (`activities.removeSignUp`). Removing a sign-up already
 * withdrawn changes nothing (and is neither told nor audited again).
 */
export async function removeSignUp(caller: Caller, input: { activityId: string; openid: string; reason: string }): Promise<{ status: 'withdrawn'; promoted: number }> {
  // The person reads the reason in their message; the organiser check runs on the activity the
  // release reads (before anything is written).
  await checkVisibleTexts(caller.openid, [['reason', input.reason]])
  const { released, promoted, name, activity } = await releaseSignUp(
    input.activityId,
    input.openid,
    { kind: 'organiser', by: caller.openid, byName: callerName(caller), reason: input.reason },
    (a) => requireOrganiser(caller, a.communityId)
  )
  if (released) {
    await Promise.all([
      audit(caller, {
        action: 'activities.removeSignUp',
        target: { collection: SIGNUPS, id: signUpId(activity._id, input.openid), ...(name ? { label: name } : {}) },
        ...(activity.communityId ? { communityId: activity.communityId } : {}),
        detail: { activityId: activity._id, openid: input.openid, released, reason: input.reason }
      }),
      notifyChanged(activity, [input.openid], `组织者取消了您的报名：${input.reason}`)
    ])
  }
  return { status: 'withdrawn', promoted }
}
