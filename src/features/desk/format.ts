import type { ReplyError } from '@contracts/envelope'

/** What a person reads when their desk sign-in has ended (revoked, expired, signed out elsewhere). */
export const SESSION_ENDED_MESSAGE = '登录已失效，请重新扫码登录'

/**
 * The browser and system a user agent names, in words a person recognises ("Chrome 浏览器 · Windows").
 * The UA is what the PC said about itself: shown, never trusted.
 */
export function browserName(ua: string | undefined): string {
  const s = ua ?? ''
  const browser = /Edg\//.test(s)
    ? 'Edge'
    : /MicroMessenger/.test(s)
      ? '微信内置'
      : /QQBrowser/.test(s)
        ? 'QQ'
        : /360SE|360EE/.test(s)
          ? '360'
          : /Firefox\//.test(s)
            ? 'Firefox'
            : /Chrome\/|Chromium\//.test(s)
              ? 'Chrome'
              : /Safari\//.test(s)
                ? 'Safari'
                : ''
  const system = /Windows/.test(s) ? 'Windows' : /Mac OS X|Macintosh/.test(s) ? 'Mac' : /Linux/.test(s) ? 'Linux' : ''
  const parts = [browser ? `${browser} 浏览器` : '未知浏览器', system].filter(Boolean)
  return parts.join(' · ')
}

/** The phone's words for a refusal of deskScan / deskConfirm / deskCancel. */
export function scanErrorText(error: ReplyError): string {
  if (error.code === 'FORBIDDEN') return '仅工作人员可登录管理后台'
  if (error.code === 'CONFLICT' || error.code === 'EXPIRED' || error.code === 'NOT_FOUND') return '二维码已过期或已被使用，请在电脑上刷新二维码后重新扫码'
  return error.message
}
