/**
 * 管理后台扫码登录 (docs/back-office.md §2, §3, §7): function `auth` and the shell's desk caller, on
 * the emulator backend with the real wx-server-sdk and @cloudbase/node-sdk. The PC is a CloudBase
 * web user (`asDesk(sid)`: its custom-login uid is the desk session id; `anonymousWeb()`: before
 * sign-in); the phone is an openid.
 */
import { createPublicKey, createVerify, generateKeyPairSync } from 'node:crypto'
import { DESK_IDLE_TTL_MS, DESK_QR_TTL_MS, DESK_SESSION_TTL_MS, DESK_SID } from '../../contracts/auth'
import { PHONE_ONLY } from '../../server/core/deskPolicy'
import { ROUTERS } from '../support/routers'
import { anonymousWeb, asDesk, startTestCloud, type TestCloud } from '../support/cloud'

// The emulator host gives functions its own key (emulator/cloudbaseAuth.ts); without one, a key
// made here, in the same form deploy gives function auth.
if (!process.env.HONGLIN_CUSTOM_LOGIN_KEY) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const key = { private_key_id: 'test-key-1', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), env_id: 'honglin-local' }
  process.env.HONGLIN_CUSTOM_LOGIN_KEY = Buffer.from(JSON.stringify(key)).toString('base64')
}

let cloud: TestCloud
beforeAll(async () => {
  cloud = await startTestCloud()
})
afterAll(() => cloud?.close())

const NOW = '2026-11-27T09:00:00+08:00'
beforeEach(() => cloud.clock.set(NOW))

const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120'
let ips = 0
/** A fresh client IP per PC (deskStart is limited per IP). */
const nextIp = () => `10.0.${Math.floor(++ips / 200)}.${ips % 200}`

interface Started {
  sid: string
  pollSecret: string
  scene: string
  qr: string
  expiresAt: string
}

async function start(ip = nextIp()): Promise<Started> {
  return cloud.ok<Started>('auth', 'deskStart', { ua: UA }, anonymousWeb(ip))
}
const poll = (s: Started, secret = s.pollSecret) => cloud.call('auth', 'deskPoll', { sid: s.sid, pollSecret: secret }, anonymousWeb())

/** start → scan → confirm → poll: a PC signed in as `openid`; returns the session and its ticket. */
async function signIn(openid = 'demo-staff'): Promise<Started & { ticket: string }> {
  const s = await start()
  await cloud.ok('auth', 'deskScan', { scene: s.scene }, openid)
  await cloud.ok('auth', 'deskConfirm', { scene: s.scene }, openid)
  const polled = await poll(s)
  if (!polled.ok) throw new Error(`deskPoll failed: ${polled.error.code} ${polled.error.message}`)
  return { ...s, ticket: (polled.data as { ticket: string }).ticket }
}

const errorOf = (reply: { ok: boolean; error?: { code: string; message: string } }) => (reply.ok ? 'ok' : `${reply.error!.code} ${reply.error!.message}`)
const SIGNED_OUT = 'UNAUTHENTICATED 登录已失效，请重新扫码登录'

function decodeTicket(ticket: string) {
  const [kid, jwt] = ticket.split('/@@/')
  const [head, body, signature] = jwt.split('.')
  const json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
  return { kid, jwt, header: json(head), payload: json(body), signed: `${head}.${body}`, signature: Buffer.from(signature, 'base64url') }
}

const hostKey = () => JSON.parse(Buffer.from(process.env.HONGLIN_CUSTOM_LOGIN_KEY as string, 'base64').toString('utf8')) as { private_key_id: string; private_key: string; env_id: string }

describe('the sign-in by scan', () => {
  it('start → scan → confirm → poll gives the ticket once; the PC is then the staff member', async () => {
    const s = await start()
    expect(s.sid).toMatch(DESK_SID)
    expect(s.scene).toMatch(/^[A-Za-z0-9]{16}$/)
    expect(s.qr).toMatch(/^data:image\/png;base64,iVBOR/)
    expect(new Date(s.expiresAt).getTime() - cloud.clock.now()).toBe(DESK_QR_TTL_MS)
    // The stored session knows the poll secret only by its hash.
    const stored = cloud.store.findOne('deskSessions', { _id: s.sid })!
    expect(stored).toMatchObject({ status: 'pending', scene: s.scene, client: { ua: UA } })
    expect(JSON.stringify(stored)).not.toContain(s.pollSecret)

    expect(await poll(s)).toMatchObject({ ok: true, data: { status: 'pending' } })
    const scanned = await cloud.ok('auth', 'deskScan', { scene: s.scene }, 'demo-staff')
    expect(scanned.client).toMatchObject({ ua: UA })
    expect(await poll(s)).toMatchObject({ ok: true, data: { status: 'scanned' } })
    expect(await cloud.ok('auth', 'deskConfirm', { scene: s.scene }, 'demo-staff')).toEqual({ confirmed: true })

    const polled = await poll(s)
    expect(polled).toMatchObject({ ok: true, data: { status: 'active' } })
    const ticket = (polled as { data: { ticket: string; expiresAt: string } }).data.ticket
    const t = decodeTicket(ticket)
    const key = hostKey()
    expect(t.kid).toBe(key.private_key_id)
    expect(t.header.alg).toBe('RS256')
    expect(t.payload).toMatchObject({ uid: s.sid, env: 'honglin-local', refresh: 3_600_000 })
    expect(t.payload.env).toBe(key.env_id)
    expect(t.payload.exp - t.payload.iat).toBe(600_000) // 10 minutes, in ms as node-sdk writes them
    expect(t.payload.expire).toBe(cloud.clock.now() + DESK_SESSION_TTL_MS)
    const publicKey = createPublicKey(key.private_key)
    expect(createVerify('RSA-SHA256').update(t.signed).verify(publicKey, t.signature)).toBe(true)
    expect(createVerify('RSA-SHA256').update(t.signed + 'x').verify(publicKey, t.signature)).toBe(false)

    // The PC calls as its CloudBase user: the shell finds the person through the session.
    const me = await cloud.ok('users', 'me', {}, { web: { uid: 'tcbu-1', customUserId: s.sid, anonymous: false } })
    expect(me.openid).toBe('demo-staff')
    expect(me.profile.name).toBe('张敏')

    // The ticket is given once.
    expect(errorOf(await poll(s))).toMatch(/^CONFLICT /)
  })

  it('answers a wrong poll secret and an unknown session alike (NOT_FOUND), and gives nothing away', async () => {
    const s = await start()
    await cloud.ok('auth', 'deskScan', { scene: s.scene }, 'demo-staff')
    await cloud.ok('auth', 'deskConfirm', { scene: s.scene }, 'demo-staff')
    const wrong = await poll(s, 'x'.repeat(32))
    const unknown = await cloud.call('auth', 'deskPoll', { sid: 'ds_' + 'A'.repeat(22), pollSecret: s.pollSecret }, anonymousWeb())
    expect(errorOf(wrong)).toMatch(/^NOT_FOUND /)
    expect(errorOf(unknown)).toBe(errorOf(wrong))
    // The right secret still gets the ticket.
    expect(await poll(s)).toMatchObject({ ok: true, data: { status: 'active', ticket: expect.any(String) } })
  })

  it('refuses a QR code older than 3 minutes (scan and confirm), and the poll reports it expired', async () => {
    const a = await start()
    cloud.clock.advance(DESK_QR_TTL_MS + 1000)
    expect(errorOf(await cloud.call('auth', 'deskScan', { scene: a.scene }, 'demo-staff'))).toMatch(/^CONFLICT 二维码已过期/)
    expect(await poll(a)).toMatchObject({ ok: true, data: { status: 'expired' } })

    cloud.clock.set(NOW)
    const b = await start()
    await cloud.ok('auth', 'deskScan', { scene: b.scene }, 'demo-staff')
    cloud.clock.advance(DESK_QR_TTL_MS)
    expect(errorOf(await cloud.call('auth', 'deskConfirm', { scene: b.scene }, 'demo-staff'))).toMatch(/^CONFLICT 二维码已过期/)
    expect(cloud.store.findOne('deskSessions', { _id: b.sid })!.status).toBe('scanned')

    // A ticket not fetched within 60 s of the confirmation is not given.
    cloud.clock.set(NOW)
    const c = await start()
    await cloud.ok('auth', 'deskScan', { scene: c.scene }, 'demo-staff')
    await cloud.ok('auth', 'deskConfirm', { scene: c.scene }, 'demo-staff')
    cloud.clock.advance(61_000)
    expect(await poll(c)).toEqual({ ok: true, data: { status: 'expired' } })
  })

  it('lets only the phone that scanned confirm, only staff-class roles scan, and a scanned code not be taken over', async () => {
    const s = await start()
    await cloud.ok('auth', 'deskScan', { scene: s.scene }, 'demo-staff')
    expect(errorOf(await cloud.call('auth', 'deskConfirm', { scene: s.scene }, 'demo-admin'))).toMatch(/^FORBIDDEN /)
    expect(errorOf(await cloud.call('auth', 'deskScan', { scene: s.scene }, 'demo-admin'))).toMatch(/^CONFLICT /)
    // The same phone scanning again (the page reloaded) is fine.
    expect((await cloud.ok('auth', 'deskScan', { scene: s.scene }, 'demo-staff')).client.ua).toBe(UA)

    const r = await start()
    expect(errorOf(await cloud.call('auth', 'deskScan', { scene: r.scene }, 'demo-resident'))).toMatch(/^FORBIDDEN /)
    expect(errorOf(await cloud.call('auth', 'deskScan', { scene: r.scene }, 'demo-member'))).toMatch(/^FORBIDDEN /)
    expect(errorOf(await cloud.call('auth', 'deskConfirm', { scene: r.scene }, 'demo-resident'))).toMatch(/^FORBIDDEN /)
    expect(cloud.store.findOne('deskSessions', { _id: r.sid })!.status).toBe('pending')
    // Each staff-class role may sign in.
    for (const openid of ['demo-admin', 'demo-property', 'demo-committee']) expect((await signIn(openid)).ticket).toContain('/@@/')
  })

  it('cancels from the phone: the PC sees it, and the code cannot be confirmed after', async () => {
    const s = await start()
    await cloud.ok('auth', 'deskScan', { scene: s.scene }, 'demo-staff')
    expect(errorOf(await cloud.call('auth', 'deskCancel', { scene: s.scene }, 'demo-admin'))).toMatch(/^FORBIDDEN /)
    expect(await cloud.ok('auth', 'deskCancel', { scene: s.scene }, 'demo-staff')).toEqual({ cancelled: true })
    expect(await poll(s)).toEqual({ ok: true, data: { status: 'cancelled' } })
    expect(errorOf(await cloud.call('auth', 'deskConfirm', { scene: s.scene }, 'demo-staff'))).toMatch(/^CONFLICT /)
  })

  it('answers INTERNAL 管理后台登录未配置 without the key, and moves nothing (the ticket comes once it is set)', async () => {
    const s = await start()
    await cloud.ok('auth', 'deskScan', { scene: s.scene }, 'demo-staff')
    await cloud.ok('auth', 'deskConfirm', { scene: s.scene }, 'demo-staff')
    const saved = process.env.HONGLIN_CUSTOM_LOGIN_KEY
    const logged = jest.spyOn(console, 'error').mockImplementation(() => {})
    delete process.env.HONGLIN_CUSTOM_LOGIN_KEY
    try {
      expect(errorOf(await poll(s))).toBe('INTERNAL 管理后台登录未配置')
      expect(logged.mock.calls.flat().join(' ')).toContain('HONGLIN_CUSTOM_LOGIN_KEY')
    } finally {
      process.env.HONGLIN_CUSTOM_LOGIN_KEY = saved
      logged.mockRestore()
    }
    expect(cloud.store.findOne('deskSessions', { _id: s.sid })!.status).toBe('confirmed')
    expect(await poll(s)).toMatchObject({ ok: true, data: { status: 'active', ticket: expect.any(String) } })
  })

  it('limits new QR codes per IP and polls per session', async () => {
    const ip = '192.0.2.77'
    for (let i = 0; i < 10; i++) await start(ip)
    expect(errorOf(await cloud.call('auth', 'deskStart', { ua: UA }, anonymousWeb(ip)))).toMatch(/^RATE_LIMITED /)
    expect((await start('192.0.2.78')).sid).toMatch(DESK_SID)
    const s = await start()
    for (let i = 0; i < 40; i++) expect((await poll(s)).ok).toBe(true)
    expect(errorOf(await poll(s))).toMatch(/^RATE_LIMITED /)
    cloud.clock.advance(60_000)
    expect((await poll(s)).ok).toBe(true)
  })
})

describe('the desk caller', () => {
  it('is signed out by a revoke from the phone; the district admin may revoke anyone’s, others see nothing', async () => {
    const a = await signIn()
    const phone = await cloud.ok('auth', 'mySessions', {}, 'demo-staff')
    const row = phone.items.find((x: { sid: string }) => x.sid === a.sid)
    expect(row).toMatchObject({ status: 'active', current: false, client: { ua: UA }, roles: ['staff'] })
    const desk = await cloud.ok('auth', 'mySessions', {}, asDesk(a.sid))
    expect(desk.items.find((x: { sid: string }) => x.sid === a.sid).current).toBe(true)
    expect(errorOf(await cloud.call('auth', 'deskRevoke', { sid: a.sid }, 'demo-staff-2'))).toMatch(/^NOT_FOUND /)
    expect(await cloud.ok('auth', 'deskRevoke', { sid: a.sid }, 'demo-staff')).toEqual({ revoked: true })
    expect(errorOf(await cloud.call('users', 'me', {}, asDesk(a.sid)))).toBe(SIGNED_OUT)
    expect(errorOf(await cloud.call('activities', 'list', {}, asDesk(a.sid)))).toBe(SIGNED_OUT)
    expect(cloud.store.findOne('deskSessions', { _id: a.sid })).toMatchObject({ status: 'revoked', endedBy: 'phone' })
    expect(errorOf(await cloud.call('auth', 'deskRevoke', { sid: a.sid }, 'demo-staff'))).toMatch(/^CONFLICT /)

    const b = await signIn()
    expect(await cloud.ok('auth', 'deskRevoke', { sid: b.sid }, 'demo-admin')).toEqual({ revoked: true })
    expect(cloud.store.findOne('deskSessions', { _id: b.sid })).toMatchObject({ status: 'revoked', endedBy: 'admin' })
    expect(errorOf(await cloud.call('users', 'me', {}, asDesk(b.sid)))).toBe(SIGNED_OUT)
  })

  it('signs out from the PC itself (desk callers only)', async () => {
    const s = await signIn()
    expect(errorOf(await cloud.call('auth', 'deskSignOut', {}, 'demo-staff'))).toMatch(/^FORBIDDEN /)
    expect(await cloud.ok('auth', 'deskSignOut', {}, asDesk(s.sid))).toEqual({ ended: true })
    expect(cloud.store.findOne('deskSessions', { _id: s.sid })).toMatchObject({ status: 'ended', endedBy: 'self' })
    expect(errorOf(await cloud.call('users', 'me', {}, asDesk(s.sid)))).toBe(SIGNED_OUT)
  })

  it('ends after 2 h idle, stays while used (lastSeenAt at most every 5 min), and ends 12 h after the confirmation', async () => {
    const idle = await signIn()
    cloud.clock.advance(DESK_IDLE_TTL_MS)
    expect(errorOf(await cloud.call('users', 'me', {}, asDesk(idle.sid)))).toBe(SIGNED_OUT)

    cloud.clock.set(NOW)
    const used = await signIn()
    const confirmedAt = cloud.clock.now()
    // Within 5 minutes of the last write nothing is written.
    cloud.clock.advance(60_000)
    const quiet = await cloud.callWithStats('users', 'me', {}, asDesk(used.sid))
    expect(quiet.reply.ok).toBe(true)
    expect(new Date(cloud.store.findOne('deskSessions', { _id: used.sid })!.lastSeenAt).getTime()).toBe(confirmedAt)
    let at = confirmedAt
    while (at + 100 * 60_000 < confirmedAt + DESK_SESSION_TTL_MS) {
      at += 100 * 60_000
      cloud.clock.set(at)
      expect(errorOf(await cloud.call('users', 'me', {}, asDesk(used.sid)))).toBe('ok')
      expect(new Date(cloud.store.findOne('deskSessions', { _id: used.sid })!.lastSeenAt).getTime()).toBe(at)
    }
    cloud.clock.set(confirmedAt + DESK_SESSION_TTL_MS)
    expect(errorOf(await cloud.call('users', 'me', {}, asDesk(used.sid)))).toBe(SIGNED_OUT)
  })

  it('is refused once its person no longer holds a staff-class role', async () => {
    const s = await signIn('demo-staff-2')
    expect((await cloud.ok('users', 'me', {}, asDesk(s.sid))).openid).toBe('demo-staff-2')
    const user = cloud.store.findOne('users', { _id: 'demo-staff-2' })!
    cloud.store.updateOne('users', { _id: 'demo-staff-2' }, { $set: { roles: ['member'] } })
    try {
      expect(errorOf(await cloud.call('users', 'me', {}, asDesk(s.sid)))).toBe(SIGNED_OUT)
      expect(errorOf(await cloud.call('activities', 'list', {}, asDesk(s.sid)))).toBe(SIGNED_OUT)
    } finally {
      cloud.store.updateOne('users', { _id: 'demo-staff-2' }, { $set: { roles: user.roles } })
    }
    expect((await cloud.ok('users', 'me', {}, asDesk(s.sid))).openid).toBe('demo-staff-2')
  })

  it('is refused the phone-only actions (请在手机上操作), each of which names a real action', async () => {
    for (const name of PHONE_ONLY) {
      const [fn, action] = name.split('.')
      expect({ name, exists: !!ROUTERS[fn] && Object.prototype.hasOwnProperty.call(ROUTERS[fn], action) }).toEqual({ name, exists: true })
    }
    const s = await signIn()
    const other = await start()
    for (const [fn, action, input] of [
      ['tickets', 'create', {}],
      ['activities', 'signUp', { activityId: 'x' }],
      ['users', 'deleteAccount', {}],
      ['auth', 'deskScan', { scene: other.scene }],
      ['auth', 'deskConfirm', { scene: other.scene }],
      ['auth', 'deskRevoke', { sid: s.sid }]
    ] as const) {
      // Valid input or not, a PC gets no further, and nothing is read.
      const { reply, stats } = await cloud.callWithStats(fn, action, input, asDesk(s.sid))
      expect({ action: `${fn}.${action}`, reply: errorOf(reply), dbRequests: stats.dbRequests }).toEqual({ action: `${fn}.${action}`, reply: 'FORBIDDEN 请在手机上操作', dbRequests: 0 })
    }
    // The same calls from the phone are not refused for where they come from.
    expect(errorOf(await cloud.call('tickets', 'create', {}, 'demo-staff'))).toMatch(/^INVALID_INPUT /)
    expect(errorOf(await cloud.call('auth', 'deskScan', { scene: other.scene }, asDesk(s.sid)))).toBe('FORBIDDEN 请在手机上操作')
    expect(cloud.store.findOne('deskSessions', { _id: other.sid })!.status).toBe('pending')
    expect(cloud.store.findOne('deskSessions', { _id: s.sid })!.status).toBe('active')
  })

  it('is no caller for a custom-login uid that is not a desk session, an unknown sid, or an anonymous web user', async () => {
    const web = (customUserId: string) => ({ web: { uid: 'tcbu-x', customUserId, anonymous: false } })
    for (const invoker of [web('demo-staff'), web('ds_short'), web('ds_' + 'Q'.repeat(22)), anonymousWeb()]) {
      const reply = await cloud.call('users', 'me', {}, invoker)
      expect(reply.ok ? 'ok' : reply.error.code).toBe('UNAUTHENTICATED')
      expect(errorOf(await cloud.call('activities', 'list', {}, invoker))).toMatch(/^UNAUTHENTICATED /)
    }
    // Public actions answer them.
    expect((await cloud.call('wishes', 'deedTotals', {}, anonymousWeb())).ok).toBe(true)
    expect((await cloud.call('auth', 'deskStart', { ua: '' }, anonymousWeb(nextIp()))).ok).toBe(true)
  })

  it('says in the log, once, when a signed-in web user arrives without a customUserId (the deploy smoke check)', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const noCustom = { web: { uid: 'tcbu-nocustom', anonymous: false } }
      for (let i = 0; i < 2; i++) expect(errorOf(await cloud.call('users', 'me', {}, noCustom))).toMatch(/^UNAUTHENTICATED /)
      await cloud.call('users', 'me', {}, anonymousWeb())
      const told = warn.mock.calls.filter((args) => String(args[0]).includes('without TCB_CUSTOM_USER_ID'))
      expect(told).toHaveLength(1)
    } finally {
      warn.mockRestore()
    }
  })

  it('ignores identity smuggled in the event', async () => {
    const smuggled = { userInfo: { openId: 'demo-admin', appId: 'wx0000000000000000' }, tcbContext: { customUserId: 'ds_' + 'Z'.repeat(22) } }
    expect(errorOf(await cloud.call('users', 'me', smuggled, anonymousWeb()))).toMatch(/^UNAUTHENTICATED /)
    const s = await signIn()
    expect((await cloud.ok('users', 'me', smuggled, asDesk(s.sid))).openid).toBe('demo-staff')
    // A web page is never the timer, nor WeChat's image-check push, signed in or not.
    const verdict = { MsgType: 'event', Event: 'wxa_media_check', trace_id: 'trace-from-web', result: { suggest: 'pass', label: 100 } }
    for (const invoker of [anonymousWeb(), asDesk(s.sid)]) {
      expect(errorOf(await cloud.call('auth', undefined as unknown as string, { Type: 'Timer', TriggerName: 'sweep' }, invoker))).toMatch(/^FORBIDDEN /)
      expect(errorOf(await cloud.call('tickets', undefined as unknown as string, { Type: 'Timer', TriggerName: 'sweep' }, invoker))).toMatch(/^FORBIDDEN /)
      expect(errorOf(await cloud.call('tickets', undefined as unknown as string, verdict, invoker))).toMatch(/^FORBIDDEN /)
    }
  })

  it('writes audit rows for sign-in (phone), sign-out (PC, via desk) and revoke (phone)', async () => {
    const s = await signIn()
    const signInRow = cloud.store.findOne('auditLogs', { action: 'auth.deskSignIn', 'target.id': s.sid })!
    expect(signInRow).toMatchObject({ actor: 'demo-staff', actorName: '张敏', target: { collection: 'deskSessions' }, detail: { ua: UA } })
    expect(signInRow.via).toBeUndefined()
    await cloud.ok('auth', 'deskSignOut', {}, asDesk(s.sid))
    expect(cloud.store.findOne('auditLogs', { action: 'auth.deskSignOut', 'target.id': s.sid })).toMatchObject({ actor: 'demo-staff', via: 'desk', sessionId: s.sid })
    const r = await signIn()
    await cloud.ok('auth', 'deskRevoke', { sid: r.sid }, 'demo-staff')
    const revoke = cloud.store.findOne('auditLogs', { action: 'auth.deskRevoke', 'target.id': r.sid })!
    expect(revoke).toMatchObject({ actor: 'demo-staff', detail: { owner: 'demo-staff', endedBy: 'phone' } })
    expect(revoke.via).toBeUndefined()
    // Labelled on the 访问记录 page.
    const page = await cloud.ok('users', 'auditLogs', { auditAction: 'auth.deskSignIn' }, 'demo-admin')
    expect(page.items.some((e: { target: { id: string }; actionLabel: string }) => e.target.id === s.sid && e.actionLabel === '扫码登录管理后台')).toBe(true)
    // What a PC did shows as done from a PC, under the kind 电脑登录.
    const signOuts = await cloud.ok('users', 'auditLogs', { kind: 'desk' }, 'demo-admin')
    expect(signOuts.items.find((e: { action: string; target: { id: string } }) => e.action === 'auth.deskSignOut' && e.target.id === s.sid)).toMatchObject({ via: 'desk', sessionId: s.sid, kind: 'desk' })
  })

  it('costs what a phone call costs once the instance knows the session (one plain, one withFirstRead action)', async () => {
    const s = await signIn()
    for (const [fn, action] of [
      ['users', 'me'],
      ['activities', 'list']
    ] as const) {
      await cloud.call(fn, action, {}, asDesk(s.sid)) // warm: sid → openid known
      await cloud.call(fn, action, {}, 'demo-staff')
      const phone = await cloud.callWithStats(fn, action, {}, 'demo-staff')
      const desk = await cloud.callWithStats(fn, action, {}, asDesk(s.sid))
      expect(desk.reply.ok && phone.reply.ok).toBe(true)
      if (process.env.PRINT_ROUND_TRIPS) console.log(`${fn}.${action}`, { desk: desk.stats.dbRequests, phone: phone.stats.dbRequests })
      expect({ action: `${fn}.${action}`, desk: desk.stats.dbRequests }).toEqual({ action: `${fn}.${action}`, desk: phone.stats.dbRequests })
    }
  })

  it('costs one read more on an instance that does not know the session yet (withFirstRead), and shares the person’s rate budget with the phone', async () => {
    const s = await signIn()
    const phone = await cloud.callWithStats('activities', 'list', {}, 'demo-staff')
    const cold = await cloud.callWithStats('activities', 'list', {}, asDesk(s.sid))
    expect(cold.reply.ok).toBe(true)
    expect(cold.stats.dbRequests).toBe(phone.stats.dbRequests + 1)
    // tickets.comment: 20 a minute per person, PC and phone together (p:<openid>).
    const comment = { ticketId: 'no-such-ticket', text: '还没有修好' }
    const openid = 'demo-staff-2'
    const other = await signIn(openid)
    for (let i = 0; i < 20; i++) expect(errorOf(await cloud.call('tickets', 'comment', comment, i % 2 ? openid : asDesk(other.sid)))).not.toMatch(/^RATE_LIMITED/)
    expect(errorOf(await cloud.call('tickets', 'comment', comment, openid))).toMatch(/^RATE_LIMITED /)
    expect(errorOf(await cloud.call('tickets', 'comment', comment, asDesk(other.sid)))).toMatch(/^RATE_LIMITED /)
  })

  it('round trips of the sign-in: deskStart ≤ 3, deskPoll ≤ 2 (3 with the ticket), deskScan / deskConfirm ≤ 3', async () => {
    const ip = nextIp()
    const started = await cloud.callWithStats('auth', 'deskStart', { ua: UA }, anonymousWeb(ip))
    const s = (started.reply as { data: Started }).data
    const polled = await cloud.callWithStats('auth', 'deskPoll', { sid: s.sid, pollSecret: s.pollSecret }, anonymousWeb(ip))
    const scan = await cloud.callWithStats('auth', 'deskScan', { scene: s.scene }, 'demo-staff')
    const confirm = await cloud.callWithStats('auth', 'deskConfirm', { scene: s.scene }, 'demo-staff')
    const ticket = await cloud.callWithStats('auth', 'deskPoll', { sid: s.sid, pollSecret: s.pollSecret }, anonymousWeb(ip))
    const counts = { start: started.stats.dbRequests, poll: polled.stats.dbRequests, scan: scan.stats.dbRequests, confirm: confirm.stats.dbRequests, ticket: ticket.stats.dbRequests }
    if (process.env.PRINT_ROUND_TRIPS) console.log('desk sign-in round trips', counts)
    expect(counts.start).toBeLessThanOrEqual(3)
    expect(counts.poll).toBeLessThanOrEqual(2)
    expect(counts.ticket).toBeLessThanOrEqual(3)
    expect(counts.scan).toBeLessThanOrEqual(3)
    expect(counts.confirm).toBeLessThanOrEqual(3)
    expect((ticket.reply as { ok: boolean }).ok).toBe(true)
  })

  it('the hourly sweep records what expired, and reads never needed it', async () => {
    // Only this test's sessions (the counts are exact).
    cloud.store.deleteMany('deskSessions', {})
    const pending = await start()
    const active = await signIn()
    const unfetched = await start()
    await cloud.ok('auth', 'deskScan', { scene: unfetched.scene }, 'demo-staff')
    await cloud.ok('auth', 'deskConfirm', { scene: unfetched.scene }, 'demo-staff')
    const sweep = () => cloud.call('auth', undefined as unknown as string, { Type: 'Timer', TriggerName: 'sweep' })
    // Nothing is over yet.
    expect(await sweep()).toEqual({ ok: true, data: { expiredCodes: 0, expiredSessions: 0 } })
    const fresh = await start()
    const kept = await signIn()
    // kept is used an hour later; the other PC is left idle.
    cloud.clock.advance(3_600_000)
    expect((await cloud.ok('users', 'me', {}, asDesk(kept.sid))).openid).toBe('demo-staff')
    cloud.clock.advance(DESK_IDLE_TTL_MS - 3_600_000 + 60_000)
    const fresher = await start()
    expect(await sweep()).toEqual({ ok: true, data: { expiredCodes: 3, expiredSessions: 1 } })
    const status = (sid: string) => cloud.store.findOne('deskSessions', { _id: sid })!.status
    expect([pending, active, unfetched, fresh, kept, fresher].map((x) => status(x.sid))).toEqual(['expired', 'expired', 'expired', 'expired', 'active', 'pending'])
    expect(errorOf(await cloud.call('users', 'me', {}, asDesk(active.sid)))).toBe(SIGNED_OUT)
    // A phone may not run it.
    expect(errorOf(await cloud.call('auth', undefined as unknown as string, { Type: 'Timer', TriggerName: 'sweep' }, 'demo-admin'))).toMatch(/^FORBIDDEN /)
  })
})
