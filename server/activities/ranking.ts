/** The per-community volunteer ranking (opt-in by name) and the volunteer's choice to appear in it. */
import { z } from '../../contracts/zod'
import type { Ranking, rankingInput } from '../../contracts/activities'
import { VERIFIED_STATUSES } from '../../contracts/activities'
import { recordConsent, recordWithdrawal } from '../core/consents'
import { db } from '../core/db'
import { invalid } from '../core/errors'
import type { Caller } from '../core/identity'
import { findById } from '../core/records'
import { RECORDS, VOLUNTEERS, type VolunteerDoc } from './model'
import { addVolunteer, callerPerson } from './volunteers'

type RankingInput = z.output<typeof rankingInput>

/**
 * Verified hours per volunteer within one community (the issuer of the records), highest first.
 * Appearing by name is opt-in (个人信息保护法, minimisation): a volunteer is shown by name and
 * number only after turning it on (`setPreferences { rankingOptIn: true }`); everyone else is
 * 匿名志愿者 with no number (their place in the ranking stays, so the ranks stay true).
 */
export async function ranking(caller: Caller, input: RankingInput): Promise<Ranking> {
  const communityId = input.communityId ?? caller.user?.profile?.communityId ?? caller.scopes.communityIds[0]
  if (!communityId) throw invalid('请选择社区', ['communityId'])
  const community = await findById<{ name: string }>('communities', communityId)
  if (!community) throw invalid('社区不存在', ['communityId'])
  const _ = db().command
  const $ = _.aggregate
  const match: Record<string, unknown> = { communityId, status: _.in([...VERIFIED_STATUSES]) }
  if (input.year) match.year = input.year
  const base = () => db().collection(RECORDS).aggregate().match(match).group({ _id: '$openid', minutes: $.sum('$verifiedMinutes') })

  // The volunteers (name, number, opt-in) joined to the page's rows and to the caller's own row.
  const withVolunteer = { from: VOLUNTEERS, localField: '_id', foreignField: '_id', as: 'volunteer' }
  const [rows, totalRows, mineRows] = await Promise.all([
    base()
      .sort({ minutes: -1, _id: 1 })
      .skip((input.page - 1) * input.pageSize)
      .limit(input.pageSize)
      .lookup(withVolunteer)
      .end(),
    base().count('n').limit(1).end(),
    db()
      .collection(VOLUNTEERS)
      .aggregate()
      .match({ _id: caller.openid })
      .limit(1)
      .lookup({ from: RECORDS, localField: '_id', foreignField: 'openid', as: 'records' })
      .project({ rankingOptIn: 1, 'records.communityId': 1, 'records.status': 1, 'records.year': 1, 'records.verifiedMinutes': 1 })
      .end()
  ])
  const list = rows.list as { _id: string; minutes: number; volunteer?: VolunteerDoc[] }[]
  const total = (totalRows.list[0] as { n?: number } | undefined)?.n ?? 0
  // The caller's own minutes, summed from their records as `match` selects them.
  const me = mineRows.list[0] as { rankingOptIn?: boolean; records?: { communityId?: string | null; status: string; year?: number; verifiedMinutes?: number }[] } | undefined
  const verified = new Set<string>(VERIFIED_STATUSES)
  let myMinutes = (me?.records ?? [])
    .filter((r) => r.communityId === communityId && verified.has(r.status) && (!input.year || r.year === input.year))
    .reduce((sum, r) => sum + (r.verifiedMinutes ?? 0), 0)
  if (!me) {
    // No volunteer record (its number was deferred): the minutes from the records themselves.
    const mine = await db()
      .collection(RECORDS)
      .aggregate()
      .match({ ...match, openid: caller.openid })
      .group({ _id: '$openid', minutes: $.sum('$verifiedMinutes') })
      .limit(1)
      .end()
    myMinutes = (mine.list[0] as { minutes?: number } | undefined)?.minutes ?? 0
  }
  let myRank: number | undefined
  if (myMinutes > 0) {
    const ahead = await base().match({ minutes: _.gt(myMinutes) }).count('n').limit(1).end()
    myRank = ((ahead.list[0] as { n?: number } | undefined)?.n ?? 0) + 1
  }
  const volunteers = new Map<string, VolunteerDoc>()
  for (const row of list) if (row.volunteer?.[0]) volunteers.set(row._id, row.volunteer[0])

  // Equal minutes share a rank (1, 2, 2, 4 …): the rank is 1 + those with more minutes.
  const items = []
  for (let i = 0; i < list.length; i++) {
    const row = list[i]
    let rank = (input.page - 1) * input.pageSize + i + 1
    if (i > 0 && list[i - 1].minutes === row.minutes) rank = items[i - 1].rank
    else if (i === 0 && input.page > 1) {
      const ahead = await base().match({ minutes: _.gt(row.minutes) }).count('n').limit(1).end()
      rank = ((ahead.list[0] as { n?: number } | undefined)?.n ?? 0) + 1
    }
    const v = volunteers.get(row._id)
    const anonymous = v?.rankingOptIn !== true
    items.push({
      rank,
      name: anonymous ? '匿名志愿者' : (v?.name ?? '志愿者'),
      anonymous,
      volunteerNo: anonymous ? undefined : v?.volunteerNo,
      minutes: row.minutes,
      isMe: row._id === caller.openid
    })
  }
  return {
    communityId,
    communityName: community.name,
    items,
    total,
    page: input.page,
    pageSize: input.pageSize,
    me: { rank: myRank, minutes: myMinutes, optIn: me?.rankingOptIn === true }
  }
}

/** Whether the caller appears by name in the ranking (off until they turn it on). */
export async function setPreferences(caller: Caller, rankingOptIn: boolean): Promise<{ rankingOptIn: boolean }> {
  // Turning it on is a consent, turning it off a withdrawal (no change, no record and no write).
  // The consent is recorded before the name is shown: written together, a failed consent write
  // would never be retried (the next call finds it on and records nothing). A withdrawal goes
  // beside the change: if only it failed, the name is hidden anyway and users.withdrawConsent
  // records it later.
  let volunteer = await findById<VolunteerDoc>(VOLUNTEERS, caller.openid)
  let consented = false
  if (!volunteer) {
    // A newcomer's document is written with the choice (no second write).
    if (rankingOptIn) await recordConsent(caller.openid, 'ranking', 'activities.setPreferences')
    consented = rankingOptIn
    volunteer = await addVolunteer({ ...callerPerson(caller), rankingOptIn })
    // Added meanwhile by another call of theirs, with another choice: changed below.
    if ((volunteer.rankingOptIn === true) === rankingOptIn) return { rankingOptIn }
  }
  const wasOn = volunteer.rankingOptIn === true
  if (wasOn === rankingOptIn) return { rankingOptIn }
  const update = () => db().collection(VOLUNTEERS).doc(caller.openid).update({ data: { rankingOptIn } })
  if (rankingOptIn) {
    if (!consented) await recordConsent(caller.openid, 'ranking', 'activities.setPreferences')
    await update()
  } else await Promise.all([update(), recordWithdrawal(caller.openid, 'ranking', 'activities.setPreferences')])
  return { rankingOptIn }
}
