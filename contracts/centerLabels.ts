/**
 * Centre and booking statuses with their labels, without zod: the 邻里中心 tab (weapp main package)
 * shows them, and the main package carries no zod runtime (issue #15). contracts/centerList.ts
 * re-exports them with its schemas.
 */

export const CENTER_STATUSES = ['planned', 'under_construction', 'built', 'accepted'] as const
export type CenterStatus = (typeof CENTER_STATUSES)[number]
export const CENTER_STATUS_LABELS: Record<CenterStatus, string> = {
  planned: '规划中',
  under_construction: '建设中',
  built: '已建成',
  accepted: '已验收'
}

export const BOOKING_STATUSES = ['pending', 'confirmed', 'checked_in', 'cancelled', 'rejected', 'no_show', 'expired'] as const
export type BookingStatus = (typeof BOOKING_STATUSES)[number]
export const BOOKING_STATUS_LABELS: Record<BookingStatus, string> = {
  pending: '待审核',
  confirmed: '已确认',
  checked_in: '已签到',
  cancelled: '已取消',
  rejected: '未通过',
  no_show: '未签到',
  expired: '已过期'
}
