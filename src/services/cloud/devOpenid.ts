/**
 * The dev persona's openid on H5 (emulator builds only: read and written only under
 * HONGLIN_DEV_SIGNIN, see config/index.ts; the mini-program never imports this module).
 * Stored raw in localStorage under `honglin.openid` so tests can preset it.
 */
export const DEV_OPENID_KEY = 'honglin.openid'

function storage(): Storage | null {
  try {
    return typeof window !== 'undefined' && window.localStorage ? window.localStorage : null
  } catch {
    return null
  }
}

export function getDevOpenid(): string | null {
  return storage()?.getItem(DEV_OPENID_KEY) || null
}

export function setDevOpenid(openid: string | null): void {
  const s = storage()
  if (!s) return
  if (openid) s.setItem(DEV_OPENID_KEY, openid)
  else s.removeItem(DEV_OPENID_KEY)
}
