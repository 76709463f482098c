import type { Transport } from './types'
import { getDevOpenid } from './devOpenid'

/**
 * H5 (emulator only): `POST /api/functions/<name>` with the function's `data` as the JSON body; the
 * emulator takes the caller from `x-openid`, the dev persona picked on the sign-in page.
 */
export const transport: Transport = async (name, data) => {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  const openid = getDevOpenid()
  if (openid) headers['x-openid'] = openid
  const res = await fetch('/api/functions/' + encodeURIComponent(name), {
    method: 'POST',
    headers,
    body: JSON.stringify(data)
  })
  // Error statuses (404 unknown function, 400 malformed JSON) still carry an envelope; a body that is
  // not JSON rejects here and becomes INTERNAL in call().
  return await res.json()
}
