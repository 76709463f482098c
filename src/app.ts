import type { PropsWithChildren } from 'react'
import { useLaunch } from '@tarojs/taro'
// Platform module: init.weapp.ts initialises wx.cloud; init.h5.ts does nothing (HTTP to the emulator).
import { initCloud } from './services/cloud/init'
// Platform module: index.weapp.ts registers wx.onNeedPrivacyAuthorization (PageContainer shows the popup).
import { registerPrivacyAuthorization } from './services/privacy'
import './app.scss'

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    initCloud()
    registerPrivacyAuthorization()
  })
  // children are the pages
  return children
}

export default App
