import Taro from '@tarojs/taro'
import { setDevOpenid } from '@/services/cloud/devOpenid'
import { routes } from '@/services/routes'
import { sessionStore } from './store'

/**
 * The H5-only dev sign-in page (registered in app.config.ts only for TARO_ENV h5). Kept out of
 * src/services/routes.ts so the mini-program bundle never mentions it.
 */
export const DEV_LOGIN_URL = '/pages/dev-login/index'

/**
 * H5 dev sign-in (used only by pages/dev-login, which exists only in the H5 build): remember the
 * persona, forget the cached user, and restart the app at `redirect` (default: the home tab).
 */
export function signInAs(openid: string, redirect?: string): void {
  setDevOpenid(openid)
  sessionStore.reset()
  const url = redirect && redirect.startsWith('/') ? redirect : routes.home
  Taro.reLaunch({ url }).catch(() => {})
}
