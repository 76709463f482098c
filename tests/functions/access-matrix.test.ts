/**
 * Access matrix (issue #16 item 1): every action of every cloud function, called as every kind of
 * caller, against a record of community c1 / company co1 / grid c1g1, with the outcome class each
 * caller should get:
 *   'ok'     — ok:true, or a business refusal that is not about access (NOT_FOUND unless the row
 *              says NOT_FOUND hides existence, CONFLICT, INVALID_INPUT, CAPACITY_FULL, EXPIRED, RATE_LIMITED);
 *   'denied' — UNAUTHENTICATED, FORBIDDEN or REGISTRATION_REQUIRED (and NOT_FOUND where the row sets `hides: true`:
 *              the handler answers "does not exist" to a caller outside the record's scope).
 * INTERNAL is never acceptable. The action list comes from the routers (`<fn>Actions`), so an
 * action without a row fails the coverage test. On failure the whole matrix is printed.
 *
 * Rows are keyed 'fn.action'; a second case of the same action is keyed 'fn.action#variant'.
 * Mutating rows build fresh data per caller in `setup` (through the API as the proper actor, or
 * by cloning a seeded record in the store), so one caller's success never changes the next one's.
 */
import { PRIVACY_POLICY_VERSION } from '../../contracts/privacy'
import type { Reply } from '../../contracts/reply'
import { PHONE_ONLY } from '../../server/core/deskPolicy'
import { ROUTERS } from '../support/routers'
import { MEMBER_HEADER, workbookOf } from '../support/importFixtures'
import { anonymousWeb, asDesk, startTestCloud, type TestCloud } from '../support/cloud'


// ---------------------------------------------------------------------------------------------
// Callers

const PERSONAS = ['anon', 'newcomer', 'resident', 'member', 'staff', 'staff2', 'admin', 'property', 'committee'] as const
type Persona = (typeof PERSONAS)[number]
type Outcome = 'ok' | 'denied'

const OPENID: Record<Exclude<Persona, 'anon' | 'newcomer'>, string> = {
  resident: 'demo-resident',
  member: 'demo-member',
  staff: 'demo-staff',
  staff2: 'demo-staff-2',
  admin: 'demo-admin',
  property: 'demo-property',
  committee: 'demo-committee'
}
/**
 * The 10th caller: demo-staff through an active desk session (a PC signed in by scan,
 * docs/back-office.md §7). Same outcome as `staff` on every row, except the phone-only actions
 * (server/core/deskPolicy.ts PHONE_ONLY: denied) and a row's own `desk`. Rows' setup and input see
 * it as `staff`.
 */
const CALLERS = [...PERSONAS, 'staffDesk'] as const
type Who = (typeof CALLERS)[number]
let newcomers = 0
/** The openid a call is made as: none, a brand-new WeChat user (no users document), or a persona. */
const openidOf = (who: Persona): string | undefined => (who === 'anon' ? undefined : who === 'newcomer' ? `matrix-newcomer-${++newcomers}` : OPENID[who])

/** Builds an expectation: everyone listed is 'ok', everyone else 'denied'. */
const only = (...allowed: Persona[]): Record<Persona, Outcome> =>
  Object.fromEntries(PERSONAS.map((p) => [p, allowed.includes(p) ? 'ok' : 'denied'])) as Record<Persona, Outcome>
const PUBLIC = only(...PERSONAS)
const SIGNED_IN = only('newcomer', 'resident', 'member', 'staff', 'staff2', 'admin', 'property', 'committee')
/** Staff of c1 or the district admin (canManageCommunity). */
const C1_STAFF = only('staff', 'admin')
/** Anyone passing the ['staff','district_admin'] role gate when the action has no record scope. */
const ANY_STAFF = only('staff', 'staff2', 'admin')
/** The organiser of a c1 activity: c1's staff only (server/activities/access.ts — not the district admin). */
const C1_ORGANISER = only('staff')
const ADMIN = only('admin')

// ---------------------------------------------------------------------------------------------
// The table

interface Ctx {
  cloud: TestCloud
  /** Seeded ids looked up in beforeAll. */
  ids: Record<string, any>
  /** A fresh id for a cloned record. */
  fresh(prefix: string): string
  /** Copies a seeded record (found by `query`) under a new _id with `overrides`; returns the new _id. */
  clone(coll: string, query: Record<string, unknown>, overrides?: Record<string, unknown>): string
  /** A call that must succeed (setup through the API). */
  ok<T = any>(fn: string, action: string, input: object, openid: string): Promise<T>
}
type Setup = Record<string, any>

interface Row {
  input: (ctx: Ctx, s: Setup, who: Persona) => object
  expect: Record<Persona, Outcome>
  /** Fresh data for one caller (run before each call). */
  setup?: (ctx: Ctx, who: Persona) => Promise<Setup>
  /** NOT_FOUND counts as 'denied' (the handler hides records outside the caller's scope). */
  hides?: boolean
  /** Why the expectation is what it is, when it is not obvious from the router. */
  note?: string
  /**
   * The openid to call as, when the action must not act on the shared persona itself (deleting an
   * account): a twin made in `setup`, with the persona's roles and scopes. Default: `openidOf(who)`.
   */
  caller?: (s: Setup, who: Persona) => string | undefined
  /** The outcome of `staffDesk` when it is not `staff`'s (PHONE_ONLY aside). */
  desk?: Outcome
  /** `staffDesk` calls through a desk session of its own (an action that ends it). */
  freshDesk?: boolean
}

const at = (iso: string) => new Date(iso)
const NOW = '2026-11-27T09:00:00+08:00'
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex').toString('base64')
const once = <T>(make: () => Promise<T>) => {
  let p: Promise<T> | undefined
  return () => (p ??= make())
}

// -- helpers building fresh records ---------------------------------------------------------------

let deskIps = 0
/** A new desk session (QR code) as the PC before sign-in would start it. */
async function deskStarted(ctx: Ctx): Promise<{ sid: string; pollSecret: string; scene: string }> {
  return ctx.cloud.ok('auth', 'deskStart', { ua: 'matrix' }, anonymousWeb(`198.51.100.${++deskIps % 250}`))
}

/** A PC signed in by scan as `openid`: start → scan → confirm → poll (the ticket); returns the sid. */
async function deskSignedIn(ctx: Ctx, openid = 'demo-staff'): Promise<string> {
  const s = await deskStarted(ctx)
  await ctx.ok('auth', 'deskScan', { scene: s.scene }, openid)
  await ctx.ok('auth', 'deskConfirm', { scene: s.scene }, openid)
  await ctx.cloud.ok('auth', 'deskPoll', { sid: s.sid, pollSecret: s.pollSecret }, anonymousWeb())
  return s.sid
}

/** Staff-class roles (DESK_ROLES): who may sign in to the back office. */
const DESK = only('staff', 'staff2', 'admin', 'property', 'committee')

/** A one-row 在职党员名册 of c1 (base64), a new person each time. */
async function matrixRoster(ctx: Ctx): Promise<string> {
  const n = ctx.fresh('r').replace(/\D/g, '').slice(-4).padStart(4, '0')
  return (await workbookOf([MEMBER_HEADER, [`矩阵${n}`, `1360000${n}`, '区财政局', '区财政局党支部']])).toString('base64')
}

/** A one-row 志愿队成员 file (base64), different bytes each time. */
async function matrixTeamRoster(ctx: Ctx): Promise<string> {
  return (await workbookOf([['志愿者编号', '备注'], ['SFQ000010', ctx.fresh('t')]])).toString('base64')
}

let slotDay = 0
/** A fresh published c1 volunteer activity created by c1's staff (a different future day each time). */
async function newActivity(ctx: Ctx, extra: object = {}): Promise<string> {
  slotDay++
  const day = new Date(at('2026-12-01T09:00:00+08:00').getTime() + (slotDay % 20) * 86400000)
  const end = new Date(day.getTime() + 2 * 3600000)
  const a = await ctx.ok(
    'activities',
    'create',
    { communityId: 'c1', title: `矩阵测试活动${slotDay}`, category: '邻里互助', start: day.toISOString(), end: end.toISOString(), place: ctx.ids.place, capacity: 20, ...extra },
    'demo-staff'
  )
  return a._id
}

/** A c1 activity starting in 30 minutes: sign-up still open, check-in already open (1 h before the start). */
async function imminentActivity(ctx: Ctx): Promise<string> {
  const now = ctx.cloud.clock.now()
  const start = new Date(now + 30 * 60000)
  return newActivity(ctx, { start: start.toISOString(), end: new Date(start.getTime() + 2 * 3600000).toISOString(), title: '即将开始的矩阵活动' })
}

/** A fresh c1 team created by c1's staff. */
async function newTeam(ctx: Ctx): Promise<string> {
  const t = await ctx.ok('teams', 'create', { name: `矩阵测试工作队${ctx.fresh('t')}`, type: 'emergency', communityId: 'c1' }, 'demo-staff')
  return t._id
}

/** A fresh c1 notice published by c1's staff. */
async function newNotice(ctx: Ctx): Promise<string> {
  const n = await ctx.ok(
    'notices',
    'publish',
    { title: `矩阵测试通知${ctx.fresh('n')}`, category: 'community', body: '<p>测试内容</p>', audience: { scope: 'community', communityIds: ['c1'] } },
    'demo-staff'
  )
  return n.noticeId
}

/** A ticket of grid c1g1 (company co1, owners' committee) reported by demo-resident, cloned from the seed. */
function newTicket(ctx: Ctx, overrides: Record<string, unknown> = {}, base: Record<string, unknown> = { _id: ctx.ids.ticket }): string {
  const id = ctx.clone('tickets', base, { seq: 0, ...overrides })
  return id
}

/**
 * A fresh account with the persona's roles and scopes (its users document cloned under a new
 * openid; a newcomer's twin is a new openid with no document; anon has none).
 */
function twinOf(ctx: Ctx, who: Persona): string | undefined {
  if (who === 'anon') return undefined
  const openid = ctx.fresh('twin')
  if (who === 'newcomer') return openid
  const user = ctx.cloud.store.findOne('users', { openid: OPENID[who] })
  if (user) ctx.cloud.store.insertOne('users', { ...user, _id: openid, openid })
  return openid
}

/** A booking of a c1 room cloned from a seeded one, owned by demo-resident. */
function newBooking(ctx: Ctx, status: string, overrides: Record<string, unknown> = {}): string {
  return ctx.clone('bookings', { _id: ctx.ids.booking }, { openid: 'demo-resident', status, ...overrides })
}

/** A wish of grid c1g1 posted by demo-resident, cloned from the seed. */
function newWish(ctx: Ctx, overrides: Record<string, unknown>): string {
  return ctx.clone('wishes', { _id: ctx.ids.wishOpen }, { seq: 0, ...overrides })
}

let blackoutDay = 0
const blackoutWindow = () => {
  blackoutDay++
  const start = new Date(at('2027-01-04T08:00:00+08:00').getTime() + blackoutDay * 86400000)
  return { start: start.toISOString(), end: new Date(start.getTime() + 3600000).toISOString() }
}

const MONTH_PAST = '2026-10'

const MATRIX: Record<string, Row> = {
  // ---- activities -----------------------------------------------------------------------------
  'activities.create': {
    input: (ctx) => ({ communityId: 'c1', title: '矩阵新建活动', category: '其他', start: '2026-12-20T09:00:00+08:00', end: '2026-12-20T11:00:00+08:00', place: ctx.ids.place, capacity: 10 }),
    expect: C1_ORGANISER,
    note: 'organiser rule: a c1 activity is c1 staff’s; the district admin organises district-wide ones'
  },
  'activities.update': { setup: async (ctx) => ({ id: await newActivity(ctx) }), input: (_c, s) => ({ activityId: s.id, description: '矩阵修改' }), expect: C1_ORGANISER },
  'activities.cancel': { setup: async (ctx) => ({ id: await newActivity(ctx) }), input: (_c, s) => ({ activityId: s.id, reason: '矩阵测试取消' }), expect: C1_ORGANISER },
  'activities.list': { input: () => ({ communityId: 'c1' }), expect: SIGNED_IN },
  'activities.get': { input: (ctx) => ({ activityId: ctx.ids.activity }), expect: SIGNED_IN },
  'activities.signUp': {
    setup: async (ctx) => ({ id: await newActivity(ctx) }),
    input: (_c, s) => ({ activityId: s.id }),
    expect: only('resident', 'member'),
    note: 'a place is held by a party member or a registered volunteer (demo-resident); the others get REGISTRATION_REQUIRED'
  },
  'activities.signUp#registered': {
    setup: async (ctx, who) => {
      const as = twinOf(ctx, who)
      if (as) await ctx.ok('activities', 'joinVolunteers', { name: '矩阵志愿者', mobile: '13900000001', consent: true }, as)
      return { id: await newActivity(ctx), as }
    },
    caller: (s) => s.as,
    input: (_c, s) => ({ activityId: s.id }),
    expect: SIGNED_IN,
    note: 'anyone signed in, once registered as a volunteer (a twin of the persona)'
  },
  'activities.withdraw': {
    setup: async (ctx, who) => {
      const id = await newActivity(ctx)
      if (who === 'anon' || who === 'newcomer') return { id }
      if (who !== 'resident' && who !== 'member') await ctx.ok('activities', 'joinVolunteers', { name: '矩阵志愿者', mobile: '13900000002', consent: true }, OPENID[who])
      await ctx.ok('activities', 'signUp', { activityId: id }, OPENID[who])
      return { id }
    },
    input: (_c, s) => ({ activityId: s.id }),
    expect: SIGNED_IN,
    note: 'withdrawing one’s own sign-up; a newcomer without one gets a business answer'
  },
  'activities.checkinCode': { input: (ctx) => ({ activityId: ctx.ids.activity }), expect: C1_ORGANISER },
  'activities.checkIn': {
    // One ongoing activity for the row: demo-member signed up; the others are not.
    setup: async (ctx) => ctx.ids.checkinActivity(),
    input: (_c, s) => ({ token: s.token, activityId: s.id }),
    expect: only('member'),
    note: 'intended: check-in requires a sign-up (only demo-member signed up)'
  },
  'activities.checkOut': {
    setup: async (ctx) => ctx.ids.checkoutActivity(),
    input: (_c, s) => ({ token: s.token, activityId: s.id }),
    expect: SIGNED_IN,
    note: 'only demo-member is checked in; anyone else is told to check in first (CONFLICT, nothing recorded) — check-in itself needs the sign-up'
  },
  'activities.staffScan': {
    setup: async (ctx) => {
      const id = await imminentActivity(ctx)
      await ctx.ok('activities', 'signUp', { activityId: id }, 'demo-member')
      return { id }
    },
    input: (ctx, s) => ({ activityId: s.id, memberCode: ctx.ids.memberCode, direction: 'in' }),
    expect: C1_ORGANISER
  },
  'activities.verify': {
    setup: async (ctx) => ({ id: ctx.clone('serviceRecords', { _id: ctx.ids.pendingRecord }, { openid: `matrix-volunteer-${ctx.fresh('v')}` }) }),
    input: (_c, s) => ({ recordId: s.id, decision: 'approve' }),
    expect: C1_ORGANISER
  },
  'activities.verifyMany': {
    setup: async (ctx) => ({ id: ctx.clone('serviceRecords', { _id: ctx.ids.pendingRecord }, { openid: `matrix-volunteer-${ctx.fresh('v')}` }) }),
    input: (_c, s) => ({ recordIds: [s.id], decision: 'approve' }),
    expect: ANY_STAFF,
    note: 'the role gate of verify; each record is then refused or decided on its own (desk-batch.test.ts)'
  },
  'activities.myHours': { input: () => ({}), expect: SIGNED_IN },
  'activities.certificate': { input: () => ({}), expect: SIGNED_IN, note: 'one’s own certificate; nothing to certify is a business answer' },
  'activities.verifyCertificate': { input: (ctx) => ({ certificateNo: ctx.ids.certificateNo }), expect: PUBLIC },
  'activities.roster': { input: (ctx) => ({ activityId: ctx.ids.activity }), expect: C1_ORGANISER },
  'activities.records': { input: (ctx) => ({ activityId: ctx.ids.pastActivity }), expect: C1_ORGANISER },
  'activities.records#all': { input: () => ({}), expect: ANY_STAFF, note: 'no activityId: 待认定时长 — staff their communities, the admin district activities and community staff’s own hours' },
  'activities.makeUp': {
    input: (ctx) => ({ activityId: ctx.ids.pastActivity, memberCode: ctx.ids.residentCode, minutes: 60, reason: '矩阵补录：现场签到设备故障' }),
    expect: C1_ORGANISER
  },
  'activities.remind': { setup: async (ctx) => ({ id: await newActivity(ctx) }), input: (_c, s) => ({ activityId: s.id }), expect: C1_ORGANISER },
  'activities.revealMobile': {
    setup: async (ctx) => {
      const id = await newActivity(ctx)
      await ctx.ok('activities', 'signUp', { activityId: id }, 'demo-resident')
      return { id }
    },
    input: (_c, s) => ({ activityId: s.id, openid: 'demo-resident' }),
    expect: C1_ORGANISER,
    note: 'audited; the organiser of the c1 activity only'
  },
  'activities.removeSignUp': {
    setup: async (ctx) => {
      const id = await newActivity(ctx)
      await ctx.ok('activities', 'signUp', { activityId: id }, 'demo-resident')
      return { id }
    },
    input: (_c, s) => ({ activityId: s.id, openid: 'demo-resident', reason: '矩阵测试移除报名' }),
    expect: C1_ORGANISER,
    note: 'audited; the organiser of the c1 activity only'
  },
  'activities.pendingMakeUps': { input: () => ({}), expect: ANY_STAFF, note: 'staff see their communities’ queue, the admin every one' },
  'activities.pendingMakeUps#other-community': { input: () => ({ communityId: 'c1' }), expect: C1_STAFF, note: 'c2’s staff may not read c1’s queue' },
  'activities.joinVolunteers': {
    setup: async (ctx, who) => ({ as: twinOf(ctx, who) }),
    caller: (s) => s.as,
    input: () => ({ name: '矩阵志愿者', mobile: '13900000000', consent: true }),
    expect: SIGNED_IN,
    note: 'one’s own 志愿者实名登记 (as a twin of the persona, so the personas stay as seeded)'
  },
  'activities.memberCode': { input: () => ({}), expect: SIGNED_IN },
  'activities.ranking': { input: () => ({ communityId: 'c1' }), expect: SIGNED_IN },
  'activities.setPreferences': { input: () => ({ rankingOptIn: true }), expect: SIGNED_IN },

  // ---- centers ------------------------------------------------------------------------------
  'centers.list': { input: () => ({ communityId: 'c1' }), expect: SIGNED_IN },
  'centers.get': { input: (ctx) => ({ centerId: ctx.ids.center }), expect: SIGNED_IN },
  'centers.availability': { input: (ctx) => ({ roomId: ctx.ids.room }), expect: SIGNED_IN },
  'centers.book': {
    setup: async (ctx, who) => ({ start: ctx.ids.freeSlots[PERSONAS.indexOf(who)] }),
    input: (ctx, s) => ({ roomId: ctx.ids.room, start: s.start, purpose: '矩阵测试：楼栋议事会', attendees: 5 }),
    expect: SIGNED_IN
  },
  'centers.revealMobile': {
    input: (ctx) => ({ bookingId: ctx.ids.booking }),
    expect: C1_STAFF,
    note: 'audited; the managers of the booking’s centre (c1’s staff, the admin)'
  },
  'centers.cancel': {
    setup: async (ctx) => ({ id: newBooking(ctx, 'confirmed') }),
    input: (_c, s) => ({ bookingId: s.id, reason: '矩阵测试' }),
    expect: only('resident', 'staff', 'admin'),
    hides: true,
    note: 'the booker (demo-resident) or staff of the booking’s community; others are told it does not exist'
  },
  'centers.review': {
    setup: async (ctx) => ({ id: newBooking(ctx, 'pending') }),
    input: (_c, s) => ({ bookingId: s.id, decision: 'reject', reason: '矩阵测试' }),
    expect: C1_STAFF,
    hides: true
  },
  'centers.myBookings': { input: () => ({}), expect: SIGNED_IN },
  'centers.checkIn': {
    setup: async (ctx) => {
      const now = ctx.cloud.clock.now()
      return { id: newBooking(ctx, 'confirmed', { start: new Date(now + 5 * 60000), end: new Date(now + 65 * 60000) }) }
    },
    input: (_c, s) => ({ bookingId: s.id }),
    expect: C1_STAFF,
    note: 'by booking id: staff of the booking’s community check a resident in at the desk'
  },
  'centers.checkIn#roomCode': {
    input: (ctx) => ({ roomCode: ctx.ids.roomDoc.code }),
    expect: SIGNED_IN,
    note: 'by the code on the door: each caller checks in their own booking (none today: a business answer)'
  },
  'centers.blackout': {
    input: (ctx) => ({ roomId: ctx.ids.room, ...blackoutWindow(), reason: '矩阵测试：设备检修' }),
    expect: C1_STAFF
  },
  'centers.utilisation': { input: () => ({ communityId: 'c1', from: '2026-11-01', to: '2026-11-26' }), expect: C1_STAFF },
  'centers.fund': { input: () => ({ communityId: 'c1' }), expect: C1_STAFF },
  'centers.bookings': { input: (ctx) => ({ centerId: ctx.ids.center }), expect: C1_STAFF },
  'centers.saveCenter': {
    input: (ctx) => {
      const c = ctx.ids.centerDoc
      return { centerId: c._id, name: c.name, communityId: c.communityId, address: c.address, openingHours: c.openingHours, description: '矩阵测试修改' }
    },
    expect: C1_STAFF
  },
  'centers.setStatus': { input: (ctx) => ({ centerId: ctx.ids.plannedCenter, status: 'under_construction', note: '矩阵测试' }), expect: C1_STAFF },
  'centers.upload': { input: () => ({ contentType: 'image/png', data: PNG }), expect: ANY_STAFF, note: 'no record scope: any staff' },
  'centers.places': { input: () => ({ communityId: 'c1' }), expect: C1_STAFF },
  'centers.saveRoom': {
    input: (ctx) => {
      const r = ctx.ids.roomDoc
      return { roomId: r._id, centerId: r.centerId, name: r.name, capacity: r.capacity, description: '矩阵测试修改' }
    },
    expect: C1_STAFF
  },
  'centers.roomCode': { input: (ctx) => ({ roomId: ctx.ids.room }), expect: C1_STAFF },
  'centers.blackouts': { input: (ctx) => ({ centerId: ctx.ids.center }), expect: C1_STAFF },
  'centers.liftBlackout': {
    setup: async (ctx) => {
      const b = await ctx.ok('centers', 'blackout', { roomId: ctx.ids.room, ...blackoutWindow(), reason: '矩阵测试：待解除' }, 'demo-staff')
      return { id: b._id ?? b.blackout?._id ?? b.blackoutId }
    },
    input: (_c, s) => ({ blackoutId: s.id }),
    expect: C1_STAFF
  },
  'centers.sweep': { input: (ctx) => ({ centerId: ctx.ids.center }), expect: C1_STAFF },
  'centers.settings': { input: () => ({}), expect: ANY_STAFF, note: 'reading the district-wide rules: anyone on staff' },
  'centers.settings#change': { input: () => ({ noShowLimit: 3 }), expect: ADMIN },

  // ---- companies ----------------------------------------------------------------------------
  'companies.list': { input: () => ({}), expect: SIGNED_IN },
  'companies.get': { input: () => ({ companyId: 'co1' }), expect: SIGNED_IN },
  'companies.scorecard': { input: () => ({ companyId: 'co1', month: MONTH_PAST }), expect: SIGNED_IN },
  'companies.ranking': { input: () => ({}), expect: SIGNED_IN },
  'companies.publishRanking': { input: () => ({ month: '2026-11' }), expect: ADMIN },
  'companies.openAppeals': { input: () => ({ month: '2026-11', days: 5 }), expect: ADMIN },
  'companies.appeal': { input: () => ({ month: '2026-11', reason: '矩阵测试：部分工单不应计入' }), expect: only('property') },
  'companies.appeal#other-company': {
    input: () => ({ month: '2026-11', companyId: 'co2', reason: '矩阵测试：替别家企业申诉' }),
    expect: only(),
    note: 'a company appeals only its own ranking'
  },
  'companies.answerAppeal': { input: () => ({ month: '2026-11', companyId: 'co1', decision: 'dismissed', reply: '矩阵测试答复' }), expect: ADMIN },
  'companies.appeals': { input: () => ({ month: MONTH_PAST }), expect: only('admin', 'property') },
  'companies.setPartyBuilding': { input: () => ({ companyId: 'co1', month: MONTH_PAST, jointActivities: 1, meetingsAttended: 1 }), expect: ADMIN },
  'companies.updateProfile': { input: () => ({ companyId: 'co1', contact: '0571-00000000' }), expect: ADMIN },

  // ---- members ------------------------------------------------------------------------------
  'members.register': {
    input: (ctx, _s, who) => ({
      scene: ctx.ids.scene,
      name: '矩阵报到',
      mobile: `1380000${String(PERSONAS.indexOf(who)).padStart(4, '0')}`,
      workUnit: '区矩阵局',
      partyOrg: '区矩阵局机关党支部',
      gridId: 'c1g1',
      buildingId: 'c1g1b1',
      room: '101',
      consent: true
    }),
    expect: SIGNED_IN
  },
  'members.me': { input: () => ({}), expect: SIGNED_IN },
  'members.scene': { input: (ctx) => ({ scene: ctx.ids.scene }), expect: SIGNED_IN },
  'members.structure': { input: () => ({ communityId: 'c1' }), expect: C1_STAFF },
  'members.detail': {
    input: (ctx) => ({ registrationId: ctx.ids.memberRegistration }),
    expect: only('member', 'staff', 'admin'),
    hides: true,
    note: 'one’s own registration, or staff of its community'
  },
  'members.review': {
    setup: async (ctx) => {
      const openid = `matrix-applicant-${ctx.fresh('a')}`
      return { id: ctx.clone('registrations', { _id: ctx.ids.pendingRegistration }, { openid, slot: `pending:${openid}` }) }
    },
    input: (_c, s) => ({ registrationId: s.id, decision: 'reject', reason: '矩阵测试：信息不全' }),
    expect: C1_STAFF,
    hides: true
  },
  'members.reviewMany': {
    setup: async (ctx) => {
      const openid = `matrix-applicant-${ctx.fresh('a')}`
      return { id: ctx.clone('registrations', { _id: ctx.ids.pendingRegistration }, { openid, slot: `pending:${openid}` }) }
    },
    input: (_c, s) => ({ registrationIds: [s.id], decision: 'reject', reason: '矩阵测试：信息不全' }),
    expect: ANY_STAFF,
    note: 'the role gate of review; each registration is then refused or decided on its own (staff2: FORBIDDEN for that id inside an ok reply, desk-batch.test.ts)'
  },
  'members.placementOptions': { input: (ctx) => ({ registrationId: ctx.ids.pendingRegistration }), expect: C1_STAFF, hides: true },
  'members.list': { input: () => ({ communityId: 'c1' }), expect: C1_STAFF },
  'members.list#sort': { input: () => ({ communityId: 'c1', status: 'approved', sort: { field: 'reviewedAt', order: 'desc' }, pageSize: 100 }), expect: C1_STAFF },
  'members.revealMobile': { input: (ctx) => ({ registrationId: ctx.ids.memberRegistration }), expect: C1_STAFF, hides: true, note: 'audited; staff of the registration’s community' },
  'members.export': { input: () => ({ communityId: 'c1' }), expect: C1_STAFF },
  'members.stats': { input: () => ({}), expect: ANY_STAFF, note: 'each sees their own communities' },
  'members.setTarget': { input: () => ({ target: 3000 }), expect: ADMIN },
  'members.setCommunityTargets': { input: () => ({ targets: [{ communityId: 'c1', target: 300 }] }), expect: ADMIN },
  // Roster imports (docs/back-office.md §5): a fresh file per caller; confirm with the token the admin's preview gave.
  'members.importPreview': {
    setup: async (ctx) => ({ file: await matrixRoster(ctx) }),
    input: (_c, s) => ({ kind: 'members', scope: 'c1', fileName: 'matrix.xlsx', file: s.file }),
    expect: C1_STAFF
  },
  'members.importConfirm': {
    setup: async (ctx) => {
      const file = await matrixRoster(ctx)
      const p = await ctx.ok<{ previewToken: string }>('members', 'importPreview', { kind: 'members', scope: 'c1', fileName: 'matrix.xlsx', file }, 'demo-admin')
      return { file, token: p.previewToken }
    },
    input: (_c, s) => ({ kind: 'members', scope: 'c1', fileName: 'matrix.xlsx', file: s.file, previewToken: s.token }),
    expect: C1_STAFF
  },

  // ---- notices ------------------------------------------------------------------------------
  'notices.publish': {
    input: () => ({ title: '矩阵测试发布', category: 'community', body: '<p>内容</p>', audience: { scope: 'community', communityIds: ['c1'] } }),
    expect: C1_STAFF
  },
  'notices.update': { setup: async (ctx) => ({ id: await newNotice(ctx) }), input: (_c, s) => ({ noticeId: s.id, title: '矩阵测试修改标题' }), expect: C1_STAFF, hides: true },
  'notices.withdraw': { setup: async (ctx) => ({ id: await newNotice(ctx) }), input: (_c, s) => ({ noticeId: s.id, reason: '矩阵测试' }), expect: C1_STAFF, hides: true },
  'notices.list': { input: () => ({}), expect: SIGNED_IN },
  'notices.get': {
    input: (ctx) => ({ noticeId: ctx.ids.c1Notice }),
    expect: only('resident', 'member', 'staff', 'admin', 'committee'),
    hides: true,
    note: 'a notice for c1 only: its residents (by residence), its staff, the district admin'
  },
  'notices.unreadCount': { input: () => ({}), expect: SIGNED_IN },
  'notices.readStats': { input: (ctx) => ({ noticeId: ctx.ids.c1Notice }), expect: C1_STAFF, hides: true },
  'notices.upload': { input: () => ({ name: 'a.png', contentType: 'image/png', data: PNG }), expect: ANY_STAFF, note: 'no record scope: any publisher' },
  'notices.places': { input: () => ({ communityId: 'c1' }), expect: SIGNED_IN },
  'notices.subscribe': { input: () => ({}), expect: SIGNED_IN },
  'notices.setResidence': { input: () => ({ communityId: 'c1', gridId: 'c1g1', buildingId: 'c1g1b1' }), expect: SIGNED_IN, note: 'one’s own residence' },

  // ---- qrcodes / reports / users --------------------------------------------------------------
  'qrcodes.community': { input: () => ({ communityId: 'c1' }), expect: C1_STAFF },
  'reports.dashboard': { input: () => ({ communityId: 'c1', from: '2026-11-01', to: '2026-11-26' }), expect: C1_STAFF },
  'reports.figure': { input: () => ({ key: 'ticketsReceived', communityId: 'c1', from: '2026-11-01', to: '2026-11-26' }), expect: C1_STAFF },
  'reports.workReport': { input: () => ({ communityId: 'c1', from: '2026-11-01', to: '2026-11-26' }), expect: C1_STAFF },
  'users.me': { input: () => ({}), expect: SIGNED_IN },
  'users.myData': { input: () => ({}), expect: SIGNED_IN },
  'users.overview': { input: () => ({}), expect: SIGNED_IN, note: '首页 and 我的: one’s own counts, and the queues of one’s own roles and scope' },
  'users.exportMyData': { input: () => ({}), expect: SIGNED_IN, note: 'one’s own data only; audited' },
  'users.withdrawConsent': {
    setup: async (ctx, who) => {
      const as = twinOf(ctx, who)
      if (as) ctx.cloud.store.insertOne('consents', { _id: ctx.fresh('consent'), openid: as, purpose: 'ranking', event: 'given', policyVersion: PRIVACY_POLICY_VERSION, at: new Date(ctx.cloud.clock.now()), source: 'matrix' })
      return { as }
    },
    caller: (s) => s.as,
    input: () => ({ purpose: 'ranking' }),
    expect: SIGNED_IN,
    note: 'one’s own consent (a twin of the persona)'
  },
  'users.deleteAccount': {
    setup: async (ctx, who) => ({ as: twinOf(ctx, who) }),
    caller: (s) => s.as,
    input: () => ({ confirm: true }),
    expect: SIGNED_IN,
    note: 'one’s own account (a twin, so the personas stay); staff roles are refused with CONFLICT, a business answer'
  },
  'users.auditLogs': { input: () => ({}), expect: ANY_STAFF, note: 'the admin reads all, staff their communities’ entries' },
  'users.auditLogs#other-community': { input: () => ({ communityId: 'c1' }), expect: C1_STAFF, note: 'c2’s staff may not read c1’s entries' },

  // ---- teams --------------------------------------------------------------------------------
  'teams.create': { input: (ctx) => ({ name: `矩阵新建工作队${ctx.fresh('tc')}`, type: 'liaison', communityId: 'c1', unit: '区矩阵局' }), expect: C1_STAFF },
  'teams.update': { setup: async (ctx) => ({ id: await newTeam(ctx) }), input: (_c, s) => ({ teamId: s.id, description: '矩阵修改' }), expect: C1_STAFF },
  'teams.disband': { setup: async (ctx) => ({ id: await newTeam(ctx) }), input: (_c, s) => ({ teamId: s.id, reason: '矩阵测试解散' }), expect: C1_STAFF },
  'teams.list': { input: () => ({ communityId: 'c1' }), expect: SIGNED_IN },
  'teams.get': { input: (ctx) => ({ teamId: ctx.ids.memberTeam }), expect: SIGNED_IN },
  'teams.members': {
    input: (ctx) => ({ teamId: ctx.ids.memberTeam }),
    expect: only('member', 'staff', 'admin'),
    hides: true,
    note: 'intended: the team’s members and leader, staff of its community, the district admin'
  },
  'teams.addMember': {
    setup: async (ctx) => ({ id: await newTeam(ctx) }),
    input: (ctx, s) => ({ teamId: s.id, memberCode: ctx.ids.residentCode }),
    expect: C1_STAFF
  },
  'teams.removeMember': {
    setup: async (ctx) => {
      const id = await newTeam(ctx)
      await ctx.ok('teams', 'addMember', { teamId: id, memberCode: ctx.ids.residentCode }, 'demo-staff')
      return { id }
    },
    input: (_c, s) => ({ teamId: s.id, openid: 'demo-resident', reason: '矩阵测试移出' }),
    expect: C1_STAFF
  },
  'teams.setLeader': {
    setup: async (ctx) => {
      const id = await newTeam(ctx)
      await ctx.ok('teams', 'addMember', { teamId: id, memberCode: ctx.ids.residentCode }, 'demo-staff')
      return { id }
    },
    input: (_c, s) => ({ teamId: s.id, openid: 'demo-resident' }),
    expect: C1_STAFF
  },
  'teams.revealMobile': {
    setup: async (ctx) => ctx.ids.revealTeam(),
    input: (_c, s) => ({ teamId: s.id, memberKey: s.memberKey }),
    expect: only('staff', 'admin'),
    hides: true,
    note: 'audited; the team’s leader and the keepers (c1 staff, district admin) — members see masked numbers only'
  },
  'teams.myTeams': { input: () => ({}), expect: SIGNED_IN },
  // 志愿队成员 imports into c1's team tm0001 (a fresh file per caller: the ignored 备注 column differs).
  'teams.importPreview': {
    setup: async (ctx) => ({ file: await matrixTeamRoster(ctx) }),
    input: (_c, s) => ({ kind: 'teamMembers', scope: 'tm0001', fileName: 'matrix.xlsx', file: s.file }),
    expect: C1_STAFF
  },
  'teams.importConfirm': {
    setup: async (ctx) => {
      const file = await matrixTeamRoster(ctx)
      const p = await ctx.ok<{ previewToken: string }>('teams', 'importPreview', { kind: 'teamMembers', scope: 'tm0001', fileName: 'matrix.xlsx', file }, 'demo-admin')
      return { file, token: p.previewToken }
    },
    input: (_c, s) => ({ kind: 'teamMembers', scope: 'tm0001', fileName: 'matrix.xlsx', file: s.file, previewToken: s.token }),
    expect: C1_STAFF
  },

  // ---- tickets ------------------------------------------------------------------------------
  'tickets.create': { input: () => ({ category: 'repair', description: '矩阵测试：单元门禁损坏，无法关闭', gridId: 'c1g1' }), expect: SIGNED_IN },
  'tickets.list': { input: () => ({ scope: 'mine' }), expect: SIGNED_IN },
  'tickets.list#queue': {
    input: () => ({ scope: 'queue', gridId: 'c1g1' }),
    expect: only('staff', 'staff2', 'admin', 'property', 'committee'),
    note: 'the work queue filtered to c1g1: parties and the admin; c2’s staff pass the gate but the queue is limited to c2 (empty)'
  },
  'tickets.get': { input: (ctx) => ({ ticketId: ctx.ids.ticket }), expect: SIGNED_IN, note: 'everyone signed in sees the public form of a compound’s ticket' },
  'tickets.transition': {
    // The lead party is the caller's own party (if they have one), so "accept" tests the scope.
    setup: async (ctx, who) => ({
      id: newTicket(ctx, {
        status: 'submitted',
        reporterOpenid: 'matrix-reporter',
        party: who === 'committee' ? 'owners_committee' : who === 'staff' || who === 'staff2' ? 'residents_committee' : 'property_company'
      })
    }),
    input: (_c, s) => ({ ticketId: s.id, to: 'accepted', note: '矩阵测试受理' }),
    expect: only('staff', 'property', 'committee'),
    note: 'the lead party of the c1g1 ticket accepts it (co1’s staff, c1g1’s 业委会, c1’s 居委会)'
  },
  'tickets.transition#other-compound': {
    setup: async (ctx, who) => ({
      id: newTicket(ctx, { status: 'submitted', reporterOpenid: 'matrix-reporter', party: who === 'committee' ? 'owners_committee' : who === 'staff' || who === 'staff2' ? 'residents_committee' : 'property_company' }, { _id: ctx.ids.otherTicket })
    }),
    input: (_c, s) => ({ ticketId: s.id, to: 'accepted', note: '矩阵测试受理' }),
    expect: only('staff'),
    note: 'a ticket of c1g2 (another company and 业委会): co1’s staff and c1g1’s 业委会 are strangers'
  },
  'tickets.comment': {
    setup: async (ctx) => ({ id: newTicket(ctx, { status: 'accepted', reporterOpenid: 'demo-resident', party: 'property_company' }) }),
    input: (_c, s) => ({ ticketId: s.id, text: '矩阵测试补充说明' }),
    expect: only('resident', 'staff', 'admin', 'property', 'committee'),
    note: 'the reporter, the compound’s three parties, the district admin'
  },
  'tickets.confirm': {
    setup: async (ctx) => ({ id: newTicket(ctx, { status: 'resolved', reporterOpenid: 'demo-resident', resolvedAt: new Date(ctx.cloud.clock.now() - 3600000), resolvedBy: 'property_company', rating: null }) }),
    input: (_c, s) => ({ ticketId: s.id, rating: 5 }),
    expect: only('resident')
  },
  'tickets.reopen': {
    setup: async (ctx) => ({ id: newTicket(ctx, { status: 'resolved', reporterOpenid: 'demo-resident', resolvedAt: new Date(ctx.cloud.clock.now() - 3600000), resolvedBy: 'property_company', rating: null }) }),
    input: (_c, s) => ({ ticketId: s.id, note: '矩阵测试：问题仍在' }),
    expect: only('resident')
  },
  'tickets.revealMobile': {
    input: (ctx) => ({ ticketId: ctx.ids.ticket }),
    expect: only('staff', 'property', 'committee'),
    note: 'audited; only the parties handling the c1g1 ticket (co1, c1g1’s 业委会, c1’s 居委会)'
  },
  'tickets.revealMobile#other-compound': {
    input: (ctx) => ({ ticketId: ctx.ids.otherTicket }),
    expect: only('staff'),
    note: 'a c1g2 ticket: co1’s staff and c1g1’s 业委会 are not its parties'
  },
  'tickets.upload': { input: () => ({ contentType: 'image/png', data: PNG }), expect: SIGNED_IN },
  'tickets.sweep': { input: () => ({}), expect: ANY_STAFF, note: 'each sweeps their own communities' },
  'tickets.rules': { input: () => ({}), expect: SIGNED_IN },
  'tickets.setRule': { input: () => ({ category: 'repair', leadParty: 'property_company', acceptHours: 24, resolveHours: 72 }), expect: ADMIN },

  // ---- wishes -------------------------------------------------------------------------------
  'wishes.create': { input: () => ({ category: 'repair', title: '矩阵测试：帮忙修理晾衣架', gridId: 'c1g1', buildingId: 'c1g1b1' }), expect: SIGNED_IN },
  'wishes.list': { input: () => ({ scope: 'open' }), expect: SIGNED_IN },
  'wishes.list#review': { input: () => ({ scope: 'review', communityId: 'c1' }), expect: C1_STAFF, note: 'the review queue of c1' },
  'wishes.get': { input: (ctx) => ({ wishId: ctx.ids.wishOpen }), expect: SIGNED_IN, note: 'an open wish is public' },
  'wishes.claim': { setup: async (ctx) => ({ id: newWish(ctx, { status: 'open' }) }), input: (_c, s) => ({ wishId: s.id }), expect: only('member') },
  'wishes.release': {
    setup: async (ctx) => ({ id: newWish(ctx, { status: 'claimed', memberOpenid: 'demo-member', memberName: '李明', claimedAt: new Date(ctx.cloud.clock.now() - 3600000) }) }),
    input: (_c, s) => ({ wishId: s.id, note: '矩阵测试' }),
    expect: only('member')
  },
  'wishes.complete': {
    setup: async (ctx) => ({ id: newWish(ctx, { status: 'claimed', memberOpenid: 'demo-member', memberName: '李明', claimedAt: new Date(ctx.cloud.clock.now() - 3600000) }) }),
    input: (_c, s) => ({ wishId: s.id, minutes: 30, note: '矩阵测试完成' }),
    expect: only('member')
  },
  'wishes.confirm': {
    setup: async (ctx) => ({
      id: newWish(ctx, { status: 'completed', memberOpenid: 'demo-member', memberName: '李明', claimedAt: new Date(ctx.cloud.clock.now() - 7200000), completedAt: new Date(ctx.cloud.clock.now() - 3600000), minutes: 30 })
    }),
    input: (_c, s) => ({ wishId: s.id, rating: 5 }),
    expect: only('resident', 'staff', 'admin'),
    note: 'the resident, or c1’s staff on their behalf (confirmedBy)'
  },
  'wishes.cancel': {
    setup: async (ctx) => ({ id: newWish(ctx, { status: 'open' }) }),
    input: (_c, s) => ({ wishId: s.id, note: '矩阵测试' }),
    expect: only('resident', 'staff', 'admin'),
    note: 'the resident who posted it, or c1’s staff'
  },
  'wishes.review': {
    setup: async (ctx) => ({ id: newWish(ctx, { status: 'pending', reviewedAt: null, reviewedBy: null }) }),
    input: (_c, s) => ({ wishId: s.id, decision: 'approve' }),
    expect: C1_STAFF
  },
  'wishes.revealMobile': {
    setup: async (ctx) => ({ id: newWish(ctx, { status: 'claimed', memberOpenid: 'demo-member', memberName: '李明', claimedAt: new Date(ctx.cloud.clock.now() - 3600000) }) }),
    input: (_c, s) => ({ wishId: s.id }),
    expect: only('member', 'staff', 'admin'),
    note: 'audited; the member who claimed it and c1’s staff'
  },
  'wishes.deeds': { input: () => ({ communityId: 'c1' }), expect: SIGNED_IN },
  'wishes.deedTotals': { input: () => ({ communityId: 'c1' }), expect: PUBLIC },
  // ---- auth (管理后台扫码登录) ----------------------------------------------------------------------
  'auth.deskStart': { input: () => ({ ua: 'matrix' }), expect: PUBLIC, note: 'the PC before sign-in (anonymous); limited per IP' },
  'auth.deskPoll': {
    setup: async (ctx) => deskStarted(ctx),
    input: (_c, s) => ({ sid: s.sid, pollSecret: s.pollSecret }),
    expect: PUBLIC,
    note: 'whoever holds the poll secret'
  },
  'auth.deskScan': { setup: async (ctx) => deskStarted(ctx), input: (_c, s) => ({ scene: s.scene }), expect: DESK, note: 'staff-class roles, on the phone' },
  'auth.deskConfirm': {
    setup: async (ctx, who) => {
      const s = await deskStarted(ctx)
      // Scanned by the persona where it may scan, else by demo-staff (then only that phone may confirm).
      const scanner = DESK[who] === 'ok' ? OPENID[who as keyof typeof OPENID] : 'demo-staff'
      await ctx.ok('auth', 'deskScan', { scene: s.scene }, scanner)
      return s
    },
    input: (_c, s) => ({ scene: s.scene }),
    expect: DESK,
    note: 'the phone that scanned, holding a staff-class role; audited'
  },
  'auth.deskCancel': { setup: async (ctx) => deskStarted(ctx), input: (_c, s) => ({ scene: s.scene }), expect: SIGNED_IN, note: 'a code not yet scanned: anyone signed in who has it' },
  'auth.deskSignOut': {
    input: () => ({}),
    expect: only(),
    desk: 'ok',
    freshDesk: true,
    note: 'a desk caller ends its own session; no phone has one'
  },
  'auth.mySessions': { input: () => ({}), expect: SIGNED_IN },
  'auth.deskRevoke': {
    setup: async (ctx) => ({ sid: await deskSignedIn(ctx) }),
    input: (_c, s) => ({ sid: s.sid }),
    expect: only('staff', 'admin'),
    hides: true,
    note: 'demo-staff’s PC: its owner, or the district admin; to anyone else it does not exist'
  },
  // 角色管理 (server/auth/roles.ts): the district admin's; accepting is anyone's, on the phone, as a twin (the personas keep their roles)
  'auth.inviteRole': { input: () => ({ role: 'staff', scope: { communityIds: ['c1'] } }), expect: ADMIN },
  'auth.roleInvite': { setup: async (ctx) => roleInvited(ctx), input: (_c, s) => ({ code: s.code }), expect: SIGNED_IN, note: 'whoever holds the code' },
  'auth.acceptRole': {
    setup: async (ctx, who) => ({ ...(await roleInvited(ctx)), as: twinOf(ctx, who) }),
    caller: (s) => s.as,
    input: (_c, s) => ({ code: s.code }),
    expect: SIGNED_IN,
    note: 'whoever holds the code (a twin of the persona); phone only'
  },
  'auth.cancelInvite': { setup: async (ctx) => roleInvited(ctx), input: (_c, s) => ({ code: s.code }), expect: ADMIN },
  'auth.invites': { input: () => ({}), expect: ADMIN },
  'auth.roleHolders': { input: () => ({ communityId: 'c1' }), expect: ADMIN },
  'auth.revokeRole': {
    setup: async (ctx) => ({ openid: twinOf(ctx, 'staff') }),
    input: (_c, s) => ({ openid: s.openid, role: 'staff', scopeId: 'c1', reason: '矩阵测试撤销' }),
    expect: ADMIN,
    note: 'audited; a twin of demo-staff loses the role'
  },
  'auth.roleScopes': { input: () => ({}), expect: ADMIN }
}

/** A fresh invitation to c1's staff, made by the district admin. */
async function roleInvited(ctx: Ctx): Promise<{ code: string }> {
  return ctx.ok('auth', 'inviteRole', { role: 'staff', scope: { communityIds: ['c1'] } }, 'demo-admin')
}

// ---------------------------------------------------------------------------------------------
// Running it

// REGISTRATION_REQUIRED: the person may not do this until registered (志愿者实名登记 before a sign-up).
const ACCESS_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'REGISTRATION_REQUIRED'])
const BUSINESS_CODES = new Set(['NOT_FOUND', 'CONFLICT', 'INVALID_INPUT', 'CAPACITY_FULL', 'EXPIRED', 'RATE_LIMITED'])

/** The outcome class of a reply: 'ok', 'denied', or the unexpected code itself (INTERNAL …). */
function classify(reply: Reply<unknown>, row: Row): string {
  if (reply.ok) return 'ok'
  const code = reply.error.code
  if (ACCESS_CODES.has(code)) return 'denied'
  if (code === 'NOT_FOUND' && row.hides) return 'denied'
  if (BUSINESS_CODES.has(code)) return 'ok'
  return code
}

interface Cell {
  key: string
  who: Who
  expected: Outcome
  actual: string
  code: string
  message?: string
}

let cloud: TestCloud
let ctx: Ctx
const cells: Cell[] = []

async function lookupIds(c: TestCloud): Promise<Record<string, any>> {
  const s = c.store
  const need = <T extends Record<string, any>>(what: string, doc: T | null): T => {
    if (!doc) throw new Error(`access-matrix: the seed has no ${what}`)
    return doc
  }
  const now = new Date(c.clock.now())
  const activity = need('upcoming c1 volunteer activity', s.findOne('activities', { communityId: 'c1', kind: 'volunteer', status: 'published', start: { $gt: now }, audience: 'all' }))
  const pastActivity = need('past c1 volunteer activity', s.findOne('activities', { communityId: 'c1', kind: 'volunteer', status: 'published', end: { $lt: new Date(now.getTime() - 86400000) } }))
  const pendingRecord = need('pending c1 service record', s.findOne('serviceRecords', { communityId: 'c1', status: 'pending' }))
  const centerDoc = need('open c1 centre with a room', s.find('centers', { communityId: 'c1', status: { $in: ['built', 'accepted'] } }).find((x) => s.count('rooms', { centerId: x._id }) > 0) ?? null)
  const plannedCenter = need('planned c1 centre', s.findOne('centers', { communityId: 'c1', status: 'planned' }))
  const roomDoc = need('c1 room', s.findOne('rooms', { centerId: centerDoc._id, needsApproval: false }) ?? s.findOne('rooms', { centerId: centerDoc._id }))
  const booking = need('c1 booking', s.findOne('bookings', { communityId: 'c1', roomId: roomDoc._id }) ?? s.findOne('bookings', { communityId: 'c1' }))
  const ticket = need('c1g1 ticket', s.findOne('tickets', { gridId: 'c1g1', companyId: 'co1', hasOwnersCommittee: true }))
  const otherTicket = need('c1g2 ticket (another company and 业委会)', s.findOne('tickets', { communityId: 'c1', gridId: { $ne: 'c1g1' }, companyId: { $nin: ['co1', null] }, hasOwnersCommittee: true }))
  const wishOpen = need('open c1g1 wish of demo-resident', s.findOne('wishes', { gridId: 'c1g1', residentOpenid: 'demo-resident', status: 'open' }))
  const memberRegistration = need('demo-member’s registration', s.findOne('registrations', { openid: 'demo-member' }))
  const pendingRegistration = need('pending c1 registration', s.findOne('registrations', { communityId: 'c1', status: 'pending' }))
  const memberTeam = need(
    'a c1 team with demo-member',
    (s.find('teamMembers', { openid: 'demo-member', status: 'active' }).map((m) => s.findOne('teams', { _id: m.teamId, communityId: 'c1', status: 'active' })).find(Boolean) as Record<string, any> | undefined) ?? null
  )
  const member = await c.ok('activities', 'memberCode', {}, 'demo-member')
  const resident = await c.ok('activities', 'memberCode', {}, 'demo-resident')
  const qr = await c.ok('qrcodes', 'community', { communityId: 'c1' }, 'demo-staff')
  const cert = await c.call('activities', 'certificate', {}, 'demo-member')
  // Bookable slots of the room from the next day on, one per caller (spread over days: weekly quotas).
  const avail = await c.ok('centers', 'availability', { roomId: roomDoc._id, from: '2026-11-28', days: 14 }, 'demo-resident')
  const freeSlots: string[] = avail.days.flatMap((d: { slots: { start: string; bookable: boolean }[] }) => d.slots.filter((x) => x.bookable).map((x) => x.start))
  return {
    activity: activity._id,
    pastActivity: pastActivity._id,
    place: activity.place,
    pendingRecord: pendingRecord._id,
    center: centerDoc._id,
    centerDoc,
    plannedCenter: plannedCenter._id,
    room: roomDoc._id,
    roomDoc,
    booking: booking._id,
    ticket: ticket._id,
    otherTicket: otherTicket._id,
    wishOpen: wishOpen._id,
    memberRegistration: memberRegistration._id,
    pendingRegistration: pendingRegistration._id,
    memberTeam: memberTeam._id,
    memberCode: member.memberCode,
    residentCode: resident.memberCode,
    scene: qr.scene,
    certificateNo: cert.ok ? (cert.data as any).certificateNo : 'ZYFW-0000-000000',
    freeSlots
  }
}

beforeAll(async () => {
  cloud = await startTestCloud()
  cloud.clock.set(NOW)
  let seq = 0
  const fresh = (prefix: string) => `mx-${prefix}-${++seq}`
  ctx = {
    cloud,
    ids: {},
    fresh,
    clone(coll, query, overrides = {}) {
      const doc = cloud.store.findOne(coll, query)
      if (!doc) throw new Error(`access-matrix: nothing to clone in ${coll} for ${JSON.stringify(query)}`)
      const _id = fresh(coll)
      cloud.store.insertOne(coll, { ...doc, ...overrides, _id })
      return _id
    },
    ok: (fn, action, input, openid) => cloud.ok(fn, action, input, openid)
  }
  ctx.ids = await lookupIds(cloud)
  // staffDesk's PC, signed in by scan as demo-staff.
  ctx.ids.deskSid = await deskSignedIn(ctx)
  // A notice for c1's residents only, published by c1's staff.
  ctx.ids.c1Notice = await newNotice(ctx)
  // One ongoing c1 activity for check-in (demo-member signed up) and one for check-out (demo-member checked in).
  const ongoing = async (checkedIn: boolean) => {
    const id = await imminentActivity(ctx)
    await ctx.ok('activities', 'signUp', { activityId: id }, 'demo-member')
    const { token } = await ctx.ok('activities', 'checkinCode', { activityId: id }, 'demo-staff')
    if (checkedIn) await ctx.ok('activities', 'checkIn', { token, activityId: id }, 'demo-member')
    return { id, token }
  }
  ctx.ids.checkinActivity = once(() => ongoing(false))
  ctx.ids.checkoutActivity = once(() => ongoing(true))
  // A c1 team with demo-resident as its member, and the member's key for revealMobile.
  ctx.ids.revealTeam = once(async () => {
    const id = await newTeam(ctx)
    await ctx.ok('teams', 'addMember', { teamId: id, memberCode: ctx.ids.residentCode }, 'demo-staff')
    const members = await ctx.ok('teams', 'members', { teamId: id }, 'demo-staff')
    return { id, memberKey: members.items[0].memberKey }
  })
}, 120000)
afterAll(() => cloud?.close())

const FUNCTIONS = Object.keys(ROUTERS)
const baseKey = (key: string) => key.split('#')[0]

test('every action of every function has a row in the matrix (and every row names a real action)', () => {
  const actions = FUNCTIONS.flatMap((fn) => Object.keys(ROUTERS[fn]).map((a) => `${fn}.${a}`))
  const rows = Object.keys(MATRIX)
  const missing = actions.filter((a) => !rows.some((r) => baseKey(r) === a))
  const stale = rows.filter((r) => !actions.includes(baseKey(r)))
  expect({ missing, stale }).toEqual({ missing: [], stale: [] })
})

describe.each(FUNCTIONS)('%s', (fn) => {
  test(`each caller gets the expected outcome on every ${fn} action`, async () => {
    const rows = Object.entries(MATRIX).filter(([key]) => key.startsWith(`${fn}.`))
    const mine: Cell[] = []
    for (const [key, row] of rows) {
      for (const who of CALLERS) {
        cloud.clock.set(NOW)
        let cell: Cell
        const expected = expectedOf(key, row, who)
        try {
          // staffDesk: the row as staff's, called from demo-staff's PC.
          const as: Persona = who === 'staffDesk' ? 'staff' : who
          const s = row.setup ? await row.setup(ctx, as) : {}
          const [, action] = baseKey(key).split('.')
          const invoker = who === 'staffDesk' ? asDesk(row.freshDesk ? await deskSignedIn(ctx) : ctx.ids.deskSid) : row.caller ? row.caller(s, as) : openidOf(as)
          const reply = await cloud.call(fn, action, row.input(ctx, s, as), invoker)
          cell = { key, who, expected, actual: classify(reply, row), code: reply.ok ? 'ok' : reply.error.code, message: reply.ok ? undefined : reply.error.message }
        } catch (error) {
          cell = { key, who, expected, actual: 'SETUP', code: 'SETUP', message: String((error as Error).message ?? error) }
        }
        mine.push(cell)
      }
    }
    cells.push(...mine)
    const wrong = mine.filter((c) => c.actual !== c.expected)
    if (wrong.length) console.log(render(fn, mine) + '\n' + wrong.map(describeCell).join('\n'))
    expect(wrong.map((c) => `${c.key} as ${c.who}: expected ${c.expected}, got ${c.code}`)).toEqual([])
  })
})

/** What a caller should get on a row: its own column, or for staffDesk staff's (PHONE_ONLY: denied). */
function expectedOf(key: string, row: Row, who: Who): Outcome {
  if (who !== 'staffDesk') return row.expect[who]
  if (PHONE_ONLY.has(baseKey(key))) return 'denied'
  return row.desk ?? row.expect.staff
}

test('staffDesk is staff on every row but the phone-only ones and the desk sign-out', () => {
  const differs = Object.keys(MATRIX).filter((key) => expectedOf(key, MATRIX[key], 'staffDesk') !== MATRIX[key].expect.staff)
  expect(differs.every((key) => PHONE_ONLY.has(baseKey(key)) || key === 'auth.deskSignOut')).toBe(true)
  expect(differs.length).toBeGreaterThan(10)
})

afterAll(() => {
  const holes = cells.filter((c) => c.expected === 'denied' && c.actual === 'ok')
  if (holes.length) console.log('access-matrix: unexpected access (a caller who should be denied was let through):\n' + holes.map(describeCell).join('\n'))
})

const SHORT: Record<Who, string> = { anon: 'anon', newcomer: 'new', resident: 'resid', member: 'membr', staff: 'staff', staff2: 'staf2', admin: 'admin', property: 'prop', committee: 'comm', staffDesk: 'desk' }

function describeCell(c: Cell): string {
  const hole = c.expected === 'denied' && c.actual === 'ok' ? '  <-- ACCESS HOLE?' : ''
  return `  ${c.key} as ${c.who}: expected ${c.expected}, got ${c.code}${c.message ? ` (${c.message})` : ''}${hole}`
}

/** The matrix of one function: action × caller → ok / denied / code; a wrong cell is marked with '!'. */
function render(fn: string, list: Cell[]): string {
  const keys = [...new Set(list.map((c) => c.key))]
  const width = Math.max(...keys.map((k) => k.length)) + 1
  const head = ''.padEnd(width) + CALLERS.map((p) => SHORT[p].padEnd(11)).join('')
  const lines = keys.map((key) => {
    const row = MATRIX[key]
    const cellsOf = CALLERS.map((p) => {
      const c = list.find((x) => x.key === key && x.who === p)!
      const text = c.actual === 'ok' ? (c.code === 'ok' ? 'ok' : `ok:${c.code.slice(0, 6)}`) : c.actual === 'denied' ? (c.code === 'NOT_FOUND' ? 'den:404' : c.code === 'FORBIDDEN' ? 'den:403' : 'den:401') : c.code
      return `${c.actual === c.expected ? ' ' : '!'}${text}`.padEnd(11)
    })
    return key.padEnd(width) + cellsOf.join('') + (row.hides ? ' (404 hides)' : '')
  })
  return [`access matrix — ${fn} ('!' = not the expected outcome)`, head, ...lines].join('\n')
}
