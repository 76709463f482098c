import Taro from '@tarojs/taro'

/**
 * WeChat's text size (小程序适老化设计指南): fontSizeScaleFactor of wx.getAppBaseInfo is the
 * user's WeChat font size over the standard one (17 px on iOS, 16 px on Android).
 */
export function readSystemScale(): number {
  try {
    const info = (Taro.getAppBaseInfo ? Taro.getAppBaseInfo() : Taro.getSystemInfoSync()) as { fontSizeScaleFactor?: number }
    const factor = Number(info.fontSizeScaleFactor)
    return Number.isFinite(factor) && factor > 0 ? factor : 1
  } catch {
    return 1
  }
}

/** rpx shrink with the window: on a 320-wide phone a design px is 320/375 of a 375-wide one. */
export function readWidthFactor(): number {
  try {
    const width = (Taro.getWindowInfo ? Taro.getWindowInfo() : Taro.getSystemInfoSync()).windowWidth
    return width > 0 ? 375 / width : 1
  } catch {
    return 1
  }
}

export function applyRootScale(_scale: number): void {}
