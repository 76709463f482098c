import type { WishCategory, WishStatus } from '../../contracts/wishes'

/** A 微心愿 as stored in `wishes`. */
export interface WishRecord {
  _id: string
  category: WishCategory
  title: string
  description: string | null
  communityId: string
  gridId: string
  buildingId: string | null
  residentOpenid: string
  residentName: string
  residentMobile: string | null
  showName: boolean
  status: WishStatus
  memberOpenid: string | null
  memberName: string | null
  claimedAt: Date | null
  completedAt: Date | null
  minutes: number | null
  completionNote: string | null
  photos: string[]
  confirmedAt: Date | null
  /** Who confirmed: the resident, or community staff on their behalf. */
  confirmedBy: string | null
  rating: number | null
  ratingComment: string | null
  cancelledAt: Date | null
  /** The member's verified service record (volunteer capability), once written. */
  serviceRecordId: string | null
  /** Review by the community's staff before publication (pending → open | rejected). */
  reviewedAt?: Date | null
  reviewedBy?: string | null
  reviewerName?: string | null
  rejectReason?: string | null
  createdAt: Date
  updatedAt: Date
  seq: number
  /**
   * The confirmation's history entry, written with the confirming update itself (issue #15: one
   * write fewer; `wishHistoryOf` shows it). `actorName`: the staff member who confirmed on the
   * resident's behalf; null when the resident did (their name is the wish's `residentName`).
   */
  confirmEntry?: { seq: number; note: string | null; actorName: string | null }
  /**
   * The completion's history entry, written with the completing update (the member at
   * `completedAt`, their `completionNote`): only its number is stored.
   */
  completeEntry?: { seq: number }
}

export interface WishEventRecord {
  _id: string
  wishId: string
  seq: number
  kind: 'created' | 'approved' | 'rejected' | 'claimed' | 'released' | 'completed' | 'confirmed' | 'cancelled'
  at: Date
  actorOpenid: string
  actorName: string
  note: string | null
}

export const wishEventId = (wishId: string, seq: number) => `${wishId}:${String(seq).padStart(4, '0')}`

/**
 * A wish's whole history, in order: its entries in `wishEvents`, and those the wish carries itself
 * since issue #15 — its creation (the poster, `createdAt`: written as the wish, nothing stored), its
 * completion (`completeEntry`) and its confirmation (`confirmEntry`); older wishes have those two
 * as `wishEvents` documents (then those are used). No page shows a wish's history yet: this is how
 * an audit, an export or a future timeline must read it, and how the tests check it is whole.
 */
export function wishHistoryOf(w: WishRecord, stored: WishEventRecord[]): WishEventRecord[] {
  const events = [...stored]
  const carry = (seq: number, entry: Omit<WishEventRecord, '_id' | 'wishId' | 'seq'>) => {
    if (!events.some((e) => e.seq === seq)) events.push({ _id: wishEventId(w._id, seq), wishId: w._id, seq, ...entry })
  }
  carry(1, { kind: 'created', at: w.createdAt, actorOpenid: w.residentOpenid, actorName: w.residentName, note: null })
  const done = w.completeEntry
  if (done)
    carry(done.seq, { kind: 'completed', at: w.completedAt ?? w.updatedAt, actorOpenid: w.memberOpenid ?? '', actorName: w.memberName ?? '居民', note: w.completionNote ?? null })
  const c = w.confirmEntry
  if (c) carry(c.seq, { kind: 'confirmed', at: w.confirmedAt ?? w.updatedAt, actorOpenid: w.confirmedBy ?? w.residentOpenid, actorName: c.actorName ?? w.residentName, note: c.note })
  return events.sort((a, b) => a.seq - b.seq)
}
