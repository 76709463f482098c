/**
 * What differs between the mini-program and H5 (Taro picks `platform.weapp.ts` / `platform.h5.ts`
 * at build time; this file is the neutral fallback for tsc and jest). Platform files never import
 * `./platform` (it would resolve to themselves).
 */
import type { Location } from '@contracts/activities'

/** Whether the app can open the camera to scan (H5 shows a field to paste or type the code instead). */
export const canScan = false

/** Scans a QR code or mini-program code; resolves what it read (text or page path), or null. */
export async function scanCode(): Promise<string | null> {
  return null
}

/** The phone's position for a geofenced check-in (gcj02 on WeChat), or null when refused/unavailable. */
export async function currentLocation(): Promise<Location | null> {
  return null
}

/**
 * Asks to be told about sign-up outcomes (候补成功, 活动取消, 开始提醒). Call it directly in the tap
 * handler (WeChat shows the prompt only there); it never blocks the sign-up.
 */
export function askActivityMessages(): void {}

/** Prints the page (H5: the browser's print dialog). Resolves false where printing is not possible. */
export async function printPage(): Promise<boolean> {
  return false
}

/** Calls a phone number (staff reaching a volunteer on the roster). */
export function dial(_mobile: string): void {}

/** Keeps the screen on while the check-in code is shown. */
export function keepScreenOn(_on: boolean): void {}
