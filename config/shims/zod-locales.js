// Stands in for zod/v4/locales/index.js in the app bundles (see config/index.ts): zod's namespace
// object `z` cannot be tree-shaken across chunks, which would otherwise ship all ~60 locales
// (~190 KB) in the mini-program's main package. Only these two are available as z.locales.*.
export { default as en } from 'zod/v4/locales/en.js'
export { default as zhCN } from 'zod/v4/locales/zh-CN.js'
