/**
 * 我的住址. Nobody else lets a resident say where they live (members get theirs from the approved
 * 报到 registration), and without it a resident sees district-wide notices only and is left out
 * of read coverage. This writes the three place fields of the caller's own `users` profile —
 * nothing else of it — creating the record for a resident who has none yet. A party member's
 * residence is the one their community approved, so they are refused here.
 */
import type { Residence } from '../../contracts/notices'
import { clock } from '../core/clock'
import { db, isDuplicateKey } from '../core/db'
import { AppError } from '../core/errors'
import { emptyScopes, type Caller } from '../core/identity'
import { readTogether, type Part } from '../core/together'
import type { BuildingDoc, CommunityDoc, GridDoc } from './audience'

export async function setResidence(input: { communityId: string; gridId: string; buildingId: string }, caller: Caller): Promise<Residence> {
  if (caller.roles.includes('member')) throw new AppError('CONFLICT', '党员的住址以报到登记为准，如有变动请重新报到')
  // The three places in one combined read (server/core/together.ts).
  const byId = (collection: string, id: string): Part => ({ collection, build: (p) => p.match({ _id: id }).limit(1) })
  const found = await readTogether({ community: byId('communities', input.communityId), grid: byId('grids', input.gridId), building: byId('buildings', input.buildingId) })
  const community = found.community[0] as CommunityDoc | undefined
  const grid = found.grid[0] as GridDoc | undefined
  const building = found.building[0] as BuildingDoc | undefined
  if (!community) throw new AppError('INVALID_INPUT', '社区不存在', ['communityId'])
  if (!grid || grid.communityId !== community._id) throw new AppError('INVALID_INPUT', '小区不属于该社区', ['gridId'])
  if (!building || building.gridId !== grid._id) throw new AppError('INVALID_INPUT', '楼栋不属于该小区', ['buildingId'])
  const now = clock.date()
  const place = { 'profile.communityId': community._id, 'profile.gridId': grid._id, 'profile.buildingId': building._id, updatedAt: now }
  const users = db().collection('users')
  // Without a record (as the caller was loaded): created, unless a parallel call just did (then updated).
  if (caller.user) await users.where({ _id: caller.openid }).update({ data: place })
  else {
    try {
      await users.add({
        data: {
          _id: caller.openid,
          openid: caller.openid,
          roles: [],
          scopes: emptyScopes(),
          profile: { communityId: community._id, gridId: grid._id, buildingId: building._id },
          createdAt: now,
          updatedAt: now
        }
      })
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
      await users.where({ _id: caller.openid }).update({ data: place })
    }
  }
  return { communityId: community._id, communityName: community.name, gridId: grid._id, gridName: grid.name, buildingId: building._id, buildingName: building.name }
}
