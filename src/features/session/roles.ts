import { ROLE_LABELS, type Role } from '@contracts/roleLabels'
import type { Me } from '@contracts/users'

export const hasRole = (me: Pick<Me, 'roles'> | undefined, role: Role): boolean => Boolean(me?.roles.includes(role))

/** Chinese role labels; "居民" alone only when the user has no other role. */
export function roleLabels(me: Pick<Me, 'roles'>): string[] {
  const others = me.roles.filter((r) => r !== 'resident')
  return (others.length ? others : (['resident'] as Role[])).map((r) => ROLE_LABELS[r])
}

/** Where the user lives (or works, for staff), e.g. "东风社区 · 锦绣花园 · 1号楼" (empty when unknown). */
export function addressLine(me: Pick<Me, 'profile'>): string {
  const { communityName, gridName, buildingName } = me.profile
  return [communityName, gridName, buildingName].filter(Boolean).join(' · ')
}

/** Human-readable scopes, using names from the profile where they are known. */
export function scopeLines(me: Pick<Me, 'scopes' | 'profile'>): string[] {
  const { scopes, profile } = me
  const name = (id: string, knownId: string | undefined, knownName: string | undefined) =>
    id === knownId && knownName ? knownName : id
  const lines: string[] = []
  if (scopes.communityIds.length) {
    lines.push(`负责社区：${scopes.communityIds.map((id) => name(id, profile.communityId, profile.communityName)).join('、')}`)
  }
  if (scopes.companyIds.length) {
    lines.push(`所属企业：${scopes.companyIds.map((id, i) => (i === 0 && profile.companyName ? profile.companyName : id)).join('、')}`)
  }
  if (scopes.gridIds.length) {
    lines.push(`负责小区：${scopes.gridIds.map((id) => name(id, profile.gridId, profile.gridName)).join('、')}`)
  }
  return lines
}
