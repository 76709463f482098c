import { authActions, authTimer } from '../../server/auth'
import { defineFunction } from '../../server/core/function'
import { withTimer } from '../../server/core/timer'

/**
 * 管理后台扫码登录 (docs/back-office.md §3): desk sessions and the CloudBase custom-login ticket,
 * plus the timer trigger declared in config.json: `sweep` (hourly) records what expired.
 */
export const main = withTimer(defineFunction('auth', authActions), authTimer)
