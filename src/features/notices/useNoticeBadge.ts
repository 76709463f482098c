import { useCallback, useEffect, useState } from 'react'
import Taro, { useDidShow } from '@tarojs/taro'
import { noticeBadgeContract } from '@contracts/noticeBadge'
import { functionClient } from '@/services/cloud'

/** `notices.unreadCount` only: the 首页 tab (main package) must not carry the whole notices contract. */
const badgeApi = functionClient('notices', noticeBadgeContract)

/** The tab that carries the unread-notice badge (首页, where 通知公告 is). */
export const BADGE_TAB_INDEX = 0

/**
 * Unread notices: fetched whenever the calling page shows, and put on the 首页 tab as a badge
 * (`setTabBarBadge`; removed at zero). Call it from a tab page (the home page does).
 */
export function useNoticeBadge(enabled = true): { unread: number; refresh: () => Promise<void> } {
  const [unread, setUnread] = useState(0)
  const refresh = useCallback(async () => {
    if (!enabled) return
    const reply = await badgeApi.unreadCount()
    if (!reply.ok) return
    const count = reply.data.count
    setUnread(count)
    try {
      if (count > 0) await Taro.setTabBarBadge({ index: BADGE_TAB_INDEX, text: count > 99 ? '99+' : String(count) })
      else await Taro.removeTabBarBadge({ index: BADGE_TAB_INDEX })
    } catch {
      // Not on a tab page (or no tab bar): the count is still returned.
    }
  }, [enabled])
  useDidShow(() => {
    void refresh()
  })
  useEffect(() => {
    void refresh()
  }, [refresh])
  return { unread, refresh }
}
