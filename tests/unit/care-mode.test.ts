/**
 * 关怀模式 scale rules (src/services/careMode): the switch, the system text size, the cap, and the
 * narrow-screen make-up; the choice is remembered on the phone.
 */
import Taro from '@tarojs/taro'
import { CARE_SCALE, CARE_STORAGE_KEY, careMode, careRootProps, computeCareMode, MAX_TEXT_SCALE } from '@/services/careMode'

describe('computeCareMode', () => {
  it('is everyday (scale 1) when not chosen and the system text is standard or slightly larger', () => {
    expect(computeCareMode(false, 1)).toEqual({ on: false, chosen: false, fromSystem: false, scale: 1 })
    expect(computeCareMode(false, 1.06, 375 / 320)).toEqual({ on: false, chosen: false, fromSystem: false, scale: 1 })
    expect(computeCareMode(false, NaN).scale).toBe(1)
  })

  it('turns on with the switch: 1.25, so 14 px secondary text becomes 17.5 px', () => {
    const s = computeCareMode(true, 1)
    expect(s).toEqual({ on: true, chosen: true, fromSystem: false, scale: CARE_SCALE })
    expect(14 * s.scale).toBeGreaterThanOrEqual(17)
  })

  it('turns on by itself with large system text, taking the larger of the two and capping at WeChat 关怀模式 size', () => {
    expect(computeCareMode(false, 1.3)).toMatchObject({ on: true, chosen: false, fromSystem: true, scale: 1.3 })
    expect(computeCareMode(true, 1.3).scale).toBe(1.3)
    expect(computeCareMode(true, 1.1).scale).toBe(CARE_SCALE)
    expect(computeCareMode(false, 2).scale).toBe(MAX_TEXT_SCALE)
  })

  it('makes up for design px shrinking on narrow screens, down to 320 px only', () => {
    const narrow = computeCareMode(true, 1, 375 / 320).scale
    expect(28 * (320 / 750) * narrow).toBeGreaterThanOrEqual(17) // 28 design px, the smallest text
    expect(88 * (320 / 750) * narrow).toBeGreaterThanOrEqual(44) // 88 design px, the smallest target
    expect(computeCareMode(true, 1, 2).scale).toBeCloseTo(CARE_SCALE * (375 / 320), 2)
    expect(computeCareMode(true, 1, 0.5).scale).toBe(CARE_SCALE)
  })

  it('gives the page root a class and the scale variable only when on', () => {
    expect(careRootProps(computeCareMode(false, 1))).toEqual({ className: '' })
    expect(careRootProps(computeCareMode(true, 1))).toEqual({ className: 'hl-care', style: { '--hl-text-scale': '1.25' } })
  })
})

describe('careMode store', () => {
  it('remembers the switch on the phone and tells subscribers', () => {
    const seen: boolean[] = []
    const stop = careMode.subscribe(() => seen.push(careMode.get().on))
    careMode.setChosen(true)
    expect(Taro.setStorageSync).toHaveBeenCalledWith(CARE_STORAGE_KEY, true)
    expect(careMode.get()).toMatchObject({ on: true, chosen: true, scale: CARE_SCALE })
    careMode.refresh()
    expect(careMode.get().chosen).toBe(true) // read back from storage
    careMode.setChosen(false)
    expect(careMode.get()).toMatchObject({ on: false, chosen: false, scale: 1 })
    stop()
    careMode.setChosen(true)
    expect(seen).toEqual([true, true, false])
    careMode.setChosen(false)
  })
})
