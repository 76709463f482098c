import { cloudPlatform } from './cloud'
import { localPlatform } from './local'
import type { Platform } from './types'

export type * from './types'

/**
 * Chosen in this one place: the emulator host sets HONGLIN_PLATFORM=local. Deployed bundles get
 * ./hosted in place of ./local (scripts/build-functions.mjs), so no emulator code is uploaded.
 */
export function platform(): Platform {
  return process.env.HONGLIN_PLATFORM === 'local' ? localPlatform : cloudPlatform
}
