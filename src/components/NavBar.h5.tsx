import { useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { goBackOrHome, pathOf, wayBack } from './States'
import './NavBar.scss'

interface H5Page {
  /** Unique per page instance (getCurrentPages() returns copies, so compare this). */
  $taroPath?: string
  config?: { navigationBarTitleText?: string }
}

/**
 * H5 has no native bar: a sticky brand-red bar with the page's title (its navigationBarTitleText,
 * or what the page set with Taro.setNavigationBarTitle) and 返回 — or 首页 when the page was opened
 * first by a link. Only on subpackage pages: the tab pages have the tab bar.
 */
export function NavBar() {
  const [page] = useState(() => Taro.getCurrentInstance().page as H5Page | null)
  const path = pathOf(page)
  const [title, setTitle] = useState(() => page?.config?.navigationBarTitleText ?? document.title)
  const [way, setWay] = useState(() => wayBack())

  useEffect(() => {
    // A title set later (Taro.setNavigationBarTitle writes document.title) is followed while this page is on top.
    const follow = () => {
      const top = Taro.getCurrentPages().pop() as H5Page | undefined
      if (page?.$taroPath && top?.$taroPath === page.$taroPath && document.title) setTitle(document.title)
    }
    const observer = new MutationObserver(follow)
    observer.observe(document.head, { subtree: true, childList: true, characterData: true })
    setWay(wayBack())
    return () => observer.disconnect()
  }, [page])

  if (!path.startsWith('packages/')) return null
  return (
    <View className='hl-navbar' data-testid='navbar'>
      <View className='hl-navbar__back' data-testid='navbar-back' onClick={goBackOrHome}>
        <Text className='hl-navbar__arrow'>‹</Text>
        <Text className='hl-navbar__back-text'>{way === 'back' ? '返回' : '首页'}</Text>
      </View>
      <Text className='hl-navbar__title'>{title}</Text>
    </View>
  )
}
