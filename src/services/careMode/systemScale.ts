/**
 * Platform-neutral fallback (tsc, jest); the builds use systemScale.weapp.ts / systemScale.h5.ts.
 * readSystemScale: the system / WeChat text size relative to standard (1 = standard).
 * readWidthFactor: how much smaller a design px is here than on a 375-wide phone (≥ 1).
 * applyRootScale: sets the scale outside the page roots too (H5 tab bar).
 */
export function readSystemScale(): number {
  return 1
}

export function readWidthFactor(): number {
  return 1
}

export function applyRootScale(_scale: number): void {}
