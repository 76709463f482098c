// The phone side (mini-program and H5): sign a PC in by scan, 登录设备.
export { authApi } from './api'
export { browserName, scanErrorText, SESSION_ENDED_MESSAGE } from './format'
export { DESK_ROLE_LIST, canUseDesk } from './tab'
// The PC side (H5 only). Platform module: Taro resolves `./web` to `./web.weapp.ts` (empty) in the
// mini-program and to `./web.ts` in H5.
export * from './web'
