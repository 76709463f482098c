/** Two projects: `unit` (pure logic and React components in jsdom) and `functions`
 *  (cloud functions and the emulator backend, through the real wx-server-sdk). */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } }, target: 'es2020' } }]
const transformIgnorePatterns = [
  '<rootDir>/node_modules/(?!(@tarojs|@nutui|@stencil|lodash-es|query-string|decode-uri-component|filter-obj|split-on-first|swiper|ssr-window|dom7)/)'
]
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/unit/**/*.test.ts?(x)'],
      transform: { '^.+\\.(t|j)sx?$': swc },
      transformIgnorePatterns,
      moduleNameMapper: {
        '^@/(.*)$': '<rootDir>/src/$1',
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
      moduleNameMapper: { '^@/(.*)$': '<rootDir>/src/$1' }
    }
  ]
}
