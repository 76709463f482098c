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
 */
import type { MemberCode } from '../../contracts/activities'
import { clock } from '../core/clock'
import { db, isDuplicateKey } from '../core/db'
import { AppError, conflict, errorText } from '../core/errors'
import { loadCaller, type Caller } from '../core/identity'
import { findById } from '../core/records'
import { VOLUNTEERS, type VolunteerDoc } from './model'
import { memberCodeFor, readMemberCode } from './tokens'
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

interface CounterDoc {
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

/** The person's volunteer record, creating it (with the next number) on first need. */
export async function ensureVolunteer(person: Person): Promise<VolunteerDoc> {
  // Nearly always there already: the number is claimed only for a newcomer.
  const existing = await findById<VolunteerDoc>(VOLUNTEERS, person.openid)
  return existing ?? addVolunteer(person)
}

/**
 * A newcomer's volunteer document, with the next number (the caller found none); the person's own
 * when another of their calls added it meanwhile.
 */
export async function addVolunteer(person: Person): Promise<VolunteerDoc> {
  let name = person.name
  let communityId = person.communityId
  if (!name && !person.fromUser) {
    const user = (await loadCaller(person.openid)).user
    name = user?.profile?.name
    communityId = communityId ?? user?.profile?.communityId
  }
  for (let round = 0; round < MAX_CLAIMS; round++) {
    // A further round's claim needs a key of its own (the first is still in `recent`).
    const sequence = await claimNumber(round === 0 ? person.openid : `${person.openid}#${round}`)
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
        const mine = await findById<VolunteerDoc>(VOLUNTEERS, person.openid)
        if (mine) return mine
      }
      // Otherwise the number was given outside the counter (written directly): claim another.
    }
  }
  throw conflict('操作的人较多，请稍后重试')
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
    const at = counter.recent.lastIndexOf(key)
    if (at >= 0) return counter.next - (counter.recent.length - 1 - at)
  }
  throw conflict('操作的人较多，请稍后重试')
}

/** The sequence of the highest volunteer number given (0 before the first). */
async function highestNumber(): Promise<number> {
  const res = await db().collection(VOLUNTEERS).orderBy('volunteerNo', 'desc').limit(1).field({ volunteerNo: true }).get()
  const top = (res.data[0] as Pick<VolunteerDoc, 'volunteerNo'> | undefined)?.volunteerNo
  const sequence = top ? Number(top.slice(volunteerPrefix().length)) : 0
  return Number.isFinite(sequence) ? sequence : 0
}

export const callerPerson = (caller: Caller): Person => ({
  openid: caller.openid,
  name: caller.user?.profile?.name,
  communityId: caller.user?.profile?.communityId,
  fromUser: true
})

/** The volunteer a scanned personal code (or typed volunteer number) stands for. */
export async function volunteerByCode(memberCode: string): Promise<VolunteerDoc> {
  const volunteerNo = readMemberCode(memberCode)
  const res = await db().collection(VOLUNTEERS).where({ volunteerNo }).limit(1).get()
  const volunteer = res.data[0] as VolunteerDoc | undefined
  // An unknown number is treated like a forged code: nothing to act on, and nothing learned.
  if (!volunteer) throw new AppError('FORBIDDEN', '无效的志愿者码，未找到该志愿者')
  return volunteer
}

export async function myMemberCode(caller: Caller): Promise<MemberCode> {
  const volunteer = await ensureVolunteer(callerPerson(caller))
  const memberCode = memberCodeFor(volunteer.volunteerNo)
  return { volunteerNo: volunteer.volunteerNo, name: caller.user?.profile?.name || volunteer.name, memberCode, qr: await qrDataUrl(memberCode) }
}
