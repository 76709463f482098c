/**
 * Architecture rules, checked by `npm run check:architecture` (a step of `npm test`) and by
 * tests/unit/architecture.test.ts. Layout: src → contracts ← server; cloudfunctions → server;
 * emulator, tests and the emulator's scripts may use anything. Every rule is an error.
 *
 * Paths are relative to the repository root; `@/` and `@contracts/` resolve through tsconfig.json.
 * Type-only imports count (tsPreCompilationDeps), so a cycle made of `import type` is still a cycle.
 */

/** A feature's public entries: its index (the barrel), its tab.ts (the slim slice a main-package
 *  tab page imports, to keep the barrel's components out of the main package) and its dev.ts (the
 *  slice of the H5-only dev pages, kept out of the mini-program). */
const FEATURE_ENTRY = '^src/features/[^/]+/(index|tab|dev)\\.ts$'
/** Scripts that start or fill the local emulator. */
const EMULATOR_SCRIPTS = '^scripts/(seed\\.ts|start\\.mjs|bench/)'

/**
 * DEPCRUISE_PLATFORM=weapp|h5 resolves `./x` as that Taro build does (x.weapp.ts before x.ts), so
 * a cycle through a platform file shows (tests/unit/architecture.test.ts cruises src/ both ways).
 * Unset (npm run check:architecture), `./x` is the platform-neutral x.ts, as tsc and jest see it.
 */
const PLATFORM = process.env.DEPCRUISE_PLATFORM
const PLATFORM_EXTENSIONS = PLATFORM ? [`.${PLATFORM}.ts`, `.${PLATFORM}.tsx`] : []

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules import each other (directly or through others). Move what both need into a module of its own (e.g. a types.ts) that imports neither.',
      from: {},
      to: { circular: true }
    },
    {
      name: 'platform-file-not-to-own-base',
      severity: 'error',
      comment:
        "A platform file (x.weapp.ts, x.h5.ts) cannot import its neutral twin ./x: Taro resolves `./x` to the platform file itself, so the import is a self-cycle (an export read through it recurses forever). Put what both share in a module of its own (e.g. templates.ts). Type-only imports are erased and allowed.",
      from: { path: '^(.+)\\.(weapp|h5)\\.tsx?$' },
      to: { path: '^$1\\.tsx?$', dependencyTypesNot: ['type-only'] }
    },
    {
      name: 'server-not-to-app',
      severity: 'error',
      comment: 'server/ runs in the cloud: it may import contracts/ and server/, never the app (src/), the emulator, scripts or tests.',
      from: { path: '^server/' },
      to: { path: '^(src|emulator|scripts|tests|cloudfunctions)/' }
    },
    {
      name: 'contracts-only-zod',
      severity: 'error',
      comment: 'contracts/ is shared by the app and the server: it imports only other contracts and zod.',
      from: { path: '^contracts/' },
      to: { pathNot: ['^contracts/', '^node_modules/zod/'] }
    },
    {
      name: 'app-not-to-server',
      severity: 'error',
      comment: 'The app talks to the functions only through call() / functionClient (src/services/cloud), never by importing server/, emulator/ or cloudfunctions/.',
      from: { path: '^src/' },
      to: { path: '^(server|emulator|cloudfunctions|scripts|tests)/' }
    },
    {
      name: 'feature-internals',
      severity: 'error',
      comment: "A feature imports another feature only through its public entry (src/features/<b>/index.ts; tab.ts for main-package tab pages, dev.ts for H5-only dev pages). Export what you need from there.",
      from: { path: '^src/features/([^/]+)/' },
      to: { path: '^src/features/', pathNot: ['^src/features/$1/', FEATURE_ENTRY] }
    },
    {
      name: 'page-to-feature-internals',
      severity: 'error',
      comment: "Pages and shared code import a feature only through its public entry (src/features/<b>/index.ts; tab.ts for main-package tab pages, dev.ts for H5-only dev pages), plus its stylesheets. Export what you need from there.",
      from: { path: '^src/', pathNot: '^src/features/' },
      to: { path: '^src/features/', pathNot: [FEATURE_ENTRY, '\\.s?css$'] }
    },
    {
      name: 'shared-not-to-features',
      severity: 'error',
      comment: 'src/components and src/services are shared by every feature: they never import a feature.',
      from: { path: '^src/(components|services)/' },
      to: { path: '^src/features/' }
    },
    {
      name: 'emulator-only-in-tests-and-scripts',
      severity: 'error',
      comment: 'Only the emulator itself, tests and the scripts that start or seed it (scripts/start.mjs, scripts/seed.ts, scripts/bench) import emulator/.',
      from: { pathNot: ['^(emulator|tests)/', EMULATOR_SCRIPTS] },
      to: { path: '^emulator/' }
    },
    {
      name: 'cloudfunction-only-server',
      severity: 'error',
      comment: 'cloudfunctions/<name>/index.ts is a thin entry: it imports server/ only (contracts reach it through server/).',
      from: { path: '^cloudfunctions/[^/]+/index\\.ts$' },
      to: { pathNot: '^server/' }
    }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // The function bundles (built by scripts/build-functions.mjs), build output, and the fixture
    // with a deliberate cycle (tests/unit/architecture.test.ts cruises it on its own).
    exclude: { path: ['^dist/', '^test-results/', '^cloudfunctions/[^/]+/index\\.js$', '^tests/fixtures/architecture/'] },
    moduleSystems: ['es6', 'cjs'],
    // Type-only imports count for tsc and jest (a cycle of `import type` is still a cycle); a Taro
    // build erases them, so the platform cruise ignores them.
    tsPreCompilationDeps: !PLATFORM,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: [...PLATFORM_EXTENSIONS, '.ts', '.tsx', '.d.ts', '.js', '.jsx', '.mjs', '.cjs', '.json']
    },
    skipAnalysisNotInRules: true
  }
}
