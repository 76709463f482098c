import type { Role } from '@contracts/roles'
import { DESK_HOME_URL } from './session'

/** A page of the back office's side navigation. */
export interface DeskNavItem {
  key: string
  label: string
  url: string
  /** Shown only to holders of one of these roles (none: every desk role). */
  roles?: readonly Role[]
}

const STAFF: readonly Role[] = ['staff', 'district_admin']
const desk = (page: string) => `/packages/desk/pages/${page}/index`

/**
 * The side navigation, in order: one line per desk page (its page in src/app.config.ts). A page
 * not listed here is still reachable by URL; the functions check every call anyway.
 */
export const DESK_NAV: readonly DeskNavItem[] = [
  { key: 'home', label: '首页', url: DESK_HOME_URL },
  // desk pages (issue #19, parts 2 and 3) add their lines below
]

export type DeskNavKey = string

/** The entries a person with these roles sees. */
export const navFor = (roles: readonly Role[]): DeskNavItem[] => DESK_NAV.filter((item) => !item.roles || item.roles.some((role) => roles.includes(role)))

export { STAFF as DESK_STAFF_ROLES, desk as deskPageUrl }
