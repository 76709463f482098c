import type { Me } from '../../contracts/users'
import { maskMobile } from '../core/mask'
import { findById } from '../core/records'
import type { Caller } from '../core/identity'

interface Named {
  name: string
}

export async function me(caller: Caller): Promise<Me> {
  const profile = caller.user?.profile ?? {}
  const [community, grid, building, company] = await Promise.all([
    profile.communityId ? findById<Named>('communities', profile.communityId) : null,
    profile.gridId ? findById<Named>('grids', profile.gridId) : null,
    profile.buildingId ? findById<Named>('buildings', profile.buildingId) : null,
    caller.scopes.companyIds[0] ? findById<Named>('companies', caller.scopes.companyIds[0]) : null
  ])
  return {
    openid: caller.openid,
    roles: caller.roles,
    scopes: caller.scopes,
    profile: {
      name: profile.name,
      mobileMasked: maskMobile(profile.mobile),
      communityId: profile.communityId,
      communityName: community?.name,
      gridId: profile.gridId,
      gridName: grid?.name,
      buildingId: profile.buildingId,
      buildingName: building?.name,
      companyName: company?.name
    }
  }
}
