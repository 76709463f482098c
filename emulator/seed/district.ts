/**
 * The demo district, generated deterministically to match the seed document at scale 1:
 * 7 communities (each with its 大党委), 106 grids (compounds) each with a party branch,
 * 765 buildings each with a party group, 634 central households, 33 property companies with
 * 49 party members, 16 branches and 7 party instructors, 2 public-interest property entities,
 * 28 owners' committees (161 members, 98 of them party members) and 78 self-management committees.
 * Scale N multiplies every count by N.
 *
 * Each community has its own 在职党员报到 target (`registrationTarget`), the district's 4,403 shared
 * out by households (largest remainder), so the communities' targets add up to 4,403 × N.
 */
import { DEFAULT_REGISTRATION_TARGET } from '../../contracts/members'

export const SEED_FIGURES = {
  communities: 7,
  grids: 106,
  buildings: 765,
  centralHouseholds: 634,
  companies: 33,
  companyPartyMembers: 49,
  companyBranches: 16,
  partyInstructors: 7,
  publicInterestEntities: 2,
  ownersCommittees: 28,
  ownersCommitteeMembers: 161,
  ownersCommitteePartyMembers: 98,
  selfManagementCommittees: 78,
  /** Grids managed by a professional company; the rest by the public-interest entities or self-managed. */
  professionalGrids: 46,
  publicInterestGrids: 6
} as const

const COMMUNITY_NAMES = ['东风社区', '红旗社区', '幸福社区', '和平社区', '建设社区', '新华社区', '光明社区']
const COMPOUND_WORDS = ['锦绣', '阳光', '翠苑', '金桥', '春晖', '康乐', '紫荆', '丽景', '枫林', '和园', '文华', '长青', '御景', '福泽', '南湖', '嘉禾']
const COMPOUND_KINDS = ['花园', '小区', '家园', '苑', '公寓', '新村']
const COMPANY_WORDS = ['安居', '锦程', '恒信', '万家', '鑫城', '宜家', '中联', '瑞丰', '诚信', '康泰', '华宇']
const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗'

export interface Community {
  _id: string
  name: string
  district: string
  order: number
  /** 在职党员报到 target set by the district admin (members.setCommunityTargets); absent: 未设目标. */
  registrationTarget?: number
}
export interface CommunityCommittee {
  _id: string
  communityId: string
  name: string
  secretary: string
}
export type GridManagement = 'professional' | 'public_interest' | 'entrusted' | 'self_managed'
export interface Grid {
  _id: string
  communityId: string
  name: string
  address: string
  households: number
  management: GridManagement
  companyId?: string
  order: number
}
export interface Branch {
  _id: string
  gridId: string
  communityId: string
  name: string
  secretary: string
}
export interface Building {
  _id: string
  gridId: string
  communityId: string
  name: string
  units: number
  households: number
  order: number
}
export interface PartyGroup {
  _id: string
  buildingId: string
  gridId: string
  communityId: string
  name: string
  leader: string
}
export interface CentralHousehold {
  _id: string
  buildingId: string
  gridId: string
  communityId: string
  name: string
  room: string
}
export interface Company {
  _id: string
  name: string
  kind: 'professional' | 'public_interest'
  partyMembers: number
  hasBranch: boolean
  partyInstructor?: string
  contact: string
}
export interface OwnersCommittee {
  _id: string
  gridId: string
  communityId: string
  members: number
  partyMembers: number
}
export interface SelfManagementCommittee {
  _id: string
  gridId: string
  communityId: string
  members: number
}

export interface District {
  communities: Community[]
  communityCommittees: CommunityCommittee[]
  grids: Grid[]
  branches: Branch[]
  buildings: Building[]
  partyGroups: PartyGroup[]
  centralHouseholds: CentralHousehold[]
  companies: Company[]
  ownersCommittees: OwnersCommittee[]
  selfManagementCommittees: SelfManagementCommittee[]
}

/** Splits `total` in proportion to `weights` (largest remainder): whole numbers adding up to `total`. */
export function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0)
  if (sum <= 0) return spread(total, weights.length)
  const exact = weights.map((w) => (total * w) / sum)
  const out = exact.map(Math.floor)
  let left = total - out.reduce((a, b) => a + b, 0)
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i)
  for (let k = 0; left > 0; k++, left--) out[order[k % order.length].i]++
  return out
}

/** Splits `total` into `parts` near-equal whole numbers, larger ones first. */
export function spread(total: number, parts: number): number[] {
  const base = Math.floor(total / parts)
  const extra = total - base * parts
  return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0))
}

const person = (n: number) => `${SURNAMES[n % SURNAMES.length]}${['建华', '秀英', '志强', '丽娟', '国庆', '海燕', '卫东', '桂兰'][n % 8]}`

export function buildDistrict(scale = 1): District {
  const F = SEED_FIGURES
  const d: District = {
    communities: [],
    communityCommittees: [],
    grids: [],
    branches: [],
    buildings: [],
    partyGroups: [],
    centralHouseholds: [],
    companies: [],
    ownersCommittees: [],
    selfManagementCommittees: []
  }

  const communityCount = F.communities * scale
  for (let c = 1; c <= communityCount; c++) {
    const base = COMMUNITY_NAMES[(c - 1) % COMMUNITY_NAMES.length]
    const round = Math.floor((c - 1) / COMMUNITY_NAMES.length)
    const name = round === 0 ? base : `${base.replace('社区', '')}${round + 1}社区`
    d.communities.push({ _id: `c${c}`, name, district: '示范区', order: c })
    d.communityCommittees.push({ _id: `cc${c}`, communityId: `c${c}`, name: `${name}"大党委"`, secretary: person(c) })
  }

  // Property companies: the first F.companies are professional, then the public-interest entities.
  for (let k = 0; k < scale; k++) {
    const memberSplit = spread(F.companyPartyMembers, F.companies)
    for (let i = 0; i < F.companies; i++) {
      const n = k * F.companies + i + 1
      d.companies.push({
        _id: `co${n}`,
        name: `${COMPANY_WORDS[i % COMPANY_WORDS.length]}${i >= COMPANY_WORDS.length ? Math.floor(i / COMPANY_WORDS.length) + 1 : ''}物业服务有限公司${scale > 1 ? `（${k + 1}）` : ''}`,
        kind: 'professional',
        partyMembers: memberSplit[i],
        hasBranch: i < F.companyBranches,
        partyInstructor: i < F.partyInstructors ? person(100 + n) : undefined,
        contact: `0551-6${String(100000 + n).slice(-6)}`
      })
    }
    for (let i = 0; i < F.publicInterestEntities; i++) {
      const n = k * F.publicInterestEntities + i + 1
      d.companies.push({ _id: `pi${n}`, name: `社区公益物业服务站${n}`, kind: 'public_interest', partyMembers: 0, hasBranch: false, contact: '' })
    }
  }

  // Grids, spread over communities; buildings spread over grids.
  const gridsPerCommunity = spread(F.grids * scale, communityCount)
  const buildingsPerGrid = spread(F.buildings * scale, F.grids * scale)
  const ocMembers = spread(F.ownersCommitteeMembers * scale, F.ownersCommittees * scale)
  const ocParty = spread(F.ownersCommitteePartyMembers * scale, F.ownersCommittees * scale)
  let gridIndex = 0
  let householdsLeft = F.centralHouseholds * scale
  for (let c = 1; c <= communityCount; c++) {
    for (let g = 1; g <= gridsPerCommunity[c - 1]; g++) {
      const id = `c${c}g${g}`
      // Within each scale block of 106 grids the pattern repeats, so every block matches the seed.
      const block = Math.floor(gridIndex / F.grids)
      const inBlock = gridIndex % F.grids
      let management: GridManagement
      let companyId: string | undefined
      if (inBlock < F.professionalGrids) {
        management = 'professional'
        companyId = `co${block * F.companies + (inBlock % F.companies) + 1}`
      } else if (inBlock < F.professionalGrids + F.publicInterestGrids) {
        management = 'public_interest'
        companyId = `pi${block * F.publicInterestEntities + (inBlock % F.publicInterestEntities) + 1}`
      } else {
        management = inBlock % 2 === 0 ? 'entrusted' : 'self_managed'
      }
      const word = COMPOUND_WORDS[gridIndex % COMPOUND_WORDS.length]
      const kind = COMPOUND_KINDS[Math.floor(gridIndex / COMPOUND_WORDS.length) % COMPOUND_KINDS.length]
      const name = `${word}${kind}${gridIndex >= COMPOUND_WORDS.length * COMPOUND_KINDS.length ? gridIndex + 1 : ''}`
      const buildingCount = buildingsPerGrid[gridIndex]
      let households = 0
      for (let b = 1; b <= buildingCount; b++) {
        const bid = `${id}b${b}`
        const units = 2 + (b % 3)
        const bh = units * 12
        households += bh
        d.buildings.push({ _id: bid, gridId: id, communityId: `c${c}`, name: `${b}号楼`, units, households: bh, order: b })
        d.partyGroups.push({ _id: `pg-${bid}`, buildingId: bid, gridId: id, communityId: `c${c}`, name: `${name}${b}号楼党小组`, leader: person(gridIndex * 10 + b) })
        // Every building but the last of each grid gets a central household, until the seed's count is reached.
        const buildingsLeft = buildingsPerGrid.slice(gridIndex).reduce((a, n) => a + n, 0) - (b - 1)
        if (householdsLeft > 0 && (b < buildingCount || householdsLeft >= buildingsLeft)) {
          d.centralHouseholds.push({ _id: `ch-${bid}`, buildingId: bid, gridId: id, communityId: `c${c}`, name: `${person(gridIndex * 7 + b)}家`, room: `${1 + (b % units)}单元${100 * (1 + (b % 6)) + 1}室` })
          householdsLeft--
        }
      }
      d.grids.push({ _id: id, communityId: `c${c}`, name, address: `${d.communities[c - 1].name}${name}`, households, management, companyId, order: g })
      d.branches.push({ _id: `br-${id}`, gridId: id, communityId: `c${c}`, name: `${name}党支部`, secretary: person(gridIndex + 3) })
      if (inBlock < F.ownersCommittees) {
        const n = block * F.ownersCommittees + inBlock
        d.ownersCommittees.push({ _id: `oc-${id}`, gridId: id, communityId: `c${c}`, members: ocMembers[n], partyMembers: ocParty[n] })
      } else {
        d.selfManagementCommittees.push({ _id: `smc-${id}`, gridId: id, communityId: `c${c}`, members: 5 })
      }
      gridIndex++
    }
  }
  // The district's 报到 target shared out by households.
  const households = d.communities.map((c) => d.grids.filter((g) => g.communityId === c._id).reduce((a, g) => a + g.households, 0))
  apportion(DEFAULT_REGISTRATION_TARGET * scale, households).forEach((target, i) => {
    d.communities[i].registrationTarget = target
  })
  return d
}
