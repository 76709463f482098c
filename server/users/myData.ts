import { BOOKING_STATUS_LABELS, type BookingStatus } from '../../contracts/centers'
import { ID_TYPE_LABELS, RECORD_STATUS_LABELS, SIGNUP_STATUS_LABELS, VERIFIED_STATUSES, type IdType, type RecordStatus, type SignUpStatus } from '../../contracts/activities'
import { REGISTRATION_STATUS_LABELS, type RegistrationStatus } from '../../contracts/members'
import { ROLE_LABELS } from '../../contracts/roles'
import { TEAM_TYPE_LABELS, type TeamType } from '../../contracts/teams'
import { TICKET_CATEGORY_LABELS, TICKET_STATUS_LABELS, type TicketCategory, type TicketStatus } from '../../contracts/tickets'
import { MY_DATA_ITEMS, MY_DATA_SECTION_TITLES, type MyData, type MyDataItem, type MyDataSection, type MyDataSectionKey } from '../../contracts/users'
import { WISH_STATUS_LABELS, type WishStatus } from '../../contracts/wishes'
import { hoursOf } from '../activities/model'
import { consentStates } from '../core/consents'
import { db } from '../core/db'
import type { Caller } from '../core/identity'
import { maskMobile } from '../core/mask'
import { findById } from '../core/records'
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

async function namesOf(collection: string, ids: (string | undefined)[], pick: (doc: Doc) => any): Promise<Map<string, any>> {
  const unique = [...new Set(ids.filter((id): id is string => !!id))]
  if (unique.length === 0) return new Map()
  const _ = db().command
  const res = await db().collection(collection).where({ _id: _.in(unique) }).limit(100).get()
  return new Map((res.data as Doc[]).map((d) => [d._id as string, pick(d)]))
}

/**
 * Everything held about the caller (个人信息保护法 第四十五条 查阅): their profile, volunteer record
 * and consents, and per section a total and the newest few documents (the section's own page
 * lists the rest).
 *
 * Round trips: two waves, each in parallel. The first: per section a count and a read of the
 * newest five (10 sections → 20), the volunteer document, the verified hours (one aggregate),
 * the consents, and the profile's community, compound and building (3) — 26 at once. The second:
 * the names the items refer to (communities, activities, teams: ≤ 3 at once). About 40 ms on the cloud.
 */
export async function myData(caller: Caller): Promise<MyData> {
  const openid = caller.openid
  const profile = caller.user?.profile ?? {}
  const _ = db().command
  const [sectionDocs, volunteer, hours, consents, community, grid, building] = await Promise.all([
    Promise.all(
      SECTIONS.map(async (s) => {
        const where = s.holding.where(openid)
        const [count, newest] = await Promise.all([
          db().collection(s.holding.collection).where(where).count(),
          db()
            .collection(s.holding.collection)
            .where(where)
            .orderBy(s.holding.newest ?? '_id', 'desc')
            .limit(MY_DATA_ITEMS)
            .get()
        ])
        return { total: count.total, docs: newest.data as Doc[] }
      })
    ),
    findById<Doc>('volunteers', openid),
    db()
      .collection('serviceRecords')
      .aggregate()
      // As 我的服务时长 counts them: verified, and not by the volunteer themself.
      .match({ openid, status: _.in([...VERIFIED_STATUSES]), verifiedBy: _.neq(openid) })
      .group({ _id: null, minutes: _.aggregate.sum('$verifiedMinutes'), records: _.aggregate.sum(1) })
      .end(),
    consentStates(openid),
    profile.communityId ? findById<Doc>('communities', profile.communityId) : null,
    profile.gridId ? findById<Doc>('grids', profile.gridId) : null,
    profile.buildingId ? findById<Doc>('buildings', profile.buildingId) : null
  ])

  const docsOf = (key: MyDataSectionKey) => sectionDocs[SECTIONS.findIndex((s) => s.key === key)].docs
  const [communities, activities, teams] = await Promise.all([
    namesOf('communities', docsOf('registrations').map((r) => r.communityId), (d) => d.name),
    namesOf('activities', docsOf('signUps').map((s) => s.activityId), (d) => d.title),
    namesOf('teams', docsOf('teams').map((m) => m.teamId), (d) => ({ name: d.name, type: d.type }))
  ])
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
