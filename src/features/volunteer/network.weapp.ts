import Taro from '@tarojs/taro'

/** Calls `listener` each time the phone is connected again; returns the unsubscribe. */
export function onSignalBack(listener: () => void): () => void {
  const onChange = (res: { isConnected: boolean }) => {
    if (res.isConnected) listener()
  }
  Taro.onNetworkStatusChange(onChange)
  return () => Taro.offNetworkStatusChange(onChange)
}
