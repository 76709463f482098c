import { randomBytes } from 'node:crypto'
import { clock } from '../core/clock'
import { db, isDuplicateKey } from '../core/db'

/**
 * A community's registration code: a short random scene (`_id` of `communityCodes`) that stands
 * for the community, because a mini-program code's scene is at most 32 characters and must not
 * carry anything guessable. One code per community (unique index on communityId), created on
 * first request and kept: printed posters stay valid.
 */
export interface CommunityCodeRecord {
  _id: string
  communityId: string
  /** Cloud fileID of the last generated image (reused on WeChat: wxacode calls are rate-limited). */
  fileID?: string
  createdAt: Date
  createdBy: string
  updatedAt?: Date
}

/** No 0/o/1/l/i: the code can be read aloud or typed from a printed poster. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'

function newScene(): string {
  const bytes = randomBytes(8)
  let out = 'r'
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length]
  return out
}


export async function findCodeOfCommunity(communityId: string): Promise<CommunityCodeRecord | null> {
  const res = await db().collection('communityCodes').where({ communityId }).limit(1).get()
  return (res.data[0] as CommunityCodeRecord | undefined) ?? null
}

/** The community's code, created once (two staff asking at the same moment get the same one). */
export async function ensureCommunityCode(communityId: string, actor: string, known?: CommunityCodeRecord | null): Promise<CommunityCodeRecord> {
  if (known) return known
  for (let attempt = 0; attempt < 5; attempt++) {
    // `known === null`: the caller just read that there is none (skip reading again on the first attempt).
    const existing = attempt === 0 && known === null ? null : await findCodeOfCommunity(communityId)
    if (existing) return existing
    const record: CommunityCodeRecord = { _id: newScene(), communityId, createdAt: clock.date(), createdBy: actor }
    try {
      await db().collection('communityCodes').add({ data: record })
      return record
    } catch (error) {
      // Another call created the community's code first (unique communityId), or the random
      // scene collided: read again / draw again.
      if (!isDuplicateKey(error)) throw error
    }
  }
  throw new Error(`could not create a code for ${communityId}`)
}
