import type { Location } from '@contracts/activities'

/** H5 has no in-app scanner: pages show a field for the code (the QR links open the page directly). */
export const canScan = false

export async function scanCode(): Promise<string | null> {
  return null
}

export function currentLocation(): Promise<Location | null> {
  return new Promise((resolve) => {
    if (typeof navigator === 'undefined' || !navigator.geolocation) return resolve(null)
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ latitude: p.coords.latitude, longitude: p.coords.longitude, accuracy: p.coords.accuracy }),
      () => resolve(null),
      { enableHighAccuracy: true, timeout: 6000, maximumAge: 60_000 }
    )
  })
}

/** On the emulator every message goes to the local outbox; nothing to ask. */
export function askActivityMessages(): void {}

export async function printPage(): Promise<boolean> {
  if (typeof window === 'undefined' || !window.print) return false
  window.print()
  return true
}

export function dial(mobile: string): void {
  if (typeof window !== 'undefined') window.location.href = `tel:${mobile}`
}

/** Browsers keep the screen on only with the Wake Lock API; where missing, nothing happens. */
let lock: { release(): Promise<void> } | null = null
export function keepScreenOn(on: boolean): void {
  const nav = typeof navigator !== 'undefined' ? (navigator as unknown as { wakeLock?: { request(type: 'screen'): Promise<{ release(): Promise<void> }> } }) : undefined
  if (on && nav?.wakeLock && !lock) nav.wakeLock.request('screen').then((l) => (lock = l)).catch(() => {})
  if (!on && lock) {
    void lock.release().catch(() => {})
    lock = null
  }
}
