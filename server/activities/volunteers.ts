/**
 * Volunteers and their stable numbers.
 *
 * A volunteer number is `<prefix><6-digit sequence>` (prefix `HONGLIN_VOLUNTEER_PREFIX`, default
 * "SFQ" for 示范区), handed out once per person the first time they need one (their first verified
 * service record, or when they open their personal code). It never changes afterwards.
 *
 * A number is claimed by adding the volunteer document itself: its `_id` (the openid) makes it
 * once per person, the unique index on `volunteerNo` once per number. A newcomer starts after the
 * highest number taken and, when someone else added that one first, tries the next. Numbers stay
 * consecutive, and a crowd of first-timers costs one failed insert per number lost, never a
 * transaction on one counter document that every one of them writes.
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

/** Numbers tried by one call before it gives up (each is one insert that someone else won). */
const MAX_CLAIMS = 100

interface Person {
  openid: string
  name?: string
  communityId?: string
}

/** The person's volunteer record, creating it (with the next number) on first need. */
export async function ensureVolunteer(person: Person): Promise<VolunteerDoc> {
  // Nearly always there already: the highest number is read only for a newcomer.
  const existing = await findById<VolunteerDoc>(VOLUNTEERS, person.openid)
  if (existing) return existing
  const highest = await highestNumber()
  let name = person.name
  let communityId = person.communityId
  if (!name) {
    const user = (await loadCaller(person.openid)).user
    name = user?.profile?.name
    communityId = communityId ?? user?.profile?.communityId
  }
  for (let sequence = highest + 1; sequence <= highest + MAX_CLAIMS; sequence++) {
    const doc: VolunteerDoc = {
      _id: person.openid,
      volunteerNo: formatVolunteerNo(sequence),
      name: name || '志愿者',
      ...(communityId ? { communityId } : {}),
      // In the ranking by name only once they opt in (ranking.ts).
      rankingOptIn: false,
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
    }
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
  communityId: caller.user?.profile?.communityId
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
