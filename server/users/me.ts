import type { Me } from '../../contracts/users'
import { maskMobile } from '../core/mask'
import type { Caller } from '../core/identity'
import { namesOf, type NameRef } from '../core/names'

/** Round trips: none beyond the caller's own (place names are remembered), one when a name is not. */
export async function me(caller: Caller): Promise<Me> {
  const profile = caller.user?.profile ?? {}
  const companyId = caller.scopes.companyIds[0]
  const refs: NameRef[] = [
    ...(profile.communityId ? [{ collection: 'communities', id: profile.communityId }] : []),
    ...(profile.gridId ? [{ collection: 'grids', id: profile.gridId }] : []),
    ...(profile.buildingId ? [{ collection: 'buildings', id: profile.buildingId }] : []),
    ...(companyId ? [{ collection: 'companies', id: companyId }] : [])
  ]
  const names = await namesOf(refs)
  const nameOf = (collection: string, id: string | undefined) => (id ? (names.get(`${collection}/${id}`) ?? undefined) : undefined)
  const community = { name: nameOf('communities', profile.communityId) }
  const grid = { name: nameOf('grids', profile.gridId) }
  const building = { name: nameOf('buildings', profile.buildingId) }
  const company = { name: nameOf('companies', companyId) }
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
