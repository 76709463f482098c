import { CONSENT_PURPOSE_TEXT, PRIVACY_POLICY_VERSION, type ConsentPurpose } from '../../contracts/privacy'
import type { WithdrawConsentOutput } from '../../contracts/users'
import { endVolunteerRegistration } from '../activities/volunteerRegistration'
import { clock } from '../core/clock'
import { consentStates, recordWithdrawal } from '../core/consents'
import { db } from '../core/db'
import { conflict } from '../core/errors'
import type { Caller } from '../core/identity'
import { withdrawRegistration } from '../members/withdraw'

/**
 * What withdrawing one purpose stops (CONSENT_PURPOSE_TEXT[purpose].stops), applied now. Every
 * step is idempotent (a guarded or unconditional update to the same end state), so a withdrawal
 * interrupted halfway, or run again by `deleteAccount`, finishes the job. Returns the lines shown
 * to the person (Chinese); a line starting with 没有 says there was nothing of that kind.
 */
export async function applyWithdrawal(caller: Caller, purpose: ConsentPurpose): Promise<string[]> {
  const openid = caller.openid
  const _ = db().command
  switch (purpose) {
    case 'registration': {
      const { ended, memberRoleRemoved, erased, signUpMobiles, withdrawnSignUps } = await withdrawRegistration(caller)
      const done = [ended > 0 ? `结束了 ${ended} 条报到` : '没有进行中的报到']
      if (erased > 0) done.push(`删除了 ${erased} 条报到登记中的手机号、工作单位和特长`)
      if (memberRoleRemoved) done.push('已取消在职党员身份')
      if (signUpMobiles > 0) done.push(`删除了 ${signUpMobiles} 个活动报名中的手机号`)
      if (withdrawnSignUps > 0) done.push(`取消了 ${withdrawnSignUps} 个尚未开始的活动报名`)
      return done
    }
    case 'volunteer': {
      const registered = Boolean(caller.user?.volunteerSince)
      const { withdrawnSignUps, mobileErased } = await endVolunteerRegistration(caller)
      return [
        registered ? (mobileErased ? '志愿者登记已结束，登记的手机号已删除' : '志愿者登记已结束') : '没有志愿者登记',
        withdrawnSignUps > 0 ? `取消了 ${withdrawnSignUps} 个尚未开始的活动报名` : '没有需要取消的活动报名'
      ]
    }
    case 'identity': {
      // Issued certificates keep their masked number (CERTIFICATES): it is how they are verified.
      const res = await db().collection('volunteers').where({ _id: openid, identity: _.exists(true) }).update({ data: { identity: _.remove() } })
      return [res.stats.updated > 0 ? '保存的证件信息已删除' : '没有保存的证件信息']
    }
    case 'contact': {
      // One update per collection: every document of the person, whatever its number.
      const [tickets, wishes, bookings] = await Promise.all([
        db().collection('tickets').where({ reporterOpenid: openid, reporterMobile: _.neq(null) }).update({ data: { reporterMobile: null } }),
        db().collection('wishes').where({ residentOpenid: openid, residentMobile: _.neq(null) }).update({ data: { residentMobile: null } }),
        // neq(null): a booking may hold `bookerMobile: null` (exists, but no number): not counted.
        db().collection('bookings').where({ openid, bookerMobile: _.neq(null) }).update({ data: { bookerMobile: _.remove() } })
      ])
      const [t, w, b] = [tickets.stats.updated, wishes.stats.updated, bookings.stats.updated]
      return [t + w + b > 0 ? `删除了 ${t} 条问题反映、${w} 个心愿和 ${b} 个预约中的手机号` : '没有需要删除的联系手机号']
    }
    case 'ranking': {
      const res = await db().collection('volunteers').where({ _id: openid, rankingOptIn: true }).update({ data: { rankingOptIn: false } })
      return [res.stats.updated > 0 ? '排行榜上将显示为匿名志愿者' : '没有在排行榜上显示姓名']
    }
  }
}

/**
 * Whether the person holds data the purpose covers (whatever the consent records say): data given
 * before consents were recorded, or whose consent write failed, must be withdrawable too. One
 * parallel wave of counts (the registration's and the volunteer's are read from the caller).
 */
export async function holdsDataOf(caller: Caller, purpose: ConsentPurpose): Promise<boolean> {
  const openid = caller.openid
  const _ = db().command
  const some = (collection: string, where: Record<string, unknown>) =>
    db()
      .collection(collection)
      .where(where)
      .count()
      .then((r) => r.total > 0)
  switch (purpose) {
    case 'registration':
      // The role, an active registration, or any registration still carrying a number.
      return caller.roles.includes('member') || some('registrations', { openid, mobile: _.nin(['', null]) })
    case 'volunteer':
      return Boolean(caller.user?.volunteerSince)
    case 'identity':
      return some('volunteers', { _id: openid, identity: _.exists(true) })
    case 'contact': {
      const found = await Promise.all([
        some('tickets', { reporterOpenid: openid, reporterMobile: _.neq(null) }),
        some('wishes', { residentOpenid: openid, residentMobile: _.neq(null) }),
        some('bookings', { openid, bookerMobile: _.neq(null) })
      ])
      return found.some(Boolean)
    }
    case 'ranking':
      return some('volunteers', { _id: openid, rankingOptIn: true })
  }
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
 */
export async function withdrawConsent(caller: Caller, input: { purpose: ConsentPurpose }): Promise<WithdrawConsentOutput> {
  const { purpose } = input
  const text = CONSENT_PURPOSE_TEXT[purpose]
  const state = (await consentStates(caller.openid)).find((s) => s.purpose === purpose)
  if (!state?.active && !(await holdsDataOf(caller, purpose))) {
    if (!state) throw conflict(`您没有同意过「${text.label}」，无需撤回`)
    throw conflict(`您已撤回「${text.label}」的同意，无需再次撤回`)
  }
  const done = await applyWithdrawal(caller, purpose)
  await recordWithdrawal(caller.openid, purpose, 'users.withdrawConsent')
  const now = clock.date().toISOString()
  const consent = state ? { ...state, active: false, withdrawnAt: now } : { purpose, active: false, policyVersion: PRIVACY_POLICY_VERSION, givenAt: now, withdrawnAt: now }
  return { purpose, done, consent }
}
