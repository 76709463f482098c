/**
 * What 首页 and 我的 show from `users.overview`, as plain data (tested in tests/unit/overview.test.ts);
 * the components only lay it out.
 */
import type { Me } from '@contracts/me'
import type { Overview, WorkKey } from '@contracts/overview'
import type { RouteName } from '@/services/routes'
import { hours, monthDay, rangeLabel, wallDay } from '@/services/time'

/** Where a row leads: a page with its query, or a tab page with an intent (src/services/navigate.ts). */
export type Target = { route: RouteName; query?: Record<string, string>; tab?: boolean }

export interface Row {
  key: string
  title: string
  desc?: string
  /** Shown on the right: a count, or a short state such as 已报名. */
  value?: string
  /** The value asks for attention (red). */
  alert?: boolean
  target: Target
}

const WORK: Record<WorkKey, { label: string; route: RouteName }> = {
  registrations: { label: '报到审核', route: 'registerReview' },
  bookings: { label: '预约审核', route: 'centersBookingReview' },
  tickets: { label: '待办工单', route: 'ticketsWork' },
  records: { label: '时长认定', route: 'volunteerRecords' },
  makeUps: { label: '补录复核', route: 'volunteerMakeUps' },
  wishReviews: { label: '心愿审核', route: 'ticketsWishes' }
}

export interface WorkQueue {
  key: WorkKey
  label: string
  count: number
  target: Target
}

/**
 * The caller's work queues in the server's order (only their roles' queues come back), each opening
 * its page on the filters its count is of (the server's `query`: one rule, there).
 */
export function workQueues(work: Overview['work']): WorkQueue[] {
  return work.map((w) => ({
    key: w.key,
    // The district admin's ticket queue is the overdue ones across the district.
    label: w.key === 'tickets' && w.query?.status === 'overdue' ? '超时工单' : WORK[w.key].label,
    count: w.count,
    target: w.query ? { route: WORK[w.key].route, query: w.query } : { route: WORK[w.key].route }
  }))
}

const BOOKING_LABELS = { pending: '待审核', confirmed: '已确认', checked_in: '已签到' } as const
const REGISTRATION_LABELS = { pending: '审核中', approved: '已报到', rejected: '未通过', withdrawn: '已撤回' } as const

/**
 * 首页 "需要我处理": my next activity and booking, reports waiting for my confirmation, a 报到 under
 * review. `now` is epoch ms (a 去签到 hint on the activity's day).
 */
export function nowRows(o: Overview, now: number): Row[] {
  const rows: Row[] = []
  const a = o.now.nextActivity
  if (a) {
    const today = wallDay(a.start) <= wallDay(now) && !a.checkedIn && a.status === 'confirmed'
    rows.push({
      key: 'activity',
      title: a.title,
      desc: `${rangeLabel(a.start, a.end)}${a.place ? ` · ${a.place}` : ''}${today ? '\n今天举行，到场后点这里去签到' : ''}`,
      value: a.checkedIn ? '已签到' : a.status === 'waiting' ? '候补' : '已报名',
      alert: today,
      target: { route: 'volunteerDetail', query: { id: a.activityId } }
    })
  }
  const b = o.now.nextBooking
  if (b) {
    rows.push({
      key: 'booking',
      title: `预约：${b.centerName} ${b.roomName}`,
      desc: rangeLabel(b.start, b.end),
      value: BOOKING_LABELS[b.status],
      target: { route: 'centersMine' }
    })
  }
  for (const t of o.now.ticketsToConfirm) {
    rows.push({ key: `ticket-${t.ticketId}`, title: t.title, desc: '问题已处理，请确认并评价', value: '待确认', alert: true, target: { route: 'ticketsDetail', query: { id: t.ticketId } } })
  }
  if (o.registration?.status === 'pending') {
    rows.push({ key: 'registration', title: '在职党员报到', desc: o.registration.communityName, value: '审核中', target: { route: 'registerMine' } })
  }
  return rows
}

/** The newest notices, unread marked, each opening the notice. */
export function noticeRows(o: Overview): Row[] {
  return o.now.latestNotices.map((n) => ({
    key: `notice-${n.noticeId}`,
    title: n.title,
    desc: `${monthDay(n.publishedAt)}发布`,
    value: n.read ? undefined : '未读',
    alert: !n.read,
    target: { route: 'noticesDetail', query: { id: n.noticeId } }
  }))
}

/** Whether anything asks for the person now (else 首页 shows one calm line; notices have their own block). */
export function needsMe(o: Overview): boolean {
  return nowRows(o, 0).length > 0 || o.work.some((w) => w.count > 0)
}

const count = (n: number) => (n > 0 ? String(n) : '暂无')

/** 我的 → 我的事务: the person's own things with counts, each opening its page. */
export function mineRows(me: Pick<Me, 'roles' | 'profile'>, o: Overview): Row[] {
  const m = o.mine
  const member = me.roles.includes('member')
  const p = me.profile
  const rows: Row[] = [
    { key: 'signUps', title: '我的报名', desc: '报名参加、还没结束的活动', value: count(m.upcomingSignUps), target: { route: 'activities', query: { when: 'mine' }, tab: true } },
    { key: 'bookings', title: '我的预约', desc: '邻里中心活动室', value: count(m.upcomingBookings), target: { route: 'centersMine' } },
    {
      key: 'tickets',
      title: '我的报事',
      desc: m.ticketsToConfirm ? `${m.ticketsToConfirm} 件已处理，等我确认评价` : '反映的问题和办理进度',
      value: count(m.openTickets),
      alert: m.ticketsToConfirm > 0,
      // Opens on the filter the count is of (未办结: 办理中 and 待我评价).
      target: { route: 'ticketsWork', query: { scope: 'mine', status: 'unfinished' } }
    },
    { key: 'wishes', title: '我的心愿', desc: '我发布、还没完成的微心愿', value: count(m.openWishes), target: { route: 'ticketsWishes', query: { scope: 'mine', status: 'unfinished' } } }
  ]
  if (member) rows.push({ key: 'claimed', title: '我认领的心愿', desc: '帮邻居完成后计入服务时长', value: count(m.claimedWishes), target: { route: 'ticketsWishes', query: { scope: 'claimed', status: 'claimed' } } })
  rows.push({
    key: 'hours',
    title: '服务时长与证明',
    desc: m.certificates ? `已开具 ${m.certificates} 份证明` : '已认定的志愿服务时长',
    value: m.verifiedMinutes ? `${hours(m.verifiedMinutes)} 小时` : '暂无',
    target: { route: 'volunteerHours' }
  })
  if (member || m.teams > 0) rows.push({ key: 'teams', title: '我的团队', desc: '联系社区工作队、应急突击队', value: count(m.teams), target: { route: 'volunteerTeams', query: { mine: '1' } } })
  if (member || o.registration) {
    const r = o.registration
    rows.push({ key: 'registration', title: '我的报到', desc: r ? r.communityName : '在职党员到居住地社区报到', value: r ? REGISTRATION_LABELS[r.status] : '未报到', alert: r?.status === 'rejected', target: { route: 'registerMine' } })
  }
  rows.push({
    key: 'address',
    title: '住址',
    desc: p.buildingId ? [p.communityName, p.gridName, p.buildingName].filter(Boolean).join(' · ') : '设置后可收到本小区、本楼栋的通知',
    value: p.buildingId ? undefined : '未设置',
    // A member's residence comes from 报到.
    target: { route: member ? 'registerMine' : 'noticesResidence' }
  })
  rows.push({ key: 'notices', title: '通知公告', desc: '社区和区里发布的通知', value: m.unreadNotices ? `${m.unreadNotices} 条未读` : undefined, alert: m.unreadNotices > 0, target: { route: 'noticesList' } })
  return rows
}
