/** Platform-neutral fallback (tsc, jest): nothing to initialise. Taro picks init.weapp.ts / init.h5.ts. */
export function initCloud(): void {}
