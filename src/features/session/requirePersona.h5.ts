import { useEffect } from 'react'
import Taro from '@tarojs/taro'
import { getDevOpenid } from '@/services/cloud/devOpenid'
import { DEV_LOGIN_URL } from './devSignIn'

/**
 * H5 (emulator): without a chosen dev persona, go to the dev sign-in page, which comes back to
 * `redirect` afterwards. Returns whether a persona is chosen (render nothing meaningful otherwise).
 */
export function useRequirePersona(redirect?: string): boolean {
  const has = Boolean(getDevOpenid())
  useEffect(() => {
    if (has) return
    const query = redirect ? `?redirect=${encodeURIComponent(redirect)}` : ''
    Taro.reLaunch({ url: DEV_LOGIN_URL + query }).catch(() => {})
  }, [has, redirect])
  return has
}
