/** H5: download the workbook from its URL (the emulator serves files under /files/). */
export async function openWorkbook(file: { fileID: string; url: string; fileName: string }): Promise<void> {
  // Same-origin path: the URL's host may be the emulator's configured public URL, not this page's.
  const href = file.url.replace(/^https?:\/\/[^/]+/, '')
  const a = document.createElement('a')
  a.href = href
  a.download = file.fileName
  a.rel = 'noopener'
  document.body.appendChild(a)
  a.click()
  a.remove()
}
