export { call, setTransport, NETWORK_ERROR_MESSAGE } from './call'
export { useCall, type CallState } from './useCall'
export type { Transport } from './types'
