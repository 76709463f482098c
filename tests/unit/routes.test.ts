import { BUILT, TAB_ROUTES, routes, urlOf, type RouteName } from '@/services/routes'

type AppConfig = { pages: string[]; subPackages?: { root: string; pages: string[] }[]; tabBar?: { list: { pagePath: string }[] } }

function loadAppConfig(platform: 'weapp' | 'h5'): AppConfig {
  const previous = process.env.TARO_ENV
  process.env.TARO_ENV = platform
  ;(globalThis as any).defineAppConfig = (c: AppConfig) => c
  try {
    let config: AppConfig | undefined
    jest.isolateModules(() => {
      config = require('@/app.config').default
    })
    return config!
  } finally {
    process.env.TARO_ENV = previous
  }
}

const pagesOf = (c: AppConfig) => [
  ...c.pages.map((p) => `/${p}`),
  ...(c.subPackages ?? []).flatMap((s) => s.pages.map((p) => `/${s.root}/${p}`))
]

describe('routes and app.config.ts', () => {
  const weapp = loadAppConfig('weapp')
  const h5 = loadAppConfig('h5')

  it('registers every built route, and only built routes, as a page', () => {
    const built = (Object.keys(routes) as RouteName[]).filter((r) => BUILT[r]).map((r) => routes[r]).sort()
    expect(pagesOf(weapp).sort()).toEqual(built)
  })

  it('adds the dev sign-in page in the H5 build only', () => {
    expect(pagesOf(h5)).toContain('/pages/dev-login/index')
    expect(pagesOf(weapp)).not.toContain('/pages/dev-login/index')
  })

  it('has no empty subpackage', () => {
    for (const s of weapp.subPackages ?? []) expect(s.pages.length).toBeGreaterThan(0)
  })

  it('keeps the tab bar and TAB_ROUTES in step', () => {
    expect(weapp.tabBar!.list.map((t) => `/${t.pagePath}`)).toEqual(TAB_ROUTES.map((r) => routes[r]))
  })

  it('puts subpackage routes under their domain roots', () => {
    const roots = ['register', 'volunteer', 'centers', 'notices', 'tickets', 'district', 'privacy', 'admin', 'mine'].map((d) => `/packages/${d}/`)
    for (const path of Object.values(routes)) {
      if (path.startsWith('/packages/')) expect(roots.some((r) => path.startsWith(r))).toBe(true)
    }
  })

  it('builds URLs with encoded queries', () => {
    expect(urlOf('registerForm', { scene: 'AB 12', empty: undefined })).toBe('/packages/register/pages/form/index?scene=AB%2012')
    expect(urlOf('home')).toBe('/pages/home/index')
  })
})
