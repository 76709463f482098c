/** H5 has no scanner: the check-in page shows a field for the code printed under the QR. */
export const canScan = false

export async function scanRoomCode(): Promise<string | null> {
  return null
}

/** On the emulator every message goes to the local outbox; nothing to ask. */
export function askBookingMessages(): void {}

export function currentLocation(): Promise<{ latitude: number; longitude: number } | null> {
  return new Promise((resolve) => {
    if (typeof navigator === 'undefined' || !navigator.geolocation) return resolve(null)
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ latitude: p.coords.latitude, longitude: p.coords.longitude }),
      () => resolve(null),
      { timeout: 5000, maximumAge: 600_000 }
    )
  })
}

export async function openFile(url: string, name: string): Promise<void> {
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.target = '_blank'
  document.body.appendChild(a)
  a.click()
  a.remove()
}
