/**
 * The activity a scanned check-in code belongs to, read from the token's first part (the server
 * checks the signature; this only lets the page show the activity and ask for the location when it
 * has a geofence). Accepts the bare token, the H5 link (`?t=`), a `scene=` or WeChat's `q=`.
 */
export function tokenOf(raw: string): string {
  let text = raw.trim()
  for (let i = 0; i < 2; i++) {
    const match = /(?:^|[?&])(?:t|scene|q)=([^&#]+)/.exec(text)
    if (!match) break
    try {
      text = decodeURIComponent(match[1])
    } catch {
      text = match[1]
    }
  }
  return text
}

export function activityIdOfToken(raw: string): string | null {
  const parts = tokenOf(raw).split('.')
  return parts.length === 3 && parts[0] ? parts[0] : null
}
