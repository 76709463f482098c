/**
 * 关怀模式 (large text). One number, `--hl-text-scale`, multiplies every font size and tap minimum
 * of our styles (the `fs()` / `tap()` functions of src/styles/theme.scss); PageContainer puts it on
 * every page root. Sources: the switch in 我的 (remembered on the phone) and the system / WeChat
 * text size (systemScale.*.ts). Rules in README (关怀模式).
 */
import Taro from '@tarojs/taro'
import { useSyncExternalStore } from 'react'
import { applyRootScale, readSystemScale, readWidthFactor } from './systemScale'

export interface CareModeState {
  /** Whether the page renders in care mode now (chosen in 我的, or the system text is large). */
  on: boolean
  /** The switch in 我的 → 关怀模式. */
  chosen: boolean
  /** The system / WeChat text size is large enough to turn care mode on by itself. */
  fromSystem: boolean
  /** The text scale applied to every font size and tap target (1 = everyday). */
  scale: number
}

export const CARE_STORAGE_KEY = 'honglin.careMode'
/** The scale the switch gives: everyday 14 / 15 px text becomes 17.5 / 18.75 px. */
export const CARE_SCALE = 1.25
/** System text at or above this (WeChat iOS "+2", Android's second larger step) turns care mode on. */
export const SYSTEM_ON = 1.1
/** WeChat's own 关怀模式 size (23.8 / 17 px): larger system text is capped here so layouts hold. */
export const MAX_TEXT_SCALE = 1.4
/** Narrow screens shrink design px (rpx); care mode makes up for it up to a 320-wide phone. */
export const MAX_WIDTH_FACTOR = 375 / 320

/**
 * The state for a choice, a system text scale (1 = standard) and a width factor (how much smaller
 * a design px is than on a 375-wide phone, ≥ 1). Everyday pages stay at scale 1 whatever the width.
 */
export function computeCareMode(chosen: boolean, systemScale: number, widthFactor = 1): CareModeState {
  const system = Number.isFinite(systemScale) && systemScale > 0 ? systemScale : 1
  const fromSystem = system >= SYSTEM_ON
  const on = chosen || fromSystem
  if (!on) return { on, chosen, fromSystem, scale: 1 }
  const text = Math.min(MAX_TEXT_SCALE, Math.max(chosen ? CARE_SCALE : 1, system))
  const width = Math.min(MAX_WIDTH_FACTOR, Math.max(1, Number.isFinite(widthFactor) ? widthFactor : 1))
  return { on, chosen, fromSystem, scale: Math.round(text * width * 1000) / 1000 }
}

function readChosen(): boolean {
  try {
    return Taro.getStorageSync(CARE_STORAGE_KEY) === true
  } catch {
    return false
  }
}

let state: CareModeState | undefined
const listeners = new Set<() => void>()

function current(): CareModeState {
  if (!state) {
    state = computeCareMode(readChosen(), readSystemScale(), readWidthFactor())
    applyRootScale(state.scale)
  }
  return state
}

export const careMode = {
  get: (): CareModeState => current(),
  subscribe(listener: () => void): () => void {
    listeners.add(listener)
    return () => listeners.delete(listener)
  },
  /** The switch in 我的 (remembered on the phone). */
  setChosen(chosen: boolean): void {
    try {
      Taro.setStorageSync(CARE_STORAGE_KEY, chosen)
    } catch {}
    state = computeCareMode(chosen, readSystemScale(), readWidthFactor())
    applyRootScale(state.scale)
    listeners.forEach((l) => l())
  },
  /** Reads the phone again (tests; a page shown after the system text size changed). */
  refresh(): void {
    state = undefined
    current()
    listeners.forEach((l) => l())
  }
}

export function useCareMode(): CareModeState {
  return useSyncExternalStore(careMode.subscribe, careMode.get, careMode.get)
}

/** The page root's class and style for a state (PageContainer). */
export function careRootProps(s: CareModeState): { className: string; style?: Record<string, string> } {
  return s.on ? { className: 'hl-care', style: { '--hl-text-scale': String(s.scale) } } : { className: '' }
}
