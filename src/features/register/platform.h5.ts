/** H5 has no in-app scanner: pages show a field for the code (the QR links open the form directly). */
export const canScan = false

export async function scanCode(): Promise<string | null> {
  return null
}

/** On the emulator every message goes to the local outbox; nothing to ask. */
export function askReviewMessage(_templateIds: string[]): void {}

/** A download of the workbook (the emulator serves files under /files/). */
export async function openWorkbook(file: { fileID: string; url: string; fileName: string }): Promise<void> {
  // Same-origin path: the URL's host may be the emulator's configured public URL, not this page's.
  const a = document.createElement('a')
  a.href = file.url.replace(/^https?:\/\/[^/]+/, '')
  a.download = file.fileName
  a.rel = 'noopener'
  document.body.appendChild(a)
  a.click()
  a.remove()
}

export const canPrint = true
export function printPage(): void {
  window.print()
}

/** Browsers save an image with a download link. */
export async function saveImage(file: { fileID: string; url: string }): Promise<boolean> {
  const a = document.createElement('a')
  a.href = file.url.replace(/^https?:\/\/[^/]+/, '')
  a.download = '社区报到码.png'
  document.body.appendChild(a)
  a.click()
  a.remove()
  return true
}

export function dial(mobile: string): void {
  window.location.href = `tel:${mobile}`
}
