/**
 * `users.overview`: 首页 ("what needs me now") and 我的 ("my things", with counts) in one call.
 *
 * Every figure is a count or an aggregate in the database with the condition of the list page the
 * figure opens — built by the list modules' own functions (named at each one), so a number always
 * equals what that page lists; tests/functions/overview.test.ts checks every figure against the
 * list action's own `total`. A work item carries the filters it counts with (`query`), and 首页 opens
 * its page with them.
 *
 * Round trips: one wave after the caller lookup, all in parallel — per collection of the person's
 * own things one query (an aggregate where one collection gives several figures, with `lookup`
 * for the names it shows), plus one `count()` per work queue of the caller's roles. Two chains of
 * two: the bookings need the centres' check-in grace first, the district admin's 时长认定 the list of
 * community staff (see `overview` below).
 *
 * Reads only: unlike the list pages it does not run their lazy upkeep (closing ended activities'
 * open records, auto-closing resolved reports, the bookings' sweep, due notice pushes); where that
 * upkeep decides by time alone (auto-close, the bookings' expiry and no-shows), the shared conditions
 * count what those pages will show after it.
 */
import { WORK_KEYS, type MineCounts, type Overview, type WorkKey } from '../../contracts/overview'
import { VERIFIED_STATUSES } from '../../contracts/activities'
import { TICKET_CATEGORY_LABELS, type TicketCategory } from '../../contracts/tickets'
import { UNFINISHED_WISH_STATUSES } from '../../contracts/wishes'
import { pendingMakeUpsWhere } from '../activities/makeUps'
import { HELD_SIGNUP_STATUSES } from '../activities/queries'
import { pendingRecordsWhere } from '../activities/records'
import { ACTIVITIES, RECORDS, SIGNUPS, CERTIFICATES, VOLUNTEERS } from '../activities/model'
import { communitiesWhere as bookingsScope, filtersWhere as bookingsFilters, upcomingWhere as upcomingBookingsWhere } from '../centers/bookings'
import { COLL as CENTER_COLL } from '../centers/model'
import { SETTINGS_DOC_ID as CENTER_SETTINGS_ID, settingsOf as centerSettingsOf } from '../centers/store'
import { clock } from '../core/clock'
import { db } from '../core/db'
import { hasRole, isDistrictAdmin, managedCommunities } from '../core/guard'
import type { Caller } from '../core/identity'
import { readTogether, type Part, type Pipeline } from '../core/together'
import { REGISTRATIONS } from '../members/model'
import { whereOf as registrationsWhere } from '../members/scope'
import { inboxOf, inboxPart } from '../notices/list'
import { TEAM_MEMBERS } from '../teams/teams'
import { queueScope, statusCondition } from '../tickets/list'
import { staffWhere as wishesStaffWhere, statusWhere as wishStatusWhere } from '../wishes/actions'

type Doc = Record<string, any>

const SHOWN_TICKETS = 3
const SHOWN_NOTICES = 3

const iso = (value: unknown): string => new Date(value as string).toISOString()
const countOf = (docs: Doc[]) => (docs[0]?.n as number | undefined) ?? 0
/** A count as a part: its list's own condition, `$count` (no document when nothing matches). */
const countPart = (collection: string, where: object): Part => ({ collection, build: (p) => p.match(where).count('n') })

/** A ticket's line on 首页: its category and the start of what the person wrote. */
function ticketTitle(t: Doc): string {
  const label = TICKET_CATEGORY_LABELS[t.category as TicketCategory] ?? '问题反映'
  const text = String(t.description ?? '').replace(/\s+/g, ' ').trim()
  return text ? `${label}：${text.length > 20 ? `${text.slice(0, 20)}…` : text}` : label
}

// ------------------------------------------------------------------ the person's own things

/** The next activity I hold a place (or a waiting-list entry) for that has not ended, and how many there are. */
function signUpsPart(openid: string, now: Date): Part {
  const _ = db().command
  const $ = _.aggregate
  return {
    collection: SIGNUPS,
    build: (p) =>
      p
        .match({ openid, status: _.in([...HELD_SIGNUP_STATUSES]) })
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
  }
}

/**
 * 我的预约 即将开始 (centers `myBookings` scope 'upcoming', with its condition), soonest first. The
 * condition needs the check-in grace (the centres' settings, read in the first wave).
 */
function bookingsPart(openid: string, now: Date, checkInMinutes: number): Part {
  const $ = db().command.aggregate
  return {
    collection: 'bookings',
    build: (p) =>
      p
        .match(upcomingBookingsWhere(openid, now, checkInMinutes))
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
  }
}

/**
 * 我的报事 not closed (tickets `list` {scope: 'mine', status: 'unfinished'}), by status; with the
 * oldest resolved ones waiting for my confirmation (首页 shows three).
 */
function myTicketsPart(openid: string, now: Date): Part {
  const _ = db().command
  const $ = _.aggregate
  return {
    collection: 'tickets',
    build: (p) =>
      p
        .match(_.and([{ reporterOpenid: openid }, statusCondition('unfinished', now)!]))
        .sort({ resolvedAt: 1, _id: 1 })
        .group({ _id: '$status', n: $.sum(1), oldest: $.push({ _id: '$_id', category: '$category', description: '$description', resolvedAt: '$resolvedAt' }) })
        .project({ n: true, oldest: $.slice(['$oldest', SHOWN_TICKETS]) })
  }
}

/**
 * 我的心愿 and 我认领的心愿 with the filters they open (wishes `list` {scope: 'mine', status:
 * 'unfinished'} and {scope: 'claimed', status: 'claimed'}), one aggregate: which of the two each is.
 */
function wishesPart(openid: string): Part {
  const _ = db().command
  const $ = _.aggregate
  return {
    collection: 'wishes',
    build: (p) =>
      p
        .match(_.or([{ residentOpenid: openid, status: wishStatusWhere('unfinished') }, { memberOpenid: openid, status: wishStatusWhere('claimed') }]))
        .group({
          _id: {
            posted: $.and([$.eq(['$residentOpenid', openid]), $.in(['$status', [...UNFINISHED_WISH_STATUSES]])]),
            claimed: $.and([$.eq(['$memberOpenid', openid]), $.eq(['$status', 'claimed'])])
          },
          n: $.sum(1)
        })
  }
}

/** Verified minutes as 我的服务时长 counts them (activities `myHours`): verified, not by the volunteer. */
function minutesPart(openid: string): Part {
  const _ = db().command
  const $ = _.aggregate
  return {
    collection: RECORDS,
    build: (p) => p.match({ openid, status: _.in([...VERIFIED_STATUSES]), verifiedBy: _.neq(openid) }).group({ _id: null, minutes: $.sum('$verifiedMinutes') })
  }
}

/** My newest 报到 and its community's name (a registration left by a transfer is history). */
function registrationPart(openid: string): Part {
  const _ = db().command
  return {
    collection: REGISTRATIONS,
    build: (p: Pipeline) =>
      p
        .match({ openid, status: _.neq('transferred') })
        .sort({ submittedAt: -1, _id: -1 })
        .limit(1)
        .lookup({ from: 'communities', localField: 'communityId', foreignField: '_id', as: 'community' })
        .project({ status: true, 'community.name': true })
  }
}

// ------------------------------------------------------------------ work queues

interface Queue {
  collection: string
  /** The list's condition; for the district admin's 时长认定, built from the community staff (read in the first wave). */
  where: object | ((organisers: Map<string, string[]>) => object | null)
  /** The list's filters, as its page's query: the item opens its page with them. */
  query?: Record<string, string>
}

/**
 * The conditions of the list each queue's item opens, for the caller's roles (absent: not theirs).
 * Each is the list action's own condition with the filters the page opens with.
 */
function workQueues(caller: Caller, now: Date): Partial<Record<WorkKey, Queue>> {
  const admin = isDistrictAdmin(caller)
  const managed = managedCommunities(caller)
  // Staff of at least one community (a staff role without communities has no queue: the lists refuse).
  const staff = hasRole(caller, 'staff') && caller.scopes.communityIds.length > 0
  const queues: Partial<Record<WorkKey, Queue>> = {}

  // members `list` {status: 'pending'} (报到审核): staff their communities, the district admin all.
  if (admin || staff) queues.registrations = { collection: REGISTRATIONS, where: registrationsWhere(managed, { status: 'pending' }), query: { status: 'pending' } }

  // centers `bookings` {status: 'pending'} (预约审核) without a centre: the staff's communities.
  if (staff) queues.bookings = { collection: 'bookings', where: { ...bookingsScope(managed), ...bookingsFilters({ status: 'pending' }) }, query: { status: 'pending' } }

  // tickets `list` {scope: 'queue', status, leadOnly}: the district admin (also when staff) follows
  // overdue ones everywhere; the parties their open ones — property and committee where they lead
  // (the work page's default), community staff all of theirs.
  const scope = queueScope(caller, hasRole(caller, 'property_staff') || hasRole(caller, 'committee'))
  if (scope) {
    const status = admin ? 'overdue' : 'open'
    // As the list combines them: the scope (`{}` for the district admin) and the status.
    queues.tickets = { collection: 'tickets', where: db().command.and([scope, statusCondition(status, now)!]), query: { scope: 'queue', status } }
  }

  // activities `records` without an activity (待认定时长): what the caller may verify (make-ups have
  // their own queue below); the district admin's share reads the community staff first, as the list does.
  if (admin) queues.records = { collection: RECORDS, where: (organisers) => pendingRecordsWhere(caller, organisers) }
  else if (staff) {
    const records = pendingRecordsWhere(caller)
    if (records) queues.records = { collection: RECORDS, where: records }
  }

  // activities `pendingMakeUps`: four eyes — never what the caller entered nor their own hours.
  if (admin || staff) queues.makeUps = { collection: RECORDS, where: pendingMakeUpsWhere(caller.openid, managed) }

  // wishes `list` {scope: 'review'} (心愿审核): pending wishes of the staff's communities.
  if (staff) queues.wishReviews = { collection: 'wishes', where: wishesStaffWhere(managed, true), query: { scope: 'review' } }
  return queues
}

// ------------------------------------------------------------------ the action

/** The community staff of each community (activities/records.ts `organisersByCommunity`, from the same read). */
function organisersOf(users: Doc[]): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const u of users) for (const c of (u.scopes?.communityIds ?? []) as string[]) map.set(c, [...(map.get(c) ?? []), u._id])
  return map
}

/**
 * Two reads, each one aggregate over several collections (server/core/together.ts): first the
 * person's own things — sign-ups (with the activity and its record), reports by status, wishes,
 * verified minutes, certificates and teams (counts), notices with my reads, the newest 报到 (with
 * its community), the volunteer record (the ranking choice: not on the `users` document the caller
 * came with) — and every work queue's count, with the centres' settings and, for the district
 * admin, the community staff; then what needed those: the upcoming bookings (the check-in grace)
 * and the admin's 时长认定. With the caller: 3 round trips, whatever the roles.
 */
export async function overview(caller: Caller): Promise<Overview> {
  const openid = caller.openid
  const now = clock.date()
  const found = workQueues(caller, now)
  const queues = WORK_KEYS.filter((key) => found[key]).map((key) => [key, found[key]!] as const)
  // As signing up decides (activities/signups.ts): a party member, or 志愿者实名登记 done.
  const volunteer = caller.roles.includes('member') || Boolean(caller.user?.volunteerSince)
  const later = queues.filter(([, q]) => typeof q.where === 'function')

  const first: Record<string, Part> = {
    signUps: signUpsPart(openid, now),
    myTickets: myTicketsPart(openid, now),
    wishes: wishesPart(openid),
    minutes: minutesPart(openid),
    certificates: countPart(CERTIFICATES, { openid }),
    // teams `myTeams`: active memberships.
    teams: countPart(TEAM_MEMBERS, { openid, status: 'active' }),
    // notices `unreadCount` and the newest (notices `list`), unread first.
    notices: inboxPart(caller, now, SHOWN_NOTICES),
    registration: registrationPart(openid),
    centerSettings: { collection: CENTER_COLL.settings, build: (p) => p.match({ _id: CENTER_SETTINGS_ID }).limit(1) }
  }
  for (const [key, q] of queues) if (typeof q.where !== 'function') first[`q_${key}`] = countPart(q.collection, q.where)
  if (volunteer) first.volunteer = { collection: VOLUNTEERS, build: (p) => p.match({ _id: openid }).limit(1).project({ rankingOptIn: true }) }
  // activities/records.ts `organisersByCommunity`: a district has far fewer than 1,000 community staff accounts.
  if (later.length) first.staff = { collection: 'users', build: (p) => p.match({ roles: 'staff' }).project({ scopes: true }).limit(1000) }
  const one = await readTogether(first)

  const settings = centerSettingsOf(one.centerSettings[0])
  const second: Record<string, Part> = { bookings: bookingsPart(openid, now, settings.checkInMinutes) }
  const organisers = organisersOf(one.staff ?? [])
  for (const [key, q] of later) {
    const where = (q.where as (organisers: Map<string, string[]>) => object | null)(organisers)
    if (where) second[`q_${key}`] = countPart(q.collection, where)
  }
  const two = await readTogether(second)

  const signUps = one.signUps
  const bookings = two.bookings
  const myTickets = one.myTickets
  const wishes = one.wishes
  const minutes = one.minutes
  const certificates = countOf(one.certificates)
  const teams = countOf(one.teams)
  const notices = inboxOf(one.notices, SHOWN_NOTICES)
  const registration = one.registration
  const queueCounts = queues.map(([key]) => countOf(one[`q_${key}`] ?? two[`q_${key}`] ?? []))
  const volunteerDoc = volunteer ? (one.volunteer[0] ?? null) : null

  const resolved = myTickets.find((g) => g._id === 'resolved')
  const wishCount = (which: 'posted' | 'claimed') => wishes.filter((g) => g._id[which] === true).reduce((n, g) => n + g.n, 0)

  const mine: MineCounts = {
    upcomingSignUps: signUps[0]?.n ?? 0,
    upcomingBookings: bookings[0]?.n ?? 0,
    // Not closed: open, and resolved ones until they auto-close.
    openTickets: myTickets.reduce((n, g) => n + g.n, 0),
    ticketsToConfirm: resolved?.n ?? 0,
    openWishes: wishCount('posted'),
    claimedWishes: wishCount('claimed'),
    verifiedMinutes: minutes[0]?.minutes ?? 0,
    certificates,
    teams,
    unreadNotices: notices.unread
  }

  const next = signUps[0]
  const booking = bookings[0]
  const reg = registration[0]
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
      ticketsToConfirm: ((resolved?.oldest ?? []) as Doc[]).map((t) => ({ ticketId: t._id, title: ticketTitle(t), ...(t.resolvedAt ? { resolvedAt: iso(t.resolvedAt) } : {}) })),
      latestNotices: notices.latest.map((n) => ({ noticeId: n.noticeId, title: n.title, publishedAt: iso(n.publishAt), read: n.read }))
    },
    registration: reg ? { status: reg.status, communityName: reg.community?.[0]?.name ?? '' } : null,
    work: queues.map(([key, q], i) => ({ key, count: queueCounts[i], ...(q.query ? { query: q.query } : {}) }))
  }
}
