import { PRIVACY_POLICY_VERSION } from '../../contracts/privacy'
import type { UserRecord } from '../../server/core/identity'

/**
 * The demo personas with fixed openids. The H5 dev sign-in page lists the same openids
 * (src/features/session/personas.ts); the first community is c1 (东风社区), the second c2.
 */
export function buildPersonas(now: Date): UserRecord[] {
  const user = (openid: string, roles: UserRecord['roles'], scopes: Partial<UserRecord['scopes']>, profile: UserRecord['profile']): UserRecord => ({
    _id: openid,
    openid,
    roles,
    scopes: { communityIds: [], companyIds: [], gridIds: [], ...scopes },
    profile,
    createdAt: now,
    updatedAt: now
  })
  return [
    // A registered volunteer (志愿者实名登记, with the consent in VOLUNTEER_CONSENTS): she signs up
    // like a member. Everyone else without the member role (staff, the committee member, any new
    // openid) is asked to register first (server/activities/volunteerRegistration.ts).
    { ...user('demo-resident', [], {}, { name: '王秀兰', mobile: '13900000001', communityId: 'c1', gridId: 'c1g1', buildingId: 'c1g1b1' }), volunteerSince: now, volunteerMobile: '13900000001' },
    user('demo-member', ['member'], {}, { name: '李明', mobile: '13900000002', communityId: 'c1', gridId: 'c1g1', buildingId: 'c1g1b2' }),
    user('demo-staff', ['staff'], { communityIds: ['c1'] }, { name: '张敏', mobile: '13900000003', communityId: 'c1' }),
    user('demo-staff-2', ['staff'], { communityIds: ['c2'] }, { name: '赵磊', mobile: '13900000004', communityId: 'c2' }),
    user('demo-admin', ['district_admin'], {}, { name: '陈主任', mobile: '13900000005' }),
    user('demo-property', ['property_staff'], { companyIds: ['co1'] }, { name: '孙经理', mobile: '13900000006' }),
    user('demo-committee', ['committee'], { gridIds: ['c1g1'] }, { name: '周委员', mobile: '13900000007', communityId: 'c1', gridId: 'c1g1' })
  ]
}

/** The consent records of the personas registered as volunteers (collection `consents`, server/core/consents.ts). */
export function buildVolunteerConsents(now: Date): Record<string, unknown>[] {
  return [
    {
      _id: `demo-resident:volunteer:${now.getTime()}:seed`,
      openid: 'demo-resident',
      purpose: 'volunteer',
      event: 'given',
      policyVersion: PRIVACY_POLICY_VERSION,
      at: now,
      source: 'activities.joinVolunteers'
    }
  ]
}

/** What `npm start` prints about the personas. */
export const PERSONA_LINES = [
  'demo-resident   居民 王秀兰（东风社区 锦绣花园 1号楼，已做志愿者实名登记）',
  'demo-member     在职党员 李明（东风社区 锦绣花园 2号楼）',
  'demo-staff      社区工作者 张敏（东风社区）',
  'demo-staff-2    社区工作者 赵磊（红旗社区）',
  'demo-admin      区级管理员 陈主任',
  'demo-property   物业服务企业 孙经理（安居物业，服务锦绣花园）',
  'demo-committee  业委会成员 周委员（锦绣花园）'
]
