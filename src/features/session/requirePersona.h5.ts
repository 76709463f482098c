import { useEffect } from 'react'
import Taro from '@tarojs/taro'
import { getDevOpenid } from '@/services/cloud/devOpenid'
import { DEV_LOGIN_URL, OPEN_IN_WECHAT_URL } from './devSignIn'

/**
 * H5. Emulator build (HONGLIN_DEV_SIGNIN): without a chosen dev persona, go to the dev sign-in
 * page, which comes back to `redirect` afterwards. Any other H5 build has no sign-in yet (a deployed
 * H5 needs a real one, issue #19): never read a stored openid, send the visitor to the page asking
 * to open the mini-program in WeChat. Returns whether a persona is chosen (render nothing
 * meaningful otherwise).
 */
export function useRequirePersona(redirect?: string): boolean {
  let has = false
  if (HONGLIN_DEV_SIGNIN) {
    has = Boolean(getDevOpenid())
  }
  useEffect(() => {
    if (has) return
    if (HONGLIN_DEV_SIGNIN) {
      const query = redirect ? `?redirect=${encodeURIComponent(redirect)}` : ''
      Taro.reLaunch({ url: DEV_LOGIN_URL + query }).catch(() => {})
    } else {
      Taro.reLaunch({ url: OPEN_IN_WECHAT_URL }).catch(() => {})
    }
  }, [has, redirect])
  return has
}
