import type { ReactNode } from 'react'
import { View } from '@tarojs/components'
import { PrivacyPopup } from './PrivacyPopup'
import './PageContainer.scss'

export interface PageContainerProps {
  children?: ReactNode
  className?: string
}

/**
 * The root of every page: warm background, large type, theme variables for NutUI, and the
 * 用户隐私保护提示 popup (weapp: WeChat asks through wx.onNeedPrivacyAuthorization, and only a page
 * can show UI, so every page carries it).
 */
export function PageContainer({ children, className }: PageContainerProps) {
  return (
    <View className={className ? `hl-page ${className}` : 'hl-page'}>
      {children}
      <PrivacyPopup />
    </View>
  )
}
