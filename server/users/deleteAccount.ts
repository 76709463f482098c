import type { Role } from '../../contracts/roles'
import type { DeleteAccountOutput } from '../../contracts/users'
import { SIGNUPS } from '../activities/model'
import { withdrawUpcoming } from '../activities/volunteerRegistration'
import { endBookingsGuarded } from '../centers/lifecycle'
import type { BookingDoc } from '../centers/model'
import { audit } from '../core/audit'
import { clock } from '../core/clock'
import { consentEventsPart, recordWithdrawal, statesOf, type ConsentEvent } from '../core/consents'
import { db } from '../core/db'
import { conflict } from '../core/errors'
import type { Caller } from '../core/identity'
import { endMembership, TEAM_MEMBERS, type TeamMemberDoc } from '../teams/teams'
import { platform } from '../platform'
import { readTogether, type Pipeline } from '../core/together'
import { settleWishesOfDeletedAccount } from '../wishes/actions'
import { applyWithdrawal } from './withdrawConsent'

/** What a deleted person's name becomes wherever their records are kept. */
export const DELETED_NAME = '已注销用户'

/** Roles given by the district or a community: taken away by them first (they are others' work). */
const STAFF_ROLES: readonly Role[] = ['staff', 'district_admin', 'property_staff', 'committee']

const PAGE = 100
/** How a line of `applyWithdrawal` says there was nothing of that kind. */
const NOTHING = '没有'

/**
 * 注销账号 (个人信息保护法 第四十七条). Refused while the person holds a staff role (the district
 * admin removes it first: staff accounts carry their community's work). Otherwise, in this order —
 * every step idempotent, so a deletion interrupted anywhere is finished by running it again (the
 * `users` document, which holds the roles, goes last, so the staff check keeps holding until then):
 *
 * 1. every consent's effects applied (whatever was recorded: data given before consents were
 *    recorded is erased too), and the active ones recorded as withdrawn;
 * 2. upcoming activity sign-ups withdrawn (their places go to the waiting list: the paging
 *    `withdrawUpcoming` of server/activities/volunteerRegistration.ts), and the copies of their data
 *    they exported (`users.exportMyData`, found by their audit entries' fileID) deleted from storage;
 * 3. upcoming room bookings cancelled (the centres' own guarded ending: one update for all, then
 *    their slots and quota freed);
 * 4. team memberships ended (server/teams `endMembership`, as a keeper's removal: status removed,
 *    the team's count and leader); wishes: those they claimed and have not completed opened again
 *    for other members, those they posted that no one has claimed (pending, open) cancelled
 *    (server/wishes `settleWishesOfDeletedAccount`);
 * 5. the name replaced by 已注销用户 (and copies of the mobile erased) on the records that are kept
 *    — the top-level fields every list and view shows, and the history entries naming them: the
 *    tickets' and wishes' event logs (by `actorOpenid`, one update each) and the entries they
 *    wrote in their own registrations, bookings and sign-ups (`eraseOwnHistoryNames`). What the
 *    entry says was done, and when, stays as the record's audit trail;
 * 6. the notice subscription deleted, then the `users` document: the same WeChat user arriving
 *    again is a newcomer.
 *
 * Round trips: a job, not an interactive action (decided for issue #15: it runs once per person,
 * after they confirm what it will do, and the page tells them it takes a moment). Its own part is
 * one read (consents, exported copies, bookings and teams to end, what 证件/排行榜/联系方式 hold:
 * 8 parts, `readTogether`), then the two purposes whose data others keep (报到, 志愿者登记); the withdrawals recorded
 * and the sign-ups, bookings, teams and wishes ended in parallel (their domains' own endings: most
 * of the count, one transaction per team or wish; the bookings with one guarded update and the
 * release of their slots and quota); the erasure, one update per collection (9,
 * in parallel, the 证件, 排行榜 and contact numbers with the names); the event logs (2 updates) and
 * the histories (3 reads at once, then one update per distinct set of positions); the account
 * and the audit entry. ~26 requests for a typical person, ~75 for a member with a year of
 * activity (tests: privacy) — O(their records), each step one update per collection where it can.
 *
 * Kept, on purpose: verified service records (志愿服务记录, which 《志愿服务条例》 has the
 * organisation keep, and which issued certificates are verified against) with the name they were
 * verified under, issued certificates (their QR is verified publicly), and the community's case
 * records — problem reports, wishes, bookings, registrations (community, grid, building and the
 * placement that follows from them: no unit, room, party organisation, work unit, skills, services
 * offered or review reason) — whose contents and counts the district's
 * statistics and 我为群众办实事 ledger rest on (without name or number). The consent
 * records stay as the proof that the processing was lawful (server/core/consents.ts).
 * Not reached (no openid to match them by): a team's own history names an appointed leader only
 * in its note (`任命队长`, by the keeper), and the 我为群众办实事 ledger shows the member's masked name.
 */
export async function deleteAccount(caller: Caller): Promise<DeleteAccountOutput> {
  if (caller.roles.some((r) => STAFF_ROLES.includes(r))) throw conflict('您有工作人员身份，请先由区级管理员解除后再注销')
  const openid = caller.openid
  const _ = db().command

  // 1. One read (server/core/together.ts): the consents, the copies of their data they exported (their audit entries name the
  // files), the bookings and teams to end, and what the purposes the erasure below covers hold
  // (证件, 排行榜, contact numbers).
  const found: Record<string, Record<string, any>[]> = await readTogether({
    consents: consentEventsPart(openid),
    exports: { collection: 'auditLogs', build: (p) => p.match({ actor: openid, action: 'users.exportMyData' }).limit(PAGE).project({ detail: true }) },
    bookings: {
      collection: 'bookings',
      build: (p) => p.match({ openid, status: _.in(['pending', 'confirmed']), start: _.gt(clock.date()) }).limit(PAGE).project({ _id: true, slotIds: true, quotaId: true })
    },
    teams: { collection: TEAM_MEMBERS, build: (p) => p.match({ openid, status: 'active' }).limit(PAGE).project({ teamId: true }) },
    volunteer: { collection: 'volunteers', build: (p) => p.match({ _id: openid }).limit(1).project({ identity: true, rankingOptIn: true }) },
    ...Object.fromEntries(CONTACT_COPIES.map((c) => [c.key, { collection: c.collection, build: (p: Pipeline) => p.match(c.where(openid)).count('n') }]))
  })
  const active = statesOf(found.consents as ConsentEvent[]).filter((s) => s.active)
  const exports = exportedFiles(found.exports)
  const volunteerDoc = found.volunteer[0] as { identity?: unknown; rankingOptIn?: boolean } | undefined
  const contacts = CONTACT_COPIES.map((c) => (found[c.key]?.[0]?.n as number | undefined) ?? 0)

  // The effects of the two purposes whose data lives elsewhere (registrations, the volunteer
  // registration), at once; 证件, 排行榜 and the contact numbers are erased with the names below.
  // eraseNow: nothing is left to the timer (`pendingErasure` lives on the users document deleted below).
  const effects = await Promise.all((['registration', 'volunteer'] as const).map((purpose) => applyWithdrawal(caller, purpose, undefined, undefined, { eraseNow: true })))
  effects.push(
    [volunteerDoc?.identity !== undefined ? '保存的证件信息已删除' : '没有保存的证件信息'],
    [contacts.some((n) => n > 0) ? `删除了 ${contacts[0]} 条问题反映、${contacts[1]} 个心愿和 ${contacts[2]} 个预约中的手机号` : '没有需要删除的联系手机号'],
    [volunteerDoc?.rankingOptIn === true ? '排行榜上将显示为匿名志愿者' : '没有在排行榜上显示姓名']
  )

  // 2–4. The withdrawals of the consents in force recorded; upcoming sign-ups, upcoming bookings,
  // teams, wishes; the exported copies deleted (independent of one another). The wishes' history
  // entries name the person as they will be: 已注销用户.
  const asDeleted: Caller = { ...caller, user: caller.user ? { ...caller.user, profile: { ...caller.user.profile, name: DELETED_NAME } } : null }
  const [, signUps, bookings, teams, wishes] = await Promise.all([
    Promise.all(active.map((s) => recordWithdrawal(openid, s.purpose, 'users.deleteAccount'))),
    withdrawUpcoming(openid),
    cancelUpcomingBookings(caller, found.bookings as Pick<BookingDoc, '_id' | 'slotIds' | 'quotaId'>[]),
    leaveTeams(caller, found.teams as Pick<TeamMemberDoc, 'teamId'>[]),
    settleWishesOfDeletedAccount(asDeleted),
    exports.length ? platform().files.remove(exports) : null
  ])

  // 5. The name on what is kept.
  const erased = await Promise.all([
    // With the contact numbers (the 'contact' purpose's effect).
    db().collection('tickets').where({ reporterOpenid: openid }).update({ data: { reporterName: DELETED_NAME, showName: false, reporterMobile: null } }),
    db().collection('wishes').where({ residentOpenid: openid }).update({ data: { residentName: DELETED_NAME, showName: false, residentMobile: null } }),
    db().collection('wishes').where({ memberOpenid: openid }).update({ data: { memberName: DELETED_NAME } }),
    db().collection('bookings').where({ openid }).update({ data: { bookerName: DELETED_NAME, bookerMobile: _.remove() } }),
    // The address beyond the community (unit, room) and the party organisation go too (mobile,
    // work unit and skills went with step 1, on every registration).
    // The placement (branch, party group, central household) follows from the grid and building and
    // stays for the organisation's counts; what they offered to do and the reviewer's reason go.
    db().collection('registrations').where({ openid }).update({ data: { name: DELETED_NAME, unit: _.remove(), room: '', partyOrg: '', services: [], rejectReason: _.remove() } }),
    // A member's sign-ups carry a copy of their mobile (a registered volunteer's went with step 1).
    db().collection('activitySignups').where({ openid }).update({ data: { name: DELETED_NAME, mobile: _.remove() } }),
    db().collection('teamMembers').where({ openid }).update({ data: { name: DELETED_NAME } }),
    // The 'identity' and 'ranking' purposes' effects too.
    db().collection('volunteers').where({ _id: openid }).update({ data: { name: DELETED_NAME, rankingOptIn: false, identity: _.remove() } }),
    // 6a. The notice subscription (with the erasure: nothing depends on it).
    db().collection('noticeSubscriptions').where({ _id: openid }).remove()
  ])
  const renamed = erased.slice(0, -1).reduce((n, r) => n + (r as { stats: { updated: number } }).stats.updated, 0)
  const erasedEntries = await Promise.all([
    // The event logs: every entry they acted in, one update each (indexed by actorOpenid).
    db().collection('ticketEvents').where({ actorOpenid: openid, actorName: _.neq(DELETED_NAME) }).update({ data: { actorName: DELETED_NAME } }).then((r) => r.stats.updated),
    db().collection('wishEvents').where({ actorOpenid: openid, actorName: _.neq(DELETED_NAME) }).update({ data: { actorName: DELETED_NAME } }).then((r) => r.stats.updated),
    // A confirmation carried by the wish itself (staff confirming for the resident: their name is on it).
    db().collection('wishes').where({ confirmedBy: openid, 'confirmEntry.actorName': _.nin([null, DELETED_NAME]) }).update({ data: { 'confirmEntry.actorName': DELETED_NAME } }).then((r) => r.stats.updated),
    eraseHistoryNames(openid)
  ])
  const historyEntries = erasedEntries.flat().reduce((n: number, k: number) => n + k, 0)

  // 6b. The account itself, last; the audit entry with it — the actor without a name: the log
  // must not keep what was just erased.
  const [removedUser] = await Promise.all([
    db().collection('users').where({ _id: openid }).remove(),
    audit(
      { ...caller, user: null },
      // No communityId: the person's own action is not their community's business (district only).
      {
        action: 'users.deleteAccount',
        target: { collection: 'users', id: openid },
        detail: { consentsWithdrawn: active.map((s) => s.purpose), signUps, bookings, teams, wishesReleased: wishes.released, wishesCancelled: wishes.cancelled, renamed, historyEntries, exportsDeleted: exports.length }
      }
    )
  ])

  const removed = [
    ...effects.flat().filter((line) => !line.startsWith(NOTHING)),
    active.length ? `撤回了 ${active.length} 项同意` : '',
    signUps ? `取消了 ${signUps} 个尚未开始的活动报名` : '',
    bookings ? `取消了 ${bookings} 个尚未开始的场地预约` : '',
    teams ? `退出了 ${teams} 支队伍` : '',
    wishes.released ? `您认领的 ${wishes.released} 个心愿已重新开放，由其他党员认领` : '',
    wishes.cancelled ? `取消了您发布的 ${wishes.cancelled} 个尚未被认领的心愿` : '',
    renamed ? `${renamed} 条保留的记录上的姓名已改为「${DELETED_NAME}」` : '',
    historyEntries ? `${historyEntries} 条办理经过中的姓名已改为「${DELETED_NAME}」` : '',
    exports.length ? `删除了您此前导出的 ${exports.length} 份个人信息副本` : '',
    removedUser.stats.removed ? '账号（身份、姓名、手机号、住址）和通知订阅已删除' : '账号已删除'
  ].filter(Boolean)
  const kept = DELETION_KEPT
  return { removed, kept }
}

/**
 * What deletion keeps, and why (shown before the person confirms and in the reply). The verified
 * service records and the volunteer number stay under the WeChat account's openid (the `volunteers`
 * document is keyed by it), so they come back if the same WeChat user registers again.
 */
export const DELETION_KEPT = [
  '已认定的志愿服务记录（含认定时的姓名）和已出具的证明依法保留（《志愿服务条例》），证明仍可查验真伪；这些记录仍与您的微信账号关联，您日后用同一微信再次登记时会重新显示',
  '问题反映、心愿、预约和报到的内容保留为社区办事记录和统计数据，不再含您的姓名和手机号；报到记录只保留社区、网格、楼栋和所编入的党组织',
  '同意与撤回的记录保留，用于证明此前的处理合法'
]

/** The files of the person's earlier `users.exportMyData` copies (their audit entries name them). */
function exportedFiles(entries: { detail?: { fileID?: unknown } }[]): string[] {
  return entries.map((a) => a.detail?.fileID).filter((id): id is string => typeof id === 'string' && id !== '')
}

/** Where a contact number the person gave is copied (withdrawConsent.ts, the 'contact' purpose), counted before the erasure. */
const CONTACT_COPIES = [
  { key: 'contactTickets', collection: 'tickets', where: (openid: string) => ({ reporterOpenid: openid, reporterMobile: db().command.neq(null) }) },
  { key: 'contactWishes', collection: 'wishes', where: (openid: string) => ({ residentOpenid: openid, residentMobile: db().command.neq(null) }) },
  { key: 'contactBookings', collection: 'bookings', where: (openid: string) => ({ openid, bookerMobile: db().command.neq(null) }) }
]

/**
 * Cancels the person's bookings that hold slots and have not started (read in step 1); returns how
 * many. One guarded update for all (lifecycle.ts `endBookingsGuarded`: the status in the filter is
 * the decision, so a check-in or review racing it wins or loses per booking), then their slots and
 * quota freed.
 */
async function cancelUpcomingBookings(caller: Caller, upcoming: Pick<BookingDoc, '_id' | 'slotIds' | 'quotaId'>[]): Promise<number> {
  const ended = await endBookingsGuarded(upcoming, { status: 'cancelled', action: 'cancelled', actor: caller.openid, reason: '预约人注销账号', from: ['pending', 'confirmed'] })
  return ended.length
}

/**
 * Ends the person's active team memberships, as a keeper's removal does (server/teams
 * `endMembership`): one transaction per team, in parallel.
 */
async function leaveTeams(caller: Caller, memberships: Pick<TeamMemberDoc, 'teamId'>[]): Promise<number> {
  const by = { at: clock.date(), by: caller.openid, action: '注销账号，退出队伍' }
  const left = await Promise.all(memberships.map((m) => endMembership(m.teamId, caller.openid, by)))
  return left.filter(Boolean).length
}

type Doc = Record<string, any>

/** The histories of their own registrations, bookings and sign-ups: the first pages in one combined read. */
async function eraseHistoryNames(openid: string): Promise<number[]> {
  const kinds = [
    ['registrations', 'actor', 'actorName'],
    ['bookings', 'actor', 'actorName'],
    [SIGNUPS, 'by', 'byName']
  ] as const
  const firstPages = await readTogether(
    Object.fromEntries(kinds.map(([collection]) => [collection, { collection, build: (p: Pipeline) => p.match({ openid }).sort({ _id: 1 }).limit(PAGE).project({ history: true }) }]))
  )
  return Promise.all(kinds.map(([collection, actorField, nameField]) => eraseOwnHistoryNames(collection, openid, actorField, nameField, firstPages[collection])))
}

/** Pages of a person's own documents read for their history entries (×100 each collection). */
const HISTORY_PAGES = 10

/**
 * The person's name in the history entries they wrote in their own documents of `collection`
 * (registered, booked, signed up, withdrew…: `actorField` is them and `nameField` holds a name),
 * set to 已注销用户 — and the entries the system wrote for them: a `system` entry names the
 * document's holder, if anyone (server/activities/signups.ts, a sign-up released when a volunteer
 * registration ends). Entries of others (staff who reviewed, confirmed, checked in) keep their names.
 * Histories are append-only, so an entry's position never changes: `history.<i>.<nameField>` is
 * set without rewriting the array (no race with a staff member's change to the same document),
 * and the documents whose entries sit at the same positions share one `where({_id: in}).update()`.
 * Round trips: the documents read 100 at a time (one page for nearly everyone; at most
 * HISTORY_PAGES), then one update per distinct set of positions — typically 1–3 per collection,
 * in parallel. Returns how many entries were renamed; run again, it finds none.
 */
async function eraseOwnHistoryNames(collection: string, openid: string, actorField: string, nameField: string, firstPage: Doc[]): Promise<number> {
  const _ = db().command
  const groups = new Map<string, { positions: number[]; ids: string[] }>()
  for (let page = 0; page < HISTORY_PAGES; page++) {
    const res = page === 0 ? { data: firstPage } : await db().collection(collection).where({ openid }).orderBy('_id', 'asc').skip(page * PAGE).limit(PAGE).field({ history: true }).get()
    for (const doc of res.data as { _id: string; history?: Record<string, unknown>[] }[]) {
      const positions = (doc.history ?? []).flatMap((h, i) =>
        (h[actorField] === openid || h[actorField] === 'system') && typeof h[nameField] === 'string' && h[nameField] !== DELETED_NAME ? [i] : []
      )
      if (positions.length === 0) continue
      const key = positions.join(',')
      const group = groups.get(key) ?? { positions, ids: [] }
      group.ids.push(doc._id)
      groups.set(key, group)
    }
    if (res.data.length < PAGE) break
  }
  const updates = [...groups.values()].flatMap(({ positions, ids }) => {
    const data = Object.fromEntries(positions.map((i) => [`history.${i}.${nameField}`, DELETED_NAME]))
    // Batches of PAGE ids (one for nearly everyone).
    const batches: string[][] = []
    for (let i = 0; i < ids.length; i += PAGE) batches.push(ids.slice(i, i + PAGE))
    return batches.map((batch) =>
      db()
        .collection(collection)
        .where({ _id: _.in(batch), openid })
        .update({ data })
        .then(() => batch.length * positions.length)
    )
  })
  return (await Promise.all(updates)).reduce((n, k) => n + k, 0)
}
