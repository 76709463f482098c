import Taro from '@tarojs/taro'
import type { Transport } from './types'

/** Mini-program: the real cloud. The caller's identity is the WeChat session (OPENID), nothing else. */
export const transport: Transport = async (name, data) => {
  const res = await Taro.cloud.callFunction({ name, data })
  return res.result
}
