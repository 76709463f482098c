/**
 * The PC back office (H5 only): its pages, layout, sign-in and session. Taro's platform lookup
 * gives the mini-program `web.weapp.ts`, which exports nothing, so the weapp build (whose phone
 * pages import this feature's index) never carries the desk's code, nor js-sdk.
 */
export { DeskLayout, NarrowNotice, useDeskGate } from './DeskLayout'
export { useDeskSignIn, MAX_QR_REFRESHES, type SignInView } from './useDeskSignIn'
export { useWideScreen, DESK_MIN_WIDTH, NARROW_MESSAGE } from './useWideScreen'
export { deskSession, deskTransport, DESK_SIGNIN_URL, DESK_HOME_URL, DESK_ENDED_QUERY, DESK_STATE_KEY, type DeskState } from './session'
export { deskCloud, type DeskCloud } from './cloud'
export { DataTable, PAGE_SIZES, type Column, type DataTableProps, type SortOrder, type SortState } from './DataTable'
export { BatchBar } from './BatchBar'
export { ImportWizard, readAsBase64, type ImportKindOption, type ImportInputShape } from './ImportWizard'
export { runBatch } from './batch'
export { DESK_NAV, navFor, deskPageUrl, DESK_STAFF_ROLES, type DeskNavItem, type DeskNavKey } from './nav'
