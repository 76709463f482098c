import { Text, View } from '@tarojs/components'
import { PageContainer } from '@/components'
import './wechat.scss'

/**
 * H5 builds without dev sign-in (HONGLIN_DEV_SIGNIN false: any H5 build not made for the local
 * emulator; registered in app.config.ts instead of ./index). Such a build has no way to sign in yet
 * — a deployed H5 needs a real sign-in, the PC back office's work (issue #19) — so every page that
 * needs the user sends the visitor here. No persona list, no stored openid.
 */
export default function OpenInWeChatPage() {
  return (
    <PageContainer>
      <View className='open-in-wechat'>
        <Text className='open-in-wechat__title'>请在微信中打开「红邻」小程序</Text>
        <Text className='open-in-wechat__desc'>网页版暂不能登录。报到、活动、预约、通知和“三方联动”都在微信小程序里办理：</Text>
        <View className='open-in-wechat__steps'>
          <Text className='open-in-wechat__step'>1. 扫码来的：请用微信“扫一扫”扫描同一个二维码，会直接打开小程序中的同一页面。</Text>
          <Text className='open-in-wechat__step'>2. 也可以在微信顶部搜索“红邻”，打开小程序。</Text>
          <Text className='open-in-wechat__step'>3. 第一次使用请按提示授权登录；遇到问题请联系所在社区。</Text>
        </View>
      </View>
    </PageContainer>
  )
}
