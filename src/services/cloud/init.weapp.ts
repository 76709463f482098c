import Taro from '@tarojs/taro'

/**
 * Initialises wx.cloud once at launch. TARO_APP_CLOUD_ENV (inlined at build time, e.g. from
 * .env.production) picks the environment; without it the mini-program's default environment is used.
 */
export function initCloud(): void {
  const env = process.env.TARO_APP_CLOUD_ENV
  Taro.cloud.init(env ? { env, traceUser: true } : { traceUser: true })
}
