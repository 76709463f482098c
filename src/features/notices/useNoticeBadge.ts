import { useEffect, useState } from 'react'
import Taro from '@tarojs/taro'

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
 * Unread notices as a badge on the 首页 tab, from a count the tab page already has (首页:
 * users.overview's `mine.unreadNotices`, reloaded on every show); the badge follows it once known.
 */
export function useNoticeBadge(enabled: boolean, known: { count: number | undefined }): { unread: number } {
  const [unread, setUnread] = useState(0)
  const count = known.count
  useEffect(() => {
    if (!enabled || count === undefined) return
    setUnread(count)
    void showBadge(count)
  }, [enabled, count])
  return { unread }
}
