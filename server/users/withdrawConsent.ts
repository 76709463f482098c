import { CONSENT_PURPOSE_TEXT, PRIVACY_POLICY_VERSION, type ConsentPurpose } from '../../contracts/privacy'
import type { WithdrawConsentOutput } from '../../contracts/users'
import { endVolunteerRegistration } from '../activities/volunteerRegistration'
import { clock } from '../core/clock'
import { consentEventsPart, recordWithdrawal, statesOf, type ConsentEvent } from '../core/consents'
import { db } from '../core/db'
import { conflict } from '../core/errors'
import type { FirstReadContext } from '../core/function'
import type { Caller } from '../core/identity'
import { withdrawRegistration, type KnownReads, type WithdrawOptions } from '../members/withdraw'
import { REGISTRATIONS, type RegistrationRecord } from '../members/model'
import { ACTIVITIES, RECORDS, SIGNUPS, type ActivityDoc, type SignUpDoc } from '../activities/model'
import { releaseViewOfJoined, type ReleaseView } from '../activities/signups'
import type { Part } from '../core/together'

/**
 * What withdrawing one purpose stops (CONSENT_PURPOSE_TEXT[purpose].stops), applied now. Every
 * step is idempotent (a guarded or unconditional update to the same end state), so a withdrawal
 * interrupted halfway, or run again by `deleteAccount`, finishes the job. Returns the lines shown
 * to the person (Chinese); a line starting with 没有 says there was nothing of that kind.
 */
export async function applyWithdrawal(
  caller: Caller,
  purpose: ConsentPurpose,
  held?: Record<string, Record<string, unknown>[]>,
  known?: KnownReads,
  /** eraseNow: every copy erased during the call (users.deleteAccount), none left to the activities timer. */
  options: WithdrawOptions = {}
): Promise<string[]> {
  const openid = caller.openid
  const _ = db().command
  // With `held` (holdsDataParts read just before), a collection found holding nothing is not updated.
  const none = (key: string) => held !== undefined && !((held[key]?.[0]?.n as number | undefined) ?? 0)
  const skipped = { stats: { updated: 0 } }
  switch (purpose) {
    case 'registration': {
      const { ended, memberRoleRemoved, erased, signUpMobiles, withdrawnSignUps, erasing, signUpMobilesErasing } = await withdrawRegistration(caller, known, options)
      const done = [ended > 0 ? `结束了 ${ended} 条报到` : '没有进行中的报到']
      if (erased > 0) done.push(`删除了 ${erased} 条报到登记中的手机号、工作单位和特长`)
      // The copies left to the activities timer (members/withdraw.ts `pendingErasure`), counted by the first read.
      if (erasing > 0) done.push(`${erased > 0 ? '另有 ' : ''}${erasing} 条报到登记中的手机号、工作单位和特长将在一分钟内删除`)
      if (memberRoleRemoved) done.push('已取消在职党员身份')
      if (signUpMobiles > 0) done.push(`删除了 ${signUpMobiles} 个活动报名中的手机号`)
      if (signUpMobilesErasing > 0) done.push(`${signUpMobilesErasing} 个活动报名中的手机号将在一分钟内删除`)
      if (withdrawnSignUps > 0) done.push(`取消了 ${withdrawnSignUps} 个尚未开始的活动报名`)
      return done
    }
    case 'volunteer': {
      const registered = Boolean(caller.user?.volunteerSince)
      const { withdrawnSignUps, mobileErased } = await endVolunteerRegistration(caller, known)
      return [
        registered ? (mobileErased ? '志愿者登记已结束，登记的手机号已删除' : '志愿者登记已结束') : '没有志愿者登记',
        withdrawnSignUps > 0 ? `取消了 ${withdrawnSignUps} 个尚未开始的活动报名` : '没有需要取消的活动报名'
      ]
    }
    case 'identity': {
      // Issued certificates keep their masked number (CERTIFICATES): it is how they are verified.
      const res = none('volunteers') ? skipped : await db().collection('volunteers').where({ _id: openid, identity: _.exists(true) }).update({ data: { identity: _.remove() } })
      return [res.stats.updated > 0 ? '保存的证件信息已删除' : '没有保存的证件信息']
    }
    case 'contact': {
      // One update per collection: every document of the person, whatever its number.
      const [tickets, wishes, bookings] = await Promise.all([
        none('tickets') ? skipped : db().collection('tickets').where({ reporterOpenid: openid, reporterMobile: _.neq(null) }).update({ data: { reporterMobile: null } }),
        none('wishes') ? skipped : db().collection('wishes').where({ residentOpenid: openid, residentMobile: _.neq(null) }).update({ data: { residentMobile: null } }),
        // neq(null): a booking may hold `bookerMobile: null` (exists, but no number): not counted.
        none('bookings') ? skipped : db().collection('bookings').where({ openid, bookerMobile: _.neq(null) }).update({ data: { bookerMobile: _.remove() } })
      ])
      const [t, w, b] = [tickets.stats.updated, wishes.stats.updated, bookings.stats.updated]
      return [t + w + b > 0 ? `删除了 ${t} 条问题反映、${w} 个心愿和 ${b} 个预约中的手机号` : '没有需要删除的联系手机号']
    }
    case 'ranking': {
      const res = none('volunteers') ? skipped : await db().collection('volunteers').where({ _id: openid, rankingOptIn: true }).update({ data: { rankingOptIn: false } })
      return [res.stats.updated > 0 ? '排行榜上将显示为匿名志愿者' : '没有在排行榜上显示姓名']
    }
  }
}

/**
 * Whether the person holds data the purpose covers (whatever the consent records say): data given
 * before consents were recorded, or whose consent write failed, must be withdrawable too. The
 * counts it needs, as parts of one combined read (the registration's and the volunteer's are read
 * from the caller); `holdsData` decides from their results.
 */
export function holdsDataParts(openid: string, purpose: ConsentPurpose): Record<string, Part> {
  const _ = db().command
  const some = (collection: string, where: Record<string, unknown>): Part => ({ collection, build: (p) => p.match(where).limit(1).count('n') })
  switch (purpose) {
    case 'registration':
      // The role (holdsData), an active registration, or any registration still carrying a number.
      return { registrations: some('registrations', { openid, mobile: _.nin(['', null]) }) }
    case 'volunteer':
      return {}
    case 'identity':
      return { volunteers: some('volunteers', { _id: openid, identity: _.exists(true) }) }
    case 'contact':
      return {
        tickets: some('tickets', { reporterOpenid: openid, reporterMobile: _.neq(null) }),
        wishes: some('wishes', { residentOpenid: openid, residentMobile: _.neq(null) }),
        bookings: some('bookings', { openid, bookerMobile: _.neq(null) })
      }
    case 'ranking':
      return { volunteers: some('volunteers', { _id: openid, rankingOptIn: true }) }
  }
}

function holdsData(caller: Caller, purpose: ConsentPurpose, found: Record<string, Record<string, unknown>[]>, keys: string[]): boolean {
  if (purpose === 'registration' && caller.roles.includes('member')) return true
  if (purpose === 'volunteer') return Boolean(caller.user?.volunteerSince)
  return keys.some((key) => ((found[key]?.[0]?.n as number | undefined) ?? 0) > 0)
}

/**
 * 撤回同意 (个人信息保护法 第十五条). Allowed when the purpose is in force (given and not withdrawn
 * since) or, without an active consent record, when the person holds data the purpose covers
 * (`holdsDataOf`: data from before consents were recorded, or a consent write that failed); with
 * neither: CONFLICT and nothing changes. What the withdrawal stops is applied first, then the
 * withdrawal recorded — interrupted between the two, the consent is still in force (or the data
 * still there) and the person (or a retry) withdraws again, which repeats the idempotent steps and
 * records it. Without a recorded consent the reply's `givenAt` is the withdrawal's time (there is
 * no record of when it was given).
 *
 * Round trips (no rate limit: PIPL art. 15, withdrawal must be convenient; it acts only on the
 * caller's own data): ONE combined read (the caller, consents, holdings, registrations, held
 * sign-ups), what the purpose stops (registration, a member: the registration, the account, the
 * upcoming sign-ups' withdrawals — the older registrations' and past sign-ups' copies are left to
 * the activities timer, members/withdraw.ts `pendingErasure`, and the reply says so), the record:
 * at most 7 in the tests; nothing in force is CONFLICT after the read.
 */
export async function withdrawConsent(ctx: FirstReadContext, input: { purpose: ConsentPurpose }): Promise<WithdrawConsentOutput> {
  const { purpose } = input
  const text = CONSENT_PURPOSE_TEXT[purpose]
  // The caller, their consent events, what they hold and what the withdrawal will change, in one
  // combined read (the holdings are only looked at without an active consent).
  const openid = ctx.openid
  const holds = holdsDataParts(openid, purpose)
  const { caller, docs: found } = await ctx.readWithCaller({ ...holds, ...withdrawalParts(openid, purpose), consents: consentEventsPart(openid) })
  const state = statesOf(found.consents as ConsentEvent[]).find((s) => s.purpose === purpose)
  if (!state?.active && !holdsData(caller, purpose, found, Object.keys(holds))) {
    if (!state) throw conflict(`您没有同意过「${text.label}」，无需撤回`)
    throw conflict(`您已撤回「${text.label}」的同意，无需再次撤回`)
  }
  const done = await applyWithdrawal(caller, purpose, found, knownReads(purpose, found))
  await recordWithdrawal(caller.openid, purpose, 'users.withdrawConsent')
  const now = clock.date().toISOString()
  const consent = state ? { ...state, active: false, withdrawnAt: now } : { purpose, active: false, policyVersion: PRIVACY_POLICY_VERSION, givenAt: now, withdrawnAt: now }
  return { purpose, done, consent }
}

/** Upcoming sign-ups read with the caller; a full page is read again page by page (withdrawUpcoming). */
const UPCOMING_PAGE = 100
const MAX_REGISTRATIONS = 100

/**
 * What ending a registration reads (members/withdraw.ts, volunteerRegistration.ts), as parts of the
 * first read: the registrations, the sign-ups still held with their activities, and the numbers
 * the sign-ups carry.
 */
function withdrawalParts(openid: string, purpose: ConsentPurpose): Record<string, Part> {
  if (purpose !== 'registration' && purpose !== 'volunteer') return {}
  const _ = db().command
  const parts: Record<string, Part> = {
    held: {
      collection: SIGNUPS,
      build: (p) =>
        p
          .match({ openid, status: _.in(['confirmed', 'waiting']) })
          .limit(UPCOMING_PAGE)
          // The whole sign-up, its activity and its service record: what its release reads (releaseViewOfJoined).
          .lookup({ from: ACTIVITIES, localField: 'activityId', foreignField: '_id', as: 'activity' })
          .lookup({ from: RECORDS, localField: '_id', foreignField: '_id', as: 'record' })
    },
    // Each number with how many sign-ups carry it (all of them on sign-ups withdrawn now: erased by those withdrawals).
    signUpMobiles: { collection: SIGNUPS, build: (p) => p.match({ openid, mobile: _.nin(['', null]) }).group({ _id: '$mobile', n: _.aggregate.sum(1) }).limit(1000) }
  }
  if (purpose === 'registration') parts.ownRegistrations = { collection: REGISTRATIONS, build: (p) => p.match({ openid }).limit(MAX_REGISTRATIONS) }
  return parts
}

function knownReads(purpose: ConsentPurpose, found: Record<string, Record<string, any>[]>): KnownReads | undefined {
  if (purpose !== 'registration' && purpose !== 'volunteer') return undefined
  const now = clock.now()
  const held = found.held as (SignUpDoc & { activity: ActivityDoc[]; record?: { _id: string }[] })[]
  // As withdrawUpcoming: the activity still published and not started.
  const rows = held.filter((s) => s.activity[0]?.status === 'published' && new Date(s.activity[0].start).getTime() > now)
  const upcoming = held.length >= UPCOMING_PAGE ? null : rows.map((s) => s.activityId)
  const views: Record<string, ReleaseView> = Object.fromEntries(rows.map((s) => [s.activityId, releaseViewOfJoined(s)]))
  return {
    views,
    registrations: purpose === 'registration' ? (found.ownRegistrations as RegistrationRecord[]) : undefined,
    upcoming,
    signUpMobileCounts: Object.fromEntries((found.signUpMobiles as { _id: string; n: number }[]).map((g) => [String(g._id), g.n]))
  }
}
