import { cloudPlatform } from './cloud'
import { localPlatform } from './local'
import type { Platform } from './types'

export type * from './types'

/** Chosen in this one place: the emulator host sets HONGLIN_PLATFORM=local. */
export function platform(): Platform {
  return process.env.HONGLIN_PLATFORM === 'local' ? localPlatform : cloudPlatform
}
