/** @jest-environment jsdom */
/**
 * 首页 "需要我处理" and 我的 per persona, from `users.overview` (contracts/overview.ts): which rows,
 * queues and counts each sees, and where each leads; the tab intent that opens 活动 on 我报名的.
 */
import '../support/taro-env'
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import * as stub from '../support/taro-stub'
import type { Overview } from '@contracts/overview'
import HomePage from '@/pages/home'
import MinePage from '@/pages/mine'
import ActivitiesPage from '@/pages/activities'
import { mineRows, needsMe, noticeRows, nowRows, workQueues } from '@/features/overview'
import { goTab, peekTabIntent, takeTabIntent } from '@/services/navigate'
import { BUILT } from '@/services/routes'
import { setTransport } from '@/services/cloud/call'
import { sessionStore } from '@/features/session'
import { ME_FIXTURES } from '../support/me-fixtures'
import SettingsPage from '@/packages/mine/pages/settings'
import { useOverview } from '@/features/overview'

// The stub's tab-bar badge and pull-down hook, observable here (the stub has no tab bar and ignores pull-downs).
jest.mock('@tarojs/taro', () => {
  const actual = jest.requireActual('../support/taro-stub')
  const extra = {
    setTabBarBadge: jest.fn(() => Promise.resolve({ errMsg: 'ok' })),
    removeTabBarBadge: jest.fn(() => Promise.resolve({ errMsg: 'ok' })),
    usePullDownRefresh: (fn: () => void) => {
      ;(globalThis as { pullDown?: () => void }).pullDown = fn
    }
  }
  return { __esModule: true, ...actual, ...extra, default: { ...actual.default, ...extra } }
})
// Pages import this stylesheet by its alias, which the style stub's mapping does not catch.
jest.mock('@/features/overview/overview.scss', () => ({}))
const pullDown = () => (globalThis as { pullDown?: () => void }).pullDown!()

const NOW = Date.parse('2026-05-12T02:00:00Z') // 10:00 in Shanghai

function overview(patch: Partial<Overview> = {}, mine: Partial<Overview['mine']> = {}): Overview {
  return {
    mine: { upcomingSignUps: 0, upcomingBookings: 0, openTickets: 0, ticketsToConfirm: 0, openWishes: 0, claimedWishes: 0, verifiedMinutes: 0, certificates: 0, teams: 0, unreadNotices: 0, ...mine },
    settings: { rankingOptIn: false, volunteer: false },
    now: { nextActivity: null, nextBooking: null, ticketsToConfirm: [], latestNotices: [] },
    registration: null,
    work: [],
    ...patch
  }
}

const busy = overview(
  {
    now: {
      nextActivity: { activityId: 'a1', title: '社区义诊', start: '2026-05-12T06:00:00Z', end: '2026-05-12T08:00:00Z', place: '东风社区邻里中心', status: 'confirmed', checkedIn: false },
      nextBooking: { bookingId: 'b1', centerName: '东风邻里中心', roomName: '多功能室', start: '2026-05-14T01:00:00Z', end: '2026-05-14T03:00:00Z', status: 'pending' },
      ticketsToConfirm: [{ ticketId: 't1', title: '楼道灯不亮' }],
      latestNotices: [
        { noticeId: 'n1', title: '停水通知', publishedAt: '2026-05-11T02:00:00Z', read: false },
        { noticeId: 'n2', title: '垃圾分类宣传', publishedAt: '2026-05-09T02:00:00Z', read: true }
      ]
    },
    registration: { status: 'pending', communityName: '东风社区' }
  },
  { upcomingSignUps: 2, upcomingBookings: 1, openTickets: 3, ticketsToConfirm: 1, openWishes: 1, claimedWishes: 2, verifiedMinutes: 150, certificates: 1, teams: 1, unreadNotices: 1 }
)

describe('首页: what needs me now', () => {
  it('lists my next activity (with a check-in hint on its day), booking, reports to confirm and a pending 报到', () => {
    const rows = nowRows(busy, NOW)
    expect(rows.map((r) => r.key)).toEqual(['activity', 'booking', 'ticket-t1', 'registration'])
    expect(rows[0]).toMatchObject({ value: '已报名', alert: true, target: { route: 'volunteerDetail', query: { id: 'a1' } } })
    expect(rows[0].desc).toContain('东风社区邻里中心')
    // Shanghai wall-clock, as the activity cards show it (src/services/time.ts).
    expect(rows[0].desc!.startsWith('5月12日 周二 14:00–16:00 · ')).toBe(true)
    expect(rows[1].desc).toBe('5月14日 周四 09:00–11:00')
    expect(rows[0].desc).toContain('去签到')
    expect(rows[1]).toMatchObject({ value: '待审核', target: { route: 'centersMine' } })
    expect(rows[2]).toMatchObject({ title: '楼道灯不亮', value: '待确认', target: { route: 'ticketsDetail', query: { id: 't1' } } })
    expect(rows[3]).toMatchObject({ value: '审核中', target: { route: 'registerMine' } })
  })

  it('gives no check-in hint before the day, nor for the waiting list', () => {
    const a = busy.now.nextActivity!
    expect(nowRows(busy, NOW - 86_400_000)[0].desc).not.toContain('签到')
    const waiting = overview({ now: { ...busy.now, nextActivity: { ...a, status: 'waiting' } } })
    expect(nowRows(waiting, NOW)[0]).toMatchObject({ value: '候补', alert: false })
    expect(nowRows(waiting, NOW)[0].desc).not.toContain('签到')
  })

  it('marks unread notices and opens each', () => {
    const rows = noticeRows(busy)
    expect(rows.map((r) => [r.title, r.value ?? ''])).toEqual([['停水通知', '未读'], ['垃圾分类宣传', '']])
    expect(rows[0].target).toEqual({ route: 'noticesDetail', query: { id: 'n1' } })
    expect(rows[0].desc).toBe('5月11日发布')
  })

  it('is calm when nothing needs me (read notices and empty queues do not count)', () => {
    expect(needsMe(overview())).toBe(false)
    expect(needsMe(overview({ work: [{ key: 'bookings', count: 0 }] }))).toBe(false)
    expect(needsMe(overview({ work: [{ key: 'bookings', count: 2 }] }))).toBe(true)
    expect(needsMe(busy)).toBe(true)
  })

  it("maps every work queue to its page, opened on the server's query", () => {
    const QUERIES: Partial<Record<string, Record<string, string>>> = {
      registrations: { status: 'pending' },
      bookings: { status: 'pending' },
      tickets: { scope: 'queue', status: 'open' },
      wishReviews: { scope: 'review' }
    }
    const all = workQueues((['registrations', 'bookings', 'tickets', 'records', 'makeUps', 'wishReviews'] as const).map((key, i) => ({ key, count: i, query: QUERIES[key] })))
    expect(all.map((q) => [q.label, q.target.route, q.count])).toEqual([
      ['报到审核', 'registerReview', 0],
      ['预约审核', 'centersBookingReview', 1],
      ['待办工单', 'ticketsWork', 2],
      ['时长认定', 'volunteerRecords', 3],
      ['补录复核', 'volunteerMakeUps', 4],
      ['心愿审核', 'ticketsWishes', 5]
    ])
    expect(all[2].target.query).toEqual({ scope: 'queue', status: 'open' })
    expect(all[5].target.query).toEqual({ scope: 'review' })
    // 待认定时长 across activities: the records page without an activity.
    expect(all[3].target).toEqual({ route: 'volunteerRecords' })
  })

  it('opens 超时工单 when the server counts the overdue ones, whatever the roles (a district admin who is also staff)', () => {
    const [admin] = workQueues([{ key: 'tickets', count: 1, query: { scope: 'queue', status: 'overdue' } }])
    expect(admin).toMatchObject({ label: '超时工单', target: { route: 'ticketsWork', query: { scope: 'queue', status: 'overdue' } } })
    const [staff] = workQueues([{ key: 'tickets', count: 1, query: { scope: 'queue', status: 'open' } }])
    expect(staff.label).toBe('待办工单')
  })
})

describe('我的: my things per persona', () => {
  const keys = (openid: string, o = busy) => mineRows(ME_FIXTURES[openid], o).map((r) => r.key)

  it('resident: own things, no member rows', () => {
    expect(keys('demo-resident', overview())).toEqual(['signUps', 'bookings', 'tickets', 'wishes', 'hours', 'address', 'notices'])
  })

  it('member: claimed wishes, teams and 报到 too', () => {
    expect(keys('demo-member')).toEqual(['signUps', 'bookings', 'tickets', 'wishes', 'claimed', 'hours', 'teams', 'registration', 'address', 'notices'])
  })

  it('shows the counts and opens each page', () => {
    const rows = Object.fromEntries(mineRows(ME_FIXTURES['demo-member'], busy).map((r) => [r.key, r]))
    expect(rows.signUps).toMatchObject({ value: '2', target: { route: 'activities', query: { when: 'mine' }, tab: true } })
    expect(rows.bookings).toMatchObject({ value: '1', target: { route: 'centersMine' } })
    // Each opens on the filter its count is of.
    expect(rows.tickets).toMatchObject({ value: '3', alert: true, target: { route: 'ticketsWork', query: { scope: 'mine', status: 'unfinished' } } })
    expect(rows.tickets.desc).toContain('1 件')
    expect(rows.wishes).toMatchObject({ value: '1', target: { route: 'ticketsWishes', query: { scope: 'mine', status: 'unfinished' } } })
    expect(rows.claimed).toMatchObject({ value: '2', target: { route: 'ticketsWishes', query: { scope: 'claimed', status: 'claimed' } } })
    expect(rows.hours).toMatchObject({ value: '2.5 小时', target: { route: 'volunteerHours' } })
    expect(rows.teams).toMatchObject({ value: '1', target: { route: 'volunteerTeams', query: { mine: '1' } } })
    expect(rows.registration).toMatchObject({ value: '审核中', target: { route: 'registerMine' } })
    // A member's residence comes from 报到; a resident sets it on the notices' residence page.
    expect(rows.address.target.route).toBe('registerMine')
    expect(mineRows(ME_FIXTURES['demo-resident'], busy).find((r) => r.key === 'address')!.target.route).toBe('noticesResidence')
    expect(mineRows(ME_FIXTURES['demo-resident'], overview()).find((r) => r.key === 'bookings')!.value).toBe('暂无')
  })

  it('points every row and queue at a page that exists', () => {
    for (const me of Object.values(ME_FIXTURES)) {
      for (const r of [...mineRows(me, busy), ...nowRows(busy, NOW), ...noticeRows(busy)]) expect([r.key, BUILT[r.target.route]]).toEqual([r.key, true])
    }
  })
})

describe('tab intent', () => {
  it('is kept until the tab takes it, once', () => {
    goTab('activities', { when: 'mine' })
    expect(stub.switchTab).toHaveBeenCalledWith({ url: '/pages/activities/index' })
    expect(peekTabIntent('activities')).toEqual({ when: 'mine' })
    expect(takeTabIntent('centers')).toBeUndefined()
    expect(takeTabIntent('activities')).toEqual({ when: 'mine' })
    expect(takeTabIntent('activities')).toBeUndefined()
  })
})

// ------------------------------------------------------------------ the pages

function serve(openid: string, data: Overview) {
  const calls: Record<string, unknown>[] = []
  setTransport(async (name, input) => {
    calls.push({ name, ...input })
    if (name === 'users' && input.action === 'me') return { ok: true, data: ME_FIXTURES[openid] }
    if (name === 'users' && input.action === 'overview') return { ok: true, data }
    if (name === 'activities' && input.action === 'list') return { ok: true, data: { items: [], total: 0, page: 1, pageSize: 10 } }
    return { ok: false, error: { code: 'NOT_FOUND', message: '未找到' } }
  })
  return calls
}

beforeEach(() => {
  stub.resetTaroStub()
  act(() => sessionStore.reset())
})
afterEach(() => setTransport())

describe('the pages', () => {
  it('首页 of a resident with nothing to do: one calm line above the launcher', async () => {
    serve('demo-resident', overview())
    render(<HomePage />)
    await screen.findByTestId('now-calm')
    expect(screen.getByText('需要我处理')).toBeTruthy()
    expect(screen.queryByTestId('work-bookings')).toBeNull()
    expect(screen.getByText('便民服务')).toBeTruthy()
  })

  it('首页 of staff: queues with counts, each opening its page', async () => {
    serve(
      'demo-staff',
      overview({ work: [{ key: 'registrations', count: 2, query: { status: 'pending' } }, { key: 'bookings', count: 1, query: { status: 'pending' } }, { key: 'wishReviews', count: 0, query: { scope: 'review' } }] })
    )
    render(<HomePage />)
    const bookings = await screen.findByTestId('work-bookings')
    expect(bookings.textContent).toContain('1')
    expect(screen.queryByTestId('now-calm')).toBeNull()
    fireEvent.click(bookings)
    expect(stub.navigateTo).toHaveBeenCalledWith({ url: '/packages/centers/pages/review/index?status=pending' })
    fireEvent.click(screen.getByTestId('work-wishReviews'))
    expect(stub.navigateTo).toHaveBeenCalledWith({ url: '/packages/tickets/pages/wishes/index?scope=review' })
  })

  it('首页 opens a notice and the list', async () => {
    serve('demo-member', busy)
    render(<HomePage />)
    fireEvent.click(await screen.findByText('停水通知'))
    expect(stub.navigateTo).toHaveBeenCalledWith({ url: '/packages/notices/pages/detail/index?id=n1' })
    fireEvent.click(screen.getByText('全部通知'))
    expect(stub.navigateTo).toHaveBeenCalledWith({ url: '/packages/notices/pages/list/index' })
    expect(screen.getByText('1 条未读')).toBeTruthy()
  })

  it('我的: counts, then 我的报名 opens the 活动 tab on 我报名的', async () => {
    const calls = serve('demo-member', busy)
    const mine = render(<MinePage />)
    const signUps = await screen.findByTestId('row-signUps')
    expect(signUps.textContent).toContain('2')
    expect(screen.getByTestId('row-bookings').textContent).toContain('1')
    expect(screen.queryByText('工作')).toBeNull()
    fireEvent.click(screen.getByTestId('row-bookings'))
    expect(stub.navigateTo).toHaveBeenCalledWith({ url: '/packages/centers/pages/bookings/index' })
    fireEvent.click(signUps)
    expect(stub.switchTab).toHaveBeenCalledWith({ url: '/pages/activities/index' })
    mine.unmount()

    render(<ActivitiesPage />)
    await screen.findByText('您还没有报名活动')
    await waitFor(() => expect(calls.some((c) => c.name === 'activities' && c.action === 'list' && c.mine === true)).toBe(true))
    expect(takeTabIntent('activities')).toBeUndefined()
  })

  it('我的 of staff: the 工作 section and the 关怀模式 switch', async () => {
    serve('demo-staff', overview({ work: [{ key: 'tickets', count: 4, query: { scope: 'queue', status: 'open' } }] }))
    render(<MinePage />)
    expect((await screen.findByTestId('work-tickets')).textContent).toContain('4')
    expect(screen.getByText('工作')).toBeTruthy()
    const care = screen.getByTestId('care-switch')
    expect(care.textContent).toContain('已关闭')
    fireEvent.click(care)
    await waitFor(() => expect(screen.getByTestId('care-switch').textContent).toContain('已开启'))
    fireEvent.click(screen.getByTestId('care-switch'))
    await waitFor(() => expect(screen.getByTestId('care-switch').textContent).toContain('已关闭'))
  })
})

describe('首页 and 消息设置 from the overview', () => {
  it('首页 keeps the section frame with a calm line until the overview arrives', async () => {
    setTransport(async (name, input) => {
      if (name === 'users' && input.action === 'me') return { ok: true, data: ME_FIXTURES['demo-resident'] }
      return new Promise<never>(() => {})
    })
    render(<HomePage />)
    expect((await screen.findByTestId('now-loading')).textContent).toBe('正在加载…')
    expect(screen.getByText('需要我处理')).toBeTruthy()
  })

  it('首页 puts the overview\'s unread count on the tab badge, without a call of its own', async () => {
    const calls = serve('demo-member', busy)
    render(<HomePage />)
    await screen.findByText('停水通知')
    await waitFor(() => expect((stub as unknown as { setTabBarBadge: jest.Mock }).setTabBarBadge).toHaveBeenCalledWith({ index: 0, text: '1' }))
    expect(calls.filter((c) => c.name === 'notices')).toEqual([])
  })

  it('stops the pull-down spinner at once when there is nothing to load', () => {
    function Probe() {
      useOverview(false)
      return null
    }
    render(<Probe />)
    pullDown()
    expect(stub.stopPullDownRefresh).toHaveBeenCalledTimes(1)
  })

  it('stops the pull-down spinner once the overview is reloaded', async () => {
    serve('demo-resident', overview())
    function Probe() {
      useOverview(true)
      return null
    }
    render(<Probe />)
    pullDown()
    await waitFor(() => expect(stub.stopPullDownRefresh).toHaveBeenCalledTimes(1))
  })

  it('消息设置 reads the ranking choice from the overview, not users.myData', async () => {
    const calls = serve('demo-member', overview({ settings: { rankingOptIn: true, volunteer: true } }))
    render(<SettingsPage />)
    const ranking = await screen.findByTestId('ranking-switch')
    expect(ranking.textContent).toContain('已开启')
    expect(calls.some((c) => c.action === 'myData')).toBe(false)
  })

  it('消息设置 of someone not registered as a volunteer: no ranking switch', async () => {
    serve('demo-resident', overview())
    render(<SettingsPage />)
    await screen.findByText(/还没有登记为志愿者/)
    expect(screen.queryByTestId('ranking-switch')).toBeNull()
  })
})
