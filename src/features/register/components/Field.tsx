import type { ReactNode } from 'react'
import { Text, View } from '@tarojs/components'

export interface FieldProps {
  label: string
  required?: boolean
  optional?: boolean
  hint?: string
  error?: string
  children?: ReactNode
}

export function Field({ label, required, optional, hint, error, children }: FieldProps) {
  return (
    <View className={`rg-field${error ? ' rg-field--invalid' : ''}`}>
      <Text className='rg-field__label'>
        {label}
        {required ? <Text className='rg-field__required'>*</Text> : null}
        {optional ? <Text className='rg-field__optional'>（选填）</Text> : null}
      </Text>
      {children}
      {error ? <Text className='rg-field__error'>{error}</Text> : hint ? <Text className='rg-field__hint'>{hint}</Text> : null}
    </View>
  )
}
