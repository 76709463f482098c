import Taro from '@tarojs/taro'
import { setDevOpenid } from '@/services/cloud/devOpenid'
import { routes } from '@/services/routes'
import { sessionStore } from './store'

/**
 * The H5-only sign-in pages (registered in app.config.ts only for TARO_ENV h5), kept out of
 * src/services/routes.ts so the mini-program bundle never mentions them: the persona picker of an
 * emulator build (HONGLIN_DEV_SIGNIN), and otherwise the page asking to open the mini-program in
 * WeChat. Each build registers exactly one of them.
 */
export const DEV_LOGIN_URL = '/pages/dev-login/index'
export const OPEN_IN_WECHAT_URL = '/pages/dev-login/wechat'

/**
 * H5 dev sign-in (used only by pages/dev-login/index, which only emulator builds have): remember the
 * persona, forget the cached user, and restart the app at `redirect` (default: the home tab).
 */
export function signInAs(openid: string, redirect?: string): void {
  setDevOpenid(openid)
  sessionStore.reset()
  const url = redirect && redirect.startsWith('/') ? redirect : routes.home
  Taro.reLaunch({ url }).catch(() => {})
}
