/// <reference types="@tarojs/taro" />

declare module '*.png'
declare module '*.gif'
declare module '*.jpg'
declare module '*.jpeg'
declare module '*.svg'
declare module '*.css'
declare module '*.scss'
declare module '*.sass'

declare namespace NodeJS {
  interface ProcessEnv {
    /** The platform being built; inlined by Taro. */
    TARO_ENV: 'weapp' | 'h5' | 'swan' | 'alipay' | 'rn' | 'tt' | 'qq' | 'jd' | 'harmony' | 'jdrn'
    /** Mini-program AppID override (Taro special variable). */
    TARO_APP_ID?: string
    /** WeChat cloud environment id; empty means the mini-program's default environment. */
    TARO_APP_CLOUD_ENV?: string
  }
}
