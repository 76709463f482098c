#!/usr/bin/env node
// `npm run check:weapp [dir]` (default dist/weapp, after `NODE_ENV=production npx taro build --type weapp`):
// an offline check of the built mini-program for what WeChat (DevTools' compiler, the upload, the
// code review or the device) would refuse. `npm test` runs it after a production weapp build.
//
// Rules (each error names its rule):
//   json     every .json parses; app.json exists
//   files    every page of app.json (main and subpackages) has .js/.wxml/.json (.wxss is optional:
//            WeChat does not need one and Taro writes none for a page without styles); tab bar
//            pages are main-package pages and their icons exist (≤ 40 KB); every usingComponents
//            target, WXML import/include/wxs src and WXSS @import exists; sitemapLocation exists
//   size     each package ≤ 2 MB, all ≤ 20 MB (WeChat's limits), the main package and the
//            subpackages with one ≤ our budgets (MAIN_PACKAGE_BUDGET_KB, SUBPACKAGE_BUDGETS_KB;
//            BENCHMARKS.md "weapp package size", issue #15)
//   privacy  the private APIs the built JS calls against app.json: every requiredPrivateInfos-class
//            API called is declared and every declared one is called (an undeclared one fails on a
//            device; getLocation and getFuzzyLocation cannot both be declared); a location API
//            needs permission['scope.userLocation'].desc (≤ 30 characters); any privacy API needs
//            __usePrivacyCheck__ and a wx.onNeedPrivacyAuthorization listener in the built JS (our
//            popup). Lists the 用户隐私保护指引 items the mp admin must declare.
//   wxml     every .wxml compiles with WeChat's own WXML compiler (wcc, from miniprogram-compiler,
//            run offline from a temporary copy); where that binary cannot run (e.g. linux arm64),
//            a WXML structure check on htmlparser2's tokenizer (balanced tags and {{ }})
//   wxss     every .wxss parses (postcss) with no selector WXSS does not support (the universal `*`,
//            attribute selectors, :not/:has/:is/:where), and compiles with WeChat's WXSS compiler
//            (wcsc) where it can run
// miniprogram-ci's code analysis is not used: its Project needs the appid's upload key (and the
// network for the project attributes), which `npm test` does not have.
//
// Options: --json (machine-readable result), --main-budget-kb N, --wxml wcc|htmlparser2,
// --wxss wcsc|postcss (force one checker; default: WeChat's compiler where it runs), and
// --privacy-apis (print the privacy API table as JSON and exit; used by the unit tests).
// Exit code 0 when nothing is wrong, 1 otherwise.
import { spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, posix, relative, resolve, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const require = createRequire(import.meta.url)
const root = fileURLToPath(new URL('..', import.meta.url))

/** Our budget for the main package (BENCHMARKS.md, README "weapp main package"); WeChat's own limit is 2 MB. */
export const MAIN_PACKAGE_BUDGET_KB = 450
/** Our budgets for subpackages, by root (issue #15: the district's charts ≤ 400 KB). */
export const SUBPACKAGE_BUDGETS_KB = { 'packages/district': 400 }
export const PACKAGE_LIMIT_BYTES = 2 * 1024 * 1024
export const TOTAL_LIMIT_BYTES = 20 * 1024 * 1024
export const TAB_ICON_LIMIT_BYTES = 40 * 1024
export const PERMISSION_DESC_MAX = 30

/** app.json `requiredPrivateInfos`: the eight location-class APIs that must be declared to work at all. */
export const REQUIRED_PRIVATE_INFOS = [
  'getFuzzyLocation',
  'getLocation',
  'onLocationChange',
  'startLocationUpdate',
  'startLocationUpdateBackground',
  'chooseLocation',
  'choosePoi',
  'chooseAddress'
]

/** APIs that need scope.userLocation (and so a permission description). choosePoi/chooseLocation no longer do. */
export const USER_LOCATION_APIS = ['getFuzzyLocation', 'getLocation', 'onLocationChange', 'startLocationUpdate', 'startLocationUpdateBackground']

/**
 * WeChat's privacy APIs (小程序用户隐私保护指引, "隐私接口与对应的处理的信息"): calling one needs the
 * item declared in the guide (mp admin → 设置 → 服务内容声明 → 用户隐私保护指引) and the user's
 * agreement (wx.onNeedPrivacyAuthorization / the official popup). API → the guide's item.
 */
export const PRIVACY_APIS = {
  getLocation: '位置信息',
  getFuzzyLocation: '位置信息',
  startLocationUpdate: '位置信息',
  startLocationUpdateBackground: '位置信息',
  onLocationChange: '位置信息',
  choosePoi: '选择的位置信息',
  chooseLocation: '选择的位置信息',
  chooseAddress: '地址',
  chooseInvoiceTitle: '发票信息',
  chooseInvoice: '发票信息',
  getWeRunData: '微信运动步数',
  chooseLicensePlate: '车牌号',
  chooseImage: '选中的照片或视频信息',
  chooseMedia: '选中的照片或视频信息',
  chooseVideo: '选中的照片或视频信息',
  chooseMessageFile: '选中的文件',
  startRecord: '麦克风',
  getRecorderManager: '麦克风',
  joinVoIPChat: '麦克风',
  createVKSession: '摄像头',
  openBluetoothAdapter: '蓝牙',
  createBLEPeripheralServer: '蓝牙',
  saveImageToPhotosAlbum: '相册（仅写入）权限',
  saveVideoToPhotosAlbum: '相册（仅写入）权限',
  addPhoneContact: '通讯录（仅写入）权限',
  addPhoneRepeatCalendar: '日历（仅写入）权限',
  addPhoneCalendar: '日历（仅写入）权限',
  setClipboardData: '剪切板',
  getClipboardData: '剪切板',
  getUserProfile: '昵称、头像',
  getUserInfo: '昵称、头像'
}

/** Selectors WXSS does not support (WeChat's compiler stops at `*`; the rest are not in WXSS's selector list). */
const UNSUPPORTED_PSEUDOS = new Set([':not', ':has', ':is', ':where', ':matches', ':-webkit-any', ':-moz-any'])

const posixRel = (from, to) => relative(from, to).split(sep).join('/')

function walk(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) walk(path, out)
    else out.push(path)
  }
  return out
}

/** Names of privacy APIs called as `<anything>.name(` in (minified) JS: `wx.getLocation(`, `o().getLocation(`. */
export function privacyCallsIn(code) {
  const found = new Set()
  const re = /\.\s*([A-Za-z]+)\s*\(/g
  let m
  while ((m = re.exec(code))) if (Object.prototype.hasOwnProperty.call(PRIVACY_APIS, m[1])) found.add(m[1])
  return found
}

/**
 * WeChat's compilers (wcc for WXML, wcsc for WXSS) ship with miniprogram-compiler for linux-x64,
 * macOS and Windows, without the execute bit: copied to a temporary directory and made executable
 * there (node_modules is not touched). Returns { wcc, wcsc, dir } or { why } when they cannot run here.
 */
function wechatCompilers() {
  let pkg
  try {
    pkg = dirname(require.resolve('miniprogram-compiler/package.json'))
  } catch {
    return { why: 'miniprogram-compiler is not installed' }
  }
  const sub = process.platform === 'darwin' ? 'mac' : process.platform === 'win32' ? 'windows' : process.platform === 'linux' && process.arch === 'x64' ? 'linux' : null
  if (!sub) return { why: `no WeChat compiler binary for ${process.platform}-${process.arch}` }
  const exe = process.platform === 'win32' ? '.exe' : ''
  const dir = mkdtempSync(join(tmpdir(), 'honglin-wcc-'))
  const out = { dir }
  for (const name of ['wcc', 'wcsc']) {
    const from = join(pkg, 'bin', sub, name + exe)
    if (!existsSync(from)) {
      rmSync(dir, { recursive: true, force: true })
      return { why: `${from} is missing` }
    }
    out[name] = join(dir, name + exe)
    copyFileSync(from, out[name])
    chmodSync(out[name], 0o755)
  }
  const probe = spawnSync(out.wcc, ['-v'], { encoding: 'utf8' })
  if (probe.error) {
    rmSync(dir, { recursive: true, force: true })
    return { why: `wcc cannot run here (${probe.error.code || probe.error.message})` }
  }
  return out
}

/**
 * WXML structure on htmlparser2's tokenizer, with WXML's rules: any tag may self-close (`<view/>`),
 * every other tag is closed by its own end tag in order, and {{ }} balance in text and attribute
 * values. (Inline `<wxs>` bodies are JavaScript and are not checked; Taro writes `<wxs src>`.)
 */
async function wxmlStructure(file, text, error) {
  const { Tokenizer } = await import('htmlparser2')
  const lineOf = (index) => text.slice(0, index).split('\n').length
  const braces = (value, index, where) => {
    const open = (value.match(/\{\{/g) || []).length
    const close = (value.match(/\}\}/g) || []).length
    if (open !== close) error('wxml', file, `line ${lineOf(index)}: unbalanced {{ }} in ${where}`)
  }
  const stack = []
  let tag
  let attr
  const tokenizer = new Tokenizer(
    { xmlMode: true, decodeEntities: false },
    {
      onopentagname(start, end) {
        tag = { name: text.slice(start, end), at: start }
      },
      onattribname(start, end) {
        attr = { name: text.slice(start, end), value: '', at: start }
      },
      onattribdata(start, end) {
        if (attr) attr.value += text.slice(start, end)
      },
      onattribentity() {},
      onattribend() {
        if (attr && tag) braces(attr.value, attr.at, `attribute ${attr.name} of <${tag.name}>`)
        attr = undefined
      },
      onopentagend() {
        if (tag) stack.push(tag)
        tag = undefined
      },
      onselfclosingtag() {
        tag = undefined
      },
      onclosetag(start, end) {
        const name = text.slice(start, end)
        const top = stack[stack.length - 1]
        if (top?.name === name) {
          stack.pop()
          return
        }
        error('wxml', file, `line ${lineOf(start)}: </${name}> ${top ? `where <${top.name}> (line ${lineOf(top.at)}) is open` : 'closes nothing'}`)
        const i = stack.map((t) => t.name).lastIndexOf(name)
        if (i >= 0) stack.length = i
      },
      ontext(start, end) {
        braces(text.slice(start, end), start, 'text')
      },
      ontextentity() {},
      oncdata() {},
      oncomment() {},
      ondeclaration() {},
      onprocessinginstruction() {},
      onend() {
        for (const open of stack) error('wxml', file, `<${open.name}> (line ${lineOf(open.at)}) is never closed`)
      }
    }
  )
  tokenizer.write(text)
  tokenizer.end()
}

/**
 * Checks a built mini-program directory. Returns { errors: [{ rule, file, message }], notes: [], sizes }.
 * `options`: { mainBudgetKb, wxml: 'auto'|'wcc'|'htmlparser2', wxss: 'auto'|'wcsc'|'postcss' }.
 */
export async function checkWeapp(dir, options = {}) {
  const mainBudget = (options.mainBudgetKb ?? MAIN_PACKAGE_BUDGET_KB) * 1024
  const errors = []
  const notes = []
  const error = (rule, file, message) => errors.push({ rule, file, message })
  const abs = resolve(dir)
  if (!existsSync(join(abs, 'app.json'))) {
    error('json', 'app.json', `missing: ${abs} is not a built mini-program (run: NODE_ENV=production npx taro build --type weapp)`)
    return { errors, notes, sizes: {} }
  }
  const files = walk(abs).map((f) => posixRel(abs, f))
  const has = (rel) => existsSync(join(abs, rel)) && statSync(join(abs, rel)).isFile()

  // json
  const json = {}
  for (const f of files.filter((f) => f.endsWith('.json'))) {
    try {
      json[f] = JSON.parse(readFileSync(join(abs, f), 'utf8'))
    } catch (e) {
      error('json', f, `does not parse: ${e.message}`)
    }
  }
  const app = json['app.json']
  if (!app) return { errors, notes, sizes: {} }

  // files
  const subPackages = app.subPackages || app.subpackages || []
  const roots = subPackages.map((s) => String(s.root).replace(/^\/+|\/+$/g, ''))
  const mainPages = app.pages || []
  if (!mainPages.length) error('files', 'app.json', 'no pages')
  const pages = [...mainPages.map((p) => ({ page: p, pkg: 'main' })), ...subPackages.flatMap((s, i) => (s.pages || []).map((p) => ({ page: `${roots[i]}/${p}`, pkg: roots[i] })))]
  const seen = new Set()
  for (const { page, pkg } of pages) {
    if (seen.has(page)) error('files', 'app.json', `page ${page} is listed twice`)
    seen.add(page)
    if (pkg === 'main' && roots.some((r) => page.startsWith(`${r}/`))) error('files', 'app.json', `main-package page ${page} lies inside subpackage ${roots.find((r) => page.startsWith(`${r}/`))}`)
    const missing = ['js', 'wxml', 'json'].filter((ext) => !has(`${page}.${ext}`))
    if (missing.length) error('files', `${page}`, `page of ${pkg === 'main' ? 'the main package' : `subpackage ${pkg}`} has no ${missing.map((e) => `.${e}`).join(', ')}`)
  }
  if (!has('app.js')) error('files', 'app.js', 'missing')
  for (const tab of app.tabBar?.list || []) {
    if (!mainPages.includes(tab.pagePath)) error('files', 'app.json', `tab bar page ${tab.pagePath} is not a main-package page`)
    for (const key of ['iconPath', 'selectedIconPath']) {
      if (!tab[key]) continue
      if (!has(tab[key])) error('files', tab[key], `tab bar ${key} of ${tab.pagePath} is missing`)
      else if (statSync(join(abs, tab[key])).size > TAB_ICON_LIMIT_BYTES) error('files', tab[key], `tab bar icon is over ${TAB_ICON_LIMIT_BYTES / 1024} KB`)
    }
  }
  for (const [f, content] of Object.entries(json)) {
    for (const [name, target] of Object.entries(content?.usingComponents || {})) {
      if (typeof target !== 'string' || target.startsWith('plugin://') || target.startsWith('plugin-private://')) continue
      const base = target.startsWith('/') ? target.slice(1) : posix.join(posix.dirname(f), target)
      const missing = ['js', 'wxml', 'json'].filter((ext) => !has(`${base}.${ext}`))
      if (missing.length) error('files', f, `usingComponents "${name}": ${target} has no ${missing.map((e) => `.${e}`).join(', ')}`)
    }
  }
  const resolveRef = (from, src) => (src.startsWith('/') ? src.slice(1) : posix.normalize(posix.join(posix.dirname(from), src)))
  const wxmlFiles = files.filter((f) => f.endsWith('.wxml'))
  for (const f of wxmlFiles) {
    const text = readFileSync(join(abs, f), 'utf8')
    for (const m of text.matchAll(/<(import|include|wxs)\b[^>]*?\bsrc\s*=\s*["']([^"'{}]+)["']/g)) {
      let target = resolveRef(f, m[2])
      if (m[1] !== 'wxs' && !target.endsWith('.wxml')) target += '.wxml'
      if (!has(target)) error('files', f, `<${m[1]} src="${m[2]}">: ${target} does not exist`)
    }
  }
  if (app.sitemapLocation) {
    const map = json[app.sitemapLocation.replace(/^\/+/, '')]
    if (!has(app.sitemapLocation.replace(/^\/+/, ''))) error('files', 'app.json', `sitemapLocation ${app.sitemapLocation} does not exist`)
    else if (map) {
      if (!Array.isArray(map.rules) || !map.rules.length) error('files', app.sitemapLocation, 'has no rules')
      for (const rule of map.rules || []) {
        if (rule.action !== undefined && rule.action !== 'allow' && rule.action !== 'disallow') error('files', app.sitemapLocation, `rule action "${rule.action}" is neither allow nor disallow`)
        if (rule.page !== '*' && !seen.has(rule.page)) error('files', app.sitemapLocation, `rule page "${rule.page}" is not a page of app.json`)
      }
    }
  } else notes.push('app.json has no sitemapLocation: WeChat indexes every page for search')

  // size
  const pkgOf = (f) => roots.find((r) => f.startsWith(`${r}/`)) ?? 'main'
  const sizes = { main: 0, total: 0 }
  for (const r of roots) sizes[r] = 0
  for (const f of files) {
    if (f.endsWith('.map')) continue
    const size = statSync(join(abs, f)).size
    sizes[pkgOf(f)] += size
    sizes.total += size
  }
  const kb = (n) => `${(n / 1024).toFixed(0)} KB`
  for (const [pkg, size] of Object.entries(sizes)) {
    if (pkg === 'total') continue
    if (size > PACKAGE_LIMIT_BYTES) error('size', pkg === 'main' ? '(main package)' : pkg, `${kb(size)} is over WeChat's 2 MB per package`)
  }
  if (sizes.total > TOTAL_LIMIT_BYTES) error('size', '(all packages)', `${kb(sizes.total)} is over WeChat's 20 MB in all`)
  if (sizes.main > mainBudget) error('size', '(main package)', `${kb(sizes.main)} is over our ${kb(mainBudget)} budget (BENCHMARKS.md)`)
  for (const [root, budgetKb] of Object.entries(SUBPACKAGE_BUDGETS_KB)) {
    if (sizes[root] !== undefined && sizes[root] > budgetKb * 1024) error('size', root, `${kb(sizes[root])} is over our ${budgetKb} KB budget for this subpackage (BENCHMARKS.md)`)
  }

  // privacy
  const used = new Map() // api → files
  for (const f of files.filter((f) => f.endsWith('.js'))) {
    for (const api of privacyCallsIn(readFileSync(join(abs, f), 'utf8'))) used.set(api, [...(used.get(api) || []), f])
  }
  const declared = app.requiredPrivateInfos || []
  for (const api of declared) {
    if (!REQUIRED_PRIVATE_INFOS.includes(api)) error('privacy', 'app.json', `requiredPrivateInfos "${api}" is not one WeChat knows (${REQUIRED_PRIVATE_INFOS.join(', ')})`)
    else if (!used.has(api)) error('privacy', 'app.json', `requiredPrivateInfos declares ${api}, which no built JS calls: remove it (the code review asks why)`)
  }
  if (declared.includes('getLocation') && declared.includes('getFuzzyLocation')) error('privacy', 'app.json', 'requiredPrivateInfos cannot declare both getLocation and getFuzzyLocation')
  for (const [api, where] of used) {
    if (REQUIRED_PRIVATE_INFOS.includes(api) && !declared.includes(api)) error('privacy', where[0], `calls ${api}, which app.json requiredPrivateInfos does not declare: it fails on a device`)
  }
  if ([...used.keys()].some((api) => USER_LOCATION_APIS.includes(api))) {
    const desc = app.permission?.['scope.userLocation']?.desc
    if (!desc) error('privacy', 'app.json', `a location API is called but permission['scope.userLocation'].desc is missing`)
    else if ([...desc].length > PERMISSION_DESC_MAX) error('privacy', 'app.json', `permission['scope.userLocation'].desc is over ${PERMISSION_DESC_MAX} characters`)
  }
  if (used.size) {
    if (app.__usePrivacyCheck__ !== true) error('privacy', 'app.json', 'privacy APIs are called but __usePrivacyCheck__ is not true')
    const items = [...new Set([...used.keys()].map((api) => PRIVACY_APIS[api]))]
    notes.push(`用户隐私保护指引 must declare: ${items.join('、')} (APIs called: ${[...used.keys()].sort().join(', ')})`)
    // Our popup (src/services/privacy, src/components/PrivacyPopup.tsx) answers WeChat's request;
    // without the listener a privacy API waits on a popup that only the mp admin's setting shows.
    const listens = files.filter((f) => f.endsWith('.js')).some((f) => readFileSync(join(abs, f), 'utf8').includes('onNeedPrivacyAuthorization'))
    if (!listens) error('privacy', 'app.js', 'privacy APIs are called but no built JS registers wx.onNeedPrivacyAuthorization (src/services/privacy/index.weapp.ts): nothing asks the user to agree')
  }

  // wxml and wxss: WeChat's compilers where they run
  const want = (choice, name) => (options[choice] ?? 'auto') === 'auto' || options[choice] === name
  const compilers = want('wxml', 'wcc') || want('wxss', 'wcsc') ? wechatCompilers() : { why: 'forced by --wxml/--wxss' }
  try {
    const useWcc = Boolean(compilers.wcc) && want('wxml', 'wcc')
    if (options.wxml === 'wcc' && !compilers.wcc) error('wxml', '(wcc)', `WeChat's WXML compiler cannot run: ${compilers.why}`)
    if (useWcc && wxmlFiles.length) {
      const wxs = files.filter((f) => f.endsWith('.wxs'))
      const res = spawnSync(compilers.wcc, ['-d', '-cc', '0', ...wxmlFiles, ...wxs, '-gn', '$gwx'], { cwd: abs, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
      if (res.status !== 0) {
        const lines = `${res.stderr || ''}`.split('\n').filter((l) => l.trim())
        for (const line of lines.length ? lines : [`wcc exited with ${res.status ?? res.error?.message}`]) error('wxml', line.match(/^([^\s:]+\.wxml):/)?.[1] ?? '(wcc)', `WeChat's WXML compiler: ${line}`)
      }
      notes.push(`WXML compiled with WeChat's wcc (${wxmlFiles.length} files)`)
    } else if (wxmlFiles.length) {
      for (const f of wxmlFiles) await wxmlStructure(f, readFileSync(join(abs, f), 'utf8'), error)
      notes.push(`WXML checked with htmlparser2 (${compilers.wcc ? 'forced by --wxml' : `WeChat's wcc not used: ${compilers.why}`})`)
    }

    const postcss = (await import('postcss')).default
    const selectorParser = (await import('postcss-selector-parser')).default
    const wxssFiles = files.filter((f) => f.endsWith('.wxss'))
    for (const f of wxssFiles) {
      let ast
      try {
        ast = postcss.parse(readFileSync(join(abs, f), 'utf8'), { from: f })
      } catch (e) {
        error('wxss', f, `does not parse: ${e.reason || e.message}${e.line ? ` (line ${e.line}:${e.column})` : ''}`)
        continue
      }
      ast.walkAtRules('import', (at) => {
        const src = at.params.replace(/^url\(|\)$/g, '').replace(/^["']|["']$/g, '').trim()
        if (!/^https?:/.test(src) && !has(resolveRef(f, src))) error('files', f, `@import ${src}: ${resolveRef(f, src)} does not exist`)
      })
      ast.walkRules((rule) => {
        if (rule.parent?.type === 'atrule' && /keyframes$/i.test(rule.parent.name)) return
        const bad = new Set()
        try {
          selectorParser((selectors) => {
            selectors.walk((node) => {
              if (node.type === 'universal') bad.add('the universal selector *')
              else if (node.type === 'attribute') bad.add(`the attribute selector [${node.attribute}]`)
              else if (node.type === 'pseudo' && UNSUPPORTED_PSEUDOS.has(node.value.toLowerCase())) bad.add(`${node.value}()`)
            })
          }).processSync(rule.selector)
        } catch (e) {
          error('wxss', f, `selector "${rule.selector}" does not parse: ${e.message}`)
          return
        }
        for (const what of bad) error('wxss', f, `"${rule.selector}"${rule.source?.start ? ` (line ${rule.source.start.line}:${rule.source.start.column})` : ''} uses ${what}, which WXSS does not support: give the elements a class`)
      })
    }
    const useWcsc = Boolean(compilers.wcsc) && want('wxss', 'wcsc')
    if (options.wxss === 'wcsc' && !compilers.wcsc) error('wxss', '(wcsc)', `WeChat's WXSS compiler cannot run: ${compilers.why}`)
    if (useWcsc && wxssFiles.length) {
      const res = spawnSync(compilers.wcsc, ['-db', '-pc', '0', ...wxssFiles], { cwd: abs, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
      if (res.status !== 0) {
        const lines = `${res.stderr || ''}`.split('\n').filter((l) => l.trim() && !/^error file count/.test(l))
        for (const line of lines.length ? lines : [`wcsc exited with ${res.status ?? res.error?.message}`]) {
          const clean = line.replace(/^ERR:\s*/, '')
          const file = clean.match(/^([^\s(]+\.wxss)\(/)?.[1] ?? clean.match(/from `([^`]+)`/)?.[1] ?? '(wcsc)'
          error('wxss', file, `WeChat's WXSS compiler: ${clean}`)
        }
      }
      notes.push(`WXSS compiled with WeChat's wcsc (${wxssFiles.length} files)`)
    } else if (wxssFiles.length) notes.push(`WXSS checked with postcss only (${compilers.wcsc ? 'forced by --wxss' : `WeChat's wcsc not used: ${compilers.why}`})`)
  } finally {
    if (compilers.dir) rmSync(compilers.dir, { recursive: true, force: true })
  }

  return { errors, notes, sizes }
}

async function main(argv) {
  if (argv.includes('--privacy-apis')) {
    console.log(JSON.stringify({ requiredPrivateInfos: REQUIRED_PRIVATE_INFOS, userLocationApis: USER_LOCATION_APIS, privacyApis: PRIVACY_APIS, permissionDescMax: PERMISSION_DESC_MAX }))
    return 0
  }
  const value = (flag) => {
    const i = argv.indexOf(flag)
    return i >= 0 ? argv[i + 1] : undefined
  }
  const flagged = new Set(['--main-budget-kb', '--wxml', '--wxss'].flatMap((f) => (argv.includes(f) ? [argv.indexOf(f), argv.indexOf(f) + 1] : [])))
  const dir = argv.find((a, i) => !a.startsWith('--') && !flagged.has(i)) ?? join(root, 'dist', 'weapp')
  const budget = value('--main-budget-kb')
  const result = await checkWeapp(dir, { mainBudgetKb: budget === undefined ? undefined : Number(budget), wxml: value('--wxml'), wxss: value('--wxss') })
  if (argv.includes('--json')) {
    console.log(JSON.stringify(result))
  } else {
    const kb = (n) => `${(n / 1024).toFixed(0)} KB`
    console.log(`check-weapp: ${relative(process.cwd(), resolve(dir)) || '.'}`)
    if (result.sizes.total !== undefined) {
      console.log(`  sizes: ${Object.entries(result.sizes).map(([k, v]) => `${k} ${kb(v)}`).join(', ')} (budgets: main ${budget ?? MAIN_PACKAGE_BUDGET_KB} KB, ${Object.entries(SUBPACKAGE_BUDGETS_KB).map(([r, k]) => `${r} ${k} KB`).join(', ')})`)
    }
    for (const n of result.notes) console.log(`  note: ${n}`)
    for (const e of result.errors) console.log(`  ERROR [${e.rule}] ${e.file}: ${e.message}`)
    console.log(result.errors.length ? `check-weapp: ${result.errors.length} problem(s): WeChat would refuse this build` : 'check-weapp: ok')
  }
  return result.errors.length ? 1 : 0
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e)
      process.exit(1)
    }
  )
}
