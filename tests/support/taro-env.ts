/**
 * Test environment for rendering Taro pages and NutUI in jsdom. Globals that Taro's build defines (webpack DefinePlugin) and that @tarojs/runtime and
 * @tarojs/components read at import time. Import this first in UI tests (or list it in the unit
 * project's `setupFiles`).
 */
const g = globalThis as Record<string, unknown>
for (const flag of [
  'ENABLE_INNER_HTML',
  'ENABLE_ADJACENT_HTML',
  'ENABLE_SIZE_APIS',
  'ENABLE_TEMPLATE_CONTENT',
  'ENABLE_CLONE_NODE',
  'ENABLE_CONTAINS',
  'ENABLE_MUTATION_OBSERVER'
]) {
  if (g[flag] === undefined) g[flag] = true
}
if (g.DEPRECATED_ADAPTER_COMPONENT === undefined) g.DEPRECATED_ADAPTER_COMPONENT = false
// Ours (config/index.ts): the unit tests model the emulator's H5 build, with dev sign-in; a test
// of the deployed H5 sets it to false (tests/unit/dev-signin-flag.test.ts).
if (g.HONGLIN_DEV_SIGNIN === undefined) g.HONGLIN_DEV_SIGNIN = true
process.env.TARO_ENV = process.env.TARO_ENV || 'h5'
process.env.TARO_PLATFORM = process.env.TARO_PLATFORM || 'web'
process.env.SUPPORT_TARO_POLYFILL = process.env.SUPPORT_TARO_POLYFILL || 'disabled'
process.env.FRAMEWORK = process.env.FRAMEWORK || 'react'

// Heavy browser-only dependencies that @tarojs/components and NutUI's barrel import but no test
// renders: swiper ships .mjs only (outside the unit transform), lottie-web needs a real canvas.
jest.mock('swiper/bundle', () => ({ __esModule: true, default: function Swiper() {} }))
jest.mock('lottie-react', () => ({ __esModule: true, default: () => null }))
jest.mock('@nutui/lottie-miniprogram', () => ({ __esModule: true, default: { loadAnimation: () => ({}) } }))

export {}
