/**
 * What differs between the mini-program and H5 (Taro picks `platform.weapp.ts` / `platform.h5.ts`
 * at build time; this file is the neutral fallback for tsc and jest). Platform files never import
 * `./platform` (it would resolve to themselves).
 */

/** Whether the phone can scan a code (the check-in page offers typing the code otherwise). */
export const canScan = false

/** Scans the room's code; resolves what was read (a page path with `scene=`, or the code), or null. */
export async function scanRoomCode(): Promise<string | null> {
  return null
}

/**
 * Asks to be told about the booking's review and cancellations. Call it directly in the tap
 * handler (WeChat shows the prompt only there); never blocks the booking.
 */
export function askBookingMessages(): void {}

/** The phone's location for "nearest first", or null when unavailable or refused. */
export async function currentLocation(): Promise<{ latitude: number; longitude: number } | null> {
  return null
}

/** Opens a downloaded file (the utilisation export). */
export async function openFile(_url: string, _name: string): Promise<void> {}
