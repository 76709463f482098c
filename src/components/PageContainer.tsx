import type { ReactNode } from 'react'
import { View } from '@tarojs/components'
import './PageContainer.scss'

export interface PageContainerProps {
  children?: ReactNode
  className?: string
}

/** The root of every page: warm background, large type, theme variables for NutUI. */
export function PageContainer({ children, className }: PageContainerProps) {
  return <View className={className ? `hl-page ${className}` : 'hl-page'}>{children}</View>
}
