import { canManageCommunity, checkAccess, managedCommunities, requireCommunityStaff, requireCompanyStaff, requireGridCommittee } from '../../server/core/guard'
import { AppError } from '../../server/core/errors'
import type { Caller } from '../../server/core/identity'
import type { Role } from '../../contracts/roles'

const caller = (roles: Role[], scopes: Partial<Caller['scopes']> = {}): Caller => ({
  openid: 'x',
  roles: ['resident', ...roles],
  scopes: { communityIds: [], companyIds: [], gridIds: [], ...scopes },
  user: null
})

const codeOf = (fn: () => void) => {
  try {
    fn()
    return 'passed'
  } catch (error) {
    return (error as AppError).code
  }
}

describe('checkAccess', () => {
  it('lets anyone through a public action, even without an openid', () => {
    expect(codeOf(() => checkAccess(null, 'public'))).toBe('passed')
  })
  it('refuses a signed-in action without an openid', () => {
    expect(codeOf(() => checkAccess(null, 'signedIn'))).toBe('UNAUTHENTICATED')
    expect(codeOf(() => checkAccess(null, ['staff']))).toBe('UNAUTHENTICATED')
  })
  it('treats every openid as a resident', () => {
    expect(codeOf(() => checkAccess(caller([]), 'signedIn'))).toBe('passed')
    expect(codeOf(() => checkAccess(caller([]), ['resident']))).toBe('passed')
  })
  it('requires one of the listed roles', () => {
    expect(codeOf(() => checkAccess(caller(['member']), ['staff', 'district_admin']))).toBe('FORBIDDEN')
    expect(codeOf(() => checkAccess(caller(['district_admin']), ['staff', 'district_admin']))).toBe('passed')
  })
})

describe('community scope', () => {
  const staffC1 = caller(['staff'], { communityIds: ['c1'] })
  it('lets staff manage their own community only', () => {
    expect(canManageCommunity(staffC1, 'c1')).toBe(true)
    expect(canManageCommunity(staffC1, 'c2')).toBe(false)
    expect(codeOf(() => requireCommunityStaff(staffC1, 'c2'))).toBe('FORBIDDEN')
  })
  it('lets the district admin manage every community', () => {
    expect(canManageCommunity(caller(['district_admin']), 'c7')).toBe(true)
    expect(managedCommunities(caller(['district_admin']))).toBeNull()
  })
  it('does not let a scope without the role count', () => {
    const notStaff = caller(['member'], { communityIds: ['c1'] })
    expect(canManageCommunity(notStaff, 'c1')).toBe(false)
    expect(managedCommunities(notStaff)).toEqual([])
  })
  it('lists the communities staff manage', () => {
    expect(managedCommunities(staffC1)).toEqual(['c1'])
  })
})

describe('company and grid scope', () => {
  it('requires property staff of that company', () => {
    const property = caller(['property_staff'], { companyIds: ['co1'] })
    expect(codeOf(() => requireCompanyStaff(property, 'co1'))).toBe('passed')
    expect(codeOf(() => requireCompanyStaff(property, 'co2'))).toBe('FORBIDDEN')
    expect(codeOf(() => requireCompanyStaff(caller(['staff'], { companyIds: ['co1'] }), 'co1'))).toBe('FORBIDDEN')
  })
  it('requires a committee member of that grid', () => {
    const committee = caller(['committee'], { gridIds: ['c1g1'] })
    expect(codeOf(() => requireGridCommittee(committee, 'c1g1'))).toBe('passed')
    expect(codeOf(() => requireGridCommittee(committee, 'c1g2'))).toBe('FORBIDDEN')
  })
})
