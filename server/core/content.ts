import { platform } from '../platform'
import { AppError } from './errors'

export const BLOCKED_CONTENT_MESSAGE = '内容含有违规信息，请修改后再提交'

/**
 * The content check (msgSecCheck on WeChat, a word list on the emulator) of every text of one
 * action that other people will see, in one platform check: the texts are joined one per line (the
 * platform splits a text longer than msgSecCheck's 2,500 characters into chunks, on line and
 * sentence ends where it can, and refuses it when any chunk is flagged: server/platform/chunks.ts).
 * Only when the joined text is refused is each text checked alone, to name the field at fault
 * (a refusal may cost a few calls; a clean input costs one). Empty texts are skipped.
 */
export async function checkVisibleTexts(openid: string, texts: Array<[field: string, text: string | readonly string[] | undefined | null]>): Promise<void> {
  const present = texts
    .map(([field, value]) => [field, Array.isArray(value) ? value.join('、') : ((value as string | undefined | null) ?? '')] as const)
    .filter(([, value]) => value.trim() !== '')
  if (present.length === 0) return
  const check = platform().contentCheck
  const all = await check.text(present.map(([, value]) => value).join('\n'), openid)
  if (all.ok) return
  for (const [field, value] of present) {
    const one = present.length === 1 ? all : await check.text(value, openid)
    if (!one.ok) throw new AppError('INVALID_INPUT', one.reason ?? BLOCKED_CONTENT_MESSAGE, [field])
  }
  throw new AppError('INVALID_INPUT', all.reason ?? BLOCKED_CONTENT_MESSAGE, present.map(([field]) => field))
}
