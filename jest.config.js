/** Two projects: `unit` (pure logic and React components in jsdom) and `functions`
 *  (cloud functions and the emulator backend, through the real wx-server-sdk). */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } }, target: 'es2020' } }]
const transformIgnorePatterns = [
  '<rootDir>/node_modules/(?!(@tarojs|@nutui|@stencil|lodash-es|query-string|decode-uri-component|filter-obj|split-on-first|swiper|ssr-window|dom7)/)'
]
module.exports = {
  // Function tests with real parallel calls and browser journeys need more than the 5 s default.
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/unit/**/*.test.ts?(x)'],
      setupFiles: ['<rootDir>/tests/support/taro-env.ts'],
      transform: { '^.+\\.(t|j)sx?$': swc },
      transformIgnorePatterns,
      moduleNameMapper: {
        '^@/(.*)$': '<rootDir>/src/$1',
        '^@contracts/(.*)$': '<rootDir>/contracts/$1',
        '^@tarojs/components$': '@tarojs/components/lib/react',
        '^@tarojs/taro$': '<rootDir>/tests/support/taro-stub.ts',
        '^@nutui/nutui-react-taro$': '@nutui/nutui-react-taro/dist/es/packages/nutui.react.build.js',
        '\\.(css|scss|sass)$': '<rootDir>/tests/support/style-stub.js'
      }
    },
    {
      displayName: 'functions',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/functions/**/*.test.ts', '<rootDir>/tests/emulator/**/*.test.ts'],
      transform: { '^.+\\.(t|j)sx?$': swc },
      moduleNameMapper: { '^@/(.*)$': '<rootDir>/src/$1', '^@contracts/(.*)$': '<rootDir>/contracts/$1' }
    },
    {
      // Playwright journeys on the H5 build (npm test builds dist/h5 first). The global setup
      // stops the run at once, with the fix, when dist/h5 is missing or the browser cannot start.
      displayName: 'e2e-h5',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/e2e-h5/**/*.test.ts'],
      globalSetup: '<rootDir>/tests/e2e-h5/support/global-setup.ts',
      transform: { '^.+\\.(t|j)sx?$': swc },
      moduleNameMapper: { '^@/(.*)$': '<rootDir>/src/$1', '^@contracts/(.*)$': '<rootDir>/contracts/$1' }
    },
    {
      // miniprogram-automator specs: need WeChat DevTools (macOS/Windows); skipped elsewhere.
      displayName: 'e2e-mp',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/e2e-mp/**/*.test.ts'],
      transform: { '^.+\\.(t|j)sx?$': swc }
    }
  ]
}
