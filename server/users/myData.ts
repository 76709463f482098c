import { BOOKING_STATUS_LABELS, type BookingStatus } from '../../contracts/centers'
import { ID_TYPE_LABELS, RECORD_STATUS_LABELS, SIGNUP_STATUS_LABELS, VERIFIED_STATUSES, type IdType, type RecordStatus, type SignUpStatus } from '../../contracts/activities'
import { REGISTRATION_STATUS_LABELS, type RegistrationStatus } from '../../contracts/members'
import { ROLE_LABELS } from '../../contracts/roles'
import { TEAM_TYPE_LABELS, type TeamType } from '../../contracts/teams'
import { TICKET_CATEGORY_LABELS, TICKET_STATUS_LABELS, type TicketCategory, type TicketStatus } from '../../contracts/tickets'
import { MY_DATA_ITEMS, MY_DATA_SECTION_TITLES, type MyData, type MyDataItem, type MyDataSection, type MyDataSectionKey } from '../../contracts/users'
import { WISH_STATUS_LABELS, type WishStatus } from '../../contracts/wishes'
import { hoursOf } from '../activities/model'
import { consentEventsPart, statesOf, type ConsentEvent } from '../core/consents'
import { db } from '../core/db'
import type { Caller } from '../core/identity'
import { maskMobile } from '../core/mask'
import { readTogether, type Part } from '../core/together'
import { HOLDINGS, type Holding } from './holdings'

/** The number shared with the handling parties on a report, wish or booking, as the person sees it. */
const sharedMobile = (mobile: string | null | undefined) => (mobile ? `联系手机号 ${maskMobile(mobile)}` : undefined)

type Doc = Record<string, any>

const iso = (value: unknown): string | undefined => (value ? new Date(value as string).toISOString() : undefined)
const holding = (key: string): Holding => HOLDINGS.find((h) => h.key === key)!

/** Each section: where its documents are (a holding) and how one is shown. `names` are looked up in the second wave. */
interface SectionDef {
  key: MyDataSectionKey
  holding: Holding
  item: (doc: Doc, names: Names) => MyDataItem
}

interface Names {
  communities: Map<string, string>
  activities: Map<string, string>
  teams: Map<string, { name: string; type: TeamType }>
}

const SECTIONS: SectionDef[] = [
  {
    key: 'registrations',
    holding: holding('registrations'),
    item: (r, n) => ({
      id: r._id,
      title: n.communities.get(r.communityId) ?? '社区',
      status: REGISTRATION_STATUS_LABELS[r.status as RegistrationStatus] ?? r.status,
      at: iso(r.submittedAt),
      detail: r.mobile ? `登记手机号 ${maskMobile(r.mobile)}` : undefined
    })
  },
  {
    key: 'signUps',
    holding: holding('activitySignups'),
    item: (s, n) => ({ id: s._id, title: n.activities.get(s.activityId) ?? '活动', status: SIGNUP_STATUS_LABELS[s.status as SignUpStatus] ?? s.status, at: iso(s.signedUpAt) })
  },
  {
    key: 'serviceRecords',
    holding: holding('serviceRecords'),
    item: (r) => ({
      id: r._id,
      title: r.title ?? '志愿服务',
      status: RECORD_STATUS_LABELS[r.status as RecordStatus] ?? r.status,
      at: iso(r.serviceDate),
      detail: `${hoursOf(VERIFIED_STATUSES.includes(r.status) ? (r.verifiedMinutes ?? 0) : (r.minutes ?? 0))} 小时`
    })
  },
  {
    key: 'certificates',
    holding: holding('certificates'),
    item: (c) => ({ id: c._id, title: `证明编号 ${c._id}`, at: iso(c.issuedAt), detail: `${c.issuerName ?? ''} · ${hoursOf(c.totalMinutes ?? 0)} 小时` })
  },
  {
    key: 'teams',
    holding: holding('teamMembers'),
    item: (m, n) => {
      const team = n.teams.get(m.teamId)
      return { id: m._id, title: team?.name ?? '队伍', status: m.status === 'active' ? (m.role === 'leader' ? '队长' : '队员') : '已离开', at: iso(m.joinedAt), detail: team ? TEAM_TYPE_LABELS[team.type] : undefined }
    }
  },
  {
    key: 'bookings',
    holding: holding('bookings'),
    item: (b) => ({
      id: b._id,
      title: `${b.centerName ?? ''} ${b.roomName ?? ''}`.trim() || '场地预约',
      status: BOOKING_STATUS_LABELS[b.status as BookingStatus] ?? b.status,
      at: iso(b.start),
      detail: sharedMobile(b.bookerMobile)
    })
  },
  {
    key: 'tickets',
    holding: holding('tickets'),
    item: (t) => ({
      id: t._id,
      title: TICKET_CATEGORY_LABELS[t.category as TicketCategory] ?? '问题反映',
      status: TICKET_STATUS_LABELS[t.status as TicketStatus] ?? t.status,
      at: iso(t.createdAt),
      detail: sharedMobile(t.reporterMobile)
    })
  },
  {
    key: 'wishes',
    holding: holding('wishes'),
    item: (w) => ({
      id: w._id,
      title: w.title ?? '微心愿',
      status: WISH_STATUS_LABELS[w.status as WishStatus] ?? w.status,
      at: iso(w.createdAt),
      detail: sharedMobile(w.residentMobile)
    })
  },
  {
    key: 'claimedWishes',
    holding: holding('claimedWishes'),
    item: (w) => ({ id: w._id, title: w.title ?? '微心愿', status: WISH_STATUS_LABELS[w.status as WishStatus] ?? w.status, at: iso(w.claimedAt) })
  },
  {
    key: 'noticeSubscriptions',
    holding: holding('noticeSubscriptions'),
    item: (s) => ({ id: s._id, title: '重要通知提醒', status: `剩余 ${s.credits ?? 0} 次`, at: iso(s.updatedAt) })
  }
]

/** Names of the documents the items refer to, one part per collection (read with the other parts). */
function namesPart(collection: string, ids: (string | undefined)[], fields: Record<string, true>): Part | null {
  const unique = [...new Set(ids.filter((id): id is string => !!id))]
  if (unique.length === 0) return null
  return { collection, build: (p) => p.match({ _id: db().command.in(unique) }).limit(100).project(fields) }
}

const byId = <T>(docs: Doc[] | undefined, pick: (doc: Doc) => T): Map<string, T> => new Map((docs ?? []).map((d) => [d._id as string, pick(d)]))

/**
 * Everything held about the caller (个人信息保护法 第四十五条 查阅): their profile, volunteer record
 * and consents, and per section a total and the newest few documents (the section's own page
 * lists the rest).
 *
 * Round trips: two reads, each one aggregate over several collections (server/core/together.ts).
 * The first: per section a count and the newest five, the volunteer document, the verified hours,
 * the consents and the profile's community, compound and building; the second: the names the
 * items refer to (communities, activities, teams). With the caller: 3.
 */
export async function myData(caller: Caller): Promise<MyData> {
  const openid = caller.openid
  const profile = caller.user?.profile ?? {}
  const _ = db().command
  const first: Record<string, Part> = {
    volunteer: { collection: 'volunteers', build: (p) => p.match({ _id: openid }).limit(1) },
    // As 我的服务时长 counts them: verified, and not by the volunteer themself.
    hours: {
      collection: 'serviceRecords',
      build: (p) =>
        p.match({ openid, status: _.in([...VERIFIED_STATUSES]), verifiedBy: _.neq(openid) }).group({ _id: null, minutes: _.aggregate.sum('$verifiedMinutes'), records: _.aggregate.sum(1) })
    },
    consents: consentEventsPart(openid)
  }
  SECTIONS.forEach((s, i) => {
    const where = s.holding.where(openid)
    first[`count${i}`] = { collection: s.holding.collection, build: (p) => p.match(where).count('n') }
    first[`newest${i}`] = { collection: s.holding.collection, build: (p) => p.match(where).sort({ [s.holding.newest ?? '_id']: -1 }).limit(MY_DATA_ITEMS) }
  })
  const places: [string, string | undefined][] = [
    ['communities', profile.communityId],
    ['grids', profile.gridId],
    ['buildings', profile.buildingId]
  ]
  for (const [collection, id] of places) if (id) first[collection] = { collection, build: (p) => p.match({ _id: id }).limit(1).project({ name: true }) }
  const one = await readTogether(first)

  const sectionDocs = SECTIONS.map((_s, i) => ({ total: (one[`count${i}`][0]?.n as number | undefined) ?? 0, docs: one[`newest${i}`] }))
  const docsOf = (key: MyDataSectionKey) => sectionDocs[SECTIONS.findIndex((s) => s.key === key)].docs
  const second: Record<string, Part> = {}
  const wanted: [string, Part | null][] = [
    ['communities', namesPart('communities', docsOf('registrations').map((r) => r.communityId), { name: true })],
    ['activities', namesPart('activities', docsOf('signUps').map((s) => s.activityId), { title: true })],
    ['teams', namesPart('teams', docsOf('teams').map((m) => m.teamId), { name: true, type: true })]
  ]
  for (const [key, part] of wanted) if (part) second[key] = part
  const two = await readTogether(second)
  const communities = byId(two.communities, (d) => d.name as string)
  const activities = byId(two.activities, (d) => d.title as string)
  const teams = byId(two.teams, (d) => ({ name: d.name as string, type: d.type as TeamType }))
  const volunteer = (one.volunteer[0] as Doc | undefined) ?? null
  const hours = { list: one.hours }
  const consents = statesOf(one.consents as ConsentEvent[])
  const community = one.communities?.[0]
  const grid = one.grids?.[0]
  const building = one.buildings?.[0]
  const names: Names = { communities, activities, teams }

  const sections: MyDataSection[] = SECTIONS.map((s, i) => ({
    key: s.key,
    title: MY_DATA_SECTION_TITLES[s.key],
    total: sectionDocs[i].total,
    items: sectionDocs[i].docs.map((doc) => dropUndefined(s.item(doc, names)))
  }))

  const verified = (hours.list as { minutes: number; records: number }[])[0]
  const identity = volunteer?.identity as { type: IdType; masked: string } | undefined
  const roleLabels = caller.roles.filter((r) => r !== 'resident' || caller.roles.length === 1).map((r) => ROLE_LABELS[r])
  return {
    profile: dropUndefined({
      name: profile.name,
      mobileMasked: maskMobile(profile.mobile),
      communityName: community?.name,
      gridName: grid?.name,
      buildingName: building?.name,
      roles: roleLabels,
      stored: caller.user !== null
    }),
    volunteer: volunteer
      ? {
          volunteerNo: volunteer.volunteerNo,
          verifiedHours: hoursOf(verified?.minutes ?? 0),
          verifiedRecords: verified?.records ?? 0,
          identity: identity ? { typeLabel: ID_TYPE_LABELS[identity.type] ?? identity.type, masked: identity.masked } : null,
          rankingOptIn: volunteer.rankingOptIn === true
        }
      : null,
    sections,
    consents
  }
}

function dropUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key]
  return value
}
