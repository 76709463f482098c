import { useRef } from 'react'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import type { Overview } from '@contracts/overview'
import { useCall, type CallState } from '@/services/cloud/useCall'
import { overviewApi } from './api'

/**
 * The caller's overview: loaded when enabled, again whenever the page shows (coming back from a
 * page where something was done) and on pull-down (the page config enables it).
 */
export function useOverview(enabled = true, onPullDown?: () => void): CallState<Overview> {
  const state = useCall<Overview>(
    () => (enabled ? overviewApi.overview() : new Promise<never>(() => {})),
    [enabled]
  )
  const shown = useRef(false)
  useDidShow(() => {
    // The first show is the mount, which loaded already.
    if (shown.current && enabled) void state.reload()
    shown.current = true
  })
  usePullDownRefresh(() => {
    onPullDown?.()
    // Not enabled (no persona yet): nothing to load, and the reload would never settle.
    if (!enabled) return void Taro.stopPullDownRefresh()
    void state.reload().finally(() => Taro.stopPullDownRefresh())
  })
  return state
}
