import type { Transport } from './types'

/**
 * Platform-neutral fallback, used only by tsc and jest: Taro resolves `./transport` to
 * `transport.weapp.ts` or `transport.h5.ts` first (MultiPlatformPlugin → helper.resolveMainFilePath
 * tries `<name>.<TARO_ENV>.<ext>` before `<name>.<ext>`), so this file is never in a build.
 * Tests replace the transport with `setTransport()` from `./call`.
 */
export const transport: Transport = async (name) => {
  throw new Error(`no platform transport for ${name}: build with Taro (weapp or h5) or call setTransport() in tests`)
}
