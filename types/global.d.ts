/// <reference types="@tarojs/taro" />

declare module '*.png'
declare module '*.gif'
declare module '*.jpg'
declare module '*.jpeg'
declare module '*.svg'
declare module '*.css'
declare module '*.scss'
declare module '*.sass'

/**
 * Build-time constant (config/index.ts defineConstants): true only in an H5 build for the local
 * cloud emulator (HONGLIN_EMULATOR=1), which signs in by a dev persona's openid (`x-openid`).
 * False in a plain H5 build and in the mini-program. Test it as `if (HONGLIN_DEV_SIGNIN) { … }` so
 * webpack drops the branch, and what only it imports, from the builds where it is false.
 */
declare const HONGLIN_DEV_SIGNIN: boolean

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
