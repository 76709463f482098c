import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { PageContainer } from '@/components'
import { getDevOpenid } from '@/services/cloud/devOpenid'
import { PERSONAS, signInAs } from '@/features/session/dev'
import './index.scss'

/**
 * H5 emulator builds only (registered in app.config.ts only when TARO_ENV is h5 and
 * HONGLIN_DEV_SIGNIN is true): pick a demo persona of the local emulator. Other H5 builds have
 * ./wechat instead; the mini-program has neither: there the WeChat session is the identity.
 */
export default function DevLoginPage() {
  const current = getDevOpenid()
  const redirect = Taro.getCurrentInstance().router?.params?.redirect
  const target = redirect ? decodeURIComponent(redirect) : undefined
  return (
    <PageContainer>
      <View className='dev-login__intro'>
        <Text className='dev-login__title'>选择演示身份</Text>
        <Text className='dev-login__desc'>本地演示环境：请选择一个身份进入红邻。正式小程序使用微信登录。</Text>
      </View>
      {PERSONAS.map((p) => (
        <View
          key={p.openid}
          className={p.openid === current ? 'dev-login__persona dev-login__persona--current' : 'dev-login__persona'}
          hoverClass='dev-login__persona--pressed'
          onClick={() => signInAs(p.openid, target)}
        >
          <View className='dev-login__persona-text'>
            <Text className='dev-login__persona-title'>{p.title}</Text>
            <Text className='dev-login__persona-detail'>{p.detail}</Text>
          </View>
          <Text className='dev-login__persona-go'>{p.openid === current ? '当前' : '进入'}</Text>
        </View>
      ))}
    </PageContainer>
  )
}
