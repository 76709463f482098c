/**
 * Issue #16, abuse and input rows: rate limits as data (server/core/rateLimits.ts, applied by the
 * function shell), the content check on every text others see, the notices timer only for the
 * cloud's timer, invisible characters, and impossible dates.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { dateTimeSchema, dayStringSchema, stripInvisible, text } from '../../contracts/common'
import { RATE_LIMITS, type RateLimit } from '../../server/core/rateLimits'
import { TICKET_LIMITS } from '../../contracts/tickets'
import { BLOCKED_WORDS } from '../../server/platform/local'
import { anonymousWeb, startTestCloud, type Caller, type TestCloud } from '../support/cloud'

let cloud: TestCloud
let sceneC1: string

beforeAll(async () => {
  cloud = await startTestCloud()
  sceneC1 = (await cloud.ok('qrcodes', 'community', { communityId: 'c1' }, 'demo-staff')).scene
})
afterAll(() => cloud?.close())

const START = '2026-11-27T09:00:00+08:00'
let minute = 0
/** Every test in its own minute: the per-minute buckets of one test do not reach the next. */
beforeEach(() => {
  cloud.clock.set(new Date(START).getTime() + minute++ * 3_600_000)
})

const blocked = BLOCKED_WORDS[0]

function form(mobile: string, overrides: Record<string, unknown> = {}) {
  return {
    scene: sceneC1,
    name: '刘志远',
    mobile,
    workUnit: '市第一人民医院',
    partyOrg: '市一院党委第二党支部',
    gridId: 'c1g2',
    buildingId: 'c1g2b3',
    unit: '2',
    room: '502',
    skills: ['医疗保健'],
    services: ['elderly'],
    consent: true,
    ...overrides
  }
}

/** An input each limited action accepts (whatever the handler then answers). */
const INPUTS: Record<string, object> = {
  'tickets.create': { category: 'drain', description: '1号楼门口下水道堵塞，污水漫到路面', gridId: 'c1g1', buildingId: 'c1g1b1' },
  'tickets.comment': { ticketId: 'no-such-ticket', text: '还没有修好' },
  'tickets.confirm': { ticketId: 'no-such-ticket', rating: 5 },
  'tickets.reopen': { ticketId: 'no-such-ticket' },
  'members.register': form('13600000099', { scene: 'nosuchscene' }),
  'wishes.create': { title: '想要一台轮椅', gridId: 'c1g1' },
  'wishes.claim': { wishId: 'no-such-wish' },
  'wishes.confirm': { wishId: 'no-such-wish' },
  'wishes.cancel': { wishId: 'no-such-wish' },
  'activities.signUp': { activityId: 'no-such-activity' },
  'activities.withdraw': { activityId: 'no-such-activity' },
  'activities.setPreferences': { rankingOptIn: false },
  'activities.joinVolunteers': { name: '限流测试', mobile: '13800000012', consent: true },
  'users.exportMyData': {},
  'users.withdrawConsent': { purpose: 'ranking' },
  'users.deleteAccount': { confirm: true },
  'centers.book': { roomId: 'no-such-room', start: '2026-12-01 10:00', purpose: '党小组学习', attendees: 5 },
  'centers.cancel': { bookingId: 'no-such-booking' },
  'activities.verifyCertificate': { certificateNo: 'HL-000000' },
  'wishes.deedTotals': { communityId: 'c1' },
  'auth.deskStart': { ua: 'rate-limit test' },
  'auth.deskPoll': { sid: 'ds_RateLimitTestSession00', pollSecret: 'x'.repeat(32) },
  'auth.roleInvite': { code: 'ABCDEFGH' },
  'auth.acceptRole': { code: 'ABCDEFGH' },
  'members.importPreview': { kind: 'members', scope: 'c1', fileName: '名册.xlsx', file: 'AAAA' },
  'members.importConfirm': { kind: 'members', scope: 'c1', fileName: '名册.xlsx', file: 'AAAA', previewToken: 'stale' },
  'teams.importPreview': { kind: 'teamMembers', scope: 'no-such-team', fileName: '队员.xlsx', file: 'AAAA' },
  'teams.importConfirm': { kind: 'teamMembers', scope: 'no-such-team', fileName: '队员.xlsx', file: 'AAAA', previewToken: 'stale' }
}

/**
 * Rows keyed by the machine (`keyedBy`: the PC's sign-in before anyone signed in), not the person:
 * who "one caller" and "someone else" are for them — a PC by its IP, a desk session by its sid.
 */
const MACHINES: Record<string, (other: boolean) => { input: object; invoker: Caller }> = {
  'auth.deskStart': (other) => ({ input: INPUTS['auth.deskStart'], invoker: anonymousWeb(other ? '203.0.113.2' : '203.0.113.1') }),
  'auth.deskPoll': (other) => ({ input: { ...INPUTS['auth.deskPoll'], sid: other ? 'ds_RateLimitTestSession01' : 'ds_RateLimitTestSession00' }, invoker: anonymousWeb('203.0.113.3') })
}

const codeOf = (reply: { ok: boolean; error?: { code: string; message: string } }) => (reply.ok ? 'ok' : reply.error!.code)

/** The current window's key, Asia/Shanghai (`2026-11-27T09:30`, `2026-11-27`), as server/core/quota.ts names it. */
const windowNow = (window: 'minute' | 'day') => new Date(cloud.clock.now() + 8 * 3_600_000).toISOString().slice(0, window === 'minute' ? 16 : 10)
/** The daily units `openid` holds today of the limit `key` (its `perDay`): the elements of today in the person's `p_day`. */
const dayUnits = (key: string, openid: string): number =>
  ((cloud.store.get('rateLimits', `${key}:p:${openid}`)?.p_day as string[] | undefined) ?? []).filter((e) => e.startsWith(`${windowNow('day')}~`)).length
/** The compound's counter of `key`, full for the current minute. */
function fillCompound(key: string, compound: string, limit: number): void {
  const id = `${key}:c:${compound}`
  cloud.store.deleteOne('rateLimits', { _id: id })
  cloud.store.insertOne('rateLimits', { _id: id, key, subject: `c:${compound}`, c_minute: Array.from({ length: limit }, (_, i) => `${windowNow('minute')}~x${i}`) })
}

describe('rate limits as data', () => {
  it('the table names the user-generated actions and public lookups the issue asks for, and no staff action', () => {
    for (const key of ['tickets.create', 'tickets.comment', 'members.register', 'wishes.create', 'activities.signUp', 'centers.book', 'activities.verifyCertificate'])
      expect(RATE_LIMITS[key]).toBeDefined()
    expect(Object.keys(RATE_LIMITS).filter((key) => key.startsWith('notices.'))).toEqual([])
    for (const row of Object.values(RATE_LIMITS)) expect(row.message).toMatch(/[\u4e00-\u9fa5]/)
  })

  it('every cloud function passes its name to the shell, so the table is looked up', () => {
    const dir = join(__dirname, '../../cloudfunctions')
    for (const fn of new Set(Object.keys(RATE_LIMITS).map((key) => key.split('.')[0]))) {
      expect(readFileSync(join(dir, fn, 'index.ts'), 'utf8')).toContain(`defineFunction('${fn}',`)
    }
  })

  it.each(Object.entries(RATE_LIMITS))('%s: one person past the limit answers RATE_LIMITED with its message', async (key, row) => {
    const [fn, action] = key.split('.')
    expect(INPUTS[key]).toBeDefined()
    expect(!!row.keyedBy).toBe(!!MACHINES[key])
    if (row.keyedBy) return machinePastTheLimit(key, row)
    const openid = `rl-${key}`
    // A daily allowance smaller than the minute's ends first (a call it refuses spends no minute
    // unit): then calls the handler refuses, one after the other (each gives its day's unit back),
    // reach the minute's limit.
    const daily = row.perDay && row.perDay.limit < row.perPerson
    const input = daily ? { ...INPUTS[key], gridId: 'nowhere' } : INPUTS[key]
    // Ten at a time at the same instant: exactly `perPerson` pass the gate (whatever the handler answers them).
    const first = []
    for (let i = 0; i < row.perPerson; i += daily ? 1 : 10)
      first.push(...(await Promise.all(Array.from({ length: daily ? 1 : Math.min(10, row.perPerson - i) }, () => cloud.call(fn, action, input, openid)))))
    expect(first.filter((r) => !r.ok && r.error.code === 'RATE_LIMITED' && r.error.message === row.message)).toEqual([])
    const over = await cloud.call(fn, action, input, openid)
    expect(over).toEqual({ ok: false, error: { code: 'RATE_LIMITED', message: row.message } })
    // Someone else is not affected.
    const notThisLimit = (reply: Awaited<ReturnType<typeof cloud.call>>) => reply.ok || reply.error.message !== row.message
    expect(notThisLimit(await cloud.call(fn, action, input, `${openid}-other`))).toBe(true)
    // The next window opens again (a daily allowance inside the handler may still answer).
    cloud.clock.advance(row.window === 'day' ? 86_400_000 : row.window === 'hour' ? 3_600_000 : 60_000)
    expect(notThisLimit(await cloud.call(fn, action, input, openid))).toBe(true)
  })

  /** A row keyed by the machine: the same, with the PC (or its session) as the one caller. */
  async function machinePastTheLimit(key: string, row: RateLimit) {
    const [fn, action] = key.split('.')
    const one = MACHINES[key](false)
    const first = []
    for (let i = 0; i < row.perPerson; i += 10)
      first.push(...(await Promise.all(Array.from({ length: Math.min(10, row.perPerson - i) }, () => cloud.call(fn, action, one.input, one.invoker)))))
    expect(first.filter((r) => !r.ok && r.error.code === 'RATE_LIMITED')).toEqual([])
    // The calls reached the gate with a valid input (whatever the handler then answered).
    expect(first.filter((r) => !r.ok && r.error.code === 'INVALID_INPUT')).toEqual([])
    expect(await cloud.call(fn, action, one.input, one.invoker)).toEqual({ ok: false, error: { code: 'RATE_LIMITED', message: row.message } })
    // Another machine is not affected (a new QR code from another IP; another session's polls);
    // a QR code asked for from elsewhere (a phone: no IP here) counts in the shared bucket, not this IP's.
    const other = MACHINES[key](true)
    expect(codeOf(await cloud.call(fn, action, other.input, other.invoker))).not.toBe('RATE_LIMITED')
    if (key === 'auth.deskStart') expect(codeOf(await cloud.call(fn, action, one.input, 'rl-phone'))).not.toBe('RATE_LIMITED')
    cloud.clock.advance(60_000)
    expect(codeOf(await cloud.call(fn, action, one.input, one.invoker))).not.toBe('RATE_LIMITED')
  }

  it('a ticket past the limit changes nothing', async () => {
    const openid = 'rl-ticket-nothing'
    const limit = RATE_LIMITS['tickets.create'].perPerson
    for (let i = 0; i < limit; i++) await cloud.call('tickets', 'create', INPUTS['tickets.create'], openid)
    const tickets = cloud.store.count('tickets', {})
    // The day's allowance of reports (the row's `perDay` bucket): a refused call spends none of it.
    const allowance = () => dayUnits('tickets.create', openid)
    const spent = allowance()
    expect(spent).toBe(TICKET_LIMITS.perDay)
    const reply = await cloud.call('tickets', 'create', INPUTS['tickets.create'], openid)
    expect(codeOf(reply)).toBe('RATE_LIMITED')
    expect(cloud.store.count('tickets', {})).toBe(tickets)
    expect(allowance()).toBe(spent)
  })

  it('a sign-up past the limit changes nothing', async () => {
    const openid = 'rl-signup-nothing'
    const limit = RATE_LIMITS['activities.signUp'].perPerson
    await Promise.all(Array.from({ length: limit }, () => cloud.call('activities', 'signUp', { activityId: 'no-such-activity' }, openid)))
    const activity = await cloud.ok(
      'activities',
      'create',
      { title: '社区义诊志愿服务', category: '文明创建', description: '协助医生开展义诊', start: '2026-12-29 09:00', end: '2026-12-29 11:00', signUpDeadline: '2026-12-28 18:00', place: { name: '锦绣花园活动中心' }, capacity: 5 },
      'demo-staff'
    )
    const reply = await cloud.call('activities', 'signUp', { activityId: activity._id }, openid)
    expect(codeOf(reply)).toBe('RATE_LIMITED')
    expect(cloud.store.count('activitySignups', { activityId: activity._id })).toBe(0)
    expect(cloud.store.get('activities', activity._id)).toMatchObject({ confirmedCount: 0 })
  })

  it('a registration past the limit changes nothing', async () => {
    const openid = 'rl-register-nothing'
    const limit = RATE_LIMITS['members.register'].perPerson
    await Promise.all(Array.from({ length: limit }, () => cloud.call('members', 'register', INPUTS['members.register'], openid)))
    const reply = await cloud.call('members', 'register', form('13600000098'), openid)
    expect(codeOf(reply)).toBe('RATE_LIMITED')
    expect(cloud.store.count('registrations', { openid })).toBe(0)
  })

  it('a compound flooded by many fresh openids is cut off as a whole', async () => {
    const row = RATE_LIMITS['tickets.create']
    // The compound's units of the current minute, filled up to the limit.
    fillCompound('tickets.create', 'c1g1', row.perCommunity!)
    const tickets = cloud.store.count('tickets', {})
    const reply = await cloud.call('tickets', 'create', INPUTS['tickets.create'], 'rl-fresh-openid')
    expect(reply).toEqual({ ok: false, error: { code: 'RATE_LIMITED', message: row.message } })
    expect(cloud.store.count('tickets', {})).toBe(tickets)
    // Another compound is not affected.
    expect(codeOf(await cloud.call('tickets', 'create', { ...INPUTS['tickets.create'], gridId: 'c1g2', buildingId: undefined }, 'rl-fresh-openid-2'))).not.toBe('RATE_LIMITED')
  })

  it("a compound's limit refuses a report without spending the reporter's daily allowance", async () => {
    // The compound's counter of this minute is full; the reporter has reported nothing today.
    const row = RATE_LIMITS['tickets.create']
    fillCompound('tickets.create', 'c1g1', row.perCommunity!)
    const openid = 'rl-daily-kept'
    // Once with the person's document missing (added), once with it there (updated with the compound's).
    for (let i = 0; i < 2; i++) {
      const before = await cloud.call('tickets', 'create', INPUTS['tickets.create'], openid)
      expect(before).toEqual({ ok: false, error: { code: 'RATE_LIMITED', message: row.message } })
      // Whatever the person's document took, the day's unit is back.
      expect(dayUnits('tickets.create', openid)).toBe(0)
    }
    // Once the compound is open again (next minute), the report goes through and spends one.
    cloud.clock.advance(60_000)
    expect((await cloud.call('tickets', 'create', INPUTS['tickets.create'], openid)).ok).toBe(true)
    expect(dayUnits('tickets.create', openid)).toBe(1)
  })

  it("a person's units cost one write, a new minute or day included, and their counter stays bounded (issue #15)", async () => {
    // A withFirstRead action the handler then refuses (no such ticket): the first read, the units' write, nothing else.
    const trips = async (openid: string) => (await cloud.callWithStats('tickets', 'comment', INPUTS['tickets.comment'], openid)).stats.dbRequests
    const first = await trips('rl-trips')
    expect(await trips('rl-trips')).toBe(first)
    cloud.clock.advance(60_000)
    expect(await trips('rl-trips')).toBe(first)
    cloud.clock.advance(86_400_000)
    expect(await trips('rl-trips')).toBe(first)
    // A public lookup with an openid (not withFirstRead): the identity read carries the counter.
    const lookup = async () => (await cloud.callWithStats('wishes', 'deedTotals', INPUTS['wishes.deedTotals'], 'rl-trips')).stats.dbRequests
    const firstLookup = await lookup()
    cloud.clock.advance(60_000)
    expect(await lookup()).toBe(firstLookup)
    // Many windows later the person's document holds at most `limit` elements per unit.
    const row = RATE_LIMITS['tickets.comment']
    for (let i = 0; i < 3 * row.perPerson; i++) {
      if (i % 7 === 0) cloud.clock.advance(60_000)
      await cloud.call('tickets', 'comment', INPUTS['tickets.comment'], 'rl-trips')
    }
    const doc = cloud.store.get('rateLimits', 'tickets.comment:p:rl-trips')!
    expect((doc.p_minute as string[]).length).toBe(row.perPerson)
    expect((doc.p_minute as string[]).filter((e) => e.startsWith(`${windowNow('minute')}~`)).length).toBeLessThanOrEqual(row.perPerson)
  })

  it('fresh openids flooding a nearly full compound at once: exactly the units left pass, each day allowance spent only by them', async () => {
    const row = RATE_LIMITS['tickets.create']
    fillCompound('tickets.create', 'c1g1', row.perCommunity! - 3)
    const openids = Array.from({ length: 12 }, (_, i) => `rl-flood-${i}`)
    const replies = await Promise.all(openids.map((openid) => cloud.call('tickets', 'create', INPUTS['tickets.create'], openid)))
    const limited = replies.filter((r) => !r.ok && r.error.code === 'RATE_LIMITED')
    expect(limited.length).toBe(9)
    expect(limited.every((r) => !r.ok && r.error.message === row.message)).toBe(true)
    // The figure equals a direct count: the compound's units of this minute, the reports made, the day units held.
    const compound = cloud.store.get('rateLimits', 'tickets.create:c:c1g1')!.c_minute as string[]
    expect(compound.filter((e) => e.startsWith(`${windowNow('minute')}~`)).length).toBe(row.perCommunity)
    expect(openids.reduce((n, openid) => n + dayUnits('tickets.create', openid), 0)).toBe(replies.filter((r) => r.ok).length)
  })

  it('200 certificate guesses from one openid are cut off after the limit', async () => {
    const row = RATE_LIMITS['activities.verifyCertificate']
    const guesses = Array.from({ length: 200 }, (_, i) => `HL-${String(100000 + i)}`)
    const replies = []
    for (let i = 0; i < guesses.length; i += 50)
      replies.push(...(await Promise.all(guesses.slice(i, i + 50).map((no) => cloud.call('activities', 'verifyCertificate', { certificateNo: no }, 'guesser')))))
    const limited = replies.filter((r) => !r.ok && r.error.code === 'RATE_LIMITED')
    expect(replies.length - limited.length).toBe(row.perPerson)
    expect(limited.length).toBe(200 - row.perPerson)
  })

  it('200 certificate guesses without an openid (H5 emulator) share one global bucket per minute', async () => {
    const row = RATE_LIMITS['activities.verifyCertificate']
    const replies = []
    for (let i = 0; i < 200; i += 50)
      replies.push(...(await Promise.all(Array.from({ length: 50 }, (_, j) => cloud.call('activities', 'verifyCertificate', { certificateNo: `HL-${200000 + i + j}` })))))
    const passed = replies.filter((r) => r.ok || r.error.code !== 'RATE_LIMITED')
    expect(passed.length).toBe(row.anonymous)
    cloud.clock.advance(60_000)
    expect(codeOf(await cloud.call('activities', 'verifyCertificate', { certificateNo: 'HL-299999' }))).not.toBe('RATE_LIMITED')
  })
})

describe('content check on every text others see', () => {
  it.each([
    ['name', { name: `王${blocked}` }],
    ['workUnit', { workUnit: `${blocked}有限公司` }],
    ['partyOrg', { partyOrg: `${blocked}党支部` }],
    ['skills', { skills: ['理发', `${blocked}`] }]
  ])('a registration with a blocked word in %s is refused, naming the field, and nothing is stored', async (field, overrides) => {
    const openid = `cc-register-${field}`
    const reply = await cloud.call('members', 'register', form(`1370000000${field.length}`, overrides), openid)
    expect(reply.ok).toBe(false)
    if (!reply.ok) {
      expect(reply.error.code).toBe('INVALID_INPUT')
      expect(reply.error.fields).toEqual([field])
      expect(reply.error.message).toMatch(/违规/)
    }
    expect(cloud.store.count('registrations', { openid })).toBe(0)
  })

  it('a reject reason with a blocked word is refused and the registration stays pending', async () => {
    const out = await cloud.ok('members', 'register', form('13700000101'), 'cc-review')
    const id = out.registration.id as string
    const reply = await cloud.call('members', 'review', { registrationId: id, decision: 'reject', reason: `涉嫌${blocked}` }, 'demo-staff')
    expect(reply.ok).toBe(false)
    if (!reply.ok) expect(reply.error).toMatchObject({ code: 'INVALID_INPUT', fields: ['reason'] })
    expect(cloud.store.get('registrations', id)).toMatchObject({ status: 'pending' })
    await cloud.ok('members', 'review', { registrationId: id, decision: 'reject', reason: '住址不在本社区辖区' }, 'demo-staff')
    expect(cloud.store.get('registrations', id)).toMatchObject({ status: 'rejected', rejectReason: '住址不在本社区辖区' })
  })
})

describe('the notices timer', () => {
  it('a person calling {Type: "Timer"} with an openid does not run it', async () => {
    const reply = await cloud.call('notices', undefined as unknown as string, { Type: 'Timer', TriggerName: 'pushDueNotices' }, 'demo-resident')
    expect(reply).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: expect.any(String) } })
  })

  it('the cloud timer (no openid) runs it', async () => {
    const reply = await cloud.call('notices', undefined as unknown as string, { Type: 'Timer', TriggerName: 'pushDueNotices' })
    expect(reply.ok).toBe(true)
  })

  it('a trigger name that is no job of the function runs nothing, prototype names included', async () => {
    for (const name of ['nope', 'constructor', 'toString', '__proto__', 'hasOwnProperty'])
      for (const fn of ['notices', 'activities', 'centers', 'tickets'])
        expect(await cloud.call(fn, undefined as unknown as string, { Type: 'Timer', TriggerName: name })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
  })
})

describe('invisible characters', () => {
  const zw = ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069']

  it('are removed before trimming and length checks', () => {
    expect(stripInvisible(zw.join(''))).toBe('')
    expect(stripInvisible('刘\u200B志\u202E远')).toBe('刘志远')
    // A joiner drawing one emoji is kept.
    expect(stripInvisible('👨\u200D👩\u200D👧')).toBe('👨\u200D👩\u200D👧')
    const name = text(2, 30, '姓名')
    expect(name.safeParse('\u200B\u200B\u200B').success).toBe(false)
    expect(name.parse(' 刘\u200B志远\uFEFF ')).toBe('刘志远')
  })

  it('a registration name of three U+200B is refused with a Chinese message and nothing is stored', async () => {
    const openid = 'zw-register'
    const reply = await cloud.call('members', 'register', form('13700000201', { name: '\u200B\u200B\u200B' }), openid)
    expect(reply.ok).toBe(false)
    if (!reply.ok) {
      expect(reply.error).toMatchObject({ code: 'INVALID_INPUT', fields: ['name'] })
      expect(reply.error.message).toMatch(/姓名/)
    }
    expect(cloud.store.count('registrations', { openid })).toBe(0)
  })

  it('texts are stored without them', async () => {
    const out = await cloud.ok('members', 'register', form('13700000202', { name: '刘\u200B志\u202E远', workUnit: '\u2066市第一人民医院\u2069' }), 'zw-stored')
    expect(cloud.store.get('registrations', out.registration.id)).toMatchObject({ name: '刘志远', workUnit: '市第一人民医院' })
  })

  it('a ticket description of zero-width characters is refused', async () => {
    const reply = await cloud.call('tickets', 'create', { ...INPUTS['tickets.create'], description: '\u200B'.repeat(10) }, 'zw-ticket')
    expect(codeOf(reply)).toBe('INVALID_INPUT')
  })
})

describe('impossible dates', () => {
  it.each(['2026-13-45', '2026-02-30', '2026-04-31', '2026-00-10', '2025-02-29'])('activities.list {date: %s} is refused in Chinese', async (date) => {
    const reply = await cloud.call('activities', 'list', { date }, 'demo-resident')
    expect(reply.ok).toBe(false)
    if (!reply.ok) {
      expect(reply.error).toMatchObject({ code: 'INVALID_INPUT', fields: ['date'] })
      expect(reply.error.message).toMatch(/[\u4e00-\u9fa5]/)
      expect(reply.error.message).not.toMatch(/Invalid|expected/i)
    }
  })

  it('real days pass, 29 February of a leap year included', async () => {
    expect((await cloud.call('activities', 'list', { date: '2026-11-27' }, 'demo-resident')).ok).toBe(true)
    expect(dayStringSchema().safeParse('2028-02-29').success).toBe(true)
  })

  it('date-times with an impossible date or time are refused; real ones and epoch millis pass', () => {
    for (const bad of ['2026-13-45 09:00', '2026-02-30T10:00', '2026-11-27 25:00', '2026-11-27 09:61']) expect(dateTimeSchema.safeParse(bad).success).toBe(false)
    for (const good of ['2026-11-27 09:00', '2026-11-27T09:00:00+08:00', '2028-02-29 10:00', 1_764_000_000_000]) expect(dateTimeSchema.safeParse(good).success).toBe(true)
  })
})
