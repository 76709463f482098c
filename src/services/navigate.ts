import Taro from '@tarojs/taro'
import { BUILT, isTabRoute, urlOf, type RouteName } from './routes'

export const UNDER_CONSTRUCTION = '功能建设中'

/**
 * Goes to a named route: tab pages by switchTab, others by navigateTo; a route whose page is not
 * built yet shows a toast instead.
 */
export function go(name: RouteName, query?: Record<string, string | number | undefined>): void {
  if (!BUILT[name]) {
    Taro.showToast({ title: UNDER_CONSTRUCTION, icon: 'none', duration: 1500 }).catch(ignore)
    return
  }
  if (isTabRoute(name)) {
    Taro.switchTab({ url: urlOf(name) }).catch(ignore)
    return
  }
  Taro.navigateTo({ url: urlOf(name, query) }).catch(ignore)
}

function ignore(): void {}
