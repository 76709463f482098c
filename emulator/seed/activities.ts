/**
 * Demo data for 志愿服务: the seed's 71 联系社区工作队 and 24 党员应急突击队 (× scale), spread over the
 * communities with members drawn from each community's in-service party members (the members seed
 * runs first); a year of past activities with verified hours in every category (a few hundred
 * records at scale 1, so the hours pages, the certificates and the ranking have something true to
 * show); one activity in progress in 东风社区 (c1) with people checked in, one that ended yesterday
 * afternoon with records waiting for `demo-staff` to verify (two without check-out, flagged), and
 * upcoming activities open for sign-up (one full, with a waiting list), two district-wide, and a
 * few 邻里活动 (kind "event", no hours).
 *
 * `demo-member` (李明) serves in a liaison team and his community's emergency squad, has verified
 * hours in several categories, one record pending and one upcoming sign-up.
 */
import { createHash } from 'node:crypto'
import { ACTIVITY_CATEGORIES, type ActivityCategory } from '../../contracts/activities'
import type { ActivityDoc, RecordDoc, SignUpDoc, StoredHistory, VolunteerDoc } from '../../server/activities/model'
import { servedMinutes } from '../../server/activities/model'
import { shanghai } from '../../server/core/time'
import type { TeamDoc, TeamMemberDoc } from '../../server/teams/teams'
import { buildDistrict, spread } from './district'
import type { DomainSeed, SeedStore } from './types'
import { dayOf, slotKeyOf } from '../../server/centers/calendar'
import { slotsOverlapping } from '../../server/centers/grid'
import { slotIdOf, type CenterDoc, type RoomDoc, type SlotDoc } from '../../server/centers/model'

const DAY = 86_400_000
const HOUR = 3_600_000

export const SEED_TEAMS = { liaison: 71, emergency: 24 } as const

/** District organs that send 联系社区工作队 (包联单位). */
const UNITS = [
  '区委组织部', '区委宣传部', '区纪委监委', '区人民政府办公室', '区发展和改革委员会', '区教育体育局', '区财政局', '区民政局',
  '区住房和城乡建设局', '区城市管理局', '区市场监督管理局', '区卫生健康委员会', '区人力资源和社会保障局', '区税务局',
  '区应急管理局', '区司法局', '区商务局', '区科技局', '区文化旅游局', '区退役军人事务局', '区总工会', '团区委', '区妇联', '区残联'
]
const ORDINALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十']

const TITLES: Record<ActivityCategory, string[]> = {
  疫情防控: ['疫苗接种引导服务', '小区出入口防疫值守', '防疫知识入户宣传'],
  文明创建: ['楼道杂物清理', '文明城市创建宣传', '小区环境卫生整治', '垃圾分类宣传引导'],
  安全隐患排查: ['消防安全隐患排查', '电动车充电安全检查', '燃气安全入户宣传'],
  信访维稳: ['矛盾纠纷排查化解', '重点时段值班值守', '邻里调解志愿服务'],
  物业管理: ['物业服务满意度走访', '业主大会筹备协助', '小区停车秩序劝导'],
  抢险救灾: ['防汛排涝应急值守', '低洼地段汛期巡查', '雪后道路清扫'],
  邻里互助: ['关爱空巢老人走访', '为高龄老人代购生活物资', '义务理发进社区', '家电义务维修'],
  其他: ['党史学习宣讲', '交通文明劝导', '社区读书角整理']
}
const DESCRIPTIONS: Record<ActivityCategory, string> = {
  疫情防控: '协助社区做好常态化疫情防控，引导居民有序排队、做好个人防护。',
  文明创建: '清理楼道堆放杂物，整治环境卫生，共建整洁有序的文明小区。请穿着方便劳动的衣服。',
  安全隐患排查: '逐栋排查消防通道占用、电动车违规充电、燃气使用等安全隐患，发现问题当场登记。',
  信访维稳: '走访了解居民诉求，协助化解邻里矛盾纠纷，做到小事不出社区。',
  物业管理: '协助社区与物业企业开展服务走访，收集居民对物业服务的意见建议。',
  抢险救灾: '汛期低洼地段巡查值守，协助转移群众、清理积水。服从现场指挥，注意安全。',
  邻里互助: '走访辖区空巢、独居老人，帮助代购物资、打扫卫生、陪伴聊天。',
  其他: '开展党史学习宣讲和文明劝导，欢迎党员和居民踊跃参加。'
}
/** Roughly Hefei (the seed's 0551 numbers); each community a little apart. */
const ORIGIN = { latitude: 31.8206, longitude: 117.2272 }

interface Person {
  openid: string
  name: string
  communityId: string
  mobile?: string
}

/** A small deterministic generator, so the demo is the same on every machine. */
function random(seed: string): () => number {
  let h = createHash('sha256').update(seed).digest().readUInt32LE(0)
  return () => {
    h = (h + 0x6d2b79f5) | 0
    let t = Math.imul(h ^ (h >>> 15), 1 | h)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The members of each community (from the members seed when it ran; a generated roster otherwise). */
function peopleByCommunity(store: Parameters<DomainSeed>[0], communityIds: string[]): Map<string, Person[]> {
  const out = new Map<string, Person[]>(communityIds.map((id) => [id, []]))
  const users = store.find ? store.find('users', { roles: 'member' }) : []
  for (const u of users as { _id: string; profile?: { name?: string; communityId?: string; mobile?: string } }[]) {
    const c = u.profile?.communityId
    if (c && out.has(c) && u.profile?.name) out.get(c)!.push({ openid: u._id, name: u.profile.name, communityId: c, mobile: u.profile.mobile })
  }
  for (const [c, list] of out) {
    list.sort((a, b) => (a.openid === 'demo-member' ? -1 : b.openid === 'demo-member' ? 1 : a.openid.localeCompare(b.openid, 'en', { numeric: true })))
    if (list.length < 40) {
      for (let i = list.length; i < 40; i++) list.push({ openid: `seed-volunteer-${c}-${i + 1}`, name: `志愿者${c.toUpperCase()}-${i + 1}`, communityId: c })
    }
  }
  return out
}

/**
 * A room of `center` for a seeded event of `length` from `start` (moved a day on while the centre
 * is closed then): the first room, in order, whose overlapping grid slots are all free. Its slot
 * documents (state `event`) are written at once; returns the room and the start used.
 */
function centreEventRoom(store: SeedStore, center: CenterDoc, start: number, length: number, activityId: string, title: string, claimed: SlotDoc[]) {
  const rooms = (store.find?.('rooms', { centerId: center._id, active: true }) ?? []) as unknown as RoomDoc[]
  rooms.sort((a, b) => a.order - b.order)
  for (let shift = 0; shift < 7; shift++) {
    const from = start + shift * DAY
    for (const room of rooms) {
      const grid = slotsOverlapping(center.openingHours ?? [], room.slotMinutes, dayOf(from), from, from + length)
      if (grid.length === 0) break // the centre is closed then: try the next day
      const ids = grid.map((g) => slotIdOf(room._id, slotKeyOf(g.start)))
      if ((store.find?.('roomSlots', { _id: { $in: ids } }) ?? []).length) continue
      const slots: SlotDoc[] = grid.map((g, i) => ({ _id: ids[i], roomId: room._id, centerId: center._id, day: dayOf(g.start), start: new Date(g.start), end: new Date(g.end), state: 'event', activityId, title }))
      claimed.push(...slots)
      return { start: from, room: { _id: room._id, name: room.name, slotIds: ids } }
    }
  }
  return undefined
}

export const seedActivities: DomainSeed = async (store, { scale, now }) => {
  const district = buildDistrict(scale)
  const nowMs = now.getTime()
  const rnd = random(`activities:${scale}`)
  const pickOne = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]
  const communities = district.communities
  const people = peopleByCommunity(store, communities.map((c) => c._id))
  const gridsOf = new Map<string, string[]>()
  for (const g of district.grids) gridsOf.set(g.communityId, [...(gridsOf.get(g.communityId) ?? []), g.name])
  const staffOf = (communityId: string) =>
    communityId === 'c1' ? { openid: 'demo-staff', name: '张敏' } : communityId === 'c2' ? { openid: 'demo-staff-2', name: '赵磊' } : { openid: `seed-staff-${communityId}`, name: '社区工作人员' }
  const coordsOf = (communityId: string) => {
    const n = Number(communityId.slice(1))
    return { latitude: +(ORIGIN.latitude + ((n % 5) - 2) * 0.012).toFixed(6), longitude: +(ORIGIN.longitude + (Math.floor(n / 5) % 5) * 0.015 - 0.02).toFixed(6) }
  }

  // ------------------------------------------------------------ teams
  const teams: TeamDoc[] = []
  const teamMembers: TeamMemberDoc[] = []
  const teamsOfCommunity = new Map<string, TeamDoc[]>()
  const liaisonPer = spread(SEED_TEAMS.liaison * scale, communities.length)
  const emergencyPer = spread(SEED_TEAMS.emergency * scale, communities.length)
  const cursor = new Map<string, number>()
  const nextPeople = (communityId: string, count: number): Person[] => {
    const list = people.get(communityId)!
    const start = cursor.get(communityId) ?? 0
    const chosen: Person[] = []
    for (let i = 0; i < count; i++) chosen.push(list[(start + i) % list.length])
    cursor.set(communityId, start + count)
    return chosen
  }
  let teamSeq = 0
  communities.forEach((community, ci) => {
    const staff = staffOf(community._id)
    const made = (type: 'liaison' | 'emergency', index: number) => {
      teamSeq++
      const unit = type === 'liaison' ? UNITS[(ci * 3 + index) % UNITS.length] : undefined
      const name = type === 'liaison' ? `${unit}联系${community.name}工作队` : `${community.name}党员应急突击队${emergencyPer[ci] > 1 ? `第${ORDINALS[index % 10]}分队` : ''}`
      const createdAt = new Date(nowMs - (380 - ((ci * 7 + index) % 30)) * DAY)
      const members = nextPeople(community._id, type === 'liaison' ? 5 + ((ci + index) % 4) : 8 + ((ci + index) % 5))
      if (community._id === 'c1' && index === 0 && !members.some((m) => m.openid === 'demo-member')) members[members.length - 1] = people.get('c1')![0]
      const team: TeamDoc = {
        _id: `tm${String(teamSeq).padStart(4, '0')}`,
        name,
        type,
        communityId: community._id,
        ...(unit ? { unit } : {}),
        description:
          type === 'liaison'
            ? `${unit}在职党员组成，常态化下沉${community.name}，参与文明创建、物业管理和为民服务。`
            : `由${community.name}在职党员组成，平时参与安全隐患排查，急时承担防汛、抢险等应急任务。`,
        status: 'active',
        memberCount: members.length,
        leaderOpenid: members[0].openid,
        leaderName: members[0].name,
        createdBy: staff.openid,
        createdAt,
        updatedAt: createdAt,
        history: [{ at: createdAt, by: staff.openid, byName: staff.name, action: '组建' }]
      }
      teams.push(team)
      teamsOfCommunity.set(community._id, [...(teamsOfCommunity.get(community._id) ?? []), team])
      members.forEach((m, i) =>
        teamMembers.push({
          _id: `${team._id}:${m.openid}`,
          teamId: team._id,
          openid: m.openid,
          name: m.name,
          role: i === 0 ? 'leader' : 'member',
          status: 'active',
          joinedAt: createdAt,
          history: [{ at: createdAt, by: staff.openid, byName: staff.name, action: '加入' }]
        })
      )
    }
    for (let i = 0; i < liaisonPer[ci]; i++) made('liaison', i)
    for (let i = 0; i < emergencyPer[ci]; i++) made('emergency', i)
  })

  // ------------------------------------------------------------ activities, sign-ups, records
  const activities: ActivityDoc[] = []
  const signUps: SignUpDoc[] = []
  const records: RecordDoc[] = []
  const volunteers = new Map<string, Person>()
  /** Room slots the centre events hold (written with the activities). */
  const eventSlots: SlotDoc[] = []
  let activitySeq = 0

  const activity = (
    community: { _id: string; name: string } | null,
    fields: {
      category: ActivityCategory
      start: number
      hours: number
      capacity: number
      kind?: 'volunteer' | 'event'
      title?: string
      teamId?: string
      geofence?: boolean
      audience?: 'all' | 'members'
      center?: { _id: string; name: string }
      /** The centre's room an event takes, and the room slot documents it holds. */
      room?: { _id: string; name: string; slotIds: string[] }
    }
  ): ActivityDoc => {
    activitySeq++
    const communityId = community?._id ?? null
    const staff = community ? staffOf(community._id) : { openid: 'demo-admin', name: '陈主任' }
    const createdAt = new Date(Math.min(fields.start - 7 * DAY, nowMs - HOUR))
    const place =
      fields.kind === 'event'
        ? { name: fields.center ? `${fields.center.name}${fields.room?.name ?? '多功能厅'}` : `${community?.name ?? '区'}党群服务中心多功能厅` }
        : community
          ? { name: `${pickOne(gridsOf.get(community._id) ?? [community.name])}`, address: `${community.name}`, ...(fields.geofence ? { coordinates: coordsOf(community._id), radius: 300 } : {}) }
          : { name: '区政务服务中心广场' }
    const doc: ActivityDoc = {
      _id: `sa${String(activitySeq).padStart(4, '0')}`,
      kind: fields.kind ?? 'volunteer',
      title: fields.title ?? pickOne(TITLES[fields.category]),
      category: fields.category,
      description: DESCRIPTIONS[fields.category],
      communityId,
      ...(fields.teamId ? { teamId: fields.teamId } : {}),
      ...(fields.center ? { centerId: fields.center._id } : {}),
      ...(fields.room ? { roomId: fields.room._id, roomName: fields.room.name, slotIds: fields.room.slotIds } : {}),
      start: new Date(fields.start),
      end: new Date(fields.start + fields.hours * HOUR),
      signUpDeadline: new Date(fields.start - 2 * HOUR),
      place,
      capacity: fields.capacity,
      audience: fields.audience ?? 'all',
      status: 'published',
      confirmedCount: 0,
      placesLeft: fields.capacity,
      waitingCount: 0,
      createdBy: staff.openid,
      createdByName: staff.name,
      createdAt,
      updatedAt: createdAt,
      history: [{ at: createdAt, by: staff.openid, byName: staff.name, action: '发布' }]
    }
    activities.push(doc)
    return doc
  }

  const joined = new Set<string>()
  const hasJoined = (a: ActivityDoc, p: Person) => joined.has(`${a._id}:${p.openid}`)
  const join = (a: ActivityDoc, p: Person, status: 'confirmed' | 'waiting', at: number) => {
    joined.add(`${a._id}:${p.openid}`)
    if (status === 'confirmed') {
      a.confirmedCount++
      a.placesLeft = a.capacity - a.confirmedCount
    } else {
      a.waitingCount++
    }
    signUps.push({
      _id: `${a._id}:${p.openid}`,
      activityId: a._id,
      openid: p.openid,
      name: p.name,
      ...(p.mobile ? { mobile: p.mobile } : {}),
      status,
      walkIn: false,
      signedUpAt: new Date(at),
      updatedAt: new Date(at),
      history: [{ at: new Date(at), by: p.openid, byName: p.name, action: status === 'confirmed' ? '报名' : '候补' }]
    })
  }

  type Outcome = 'approved' | 'adjusted' | 'declined' | 'pending' | 'open' | 'autoClosed'
  const serve = (a: ActivityDoc, p: Person, outcome: Outcome) => {
    const start = +a.start
    const end = +a.end
    const checkIn = start - Math.floor(rnd() * 20) * 60_000
    const early = Math.floor(rnd() * 4) === 0 ? Math.floor(rnd() * 40) * 60_000 : 0
    const checkOut = outcome === 'autoClosed' || outcome === 'open' ? end : end + Math.floor(rnd() * 15) * 60_000 - early
    const minutes = outcome === 'open' ? 0 : servedMinutes(a, checkIn, checkOut)
    const staff = a.communityId ? staffOf(a.communityId) : { openid: 'demo-admin', name: '陈主任' }
    const verifiedAt = end + (1 + Math.floor(rnd() * 3)) * DAY
    const history: StoredHistory[] = [{ at: new Date(checkIn), by: p.openid, byName: p.name, action: '扫码签到' }]
    if (outcome === 'autoClosed') history.push({ at: new Date(end), by: 'system', action: '未签退，按活动结束时间自动签退', minutes })
    else if (outcome !== 'open') history.push({ at: new Date(checkOut), by: p.openid, byName: p.name, action: '扫码签退', minutes })
    let verifiedMinutes = 0
    if (outcome === 'approved') verifiedMinutes = minutes
    if (outcome === 'adjusted') verifiedMinutes = Math.max(30, minutes - 30)
    if (outcome === 'approved' || outcome === 'adjusted' || outcome === 'declined') {
      const note = outcome === 'adjusted' ? '中途离开约半小时，按实际服务时间认定' : outcome === 'declined' ? '签到后未参加服务' : undefined
      history.push({ at: new Date(verifiedAt), by: staff.openid, byName: staff.name, action: { approved: '认定', adjusted: '调整后认定', declined: '不予认定' }[outcome], minutes: verifiedMinutes, ...(note ? { note } : {}) })
    }
    const status = outcome === 'autoClosed' ? 'pending' : outcome
    records.push({
      _id: `${a._id}:${p.openid}`,
      source: 'checkin',
      activityId: a._id,
      openid: p.openid,
      name: p.name,
      communityId: a.communityId,
      ...(a.teamId ? { teamId: a.teamId } : {}),
      category: a.category,
      title: a.title,
      serviceDate: a.start,
      year: shanghai(a.start).year(),
      activityStart: a.start,
      activityEnd: a.end,
      checkInAt: new Date(checkIn),
      ...(outcome !== 'open' ? { checkOutAt: new Date(checkOut), checkOutMethod: 'scan' as const } : {}),
      checkInMethod: 'scan',
      autoClosed: outcome === 'autoClosed',
      makeUp: false,
      status,
      minutes,
      verifiedMinutes,
      ...(status === 'approved' || status === 'adjusted' || status === 'declined'
        ? { verifiedBy: staff.openid, verifiedByName: staff.name, verifiedAt: new Date(verifiedAt) }
        : {}),
      createdAt: new Date(checkIn),
      updatedAt: new Date(outcome === 'open' ? checkIn : checkOut),
      history
    })
    if (status === 'approved' || status === 'adjusted') volunteers.set(p.openid, p)
  }

  const demoMember = people.get('c1')!.find((p) => p.openid === 'demo-member')

  communities.forEach((community, ci) => {
    const crowd = people.get(community._id)!
    const communityTeams = teamsOfCommunity.get(community._id) ?? []
    const base = ci * 17
    // A year of past activities, one category after another.
    const pastCount = 6
    for (let k = 0; k < pastCount; k++) {
      const category = ACTIVITY_CATEGORIES[(ci + k) % ACTIVITY_CATEGORIES.length]
      const daysAgo = 12 + Math.floor(((k + 1) * 330) / pastCount) - (ci % 5)
      const start = shanghai(nowMs - daysAgo * DAY).startOf('day').add(k % 2 === 0 ? 9 : 14, 'hour').valueOf()
      const team = k % 2 === 0 ? communityTeams[k % Math.max(1, communityTeams.length)] : undefined
      const a = activity(community, { category, start, hours: 2 + (k % 3), capacity: 15 + (k % 3) * 5, teamId: team?._id })
      const count = 6 + ((ci + k) % 7)
      for (let i = 0; i < count; i++) {
        const p = crowd[(base + k * 5 + i) % Math.min(crowd.length, 60)]
        if (hasJoined(a, p)) continue
        join(a, p, 'confirmed', +a.start - (3 + i) * DAY)
        const roll = rnd()
        serve(a, p, roll < 0.06 ? 'declined' : roll < 0.16 ? 'adjusted' : 'approved')
      }
    }
    // demo-member's own year in 东风社区.
    if (community._id === 'c1' && demoMember) {
      const mine: [ActivityCategory, number, 'approved' | 'adjusted'][] = [
        ['文明创建', 300, 'approved'],
        ['安全隐患排查', 240, 'approved'],
        ['邻里互助', 150, 'approved'],
        ['物业管理', 75, 'adjusted'],
        ['抢险救灾', 45, 'approved']
      ]
      for (const [category, daysAgo, outcome] of mine) {
        const start = shanghai(nowMs - daysAgo * DAY).startOf('day').add(9, 'hour').valueOf()
        const a = activity(community, { category, start, hours: 3, capacity: 20, teamId: communityTeams[0]?._id })
        join(a, demoMember, 'confirmed', +a.start - 4 * DAY)
        serve(a, demoMember, outcome)
        for (let i = 1; i < 6; i++) {
          const p = crowd[(daysAgo + i * 3) % Math.min(crowd.length, 60)]
          if (p.openid === demoMember.openid || hasJoined(a, p)) continue
          join(a, p, 'confirmed', +a.start - 3 * DAY)
          serve(a, p, 'approved')
        }
      }
    }

    // This morning's activity: ended, records waiting for verification (two forgot to check out).
    if (ci % 7 === 0) {
      const start = shanghai(nowMs).startOf('day').add(-1, 'day').add(14, 'hour').valueOf()
      const a = activity(community, { category: '安全隐患排查', title: '电动车充电安全检查', start, hours: 2, capacity: 12, teamId: communityTeams.find((t) => t.type === 'emergency')?._id })
      const crew = [demoMember, ...crowd.slice(20, 26)].filter((p): p is Person => Boolean(p))
      crew.forEach((p, i) => {
        join(a, p, 'confirmed', start - 2 * DAY - i * 53 * 60_000)
        serve(a, p, i === 2 || i === 5 ? 'autoClosed' : 'pending')
      })
      // Right now: an activity in progress where the organiser shows the check-in code.
      const liveStart = nowMs - 30 * 60_000
      const live = activity(community, { category: '文明创建', title: '楼道杂物清理', start: liveStart, hours: 3, capacity: 30 })
      crowd.slice(30, 38).forEach((p, i) => {
        join(live, p, 'confirmed', liveStart - 2 * DAY - i * 47 * 60_000)
        if (i < 5) serve(live, p, 'open')
      })
    }

    // Upcoming, open for sign-up.
    const upcoming: [ActivityCategory, number, number, boolean][] = [
      ['文明创建', 2, 20, false],
      ['邻里互助', 5, 10, false],
      ['安全隐患排查', 9, 15, true]
    ]
    upcoming.forEach(([category, inDays, capacity, geofence], k) => {
      const start = shanghai(nowMs + inDays * DAY).startOf('day').add(k === 1 ? 14 : 9, 'hour').valueOf()
      const a = activity(community, { category, start, hours: 2 + (k % 2), capacity, geofence, teamId: k === 2 ? communityTeams[0]?._id : undefined })
      const full = k === 1 // one is full, with a waiting list
      const count = full ? capacity + 3 : Math.floor(capacity / 2) - k
      for (let i = 0; i < count; i++) {
        const p = crowd[(base + 40 + k * 11 + i) % crowd.length]
        if (p.openid === 'demo-member' || hasJoined(a, p)) continue
        join(a, p, a.confirmedCount < a.capacity ? 'confirmed' : 'waiting', nowMs - (count - i) * HOUR)
      }
      if (community._id === 'c1' && k === 0 && demoMember) join(a, demoMember, 'confirmed', nowMs - 5 * HOUR)
    })
    // A 邻里活动 (no hours) at the community's party-service centre.
    let eventStart = shanghai(nowMs + (3 + (ci % 4)) * DAY).startOf('day').add(19, 'hour').valueOf()
    // Held at the community's first open 党建+邻里中心 (seeded before the activities), if it has one,
    // in a room of it whose slots are free then: the event claims them as a booking would
    // (server/centers/events.ts), so nobody can book the room at those hours.
    const center = store.find?.('centers', { communityId: community._id, status: { $in: ['built', 'accepted'] } })
      .sort((a, b) => String(a._id).localeCompare(String(b._id)))[0] as CenterDoc | undefined
    const title = ci % 2 ? '物业管理政策宣讲会' : '邻里观影会'
    const held = center ? centreEventRoom(store, center, eventStart, 2 * HOUR, `sa${String(activitySeq + 1).padStart(4, '0')}`, title, eventSlots) : undefined
    if (held) eventStart = held.start
    const event = activity(community, { kind: 'event', category: '其他', title, start: eventStart, hours: 2, capacity: 40, center, room: held?.room })
    crowd.slice(5, 5 + 12 + (ci % 5)).forEach((p, i) => join(event, p, 'confirmed', nowMs - (i + 1) * HOUR))
  })

  // District-wide: one past (verified hours issued by the district), one upcoming, members only.
  for (let block = 0; block < scale; block++) {
    const past = activity(null, { category: '抢险救灾', title: '全区防汛应急演练', start: shanghai(nowMs - 160 * DAY).startOf('day').add(8, 'hour').valueOf(), hours: 4, capacity: 60 })
    communities.slice(block * 7, block * 7 + 7).forEach((c, ci) => {
      people.get(c._id)!.slice(ci === 0 ? 0 : 2, 6).forEach((p) => {
        if (hasJoined(past, p)) return
        join(past, p, 'confirmed', +past.start - 5 * DAY)
        serve(past, p, 'approved')
      })
    })
    activity(null, { category: '其他', title: '全区在职党员“我为群众办实事”集中服务日', start: shanghai(nowMs + 12 * DAY).startOf('day').add(9, 'hour').valueOf(), hours: 3, capacity: 200, audience: 'members' })
  }

  // Volunteers with verified hours get their numbers, in order of their first service.
  const firstService = new Map<string, number>()
  for (const r of records) if ((r.status === 'approved' || r.status === 'adjusted') && !firstService.has(r.openid)) firstService.set(r.openid, +r.serviceDate)
  const ordered = [...volunteers.values()].sort((a, b) => (firstService.get(a.openid) ?? 0) - (firstService.get(b.openid) ?? 0) || a.openid.localeCompare(b.openid))
  const volunteerDocs: VolunteerDoc[] = ordered.map((p, i) => ({
    _id: p.openid,
    volunteerNo: `SFQ${String(i + 1).padStart(6, '0')}`,
    name: p.name,
    communityId: p.communityId,
    // Appearing by name in the ranking is opt-in: about two in three have turned it on (the demo
    // member has not, so the switch can be tried).
    rankingOptIn: p.openid !== 'demo-member' && i % 3 !== 2,
    createdAt: new Date(firstService.get(p.openid) ?? nowMs)
  }))
  const numbers = new Map(volunteerDocs.map((v) => [v._id, v.volunteerNo]))
  for (const m of teamMembers) if (numbers.has(m.openid)) m.volunteerNo = numbers.get(m.openid)

  const plain = <T>(docs: T[]) => docs as unknown as Record<string, unknown>[]
  await store.insertMany('teams', plain(teams))
  await store.insertMany('teamMembers', plain(teamMembers))
  await store.insertMany('activities', plain(activities))
  await store.insertMany('roomSlots', plain(eventSlots))
  await store.insertMany('activitySignups', plain(signUps))
  await store.insertMany('serviceRecords', plain(records))
  await store.insertMany('volunteers', plain(volunteerDocs))
}
