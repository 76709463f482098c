/**
 * The individual's rights in the app (issue #16, 个人信息保护法 第四十四—四十七条): see everything
 * held about me (`users.myData`), take a complete copy (`users.exportMyData`), withdraw a consent
 * (`users.withdrawConsent`) and delete the account (`users.deleteAccount`). Every outcome is
 * checked in the store.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { PRIVACY_POLICY_VERSION, type ConsentPurpose } from '../../contracts/privacy'
import { myDataOutput } from '../../contracts/users'
import { startTestCloud, type TestCloud } from '../support/cloud'
import { deliverMessages } from '../support/messages'

let cloud: TestCloud

beforeAll(async () => {
  cloud = await startTestCloud()
})
afterAll(() => cloud.close())

const codeOf = async (fn: string, action: string, input: object, openid?: string) => {
  const reply = await cloud.call(fn, action, input, openid)
  return reply.ok ? 'ok' : reply.error.code
}

let consentSeq = 0
/** A consent given a minute ago (as the flows that ask for it record it). */
function give(openid: string, purpose: ConsentPurpose) {
  cloud.store.insertOne('consents', {
    _id: `${openid}:${purpose}:test:${++consentSeq}`,
    openid,
    purpose,
    event: 'given',
    policyVersion: PRIVACY_POLICY_VERSION,
    at: new Date(cloud.clock.now() - 60_000),
    source: 'test'
  })
}

/**
 * The seed member of `reg` (an approved registration) with its number on their profile, the consent
 * given, and a confirmed sign-up of a new upcoming activity carrying that number.
 */
async function memberWithUpcomingSignUp(reg: any, activity: { title: string; start: string; end: string }) {
  const openid: string = reg.openid
  cloud.store.updateOne('users', { _id: openid }, { $set: { 'profile.mobile': reg.mobile } })
  give(openid, 'registration')
  const upcoming = await cloud.ok('activities', 'create', { ...activity, category: '文明创建', place: { name: '锦绣花园' }, capacity: 5 }, 'demo-staff')
  await cloud.ok('activities', 'signUp', { activityId: upcoming._id }, openid)
  expect(cloud.store.findOne('activitySignups', { _id: `${upcoming._id}:${openid}` })).toMatchObject({ mobile: reg.mobile, status: 'confirmed' })
  return { openid, upcoming }
}

const VERIFIED = ['approved', 'adjusted']
/** Verified hours as 我的服务时长 counts them, computed from the store. */
function verifiedOf(openid: string) {
  const records = cloud.store.select('serviceRecords', { openid }).filter((r: any) => VERIFIED.includes(r.status) && r.verifiedBy !== openid)
  const minutes = records.reduce((n: number, r: any) => n + (r.verifiedMinutes ?? 0), 0)
  return { hours: Math.round((minutes / 60) * 10) / 10, records: records.length }
}

/** Where each section of `myData` is in the store. */
const SECTION_QUERIES = (openid: string): Record<string, [string, Record<string, unknown>]> => ({
  registrations: ['registrations', { openid }],
  signUps: ['activitySignups', { openid }],
  serviceRecords: ['serviceRecords', { openid }],
  certificates: ['certificates', { openid }],
  teams: ['teamMembers', { openid }],
  bookings: ['bookings', { openid }],
  tickets: ['tickets', { reporterOpenid: openid }],
  wishes: ['wishes', { residentOpenid: openid }],
  claimedWishes: ['wishes', { memberOpenid: openid }],
  noticeSubscriptions: ['noticeSubscriptions', { _id: openid }]
})

describe('users.myData', () => {
  test.each(['demo-member', 'demo-resident'])('shows %s their real data with the true counts', async (openid) => {
    await cloud.ok('notices', 'subscribe', {}, openid)
    const data = myDataOutput.parse(await cloud.ok('users', 'myData', {}, openid))
    const user = cloud.store.findOne('users', { _id: openid }) as any
    expect(data.profile).toMatchObject({ name: user.profile.name, mobileMasked: `${user.profile.mobile.slice(0, 3)}****${user.profile.mobile.slice(7)}`, communityName: '东风社区', stored: true })
    expect(JSON.stringify(data)).not.toContain(user.profile.mobile)

    const queries = SECTION_QUERIES(openid)
    expect(data.sections.map((s) => s.key)).toEqual(Object.keys(queries))
    for (const section of data.sections) {
      const [collection, where] = queries[section.key]
      const total = cloud.store.count(collection, where)
      expect({ key: section.key, total: section.total }).toEqual({ key: section.key, total })
      expect(section.items.length).toBe(Math.min(5, total))
      for (const item of section.items) expect(cloud.store.count(collection, { ...where, _id: item.id })).toBe(1)
    }
    // Something real in each persona's main sections.
    const totalOf = (key: string) => data.sections.find((s) => s.key === key)!.total
    expect(totalOf('bookings')).toBeGreaterThan(0)
    expect(totalOf('noticeSubscriptions')).toBe(1)
    if (openid === 'demo-member') {
      expect(totalOf('registrations')).toBeGreaterThan(0)
      expect(totalOf('serviceRecords')).toBeGreaterThan(0)
      expect(totalOf('teams')).toBeGreaterThan(0)
      expect(totalOf('claimedWishes')).toBeGreaterThan(0)
      const registrations = data.sections.find((s) => s.key === 'registrations')!
      expect(registrations.items[0]).toMatchObject({ title: '东风社区', status: '已报到' })
    } else {
      expect(totalOf('tickets')).toBeGreaterThan(0)
      expect(totalOf('wishes')).toBeGreaterThan(0)
      // Her volunteer registration, and the number she shared on her reports, wishes and bookings (seeded with them).
      expect(data.consents).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ purpose: 'volunteer', active: true, policyVersion: PRIVACY_POLICY_VERSION, withdrawnAt: null }),
          expect.objectContaining({ purpose: 'contact', active: true, policyVersion: PRIVACY_POLICY_VERSION, withdrawnAt: null })
        ])
      )
      expect(data.consents).toHaveLength(2)
    }
    const volunteer = cloud.store.findOne('volunteers', { _id: openid }) as any
    if (volunteer) {
      const verified = verifiedOf(openid)
      expect(data.volunteer).toMatchObject({ volunteerNo: volunteer.volunteerNo, verifiedHours: verified.hours, verifiedRecords: verified.records, rankingOptIn: volunteer.rankingOptIn === true })
    } else expect(data.volunteer).toBeNull()
  })

  test('is read in two combined reads (each one aggregate over several collections)', async () => {
    const { reply, stats } = await cloud.callWithStats('users', 'myData', {}, 'demo-member')
    expect(reply.ok).toBe(true)
    // 1 (the caller) + 1 (every section, the volunteer record, hours, consents, places) + 1 (names): server/users/myData.ts.
    expect(stats.dbRequests).toBeLessThanOrEqual(3)
  })

  test('a newcomer has nothing held', async () => {
    const data = await cloud.ok('users', 'myData', {}, 'privacy-newcomer')
    expect(data.profile).toEqual({ roles: ['居民'], stored: false })
    expect(data.volunteer).toBeNull()
    expect(data.consents).toEqual([])
    expect(data.sections.every((s: any) => s.total === 0 && s.items.length === 0)).toBe(true)
    expect(await codeOf('users', 'myData', {})).toBe('UNAUTHENTICATED')
  })
})

describe('users.exportMyData', () => {
  test("writes every document about the person, nobody else's, and is audited", async () => {
    const openid = 'demo-member'
    const audits = () => cloud.store.count('auditLogs', { action: 'users.exportMyData', actor: openid, 'target.id': openid })
    const before = audits()
    const out = await cloud.ok('users', 'exportMyData', {}, openid)
    expect(out.fileName).toMatch(/^红邻个人信息-\d{8}-\d{6}\.json$/)
    expect(out.url).toContain('/files/exports/personal/')
    expect(new Date(out.expiresAt).getTime()).toBeGreaterThan(cloud.clock.now())
    expect(audits()).toBe(before + 1)

    const file = JSON.parse(readFileSync(join(cloud.dataDir, 'files', out.fileID.replace(/^local:\/\//, '')), 'utf8'))
    const { data } = file
    const owned: [string, string, string][] = [
      ['registrations', 'registrations', 'openid'],
      ['activitySignups', 'activitySignups', 'openid'],
      ['serviceRecords', 'serviceRecords', 'openid'],
      ['certificates', 'certificates', 'openid'],
      ['teamMembers', 'teamMembers', 'openid'],
      ['bookings', 'bookings', 'openid'],
      ['tickets', 'tickets', 'reporterOpenid'],
      ['wishes', 'wishes', 'residentOpenid'],
      ['claimedWishes', 'wishes', 'memberOpenid'],
      ['consents', 'consents', 'openid'],
      ['noticeReads', 'noticeReads', 'openid']
    ]
    for (const [key, collection, field] of owned) {
      expect({ key, count: data[key].length }).toEqual({ key, count: cloud.store.count(collection, { [field]: openid }) })
      for (const doc of data[key]) expect(doc[field]).toBe(openid)
    }
    expect(data.users).toEqual([expect.objectContaining({ _id: openid, profile: expect.objectContaining({ mobile: '13900000002' }) })])
    expect(data.volunteers.map((v: any) => v._id)).toEqual([openid])
    expect(data.serviceRecords.length).toBeGreaterThan(0)
    expect(data.claimedWishes.length).toBeGreaterThan(0)
    // The wishes he claimed are other residents': their names and numbers are not in his copy.
    const residents = cloud.store.select('wishes', { memberOpenid: openid }) as any[]
    const text = JSON.stringify(file)
    for (const w of residents) {
      if (w.residentMobile) expect(text).not.toContain(w.residentMobile)
      expect(text).not.toContain(w.residentName)
    }
    for (const other of ['demo-resident', 'demo-staff-2', 'demo-property']) expect(text).not.toContain(`"${other}"`)

    // A newcomer's export: the file holds nothing but empty lists.
    const empty = await cloud.ok('users', 'exportMyData', {}, 'privacy-newcomer')
    const emptyFile = JSON.parse(readFileSync(join(cloud.dataDir, 'files', empty.fileID.replace(/^local:\/\//, '')), 'utf8'))
    expect(Object.values(emptyFile.data).every((list: any) => list.length === 0)).toBe(true)
  })
})

describe('users.withdrawConsent', () => {
  test('something never given, or withdrawn already, is CONFLICT and changes nothing', async () => {
    const before = cloud.store.count('consents', { openid: 'demo-resident' })
    const reply = await cloud.call('users', 'withdrawConsent', { purpose: 'registration' }, 'demo-resident')
    expect(reply).toEqual({ ok: false, error: { code: 'CONFLICT', message: '您没有同意过「在职党员报到」，无需撤回' } })
    expect(cloud.store.count('consents', { openid: 'demo-resident' })).toBe(before)
    expect(await codeOf('users', 'withdrawConsent', { purpose: 'nonsense' }, 'demo-resident')).toBe('INVALID_INPUT')
    expect(await codeOf('users', 'withdrawConsent', { purpose: 'contact' })).toBe('UNAUTHENTICATED')
  })

  test('registration: the registration ends, its mobile, work unit and skills go, and so does the member role', async () => {
    const reg = (cloud.store.select('registrations', { status: 'approved', communityId: 'c1' }) as any[]).find((r) => r.openid.startsWith('seed-member-'))
    // An older, rejected registration still carries the numbers (all go).
    cloud.store.insertOne('registrations', { ...reg, _id: `${reg._id}-old`, status: 'rejected', slot: `closed:${reg._id}-old`, workUnit: '旧单位', skills: ['书法'] })
    // A sign-up of an upcoming activity, with the registered number copied on it.
    const { openid, upcoming } = await memberWithUpcomingSignUp(reg, { title: '敬老探访', start: '2026-11-30 09:00', end: '2026-11-30 11:00' })
    const stats = async () => (await cloud.ok('members', 'stats', {}, 'demo-staff')).communities.find((c: any) => c.communityId === 'c1')
    const approvedBefore = (await stats()).approved

    // Past sign-ups carrying the number (besides the upcoming one), as the first read counts them.
    const pastCarrying = cloud.store.count('activitySignups', { openid, mobile: reg.mobile }) - 1
    expect(pastCarrying).toBeGreaterThan(0)
    const { reply, stats: cost } = await cloud.callWithStats<any>('users', 'withdrawConsent', { purpose: 'registration' }, openid)
    if (!reply.ok) throw new Error(reply.error.message)
    const out = reply.data
    // The read, the registration ended and erased, the account (role, number, what is left to
    // erase), the upcoming sign-up's withdrawal (claim, sign-up and its number, close), the record:
    // the older registration and the past sign-ups' numbers are the timer's.
    expect(cost.dbRequests).toBeLessThanOrEqual(7)
    expect(out.consent).toMatchObject({ purpose: 'registration', active: false })
    const after = cloud.store.findOne('registrations', { _id: reg._id }) as any
    expect(after).toMatchObject({ status: 'withdrawn', slot: `closed:${reg._id}`, mobile: '', workUnit: '', skills: [], name: reg.name, communityId: reg.communityId })
    expect(after.history.at(-1)).toMatchObject({ event: 'withdrawn', actor: openid })
    // The sign-up: the number erased, the place given back (not a registered volunteer).
    const signUp = cloud.store.findOne('activitySignups', { _id: `${upcoming._id}:${openid}` }) as any
    expect(signUp.mobile).toBeUndefined()
    expect(signUp.status).toBe('withdrawn')
    expect(out.done).toEqual(
      expect.arrayContaining([
        '结束了 1 条报到',
        '已取消在职党员身份',
        '取消了 1 个尚未开始的活动报名',
        '另有 1 条报到登记中的手机号、工作单位和特长将在一分钟内删除',
        `${pastCarrying} 个活动报名中的手机号将在一分钟内删除`
      ])
    )
    // The copies are left on the account for the activities timer: the older registration still
    // carries them until it runs.
    expect((cloud.store.findOne('users', { _id: openid }) as any).pendingErasure).toMatchObject({ registrations: [`${reg._id}-old`], mobiles: [reg.mobile] })
    expect(cloud.store.findOne('registrations', { _id: `${reg._id}-old` })).toMatchObject({ mobile: reg.mobile, workUnit: '旧单位' })
    // The timer (the activities function's one trigger) erases them within a minute; the figures it
    // reports equal a direct count.
    const run = (await deliverMessages(cloud)) as unknown as { erasures: { people: number; registrations: number; signUps: number } }
    expect(run.erasures).toEqual({ people: 1, registrations: 1, signUps: pastCarrying })
    for (const r of cloud.store.select('registrations', { openid }) as any[]) expect(r).toMatchObject({ mobile: '', workUnit: '', skills: [] })
    expect(cloud.store.findOne('registrations', { _id: `${reg._id}-old` })).toMatchObject({ status: 'rejected', name: reg.name, room: reg.room })
    expect(cloud.store.count('activitySignups', { openid, mobile: reg.mobile })).toBe(0)
    expect((cloud.store.findOne('users', { _id: openid }) as any).pendingErasure).toBeUndefined()
    // A second run changes nothing.
    const registrationsNow = JSON.stringify(cloud.store.select('registrations', { openid }))
    const signUpsNow = JSON.stringify(cloud.store.select('activitySignups', { openid }))
    expect(((await deliverMessages(cloud)) as unknown as { erasures: object }).erasures).toEqual({ people: 0, registrations: 0, signUps: 0 })
    expect(JSON.stringify(cloud.store.select('registrations', { openid }))).toBe(registrationsNow)
    expect(JSON.stringify(cloud.store.select('activitySignups', { openid }))).toBe(signUpsNow)
    const user = cloud.store.findOne('users', { _id: openid }) as any
    expect(user.roles).not.toContain('member')
    expect(user.profile.mobile).toBeUndefined()
    expect(user.profile).toMatchObject({ name: reg.name, communityId: reg.communityId })
    expect((await stats()).approved).toBe(approvedBefore - 1)
    expect((await cloud.ok('members', 'me', {}, openid)).approved).toBeNull()

    // Again: CONFLICT, nothing written.
    const consents = cloud.store.count('consents', { openid })
    expect(await cloud.call('users', 'withdrawConsent', { purpose: 'registration' }, openid)).toEqual({
      ok: false,
      error: { code: 'CONFLICT', message: '您已撤回「在职党员报到」的同意，无需再次撤回' }
    })
    expect(cloud.store.count('consents', { openid })).toBe(consents)

    // They may register again later (the slot is free).
    const code = cloud.store.findOne('communityCodes', { communityId: reg.communityId }) as any
    const again = await cloud.ok(
      'members',
      'register',
      { scene: code._id, name: reg.name, mobile: '13812340000', workUnit: '区发展改革局', partyOrg: '区发展改革局机关党支部', gridId: reg.gridId, buildingId: reg.buildingId, room: '101', consent: true },
      openid
    )
    expect(again).toMatchObject({ created: true, transfer: false })
  })

  test('registration: a number carried only by upcoming sign-ups is erased by their withdrawal (no update of its own)', async () => {
    const regs = (cloud.store.select('registrations', { status: 'approved', communityId: 'c1' }) as any[]).filter((r) => r.openid.startsWith('seed-member-'))
    const reg = regs[regs.length - 1]
    // Their earlier sign-ups carry no number; one upcoming sign-up carries the registered one.
    for (const s of cloud.store.select('activitySignups', { openid: reg.openid }) as any[]) cloud.store.updateOne('activitySignups', { _id: s._id }, { $unset: { mobile: '' } })
    const { openid, upcoming } = await memberWithUpcomingSignUp(reg, { title: '社区清扫', start: '2026-11-30 14:00', end: '2026-11-30 16:00' })
    const { reply, stats } = await cloud.callWithStats<{ done: string[] }>('users', 'withdrawConsent', { purpose: 'registration' }, openid)
    expect(reply.ok).toBe(true)
    const done = reply.ok ? reply.data.done : []
    // The figure told equals a direct count: the sign-ups that carried the number and carry none now.
    expect(done).toEqual(expect.arrayContaining(['删除了 1 个活动报名中的手机号', '取消了 1 个尚未开始的活动报名']))
    expect(cloud.store.count('activitySignups', { openid, mobile: reg.mobile })).toBe(0)
    expect(cloud.store.findOne('activitySignups', { _id: `${upcoming._id}:${openid}` })).toMatchObject({ status: 'withdrawn' })
    expect((cloud.store.findOne('activitySignups', { _id: `${upcoming._id}:${openid}` }) as any).mobile).toBeUndefined()
    // The read, the registration, the account, the withdrawal (claim, sign-up and its number,
    // close), the record: no update of the sign-ups' numbers apart, nothing left to the timer.
    expect(stats.dbRequests).toBeLessThanOrEqual(7)
    expect((cloud.store.findOne('users', { _id: openid }) as any).pendingErasure).toBeUndefined()
  })

  test('volunteer: the registration ends, its mobile goes, upcoming sign-ups are withdrawn', async () => {
    const openid = 'demo-resident'
    const a = await cloud.ok(
      'activities',
      'create',
      { title: '楼道清理', category: '文明创建', start: '2026-11-29 09:00', end: '2026-11-29 11:00', place: { name: '锦绣花园' }, capacity: 5 },
      'demo-staff'
    )
    await cloud.ok('activities', 'signUp', { activityId: a._id }, openid)
    expect(cloud.store.findOne('users', { _id: openid })).toMatchObject({ volunteerSince: expect.anything(), profile: { mobile: '13900000001' } })

    const out = await cloud.ok('users', 'withdrawConsent', { purpose: 'volunteer' }, openid)
    expect(out.done.join()).toContain('取消了 1 个尚未开始的活动报名')
    const user = cloud.store.findOne('users', { _id: openid }) as any
    expect(user.volunteerSince).toBeUndefined()
    expect(user.profile.mobile).toBeUndefined()
    expect(user.profile.name).toBe('王秀兰')
    expect(cloud.store.findOne('activitySignups', { _id: `${a._id}:${openid}` })).toMatchObject({ status: 'withdrawn' })
    expect(cloud.store.findOne('activities', { _id: a._id })).toMatchObject({ confirmedCount: 0 })
    expect(await codeOf('users', 'withdrawConsent', { purpose: 'volunteer' }, openid)).toBe('CONFLICT')
  })

  test('contact: the mobile goes from all her reports, wishes and bookings (one update each), and no one else’s', async () => {
    const openid = 'demo-resident'
    give(openid, 'contact')
    const mine = () => [
      cloud.store.count('tickets', { reporterOpenid: openid, reporterMobile: '13900000001' }),
      cloud.store.count('wishes', { residentOpenid: openid, residentMobile: '13900000001' }),
      cloud.store.count('bookings', { openid, bookerMobile: '13900000001' })
    ]
    const others = () => [
      cloud.store.select('tickets', {}).filter((t: any) => t.reporterOpenid !== openid && t.reporterMobile).length,
      cloud.store.select('wishes', {}).filter((w: any) => w.residentOpenid !== openid && w.residentMobile).length,
      cloud.store.select('bookings', {}).filter((b: any) => b.openid !== openid && b.bookerMobile).length
    ]
    const [t, w, b] = mine()
    expect(t * w * b).toBeGreaterThan(0)
    const othersBefore = others()
    const ticketsBefore = cloud.store.count('tickets', { reporterOpenid: openid })

    const out = await cloud.ok('users', 'withdrawConsent', { purpose: 'contact' }, openid)
    expect(out.done).toEqual([`删除了 ${t} 条问题反映、${w} 个心愿和 ${b} 个预约中的手机号`])
    expect(mine()).toEqual([0, 0, 0])
    expect(cloud.store.select('bookings', { openid }).some((x: any) => 'bookerMobile' in x)).toBe(false)
    expect(others()).toEqual(othersBefore)
    // The contents stay.
    expect(cloud.store.count('tickets', { reporterOpenid: openid })).toBe(ticketsBefore)
    expect(await codeOf('users', 'withdrawConsent', { purpose: 'contact' }, openid)).toBe('CONFLICT')
  })

  test('identity: the kept document goes; issued certificates keep their masked number', async () => {
    const openid = 'demo-member'
    const identity = { type: 'resident_id', masked: '1101**********1234', consentAt: new Date(), purpose: 'test' }
    cloud.store.updateOne('volunteers', { _id: openid }, { $set: { identity } })
    give(openid, 'identity')
    const certificates = JSON.stringify(cloud.store.select('certificates', {}))
    const shown = await cloud.ok('users', 'myData', {}, openid)
    expect(shown.volunteer.identity).toEqual({ typeLabel: '居民身份证', masked: '1101**********1234' })

    await cloud.ok('users', 'withdrawConsent', { purpose: 'identity' }, openid)
    expect((cloud.store.findOne('volunteers', { _id: openid }) as any).identity).toBeUndefined()
    expect(JSON.stringify(cloud.store.select('certificates', {}))).toBe(certificates)
    expect(await codeOf('users', 'withdrawConsent', { purpose: 'identity' }, openid)).toBe('CONFLICT')
  })

  test('data held without a recorded consent (from before consents were recorded) can be withdrawn; then CONFLICT', async () => {
    const openid = 'privacy-legacy'
    cloud.store.insertOne('volunteers', { _id: openid, openid, volunteerNo: 'SFQ999001', name: '老刘', rankingOptIn: false, identity: { type: 'resident_id', masked: '1101**********9999', consentAt: new Date() } })
    expect(cloud.store.count('consents', { openid })).toBe(0)
    const out = await cloud.ok('users', 'withdrawConsent', { purpose: 'identity' }, openid)
    expect(out.done).toEqual(['保存的证件信息已删除'])
    expect(out.consent).toMatchObject({ purpose: 'identity', active: false })
    expect((cloud.store.findOne('volunteers', { _id: openid }) as any).identity).toBeUndefined()
    expect(cloud.store.count('consents', { openid, purpose: 'identity', event: 'withdrawn' })).toBe(1)
    expect(await cloud.call('users', 'withdrawConsent', { purpose: 'identity' }, openid)).toEqual({
      ok: false,
      error: { code: 'CONFLICT', message: '您没有同意过「志愿服务证明的证件信息」，无需撤回' }
    })
    // A member whose registration predates consent records: the registration ends too.
    const reg = (cloud.store.select('registrations', { status: 'approved', communityId: 'c1' }) as any[]).filter((r) => r.openid.startsWith('seed-member-')).at(-1)
    cloud.store.deleteMany('consents', { openid: reg.openid })
    const ended = await cloud.ok('users', 'withdrawConsent', { purpose: 'registration' }, reg.openid)
    expect(ended.done).toContain('结束了 1 条报到')
    expect(cloud.store.findOne('registrations', { _id: reg._id })).toMatchObject({ status: 'withdrawn', mobile: '' })
  })

  test('registration: a role given back by a concurrent members.me is taken again by a re-run (runs converge)', async () => {
    const reg = (cloud.store.select('registrations', { status: 'approved', communityId: 'c1' }) as any[]).filter((r) => r.openid.startsWith('seed-member-')).at(-2)
    give(reg.openid, 'registration')
    await cloud.ok('users', 'withdrawConsent', { purpose: 'registration' }, reg.openid)
    // members.me now finds no approved registration: it gives nothing back.
    expect((await cloud.ok('members', 'me', {}, reg.openid)).approved).toBeNull()
    expect((cloud.store.findOne('users', { _id: reg.openid }) as any).roles).not.toContain('member')
    // A members.me that read the registration before it was withdrawn grants the role — and the
    // registered number, which the registrations no longer carry — after.
    cloud.store.updateOne('users', { _id: reg.openid }, { $addToSet: { roles: 'member' }, $set: { 'profile.mobile': reg.mobile } })
    const again = await cloud.ok('users', 'withdrawConsent', { purpose: 'registration' }, reg.openid)
    expect(again.done).toContain('已取消在职党员身份')
    const user = cloud.store.findOne('users', { _id: reg.openid }) as any
    expect(user.roles).not.toContain('member')
    expect(user.profile.mobile).toBeUndefined()
  })

  test('registration: the number a volunteer registration in force rests on stays (profile and sign-ups)', async () => {
    const reg = (cloud.store.select('registrations', { status: 'approved', communityId: 'c1' }) as any[]).filter((r) => r.openid.startsWith('seed-member-')).at(-3)
    const openid: string = reg.openid
    // They registered as a volunteer with the same number they gave at 报到.
    cloud.store.updateOne('users', { _id: openid }, { $set: { 'profile.mobile': reg.mobile, volunteerSince: new Date(cloud.clock.now()), volunteerMobile: reg.mobile } })
    give(openid, 'registration')
    give(openid, 'volunteer')
    const upcoming = await cloud.ok(
      'activities',
      'create',
      { title: '楼道清理', category: '文明创建', start: '2026-11-30 14:00', end: '2026-11-30 16:00', place: { name: '锦绣花园' }, capacity: 5 },
      'demo-staff'
    )
    await cloud.ok('activities', 'signUp', { activityId: upcoming._id }, openid)
    const out = await cloud.ok('users', 'withdrawConsent', { purpose: 'registration' }, openid)
    expect(out.done).toContain('已取消在职党员身份')
    const user = cloud.store.findOne('users', { _id: openid }) as any
    expect(user.roles).not.toContain('member')
    expect(user.profile.mobile).toBe(reg.mobile)
    expect(cloud.store.findOne('activitySignups', { _id: `${upcoming._id}:${openid}` })).toMatchObject({ status: 'confirmed', mobile: reg.mobile })
    for (const r of cloud.store.select('registrations', { openid }) as any[]) expect(r.mobile).toBe('')
  })

  test('contact: nothing to erase is not reported as erased', async () => {
    const openid = 'privacy-contact-none'
    give(openid, 'contact')
    const out = await cloud.ok('users', 'withdrawConsent', { purpose: 'contact' }, openid)
    expect(out.done).toEqual(['没有需要删除的联系手机号'])
  })

  test('ranking: the name is no longer shown', async () => {
    const openid = 'demo-member'
    cloud.store.updateOne('volunteers', { _id: openid }, { $set: { rankingOptIn: true } })
    give(openid, 'ranking')
    const out = await cloud.ok('users', 'withdrawConsent', { purpose: 'ranking' }, openid)
    expect(out.done).toEqual(['排行榜上将显示为匿名志愿者'])
    expect(cloud.store.findOne('volunteers', { _id: openid })).toMatchObject({ rankingOptIn: false })
    expect(await codeOf('users', 'withdrawConsent', { purpose: 'ranking' }, openid)).toBe('CONFLICT')
  })
})

describe('users.deleteAccount', () => {
  test('refuses staff roles and a missing confirmation, and changes nothing', async () => {
    for (const who of ['demo-staff', 'demo-staff-2', 'demo-admin', 'demo-property', 'demo-committee']) {
      expect(await cloud.call('users', 'deleteAccount', { confirm: true }, who)).toEqual({
        ok: false,
        error: { code: 'CONFLICT', message: '您有工作人员身份，请先由区级管理员解除后再注销' }
      })
      expect(cloud.store.count('users', { _id: who })).toBe(1)
    }
    expect(await codeOf('users', 'deleteAccount', {}, 'demo-member')).toBe('INVALID_INPUT')
    expect(await codeOf('users', 'deleteAccount', { confirm: false }, 'demo-member')).toBe('INVALID_INPUT')
    expect(await codeOf('users', 'deleteAccount', { confirm: true })).toBe('UNAUTHENTICATED')
    expect(cloud.store.count('users', { _id: 'demo-member' })).toBe(1)
  })

  test('a member: erased and removed as stated; verified records and consents kept; a re-run is harmless; then a newcomer', async () => {
    const openid = 'demo-member'
    give(openid, 'registration')
    await cloud.ok('notices', 'subscribe', {}, openid)
    const now = new Date(cloud.clock.now())
    const upcomingBookings = () => cloud.store.select('bookings', { openid }).filter((b: any) => ['pending', 'confirmed'].includes(b.status) && new Date(b.start) > now)
    const activeTeams = () => cloud.store.select('teamMembers', { openid, status: 'active' }) as any[]
    const bookingsBefore = upcomingBookings()
    const teamsBefore = activeTeams()
    expect(bookingsBefore.length).toBeGreaterThan(0)
    expect(teamsBefore.length).toBeGreaterThan(0)
    const teamCounts = new Map(teamsBefore.map((m) => [m.teamId, (cloud.store.findOne('teams', { _id: m.teamId }) as any).memberCount]))
    const records = JSON.stringify(cloud.store.select('serviceRecords', { openid }))
    const certificates = JSON.stringify(cloud.store.select('certificates', { openid }))
    const verifiedBefore = verifiedOf(openid)
    expect(verifiedBefore.records).toBeGreaterThan(0)
    const consentsBefore = cloud.store.count('consents', { openid })
    // The purposes in force: the latest event of each is a consent given (the seed's included: his registration, his bookings' contact).
    const latest = new Map<string, string>()
    for (const c of (cloud.store.select('consents', { openid }) as any[]).sort((a, b) => +new Date(a.at) - +new Date(b.at))) latest.set(c.purpose, c.event)
    const inForce = [...latest.values()].filter((e) => e === 'given').length
    expect(inForce).toBeGreaterThanOrEqual(2)
    const givenBefore = cloud.store.count('consents', { openid, event: 'given' })
    // Wishes: one he claimed (seeded) goes back to open; one he posted, still pending review, is cancelled.
    const claimedBefore = cloud.store.select('wishes', { memberOpenid: openid, status: 'claimed' }) as any[]
    expect(claimedBefore.length).toBeGreaterThan(0)
    const completedClaims = cloud.store.select('wishes', { memberOpenid: openid, status: 'completed' }) as any[]
    const posted = await cloud.ok('wishes', 'create', { category: 'shopping', title: '帮忙买一周的菜和药' }, openid)
    expect(cloud.store.findOne('wishes', { _id: posted._id })).toMatchObject({ status: 'pending', residentName: '李明' })
    // Names in histories: a ticket event he acted in (as a resident commenting), his own entries in
    // his registrations, bookings and sign-ups (the seed writes them with his name).
    const ticket = cloud.store.findOne('tickets', {}) as any
    cloud.store.insertOne('ticketEvents', { _id: `${ticket._id}:9999`, ticketId: ticket._id, seq: 9999, kind: 'comment', at: now, actor: 'resident', actorOpenid: openid, actorName: '李明', note: '补充说明', photos: [], from: null, to: null, party: null, internal: false, rating: null })
    const HISTORIES: [string, string, string][] = [
      ['registrations', 'actor', 'actorName'],
      ['bookings', 'actor', 'actorName'],
      ['activitySignups', 'by', 'byName']
    ]
    const namedOwnEntries = () =>
      HISTORIES.flatMap(([c, by, name]) =>
        (cloud.store.select(c, { openid }) as any[]).flatMap((d) => (d.history ?? []).filter((h: any) => (h[by] === openid || h[by] === 'system') && h[name]).map((h: any) => h[name]))
      )
    expect(namedOwnEntries()).toContain('李明')
    expect(cloud.store.count('wishEvents', { actorOpenid: openid, actorName: '李明' })).toBeGreaterThan(0)
    // A confirmation he made for a resident is carried by the wish itself (confirmEntry), with his name.
    const confirmedFor = { ...(cloud.store.findOne('wishes', {}) as any), _id: 'w-confirmed-by-him', status: 'confirmed', residentOpenid: 'resident-x', memberOpenid: 'member-x', confirmedBy: openid, confirmEntry: { seq: 4, note: null, actorName: '李明' } }
    cloud.store.insertOne('wishes', confirmedFor)
    // Others' entries in his documents keep their names (system entries name the holder: him).
    const othersEntries = () =>
      JSON.stringify(HISTORIES.flatMap(([c, by]) => (cloud.store.select(c, { openid }) as any[]).flatMap((d) => (d.history ?? []).filter((h: any) => h[by] !== openid && h[by] !== 'system'))))
    const othersBefore = othersEntries()
    expect(othersBefore).not.toBe('[]')
    const counts = () => Object.fromEntries(Object.entries(SECTION_QUERIES(openid)).map(([k, [c, w]]) => [k, cloud.store.count(c, w)]))
    const countsBefore = counts()
    // Copies he exported earlier: deleted with the account.
    const exported = await cloud.ok('users', 'exportMyData', {}, openid)
    const exportPath = join(cloud.dataDir, 'files', exported.fileID.replace(/^local:\/\//, ''))
    expect(existsSync(exportPath)).toBe(true)
    const audited = cloud.store.findOne('auditLogs', { action: 'users.exportMyData', actor: openid }) as any
    expect(audited.communityId).toBeUndefined()
    // An older, transferred registration: its numbers and address beyond the community go too.
    const current = cloud.store.findOne('registrations', { openid, status: 'approved' }) as any
    cloud.store.insertOne('registrations', { ...current, _id: `${current._id}-moved`, status: 'transferred', slot: `closed:${current._id}-moved`, unit: '2单元', room: '302', history: [] })

    const { reply, stats } = await cloud.callWithStats('users', 'deleteAccount', { confirm: true }, openid)
    if (!reply.ok) throw new Error(reply.error.message)
    const out = reply.data
    // Measured: ~67 requests at scale 1, most of them in parallel waves (see server/users/deleteAccount.ts).
    expect(stats.dbRequests).toBeLessThan(120)
    expect(out.removed.join('\n')).toContain(`取消了 ${bookingsBefore.length} 个尚未开始的场地预约`)
    expect(out.removed.join('\n')).toContain(`退出了 ${teamsBefore.length} 支队伍`)
    expect(out.kept.join('\n')).toContain('志愿服务记录')
    expect(out.removed.join('\n')).toContain(`您认领的 ${claimedBefore.length} 个心愿已重新开放，由其他党员认领`)
    expect(out.removed.join('\n')).toContain('取消了您发布的 1 个尚未被认领的心愿')
    expect(out.removed.join('\n')).toMatch(/\d+ 条办理经过中的姓名已改为「已注销用户」/)

    // Removed: the account and the subscription.
    expect(cloud.store.count('users', { _id: openid })).toBe(0)
    expect(cloud.store.count('noticeSubscriptions', { _id: openid })).toBe(0)
    // Ended: registration, upcoming bookings (their slots freed), team memberships.
    expect(cloud.store.count('registrations', { openid, status: { $in: ['pending', 'approved'] } })).toBe(0)
    expect(upcomingBookings()).toEqual([])
    for (const b of bookingsBefore) {
      expect(cloud.store.findOne('bookings', { _id: b._id })).toMatchObject({ status: 'cancelled', bookerName: '已注销用户' })
      for (const slot of b.slotIds) expect(cloud.store.count('roomSlots', { _id: slot, bookingId: b._id })).toBe(0)
    }
    expect(activeTeams()).toEqual([])
    for (const [teamId, count] of teamCounts) expect((cloud.store.findOne('teams', { _id: teamId }) as any).memberCount).toBe(count - 1)
    // Erased: the name and numbers on what is kept.
    for (const r of cloud.store.select('registrations', { openid }) as any[]) {
      expect(r).toMatchObject({ name: '已注销用户', mobile: '', workUnit: '', skills: [], room: '', partyOrg: '' })
      expect(r.unit).toBeUndefined()
    }
    expect(existsSync(exportPath)).toBe(false)
    expect(out.removed.join('\n')).toContain(`删除了您此前导出的 ${cloud.store.count('auditLogs', { action: 'users.exportMyData', actor: openid })} 份个人信息副本`)
    expect(out.kept.join('\n')).toContain('仍与您的微信账号关联')
    for (const w of cloud.store.select('wishes', { memberOpenid: openid }) as any[]) expect(w.memberName).toBe('已注销用户')
    for (const b of cloud.store.select('bookings', { openid }) as any[]) {
      expect(b.bookerName).toBe('已注销用户')
      expect(b.bookerMobile).toBeUndefined()
    }
    expect(cloud.store.findOne('volunteers', { _id: openid })).toMatchObject({ name: '已注销用户', rankingOptIn: false })
    for (const s of cloud.store.select('activitySignups', { openid }) as any[]) {
      expect(s.name).toBe('已注销用户')
      expect(s.mobile).toBeUndefined()
    }
    // Team leaving: each membership removed with the deletion's history entry (server/teams endMembership).
    for (const m of teamsBefore) expect((cloud.store.findOne('teamMembers', { _id: m._id }) as any).history.at(-1)).toMatchObject({ by: openid, action: '注销账号，退出队伍' })
    // Wishes: his claims open again for other members, with a history entry saying why; his pending one cancelled.
    for (const w of claimedBefore) {
      expect(cloud.store.findOne('wishes', { _id: w._id })).toMatchObject({ status: 'open', memberOpenid: null, memberName: null, claimedAt: null })
      const events = cloud.store.select('wishEvents', { wishId: w._id }) as any[]
      expect(events.at(-1)).toMatchObject({ kind: 'released', actorOpenid: openid, actorName: '已注销用户', note: '认领人已注销账号，心愿重新开放认领' })
    }
    for (const w of completedClaims) expect(cloud.store.findOne('wishes', { _id: w._id })).toMatchObject({ status: 'completed', memberOpenid: openid, memberName: '已注销用户' })
    expect(cloud.store.findOne('wishes', { _id: posted._id })).toMatchObject({ status: 'cancelled', residentName: '已注销用户' })
    expect((cloud.store.select('wishEvents', { wishId: posted._id }) as any[]).at(-1)).toMatchObject({ kind: 'cancelled', note: '发布人已注销账号，心愿已取消' })
    // Histories: no entry of his keeps his name; the others' entries are untouched.
    expect(cloud.store.count('wishEvents', { actorOpenid: openid })).toBe(cloud.store.count('wishEvents', { actorOpenid: openid, actorName: '已注销用户' }))
    expect(cloud.store.findOne('ticketEvents', { _id: `${ticket._id}:9999` })).toMatchObject({ actorName: '已注销用户', note: '补充说明' })
    expect((cloud.store.findOne('wishes', { _id: 'w-confirmed-by-him' }) as any).confirmEntry).toEqual({ seq: 4, note: null, actorName: '已注销用户' })
    expect(namedOwnEntries().length).toBeGreaterThan(0)
    expect(new Set(namedOwnEntries())).toEqual(new Set(['已注销用户']))
    expect(othersEntries()).toBe(othersBefore)
    // Kept: verified service records (with their name), certificates, every case record, the consents.
    expect(JSON.stringify(cloud.store.select('serviceRecords', { openid }))).toBe(records)
    expect(JSON.stringify(cloud.store.select('certificates', { openid }))).toBe(certificates)
    expect(verifiedOf(openid)).toEqual(verifiedBefore)
    // (less the claims released: those wishes are no longer his)
    expect({ ...counts(), noticeSubscriptions: 1 }).toEqual({ ...countsBefore, registrations: countsBefore.registrations + 1, claimedWishes: countsBefore.claimedWishes - claimedBefore.length })
    // Kept, with those still in force (registration, contact) now withdrawn.
    expect(out.removed.join('\n')).toContain(`撤回了 ${inForce} 项同意`)
    expect(cloud.store.count('consents', { openid })).toBe(consentsBefore + inForce)
    expect(cloud.store.count('consents', { openid, event: 'given' })).toBe(givenBefore)
    const audit = cloud.store.findOne('auditLogs', { action: 'users.deleteAccount', actor: openid }) as any
    expect(audit).toMatchObject({ target: { collection: 'users', id: openid } })
    expect(audit.actorName).toBeUndefined()

    // A re-run changes nothing but adds its own audit entry.
    const snapshot = () =>
      JSON.stringify(['registrations', 'bookings', 'roomSlots', 'teamMembers', 'teams', 'wishes', 'wishEvents', 'tickets', 'ticketEvents', 'volunteers', 'activitySignups', 'activities', 'consents', 'users'].map((c) => cloud.store.select(c, {})))
    const before = snapshot()
    await cloud.ok('users', 'deleteAccount', { confirm: true }, openid)
    expect(snapshot()).toBe(before)

    // The same WeChat user arriving again is a newcomer.
    expect(await cloud.ok('users', 'me', {}, openid)).toEqual({ openid, roles: ['resident'], scopes: { communityIds: [], companyIds: [], gridIds: [] }, profile: {} })
    const data = await cloud.ok('users', 'myData', {}, openid)
    expect(data.profile).toEqual({ roles: ['居民'], stored: false })
    expect(data.consents.every((c: any) => !c.active)).toBe(true)
  })
})
