/**
 * When the signal returns (Taro picks `network.weapp.ts` / `network.h5.ts`; this neutral fallback
 * is for tsc and jest): Taro's onNetworkStatusChange reports it on WeChat, but on H5 it only
 * listens to navigator.connection, which never says "offline", so H5 uses the browser's `online`.
 */
export function onSignalBack(_listener: () => void): () => void {
  return () => {}
}
