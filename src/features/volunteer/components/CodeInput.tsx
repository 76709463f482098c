import { useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import './volunteer.scss'
import './volunteer-pages.scss'

/** A field to paste or type a code (H5 has no scanner; on WeChat it is the fallback). */
export function CodeInput({ placeholder, action = '确定', onSubmit }: { placeholder: string; action?: string; onSubmit: (code: string) => void }) {
  const [text, setText] = useState('')
  const submit = () => {
    const code = text.trim()
    if (code) onSubmit(code)
  }
  return (
    <View className='vt-code-input'>
      <Input className='vt-code-input__input' value={text} placeholder={placeholder} confirmType='done' onInput={(e) => setText(e.detail.value)} onConfirm={submit} />
      <Text className='vt-code-input__go' onClick={submit}>
        {action}
      </Text>
    </View>
  )
}
