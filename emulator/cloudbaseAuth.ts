/**
 * The emulator plays CloudBase auth (docs/back-office.md §2 "Change (emulator)").
 *
 * - A custom-login key as the CloudBase console hands it out (身份认证 → 自定义登录 → 私钥下载):
 *   `{private_key_id, private_key, env_id}`. A host with a data folder keeps it in
 *   `<dataDir>/custom-login-key.json` (made on first start, mode 0600); an in-memory host uses one
 *   key per process. The host gives functions `HONGLIN_CUSTOM_LOGIN_KEY` (base64 of that JSON),
 *   exactly what deploy puts on function `auth`, so tickets are made by node-sdk's own
 *   `createTicket`.
 * - `CloudbaseAuth` mirrors CloudBase's auth server: anonymous sign-in, sign-in with a custom ticket
 *   (verified as the cloud does: key id, RS256 signature, env, 10-minute `exp`, uid pattern; and
 *   single use), 2 h access tokens, 30 d refresh tokens, sign-out. Tokens live in memory: a
 *   restart signs every web page out, as a key rotation would.
 *
 * What node-sdk 3.17.2 signs (dist/auth/index.js `createTicket`): header `{alg: 'RS256', typ: 'JWT'}`
 * (no `kid`: the key id is the ticket's prefix), payload `{alg: 'RS256', env, iat, exp, uid,
 * refresh, expire}` with `iat`, `exp` (= iat + 10 min) and `expire` in epoch MILLISECONDS, and the
 * ticket `private_key_id + '/@@/' + jwt`.
 */
import { createPrivateKey, createPublicKey, createVerify, generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LOCAL_ENV_ID } from './backend/install'
import type { WebIdentity } from './identity'

/** The key file as the CloudBase console gives it. */
export interface CustomLoginKey {
  private_key_id: string
  /** PKCS#8 PEM, RSA-2048. */
  private_key: string
  env_id: string
}

/** The function environment variable holding the key (base64 of its JSON), as deploy sets it on `auth`. */
export const CUSTOM_LOGIN_KEY_ENV = 'HONGLIN_CUSTOM_LOGIN_KEY'
export const CUSTOM_LOGIN_KEY_FILE = 'custom-login-key.json'

/** Access token lifetime (CloudBase: expires_in 7200). */
export const ACCESS_TOKEN_TTL_MS = 2 * 3_600_000
/** Refresh token lifetime (CloudBase: 2,592,000 s), unless the ticket's `expire` is sooner. */
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3_600_000
/** node-sdk's uid (customUserId) pattern (dist/auth/index.js checkCustomUserIdRegex). */
export const CUSTOM_USER_ID = /^[a-zA-Z0-9_\-#@~=*(){}[\]:.,<>+]{4,32}$/
const TICKET_SEPARATOR = '/@@/'

/** The refusals, each with its HTTP status. errCodes are the emulator's own (negative, like the cloud's). */
export const AUTH_ERRORS = {
  MALFORMED_REQUEST: { status: 400, errCode: -400001 },
  INVALID_TICKET: { status: 401, errCode: -401001 },
  TICKET_EXPIRED: { status: 401, errCode: -401002 },
  TICKET_USED: { status: 401, errCode: -401003 },
  INVALID_ACCESS_TOKEN: { status: 401, errCode: -401004 },
  ACCESS_TOKEN_EXPIRED: { status: 401, errCode: -401005 },
  INVALID_REFRESH_TOKEN: { status: 401, errCode: -401006 },
  REFRESH_TOKEN_EXPIRED: { status: 401, errCode: -401007 }
} as const
export type AuthErrorKind = keyof typeof AUTH_ERRORS

/** A refusal of the auth server; the HTTP layer answers `status` with `{errCode, errMsg}`. */
export class CloudbaseAuthError extends Error {
  readonly status: number
  readonly errCode: number
  constructor(readonly kind: AuthErrorKind, readonly errMsg: string) {
    super(`${kind}: ${errMsg}`)
    this.name = 'CloudbaseAuthError'
    this.status = AUTH_ERRORS[kind].status
    this.errCode = AUTH_ERRORS[kind].errCode
  }
}

/** What a sign-in or refresh answers (CloudBase's token response, the fields we use). */
export interface TokenResponse {
  access_token: string
  refresh_token: string
  /** Seconds the access token lives. */
  expires_in: number
}

// ---------------------------------------------------------------- the key

export function generateCustomLoginKey(): CustomLoginKey {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' }
  })
  return { private_key_id: randomUUID(), private_key: privateKey, env_id: LOCAL_ENV_ID }
}

let processKey: CustomLoginKey | undefined

/**
 * The emulator's key: `<dataDir>/custom-login-key.json` (made on first use, mode 0600), or, with
 * no data folder, one key for the whole process (RSA key generation is slow).
 */
export function loadCustomLoginKey(dataDir?: string): CustomLoginKey {
  if (!dataDir) return (processKey ??= generateCustomLoginKey())
  const file = join(dataDir, CUSTOM_LOGIN_KEY_FILE)
  if (existsSync(file)) {
    const key = JSON.parse(readFileSync(file, 'utf8')) as CustomLoginKey
    if (typeof key?.private_key_id !== 'string' || typeof key.private_key !== 'string' || key.env_id !== LOCAL_ENV_ID) {
      throw new Error(`${file} is not a custom-login key of env ${LOCAL_ENV_ID}: delete it to make a new one`)
    }
    return key
  }
  mkdirSync(dataDir, { recursive: true })
  const key = generateCustomLoginKey()
  writeFileSync(file, JSON.stringify(key, null, 2) + '\n', { mode: 0o600, flag: 'wx' })
  chmodSync(file, 0o600)
  return key
}

/** The key as the environment variable carries it: base64 of the key file's JSON. */
export function encodeCustomLoginKey(key: CustomLoginKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64')
}

/** The value a host last put into the environment (a later host may replace it; a user's own value stays). */
let installedValue: string | undefined

/**
 * Gives the functions the key as deploy gives it to `auth`: `HONGLIN_CUSTOM_LOGIN_KEY`, unless the
 * variable holds something a host did not put there. (On the emulator every function sees it; on
 * the cloud only `auth` has it.)
 */
export function installCustomLoginKeyEnv(key: CustomLoginKey, env: NodeJS.ProcessEnv = process.env): void {
  const current = env[CUSTOM_LOGIN_KEY_ENV]
  if (current !== undefined && current !== '' && current !== installedValue) return
  installedValue = encodeCustomLoginKey(key)
  env[CUSTOM_LOGIN_KEY_ENV] = installedValue
}

// ---------------------------------------------------------------- the auth server

interface AccessGrant {
  identity: WebIdentity
  expiresAt: number
  refreshToken: string
}

interface RefreshGrant {
  identity: WebIdentity
  expiresAt: number
  accessToken: string
}

export interface CloudbaseAuthOptions {
  key: CustomLoginKey
  /** The clock (the host's). Default Date.now. */
  now?: () => number
}

export class CloudbaseAuth {
  readonly key: CustomLoginKey
  private readonly publicKey: KeyObject
  private readonly now: () => number
  private readonly access = new Map<string, AccessGrant>()
  private readonly refreshes = new Map<string, RefreshGrant>()
  /** Tickets already used (their signature), until they expire. */
  private readonly usedTickets = new Map<string, number>()
  /** customUserId → the CloudBase uid, made the first time, then the same. */
  private readonly uids = new Map<string, string>()

  constructor(options: CloudbaseAuthOptions) {
    this.key = options.key
    this.publicKey = createPublicKey(createPrivateKey(options.key.private_key))
    this.now = options.now ?? Date.now
  }

  /** A new anonymous CloudBase user, signed in. */
  signInAnonymously(): TokenResponse {
    return this.grant({ uid: newUid(), anonymous: true }, this.now() + REFRESH_TOKEN_TTL_MS)
  }

  /** Signs in with a custom-login ticket (`private_key_id/@@/jwt`), verified as CloudBase does. */
  signInWithTicket(ticket: unknown): TokenResponse {
    if (typeof ticket !== 'string' || ticket === '') throw new CloudbaseAuthError('MALFORMED_REQUEST', 'ticket is required')
    const at = ticket.indexOf(TICKET_SEPARATOR)
    if (at < 0) throw invalidTicket('not a custom-login ticket')
    const keyId = ticket.slice(0, at)
    const jwt = ticket.slice(at + TICKET_SEPARATOR.length)
    if (keyId !== this.key.private_key_id) throw invalidTicket('unknown private_key_id (the key was replaced, or is of another env)')
    const parts = jwt.split('.')
    if (parts.length !== 3) throw invalidTicket('malformed token')
    const [headerPart, payloadPart, signaturePart] = parts
    const header = decodeJson(headerPart)
    if (!header || header.alg !== 'RS256') throw invalidTicket('the token must be signed with RS256')
    const verifier = createVerify('RSA-SHA256')
    verifier.update(`${headerPart}.${payloadPart}`)
    if (!verifier.verify(this.publicKey, Buffer.from(signaturePart, 'base64url'))) throw invalidTicket('signature verification failed')
    const payload = decodeJson(payloadPart)
    if (!payload) throw invalidTicket('malformed token payload')
    if (payload.env !== LOCAL_ENV_ID) throw invalidTicket(`the ticket is for env ${String(payload.env)}, not ${LOCAL_ENV_ID}`)
    const now = this.now()
    if (typeof payload.exp !== 'number' || !(now < payload.exp)) throw new CloudbaseAuthError('TICKET_EXPIRED', 'the ticket has expired (a ticket must be used within 10 minutes)')
    const uid = payload.uid
    if (typeof uid !== 'string' || !CUSTOM_USER_ID.test(uid)) throw invalidTicket('invalid uid')
    let end = now + REFRESH_TOKEN_TTL_MS
    if (payload.expire !== undefined) {
      if (typeof payload.expire !== 'number' || !Number.isFinite(payload.expire)) throw invalidTicket('invalid expire')
      if (!(now < payload.expire)) throw new CloudbaseAuthError('TICKET_EXPIRED', 'the login of this ticket has ended (expire)')
      end = Math.min(end, payload.expire)
    }
    this.forgetUsedTickets(now)
    if (this.usedTickets.has(signaturePart)) throw new CloudbaseAuthError('TICKET_USED', 'the ticket has already been used')
    this.usedTickets.set(signaturePart, payload.exp)
    let cloudbaseUid = this.uids.get(uid)
    if (!cloudbaseUid) {
      cloudbaseUid = newUid()
      this.uids.set(uid, cloudbaseUid)
    }
    return this.grant({ uid: cloudbaseUid, customUserId: uid, anonymous: false }, end)
  }

  /** New tokens for a refresh token; the old access and refresh tokens die. The login's end stays. */
  refresh(refreshToken: unknown): TokenResponse {
    if (typeof refreshToken !== 'string' || refreshToken === '') throw new CloudbaseAuthError('MALFORMED_REQUEST', 'refresh_token is required')
    const grant = this.refreshes.get(refreshToken)
    if (!grant) throw new CloudbaseAuthError('INVALID_REFRESH_TOKEN', 'invalid refresh token')
    this.refreshes.delete(refreshToken)
    this.access.delete(grant.accessToken)
    if (!(this.now() < grant.expiresAt)) throw new CloudbaseAuthError('REFRESH_TOKEN_EXPIRED', 'the refresh token has expired: sign in again')
    return this.grant(grant.identity, grant.expiresAt)
  }

  /** Signs out: the access token and its refresh token die. */
  signOut(accessToken: unknown): void {
    const grant = typeof accessToken === 'string' ? this.access.get(accessToken) : undefined
    if (!grant) throw new CloudbaseAuthError('INVALID_ACCESS_TOKEN', 'invalid access token')
    this.access.delete(accessToken as string)
    this.refreshes.delete(grant.refreshToken)
  }

  /** Who an access token is; a 401 refusal for an unknown or expired one. */
  identityOf(accessToken: unknown): WebIdentity {
    const grant = typeof accessToken === 'string' ? this.access.get(accessToken) : undefined
    if (!grant) throw new CloudbaseAuthError('INVALID_ACCESS_TOKEN', 'invalid access token')
    if (!(this.now() < grant.expiresAt)) {
      this.access.delete(accessToken as string)
      throw new CloudbaseAuthError('ACCESS_TOKEN_EXPIRED', 'the access token has expired')
    }
    return { ...grant.identity }
  }

  private grant(identity: WebIdentity, refreshEnd: number): TokenResponse {
    const now = this.now()
    const accessToken = newToken()
    const refreshToken = newToken()
    // An access token never outlives its login (the ticket's `expire`).
    const accessEnd = Math.min(now + ACCESS_TOKEN_TTL_MS, refreshEnd)
    this.access.set(accessToken, { identity, expiresAt: accessEnd, refreshToken })
    this.refreshes.set(refreshToken, { identity, expiresAt: refreshEnd, accessToken })
    return { access_token: accessToken, refresh_token: refreshToken, expires_in: Math.floor((accessEnd - now) / 1000) }
  }

  /** A used ticket need not be remembered once it has expired (it is refused for that anyway). */
  private forgetUsedTickets(now: number): void {
    if (this.usedTickets.size < 1024) return
    for (const [signature, exp] of this.usedTickets) if (exp <= now) this.usedTickets.delete(signature)
  }
}

const invalidTicket = (why: string) => new CloudbaseAuthError('INVALID_TICKET', `invalid ticket: ${why}`)
const newToken = () => randomBytes(32).toString('base64url')
const newUid = () => randomBytes(16).toString('hex')

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}
