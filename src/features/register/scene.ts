/**
 * The scene of a community's 报到码 from whatever the member has: the scene itself (typed from a
 * poster), the H5 link the emulator's QR encodes (`…/#/packages/register/pages/form/index?scene=…`),
 * or the page path WeChat's scanner reports for a mini-program code (`…?scene=…`, URL-encoded).
 */
export function sceneFrom(text: string | null | undefined): string | null {
  if (!text) return null
  const trimmed = text.trim()
  const match = /[?&]scene=([^&#\s]+)/.exec(trimmed)
  const raw = match ? safeDecode(match[1]) : trimmed
  return /^[A-Za-z0-9_-]{1,32}$/.test(raw) ? raw : null
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
