/**
 * scripts/check-weapp.mjs (the offline WeChat check `npm test` runs on dist/weapp) on tiny built
 * trees: tests/fixtures/weapp-ok passes, tests/fixtures/weapp-broken breaks every rule and each
 * break is reported. Run through the CLI (as npm test does), in both WXML/WXSS modes: WeChat's own
 * compilers (wcc/wcsc, where they run) and the portable htmlparser2/postcss checks.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = join(__dirname, '..', '..')
const script = join(root, 'scripts', 'check-weapp.mjs')
const ok = join(root, 'tests', 'fixtures', 'weapp-ok')
const broken = join(root, 'tests', 'fixtures', 'weapp-broken')

type Result = { errors: { rule: string; file: string; message: string }[]; notes: string[]; sizes: Record<string, number> }

function check(dir: string, ...args: string[]): { status: number | null; result: Result } {
  const res = spawnSync(process.execPath, [script, dir, '--json', ...args], { encoding: 'utf8' })
  if (res.error) throw res.error
  return { status: res.status, result: JSON.parse(res.stdout) as Result }
}

const messages = (r: Result, rule: string) => r.errors.filter((e) => e.rule === rule).map((e) => `${e.file}: ${e.message}`)

describe('scripts/check-weapp.mjs', () => {
  it.each([[[]], [['--wxml', 'htmlparser2', '--wxss', 'postcss']]])('passes a well-formed build (%j)', (args) => {
    const { status, result } = check(ok, ...args)
    expect(result.errors).toEqual([])
    expect(status).toBe(0)
    expect(result.notes.join('\n')).toContain('用户隐私保护指引 must declare: 位置信息')
  })

  describe.each([
    ['WeChat compilers where they run', [] as string[]],
    ['htmlparser2 and postcss', ['--wxml', 'htmlparser2', '--wxss', 'postcss']]
  ])('a broken build, %s', (_mode, args) => {
    const { status, result } = check(broken, '--main-budget-kb', '1', ...args)

    it('exits 1', () => {
      expect(status).toBe(1)
    })

    it('json: a file that does not parse', () => {
      expect(messages(result, 'json')).toEqual([expect.stringMatching(/^pages\/mine\/index\.json: does not parse/)])
    })

    it('files: pages, tab bar, components, imports and the sitemap', () => {
      const files = messages(result, 'files')
      expect(files).toEqual(
        expect.arrayContaining([
          'pages/gone/index: page of the main package has no .js, .wxml, .json',
          'packages/a/pages/x/index: page of subpackage packages/a has no .wxml',
          'assets/missing.png: tab bar selectedIconPath of pages/home/index is missing',
          'app.json: tab bar page packages/a/pages/x/index is not a main-package page',
          'pages/home/index.json: usingComponents "missing": ../../nope has no .js, .wxml, .json',
          'pages/mine/index.wxml: <import src="../../missing.wxml">: missing.wxml does not exist',
          'app.wxss: @import ./gone.wxss: gone.wxss does not exist',
          'sitemap.json: rule page "pages/nowhere/index" is not a page of app.json',
          'sitemap.json: rule action "hide" is neither allow nor disallow'
        ])
      )
    })

    it('size: the main package over the budget', () => {
      expect(messages(result, 'size')).toEqual([expect.stringMatching(/^\(main package\): \d+ KB is over our 1 KB budget/)])
    })

    it('privacy: undeclared, unused, unknown and conflicting declarations; permission text; privacy check', () => {
      const privacy = messages(result, 'privacy')
      expect(privacy).toEqual(
        expect.arrayContaining([
          expect.stringContaining('pages/home/index.js: calls chooseLocation, which app.json requiredPrivateInfos does not declare'),
          expect.stringContaining('requiredPrivateInfos declares getFuzzyLocation, which no built JS calls'),
          expect.stringContaining('requiredPrivateInfos declares chooseAddress, which no built JS calls'),
          expect.stringContaining('requiredPrivateInfos "getSecrets" is not one WeChat knows'),
          'app.json: requiredPrivateInfos cannot declare both getLocation and getFuzzyLocation',
          "app.json: permission['scope.userLocation'].desc is over 30 characters",
          'app.json: privacy APIs are called but __usePrivacyCheck__ is not true'
        ])
      )
      // getLocation is called and declared: not reported.
      expect(privacy.join('\n')).not.toMatch(/calls getLocation|declares getLocation,/)
    })

    it('wxml: a file that does not compile', () => {
      const wxml = messages(result, 'wxml')
      expect(wxml.length).toBeGreaterThan(0)
      for (const m of wxml) expect(m).toMatch(/^pages\/mine\/index\.wxml: /)
      if (result.notes.some((n) => n.includes("compiled with WeChat's wcc"))) expect(wxml.join('\n')).toContain("WeChat's WXML compiler")
      else expect(wxml).toEqual(expect.arrayContaining([expect.stringContaining('</vie> where <view> (line 2) is open'), expect.stringContaining('unbalanced {{ }}')]))
    })

    it('wxss: unsupported selectors and a file that does not parse', () => {
      const wxss = messages(result, 'wxss')
      expect(wxss).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^common\.wxss: "\.card > \*" .*universal selector/),
          expect.stringMatching(/^common\.wxss: "\.card \[data-x\]" .*attribute selector/),
          expect.stringMatching(/^common\.wxss: "\.card:not\(\.off\)" .*:not\(\)/),
          expect.stringMatching(/^pages\/home\/index\.wxss: does not parse/)
        ])
      )
      if (result.notes.some((n) => n.includes("compiled with WeChat's wcsc"))) expect(wxss.join('\n')).toContain("common.wxss: WeChat's WXSS compiler: common.wxss(1:9): error at token `*`")
    })
  })

  it("size: a subpackage over WeChat's 2 MB", () => {
    const dir = mkdtempSync(join(tmpdir(), 'weapp-size-'))
    try {
      cpSync(ok, dir, { recursive: true })
      writeFileSync(join(dir, 'packages', 'a', 'big.js'), Buffer.alloc(2 * 1024 * 1024 + 1))
      const { status, result } = check(dir)
      expect(status).toBe(1)
      expect(messages(result, 'size')).toEqual([expect.stringMatching(/^packages\/a: 2048 KB is over WeChat's 2 MB per package/)])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('size: the district subpackage over its own 400 KB budget (issue #15)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weapp-size-'))
    try {
      cpSync(ok, dir, { recursive: true })
      const app = JSON.parse(readFileSync(join(dir, 'app.json'), 'utf8'))
      app.subPackages = [...(app.subPackages ?? []), { root: 'packages/district', pages: ['pages/dashboard/index'] }]
      writeFileSync(join(dir, 'app.json'), JSON.stringify(app))
      mkdirSync(join(dir, 'packages', 'district', 'pages', 'dashboard'), { recursive: true })
      for (const ext of ['js', 'wxml', 'json']) writeFileSync(join(dir, 'packages', 'district', 'pages', 'dashboard', `index.${ext}`), ext === 'json' ? '{}' : '')
      writeFileSync(join(dir, 'packages', 'district', 'sub-vendors.js'), Buffer.alloc(401 * 1024))
      const { status, result } = check(dir)
      expect(status).toBe(1)
      expect(messages(result, 'size')).toEqual([expect.stringMatching(/^packages\/district: 401 KB is over our 400 KB budget/)])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('prints the problems and exits 1 without --json', () => {
    const res = spawnSync(process.execPath, [script, broken], { encoding: 'utf8' })
    expect(res.status).toBe(1)
    expect(res.stdout).toMatch(/ERROR \[privacy\] pages\/home\/index\.js: calls chooseLocation/)
    expect(res.stdout).toMatch(/check-weapp: \d+ problem\(s\)/)
    expect(execFileSync(process.execPath, [script, ok], { encoding: 'utf8' })).toMatch(/check-weapp: ok/)
  })

  it('fails when there is no build at all', () => {
    const { status, result } = check(join(root, 'tests', 'fixtures', 'no-such-build'))
    expect(status).toBe(1)
    expect(result.errors[0].message).toContain('taro build --type weapp')
  })
})
