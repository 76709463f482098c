/**
 * The slice of this feature that the tab pages (main package) use: 活动 (the list) and 首页 (the
 * count of scans waiting to upload). They import from here, not from the feature's index: the
 * barrel pulls the full activities contract, the offline queue and every component into the main
 * package, which we keep under 600 KB.
 */
import Taro from '@tarojs/taro'
import type { activityListContract } from '@contracts/activityList'
import { typedClient } from '@/services/cloud/functionClient'
import { OFFLINE_SCANS_KEY } from './offlineKey'

/**
 * `activities.list` only, typed by the contract (the main package carries no zod runtime); the
 * feature's `activitiesApi` (./api) takes the whole contract and parses replies with it.
 */
export const activitiesApi = typedClient<typeof activityListContract>('activities', ['list'])
export { usePaged } from '../../services/cloud/usePaged'
export { ActivityCard } from './components/ActivityCard'
export { Chips, type ChipOption } from './components/Chips'
export { Tools, type Tool } from './components/Tools'

interface StoredScan {
  kind?: string
  by?: string
  payload?: { activityId?: string }
}

/**
 * Scans made without signal still on this phone (./offlineScans.ts keeps them under the same key),
 * those of `openid` (or kept without one) when it is given; read here without the queue's code.
 */
function storedScans(openid?: string): StoredScan[] {
  let list: unknown
  try {
    list = Taro.getStorageSync(OFFLINE_SCANS_KEY)
  } catch {
    return []
  }
  return Array.isArray(list) ? list.filter((s: StoredScan | null) => Boolean(s && typeof s === 'object' && (!openid || !s.by || s.by === openid))) : []
}

export function queuedScanCount(openid?: string): number {
  return storedScans(openid).length
}

/** The activity whose organiser's scans are all that waits (its scan page lists them), if so. */
export function queuedStaffScanActivity(openid?: string): string | undefined {
  const list = storedScans(openid)
  const ids = new Set(list.map((s) => (s.kind === 'staffScan' ? s.payload?.activityId : undefined)))
  const [only] = [...ids]
  return list.length && ids.size === 1 && only ? only : undefined
}
