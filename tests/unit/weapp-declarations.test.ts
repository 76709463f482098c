/**
 * The weapp declarations of src/app.config.ts against the code's own use of WeChat's private APIs
 * (the table of scripts/check-weapp.mjs, from WeChat's 用户隐私保护指引 docs): every
 * requiredPrivateInfos-class API called in src/ is declared and every declared one is called; a
 * location API has its permission text; privacy APIs turn on __usePrivacyCheck__. And the sitemap:
 * only public pages are indexed. (scripts/check-weapp.mjs checks the same on the built dist/weapp.)
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { routes } from '@/services/routes'

const root = join(__dirname, '..', '..')

type Table = { requiredPrivateInfos: string[]; userLocationApis: string[]; privacyApis: Record<string, string>; permissionDescMax: number }
const table: Table = JSON.parse(execFileSync(process.execPath, [join(root, 'scripts', 'check-weapp.mjs'), '--privacy-apis'], { encoding: 'utf8' }))

type Declarations = {
  pages: string[]
  subPackages?: { root: string; pages: string[] }[]
  requiredPrivateInfos?: string[]
  permission?: Record<string, { desc: string }>
  __usePrivacyCheck__?: boolean
  sitemapLocation?: string
}

function loadAppConfig(platform: 'weapp' | 'h5'): Declarations {
  const previous = process.env.TARO_ENV
  process.env.TARO_ENV = platform
  ;(globalThis as any).defineAppConfig = (c: Declarations) => c
  try {
    let config: Declarations | undefined
    jest.isolateModules(() => {
      config = require('@/app.config').default
    })
    return config!
  } finally {
    process.env.TARO_ENV = previous
  }
}

/** Source files that end up in the mini-program: everything in src/ but the H5 platform files. */
function weappSources(dir = join(root, 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return weappSources(path)
    return /\.(ts|tsx)$/.test(e.name) && !/\.h5\.tsx?$/.test(e.name) ? [path] : []
  })
}

const stripComments = (code: string) => code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1')

/** Privacy API → files that call it as `Taro.x(` or `wx.x(`. */
function privacyCalls(files: string[]): Map<string, string[]> {
  const used = new Map<string, string[]>()
  for (const file of files) {
    const code = stripComments(readFileSync(file, 'utf8'))
    for (const m of code.matchAll(/\b(?:Taro|wx)\s*\.\s*([A-Za-z]+)\s*\(/g)) {
      if (!(m[1] in table.privacyApis)) continue
      used.set(m[1], [...new Set([...(used.get(m[1]) ?? []), relative(root, file)])])
    }
  }
  return used
}

/** What WeChat would refuse, given the APIs used and the app.json declarations. */
function problems(used: Set<string>, c: Declarations): string[] {
  const out: string[] = []
  const declared = c.requiredPrivateInfos ?? []
  for (const api of used) if (table.requiredPrivateInfos.includes(api) && !declared.includes(api)) out.push(`${api} is called but not declared in requiredPrivateInfos`)
  for (const api of declared) {
    if (!table.requiredPrivateInfos.includes(api)) out.push(`${api} is not a requiredPrivateInfos API`)
    else if (!used.has(api)) out.push(`${api} is declared but never called`)
  }
  if (declared.includes('getLocation') && declared.includes('getFuzzyLocation')) out.push('getLocation and getFuzzyLocation are both declared')
  if ([...used].some((api) => table.userLocationApis.includes(api))) {
    const desc = c.permission?.['scope.userLocation']?.desc ?? ''
    if (!desc) out.push("permission['scope.userLocation'].desc is missing")
    if ([...desc].length > table.permissionDescMax) out.push("permission['scope.userLocation'].desc is too long")
  }
  if (used.size && c.__usePrivacyCheck__ !== true) out.push('__usePrivacyCheck__ is not true')
  return out
}

describe('weapp declarations (src/app.config.ts) against the code', () => {
  const weapp = loadAppConfig('weapp')
  const h5 = loadAppConfig('h5')
  const used = privacyCalls(weappSources())

  it('finds the private APIs the mini-program calls', () => {
    // The scan is not vacuous: these calls are in src/ today (check-in, photos, attachments, poster, certificate).
    expect([...used.keys()]).toEqual(expect.arrayContaining(['getLocation', 'chooseMedia', 'chooseMessageFile', 'saveImageToPhotosAlbum', 'setClipboardData']))
  })

  it('declares exactly the requiredPrivateInfos APIs called, with permission text and the privacy check', () => {
    expect(problems(new Set(used.keys()), weapp)).toEqual([])
    expect(weapp.requiredPrivateInfos).toEqual(['getLocation'])
  })

  it('fails an undeclared call, an unused declaration and a missing permission text', () => {
    expect(problems(new Set(['getLocation', 'chooseAddress']), weapp)).toEqual(['chooseAddress is called but not declared in requiredPrivateInfos'])
    expect(problems(new Set(['chooseMedia']), weapp)).toEqual(['getLocation is declared but never called'])
    expect(problems(new Set(['getLocation']), { ...weapp, permission: undefined, __usePrivacyCheck__: false })).toEqual([
      "permission['scope.userLocation'].desc is missing",
      '__usePrivacyCheck__ is not true'
    ])
    expect(problems(new Set(['getLocation']), { ...weapp, requiredPrivateInfos: ['getLocation', 'getFuzzyLocation'] })).toEqual(
      expect.arrayContaining(['getLocation and getFuzzyLocation are both declared'])
    )
  })

  it('keeps the WeChat-only keys out of the H5 config', () => {
    for (const key of ['requiredPrivateInfos', 'permission', '__usePrivacyCheck__', 'sitemapLocation'] as const) expect(h5[key]).toBeUndefined()
  })

  describe('sitemap (src/sitemap.json)', () => {
    const sitemap: { rules: { action?: string; page: string }[] } = JSON.parse(readFileSync(join(root, 'src', 'sitemap.json'), 'utf8'))
    const pages = [...weapp.pages, ...(weapp.subPackages ?? []).flatMap((s) => s.pages.map((p) => `${s.root}/${p}`))]
    /** WeChat applies the first rule that matches (no priorities used here); no rule = allow. */
    const indexed = (page: string) => (sitemap.rules.find((r) => r.page === page || r.page === '*')?.action ?? 'allow') === 'allow'
    const path = (route: string) => route.replace(/^\//, '')

    it('is what app.json points at', () => {
      expect(weapp.sitemapLocation).toBe('sitemap.json')
    })

    it('names only pages that exist', () => {
      for (const rule of sitemap.rules) if (rule.page !== '*') expect(pages).toContain(rule.page)
    })

    it('lets WeChat index the public pages only', () => {
      const open = [routes.home, routes.activities, routes.centers, routes.volunteerVerify].map(path)
      expect(pages.filter(indexed).sort()).toEqual(open.sort())
      for (const admin of [routes.registerReview, routes.volunteerManage, routes.centersManage, routes.noticesPublish, routes.districtDashboard, routes.privacyAudit, routes.privacyMyData].map(path)) {
        expect(indexed(admin)).toBe(false)
      }
    })
  })
})
