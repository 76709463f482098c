/**
 * The emulator's CloudBase auth (emulator/cloudbaseAuth.ts) against REAL tickets: made by
 * @cloudbase/node-sdk's own `createTicket`, the code function `auth` runs on the cloud.
 */
import { createSign, randomUUID } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHost, type Host } from '../../emulator/host'
import {
  ACCESS_TOKEN_TTL_MS,
  CUSTOM_LOGIN_KEY_ENV,
  CUSTOM_LOGIN_KEY_FILE,
  CloudbaseAuthError,
  REFRESH_TOKEN_TTL_MS,
  generateCustomLoginKey,
  installCustomLoginKeyEnv,
  type CustomLoginKey
} from '../../emulator/cloudbaseAuth'
import { LOCAL_ENV_ID } from '../../emulator/backend/install'
import { FIXTURE_FUNCTIONS, TEST_COLLECTIONS } from './support'

// eslint-disable-next-line @typescript-eslint/no-var-requires
const tcb = require('@cloudbase/node-sdk')

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

let host: Host
let now = Date.now()

beforeAll(() => {
  host = createHost({ inMemory: true, functionsDir: FIXTURE_FUNCTIONS, collections: TEST_COLLECTIONS, now: () => now })
})
afterAll(async () => {
  await host.close()
})
beforeEach(() => {
  // node-sdk stamps tickets with the wall clock: the host's clock starts there.
  now = Date.now()
})

/** A ticket exactly as function `auth` makes it: node-sdk, credentials from the environment variable. */
function ticketFromEnv(uid: string, options: { refresh?: number; expire?: number } = {}): string {
  const credentials = JSON.parse(Buffer.from(process.env[CUSTOM_LOGIN_KEY_ENV]!, 'base64').toString('utf8'))
  return tcb.init({ env: tcb.SYMBOL_CURRENT_ENV, credentials }).auth().createTicket(uid, { refresh: 3_600_000, ...options })
}

/** A ticket from node-sdk with these credentials and env. */
function ticketWith(credentials: CustomLoginKey, env: string, uid: string, options: { expire?: number } = {}): string {
  return tcb.init({ env, credentials }).auth().createTicket(uid, options)
}

/** The ticket's JWT payload. */
function payloadOf(ticket: string): Record<string, any> {
  const jwt = ticket.split('/@@/')[1]
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'))
}

/** A ticket signed by hand (for what node-sdk refuses to sign, e.g. a bad uid). */
function handSigned(key: CustomLoginKey, payload: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const signed = `${part({ alg: 'RS256', typ: 'JWT' })}.${part(payload)}`
  const signature = createSign('RSA-SHA256').update(signed).sign(key.private_key).toString('base64url')
  return `${key.private_key_id}/@@/${signed}.${signature}`
}

function refusal(fn: () => unknown): CloudbaseAuthError {
  try {
    fn()
  } catch (error) {
    if (error instanceof CloudbaseAuthError) return error
    throw error
  }
  throw new Error('expected a refusal')
}

describe('the custom-login key', () => {
  test('the functions get it as deploy gives it to `auth`: base64 JSON of the console key file', () => {
    const key = JSON.parse(Buffer.from(process.env[CUSTOM_LOGIN_KEY_ENV]!, 'base64').toString('utf8'))
    expect(key).toEqual(host.auth.key)
    expect(Object.keys(key).sort()).toEqual(['env_id', 'private_key', 'private_key_id'])
    expect(key.env_id).toBe(LOCAL_ENV_ID)
    expect(key.private_key).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n?$/)
    // RSA-2048, about 2.3 KB encoded: within SCF's 4 KB of environment variables.
    expect(process.env[CUSTOM_LOGIN_KEY_ENV]!.length).toBeLessThan(3500)
  })

  test('a value the host did not put there is left alone', () => {
    const env = { [CUSTOM_LOGIN_KEY_ENV]: 'set-by-someone' } as unknown as NodeJS.ProcessEnv
    installCustomLoginKeyEnv(host.auth.key, env)
    expect(env[CUSTOM_LOGIN_KEY_ENV]).toBe('set-by-someone')
  })

  test('a host with a data folder keeps its key in custom-login-key.json (0600); a second host reuses it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'honglin-key-'))
    try {
      const first = createHost({ dataDir, functionsDir: FIXTURE_FUNCTIONS, collections: TEST_COLLECTIONS, now: () => now })
      const file = join(dataDir, CUSTOM_LOGIN_KEY_FILE)
      expect(existsSync(file)).toBe(true)
      expect(statSync(file).mode & 0o777).toBe(0o600)
      const stored = JSON.parse(readFileSync(file, 'utf8'))
      expect(stored).toEqual(first.auth.key)
      expect(stored.private_key_id).not.toBe(host.auth.key.private_key_id)
      // The newest host's key is the one functions see.
      expect(JSON.parse(Buffer.from(process.env[CUSTOM_LOGIN_KEY_ENV]!, 'base64').toString('utf8'))).toEqual(stored)
      const ticket = ticketFromEnv('persisted-user')
      await first.close()

      const second = createHost({ dataDir, functionsDir: FIXTURE_FUNCTIONS, collections: TEST_COLLECTIONS, now: () => now })
      expect(second.auth.key).toEqual(stored)
      // A ticket made with the stored key signs in on the restarted emulator.
      const tokens = second.auth.signInWithTicket(ticket)
      expect(second.auth.identityOf(tokens.access_token).customUserId).toBe('persisted-user')
      await second.close()
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
      // Back to this file's in-memory host's key for the tests that follow.
      installCustomLoginKeyEnv(host.auth.key)
    }
  })
})

describe('sign-in with a custom ticket', () => {
  test('a real node-sdk ticket signs in: 2 h access token, the customUserId, not anonymous', () => {
    const ticket = ticketFromEnv('ds_AAAAAAAAAAAAAAAAAAAAAA')
    expect(ticket.startsWith(`${host.auth.key.private_key_id}/@@/`)).toBe(true)
    const payload = payloadOf(ticket)
    expect(payload).toEqual({ alg: 'RS256', env: LOCAL_ENV_ID, iat: expect.any(Number), exp: payload.iat + 10 * MINUTE, uid: 'ds_AAAAAAAAAAAAAAAAAAAAAA', refresh: 3_600_000, expire: expect.any(Number) })
    const tokens = host.auth.signInWithTicket(ticket)
    expect(tokens).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), expires_in: 7200 })
    expect(tokens.access_token).not.toBe(tokens.refresh_token)
    const who = host.auth.identityOf(tokens.access_token)
    expect(who).toEqual({ uid: expect.stringMatching(/^[0-9a-f]{32}$/), customUserId: 'ds_AAAAAAAAAAAAAAAAAAAAAA', anonymous: false })
  })

  test('a ticket of another key id is refused', () => {
    const ticket = ticketFromEnv('ds_BBBBBBBBBBBBBBBBBBBBBB')
    const forged = `${randomUUID()}/@@/${ticket.split('/@@/')[1]}`
    const error = refusal(() => host.auth.signInWithTicket(forged))
    expect(error).toMatchObject({ status: 401, kind: 'INVALID_TICKET' })
    expect(error.errMsg).toMatch(/private_key_id/)
    // The genuine ticket still works afterwards (the refusal did not use it up).
    expect(host.auth.signInWithTicket(ticket).access_token).toEqual(expect.any(String))
  })

  test('a tampered signature or payload is refused', () => {
    const ticket = ticketFromEnv('ds_CCCCCCCCCCCCCCCCCCCCCC')
    const [keyId, jwt] = ticket.split('/@@/')
    const [header, payload, signature] = jwt.split('.')
    const mid = Math.floor(signature.length / 2)
    const flipped = signature.slice(0, mid) + (signature[mid] === 'A' ? 'B' : 'A') + signature.slice(mid + 1)
    expect(refusal(() => host.auth.signInWithTicket(`${keyId}/@@/${header}.${payload}.${flipped}`))).toMatchObject({ status: 401, kind: 'INVALID_TICKET', errMsg: expect.stringMatching(/signature/) })
    // Another uid in the payload, the original signature.
    const other = Buffer.from(JSON.stringify({ ...payloadOf(ticket), uid: 'ds_DDDDDDDDDDDDDDDDDDDDDD' })).toString('base64url')
    expect(refusal(() => host.auth.signInWithTicket(`${keyId}/@@/${header}.${other}.${signature}`))).toMatchObject({ status: 401, errMsg: expect.stringMatching(/signature/) })
    // Signed by another key under this key's id.
    const stranger = { ...ticketKey(), private_key_id: host.auth.key.private_key_id }
    expect(refusal(() => host.auth.signInWithTicket(ticketWith(stranger, LOCAL_ENV_ID, 'ds_CCCCCCCCCCCCCCCCCCCCCC')))).toMatchObject({ status: 401, errMsg: expect.stringMatching(/signature/) })
    // alg none.
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`
    expect(refusal(() => host.auth.signInWithTicket(`${keyId}/@@/${none}`))).toMatchObject({ status: 401, kind: 'INVALID_TICKET' })
  })

  test('a ticket for another env is refused', () => {
    const ticket = ticketWith({ ...host.auth.key, env_id: 'honglin-prod-1a2b' }, 'honglin-prod-1a2b', 'ds_EEEEEEEEEEEEEEEEEEEEEE')
    expect(payloadOf(ticket).env).toBe('honglin-prod-1a2b')
    expect(refusal(() => host.auth.signInWithTicket(ticket))).toMatchObject({ status: 401, kind: 'INVALID_TICKET', errMsg: expect.stringMatching(/env/) })
  })

  test('a ticket is good for 10 minutes from its iat', () => {
    const late = ticketFromEnv('ds_FFFFFFFFFFFFFFFFFFFFFF')
    const { iat } = payloadOf(late)
    now = iat + 10 * MINUTE + 1000
    expect(refusal(() => host.auth.signInWithTicket(late))).toMatchObject({ status: 401, kind: 'TICKET_EXPIRED' })
    const justInTime = ticketFromEnv('ds_FFFFFFFFFFFFFFFFFFFFFF')
    now = payloadOf(justInTime).iat + 10 * MINUTE - 1000
    expect(host.auth.signInWithTicket(justInTime).access_token).toEqual(expect.any(String))
  })

  test('a ticket is used once', () => {
    const ticket = ticketFromEnv('ds_GGGGGGGGGGGGGGGGGGGGGG')
    host.auth.signInWithTicket(ticket)
    expect(refusal(() => host.auth.signInWithTicket(ticket))).toMatchObject({ status: 401, kind: 'TICKET_USED' })
  })

  test('a uid outside node-sdk pattern is refused (node-sdk would not sign it: signed by hand)', () => {
    const key = host.auth.key
    const base = { alg: 'RS256', env: LOCAL_ENV_ID, iat: now, exp: now + 10 * MINUTE, refresh: 3_600_000, expire: now + DAY }
    expect(() => ticketFromEnv('a b c d')).toThrow(/Invalid uid/)
    for (const uid of ['abc', 'a b c d', 'x'.repeat(33), '用户一二三四', 42]) {
      expect(refusal(() => host.auth.signInWithTicket(handSigned(key, { ...base, uid })))).toMatchObject({ status: 401, kind: 'INVALID_TICKET', errMsg: expect.stringMatching(/uid/) })
    }
    // The same hand-made ticket with a good uid passes: the refusals above were for the uid.
    expect(host.auth.signInWithTicket(handSigned(key, { ...base, uid: 'good-uid#1' })).access_token).toEqual(expect.any(String))
  })

  test('malformed tickets are refused, not thrown past the auth server', () => {
    for (const ticket of ['', 'nonsense', `${host.auth.key.private_key_id}/@@/a.b`, `${host.auth.key.private_key_id}/@@/!!.??.**`, 12]) {
      const error = refusal(() => host.auth.signInWithTicket(ticket))
      expect([400, 401]).toContain(error.status)
    }
  })

  test('the CloudBase uid of a customUserId is the same at every sign-in; anonymous users are new each time', () => {
    const first = host.auth.identityOf(host.auth.signInWithTicket(ticketFromEnv('ds_HHHHHHHHHHHHHHHHHHHHHH')).access_token)
    const second = host.auth.identityOf(host.auth.signInWithTicket(ticketFromEnv('ds_HHHHHHHHHHHHHHHHHHHHHH')).access_token)
    const other = host.auth.identityOf(host.auth.signInWithTicket(ticketFromEnv('ds_IIIIIIIIIIIIIIIIIIIIII')).access_token)
    expect(second.uid).toBe(first.uid)
    expect(other.uid).not.toBe(first.uid)
    const a = host.auth.identityOf(host.auth.signInAnonymously().access_token)
    const b = host.auth.identityOf(host.auth.signInAnonymously().access_token)
    expect(a).toEqual({ uid: expect.any(String), anonymous: true })
    expect(a.customUserId).toBeUndefined()
    expect(b.uid).not.toBe(a.uid)
  })
})

describe('tokens', () => {
  test('an access token lives 2 h; the refresh token then gives new tokens', () => {
    const tokens = host.auth.signInWithTicket(ticketFromEnv('ds_JJJJJJJJJJJJJJJJJJJJJJ'))
    const start = now
    now = start + ACCESS_TOKEN_TTL_MS - 1000
    expect(host.auth.identityOf(tokens.access_token).customUserId).toBe('ds_JJJJJJJJJJJJJJJJJJJJJJ')
    now = start + ACCESS_TOKEN_TTL_MS
    expect(refusal(() => host.auth.identityOf(tokens.access_token))).toMatchObject({ status: 401, kind: 'ACCESS_TOKEN_EXPIRED' })
    const renewed = host.auth.refresh(tokens.refresh_token)
    expect(renewed.expires_in).toBe(7200)
    expect(host.auth.identityOf(renewed.access_token).customUserId).toBe('ds_JJJJJJJJJJJJJJJJJJJJJJ')
    // The refresh token is rotated: the old one is dead.
    expect(refusal(() => host.auth.refresh(tokens.refresh_token))).toMatchObject({ status: 401, kind: 'INVALID_REFRESH_TOKEN' })
  })

  test('refreshing kills the old access token at once', () => {
    const tokens = host.auth.signInAnonymously()
    now += HOUR
    const renewed = host.auth.refresh(tokens.refresh_token)
    expect(refusal(() => host.auth.identityOf(tokens.access_token))).toMatchObject({ status: 401, kind: 'INVALID_ACCESS_TOKEN' })
    expect(host.auth.identityOf(renewed.access_token).anonymous).toBe(true)
  })

  test('a refresh token lives 30 days, refreshes do not extend it', () => {
    const tokens = host.auth.signInAnonymously()
    const start = now
    now = start + 29 * DAY
    const renewed = host.auth.refresh(tokens.refresh_token)
    now = start + REFRESH_TOKEN_TTL_MS
    expect(refusal(() => host.auth.refresh(renewed.refresh_token))).toMatchObject({ status: 401, kind: 'REFRESH_TOKEN_EXPIRED' })
  })

  test("the ticket's `expire` ends the login sooner than 30 days", () => {
    const start = now
    const tokens = host.auth.signInWithTicket(ticketFromEnv('ds_KKKKKKKKKKKKKKKKKKKKKK', { expire: start + 12 * HOUR }))
    expect(tokens.expires_in).toBe(7200)
    now = start + 11 * HOUR
    const late = host.auth.refresh(tokens.refresh_token)
    // The last access token ends with the login, not 2 h later.
    expect(late.expires_in).toBe(3600)
    now = start + 12 * HOUR
    expect(refusal(() => host.auth.identityOf(late.access_token))).toMatchObject({ status: 401 })
    expect(refusal(() => host.auth.refresh(late.refresh_token))).toMatchObject({ status: 401, kind: 'REFRESH_TOKEN_EXPIRED' })
    // A ticket whose login has already ended is refused.
    now = start
    expect(refusal(() => host.auth.signInWithTicket(ticketFromEnv('ds_KKKKKKKKKKKKKKKKKKKKKK', { expire: start - 1 })))).toMatchObject({ status: 401, kind: 'TICKET_EXPIRED' })
  })

  test('signing out kills the access token and its refresh token', () => {
    const tokens = host.auth.signInWithTicket(ticketFromEnv('ds_LLLLLLLLLLLLLLLLLLLLLL'))
    const other = host.auth.signInAnonymously()
    host.auth.signOut(tokens.access_token)
    expect(refusal(() => host.auth.identityOf(tokens.access_token))).toMatchObject({ status: 401, kind: 'INVALID_ACCESS_TOKEN' })
    expect(refusal(() => host.auth.refresh(tokens.refresh_token))).toMatchObject({ status: 401 })
    expect(refusal(() => host.auth.signOut(tokens.access_token))).toMatchObject({ status: 401 })
    // Other users stay signed in.
    expect(host.auth.identityOf(other.access_token).anonymous).toBe(true)
  })

  test('unknown tokens are 401', () => {
    expect(refusal(() => host.auth.identityOf('nope'))).toMatchObject({ status: 401, errCode: expect.any(Number), errMsg: expect.any(String) })
    expect(refusal(() => host.auth.refresh('nope'))).toMatchObject({ status: 401 })
    expect(refusal(() => host.auth.identityOf(undefined))).toMatchObject({ status: 401 })
  })
})

let strangerKey: CustomLoginKey | undefined
/** Another RSA key (made once). */
function ticketKey(): CustomLoginKey {
  return (strangerKey ??= generateCustomLoginKey())
}
