import type { Platform } from './types'

/**
 * What a deployed bundle has in place of ./local (scripts/build-functions.mjs swaps the import):
 * the emulator's platform (files on disk, QR PNGs, the outbox) is not in cloud bundles. A host that
 * runs a built bundle locally installs the local platform on this global first
 * (tests/functions/bundles.test.ts does); in the cloud, HONGLIN_PLATFORM=local fails loudly.
 */
export const HOSTED_PLATFORM = Symbol.for('honglin.localPlatform')

function hosted(): Platform {
  const installed = (globalThis as Record<symbol, Platform | undefined>)[HOSTED_PLATFORM]
  if (!installed) {
    throw new Error(
      'HONGLIN_PLATFORM=local, but this is a deployed bundle: the emulator platform (server/platform/local.ts) is not in it. Unset HONGLIN_PLATFORM in the cloud; a local host installs the platform on globalThis[Symbol.for("honglin.localPlatform")].'
    )
  }
  return installed
}

export const localPlatform: Platform = new Proxy({} as Platform, { get: (_target, key) => Reflect.get(hosted(), key) })
