/**
 * Volunteers and their stable numbers.
 *
 * A volunteer number is `<prefix><6-digit sequence>` (prefix `HONGLIN_VOLUNTEER_PREFIX`, default
 * "SFQ" for 示范区), handed out once per person the first time they need one (their first verified
 * service record, or when they open their personal code). It never changes afterwards.
 *
 * A number is claimed on one counter document (`settings` `volunteerNumbers`): one atomic update
 * adds 1 to `next` and appends the claimant's openid to `recent` (the last RECENT_WINDOW claims),
 * guarded by the openid not being there yet (a second tap of the same person claims nothing). The
 * claimant then reads the counter: their number is `next` minus how many were appended after
 * them. The volunteer document follows with that number (`_id` = openid, unique `volunteerNo`).
 * Numbers stay consecutive, and a crowd of first-timers costs each of them the same three round
 * trips (claim, read, add): an update applies to one document one at a time, so nobody loses a
 * round and tries again. A call that dies between its claim and its add leaves the number to the
 * person's next call (their openid is still in `recent`). A counter missing (a new database, or
 * one numbered before the counter existed) starts at the highest number taken.
 *
 * Issue #15: the person's volunteer document, the counter and the highest number are read in one
 * round trip (`volunteerParts`, with the caller for a `withFirstRead` action). Knowing `next`, a
 * newcomer claims with the same update guarded also by `next` being what was read: applied, their
 * number is `next + 1` with no read (read, claim, add: 3 round trips with the caller's read). Not
 * applied (someone claimed meanwhile), the claim above follows (2 more); the guard keeps every
 * claim one `inc` and one `push`, so the two kinds of claim mix safely.
 */
import type { MemberCode } from '../../contracts/activities'
import { clock } from '../core/clock'
import { db, isDuplicateKey } from '../core/db'
import { conflict, errorText } from '../core/errors'
import type { FirstReadContext } from '../core/function'
import { loadCaller, type Caller } from '../core/identity'
import { findById } from '../core/records'
import { readTogether, type Part } from '../core/together'
import { VOLUNTEERS, type VolunteerDoc } from './model'
import { memberCodeFor } from './tokens'
import { qrDataUrl } from './util'

export const volunteerPrefix = () => (process.env.HONGLIN_VOLUNTEER_PREFIX || 'SFQ').toUpperCase()
export const formatVolunteerNo = (sequence: number) => `${volunteerPrefix()}${String(sequence).padStart(6, '0')}`

/** The counter of volunteer numbers: a document of `settings`. */
const SETTINGS = 'settings'
const COUNTER_ID = 'volunteerNumbers'
/** Claims the counter remembers (a claimant finds theirs among them right after claiming). */
const RECENT_WINDOW = 200
/** Claims one call makes before it gives up (each further one follows a number taken elsewhere). */
const MAX_CLAIMS = 5

export interface CounterDoc {
  _id: string
  /** The highest sequence claimed. */
  next: number
  /** The openids of the last RECENT_WINDOW claims, in order (the last is `next`'s). */
  recent: string[]
}

interface Person {
  openid: string
  name?: string
  communityId?: string
  /** The name and community came from the person's users document (none read again when missing). */
  fromUser?: boolean
  /** A newcomer's ranking choice (off unless given). */
  rankingOptIn?: boolean
}

/**
 * What one read found for a person's number (see `volunteerParts`): their volunteer document, the
 * counter, and the highest number given (used only when the counter does not exist yet).
 */
export interface VolunteerPrior {
  volunteer: VolunteerDoc | null
  counter: CounterDoc | null
  top: number
}

/**
 * The parts of a combined read (server/core/together.ts) that `priorOf` turns into a VolunteerPrior:
 * read with the caller (`readWithCaller`) they cost no round trip of their own, and a newcomer's
 * number then takes one conditional update (`claimWithPrior`) instead of an update and a read.
 */
export function volunteerParts(openid: string): Record<'volunteer' | 'counter' | 'topNumber', Part> {
  return {
    volunteer: { collection: VOLUNTEERS, build: (p) => p.match({ _id: openid }).limit(1) },
    counter: { collection: SETTINGS, build: (p) => p.match({ _id: COUNTER_ID }).limit(1) },
    topNumber: { collection: VOLUNTEERS, build: (p) => p.sort({ volunteerNo: -1 }).limit(1).project({ volunteerNo: 1 }) }
  }
}

export function priorOf(docs: { volunteer: Record<string, any>[]; counter: Record<string, any>[]; topNumber: Record<string, any>[] }): VolunteerPrior {
  return {
    volunteer: (docs.volunteer[0] as VolunteerDoc | undefined) ?? null,
    counter: (docs.counter[0] as CounterDoc | undefined) ?? null,
    top: sequenceOf((docs.topNumber[0] as Pick<VolunteerDoc, 'volunteerNo'> | undefined)?.volunteerNo)
  }
}

/** The person's volunteer record, creating it (with the next number) on first need. */
export async function ensureVolunteer(person: Person): Promise<VolunteerDoc> {
  // Nearly always there already: the number is claimed only for a newcomer (whose claim then
  // needs no read of the counter: it came with this one).
  const prior = priorOf(await readTogether(volunteerParts(person.openid)))
  return prior.volunteer ?? addVolunteer(person, prior)
}

/**
 * A newcomer's volunteer document, with the next number (the caller found none); the person's own
 * when another of their calls added it meanwhile. With `prior` (the counter as read a moment ago)
 * the number usually takes one round trip. `assumeOwn`: when another call of the person's added the
 * document meanwhile, it carries the same number (claimed under the same key), so it is not read
 * again — for a caller that needs only the number (its name or ranking choice may differ).
 */
export async function addVolunteer(person: Person, prior?: VolunteerPrior, options: { assumeOwn?: boolean } = {}): Promise<VolunteerDoc> {
  let name = person.name
  let communityId = person.communityId
  if (!name && !person.fromUser) {
    const user = (await loadCaller(person.openid)).user
    name = user?.profile?.name
    communityId = communityId ?? user?.profile?.communityId
  }
  for (let round = 0; round < MAX_CLAIMS; round++) {
    // A further round's claim needs a key of its own (the first is still in `recent`).
    const key = round === 0 ? person.openid : `${person.openid}#${round}`
    const sequence = round === 0 && prior ? await claimWithPrior(key, prior) : await claimNumber(key)
    const doc: VolunteerDoc = {
      _id: person.openid,
      volunteerNo: formatVolunteerNo(sequence),
      name: name || '志愿者',
      ...(communityId ? { communityId } : {}),
      // In the ranking by name only once they opt in (ranking.ts).
      rankingOptIn: person.rankingOptIn === true,
      createdAt: clock.date()
    }
    try {
      await db().collection(VOLUNTEERS).add({ data: doc })
      return doc
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
      // The person got a number meanwhile (another of their calls): that one is theirs.
      if (/index: _id_/.test(errorText(error))) {
        if (round === 0 && options.assumeOwn) return doc
        const mine = await findById<VolunteerDoc>(VOLUNTEERS, person.openid)
        if (mine) return mine
      }
      // Otherwise the number was given outside the counter (written directly): claim another.
    }
  }
  throw conflict('操作的人较多，请稍后重试')
}

/**
 * The person's sequence from the counter as read a moment ago: theirs when their key is among its
 * `recent` claims already (a call of theirs claimed it and died before its add), else claimed with
 * one update guarded by `next` being what was read (an update applies to one document at a time:
 * only one claimant of `next + 1` finds its update applied). A counter that moved meanwhile: the
 * claim that always succeeds (claimNumber: it also finds a claim another call of the person's made
 * meanwhile). No counter yet: started at the highest number read.
 */
async function claimWithPrior(key: string, prior: VolunteerPrior): Promise<number> {
  const _ = db().command
  const counters = db().collection(SETTINGS)
  const counter = prior.counter
  if (!counter) {
    const start: CounterDoc = { _id: COUNTER_ID, next: prior.top + 1, recent: [key] }
    try {
      await counters.add({ data: start })
      return start.next
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
      return claimNumber(key)
    }
  }
  const own = sequenceIn(counter, key)
  if (own !== undefined) return own
  const res = await counters
    .where({ _id: COUNTER_ID, next: counter.next, recent: _.neq(key) })
    .update({ data: { next: _.inc(1), recent: _.push({ each: [key], slice: -RECENT_WINDOW }) } })
  if (res.stats.updated === 1) return counter.next + 1
  return claimNumber(key)
}

/** The sequence `key` claimed, when it is among the counter's recent claims. */
function sequenceIn(counter: CounterDoc, key: string): number | undefined {
  const at = counter.recent.lastIndexOf(key)
  return at >= 0 ? counter.next - (counter.recent.length - 1 - at) : undefined
}

/**
 * The person's sequence: claimed on the counter (see the header), or the one they claimed a moment
 * ago (still in `recent`). Two round trips; the first claim ever starts the counter.
 */
async function claimNumber(key: string): Promise<number> {
  const _ = db().command
  const counters = db().collection(SETTINGS)
  for (let round = 0; round < 3; round++) {
    await counters
      .where({ _id: COUNTER_ID, recent: _.neq(key) })
      .update({ data: { next: _.inc(1), recent: _.push({ each: [key], slice: -RECENT_WINDOW }) } })
    const counter = await findById<CounterDoc>(SETTINGS, COUNTER_ID)
    if (!counter) {
      // The first claim starts the counter, holding it; another first claim at the same instant: claim again.
      const start: CounterDoc = { _id: COUNTER_ID, next: (await highestNumber()) + 1, recent: [key] }
      try {
        await counters.add({ data: start })
        return start.next
      } catch (error) {
        if (!isDuplicateKey(error)) throw error
        continue
      }
    }
    const own = sequenceIn(counter, key)
    if (own !== undefined) return own
  }
  throw conflict('操作的人较多，请稍后重试')
}

/** The sequence of the highest volunteer number given (0 before the first). */
async function highestNumber(): Promise<number> {
  const res = await db().collection(VOLUNTEERS).orderBy('volunteerNo', 'desc').limit(1).field({ volunteerNo: true }).get()
  return sequenceOf((res.data[0] as Pick<VolunteerDoc, 'volunteerNo'> | undefined)?.volunteerNo)
}

/** The sequence of a volunteer number (0 for none). */
function sequenceOf(volunteerNo: string | undefined): number {
  const sequence = volunteerNo ? Number(volunteerNo.slice(volunteerPrefix().length)) : 0
  return Number.isFinite(sequence) ? sequence : 0
}

export const callerPerson = (caller: Caller): Person => ({
  openid: caller.openid,
  name: caller.user?.profile?.name,
  communityId: caller.user?.profile?.communityId,
  fromUser: true
})

/**
 * The caller's personal code. The caller comes with the one read of their volunteer record (and,
 * for a newcomer, the counter): 1 round trip, a newcomer's 3 (read, claim, add).
 */
export async function myMemberCode(ctx: FirstReadContext): Promise<MemberCode> {
  const { caller, docs } = await ctx.readWithCaller(volunteerParts(ctx.openid))
  const prior = priorOf(docs as Parameters<typeof priorOf>[0])
  const volunteer = prior.volunteer ?? (await addVolunteer(callerPerson(caller), prior, { assumeOwn: true }))
  const memberCode = memberCodeFor(volunteer.volunteerNo)
  return { volunteerNo: volunteer.volunteerNo, name: caller.user?.profile?.name || volunteer.name, memberCode, qr: await qrDataUrl(memberCode) }
}
