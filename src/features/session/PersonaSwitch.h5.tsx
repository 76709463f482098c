import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { getDevOpenid } from '@/services/cloud/devOpenid'
import { DEV_LOGIN_URL } from './devSignIn'
import { findPersona } from './personas'
import './PersonaSwitch.scss'

/**
 * H5 emulator build (HONGLIN_DEV_SIGNIN): the current dev persona and a link to switch. Nothing in
 * any other H5 build; the `if` block lets webpack leave the persona list out of that bundle.
 */
export function PersonaSwitch() {
  if (HONGLIN_DEV_SIGNIN) {
    const openid = getDevOpenid()
    const persona = findPersona(openid)
    return (
      <View className='hl-persona'>
        <View className='hl-persona__info'>
          <Text className='hl-persona__label'>当前演示身份</Text>
          <Text className='hl-persona__name'>{persona ? persona.title : openid || '未选择'}</Text>
        </View>
        <View
          className='hl-persona__switch'
          hoverClass='hl-persona__switch--pressed'
          onClick={() => {
            Taro.navigateTo({ url: DEV_LOGIN_URL }).catch(() => {})
          }}
        >
          <Text>切换身份</Text>
        </View>
      </View>
    )
  }
  return null
}
