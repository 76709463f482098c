import Taro from '@tarojs/taro'
import type { ReplyError } from '@contracts/reply'
import { go } from '@/services/navigate'

/**
 * 志愿者实名登记 on the client. A sign-up by someone neither a party member nor registered is
 * answered REGISTRATION_REQUIRED (server/activities/signups.ts): the page opens the registration
 * (`volunteerJoin`) with `next` = where to come back to, and signs up again once back.
 */
export const needsRegistration = (error: ReplyError | undefined): boolean => error?.code === 'REGISTRATION_REQUIRED'

/** Opens the registration; `next` is the in-app page (path and query) to come back to. */
export function openVolunteerJoin(next: string): void {
  go('volunteerJoin', { next })
}

/** The `next` of the registration page, decoded; only an in-app page path is accepted. */
export function nextOf(raw: string | undefined): string | undefined {
  if (!raw) return undefined
  let next = raw
  try {
    if (next.includes('%')) next = decodeURIComponent(next)
  } catch {
    return undefined
  }
  return /^\/(pages|packages)\/[\w/-]+(\?[^#\s]*)?$/.test(next) ? next : undefined
}

/**
 * Back to `next` after registering: the page below when it is that page (it signs up again when
 * it shows), otherwise `next` opened in place of the registration page; without `next`, back.
 */
export function returnAfterJoin(next: string | undefined): void {
  const pages = Taro.getCurrentPages()
  const below = pages.length > 1 ? pages[pages.length - 2] : undefined
  const belowPath = below?.route ? `/${below.route.replace(/^\//, '').split('?')[0]}` : undefined
  if (below && (!next || belowPath === next.split('?')[0])) {
    Taro.navigateBack().catch(() => {})
    return
  }
  if (next) Taro.redirectTo({ url: next }).catch(() => {})
  else go('activities')
}
