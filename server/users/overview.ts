/**
 * `users.overview`: 首页 ("what needs me now") and 我的 ("my things", with counts) in one call.
 *
 * Every figure is a count or an aggregate in the database, with the condition of the list page the
 * figure opens (named at each one), so a number always equals what that page lists: the work queues
 * use the list modules' own condition builders, and tests/functions/overview.test.ts checks every
 * figure against the list action's own `total`.
 *
 * Round trips: one wave after the caller lookup, all in parallel — per collection of the person's
 * own things one query (an aggregate where one collection gives several figures, with `lookup`
 * for the names it shows), plus one `count()` per work queue of the caller's roles. Nothing waits
 * for another read (see `overview` below for the list).
 *
 * Reads only: unlike the list pages it does not run their lazy upkeep (closing ended activities'
 * open records, auto-closing resolved reports, the bookings' no-show sweep, due notice pushes); it
 * counts as those pages will show after it, where the upkeep decides by time alone (auto-close).
 */
import { WORK_KEYS, type MineCounts, type Overview, type WorkKey } from '../../contracts/overview'
import { VERIFIED_STATUSES } from '../../contracts/activities'
import { TICKET_CATEGORY_LABELS, type TicketCategory } from '../../contracts/tickets'
import { pendingMakeUpsWhere } from '../activities/makeUps'
import { pendingRecordsWhere } from '../activities/records'
import { ACTIVITIES, RECORDS, SIGNUPS, CERTIFICATES, VOLUNTEERS, type VolunteerDoc } from '../activities/model'
import { communitiesWhere as bookingsScope, filtersWhere as bookingsFilters } from '../centers/bookings'
import { clock } from '../core/clock'
import { db } from '../core/db'
import { hasRole, isDistrictAdmin, managedCommunities } from '../core/guard'
import type { Caller } from '../core/identity'
import { findById } from '../core/records'
import { REGISTRATIONS } from '../members/model'
import { whereOf as registrationsWhere } from '../members/scope'
import { NOTICES, READS, visibleWhere } from '../notices/model'
import { TEAM_MEMBERS } from '../teams/teams'
import { queueScope, statusCondition } from '../tickets/list'
import { autoCloseMs, OPEN_STATUSES } from '../tickets/model'
import { staffWhere as wishesStaffWhere } from '../wishes/actions'

type Doc = Record<string, any>

/** Bookings that have not ended and still hold their slot (centers `myBookings` scope 'upcoming'). */
const UPCOMING_BOOKING_STATUSES = ['pending', 'confirmed', 'checked_in']
/** Sign-ups that hold a place or a waiting-list entry (activities `list` with `mine`). */
const HELD_SIGNUP_STATUSES = ['confirmed', 'waiting']
/** 我的心愿 not finished: waiting for review, published, claimed, done and waiting for my confirmation. */
const UNFINISHED_WISH_STATUSES = ['pending', 'open', 'claimed', 'completed']
/** `notices.unreadCount` considers the newest 1,000 notices meant for me; so does this. */
const NOTICE_WINDOW = 1000
const SHOWN_TICKETS = 3
const SHOWN_NOTICES = 3

const iso = (value: unknown): string => new Date(value as string).toISOString()
const totalOf = (res: { total: number }) => res.total
const listOf = (res: { list: unknown[] }) => res.list as Doc[]

/** A ticket's line on 首页: its category and the start of what the person wrote. */
function ticketTitle(t: Doc): string {
  const label = TICKET_CATEGORY_LABELS[t.category as TicketCategory] ?? '问题反映'
  const text = String(t.description ?? '').replace(/\s+/g, ' ').trim()
  return text ? `${label}：${text.length > 20 ? `${text.slice(0, 20)}…` : text}` : label
}

// ------------------------------------------------------------------ the person's own things

/** The next activity I hold a place (or a waiting-list entry) for that has not ended, and how many there are. */
function signUpsQuery(openid: string, now: Date): Promise<Doc[]> {
  const _ = db().command
  const $ = _.aggregate
  return db()
    .collection(SIGNUPS)
    .aggregate()
    .match({ openid, status: _.in(HELD_SIGNUP_STATUSES) })
    .lookup({ from: ACTIVITIES, localField: 'activityId', foreignField: '_id', as: 'activity' })
    .unwind('$activity')
    // activities `list` {mine: true, when: 'upcoming'}: published (not cancelled) and not ended.
    .match({ 'activity.status': 'published', 'activity.end': _.gt(now) })
    .sort({ 'activity.start': 1, activityId: 1 })
    .group({
      _id: null,
      n: $.sum(1),
      signUpId: $.first('$_id'),
      status: $.first('$status'),
      checkedInAt: $.first('$checkedInAt'),
      activityId: $.first('$activity._id'),
      kind: $.first('$activity.kind'),
      title: $.first('$activity.title'),
      start: $.first('$activity.start'),
      end: $.first('$activity.end'),
      place: $.first('$activity.place.name')
    })
    // A volunteer activity keeps attendance in the service record, whose _id is the sign-up's.
    .lookup({ from: RECORDS, localField: 'signUpId', foreignField: '_id', as: 'record' })
    .end()
    .then(listOf)
}

/** My bookings that have not ended (centers `myBookings` scope 'upcoming'), soonest first. */
function bookingsQuery(openid: string, now: Date): Promise<Doc[]> {
  const _ = db().command
  const $ = _.aggregate
  return db()
    .collection('bookings')
    .aggregate()
    .match({ openid, end: _.gt(now), status: _.in(UPCOMING_BOOKING_STATUSES) })
    .sort({ start: 1, _id: 1 })
    .group({
      _id: null,
      n: $.sum(1),
      bookingId: $.first('$_id'),
      centerName: $.first('$centerName'),
      roomName: $.first('$roomName'),
      start: $.first('$start'),
      end: $.first('$end'),
      status: $.first('$status')
    })
    .end()
    .then(listOf)
}

/**
 * My reports not closed, by status; a resolved one waits for my confirmation until it auto-closes
 * (tickets/model.ts pendingWork: `resolvedAt + autoClose <= now` closes it on the next read).
 */
function myTicketsQuery(openid: string, confirmAfter: Date): Promise<Doc[]> {
  const _ = db().command
  const $ = _.aggregate
  return db()
    .collection('tickets')
    .aggregate()
    .match({ reporterOpenid: openid, status: _.in([...OPEN_STATUSES, 'resolved']) })
    .group({ _id: { status: '$status', live: $.gt(['$resolvedAt', confirmAfter]) }, n: $.sum(1) })
    .limit(10)
    .end()
    .then(listOf)
}

const toConfirmWhere = (openid: string, confirmAfter: Date) => ({ reporterOpenid: openid, status: 'resolved', resolvedAt: db().command.gt(confirmAfter) })

/** My 微心愿 (posted) and the ones I claimed (wishes `list` scopes 'mine' and 'claimed'), by status. */
function wishesQuery(openid: string): Promise<Doc[]> {
  const _ = db().command
  const $ = _.aggregate
  return db()
    .collection('wishes')
    .aggregate()
    .match(_.or([{ residentOpenid: openid }, { memberOpenid: openid }]))
    .group({ _id: { posted: $.eq(['$residentOpenid', openid]), claimed: $.eq(['$memberOpenid', openid]), status: '$status' }, n: $.sum(1) })
    .limit(100)
    .end()
    .then(listOf)
}

/** Verified minutes as 我的服务时长 counts them (activities `myHours`): verified, not by the volunteer. */
function minutesQuery(openid: string): Promise<Doc[]> {
  const _ = db().command
  const $ = _.aggregate
  return db()
    .collection(RECORDS)
    .aggregate()
    .match({ openid, status: _.in([...VERIFIED_STATUSES]), verifiedBy: _.neq(openid) })
    .group({ _id: null, minutes: $.sum('$verifiedMinutes') })
    .end()
    .then(listOf)
}

/** The newest notices meant for me (notices `list`), each with whether I opened it. */
function noticesQuery(caller: Caller, now: Date): Promise<Doc[]> {
  const $ = db().command.aggregate
  return db()
    .collection(NOTICES)
    .aggregate()
    .match(visibleWhere(caller, now))
    .sort({ publishAt: -1, _id: -1 })
    .limit(NOTICE_WINDOW)
    .project({ title: true, publishAt: true })
    // noticeReads/<noticeId>:<openid> (notices/model.ts readId): at most one per notice.
    .addFields({ readKey: $.concat(['$_id', `:${caller.openid}`]) })
    .lookup({ from: READS, localField: 'readKey', foreignField: '_id', as: 'reads' })
    .project({ title: true, publishAt: true, read: $.size('$reads') })
    .end()
    .then(listOf)
}

/** My newest 报到 and its community's name (a registration left by a transfer is history). */
function registrationQuery(openid: string): Promise<Doc[]> {
  const _ = db().command
  return db()
    .collection(REGISTRATIONS)
    .aggregate()
    .match({ openid, status: _.neq('transferred') })
    .sort({ submittedAt: -1, _id: -1 })
    .limit(1)
    .lookup({ from: 'communities', localField: 'communityId', foreignField: '_id', as: 'community' })
    .project({ status: true, 'community.name': true })
    .end()
    .then(listOf)
}

// ------------------------------------------------------------------ work queues

/**
 * The conditions of the list each queue's item opens, for the caller's roles (null: not theirs).
 * Each is the list action's own condition with the filters the page opens with.
 */
export function workQueues(caller: Caller, now: Date): Partial<Record<WorkKey, { collection: string; where: object }>> {
  const admin = isDistrictAdmin(caller)
  const managed = managedCommunities(caller)
  // Staff of at least one community (a staff role without communities has no queue: the lists refuse).
  const staff = hasRole(caller, 'staff') && caller.scopes.communityIds.length > 0
  const queues: Partial<Record<WorkKey, { collection: string; where: object }>> = {}

  // members `list` {status: 'pending'} (报到审核): staff their communities, the district admin all.
  if (admin || staff) queues.registrations = { collection: REGISTRATIONS, where: registrationsWhere(managed, { status: 'pending' }) }

  // centers `bookings` {status: 'pending'} (预约审核) without a centre: the staff's communities.
  if (staff) queues.bookings = { collection: 'bookings', where: { ...bookingsScope(managed), ...bookingsFilters({ status: 'pending' }) } }

  // tickets `list` {scope: 'queue', status: 'open' | 'overdue', leadOnly}: the district admin follows
  // overdue ones everywhere; the parties their open ones — property and committee where they lead
  // (the page's default), community staff all of theirs.
  const tickets = ticketQueue(caller, now)
  if (tickets) queues.tickets = { collection: 'tickets', where: tickets }

  // activities `records` without an activity (待认定时长): what the staff may verify in their
  // communities (make-ups have their own queue below). The district admin's share needs the list of
  // community staff first, a second wave: the admin finds it on the page, not on 首页.
  const records = staff ? pendingRecordsWhere({ ...caller, roles: caller.roles.filter((r) => r !== 'district_admin') }) : null
  if (records) queues.records = { collection: RECORDS, where: records }

  // activities `pendingMakeUps`: four eyes — never what the caller entered nor their own hours.
  if (admin || staff) queues.makeUps = { collection: RECORDS, where: pendingMakeUpsWhere(caller.openid, managed) }

  // wishes `list` {scope: 'review'} (心愿审核): pending wishes of the staff's communities.
  if (staff) queues.wishReviews = { collection: 'wishes', where: wishesStaffWhere(managed, true) }
  return queues
}

function ticketQueue(caller: Caller, now: Date): object | null {
  // The work page starts with leadOnly for property staff and committee members, not for community staff.
  const scope = queueScope(caller, hasRole(caller, 'property_staff') || hasRole(caller, 'committee'))
  if (!scope) return null
  // As the list combines them: the scope (`{}` for the district admin) and the status.
  return db().command.and([scope, statusCondition(isDistrictAdmin(caller) ? 'overdue' : 'open', now)!])
}

// ------------------------------------------------------------------ the action

/**
 * One wave, in parallel: sign-ups (aggregate with the activity and its record), bookings
 * (aggregate), my reports (aggregate by status) and the three to confirm, wishes (aggregate),
 * verified minutes (aggregate), certificates and teams (counts), notices with my reads (aggregate),
 * the newest 报到 (aggregate with its community) — 10 — plus one count per work queue (0–6), and
 * for a volunteer their volunteer record (the ranking choice lives there, not on the `users`
 * document the caller came with; in the same wave, so no longer to wait).
 */
export async function overview(caller: Caller): Promise<Overview> {
  const openid = caller.openid
  const now = clock.date()
  const confirmAfter = new Date(now.getTime() - autoCloseMs())
  const found = workQueues(caller, now)
  const queues = WORK_KEYS.filter((key) => found[key]).map((key) => [key, found[key]!] as const)
  // As signing up decides (activities/signups.ts): a party member, or 志愿者实名登记 done.
  const volunteer = caller.roles.includes('member') || Boolean(caller.user?.volunteerSince)

  const [signUps, bookings, myTickets, toConfirm, wishes, minutes, certificates, teams, notices, registration, queueCounts, volunteerDoc] = await Promise.all([
    signUpsQuery(openid, now),
    bookingsQuery(openid, now),
    myTicketsQuery(openid, confirmAfter),
    db()
      .collection('tickets')
      .where(toConfirmWhere(openid, confirmAfter))
      .orderBy('resolvedAt', 'asc')
      .orderBy('_id', 'asc')
      .limit(SHOWN_TICKETS)
      .field({ category: true, description: true, resolvedAt: true })
      .get()
      .then((res) => res.data as Doc[]),
    wishesQuery(openid),
    minutesQuery(openid),
    db().collection(CERTIFICATES).where({ openid }).count().then(totalOf),
    // teams `myTeams`: active memberships.
    db().collection(TEAM_MEMBERS).where({ openid, status: 'active' }).count().then(totalOf),
    noticesQuery(caller, now),
    registrationQuery(openid),
    Promise.all(queues.map(([, q]) => db().collection(q.collection).where(q.where).count().then(totalOf))),
    volunteer ? findById<VolunteerDoc>(VOLUNTEERS, openid) : Promise.resolve(null)
  ])

  const ticketCount = (match: (status: string, live: boolean) => boolean) =>
    myTickets.filter((g) => match(g._id.status, g._id.live === true)).reduce((n, g) => n + g.n, 0)
  const wishCount = (match: (g: { posted: boolean; claimed: boolean; status: string }) => boolean) =>
    wishes.filter((g) => match(g._id)).reduce((n, g) => n + g.n, 0)
  const unread = notices.filter((n) => !n.read)

  const mine: MineCounts = {
    upcomingSignUps: signUps[0]?.n ?? 0,
    upcomingBookings: bookings[0]?.n ?? 0,
    // Not closed: open, and resolved ones until they auto-close.
    openTickets: ticketCount((status, live) => status !== 'resolved' || live),
    ticketsToConfirm: ticketCount((status, live) => status === 'resolved' && live),
    openWishes: wishCount((g) => g.posted && UNFINISHED_WISH_STATUSES.includes(g.status)),
    claimedWishes: wishCount((g) => g.claimed && g.status === 'claimed'),
    verifiedMinutes: minutes[0]?.minutes ?? 0,
    certificates,
    teams,
    unreadNotices: unread.length
  }

  const next = signUps[0]
  const booking = bookings[0]
  const reg = registration[0]
  const latest = [...unread, ...notices.filter((n) => n.read)].slice(0, SHOWN_NOTICES)
  return {
    mine,
    settings: { rankingOptIn: volunteerDoc?.rankingOptIn === true, volunteer },
    now: {
      nextActivity: next
        ? {
            activityId: next.activityId,
            title: next.title,
            start: iso(next.start),
            end: iso(next.end),
            place: next.place ?? '',
            status: next.status,
            checkedIn: next.kind === 'volunteer' ? !!next.record?.[0]?.checkInAt : !!next.checkedInAt
          }
        : null,
      nextBooking: booking
        ? { bookingId: booking.bookingId, centerName: booking.centerName ?? '', roomName: booking.roomName ?? '', start: iso(booking.start), end: iso(booking.end), status: booking.status }
        : null,
      ticketsToConfirm: toConfirm.map((t) => ({ ticketId: t._id, title: ticketTitle(t), ...(t.resolvedAt ? { resolvedAt: iso(t.resolvedAt) } : {}) })),
      latestNotices: latest.map((n) => ({ noticeId: n._id, title: n.title, publishedAt: iso(n.publishAt), read: !!n.read }))
    },
    registration: reg ? { status: reg.status, communityName: reg.community?.[0]?.name ?? '' } : null,
    work: queues.map(([key], i) => ({ key, count: queueCounts[i] }))
  }
}
