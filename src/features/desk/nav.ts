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
  { key: 'registrations', label: '报到审核', url: desk('registrations'), roles: STAFF },
  { key: 'members', label: '党员名册', url: desk('members'), roles: STAFF },
  { key: 'activities', label: '志愿活动', url: desk('activities'), roles: STAFF },
  { key: 'records', label: '服务时长认定', url: desk('records'), roles: STAFF },
  { key: 'bookings', label: '场地预约', url: desk('bookings'), roles: STAFF },
  { key: 'tickets', label: '问题反映', url: desk('tickets'), roles: [...STAFF, 'property_staff', 'committee'] },
  { key: 'notices', label: '通知公告', url: desk('notices'), roles: STAFF },
  { key: 'imports', label: '批量导入', url: desk('imports'), roles: STAFF },
  { key: 'downloads', label: '数据下载', url: desk('downloads'), roles: STAFF },
  { key: 'audit', label: '访问记录', url: desk('audit'), roles: STAFF },
  { key: 'roles', label: '角色管理', url: desk('roles'), roles: ['district_admin'] }
]

export type DeskNavKey = string

/** The entries a person with these roles sees. */
export const navFor = (roles: readonly Role[]): DeskNavItem[] => DESK_NAV.filter((item) => !item.roles || item.roles.some((role) => roles.includes(role)))

export { STAFF as DESK_STAFF_ROLES, desk as deskPageUrl }
