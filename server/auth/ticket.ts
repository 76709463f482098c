/**
 * The CloudBase custom-login ticket (docs/back-office.md §1.1), issued with the real node-sdk:
 * `init({ env: SYMBOL_CURRENT_ENV, credentials })`, then `auth().createTicket(sid, { refresh, expire })`.
 * It signs locally (RS256): no round trip. The key is the function environment variable
 * HONGLIN_CUSTOM_LOGIN_KEY, the key file's JSON base64-encoded (only function `auth` has it).
 */
import * as tcb from '@cloudbase/node-sdk'
import { AppError } from '../core/errors'

export const CUSTOM_LOGIN_KEY_VAR = 'HONGLIN_CUSTOM_LOGIN_KEY'
export const NOT_CONFIGURED_MESSAGE = '管理后台登录未配置'
/** How often the web SDK refreshes its access token (node-sdk's default). */
const REFRESH_MS = 3_600_000

interface Credentials {
  private_key_id: string
  private_key: string
  env_id: string
}

let cached: { raw: string; app: ReturnType<typeof tcb.init> } | undefined

function credentialsOf(raw: string): Credentials {
  const parsed = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as Partial<Credentials>
  if (!parsed.private_key_id || !parsed.private_key || !parsed.env_id) throw new Error('missing private_key_id, private_key or env_id')
  return parsed as Credentials
}

/** Whether the key is there (checked before a session is moved on, so a missing key burns nothing). */
export function requireCustomLoginKey(): void {
  if (!process.env.HONGLIN_CUSTOM_LOGIN_KEY) {
    console.error(`[auth] ${CUSTOM_LOGIN_KEY_VAR} is not set: desk sign-in cannot issue tickets (docs/back-office.md §8)`)
    throw new AppError('INTERNAL', NOT_CONFIGURED_MESSAGE)
  }
}

/** The app holding the credentials, made once per key value. */
function app(): ReturnType<typeof tcb.init> {
  requireCustomLoginKey()
  const raw = process.env.HONGLIN_CUSTOM_LOGIN_KEY as string
  if (cached?.raw === raw) return cached.app
  let credentials: Credentials
  try {
    credentials = credentialsOf(raw)
  } catch (error) {
    console.error(`[auth] ${CUSTOM_LOGIN_KEY_VAR} is not a base64 key file JSON:`, (error as Error).message)
    throw new AppError('INTERNAL', NOT_CONFIGURED_MESSAGE)
  }
  const made = tcb.init({ env: tcb.SYMBOL_CURRENT_ENV as unknown as string, credentials })
  cached = { raw, app: made }
  return made
}

/** A ticket for the desk session `sid` (its customUserId), its login to end at `expireAt` (epoch ms). */
export function issueTicket(sid: string, expireAt: number): string {
  return app().auth().createTicket(sid, { refresh: REFRESH_MS, expire: expireAt })
}
