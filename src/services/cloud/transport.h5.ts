import type { Transport } from './types'
import { getDevOpenid } from './devOpenid'

/**
 * The PC back office (H5 only, issue #19): while a desk page holds a CloudBase web login (anonymous
 * before the scan, the desk session after), every call goes through it instead (its DeskCloud,
 * src/features/desk/cloud.ts, which registers here: services never import a feature). Unset, calls
 * take today's path below, unchanged.
 */
let deskTransport: Transport | null = null

/** Routes every call through `next` (a desk login), or back to today's path (no argument). */
export function setDeskTransport(next?: Transport): void {
  deskTransport = next ?? null
}

/**
 * H5: `POST /api/functions/<name>` with the function's `data` as the JSON body. In an emulator build
 * (HONGLIN_DEV_SIGNIN, config/index.ts) the caller is `x-openid`, the dev persona picked on the
 * sign-in page, which only the local emulator trusts. Any other H5 build sends no identity and never
 * reads the stored one: a deployed H5 needs a real sign-in the deployment provides (none yet).
 */
export const transport: Transport = async (name, data) => {
  if (deskTransport) return deskTransport(name, data)
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (HONGLIN_DEV_SIGNIN) {
    const openid = getDevOpenid()
    if (openid) headers['x-openid'] = openid
  }
  const res = await fetch('/api/functions/' + encodeURIComponent(name), {
    method: 'POST',
    headers,
    body: JSON.stringify(data)
  })
  // Error statuses (404 unknown function, 400 malformed JSON) still carry an envelope; a body that is
  // not JSON rejects here and becomes INTERNAL in call().
  const body = await res.json()
  // A failed invocation (504 timed out, 500 the function threw) answers what wx.cloud.callFunction
  // rejects with, `{ errCode, errMsg }`: reject the same way the weapp transport does.
  if (!res.ok && body && typeof body === 'object' && typeof body.errCode === 'number') throw callFunctionFailure(body.errCode, String(body.errMsg ?? ''))
  return body
}

/** The shape of wx.cloud.callFunction's rejection (e.g. -504003 "Invoking task timed out after 3 seconds"). */
function callFunctionFailure(errCode: number, errMsg: string): Error & { errCode: number; errMsg: string } {
  const message = `cloud.callFunction:fail Error: errCode: ${errCode}  | errMsg: ${errMsg}`
  return Object.assign(new Error(message), { errCode, errMsg: message })
}
