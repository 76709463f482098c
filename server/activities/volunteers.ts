/**
 * Volunteers and their stable numbers.
 *
 * A volunteer number is `<prefix><6-digit sequence>` (prefix `HONGLIN_VOLUNTEER_PREFIX`, default
 * "SFQ" for 示范区), handed out once per person from the `counters` document `volunteerNo` inside
 * a transaction, the first time the person needs one: their first verified service record, or
 * when they open their personal code. It never changes afterwards.
 */
import type { MemberCode } from '../../src/contracts/activities'
import { clock } from '../core/clock'
import { db } from '../core/db'
import { AppError } from '../core/errors'
import { loadCaller, type Caller } from '../core/identity'
import { findById } from '../core/records'
import { COUNTERS, VOLUNTEERS, type VolunteerDoc } from './model'
import { memberCodeFor, readMemberCode } from './tokens'
import { qrDataUrl, txGet } from './util'

export const volunteerPrefix = () => (process.env.HONGLIN_VOLUNTEER_PREFIX || 'SFQ').toUpperCase()
export const formatVolunteerNo = (sequence: number) => `${volunteerPrefix()}${String(sequence).padStart(6, '0')}`

interface Person {
  openid: string
  name?: string
  communityId?: string
}

/** The person's volunteer record, creating it (with the next number) on first need. */
export async function ensureVolunteer(person: Person): Promise<VolunteerDoc> {
  const existing = await findById<VolunteerDoc>(VOLUNTEERS, person.openid)
  if (existing) return existing
  let name = person.name
  let communityId = person.communityId
  if (!name) {
    const user = (await loadCaller(person.openid)).user
    name = user?.profile?.name
    communityId = communityId ?? user?.profile?.communityId
  }
  const created = await db().runTransaction(async (tx) => {
    const again = await txGet<VolunteerDoc>(tx, VOLUNTEERS, person.openid)
    if (again) return again
    const counter = await txGet<{ value: number }>(tx, COUNTERS, 'volunteerNo')
    const next = (counter?.value ?? 0) + 1
    await tx.collection(COUNTERS).doc('volunteerNo').set({ data: { value: next } })
    const doc: VolunteerDoc = {
      _id: person.openid,
      volunteerNo: formatVolunteerNo(next),
      name: name || '志愿者',
      ...(communityId ? { communityId } : {}),
      rankingOptOut: false,
      createdAt: clock.date()
    }
    const { _id, ...data } = doc
    await tx.collection(VOLUNTEERS).doc(_id).set({ data })
    return doc
  }, 10)
  return created
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

export async function setPreferences(caller: Caller, rankingOptOut: boolean): Promise<{ rankingOptOut: boolean }> {
  const volunteer = await ensureVolunteer(callerPerson(caller))
  await db().collection(VOLUNTEERS).doc(volunteer._id).update({ data: { rankingOptOut } })
  return { rankingOptOut }
}
