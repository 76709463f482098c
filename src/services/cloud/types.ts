/**
 * How one cloud-function call travels. `data` is exactly what `wx.cloud.callFunction({ name, data })`
 * sends (`{ action, ...input }`); the promise resolves with the function's raw return value and rejects
 * on transport failure. The reply envelope is checked by `call()`, never here.
 */
export type Transport = (name: string, data: Record<string, unknown>) => Promise<unknown>
