import path from 'node:path'
import { defineConfig, type UserConfigExport } from '@tarojs/cli'
import devConfig from './dev'
import prodConfig from './prod'

/** NutUI React Taro is drawn for a 375 design width; our own styles for 750. */
export function designWidth(input?: string | number | { file?: string }): number {
  const file = input && typeof input === 'object' ? input.file : undefined
  return file?.replace(/\\+/g, '/').includes('@nutui') ? 375 : 750
}

/**
 * zod's `z` is a namespace object re-exported by contracts/zod.ts; once split into the vendors
 * chunk webpack keeps every export it reaches, including all locales. Replace the locale index
 * with en + zh-CN only.
 */
function trimZod(chain: { resolve: { alias: { set(key: string, value: string): unknown } } }): void {
  chain.resolve.alias.set(path.join(path.dirname(require.resolve('zod/package.json')), 'v4', 'locales', 'index.js'), path.resolve(__dirname, 'shims/zod-locales.js'))
}

/** The contracts are shared by the app and the functions, so they sit beside src/, not in it;
 *  Taro compiles only its sourceRoot unless told. */
const contractsDir = path.resolve(__dirname, '..', 'contracts')

/**
 * `HONGLIN_DEV_SIGNIN` (a build-time constant, see defineConstants below): whether this build signs
 * in by a dev openid — the persona picker (src/pages/dev-login), the 我的 page's persona switch and
 * the H5 transport's `x-openid` header, which only the local cloud emulator trusts. True only for
 * an H5 build made for the emulator: `npm start` and `npm test` set `HONGLIN_EMULATOR=1` for theirs
 * (by hand: `HONGLIN_EMULATOR=1 npx taro build --type h5`). A plain H5 build (`npm run build:h5`,
 * the one to deploy) has no dev sign-in and no persona list in its bundle, and sends no identity:
 * it asks the visitor to open the mini-program in WeChat. Always false for weapp, where the WeChat
 * session is the identity.
 */
export function devSignIn(platform: string, env: Record<string, string | undefined> = process.env): boolean {
  return platform === 'h5' && env.HONGLIN_EMULATOR === '1'
}

export default defineConfig<'webpack5'>(async (merge) => {
  const platform = process.env.TARO_ENV || 'weapp'
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'honglin',
    date: '2026-11-27',
    designWidth,
    deviceRatio: {
      640: 2.34 / 2,
      750: 1,
      375: 2,
      828: 1.81 / 2
    },
    sourceRoot: 'src',
    // HONGLIN_H5_DIR: an H5 build elsewhere than dist/h5 (two people building at once on one checkout).
    outputRoot: platform === 'h5' && process.env.HONGLIN_H5_DIR ? process.env.HONGLIN_H5_DIR : `dist/${platform}`,
    plugins: [],
    // Values are code (esbuild, which reads app.config.ts, takes strings only): 'true' / 'false'.
    // Declared in types/global.d.ts; the unit tests default it to true (tests/support/taro-env.ts).
    defineConstants: { HONGLIN_DEV_SIGNIN: JSON.stringify(devSignIn(platform)) },
    alias: {
      '@': path.resolve(__dirname, '..', 'src'),
      '@contracts': contractsDir
    },
    // The mini-program's search-index rules (app.json `sitemapLocation`, set in src/app.config.ts).
    // WXML is deliberately not minified (`mini.minifyXML`): Taro's html-minifier breaks the
    // generated base.wxml (WeChat's compiler then stops at "expect end-tag `input`") and saves
    // under 2 KB; WXSS is minified by the production CSS minimizer and JS by terser below.
    copy: { patterns: platform === 'weapp' ? [{ from: 'src/sitemap.json', to: 'dist/weapp/sitemap.json' }] : [], options: {} },
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: false },
    // Taro's minifier writes ASCII only, so every Chinese character of the contracts' messages and
    // labels costs 6 bytes (\uXXXX) instead of 3; mini-program code is read as UTF-8.
    ...(platform === 'weapp' ? { terser: { enable: true, config: { output: { ascii_only: false } } } } : {}),
    mini: {
      // HONGLIN_SOURCEMAP=1: source maps in a production build, to see which module costs how many bytes.
      ...(process.env.HONGLIN_SOURCEMAP ? { enableSourceMap: true, sourceMapType: 'source-map' } : {}),
      webpackChain: trimZod,
      compile: { include: [contractsDir] },
      // Template recursion depth in base.wxml (default 16). Deeper trees continue through Taro's
      // custom-wrapper component; 12 covers our pages and keeps the main package under 600 KB.
      // (Read by the weapp template generator; missing from Taro's config typings.)
      ...({ baseLevel: 12 } as object),
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } }
      }
    },
    h5: {
      publicPath: '/',
      compile: { include: [contractsDir] },
      staticDirectory: 'static',
      // Hash router (Taro's default): QR landing URLs look like /#/packages/register/pages/form/index?scene=XXXX
      router: { mode: 'hash' },
      output: {
        filename: 'js/[name].[contenthash:8].js',
        chunkFilename: 'js/[name].[contenthash:8].js'
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[contenthash:8].css'
      },
      webpackChain(chain) {
        trimZod(chain)
        // Taro splits only initial chunks on H5, so every lazily loaded page carried its own copy of
        // zod, React helpers and NutUI; share them between pages instead.
        const split = chain.optimization.get('splitChunks')
        if (split) chain.optimization.splitChunks({ ...split, chunks: 'all' })
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } }
      }
    }
  }
  if (process.env.NODE_ENV === 'development') return merge({}, baseConfig, devConfig)
  return merge({}, baseConfig, prodConfig)
})
