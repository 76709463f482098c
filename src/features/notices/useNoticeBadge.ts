import { useCallback, useEffect, useState } from 'react'
import Taro, { useDidShow } from '@tarojs/taro'
import { noticeBadgeContract } from '@contracts/noticeBadge'
import { functionClient } from '@/services/cloud'

/** `notices.unreadCount` only: the 首页 tab (main package) must not carry the whole notices contract. */
const badgeApi = functionClient('notices', noticeBadgeContract)

/** The tab that carries the unread-notice badge (首页, where 通知公告 is). */
export const BADGE_TAB_INDEX = 0

/** Puts a count on the 首页 tab (`setTabBarBadge`; removed at zero). */
async function showBadge(count: number): Promise<void> {
  try {
    if (count > 0) await Taro.setTabBarBadge({ index: BADGE_TAB_INDEX, text: count > 99 ? '99+' : String(count) })
    else await Taro.removeTabBarBadge({ index: BADGE_TAB_INDEX })
  } catch {
    // Not on a tab page (or no tab bar): the count is still returned.
  }
}

/**
 * Unread notices as a badge on the 首页 tab. Call it from a tab page.
 * - `useNoticeBadge(enabled)`: fetches `notices.unreadCount` whenever the page shows.
 * - `useNoticeBadge(enabled, { count })`: the page already has the count (首页: users.overview's
 *   `mine.unreadNotices`, reloaded on every show): no call of its own; the badge follows `count`
 *   once it is known.
 */
export function useNoticeBadge(enabled = true, known?: { count: number | undefined }): { unread: number; refresh: () => Promise<void> } {
  const [unread, setUnread] = useState(0)
  const given = known !== undefined
  const knownCount = known?.count
  const refresh = useCallback(async () => {
    if (!enabled) return
    let count = knownCount
    if (!given) {
      const reply = await badgeApi.unreadCount()
      if (!reply.ok) return
      count = reply.data.count
    }
    if (count === undefined) return
    setUnread(count)
    await showBadge(count)
  }, [enabled, given, knownCount])
  useDidShow(() => {
    // With a known count the effect below follows it (the page reloads it on show).
    if (!given) void refresh()
  })
  useEffect(() => {
    void refresh()
  }, [refresh])
  return { unread, refresh }
}
