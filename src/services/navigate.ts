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

export type TabIntent = Record<string, string>

/** What a tab page was asked to open on (switchTab carries no query): at most one per tab. */
const intents = new Map<RouteName, TabIntent>()

/** Switches to a tab page asking it to open on `intent` (e.g. `goTab('activities', { when: 'mine' })`). */
export function goTab(name: RouteName, intent: TabIntent): void {
  intents.set(name, intent)
  go(name)
}

/** The intent waiting for a tab page, left in place (for a first render's initial state). */
export const peekTabIntent = (name: RouteName): TabIntent | undefined => intents.get(name)

/** The intent waiting for a tab page, consumed: call it when the page shows. */
export function takeTabIntent(name: RouteName): TabIntent | undefined {
  const intent = intents.get(name)
  intents.delete(name)
  return intent
}

function ignore(): void {}
