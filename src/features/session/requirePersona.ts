/**
 * Mini-program (and tests): the WeChat session is the identity, nothing to choose.
 * H5 replaces this with requirePersona.h5.ts (same extension, so Taro's platform lookup wins).
 */
export function useRequirePersona(_redirect?: string): boolean {
  return true
}
