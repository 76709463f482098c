import type { ReactNode } from 'react'
import { Text, View } from '@tarojs/components'
import './Section.scss'

export interface SectionProps {
  /** Stable heading text (end-to-end tests find sections by it). */
  title: string
  subtitle?: string
  children?: ReactNode
}

/** A white card with a large heading. */
export function Section({ title, subtitle, children }: SectionProps) {
  return (
    <View className='hl-section'>
      <View className='hl-section__head'>
        <Text className='hl-section__title'>{title}</Text>
        {subtitle ? <Text className='hl-section__subtitle'>{subtitle}</Text> : null}
      </View>
      <View className='hl-section__body'>{children}</View>
    </View>
  )
}
