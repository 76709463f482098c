import { CONSENT_PURPOSES } from '../../contracts/privacy'
import type { Role } from '../../contracts/roles'
import type { DeleteAccountOutput } from '../../contracts/users'
import { ACTIVITIES, SIGNUPS, type ActivityDoc, type SignUpDoc } from '../activities/model'
import { releaseSignUp } from '../activities/signups'
import { endBooking } from '../centers/lifecycle'
import type { BookingDoc } from '../centers/model'
import { audit } from '../core/audit'
import { clock } from '../core/clock'
import { consentStates, recordWithdrawal } from '../core/consents'
import { db } from '../core/db'
import { conflict } from '../core/errors'
import type { Caller } from '../core/identity'
import { txGet } from '../core/records'
import { transaction } from '../core/transaction'
import { TEAM_MEMBERS, TEAMS, type TeamDoc, type TeamMemberDoc } from '../teams/teams'
import { applyWithdrawal } from './withdrawConsent'

/** What a deleted person's name becomes wherever their records are kept. */
export const DELETED_NAME = '已注销用户'

/** Roles given by the district or a community: taken away by them first (they are others' work). */
const STAFF_ROLES: readonly Role[] = ['staff', 'district_admin', 'property_staff', 'committee']

const PAGE = 100
/** How a line of `applyWithdrawal` says there was nothing of that kind. */
const NOTHING = '没有'

/**
 * 注销账号 (个人信息保护法 第四十七条). Refused while the person holds a staff role (the district
 * admin removes it first: staff accounts carry their community's work). Otherwise, in this order —
 * every step idempotent, so a deletion interrupted anywhere is finished by running it again (the
 * `users` document, which holds the roles, goes last, so the staff check keeps holding until then):
 *
 * 1. every consent's effects applied (whatever was recorded: data given before consents were
 *    recorded is erased too), and the active ones recorded as withdrawn;
 * 2. upcoming activity sign-ups withdrawn (their places go to the waiting list);
 * 3. upcoming room bookings cancelled (the centres' own ending: slots and quota freed in its transaction);
 * 4. team memberships ended (as a keeper's removal: status removed, the team's count and leader);
 * 5. the name replaced by 已注销用户 (and copies of the mobile erased) on the records that are kept
 *    — the top-level fields every list and view shows; the history entries inside a record (who
 *    did what, when) keep the name they were written with, as the record's audit trail;
 * 6. the notice subscription deleted, then the `users` document: the same WeChat user arriving
 *    again is a newcomer.
 *
 * Round trips: about 7 waves one after another (consents read; the five purposes' effects, in
 * parallel; the withdrawals recorded; sign-ups, bookings and teams in parallel — each booking's
 * cancellation a transaction of its own, one after another; the erasure, 9 updates at once; the
 * account and the audit entry). ~65 requests for a member with a year of activity (tests: privacy).
 *
 * Kept, on purpose: verified service records (志愿服务记录, which 《志愿服务条例》 has the
 * organisation keep, and which issued certificates are verified against) with the name they were
 * verified under, issued certificates (their QR is verified publicly), and the community's case
 * records — problem reports, wishes, bookings, registrations — whose contents and counts the
 * district's statistics and 我为群众办实事 ledger rest on (without name or number). The consent
 * records stay as the proof that the processing was lawful (server/core/consents.ts).
 */
export async function deleteAccount(caller: Caller): Promise<DeleteAccountOutput> {
  if (caller.roles.some((r) => STAFF_ROLES.includes(r))) throw conflict('您有工作人员身份，请先由区级管理员解除后再注销')
  const openid = caller.openid
  const _ = db().command

  // 1. Consents: the effects of all five, then the withdrawals of those in force.
  const states = await consentStates(openid)
  const effects = await Promise.all(CONSENT_PURPOSES.map((purpose) => applyWithdrawal(caller, purpose)))
  const active = states.filter((s) => s.active)
  await Promise.all(active.map((s) => recordWithdrawal(openid, s.purpose, 'users.deleteAccount')))

  // 2–4. Upcoming sign-ups, upcoming bookings, teams (independent of one another).
  const [signUps, bookings, teams] = await Promise.all([withdrawUpcomingSignUps(openid), cancelUpcomingBookings(caller), leaveTeams(caller)])

  // 5. The name on what is kept.
  const erased = await Promise.all([
    db().collection('tickets').where({ reporterOpenid: openid }).update({ data: { reporterName: DELETED_NAME, showName: false } }),
    db().collection('wishes').where({ residentOpenid: openid }).update({ data: { residentName: DELETED_NAME, showName: false } }),
    db().collection('wishes').where({ memberOpenid: openid }).update({ data: { memberName: DELETED_NAME } }),
    db().collection('bookings').where({ openid }).update({ data: { bookerName: DELETED_NAME } }),
    db().collection('registrations').where({ openid }).update({ data: { name: DELETED_NAME } }),
    // A member's sign-ups carry a copy of their mobile (a registered volunteer's went with step 1).
    db().collection('activitySignups').where({ openid }).update({ data: { name: DELETED_NAME, mobile: _.remove() } }),
    db().collection('teamMembers').where({ openid }).update({ data: { name: DELETED_NAME } }),
    db().collection('volunteers').where({ _id: openid }).update({ data: { name: DELETED_NAME, rankingOptIn: false, identity: _.remove() } }),
    // 6a. The notice subscription (with the erasure: nothing depends on it).
    db().collection('noticeSubscriptions').where({ _id: openid }).remove()
  ])
  const renamed = erased.slice(0, -1).reduce((n, r) => n + (r as { stats: { updated: number } }).stats.updated, 0)

  // 6b. The account itself, last; the audit entry with it — the actor without a name: the log
  // must not keep what was just erased.
  const [removedUser] = await Promise.all([
    db().collection('users').where({ _id: openid }).remove(),
    audit(
      { ...caller, user: null },
      { action: 'users.deleteAccount', target: { collection: 'users', id: openid }, detail: { consentsWithdrawn: active.map((s) => s.purpose), signUps, bookings, teams, renamed } }
    )
  ])

  const removed = [
    ...effects.flat().filter((line) => !line.startsWith(NOTHING)),
    active.length ? `撤回了 ${active.length} 项同意` : '',
    signUps ? `取消了 ${signUps} 个尚未开始的活动报名` : '',
    bookings ? `取消了 ${bookings} 个尚未开始的场地预约` : '',
    teams ? `退出了 ${teams} 支队伍` : '',
    renamed ? `${renamed} 条保留的记录上的姓名已改为「${DELETED_NAME}」` : '',
    removedUser.stats.removed ? '账号（身份、姓名、手机号、住址）和通知订阅已删除' : '账号已删除'
  ].filter(Boolean)
  const kept = [
    '已认定的志愿服务记录和已出具的证明依法保留（《志愿服务条例》），证明仍可查验真伪',
    '问题反映、心愿、预约和报到的内容保留为社区办事记录和统计数据，不再含您的姓名和手机号',
    '同意与撤回的记录保留，用于证明此前的处理合法'
  ]
  return { removed, kept }
}

/** Withdraws every sign-up of an activity that has not started (any kind); returns how many. */
async function withdrawUpcomingSignUps(openid: string): Promise<number> {
  const _ = db().command
  const res = await db()
    .collection(SIGNUPS)
    .where({ openid, status: _.in(['confirmed', 'waiting']) })
    .limit(PAGE)
    .field({ activityId: true })
    .get()
  const activityIds = (res.data as Pick<SignUpDoc, 'activityId'>[]).map((s) => s.activityId)
  if (activityIds.length === 0) return 0
  const upcoming = await db()
    .collection(ACTIVITIES)
    .where({ _id: _.in(activityIds), status: 'published', start: _.gt(clock.date()) })
    .limit(PAGE)
    .field({ _id: true })
    .get()
  // Each is its own activity: they do not conflict with one another. One checked in (or cancelled)
  // meanwhile stays as it is.
  const results = await Promise.allSettled((upcoming.data as Pick<ActivityDoc, '_id'>[]).map((a) => releaseSignUp(a._id, openid, { kind: 'registrationEnded' })))
  return results.filter((r) => r.status === 'fulfilled' && r.value.released).length
}

/** Cancels the person's bookings that hold slots and have not started; returns how many. */
async function cancelUpcomingBookings(caller: Caller): Promise<number> {
  const _ = db().command
  const res = await db()
    .collection('bookings')
    .where({ openid: caller.openid, status: _.in(['pending', 'confirmed']), start: _.gt(clock.date()) })
    .limit(PAGE)
    .field({ _id: true })
    .get()
  let cancelled = 0
  // One after another: bookings of one room and week share a quota document.
  for (const b of res.data as Pick<BookingDoc, '_id'>[]) {
    const ended = await endBooking(b._id, { status: 'cancelled', action: 'cancelled', actor: caller.openid, reason: '预约人注销账号', from: ['pending', 'confirmed'] })
    if (ended) cancelled++
  }
  return cancelled
}

/**
 * Ends the person's active team memberships, as a keeper's removal does (server/teams/teams.ts
 * `removeMember`, which needs a keeper): the membership `removed` with a history entry, the team's
 * count down and its leader cleared when it was them — one transaction per team.
 */
async function leaveTeams(caller: Caller): Promise<number> {
  const res = await db().collection(TEAM_MEMBERS).where({ openid: caller.openid, status: 'active' }).limit(PAGE).get()
  const memberships = res.data as TeamMemberDoc[]
  const left = await Promise.all(
    memberships.map((m) =>
      transaction(async (tx) => {
        const member = await txGet<TeamMemberDoc>(tx, TEAM_MEMBERS, m._id)
        if (!member || member.status !== 'active') return false
        const team = await txGet<TeamDoc>(tx, TEAMS, member.teamId)
        const now = clock.date()
        const entry = { at: now, by: caller.openid, action: '注销账号，退出队伍' }
        await tx
          .collection(TEAM_MEMBERS)
          .doc(m._id)
          .update({ data: { status: 'removed', history: [...(member.history ?? []), entry] } })
        if (team) {
          const _ = db().command
          const data: Record<string, unknown> = { memberCount: Math.max(0, (team.memberCount ?? 1) - 1), updatedAt: now }
          if (team.leaderOpenid === caller.openid) {
            data.leaderOpenid = _.remove()
            data.leaderName = _.remove()
          }
          await tx.collection(TEAMS).doc(team._id).update({ data })
        }
        return true
      })
    )
  )
  return left.filter(Boolean).length
}
