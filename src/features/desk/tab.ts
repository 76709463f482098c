import type { Role } from '@contracts/roleLabels'
import type { Me } from '@contracts/users'

/**
 * The slice of this feature the 我的 tab page (main package) uses: whether to show 登录设备. No
 * zod and no contract values here (the main package carries no zod runtime), so the roles are
 * spelled out; tests/unit/desk.test.ts holds them equal to DESK_ROLES in contracts/auth.ts.
 */
export const DESK_ROLE_LIST: readonly Role[] = ['staff', 'district_admin', 'property_staff', 'committee']

/** Whether this person may sign in to the back office (a staff-class role). */
export const canUseDesk = (me: Pick<Me, 'roles'> | undefined): boolean => Boolean(me?.roles.some((r) => DESK_ROLE_LIST.includes(r)))
