/**
 * Rate limits as data: the one table of every limited action, keyed `<function>.<action>`. The
 * function shell (server/core/function.ts) looks each call up here and takes one unit of each of
 * its buckets before the handler runs; a bucket used up answers RATE_LIMITED with the row's
 * message and the handler never runs (nothing changes). Actions not in the table (staff work such
 * as notices, reviews, reports) are not limited.
 *
 * Buckets (guarded units in `rateLimits`, server/core/quota.ts — all of one call in 1 round trip,
 * a new minute or day included; the person's first call of an action adds their document):
 * - `perPerson`: per caller openid and window. A public lookup without an openid (only the H5
 *   emulator calls without identity; the mini-program always has one, and the cloud gives
 *   functions no IP) shares one global bucket of `anonymous` per minute instead.
 * - `perCommunity`: all callers of one community together, per window (a crowd of fresh openids
 *   cannot flood one community). The community comes from `communityOf` (the input, else the
 *   caller's registered one); without one, only the person's bucket applies. Like `perDay`, only
 *   on `withFirstRead` actions: all the call's buckets are taken in one write once the caller is known.
 *
 * The per-person figures are far above what one person does by hand (a crowd of 200 signing up
 * once each is 200 people, one unit each), and far below what a script does.
 */
import { TICKET_LIMITS, WISH_LIMITS } from '../../contracts/limits'
import type { Caller } from './identity'
import type { RateWindow } from './quota'

export interface RateLimit {
  /** Calls one person may make per window. */
  perPerson: number
  /** Calls all people of one community (or compound, see `communityOf`) together may make per window. */
  perCommunity?: number
  /** For `perCommunity`: the community a call counts against (undefined: not counted). */
  communityOf?: (input: Record<string, unknown>, caller: Caller | null) => string | undefined
  /** Public actions: calls without an openid, all together, per minute. */
  anonymous?: number
  /**
   * A person's allowance per day (Asia/Shanghai) of calls that succeed: taken with the other
   * buckets in one round trip, and given back when the handler refuses the call after all (a text
   * that fails the content check, an unknown place…). Only for `withFirstRead` actions. It shares
   * the person's counter document with `perPerson`: a call refused by either spends neither (the
   * per-window bucket bounds the attempts that reach the handler).
   */
  perDay?: { limit: number; message: string }
  /**
   * Public actions a machine calls before anyone signed in (the PC's desk sign-in): the bucket a
   * call counts against instead of the caller's, `ip:<address>` or `sid:<desk session>`
   * (`perPerson` per window). Undefined (no IP known): the global bucket of `anonymous` per minute.
   */
  keyedBy?: (input: Record<string, unknown>, client: { ip?: string }) => string | undefined
  window: RateWindow
  /** Chinese, shown to the person. */
  message: string
}

const idIn = (input: Record<string, unknown>, field: string): string | undefined => (typeof input[field] === 'string' && (input[field] as string)) || undefined

/**
 * The place a report or wish is about, read from the input without a database read: its compound
 * (`gridId`, 小区/网格), else the caller's registered compound or community. Fresh openids flooding
 * one compound share its bucket.
 */
const placeOf = (input: Record<string, unknown>, caller: Caller | null): string | undefined =>
  idIn(input, 'gridId') ?? idIn(input, 'communityId') ?? (caller?.user?.profile?.gridId || caller?.user?.profile?.communityId || undefined)

const TOO_FAST = '操作太频繁，请稍后再试'

const IMPORT_TOO_FAST = '导入太频繁，请稍后再试'

export const RATE_LIMITS: Record<string, RateLimit> = {
  // 三方联动: reports and their conversation. The per-minute bucket bounds attempts (refused ones
  // too: each costs a content check); the daily allowance counts reports made.
  'tickets.create': {
    perPerson: 10,
    perCommunity: 200,
    communityOf: placeOf,
    window: 'minute',
    message: '提交太频繁，请稍后再试',
    perDay: { limit: TICKET_LIMITS.perDay, message: `每人每天最多反映${TICKET_LIMITS.perDay}个问题，请明天再提交` }
  },
  'tickets.comment': { perPerson: 20, window: 'minute', message: '留言太频繁，请稍后再试' },
  'tickets.confirm': { perPerson: 20, window: 'minute', message: TOO_FAST },
  'tickets.reopen': { perPerson: 10, window: 'minute', message: TOO_FAST },
  // 在职党员报到: submitting or editing one's registration.
  'members.register': { perPerson: 10, window: 'minute', message: '提交太频繁，请稍后再试' },
  // 微心愿: three wishes a day.
  'wishes.create': {
    perPerson: 10,
    perCommunity: 200,
    communityOf: placeOf,
    window: 'minute',
    message: '发布太频繁，请稍后再试',
    perDay: { limit: WISH_LIMITS.perDay, message: `每人每天最多发布${WISH_LIMITS.perDay}个心愿` }
  },
  'wishes.claim': { perPerson: 20, window: 'minute', message: TOO_FAST },
  'wishes.confirm': { perPerson: 20, window: 'minute', message: TOO_FAST },
  'wishes.cancel': { perPerson: 20, window: 'minute', message: TOO_FAST },
  // 志愿服务活动: sign-up and withdrawal loops (each may push messages to others).
  'activities.signUp': { perPerson: 30, window: 'minute', message: '报名太频繁，请稍后再试' },
  'activities.withdraw': { perPerson: 30, window: 'minute', message: TOO_FAST },
  // 志愿者实名登记: once per person; the limit bounds a script retrying names and numbers.
  // The ranking switch records a consent or its withdrawal each time it flips.
  'activities.setPreferences': { perPerson: 10, window: 'minute', message: TOO_FAST },
  'activities.joinVolunteers': { perPerson: 10, window: 'minute', message: '提交太频繁，请稍后再试' },
  // 邻里中心 bookings.
  'centers.book': { perPerson: 30, window: 'minute', message: '预约太频繁，请稍后再试' },
  'centers.cancel': { perPerson: 20, window: 'minute', message: TOO_FAST },
  // 个人信息与隐私: each export writes a file of everything held about the person.
  'users.exportMyData': { perPerson: 5, window: 'hour', message: '导出太频繁，请一小时后再试' },
  // Not `users.withdrawConsent`: withdrawing a consent is never refused for being too frequent
  // (个人信息保护法 第十五条: a convenient way to withdraw). It acts only on the caller's own data, and a
  // withdrawal of nothing in force (and no data held) is a CONFLICT after one read, so every
  // withdrawal that writes follows a grant by the person's own action (most of them limited here).
  'users.deleteAccount': { perPerson: 5, window: 'minute', message: TOO_FAST },
  // Public lookups: guessing certificate numbers, scraping figures.
  'activities.verifyCertificate': { perPerson: 20, anonymous: 60, window: 'minute', message: '查询太频繁，请稍后再试' },
  'wishes.deedTotals': { perPerson: 60, anonymous: 120, window: 'minute', message: '查询太频繁，请稍后再试' },
  // 管理后台扫码登录 (server/auth): a new QR code per IP (a PC asks for one every 3 min at most;
  // without a known IP all PCs share one bucket), and the PC's polls per session (one every 2 s).
  'auth.deskStart': { perPerson: 10, anonymous: 60, keyedBy: (_input, { ip }) => (ip ? `ip:${ip}` : undefined), window: 'minute', message: '二维码刷新太频繁，请稍后再试' },
  'auth.deskPoll': { perPerson: 40, keyedBy: (input) => (typeof input.sid === 'string' ? `sid:${input.sid}` : undefined), window: 'minute', message: TOO_FAST },
  // 角色邀请 (server/auth/roles.ts): looking up and accepting invitation codes (a script guessing codes).
  'auth.roleInvite': { perPerson: 20, window: 'minute', message: '查询太频繁，请稍后再试' },
  'auth.acceptRole': { perPerson: 10, window: 'minute', message: TOO_FAST },
  // 批量导入 (server/core/imports.ts): each call reads and checks a whole workbook (up to 2,000 rows).
  'members.importPreview': { perPerson: 20, window: 'minute', message: IMPORT_TOO_FAST },
  'members.importConfirm': { perPerson: 20, window: 'minute', message: IMPORT_TOO_FAST },
  'teams.importPreview': { perPerson: 20, window: 'minute', message: IMPORT_TOO_FAST },
  'teams.importConfirm': { perPerson: 20, window: 'minute', message: IMPORT_TOO_FAST }
}

/** The row of `<function>.<action>`, if it is limited. */
export function rateLimitOf(fn: string, action: string): RateLimit | undefined {
  const key = `${fn}.${action}`
  return Object.prototype.hasOwnProperty.call(RATE_LIMITS, key) ? RATE_LIMITS[key] : undefined
}
