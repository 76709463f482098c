import type { CSSProperties, ReactNode } from 'react'
import { View } from '@tarojs/components'
import { careRootProps, useCareMode } from '@/services/careMode'
import { NavBar } from './NavBar'
import { PrivacyPopup } from './PrivacyPopup'
import './PageContainer.scss'

export interface PageContainerProps {
  children?: ReactNode
  className?: string
}

/**
 * The root of every page: warm background, large type, theme variables for NutUI, 关怀模式 (the
 * `hl-care` class and the `--hl-text-scale` every font size and tap minimum is multiplied by), and
 * the 用户隐私保护提示 popup (weapp: WeChat asks through wx.onNeedPrivacyAuthorization, and only a
 * page can show UI, so every page carries it). On H5 it also draws the navigation bar WeChat draws
 * natively (NavBar.h5.tsx: title and back arrow on subpackage pages).
 */
export function PageContainer({ children, className }: PageContainerProps) {
  const care = careRootProps(useCareMode())
  const classes = ['hl-page', care.className, className].filter(Boolean).join(' ')
  return (
    <View className={classes} style={care.style as CSSProperties | undefined}>
      <NavBar />
      {children}
      <PrivacyPopup />
    </View>
  )
}
