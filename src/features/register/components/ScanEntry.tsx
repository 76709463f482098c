import { useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import { BigButton } from '@/components'
import { canScan, scanCode } from '../platform'
import { sceneFrom } from '../scene'

/**
 * How a member reaches a community's form without having followed a link: scan the 报到码 on the
 * poster (mini-program), or type the short code printed under it / paste the link (H5, and as a
 * fallback on WeChat).
 */
export function ScanEntry({ onScene }: { onScene: (scene: string) => void }) {
  const [text, setText] = useState('')
  const [problem, setProblem] = useState('')
  const scan = async () => {
    const read = await scanCode()
    if (read === null) return
    const scene = sceneFrom(read)
    if (!scene) return setProblem('这不是社区报到码，请扫描社区张贴的"在职党员报到"二维码')
    onScene(scene)
  }
  const useTyped = () => {
    const scene = sceneFrom(text)
    if (!scene) return setProblem('请输入报到码下方的字母数字，或粘贴报到链接')
    onScene(scene)
  }
  return (
    <View>
      {canScan ? (
        <View className='rg-buttons'>
          <BigButton onClick={() => void scan()}>扫一扫社区报到码</BigButton>
        </View>
      ) : null}
      <View className='rg-field'>
        <Text className='rg-field__label'>{canScan ? '或输入报到码' : '输入报到码或粘贴报到链接'}</Text>
        <View className='rg-search'>
          <Input className='rg-search__input' value={text} placeholder='报到码，如 r7k2m9x4p' onInput={(e) => { setText(e.detail.value); setProblem('') }} data-testid='scene-input' />
          <Text className='rg-search__button' onClick={useTyped}>
            确定
          </Text>
        </View>
        {problem ? <Text className='rg-field__error'>{problem}</Text> : null}
      </View>
    </View>
  )
}
