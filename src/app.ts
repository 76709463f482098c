import type { PropsWithChildren } from 'react'
import { useDidShow, useLaunch } from '@tarojs/taro'
// Platform module: init.weapp.ts initialises wx.cloud; init.h5.ts does nothing (HTTP to the emulator).
import { initCloud } from './services/cloud/init'
// Platform module: index.weapp.ts registers wx.onNeedPrivacyAuthorization (PageContainer shows the popup).
import { registerPrivacyAuthorization } from './services/privacy'
import { careMode } from './services/careMode'
import './app.scss'

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    initCloud()
    registerPrivacyAuthorization()
  })
  // Back from the background: the WeChat text size may have changed meanwhile (关怀模式 follows it).
  useDidShow(() => careMode.refresh())
  // children are the pages
  return children
}

export default App
