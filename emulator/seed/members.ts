/**
 * Demo data for 在职党员报到: at scale 1 the district's figure is true — 4,403 in-service party
 * members registered at their residence communities, spread over the buildings of the district,
 * nearly all approved and placed in branch / party group / central household. In 东风社区 (c1)
 * a handful wait for `demo-staff` to review (one a transfer from 红旗社区), and two were rejected
 * earlier. `demo-member` (李明, c1g1b2) is one of the approved. Scale N: N× everything, the pending
 * ones in the first community of every block of seven.
 *
 * Also: one registration code per community (`communityCodes`, deterministic scenes so the demo's
 * links are stable), the `member` role for every approved registrant in `users`, and the district
 * target (4,403 × N) in `settings`.
 */
import { createHash } from 'node:crypto'
import { DEFAULT_REGISTRATION_TARGET, SERVICE_KINDS, SKILL_OPTIONS, type ServiceKind } from '../../contracts/members'
import type { HistoryRecord, RegistrationRecord } from '../../server/members/model'
import { slotFor } from '../../server/members/model'
import { buildDistrict, spread, type Building, type CentralHousehold } from './district'
import { seedConsents } from './consents'
import type { DomainSeed } from './types'

const DAY = 86_400_000
const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文'
const GIVEN = ['建国', '志刚', '丽华', '晓燕', '海峰', '文杰', '红梅', '伟', '静', '磊', '敏', '军', '婷', '涛', '芳', '勇', '艳', '强', '娟', '斌', '玉兰', '国强', '春燕', '立新', '卫华', '振华', '秀梅', '宏伟', '晓东', '雪梅', '俊杰', '明辉', '桂芳', '永红', '子涵', '浩然', '思远', '欣怡', '嘉伟', '雨萱']
const WORK_UNITS: [string, string][] = [
  ['区人民政府办公室', '区政府办机关党支部'],
  ['区教育体育局', '区教体局机关党委'],
  ['区实验小学', '区实验小学党支部'],
  ['市第一中学', '市一中党委'],
  ['市第一人民医院', '市一院党委第三党支部'],
  ['区中医院', '区中医院党总支'],
  ['区税务局', '区税务局机关党委'],
  ['区市场监督管理局', '区市场监管局机关党支部'],
  ['国网供电公司城区分公司', '城区供电分公司党委'],
  ['市自来水公司', '市水务集团党委'],
  ['中国建设银行城南支行', '建行城南支行党支部'],
  ['中国工商银行东城支行', '工行东城支行党支部'],
  ['市公安局城区分局', '城区公安分局机关党委'],
  ['区人民法院', '区法院机关党委'],
  ['市交通运输局', '市交通运输局机关党委'],
  ['市城市建设投资集团', '市城投集团党委'],
  ['区住房和城乡建设局', '区住建局机关党支部'],
  ['市邮政分公司', '市邮政分公司党委'],
  ['中国移动城区分公司', '移动城区分公司党支部'],
  ['市第二人民医院', '市二院党委'],
  ['区民政局', '区民政局机关党支部'],
  ['区财政局', '区财政局机关党支部'],
  ['市电视台', '市广播电视台党委'],
  ['区科技局', '区科技局机关党支部']
]
const STAFF_OF: Record<number, { openid: string; name: string }> = {
  1: { openid: 'demo-staff', name: '张敏' },
  2: { openid: 'demo-staff-2', name: '赵磊' }
}

/** A stable, readable scene per community (the live function draws random ones). */
export function seedSceneFor(communityId: string): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789'
  const hash = createHash('sha256').update(`honglin-seed:${communityId}`).digest()
  let out = 'r'
  for (let i = 0; i < 8; i++) out += alphabet[hash[i] % alphabet.length]
  return out
}

const nameOf = (n: number) => `${SURNAMES[(n * 7) % SURNAMES.length]}${GIVEN[(n * 13 + Math.floor(n / 97)) % GIVEN.length]}`
const mobileOf = (n: number) => `137${String(n).padStart(8, '0')}`
const pick = <T>(list: readonly T[], n: number, count: number): T[] => {
  const out: T[] = []
  for (let i = 0; i < count; i++) {
    const item = list[(n * 5 + i * 3) % list.length]
    if (!out.includes(item)) out.push(item)
  }
  return out
}

export const seedMembers: DomainSeed = async (store, { scale, now }) => {
  const district = buildDistrict(scale)
  const nowMs = now.getTime()
  const communityNumber = (id: string) => Number(id.slice(1))
  const households = new Map<string, CentralHousehold>(district.centralHouseholds.map((h) => [h.buildingId, h]))
  const buildingsOfGrid = new Map<string, Building[]>()
  for (const b of district.buildings) buildingsOfGrid.set(b.gridId, [...(buildingsOfGrid.get(b.gridId) ?? []), b])
  /** The building's own central household, or the one in the grid's nearest building. */
  const householdFor = (b: Building): string | undefined => {
    const own = households.get(b._id)
    if (own) return own._id
    const candidates = (buildingsOfGrid.get(b.gridId) ?? []).filter((x) => households.has(x._id))
    candidates.sort((x, y) => Math.abs(x.order - b.order) - Math.abs(y.order - b.order))
    return candidates[0] ? households.get(candidates[0]._id)!._id : undefined
  }

  await store.insertMany(
    'communityCodes',
    district.communities.map((c) => ({ _id: seedSceneFor(c._id), communityId: c._id, createdAt: new Date(nowMs - 400 * DAY), createdBy: 'seed' }))
  )
  await store.insertMany('settings', [{ _id: 'registration', target: DEFAULT_REGISTRATION_TARGET * scale, updatedAt: new Date(nowMs - 400 * DAY), updatedBy: 'seed' }])

  const people = DEFAULT_REGISTRATION_TARGET * scale
  const perBuilding = spread(people, district.buildings.length)
  const records: RegistrationRecord[] = []
  let n = 0
  let demoMemberPlaced = false
  district.buildings.forEach((b, bi) => {
    for (let k = 0; k < perBuilding[bi]; k++) {
      n++
      const isDemo = !demoMemberPlaced && b._id === 'c1g1b2'
      if (isDemo) demoMemberPlaced = true
      const openid = isDemo ? 'demo-member' : `seed-member-${n}`
      const [workUnit, partyOrg] = WORK_UNITS[(n * 11) % WORK_UNITS.length]
      const submittedAt = new Date(nowMs - (30 + ((n * 37) % 400)) * DAY - ((n * 7919) % DAY))
      const reviewedAt = new Date(submittedAt.getTime() + (1 + (n % 3)) * DAY)
      const staff = STAFF_OF[communityNumber(b.communityId)] ?? { openid: `seed-staff-${b.communityId}`, name: '社区工作人员' }
      const name = isDemo ? '李明' : nameOf(n)
      const history: HistoryRecord[] = [
        { at: submittedAt, event: 'submitted', actor: openid, actorName: name },
        { at: reviewedAt, event: 'approved', actor: staff.openid, actorName: staff.name }
      ]
      const centralHouseholdId = householdFor(b)
      const id = `seedreg${n}`
      records.push({
        _id: id,
        openid,
        slot: slotFor('approved', openid, id),
        status: 'approved',
        scene: seedSceneFor(b.communityId),
        communityId: b.communityId,
        gridId: b.gridId,
        buildingId: b._id,
        unit: String(1 + (n % b.units)),
        room: `${1 + (n % 18)}0${1 + (n % 2)}`,
        name,
        mobile: isDemo ? '13900000002' : mobileOf(n),
        workUnit: isDemo ? '区发展和改革委员会' : workUnit,
        partyOrg: isDemo ? '区发改委机关第二党支部' : partyOrg,
        skills: isDemo ? ['电脑手机', '摄影摄像'] : pick(SKILL_OPTIONS, n, n % 3),
        services: isDemo ? ['policy', 'elderly'] : (pick(SERVICE_KINDS, n, 1 + (n % 3)) as ServiceKind[]),
        consentAt: submittedAt,
        submittedAt,
        updatedAt: reviewedAt,
        reviewedAt,
        reviewedBy: staff.openid,
        reviewerName: staff.name,
        isTransfer: false,
        placement: { branchId: `br-${b.gridId}`, partyGroupId: `pg-${b._id}`, ...(centralHouseholdId ? { centralHouseholdId } : {}) },
        history
      })
    }
  })

  // Per block of seven communities: five newcomers in the first one wait for review (submitted in
  // the last three days), one member of the second one asks to transfer in, two were rejected.
  const extra: RegistrationRecord[] = []
  for (let block = 0; block < scale; block++) {
    const first = `c${block * 7 + 1}`
    const second = `c${block * 7 + 2}`
    const inFirst = records.filter((r) => r.communityId === first && r.openid !== 'demo-member')
    const step = Math.max(1, Math.floor(inFirst.length / 5))
    for (let i = 0; i < 5; i++) {
      const r = inFirst[i * step + Math.floor(step / 2)]
      const submittedAt = new Date(nowMs - (i * 13 + 2) * 3_600_000)
      Object.assign(r, {
        status: 'pending',
        slot: slotFor('pending', r.openid, r._id),
        submittedAt,
        consentAt: submittedAt,
        updatedAt: submittedAt,
        history: [r.history[0]].map((h) => ({ ...h, at: submittedAt }))
      })
      delete r.reviewedAt
      delete r.reviewedBy
      delete r.reviewerName
      delete r.placement
    }
    const mover = records.find((r) => r.communityId === second)!
    const target = inFirst[inFirst.length - 1]
    const movedAt = new Date(nowMs - 20 * 3_600_000)
    extra.push({
      ...mover,
      _id: `seedreg-transfer-${block + 1}`,
      slot: slotFor('pending', mover.openid, ''),
      status: 'pending',
      scene: seedSceneFor(first),
      communityId: first,
      gridId: target.gridId,
      buildingId: target.buildingId,
      unit: '1',
      room: '602',
      isTransfer: true,
      transferFrom: mover._id,
      transferFromCommunityId: second,
      submittedAt: movedAt,
      consentAt: movedAt,
      updatedAt: movedAt,
      reviewedAt: undefined,
      reviewedBy: undefined,
      reviewerName: undefined,
      placement: undefined,
      history: [{ at: movedAt, event: 'submitted', actor: mover.openid, actorName: mover.name, note: '搬家至新居住地，申请转入' }]
    })
    const reasons = ['住址不在本社区辖区，请到实际居住地社区报到', '所在党组织填写不完整，请补充后重新提交']
    reasons.forEach((reason, i) => {
      const m = people + block * 10 + i + 1
      const building = district.buildings.find((b) => b.communityId === first && b.order === 3 + i) ?? district.buildings[0]
      const submittedAt = new Date(nowMs - (12 + i * 5) * DAY)
      const reviewedAt = new Date(submittedAt.getTime() + DAY)
      const id = `seedreg-rejected-${block + 1}-${i + 1}`
      const [workUnit] = WORK_UNITS[(m * 11) % WORK_UNITS.length]
      extra.push({
        _id: id,
        openid: `seed-applicant-${m}`,
        slot: slotFor('rejected', `seed-applicant-${m}`, id),
        status: 'rejected',
        scene: seedSceneFor(first),
        communityId: first,
        gridId: building.gridId,
        buildingId: building._id,
        unit: '2',
        room: `${3 + i}01`,
        name: nameOf(m),
        mobile: mobileOf(m),
        workUnit,
        partyOrg: i === 1 ? '党支部' : `${workUnit}党支部`,
        skills: [],
        services: ['patrol'],
        consentAt: submittedAt,
        submittedAt,
        updatedAt: reviewedAt,
        reviewedAt,
        reviewedBy: STAFF_OF[1].openid,
        reviewerName: STAFF_OF[1].name,
        rejectReason: reason,
        isTransfer: false,
        history: [
          { at: submittedAt, event: 'submitted', actor: `seed-applicant-${m}`, actorName: nameOf(m) },
          { at: reviewedAt, event: 'rejected', actor: STAFF_OF[1].openid, actorName: STAFF_OF[1].name, note: reason }
        ]
      })
    })
  }
  const all = [...records, ...extra].map(stripUndefined)
  await store.insertMany('registrations', all as unknown as Record<string, unknown>[])
  // Every registration was submitted with the registration consent (consentAt).
  await store.insertMany('consents', seedConsents('registration', 'registrations', now, all.map((r) => ({ openid: r.openid as string, at: r.consentAt as Date }))))

  // Every approved registrant holds the member role (demo-member is already a persona).
  const users = records
    .filter((r) => r.status === 'approved' && r.openid !== 'demo-member')
    .map((r) => ({
      _id: r.openid,
      openid: r.openid,
      roles: ['member'],
      scopes: { communityIds: [], companyIds: [], gridIds: [] },
      profile: { name: r.name, mobile: r.mobile, communityId: r.communityId, gridId: r.gridId, buildingId: r.buildingId },
      createdAt: r.reviewedAt,
      updatedAt: r.reviewedAt
    }))
  await store.insertMany('users', users)
}

function stripUndefined<T extends object>(doc: T): T {
  for (const key of Object.keys(doc) as (keyof T)[]) if (doc[key] === undefined) delete doc[key]
  return doc
}
