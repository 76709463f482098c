import type { PropsWithChildren } from 'react'
import { useLaunch } from '@tarojs/taro'
// Platform module: init.weapp.ts initialises wx.cloud; init.h5.ts does nothing (HTTP to the emulator).
import { initCloud } from './services/cloud/init'
import './app.scss'

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    initCloud()
  })
  // children are the pages
  return children
}

export default App
