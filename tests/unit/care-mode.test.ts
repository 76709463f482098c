/**
 * 关怀模式 scale rules (src/services/careMode): the switch (on, off, or following the system),
 * the system text size, the cap, and the narrow-screen make-up; the choice is remembered on the phone.
 */
import Taro from '@tarojs/taro'
import { CARE_SCALE, CARE_STORAGE_KEY, careMode, careRootProps, computeCareMode, MAX_TEXT_SCALE } from '@/services/careMode'
import * as systemScale from '@/services/careMode/systemScale'

jest.mock('@/services/careMode/systemScale', () => ({ readSystemScale: jest.fn(() => 1), readWidthFactor: jest.fn(() => 1), applyRootScale: jest.fn() }))
const setSystem = (scale: number) => (systemScale.readSystemScale as jest.Mock).mockReturnValue(scale)

describe('computeCareMode', () => {
  it('is everyday (scale 1) when following the system and the system text is standard or slightly larger', () => {
    expect(computeCareMode('system', 1)).toEqual({ on: false, chosen: false, choice: 'system', fromSystem: false, scale: 1 })
    expect(computeCareMode('system', 1.06, 375 / 320)).toEqual({ on: false, chosen: false, choice: 'system', fromSystem: false, scale: 1 })
    expect(computeCareMode('system', NaN).scale).toBe(1)
  })

  it('turns on with the switch: 1.25, so 14 px secondary text becomes 17.5 px', () => {
    const s = computeCareMode('on', 1)
    expect(s).toEqual({ on: true, chosen: true, choice: 'on', fromSystem: false, scale: CARE_SCALE })
    expect(14 * s.scale).toBeGreaterThanOrEqual(17)
  })

  it('turns on by itself with large system text, taking the larger of the two and capping at WeChat 关怀模式 size', () => {
    expect(computeCareMode('system', 1.3)).toMatchObject({ on: true, chosen: false, fromSystem: true, scale: 1.3 })
    expect(computeCareMode('on', 1.3).scale).toBe(1.3)
    expect(computeCareMode('on', 1.1).scale).toBe(CARE_SCALE)
    expect(computeCareMode('system', 2).scale).toBe(MAX_TEXT_SCALE)
  })

  it('stays off when switched off, even with large system text', () => {
    expect(computeCareMode('off', 1.3)).toEqual({ on: false, chosen: false, choice: 'off', fromSystem: true, scale: 1 })
    expect(computeCareMode('off', 2, 375 / 320).scale).toBe(1)
  })

  it('makes up for design px shrinking on narrow screens, down to 320 px only', () => {
    const narrow = computeCareMode('on', 1, 375 / 320).scale
    expect(28 * (320 / 750) * narrow).toBeGreaterThanOrEqual(17) // 28 design px, the smallest text
    expect(88 * (320 / 750) * narrow).toBeGreaterThanOrEqual(44) // 88 design px, the smallest target
    expect(computeCareMode('on', 1, 2).scale).toBeCloseTo(CARE_SCALE * (375 / 320), 2)
    expect(computeCareMode('on', 1, 0.5).scale).toBe(CARE_SCALE)
  })

  it('gives the page root a class and the scale variable only when on', () => {
    expect(careRootProps(computeCareMode('system', 1))).toEqual({ className: '' })
    expect(careRootProps(computeCareMode('off', 1.3))).toEqual({ className: '' })
    expect(careRootProps(computeCareMode('on', 1))).toEqual({ className: 'hl-care', style: { '--hl-text-scale': '1.25' } })
  })
})

describe('careMode store', () => {
  beforeEach(() => {
    setSystem(1)
    Taro.removeStorageSync(CARE_STORAGE_KEY)
    careMode.refresh()
  })

  it('remembers the switch on the phone and tells subscribers', () => {
    const seen: boolean[] = []
    const stop = careMode.subscribe(() => seen.push(careMode.get().on))
    careMode.setChosen(true)
    expect(Taro.setStorageSync).toHaveBeenCalledWith(CARE_STORAGE_KEY, 'on')
    expect(careMode.get()).toMatchObject({ on: true, chosen: true, choice: 'on', scale: CARE_SCALE })
    careMode.refresh()
    expect(careMode.get().choice).toBe('on') // read back from storage
    // Off with standard system text is what the system gives: the choice is forgotten (follow the system).
    careMode.setChosen(false)
    expect(careMode.get()).toMatchObject({ on: false, chosen: false, choice: 'system', scale: 1 })
    expect(Taro.getStorageSync(CARE_STORAGE_KEY)).toBe('')
    stop()
    careMode.setChosen(true)
    expect(seen).toEqual([true, false]) // the refresh changed nothing, so told nobody
    careMode.setChosen(false)
  })

  it('can be turned off when the system text turned it on, and stays off across refreshes', () => {
    setSystem(1.3)
    careMode.refresh()
    expect(careMode.get()).toMatchObject({ on: true, choice: 'system', fromSystem: true, scale: 1.3 })
    careMode.setChosen(false)
    expect(Taro.getStorageSync(CARE_STORAGE_KEY)).toBe('off')
    expect(careMode.get()).toMatchObject({ on: false, choice: 'off', scale: 1 })
    careMode.refresh()
    expect(careMode.get()).toMatchObject({ on: false, choice: 'off' })
    // Back on: what the system gives again, so it follows the system from now on.
    careMode.setChosen(true)
    expect(careMode.get()).toMatchObject({ on: true, choice: 'system', scale: 1.3 })
    expect(Taro.getStorageSync(CARE_STORAGE_KEY)).toBe('')
  })

  it('picks up a changed system text size on refresh (app show), and reads an older build\'s `true` as on', () => {
    setSystem(1.3)
    careMode.refresh()
    expect(careMode.get().on).toBe(true)
    setSystem(1)
    careMode.refresh()
    expect(careMode.get().on).toBe(false)
    Taro.setStorageSync(CARE_STORAGE_KEY, true)
    careMode.refresh()
    expect(careMode.get()).toMatchObject({ on: true, choice: 'on', scale: CARE_SCALE })
  })
})
