/**
 * Signed codes: the rotating check-in token staff show on site, and a volunteer's personal code.
 *
 * Secret: `HONGLIN_TOKEN_SECRET` (set it on the `activities` and `teams` functions in the cloud
 * console; without it these codes are refused in the cloud). On the emulator
 * (`HONGLIN_PLATFORM=local`) a fixed development secret is used when the variable is unset, so
 * that `npm start` and the tests work without configuration. Never deploy with the dev secret.
 *
 * Check-in token: `<activityId>.<expiry>.<signature>`
 *   - expiry: epoch seconds in base 36 (6 characters until the year 2059);
 *   - signature: HMAC-SHA256(secret, "ck|<activityId>.<expiry>"), base64url, first 12 characters
 *     (72 bits: far more than enough for a code that lives 60 seconds).
 *   Activity ids are at most 12 characters, so a token is at most 32 characters and fits a
 *   mini-program code's `scene`.
 * Personal code: `<volunteerNo>.<signature>` with HMAC over "mc|<volunteerNo>" (8 characters). It
 *   does not expire: it is printed on a card for people without a phone, and only staff scan it.
 *   Checking someone in or out (`staffScan`) takes only the signed code (`readSignedMemberCode`):
 *   volunteer numbers are consecutive, so a number typed by hand would let anyone be checked in.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { CHECKIN_TOKEN_TTL_SECONDS } from '../../contracts/activities'
import { AppError } from '../core/errors'

export const DEV_TOKEN_SECRET = 'honglin-dev-secret-emulator-only'
export const MAX_ACTIVITY_ID_LENGTH = 12
const TOKEN_SIG_LENGTH = 12
const MEMBER_SIG_LENGTH = 8

function secret(): string {
  const configured = process.env.HONGLIN_TOKEN_SECRET
  if (configured) return configured
  if (process.env.HONGLIN_PLATFORM === 'local') return DEV_TOKEN_SECRET
  console.error('[activities] HONGLIN_TOKEN_SECRET is not set: check-in codes are disabled')
  throw new AppError('INTERNAL', '签到功能未配置，请联系管理员')
}

function sign(payload: string, length: number): string {
  return createHmac('sha256', secret()).update(payload).digest('base64url').slice(0, length)
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

export interface CheckinToken {
  token: string
  expiresAt: number
}

/** A token for `activityId` valid from `now` for CHECKIN_TOKEN_TTL_SECONDS (never longer). */
export function issueCheckinToken(activityId: string, now: number): CheckinToken {
  if (activityId.length > MAX_ACTIVITY_ID_LENGTH || activityId.includes('.')) throw new AppError('INTERNAL', '活动编号不适用于签到码')
  const expirySeconds = Math.floor(now / 1000) + CHECKIN_TOKEN_TTL_SECONDS
  const body = `${activityId}.${expirySeconds.toString(36)}`
  return { token: `${body}.${sign(`ck|${body}`, TOKEN_SIG_LENGTH)}`, expiresAt: expirySeconds * 1000 }
}

/**
 * The activity a token was issued for. Forged or malformed → FORBIDDEN; expired → EXPIRED
 * (checked after the signature, so a forged token never learns about expiry).
 */
export function readCheckinToken(raw: string, now: number): { activityId: string; expiresAt: number } {
  return readCheckinTokenAt(raw, now, 0)
}

/**
 * The activity of a token scanned at `scannedAt` (a scan queued without signal and sent later):
 * the token must have been valid then, give or take `skewMs` for the phone's clock. The issue time
 * is under the signature (expiry − TTL), so a queued scan cannot claim a moment the code was not
 * shown. Forged → FORBIDDEN; not valid at that moment → EXPIRED with `fields: ['scannedAt']`.
 */
export function readCheckinTokenAt(raw: string, scannedAt: number, skewMs: number): { activityId: string; expiresAt: number; issuedAt: number } {
  const token = extractToken(raw)
  const parts = token.split('.')
  if (parts.length !== 3 || !parts[0] || !/^[0-9a-z]{1,8}$/.test(parts[1]) || parts[2].length !== TOKEN_SIG_LENGTH)
    throw new AppError('FORBIDDEN', '签到码无效，请扫描工作人员出示的签到码')
  const [activityId, expiry, signature] = parts
  if (!sameText(signature, sign(`ck|${activityId}.${expiry}`, TOKEN_SIG_LENGTH)))
    throw new AppError('FORBIDDEN', '签到码无效，请扫描工作人员出示的签到码')
  const expiresAt = parseInt(expiry, 36) * 1000
  const issuedAt = expiresAt - CHECKIN_TOKEN_TTL_SECONDS * 1000
  // A token can never be valid longer than the TTL, whatever its expiry says (guards a leaked secret's
  // long-lived tokens only partly, but keeps the rule in one place).
  if (scannedAt > expiresAt + skewMs || issuedAt - scannedAt > 5000 + skewMs) {
    if (skewMs > 0) throw new AppError('EXPIRED', '扫码时的签到码与扫码时间不符（签到码已过期或手机时间不准），未能计入，请联系活动组织者', ['scannedAt'])
    throw new AppError('EXPIRED', '签到码已过期，请扫描工作人员手机上最新的签到码')
  }
  return { activityId, expiresAt, issuedAt }
}

/**
 * The token inside whatever a scanner returned: the bare token, the H5 check-in link
 * (`…?t=<token>`), a mini-program `scene`, or WeChat's `q` (the encoded link of a plain QR).
 */
export function extractToken(raw: string): string {
  let text = raw.trim()
  for (let i = 0; i < 2; i++) {
    const match = /(?:^|[?&])(?:t|scene|q)=([^&#]+)/.exec(text)
    if (!match) break
    try {
      text = decodeURIComponent(match[1])
    } catch {
      text = match[1]
    }
  }
  return text
}

/** A volunteer's personal code for their volunteer number. */
export function memberCodeFor(volunteerNo: string): string {
  return `${volunteerNo}.${sign(`mc|${volunteerNo}`, MEMBER_SIG_LENGTH)}`
}

/**
 * The volunteer number in a scanned personal code (signature checked: FORBIDDEN when forged), or a
 * volunteer number typed by staff as is (adding to a team; entering make-up hours, which a second
 * staff member must approve). Check-in and check-out take only the signed code: readSignedMemberCode.
 */
export function readMemberCode(raw: string): string {
  const text = extractToken(raw)
  const dot = text.lastIndexOf('.')
  if (dot < 0) {
    if (!/^[A-Z0-9]{4,20}$/i.test(text)) throw new AppError('FORBIDDEN', '无效的志愿者码')
    return text.toUpperCase()
  }
  const volunteerNo = text.slice(0, dot)
  const signature = text.slice(dot + 1)
  if (!/^[A-Z0-9]{4,20}$/.test(volunteerNo) || !sameText(signature, sign(`mc|${volunteerNo}`, MEMBER_SIG_LENGTH)))
    throw new AppError('FORBIDDEN', '无效的志愿者码')
  return volunteerNo
}

/**
 * The volunteer number in a signed personal code; a bare volunteer number (typed by hand, or a
 * guess at the next consecutive one) is refused, as is a forged signature.
 */
export function readSignedMemberCode(raw: string): string {
  const text = extractToken(raw)
  if (!text.includes('.')) throw new AppError('FORBIDDEN', '请扫描志愿者本人的志愿者码（或输入码下方的完整编码），仅输入志愿者编号无效')
  return readMemberCode(text)
}
