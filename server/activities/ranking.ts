/** The per-community volunteer ranking (opt-in by name) and the volunteer's choice to appear in it. */
import { z } from '../../contracts/zod'
import type { Ranking, rankingInput } from '../../contracts/activities'
import { VERIFIED_STATUSES } from '../../contracts/activities'
import { recordConsent, recordWithdrawal } from '../core/consents'
import { db } from '../core/db'
import { invalid } from '../core/errors'
import type { FirstReadContext } from '../core/function'
import { readTogether, type Pipeline } from '../core/together'
import { RECORDS, VOLUNTEERS, type VolunteerDoc } from './model'
import { addVolunteer, callerPerson, priorOf, volunteerParts } from './volunteers'

type RankingInput = z.output<typeof rankingInput>

/**
 * Verified hours per volunteer within one community (the issuer of the records), highest first.
 * Appearing by name is opt-in (个人信息保护法, minimisation): a volunteer is shown by name and
 * number only after turning it on (`setPreferences { rankingOptIn: true }`); everyone else is
 * 匿名志愿者 with no number (their place in the ranking stays, so the ranks stay true).
 *
 * One read with the caller (two when the community is not given: the caller's own community is
 * known only then): the page's rows with their volunteers, the caller's own minutes per community
 * and their choice, and how many volunteers have each total of minutes — from which the total and
 * every rank (1 + those with more minutes) follow without a count of their own.
 */
export async function ranking(ctx: FirstReadContext, input: RankingInput): Promise<Ranking> {
  const _ = db().command
  const $ = _.aggregate
  const verified: Record<string, unknown> = { status: _.in([...VERIFIED_STATUSES]) }
  if (input.year) verified.year = input.year
  const perVolunteer = (p: Pipeline, communityId: string) =>
    p.match({ communityId, ...verified }).group({ _id: '$openid', minutes: $.sum('$verifiedMinutes') })
  const board = (communityId: string) => ({
    community: { collection: 'communities', build: (p: Pipeline) => p.match({ _id: communityId }).limit(1).project({ name: 1 }) },
    // The volunteers (name, number, opt-in) joined to the page's rows.
    rows: {
      collection: RECORDS,
      build: (p: Pipeline) =>
        perVolunteer(p, communityId)
          .sort({ minutes: -1, _id: 1 })
          .skip((input.page - 1) * input.pageSize)
          .limit(input.pageSize)
          .lookup({ from: VOLUNTEERS, localField: '_id', foreignField: '_id', as: 'volunteer' })
    },
    // How many volunteers have each total (one row per distinct total).
    totals: { collection: RECORDS, build: (p: Pipeline) => perVolunteer(p, communityId).group({ _id: '$minutes', n: $.sum(1) }) }
  })
  const own = (openid: string) => ({
    me: { collection: VOLUNTEERS, build: (p: Pipeline) => p.match({ _id: openid }).limit(1).project({ rankingOptIn: 1 }) },
    // The caller's own minutes per community (from their records: with or without a volunteer number).
    mine: { collection: RECORDS, build: (p: Pipeline) => p.match({ openid, ...verified }).group({ _id: '$communityId', minutes: $.sum('$verifiedMinutes') }) }
  })
  const given = input.communityId
  const first = await ctx.readWithCaller<string>({ ...own(ctx.openid), ...(given ? board(given) : {}) })
  const { caller } = first
  const communityId = given ?? caller.user?.profile?.communityId ?? caller.scopes.communityIds[0]
  if (!communityId) throw invalid('请选择社区', ['communityId'])
  const docs = (given ? first.docs : { ...first.docs, ...(await readTogether(board(communityId))) }) as Record<string, Record<string, any>[]>
  const community = docs.community[0] as { name: string } | undefined
  if (!community) throw invalid('社区不存在', ['communityId'])

  const list = docs.rows as { _id: string; minutes: number; volunteer?: VolunteerDoc[] }[]
  const totals = docs.totals as { _id: number; n: number }[]
  const total = totals.reduce((sum, t) => sum + t.n, 0)
  // Equal minutes share a rank (1, 2, 2, 4 …): the rank is 1 + those with more minutes.
  const rankOf = (minutes: number) => 1 + totals.reduce((sum, t) => (t._id > minutes ? sum + t.n : sum), 0)
  const me = docs.me[0] as { rankingOptIn?: boolean } | undefined
  const myMinutes = (docs.mine as { _id: string | null; minutes: number }[]).find((m) => m._id === communityId)?.minutes ?? 0
  const myRank = myMinutes > 0 ? rankOf(myMinutes) : undefined

  const items = list.map((row) => {
    const v = row.volunteer?.[0]
    const anonymous = v?.rankingOptIn !== true
    return {
      rank: rankOf(row.minutes),
      name: anonymous ? '匿名志愿者' : (v?.name ?? '志愿者'),
      anonymous,
      volunteerNo: anonymous ? undefined : v?.volunteerNo,
      minutes: row.minutes,
      isMe: row._id === caller.openid
    }
  })
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

/**
 * Whether the caller appears by name in the ranking (off until they turn it on). The caller comes
 * with the read of their volunteer record: no change costs that one round trip; a change, its
 * consent (or withdrawal) record and the write.
 */
export async function setPreferences(ctx: FirstReadContext, rankingOptIn: boolean): Promise<{ rankingOptIn: boolean }> {
  // Turning it on is a consent, turning it off a withdrawal (no change, no record and no write).
  // The consent is recorded before the name is shown: written together, a failed consent write
  // would never be retried (the next call finds it on and records nothing). A withdrawal goes
  // beside the change: if only it failed, the name is hidden anyway and users.withdrawConsent
  // records it later.
  const { caller, docs } = await ctx.readWithCaller(volunteerParts(ctx.openid))
  const prior = priorOf(docs)
  let volunteer = prior.volunteer
  let consented = false
  if (!volunteer) {
    // Off is where everyone starts: a newcomer turning it off changes nothing (and needs no number yet).
    if (!rankingOptIn) return { rankingOptIn }
    // A newcomer's document is written with the choice (no second write).
    await recordConsent(caller.openid, 'ranking', 'activities.setPreferences')
    consented = true
    volunteer = await addVolunteer({ ...callerPerson(caller), rankingOptIn }, prior)
    // Added meanwhile by another call of theirs, with another choice: changed below.
    if (volunteer.rankingOptIn === true) return { rankingOptIn }
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
