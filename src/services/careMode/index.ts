/**
 * 关怀模式 (large text). One number, `--hl-text-scale`, multiplies every font size and tap minimum
 * of our styles (the `fs()` / `tap()` functions of src/styles/theme.scss); PageContainer puts it on
 * every page root. Sources: the switch in 我的 (remembered on the phone) and the system / WeChat
 * text size (systemScale.*.ts). Rules in README (关怀模式).
 */
import Taro from '@tarojs/taro'
import { useSyncExternalStore } from 'react'
import { applyRootScale, readSystemScale, readWidthFactor } from './systemScale'

/** The switch in 我的: turned on, turned off, or not touched (follow the system text size). */
export type CareChoice = 'on' | 'off' | 'system'

export interface CareModeState {
  /** Whether the page renders in care mode now (chosen in 我的, or the system text is large and not turned off). */
  on: boolean
  /** The switch in 我的 → 关怀模式 is explicitly on. */
  chosen: boolean
  /** What the switch holds ('system': never touched, or set back to what the system gives). */
  choice: CareChoice
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
 * An explicit 'off' wins over large system text (the person asked for everyday sizes).
 */
export function computeCareMode(choice: CareChoice, systemScale: number, widthFactor = 1): CareModeState {
  const system = Number.isFinite(systemScale) && systemScale > 0 ? systemScale : 1
  const fromSystem = system >= SYSTEM_ON
  const chosen = choice === 'on'
  const on = choice === 'system' ? fromSystem : chosen
  if (!on) return { on, chosen, choice, fromSystem, scale: 1 }
  const text = Math.min(MAX_TEXT_SCALE, Math.max(chosen ? CARE_SCALE : 1, system))
  const width = Math.min(MAX_WIDTH_FACTOR, Math.max(1, Number.isFinite(widthFactor) ? widthFactor : 1))
  return { on, chosen, choice, fromSystem, scale: Math.round(text * width * 1000) / 1000 }
}

/** Stored: 'on' | 'off', nothing to follow the system (an older build stored `true` for on). */
function readChoice(): CareChoice {
  try {
    const stored: unknown = Taro.getStorageSync(CARE_STORAGE_KEY)
    return stored === 'on' || stored === true ? 'on' : stored === 'off' ? 'off' : 'system'
  } catch {
    return 'system'
  }
}

function writeChoice(choice: CareChoice): void {
  try {
    if (choice === 'system') Taro.removeStorageSync(CARE_STORAGE_KEY)
    else Taro.setStorageSync(CARE_STORAGE_KEY, choice)
  } catch {}
}

let state: CareModeState | undefined
const listeners = new Set<() => void>()

function current(): CareModeState {
  if (!state) {
    state = computeCareMode(readChoice(), readSystemScale(), readWidthFactor())
    applyRootScale(state.scale)
  }
  return state
}

/** Takes a new state, telling subscribers only when something changed (refresh runs on every app show). */
function replace(next: CareModeState): void {
  const prev = state
  if (prev && prev.on === next.on && prev.choice === next.choice && prev.fromSystem === next.fromSystem && prev.scale === next.scale) return
  state = next
  applyRootScale(next.scale)
  listeners.forEach((l) => l())
}

export const careMode = {
  get: (): CareModeState => current(),
  subscribe(listener: () => void): () => void {
    listeners.add(listener)
    return () => listeners.delete(listener)
  },
  /**
   * The switch in 我的 (remembered on the phone). Choosing what the system text gives by itself
   * forgets the choice, so the mode follows the system again.
   */
  setChosen(on: boolean): void {
    const system = readSystemScale()
    const choice: CareChoice = on === computeCareMode('system', system).on ? 'system' : on ? 'on' : 'off'
    writeChoice(choice)
    replace(computeCareMode(choice, system, readWidthFactor()))
  },
  /** Reads the phone again: on every app show (the WeChat text size may have changed meanwhile). */
  refresh(): void {
    replace(computeCareMode(readChoice(), readSystemScale(), readWidthFactor()))
  }
}

export function useCareMode(): CareModeState {
  return useSyncExternalStore(careMode.subscribe, careMode.get, careMode.get)
}

/** The page root's class and style for a state (PageContainer). */
export function careRootProps(s: CareModeState): { className: string; style?: Record<string, string> } {
  return s.on ? { className: 'hl-care', style: { '--hl-text-scale': String(s.scale) } } : { className: '' }
}
