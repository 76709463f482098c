import { REGISTER_PAGE, type CommunityCode } from '../../contracts/members'
import { clock } from '../core/clock'
import { db } from '../core/db'
import { requireCommunityStaff } from '../core/guard'
import type { Caller } from '../core/identity'
import { notFound } from '../core/errors'
import { readTogether } from '../core/together'
import { platform } from '../platform'
import { ensureCommunityCode, type CommunityCodeRecord } from './codes'

interface CommunityDoc {
  _id: string
  name: string
}

/**
 * The community's registration code image and scene, for the 报到管理 poster. On WeChat a
 * mini-program code (wxacode.getUnlimited) stored in cloud storage and reused afterwards; on the
 * emulator a QR PNG that opens the same page of the H5 app, regenerated each time (cheap, and the
 * emulator's public URL may have changed since the last run).
 */
export async function communityCode(input: { communityId: string }, caller: Caller): Promise<CommunityCode> {
  requireCommunityStaff(caller, input.communityId)
  // The community and its code in one combined read (server/core/together.ts).
  const found = await readTogether({
    community: { collection: 'communities', build: (p) => p.match({ _id: input.communityId }).limit(1).project({ name: true }) },
    code: { collection: 'communityCodes', build: (p) => p.match({ communityId: input.communityId }).limit(1) }
  })
  const community = found.community[0] as CommunityDoc | undefined
  if (!community) throw notFound('社区')
  const code = await ensureCommunityCode(community._id, caller.openid, (found.code[0] as CommunityCodeRecord | undefined) ?? null)
  const p = platform()
  let fileID = code.fileID
  let url: string
  if (p.kind === 'local' || !fileID || !fileID.startsWith('cloud://')) {
    const stored = await p.codes.create({ scene: code._id, page: REGISTER_PAGE, path: `qrcodes/community/${community._id}-${code._id}.png` })
    fileID = stored.fileID
    url = stored.url
    await db().collection('communityCodes').doc(code._id).update({ data: { fileID, updatedAt: clock.date() } })
  } else {
    url = await p.files.url(fileID)
  }
  return {
    communityId: community._id,
    communityName: community.name,
    scene: code._id,
    page: REGISTER_PAGE,
    image: p.kind === 'cloud' ? fileID : url,
    fileID,
    url
  }
}
