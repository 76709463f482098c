/**
 * Splitting long texts for WeChat's text check (security.msgSecCheck, version 2), whose `content`
 * takes at most 2,500 字 ("文本字数的上限为2500字", per the API reference). Lengths here are counted
 * in UTF-16 code units, which is never less than the number of characters however WeChat counts
 * them (an emoji is one character and two units), so a chunk is always within the limit; a
 * surrogate pair is never cut in two.
 *
 * Each cut prefers a paragraph end, then a sentence end, then a comma or space, in the second half
 * of the window; the next chunk starts a few characters before the cut (OVERLAP) so a word that a
 * hard cut splits is still seen whole by one of the two checks.
 */
export const MSG_SEC_CHECK_MAX_CHARS = 2500
export const CHUNK_OVERLAP = 20
/** At most this many checks of one text run at once (WeChat allows 4,000 calls a minute per app). */
export const CHUNK_CONCURRENCY = 3

const PARAGRAPH = /\n/
const SENTENCE = /[。！？!?；;…]/
const SOFT = /[，,、：:\s]/

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff

/** The last index in [from, to) whose character matches, or -1. */
function lastMatch(text: string, from: number, to: number, pattern: RegExp): number {
  for (let i = to - 1; i >= from; i--) if (pattern.test(text[i])) return i
  return -1
}

export function splitForCheck(text: string, max = MSG_SEC_CHECK_MAX_CHARS, overlap = CHUNK_OVERLAP): string[] {
  if (max < 2 || overlap < 0 || overlap >= max / 2) throw new Error('splitForCheck: bad limits')
  if (text.length <= max) return [text]
  const chunks: string[] = []
  let start = 0
  while (start < text.length) {
    let end = Math.min(start + max, text.length)
    if (end < text.length) {
      const floor = start + Math.floor(max / 2)
      const cut = [PARAGRAPH, SENTENCE, SOFT].map((p) => lastMatch(text, floor, end, p)).find((i) => i >= 0)
      if (cut !== undefined) end = cut + 1
      // Never end between the two halves of a surrogate pair.
      if (isHigh(text.charCodeAt(end - 1)) && isLow(text.charCodeAt(end))) end--
    }
    chunks.push(text.slice(start, end))
    if (end >= text.length) break
    let next = Math.max(end - overlap, start + 1)
    if (isLow(text.charCodeAt(next)) && isHigh(text.charCodeAt(next - 1))) next--
    start = next
  }
  return chunks
}

/**
 * Runs `check` over the chunks, at most `concurrency` at a time; true when any chunk was flagged.
 * Chunks not yet started when one is flagged are skipped.
 */
export async function anyChunkFlagged(chunks: string[], check: (chunk: string) => Promise<boolean>, concurrency = CHUNK_CONCURRENCY): Promise<boolean> {
  let next = 0
  let flagged = false
  const worker = async () => {
    while (!flagged && next < chunks.length) {
      const chunk = chunks[next++]
      if (await check(chunk)) flagged = true
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker))
  return flagged
}
