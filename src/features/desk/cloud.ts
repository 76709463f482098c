import type { DeskCloud } from './types'
import { emulatorCloud } from './cloudEmulator'
import { sdkCloud } from './cloudSdk'

export type { DeskCloud }

/**
 * The build's DeskCloud (docs/back-office.md §1.2, §2): the emulator's auth over HTTP in an
 * emulator build (HONGLIN_DEV_SIGNIN), js-sdk in any other H5 build (whose `import()`s sit in a
 * branch webpack drops from the emulator build). The interface: types.ts.
 */
export const deskCloud: DeskCloud = HONGLIN_DEV_SIGNIN ? emulatorCloud : sdkCloud
