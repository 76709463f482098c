import { buildDistrict, SEED_FIGURES } from '../../emulator/seed/district'

describe('the demo district', () => {
  it.each([1, 3])('matches the seed document at scale %i', (scale) => {
    const d = buildDistrict(scale)
    expect(d.communities).toHaveLength(7 * scale)
    expect(d.communityCommittees).toHaveLength(7 * scale)
    expect(d.grids).toHaveLength(106 * scale)
    expect(d.branches).toHaveLength(106 * scale)
    expect(d.buildings).toHaveLength(765 * scale)
    expect(d.partyGroups).toHaveLength(765 * scale)
    expect(d.centralHouseholds).toHaveLength(634 * scale)
    expect(d.companies.filter((c) => c.kind === 'professional')).toHaveLength(33 * scale)
    expect(d.companies.filter((c) => c.kind === 'public_interest')).toHaveLength(2 * scale)
    expect(d.companies.reduce((n, c) => n + c.partyMembers, 0)).toBe(49 * scale)
    expect(d.companies.filter((c) => c.hasBranch)).toHaveLength(16 * scale)
    expect(d.companies.filter((c) => c.partyInstructor)).toHaveLength(7 * scale)
    expect(d.ownersCommittees).toHaveLength(28 * scale)
    expect(d.ownersCommittees.reduce((n, c) => n + c.members, 0)).toBe(161 * scale)
    expect(d.ownersCommittees.reduce((n, c) => n + c.partyMembers, 0)).toBe(98 * scale)
    expect(d.selfManagementCommittees).toHaveLength(78 * scale)
  })

  it('has unique ids and consistent links', () => {
    const d = buildDistrict(2)
    const ids = Object.values(d).flatMap((docs) => (docs as { _id: string }[]).map((x) => x._id))
    expect(new Set(ids).size).toBe(ids.length)
    const grids = new Set(d.grids.map((g) => g._id))
    const companies = new Set(d.companies.map((c) => c._id))
    expect(d.buildings.every((b) => grids.has(b.gridId))).toBe(true)
    expect(d.grids.filter((g) => g.companyId).every((g) => companies.has(g.companyId!))).toBe(true)
    expect(d.grids.filter((g) => g.management === 'professional')).toHaveLength(SEED_FIGURES.professionalGrids * 2)
  })

  it('gives every grid exactly one party branch and every building one party group', () => {
    const d = buildDistrict(1)
    expect(new Set(d.branches.map((b) => b.gridId)).size).toBe(106)
    expect(new Set(d.partyGroups.map((p) => p.buildingId)).size).toBe(765)
  })
})
