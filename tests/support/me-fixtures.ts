import type { Me } from '../../contracts/users'

/** `users.me` as the emulator's seed answers it for each demo persona (for UI tests and mocks). */
export const ME_FIXTURES: Record<string, Me> = {
  'demo-resident': {
    openid: 'demo-resident',
    roles: ['resident'],
    scopes: { communityIds: [], companyIds: [], gridIds: [] },
    profile: { name: '王秀兰', mobileMasked: '139****0001', communityId: 'c1', communityName: '东风社区', gridId: 'c1g1', gridName: '锦绣花园', buildingId: 'c1g1b1', buildingName: '1号楼' }
  },
  'demo-member': {
    openid: 'demo-member',
    roles: ['resident', 'member'],
    scopes: { communityIds: [], companyIds: [], gridIds: [] },
    profile: { name: '李明', mobileMasked: '139****0002', communityId: 'c1', communityName: '东风社区', gridId: 'c1g1', gridName: '锦绣花园', buildingId: 'c1g1b2', buildingName: '2号楼' }
  },
  'demo-staff': {
    openid: 'demo-staff',
    roles: ['resident', 'staff'],
    scopes: { communityIds: ['c1'], companyIds: [], gridIds: [] },
    profile: { name: '张敏', mobileMasked: '139****0003', communityId: 'c1', communityName: '东风社区' }
  },
  'demo-staff-2': {
    openid: 'demo-staff-2',
    roles: ['resident', 'staff'],
    scopes: { communityIds: ['c2'], companyIds: [], gridIds: [] },
    profile: { name: '赵磊', mobileMasked: '139****0004', communityId: 'c2', communityName: '红旗社区' }
  },
  'demo-admin': {
    openid: 'demo-admin',
    roles: ['resident', 'district_admin'],
    scopes: { communityIds: [], companyIds: [], gridIds: [] },
    profile: { name: '陈主任', mobileMasked: '139****0005' }
  },
  'demo-property': {
    openid: 'demo-property',
    roles: ['resident', 'property_staff'],
    scopes: { communityIds: [], companyIds: ['co1'], gridIds: [] },
    profile: { name: '孙经理', mobileMasked: '139****0006', companyName: '安居物业' }
  },
  'demo-committee': {
    openid: 'demo-committee',
    roles: ['resident', 'committee'],
    scopes: { communityIds: [], companyIds: [], gridIds: ['c1g1'] },
    profile: { name: '周委员', mobileMasked: '139****0007', communityId: 'c1', communityName: '东风社区', gridId: 'c1g1', gridName: '锦绣花园' }
  }
}
