import { useEffect, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
// Platform module: index.weapp.ts answers WeChat's wx.onNeedPrivacyAuthorization; on H5 nothing is ever pending.
import { PRIVACY_AGREE_BUTTON_ID, PRIVACY_USES, agreePrivacy, disagreePrivacy, isPrivacyPending, openPrivacyContract, subscribePrivacy } from '../services/privacy'
import './PrivacyPopup.scss'

/**
 * 用户隐私保护提示: shown while WeChat waits for the user's agreement before a privacy API (location,
 * photos, files, album, clipboard) runs. Mounted once per page by PageContainer; renders nothing
 * otherwise (and always on H5).
 */
export function PrivacyPopup() {
  const [open, setOpen] = useState(isPrivacyPending)
  useEffect(() => {
    setOpen(isPrivacyPending())
    return subscribePrivacy(setOpen)
  }, [])
  if (!open) return null
  return (
    <View className='hl-privacy'>
      <View className='hl-privacy__sheet'>
        <Text className='hl-privacy__title'>用户隐私保护提示</Text>
        <Text className='hl-privacy__text'>为提供以下服务，红邻需要使用您的部分信息，仅用于对应功能：</Text>
        {PRIVACY_USES.map((use) => (
          <Text key={use.data} className='hl-privacy__item'>
            <Text className='hl-privacy__data'>{use.data}</Text>：{use.why}
          </Text>
        ))}
        <Text className='hl-privacy__text'>
          请阅读
          <Text className='hl-privacy__link' onClick={openPrivacyContract}>
            《红邻小程序隐私保护指引》
          </Text>
          。同意后才能使用上述功能；拒绝不影响浏览其他内容。
        </Text>
        <View className='hl-privacy__buttons'>
          <Button className='hl-privacy__button hl-privacy__button--no' onClick={disagreePrivacy}>
            拒绝
          </Button>
          <Button
            id={PRIVACY_AGREE_BUTTON_ID}
            className='hl-privacy__button hl-privacy__button--yes'
            openType='agreePrivacyAuthorization'
            onAgreePrivacyAuthorization={() => agreePrivacy(PRIVACY_AGREE_BUTTON_ID)}
          >
            同意并继续
          </Button>
        </View>
      </View>
    </View>
  )
}
