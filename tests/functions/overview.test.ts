/**
 * users.overview (issue #18): 首页 and 我的 in one call. Every figure is checked against the `total`
 * of the list action the row opens, called as its page calls it (for a work item: with the item's
 * own `query`), so a number on 首页 cannot drift from the page behind it. Also: scope (c1's staff
 * never count c2's queue), residents have no work, a new openid gets zeros, and the round trips of
 * each persona.
 */
import { startTestCloud, type TestCloud } from '../support/cloud'

let cloud: TestCloud
beforeAll(async () => {
  cloud = await startTestCloud()
})
afterAll(() => cloud.close())

/** A district admin who is also community staff of c1 (the admin's rules win where they differ). */
const ADMIN_STAFF = 'ov-admin-staff'
const PERSONAS = ['demo-resident', 'demo-member', 'demo-staff', 'demo-staff-2', 'demo-admin', 'demo-property', 'demo-committee', ADMIN_STAFF] as const
type Doc = Record<string, any>
const now = () => new Date(cloud.clock.now())
const first = { page: 1, pageSize: 1 }

/**
 * What each figure should be: the list each 我的 row opens, as its page asks for it (these calls run
 * the lists' lazy upkeep — the bookings' sweep, auto-closing — so they come after the overview).
 */
async function expectedMine(openid: string) {
  const total = async (fn: string, action: string, input: object) => ((await cloud.ok(fn, action, { ...first, ...input }, openid)) as { total: number }).total
  const [upcomingSignUps, upcomingBookings, openTickets, openOnly, openWishes, claimedWishes, hours, teams, unread] = await Promise.all([
    // 活动 → 我报名的
    total('activities', 'list', { when: 'upcoming', mine: true }),
    // 我的预约 → 即将开始
    total('centers', 'myBookings', { scope: 'upcoming' }),
    // 我的报事 → 未办结, of which 办理中
    total('tickets', 'list', { scope: 'mine', status: 'unfinished' }),
    total('tickets', 'list', { scope: 'mine', status: 'open' }),
    // 微心愿 → 我发布的 · 未完成; 我认领的 · 进行中
    total('wishes', 'list', { scope: 'mine', status: 'unfinished' }),
    total('wishes', 'list', { scope: 'claimed', status: 'claimed' }),
    cloud.ok<{ verifiedMinutes: number }>('activities', 'myHours', {}, openid),
    cloud.ok<{ items: unknown[] }>('teams', 'myTeams', {}, openid),
    cloud.ok<{ count: number }>('notices', 'unreadCount', {}, openid)
  ])
  return {
    upcomingSignUps,
    upcomingBookings,
    openTickets,
    ticketsToConfirm: openTickets - openOnly,
    openWishes,
    claimedWishes,
    verifiedMinutes: hours.verifiedMinutes,
    // No list action of one's certificates: the store.
    certificates: cloud.store.count('certificates', { openid }),
    teams: teams.items.length,
    unreadNotices: unread.count
  }
}

/** Unread notices from the store alone (no server code): the notices meant for me, less the ones I opened. */
function unreadInStore(openid: string): number {
  const store = cloud.store
  const at = now()
  const user = store.find('users', { _id: openid })[0] as Doc | undefined
  const profile = user?.profile ?? {}
  const places = ['district', ...(profile.communityId ? [`community:${profile.communityId}`] : []), ...(profile.gridId ? [`grid:${profile.gridId}`] : []), ...(profile.buildingId ? [`building:${profile.buildingId}`] : [])]
  const visible = store.find('notices', {
    audienceKeys: { $in: places },
    audienceRoles: { $in: ['all', 'resident', ...(user?.roles ?? [])] },
    status: 'active',
    publishAt: { $lte: at },
    visibleUntil: { $gt: at }
  })
  return visible.length - store.count('noticeReads', { _id: { $in: visible.map((n) => `${n._id}:${openid}`) } })
}

/** 消息设置: whether the person is a volunteer (member, or registered) and their ranking choice, from the store. */
function expectedSettings(openid: string) {
  const user = cloud.store.find('users', { _id: openid })[0] as Doc | undefined
  const volunteer = Boolean(user?.roles?.includes('member') || user?.volunteerSince)
  const record = cloud.store.find('volunteers', { _id: openid })[0] as Doc | undefined
  return { rankingOptIn: volunteer && record?.rankingOptIn === true, volunteer }
}

/** The list each work item opens, as its page calls it with the item's query: its `total`. */
async function listTotal(item: { key: string; query?: Record<string, string> }, openid: string, roles: string[]): Promise<number> {
  const q = item.query ?? {}
  // The work page starts with leadOnly for property staff and committee members.
  const lead = roles.includes('property_staff') || roles.includes('committee')
  const calls: Record<string, () => Promise<{ total: number }>> = {
    registrations: () => cloud.ok('members', 'list', { ...first, ...q }, openid),
    bookings: () => cloud.ok('centers', 'bookings', { ...first, ...q }, openid),
    tickets: () => cloud.ok('tickets', 'list', { ...first, ...q, leadOnly: lead }, openid),
    // 待认定时长: activities `records` without an activity.
    records: () => cloud.ok('activities', 'records', { ...first, ...q }, openid),
    makeUps: () => cloud.ok('activities', 'pendingMakeUps', { ...first, ...q }, openid),
    wishReviews: () => cloud.ok('wishes', 'list', { ...first, ...q }, openid)
  }
  return (await calls[item.key]()).total
}

const overviewOf = async (openid: string) => {
  const { reply, stats } = await cloud.callWithStats('users', 'overview', {}, openid)
  if (!reply.ok) throw new Error(`users.overview failed: ${reply.error.code}`)
  return { data: reply.data as Doc, dbRequests: stats.dbRequests, ms: stats.ms }
}

let activityId: string
let ticketId: string
let noticeRead: string
let roomId: string

beforeAll(async () => {
  cloud.store.insertOne('users', { _id: ADMIN_STAFF, openid: ADMIN_STAFF, roles: ['staff', 'district_admin'], scopes: { communityIds: ['c1'], companyIds: [], gridIds: [] }, profile: { name: '区社两兼', communityId: 'c1' } })
  // A volunteer activity this morning (09:30–10:30): the admin who is also c1's staff makes up the member's hours
  // after it, a make-up waiting for a second person in demo-staff's 补录复核.
  const served = await cloud.ok(
    'activities',
    'create',
    { title: '早间巡河', category: '文明创建', start: '2026-11-27 09:30', end: '2026-11-27 10:30', signUpDeadline: '2026-11-27 09:15', place: { name: '东风河' }, capacity: 5 },
    'demo-staff'
  )
  // An activity tomorrow in 东风社区; the resident (a registered volunteer) and the member sign up.
  const a = await cloud.ok(
    'activities',
    'create',
    { title: '冬日楼道清扫', category: '文明创建', start: '2026-11-28 09:00', end: '2026-11-28 10:00', signUpDeadline: '2026-11-28 08:00', place: { name: '锦绣花园 1号楼' }, capacity: 1 },
    'demo-staff'
  )
  activityId = a._id
  expect((await cloud.ok('activities', 'signUp', { activityId }, 'demo-resident')).status).toBe('confirmed')
  expect((await cloud.ok('activities', 'signUp', { activityId }, 'demo-member')).status).toBe('waiting')
  // A room that needs approval: the resident's booking waits in demo-staff's review queue.
  const room = await cloud.ok('centers', 'saveRoom', { centerId: 'ctr-c1g1', name: '概览测试室', capacity: 20, slotMinutes: 60, weeklyQuota: 2, maxSlots: 3, needsApproval: true }, 'demo-staff')
  roomId = room.id
  const booked = await cloud.call('centers', 'book', { roomId: room.id, start: '2026-12-01 10:00', slots: 1, purpose: '楼栋议事会', attendees: 8 }, 'demo-resident')
  expect(booked.ok && booked.data.status).toBe('pending')
  // A report, accepted and resolved by the property company: it waits for the resident's confirmation.
  const t = await cloud.ok('tickets', 'create', { category: 'drain', description: '1号楼门口下水道堵塞，污水漫到路面', gridId: 'c1g1', buildingId: 'c1g1b1' }, 'demo-resident')
  ticketId = t._id
  cloud.clock.advance(3_600_000)
  await cloud.ok('tickets', 'transition', { ticketId, to: 'accepted', note: '已安排维修师傅' }, 'demo-property')
  cloud.clock.advance(3_600_000)
  await cloud.ok('tickets', 'transition', { ticketId, to: 'resolved', note: '管道已疏通' }, 'demo-property')
  const card = await cloud.ok('activities', 'memberCode', {}, 'demo-member')
  await cloud.ok('activities', 'makeUp', { activityId: served._id, memberCode: card.memberCode, minutes: 60, reason: '手机没电，现场确认' }, ADMIN_STAFF)
  // A wish waiting for review in c1, and one in c2 (red: another community's queue).
  await cloud.ok('wishes', 'create', { category: 'shopping', title: '帮忙买一周的菜和药', description: '腿脚不便，下不了楼' }, 'demo-resident')
  cloud.store.insertOne('users', { _id: 'ov-c2', openid: 'ov-c2', roles: [], scopes: { communityIds: [], companyIds: [], gridIds: [] }, profile: { name: '钱阿姨', communityId: 'c2', gridId: 'c2g1' } })
  await cloud.ok('wishes', 'create', { category: 'repair', title: '家里水龙头漏水', gridId: 'c2g1' }, 'ov-c2')
  // The resident opens the newest notice meant for her.
  const inbox = await cloud.ok('notices', 'list', { page: 1, pageSize: 1 }, 'demo-resident')
  noticeRead = inbox.items[0].noticeId
  await cloud.ok('notices', 'get', { noticeId: noticeRead }, 'demo-resident')
})

describe('users.overview', () => {
  it.each(PERSONAS)('%s: every count equals the list its row opens, every queue its list with the item\'s query, in one wave', async (openid) => {
    const { data, dbRequests } = await overviewOf(openid)
    const admin = cloud.store.find('users', { _id: openid })[0].roles.includes('district_admin')
    // The caller, then two reads of several collections each (server/core/together.ts): the person's
    // own things, the queues' counts, the centres' settings (and the community staff); then the
    // bookings (after the settings' check-in grace) and the admin's 时长认定 (after the staff).
    void admin
    expect(dbRequests).toBe(3)
    expect(data.settings).toEqual(expectedSettings(openid))
    expect(data.mine).toEqual(await expectedMine(openid))
    expect(data.mine.unreadNotices).toBe(unreadInStore(openid))
    const roles: string[] = cloud.store.find('users', { _id: openid })[0].roles
    for (const item of data.work) expect([item.key, item.count]).toEqual([item.key, await listTotal(item, openid, roles)])
  })

  it("opens each work item on its list's filters: the admin's tickets are the overdue ones, also when staff", async () => {
    const queryOf = async (openid: string, key: string) => (await overviewOf(openid)).data.work.find((w: Doc) => w.key === key)?.query
    expect(await queryOf('demo-staff', 'tickets')).toEqual({ scope: 'queue', status: 'open' })
    expect(await queryOf('demo-property', 'tickets')).toEqual({ scope: 'queue', status: 'open' })
    expect(await queryOf('demo-admin', 'tickets')).toEqual({ scope: 'queue', status: 'overdue' })
    expect(await queryOf(ADMIN_STAFF, 'tickets')).toEqual({ scope: 'queue', status: 'overdue' })
    expect(await queryOf('demo-staff', 'wishReviews')).toEqual({ scope: 'review' })
    expect(await queryOf('demo-staff', 'bookings')).toEqual({ status: 'pending' })
  })

  it("gives demo-staff a count in every queue, each its list's total", async () => {
    const { data } = await overviewOf('demo-staff')
    expect(data.work.map((w: Doc) => w.key)).toEqual(['registrations', 'bookings', 'tickets', 'records', 'makeUps', 'wishReviews'])
    for (const item of data.work) {
      expect([item.key, item.count > 0]).toEqual([item.key, true])
      expect([item.key, item.count]).toEqual([item.key, await listTotal(item, 'demo-staff', ['staff'])])
    }
  })

  it('gives 消息设置 the ranking choice, as activities.setPreferences leaves it', async () => {
    expect((await overviewOf('demo-member')).data.settings).toEqual({ rankingOptIn: false, volunteer: true })
    await cloud.ok('activities', 'setPreferences', { rankingOptIn: true }, 'demo-member')
    const on = await overviewOf('demo-member')
    expect(on.data.settings).toEqual({ rankingOptIn: true, volunteer: true })
    expect(on.dbRequests).toBe(3)
    await cloud.ok('activities', 'setPreferences', { rankingOptIn: false }, 'demo-member')
    expect((await overviewOf('demo-member')).data.settings.rankingOptIn).toBe(false)
    // Neither a member nor registered as a volunteer: no switch, and no read for it.
    const staff = await overviewOf('demo-staff')
    expect(staff.data.settings).toEqual(expectedSettings('demo-staff'))
  })

  it('shows the resident what needs her now: the activity, the booking, the report to confirm, unread notices first', async () => {
    const { data } = await overviewOf('demo-resident')
    expect(data.mine.upcomingSignUps).toBeGreaterThan(0)
    expect(data.now.nextActivity).toMatchObject({ activityId, title: '冬日楼道清扫', place: '锦绣花园 1号楼', status: 'confirmed', checkedIn: false })
    expect(Date.parse(data.now.nextActivity.start)).toBe(Date.parse('2026-11-28T09:00:00+08:00'))
    // The soonest booking that has not ended (seeded ones included), as 我的预约 lists them.
    const soonest = cloud.store
      .find('bookings', { openid: 'demo-resident', end: { $gt: now() }, status: { $in: ['pending', 'confirmed', 'checked_in'] } })
      .sort((x, y) => +new Date(x.start) - +new Date(y.start))[0]
    expect(data.now.nextBooking).toMatchObject({ bookingId: soonest._id, status: soonest.status, roomName: soonest.roomName })
    expect(data.mine.ticketsToConfirm).toBeGreaterThanOrEqual(1)
    expect(data.now.ticketsToConfirm.map((t: Doc) => t.ticketId)).toContain(ticketId)
    expect(data.now.ticketsToConfirm.length).toBe(Math.min(3, data.mine.ticketsToConfirm))
    const mine = data.now.ticketsToConfirm.find((t: Doc) => t.ticketId === ticketId)
    expect(mine.title).toBe('下水道/管网：1号楼门口下水道堵塞，污水漫到路面')
    expect(data.mine.openWishes).toBeGreaterThanOrEqual(1)
    // Unread first, newest first within each; the one she opened comes after every unread one.
    const notices = data.now.latestNotices as Doc[]
    expect(notices.length).toBe(3)
    const unread = Math.min(3, data.mine.unreadNotices)
    expect(notices.map((n) => n.read)).toEqual([...Array(unread).fill(false), ...Array(3 - unread).fill(true)])
    expect(data.mine.unreadNotices).toBeGreaterThan(0)
    expect(notices.filter((n) => n.noticeId === noticeRead).every((n) => n.read)).toBe(true)
    // Opening the newest unread one: one fewer unread, and it is shown as read (or not at all).
    const opened = notices[0].noticeId
    await cloud.ok('notices', 'get', { noticeId: opened }, 'demo-resident')
    const reread = (await overviewOf('demo-resident')).data
    expect(reread.mine.unreadNotices).toBe(data.mine.unreadNotices - 1)
    expect(reread.now.latestNotices.filter((n: Doc) => !n.read).map((n: Doc) => n.noticeId)).not.toContain(opened)
    expect(data.registration).toBeNull()
    expect(data.work).toEqual([])
    // Confirming takes the report off 首页.
    await cloud.ok('tickets', 'confirm', { ticketId, rating: 5 }, 'demo-resident')
    const after = await overviewOf('demo-resident')
    expect(after.data.mine.ticketsToConfirm).toBe(data.mine.ticketsToConfirm - 1)
    expect(after.data.now.ticketsToConfirm.map((t: Doc) => t.ticketId)).not.toContain(ticketId)
  })

  it('shows the member his waiting-list place, his 报到, his hours and teams; members have no work queue', async () => {
    const { data } = await overviewOf('demo-member')
    expect(data.now.nextActivity).toMatchObject({ status: expect.stringMatching(/^(confirmed|waiting)$/) })
    expect(data.registration).toEqual({ status: 'approved', communityName: '东风社区' })
    expect(data.mine.verifiedMinutes).toBeGreaterThan(0)
    expect(data.mine.teams).toBeGreaterThan(0)
    expect(data.work).toEqual([])
  })

  it('gives each role its queues, in WORK_KEYS order, and staff only their own communities', async () => {
    const keys = async (openid: string) => (await overviewOf(openid)).data.work.map((w: Doc) => w.key)
    expect(await keys('demo-staff')).toEqual(['registrations', 'bookings', 'tickets', 'records', 'makeUps', 'wishReviews'])
    // The district admin verifies the district's own activities' hours and the community staff's.
    expect(await keys('demo-admin')).toEqual(['registrations', 'tickets', 'records', 'makeUps'])
    expect(await keys(ADMIN_STAFF)).toEqual(['registrations', 'bookings', 'tickets', 'records', 'makeUps', 'wishReviews'])
    expect(await keys('demo-property')).toEqual(['tickets'])
    expect(await keys('demo-committee')).toEqual(['tickets'])

    const count = async (openid: string, key: string) => (await overviewOf(openid)).data.work.find((w: Doc) => w.key === key).count
    const c1 = { staff: await count('demo-staff', 'wishReviews'), staff2: await count('demo-staff-2', 'wishReviews') }
    expect(c1.staff).toBe(cloud.store.count('wishes', { communityId: 'c1', status: 'pending' }))
    expect(c1.staff2).toBe(cloud.store.count('wishes', { communityId: 'c2', status: 'pending' }))
    expect(await count('demo-staff', 'bookings')).toBe(cloud.store.count('bookings', { communityId: 'c1', status: 'pending' }))
    expect(await count('demo-staff', 'registrations')).toBe(cloud.store.count('registrations', { communityId: 'c1', status: 'pending' }))
    // Another wish in c2: only c2's staff see it.
    await cloud.ok('wishes', 'create', { category: 'repair', title: '楼道灯不亮了想请人换灯泡', gridId: 'c2g1' }, 'ov-c2')
    expect(await count('demo-staff', 'wishReviews')).toBe(c1.staff)
    expect(await count('demo-staff-2', 'wishReviews')).toBe(c1.staff2 + 1)
  })

  it('answers a brand-new openid with zeros, no 报到 and no work', async () => {
    const { data, dbRequests } = await overviewOf('ov-brand-new')
    expect(data.mine).toEqual({ unreadNotices: unreadInStore('ov-brand-new'), upcomingSignUps: 0, upcomingBookings: 0, openTickets: 0, ticketsToConfirm: 0, openWishes: 0, claimedWishes: 0, verifiedMinutes: 0, certificates: 0, teams: 0 })
    expect(data.now).toMatchObject({ nextActivity: null, nextBooking: null, ticketsToConfirm: [] })
    expect(data.registration).toBeNull()
    expect(data.work).toEqual([])
    expect(data.settings).toEqual({ rankingOptIn: false, volunteer: false })
    expect(dbRequests).toBe(3)
  })

  it('counts a booking as upcoming as 我的预约 lists it: one whose start passed without review is not (before any sweep)', async () => {
    const upcoming = async () => (await overviewOf('demo-member')).data
    const before = await upcoming()
    const booked = await cloud.ok<{ id: string; status: string }>('centers', 'book', { roomId, start: '2026-11-27 15:00', slots: 1, purpose: '党小组学习', attendees: 6 }, 'demo-member')
    expect(booked.status).toBe('pending')
    const after = await upcoming()
    expect(after.mine.upcomingBookings).toBe(before.mine.upcomingBookings + 1)
    // Its start passes without a review: the sweep would expire it; the overview does not count it already.
    cloud.clock.set('2026-11-27T15:05:00+08:00')
    const started = await upcoming()
    expect(cloud.store.find('bookings', { _id: booked.id })[0].status).toBe('pending')
    expect(started.mine.upcomingBookings).toBe(before.mine.upcomingBookings)
    expect(started.now.nextBooking?.bookingId).not.toBe(booked.id)
    expect(started.mine.upcomingBookings).toBe((await cloud.ok<{ total: number }>('centers', 'myBookings', { scope: 'upcoming', ...first }, 'demo-member')).total)
    expect(cloud.store.find('bookings', { _id: booked.id })[0].status).toBe('expired')
  })

  it('refuses an anonymous call', async () => {
    const anon = await cloud.call('users', 'overview', {})
    expect(anon.ok ? 'OK' : anon.error.code).toBe('UNAUTHENTICATED')
  })
})
