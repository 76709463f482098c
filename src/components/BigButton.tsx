import type { ReactNode } from 'react'
import { Text, View } from '@tarojs/components'
import './BigButton.scss'

export interface BigButtonProps {
  children?: ReactNode
  type?: 'primary' | 'default'
  fill?: 'solid' | 'outline'
  loading?: boolean
  disabled?: boolean
  onClick?: () => void
}

/**
 * A full-width, extra-large button in the theme colour. Deliberately not NutUI's Button: the tab
 * pages use it, and NutUI's button (with its icon font and stylesheet) would add ~50 KB to the
 * mini-program's main package. Subpackage pages may use NutUI components freely.
 */
export function BigButton({ children, type = 'primary', fill = 'solid', loading, disabled, onClick }: BigButtonProps) {
  const inactive = Boolean(loading || disabled)
  const className = ['hl-button', `hl-button--${type}`, `hl-button--${fill}`, inactive ? 'hl-button--disabled' : ''].filter(Boolean).join(' ')
  return (
    <View className={className} hoverClass={inactive ? 'none' : 'hl-button--pressed'} onClick={() => !inactive && onClick?.()}>
      <Text className='hl-button__text'>{loading ? '请稍候…' : children}</Text>
    </View>
  )
}
