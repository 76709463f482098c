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
