import { PRIVACY_POLICY_VERSION, type ConsentPurpose } from '../../contracts/privacy'
import { CONSENTS, type ConsentEvent } from '../core/consents'
import { AppError } from '../core/errors'
import type { StoredMediaCheck } from '../core/mediaChecks'
import type { Part } from '../core/together'
import { ownUpload } from '../core/uploads'
import { platform } from '../platform'

/**
 * Every user-written text and photo passes the platform's content check (msgSecCheck /
 * mediaCheckAsync on WeChat, a word list on the emulator) before anything is stored. Texts longer
 * than msgSecCheck takes are checked in chunks by the platform seam (server/platform/chunks.ts).
 */
export async function checkTexts(openid: string, texts: Array<[field: string, text: string | undefined | null]>): Promise<void> {
  const present = texts.filter(([, text]) => !!text) as Array<[string, string]>
  const results = await Promise.all(present.map(([, text]) => platform().contentCheck.text(text, openid)))
  const failed = results.findIndex((res) => !res.ok)
  if (failed >= 0) throw new AppError('INVALID_INPUT', results[failed].reason ?? '内容含有违规信息，请修改后再提交', [present[failed][0]])
}

/**
 * Photos must be the caller's own uploads (the upload path carries the openid: `uploads/<openid>/…`,
 * both for `tickets.upload` and the mini-program's Taro.cloud.uploadFile) and pass the image check.
 * The image check is asynchronous on WeChat: a photo is refused here only when an earlier check of
 * it came back risky; a risky verdict arriving later hides it (server/media/verdicts.ts).
 * All photos' earlier checks are read at once (`contentCheck.images`). `known`: the photos' check
 * records as read with the action's first read (`mediaChecksPart`): a photo already checked then
 * costs nothing more, and only the others go to the platform.
 */
export async function checkPhotos(openid: string, photos: string[] | undefined, field = 'photos', known?: StoredMediaCheck[]): Promise<string[]> {
  const list = [...new Set(photos ?? [])]
  for (const fileID of list) {
    if (!ownUpload(fileID, openid)) throw new AppError('INVALID_INPUT', '只能使用自己上传的照片', [field])
  }
  if (list.length === 0) return list
  const res = await platform().contentCheck.images(list, openid, known)
  if (!res.ok) throw new AppError('INVALID_INPUT', res.reason ?? '图片含有违规内容', [field])
  return list
}

/** The person's latest consent event of `purpose`, as a part of the action's first read. */
export function latestConsentPart(openid: string, purpose: ConsentPurpose): Part {
  return { collection: CONSENTS, build: (p) => p.match({ openid, purpose }).sort({ at: -1 }).limit(1) }
}

/**
 * Whether the latest consent event read (`latestConsentPart`) is a consent this same action recorded
 * under the privacy rules in force: it still holds (nothing withdrew it since), so recording it again
 * would only repeat it. Any other latest event (a withdrawal, older rules, another action's) and the
 * action records its own.
 */
export function consentInForce(latest: Record<string, any>[] | undefined, source: string): boolean {
  const e = latest?.[0] as ConsentEvent | undefined
  return !!e && e.event === 'given' && e.policyVersion === PRIVACY_POLICY_VERSION && e.source === source
}
