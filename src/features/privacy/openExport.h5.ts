import type { ExportedFile } from './openExport'

/** H5: download the file (the emulator serves files under /files/). */
export async function openExport(file: ExportedFile): Promise<void> {
  // Same-origin path: the URL's host may be the emulator's configured public URL, not this page's.
  const a = document.createElement('a')
  a.href = file.url.replace(/^https?:\/\/[^/]+/, '')
  a.download = file.fileName
  a.rel = 'noopener'
  document.body.appendChild(a)
  a.click()
  a.remove()
}
