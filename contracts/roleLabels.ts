/** The roles and their labels, without zod (contracts/roles.ts re-exports them with `roleSchema`). */
export const ROLES = ['resident', 'member', 'staff', 'district_admin', 'property_staff', 'committee'] as const
export type Role = (typeof ROLES)[number]

/** Chinese labels shown to users. */
export const ROLE_LABELS: Record<Role, string> = {
  resident: '居民',
  member: '在职党员',
  staff: '社区工作者',
  district_admin: '区级管理员',
  property_staff: '物业服务企业',
  committee: '业委会成员'
}

/** What a role is scoped to: staff → a community, property_staff → a property company, committee → a grid. */
export interface Scopes {
  communityIds: string[]
  companyIds: string[]
  gridIds: string[]
}
