/**
 * The browser's text size: the default font size (`font-size: medium`, 16 px unless the person
 * set it larger) over 16 px. The page's own sizes are rem of a root font size Taro sets in px from
 * the width, so they do not follow that setting by themselves.
 */
export function readSystemScale(): number {
  if (typeof document === 'undefined' || !document.body) return 1
  const probe = document.createElement('div')
  probe.style.cssText = 'position:absolute;visibility:hidden;font-size:medium;width:0;height:0;overflow:hidden'
  document.body.appendChild(probe)
  const size = parseFloat(getComputedStyle(probe).fontSize)
  probe.remove()
  return size > 0 ? size / 16 : 1
}

/** Taro's root font size is 40 × width / 750 px with a 20 px floor: a design px is 20 / root of a 375-wide one. */
export function readWidthFactor(): number {
  if (typeof document === 'undefined') return 1
  const root = parseFloat(getComputedStyle(document.documentElement).fontSize)
  return root > 0 ? 20 / root : 1
}

/** The H5 tab bar sits outside the page roots: it reads the scale from <html>. */
export function applyRootScale(scale: number): void {
  if (typeof document === 'undefined') return
  document.documentElement.style.setProperty('--hl-text-scale', String(scale))
  document.documentElement.classList.toggle('hl-care', scale !== 1)
}
