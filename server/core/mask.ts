/** 13812341234 → 138****1234. Anything shorter is masked whole. */
export function maskMobile(mobile: string | undefined): string | undefined {
  if (!mobile) return undefined
  return mobile.length === 11 ? `${mobile.slice(0, 3)}****${mobile.slice(7)}` : '****'
}

/** 王小明 → 王**; used where a resident chose not to show their name. */
export function maskName(name: string | undefined): string {
  if (!name) return '居民'
  return name.slice(0, 1) + '*'.repeat(Math.max(1, name.length - 1))
}
