export { call, setTransport, NETWORK_ERROR_MESSAGE } from './call'
export { functionClient, typedClient, type FunctionClient, type FunctionContract, type ActionInput, type ActionOutput } from './functionClient'
export { useCall, type CallState } from './useCall'
export type { Transport } from './types'
