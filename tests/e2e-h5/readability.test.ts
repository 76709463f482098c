/**
 * Readability on every page (issue #18, 关怀模式): each BUILT route of src/services/routes.ts is
 * opened as a persona who uses it, in two settings, and measured:
 *
 * - everyday, 375×812: every visible text ≥ 14 px, the page's body text (the size covering most
 *   characters) ≥ 15 px, every tap target ≥ 44 px tall;
 * - care, 320×640 with 关怀模式 switched on and the browser's text at 1.3× (default font 21 px):
 *   every visible text ≥ 17 px, body ≥ 18 px (everyday × 1.25), tap targets ≥ 44 px, and no text
 *   cut: no text outside the screen or spilling out of its box, no clipped box (overflow
 *   hidden/clip) whose content is wider or taller than it (a summary clamped to lines with "…" is
 *   allowed), no horizontal page scroll, and no sentence squeezed into a box under 4.5 characters
 *   wide.
 *
 * Violations are gathered into one list "page · persona · selector «text» · measured" so the
 * failure says what to fix. A screenshot per page and setting goes to
 * test-results/screenshots/readability/<setting>/<route>.png.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { BUILT, routes, type RouteName } from '../../src/services/routes'
import { screenshotDir, startApp, type TestApp } from './support/app'

interface Setting {
  name: 'everyday' | 'care'
  viewport: { width: number; height: number }
  care: boolean
  /** The browser's default font size (16 = standard). */
  defaultFont: number
  minText: number
  minBody: number
  minTap: number
  checkCut: boolean
}

const SETTINGS: Setting[] = [
  { name: 'everyday', viewport: { width: 375, height: 812 }, care: false, defaultFont: 16, minText: 14, minBody: 15, minTap: 44, checkCut: false },
  { name: 'care', viewport: { width: 320, height: 640 }, care: true, defaultFont: 21, minText: 17, minBody: 18, minTap: 44, checkCut: true }
]

type Persona = 'demo-resident' | 'demo-member' | 'demo-staff' | 'demo-admin' | 'demo-property' | 'demo-committee' | null

let app: TestApp

/** Who opens each page, and with which query (ids from the seeded cloud). */
function plan(): Partial<Record<RouteName, { persona: Persona; query?: string }>> {
  const store = app.cloud.store
  const find = (collection: string, query: object): any => {
    const doc = store.findOne(collection, query as any)
    if (!doc) throw new Error(`readability: the seeded cloud has no ${collection} matching ${JSON.stringify(query)}`)
    return doc
  }
  const live = find('activities', { communityId: 'c1', title: '楼道杂物清理', status: 'published' })
  const ended = store.findOne('activities', { communityId: 'c1', title: '电动车充电安全检查' } as any) ?? live
  const team = find('teams', { communityId: 'c1', type: 'emergency' })
  const center = find('centers', { communityId: 'c1' })
  const room = find('rooms', { centerId: center._id })
  const notice = find('notices', {})
  const ticket = find('tickets', { reporterOpenid: 'demo-resident' })
  const wish = find('wishes', {})
  const registration = find('registrations', { communityId: 'c1' })
  const company = find('companies', {})
  return {
    home: { persona: 'demo-resident' },
    activities: { persona: 'demo-resident' },
    centers: { persona: 'demo-resident' },
    mine: { persona: 'demo-member' },
    registerForm: { persona: 'demo-resident' },
    registerMine: { persona: 'demo-member' },
    registerReview: { persona: 'demo-staff' },
    registerDetail: { persona: 'demo-staff', query: `id=${registration._id}` },
    registerPoster: { persona: 'demo-staff', query: 'communityId=c1' },
    registerProgress: { persona: 'demo-admin' },
    volunteerHours: { persona: 'demo-member' },
    volunteerManage: { persona: 'demo-staff' },
    volunteerDetail: { persona: 'demo-member', query: `id=${live._id}` },
    volunteerEdit: { persona: 'demo-staff' },
    volunteerCode: { persona: 'demo-staff', query: `id=${live._id}` },
    volunteerCheckin: { persona: 'demo-member', query: `activityId=${live._id}` },
    volunteerScan: { persona: 'demo-staff', query: `id=${live._id}` },
    volunteerRoster: { persona: 'demo-staff', query: `id=${live._id}` },
    volunteerRecords: { persona: 'demo-staff', query: `id=${ended._id}` },
    volunteerCertificate: { persona: 'demo-member' },
    volunteerVerify: { persona: null, query: 'no=VC000000' },
    volunteerMyCode: { persona: 'demo-member' },
    volunteerRanking: { persona: 'demo-member' },
    volunteerTeams: { persona: 'demo-member' },
    volunteerTeam: { persona: 'demo-member', query: `id=${team._id}` },
    volunteerMakeUps: { persona: 'demo-staff' },
    volunteerJoin: { persona: 'demo-resident' },
    centersBookingReview: { persona: 'demo-staff' },
    centersDetail: { persona: 'demo-resident', query: `id=${center._id}` },
    centersRoom: { persona: 'demo-resident', query: `id=${room._id}` },
    centersMine: { persona: 'demo-resident' },
    centersCheckIn: { persona: 'demo-member', query: `scene=${room.code}` },
    centersStats: { persona: 'demo-staff' },
    centersFund: { persona: 'demo-admin' },
    centersManage: { persona: 'demo-staff', query: `id=${center._id}` },
    centersEdit: { persona: 'demo-staff', query: `id=${center._id}` },
    noticesList: { persona: 'demo-resident' },
    noticesPublish: { persona: 'demo-staff' },
    noticesDetail: { persona: 'demo-resident', query: `id=${notice._id}` },
    noticesManage: { persona: 'demo-staff' },
    noticesStats: { persona: 'demo-admin', query: `id=${notice._id}` },
    noticesResidence: { persona: 'demo-member' },
    ticketsCreate: { persona: 'demo-resident' },
    ticketsWork: { persona: 'demo-staff' },
    ticketsDetail: { persona: 'demo-resident', query: `id=${ticket._id}` },
    ticketsCompany: { persona: 'demo-admin', query: `id=${company._id}` },
    ticketsWishes: { persona: 'demo-member' },
    ticketsWish: { persona: 'demo-member', query: `id=${wish._id}` },
    ticketsWishNew: { persona: 'demo-resident' },
    ticketsDeeds: { persona: 'demo-committee' },
    ticketsRules: { persona: 'demo-admin' },
    districtDashboard: { persona: 'demo-admin' },
    districtFigure: { persona: 'demo-admin', query: 'key=partyGroups' },
    districtReport: { persona: 'demo-admin' },
    privacyMyData: { persona: 'demo-resident' },
    privacyAudit: { persona: 'demo-admin' },
    mineSettings: { persona: 'demo-member' },
    mineHelp: { persona: 'demo-resident' },
    districtRanking: { persona: 'demo-committee' }
  }
}

/**
 * Runs in the page (a string: the test transform's helpers must not leak into it). Returns the
 * violations of the page shown now as strings, plus the body size.
 */
const MEASURE = `((limits) => {
  const out = []
  const W = window.innerWidth
  const short = (s) => s.replace(/\\s+/g, ' ').trim().slice(0, 24)
  const name = (el) => {
    if (!el || el.nodeType !== 1) return '?'
    const cls = (typeof el.className === 'string' ? el.className : '').split(/\\s+/).filter((c) => c && !/^(taro|hydrated|weui-tabbar__item--on)/.test(c)).slice(0, 2)
    return el.tagName.toLowerCase() + (cls.length ? '.' + cls.join('.') : '')
  }
  const visible = (el) => {
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return false
    const r = el.getBoundingClientRect()
    return r.width > 0 && r.height > 0
  }
  const sizes = new Map()
  const byClass = new Map()
  const cramped = new Set()
  const small = new Map()
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
  const scrollsX = (el) => { for (let a = el; a && a !== document.body; a = a.parentElement) { const o = getComputedStyle(a).overflowX; if (o === 'auto' || o === 'scroll') return true } return false }
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent || ''
    if (!text.trim()) continue
    const el = node.parentElement
    if (!el || /^(SCRIPT|STYLE|NOSCRIPT|TITLE)$/.test(el.tagName) || !visible(el)) continue
    const size = parseFloat(getComputedStyle(el).fontSize)
    const chars = text.replace(/\\s+/g, '').length
    sizes.set(size, (sizes.get(size) || 0) + chars)
    const k = size + '|' + name(el)
    byClass.set(k, (byClass.get(k) || 0) + chars)
    if (size < limits.minText - 0.05) {
      const key = name(el) + ' «' + short(text) + '»'
      if (!small.has(key)) small.set(key, size)
    }
    if (limits.checkCut && chars >= 2) {
      // Squeezed: a box so narrow that a sentence breaks every few characters.
      let box = el
      while (box && getComputedStyle(box).display === 'inline') box = box.parentElement
      const w = box ? box.getBoundingClientRect().width : W
      const lines = document.createRange()
      lines.selectNodeContents(node)
      const wraps = lines.getBoundingClientRect().height > 1.9 * size
      if (wraps && (w < 1.6 * size || (w < 4.5 * size && chars >= 8)) && !cramped.has(el)) {
        cramped.add(el)
        out.push('squeezed: ' + name(el) + ' «' + short(text) + '» wraps in a box ' + Math.round(w) + ' px (' + (w / size).toFixed(1) + ' characters) wide')
      }
    }
    if (limits.checkCut) {
      const range = document.createRange()
      range.selectNodeContents(node)
      const r = range.getBoundingClientRect()
      if (r.width > 0 && !scrollsX(el)) {
        if (r.right > W + 1 || r.left < -1) out.push('cut: ' + name(el) + ' «' + short(text) + '» runs off the screen (' + Math.round(r.left) + '–' + Math.round(r.right) + ' of ' + W + ' px)')
        else {
          // Text spilling out of the box around it (a tile, a chip, a button): cut for the reader.
          for (let a = el, i = 0; a && i < 6 && !a.matches('.hl-page, body'); a = a.parentElement, i++) {
            const cs = getComputedStyle(a)
            if (cs.display.startsWith('inline') && cs.display !== 'inline-block' && cs.display !== 'inline-flex') continue
            if (cs.position === 'absolute' || cs.position === 'fixed') break
            const b = a.getBoundingClientRect()
            // (a trailing space may hang past the edge: less than a third of a character is no cut)
            const slack = Math.max(1.5, parseFloat(getComputedStyle(el).fontSize) / 3)
            if (r.right > b.right + slack || r.left < b.left - slack) {
              out.push('cut: ' + name(el) + ' «' + short(text) + '» spills out of ' + name(a) + ' (' + Math.round(r.width) + ' px text in ' + Math.round(b.width) + ' px)')
              break
            }
          }
        }
      }
    }
  }
  for (const [key, size] of small) out.push('text: ' + key + ' ' + size.toFixed(1) + ' px < ' + limits.minText)
  let body = 0, most = -1
  for (const [size, chars] of sizes) if (chars > most) { most = chars; body = size }
  if (most > 0 && body < limits.minBody - 0.05) {
    const top = [...byClass].filter(([k]) => k.startsWith(body + '|')).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, n]) => k.split('|')[1] + ' ' + n)
    out.push('body: most text is ' + body.toFixed(1) + ' px < ' + limits.minBody + ' (' + top.join(', ') + ' characters)')
  }
  // Tap targets: React click/tap handlers (DOM elements) or Taro's (__events), Taro's form controls, native inputs and links.
  const hosts = 'taro-button-core,taro-input-core,taro-textarea-core,taro-switch-core,taro-picker-core,taro-checkbox-core,taro-radio-core,taro-slider-core'
  const targets = new Set()
  for (const el of document.body.querySelectorAll('*')) {
    let tap = false
    const key = Object.keys(el).find((k) => k.startsWith('__reactProps$'))
    if (key) { const p = el[key]; tap = !!(p && (p.onClick || p.onTap || p.onLongPress || p.onLongTap)) }
    // Taro's components (custom elements) keep their React handlers in __events.
    const ev = el.__events
    if (!tap && ev && (ev.click || ev.tap || ev.longpress || ev.longtap)) tap = true
    if (!tap && (el.matches(hosts) || el.matches('a[href],button,[role=button],[role=checkbox],[role=switch]'))) tap = true
    if (!tap && el.matches('input:not([type=hidden]),textarea,select')) tap = !el.closest(hosts)
    if (tap && visible(el)) targets.add(el)
  }
  const seen = new Set()
  for (const el of targets) {
    const r = el.getBoundingClientRect()
    if (r.height >= limits.minTap - 0.5) continue
    // A target inside a taller target of the same tap (a label in its button) is covered by it.
    let covered = false
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (targets.has(a)) { covered = a.getBoundingClientRect().height >= limits.minTap - 0.5 && !el.matches(hosts); break }
    }
    if (covered) continue
    // A link inside a sentence is sized by the line it sits in (WCAG 2.5.8's inline exception).
    if (getComputedStyle(el).display === 'inline' && el.parentElement && (el.parentElement.textContent || '').trim().length > (el.textContent || '').trim().length + 1) continue
    const label = name(el) + ' «' + short(el.textContent || el.getAttribute('placeholder') || '') + '»'
    if (seen.has(label)) continue
    seen.add(label)
    out.push('tap: ' + label + ' ' + r.height.toFixed(1) + ' px tall < ' + limits.minTap)
  }
  if (limits.checkCut) {
    // A short field (a time, a count) whose value does not fit: the reader sees half of it.
    for (const el of document.body.querySelectorAll('input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=file])')) {
      if (!visible(el) || !el.value) continue
      const r = el.getBoundingClientRect()
      if (r.width < W / 2 && el.scrollWidth > el.clientWidth + 1) out.push('cut: ' + name(el) + ' «' + short(el.value) + '» shows ' + el.clientWidth + ' of ' + el.scrollWidth + ' px')
    }
    const sw = document.documentElement.scrollWidth
    if (sw > W + 1) out.push('cut: the page scrolls sideways (' + sw + ' px wide on a ' + W + ' px screen)')
    for (const el of document.body.querySelectorAll('*')) {
      const cs = getComputedStyle(el)
      const clipX = cs.overflowX === 'hidden' || cs.overflowX === 'clip'
      const clipY = cs.overflowY === 'hidden' || cs.overflowY === 'clip'
      if (!clipX && !clipY) continue
      if (!(el.textContent || '').trim() || !visible(el) || el.matches('.weui-tabbar, .taro-tabbar__tabbar, .taro_router, .taro_page, body, html, .hl-page')) continue
      // A summary clamped to a few lines with "…" (the whole text is one tap away) is not a cut.
      if (cs.webkitLineClamp && cs.webkitLineClamp !== 'none' && Number(cs.webkitLineClamp) >= 2) continue
      const wide = clipX && el.scrollWidth > el.clientWidth + 1
      const tall = clipY && el.scrollHeight > el.clientHeight + 2 && el.clientHeight > 0 && el.clientHeight < window.innerHeight
      if (wide || tall) out.push('cut: ' + name(el) + ' «' + short(el.textContent || '') + '» ' + (wide ? 'content ' + el.scrollWidth + ' px wide in ' + el.clientWidth : 'content ' + el.scrollHeight + ' px tall in ' + el.clientHeight))
    }
  }
  let texts = 0
  for (const n of sizes.values()) texts += n
  return { out, body, targets: targets.size, texts, scale: getComputedStyle(document.querySelector('.hl-page') || document.documentElement).getPropertyValue('--hl-text-scale') }
})`

/** Waits until the page shows its content: a page root, no spinner, fonts loaded, layout settled. */
async function settle(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const root = Array.from(document.querySelectorAll('.hl-page')).find((el) => (el as HTMLElement).offsetParent !== null || el.getClientRects().length > 0)
      if (!root) return false
      return !Array.from(document.querySelectorAll('.hl-state__spinner')).some((el) => el.getClientRects().length > 0)
    },
    undefined,
    { timeout: 15000, polling: 100 }
  )
  await page.evaluate(() => document.fonts.ready)
  await page.waitForTimeout(250)
}

beforeAll(async () => {
  app = await startApp()
})
afterAll(() => app?.close())

test('every page is readable in everyday use and in 关怀模式 at 320 px with 1.3× text', async () => {
  const pages = plan()
  const names = (Object.keys(routes) as RouteName[]).filter((name) => BUILT[name])
  expect(names.length).toBeGreaterThan(40)
  const page = await app.newPage('demo-resident')
  await page.clock.setFixedTime(new Date(app.cloud.clock.now()))
  const cdp = await page.context().newCDPSession(page)
  await page.goto(`${app.baseUrl}/`)
  const violations: string[] = []
  let load = 0
  for (const setting of SETTINGS) {
    const dir = join(screenshotDir, 'readability', setting.name)
    mkdirSync(dir, { recursive: true })
    await page.setViewportSize(setting.viewport)
    await cdp.send('Page.setFontSizes', { fontSizes: { standard: setting.defaultFont, fixed: Math.round(setting.defaultFont * 0.8125) } })
    for (const name of names) {
      // A route added later and not planned here is opened by the resident.
      const { persona, query } = pages[name] ?? { persona: 'demo-resident' as Persona }
      await page.evaluate(
        ([openid, care]) => {
          if (openid) localStorage.setItem('honglin.openid', openid as string)
          else localStorage.removeItem('honglin.openid')
          if (care) localStorage.setItem('honglin.careMode', JSON.stringify({ data: 'on' }))
          else localStorage.removeItem('honglin.careMode')
        },
        [persona, setting.care] as const
      )
      // A new search string makes a full load: the session, the persona and care mode are read afresh.
      await page.goto(`${app.baseUrl}/?r=${++load}#${routes[name]}${query ? `?${query}` : ''}`)
      const who = persona ?? 'signed out'
      try {
        await settle(page)
      } catch {
        violations.push(`${name} · ${who} · the page did not finish loading`)
      }
      const result = (await page.evaluate(`${MEASURE}(${JSON.stringify(setting)})`)) as { out: string[]; body: number; targets: number; texts: number; scale: string }
      if (process.env.HONGLIN_READABILITY_DEBUG) console.log(`${setting.name} ${name}: ${result.texts} characters, body ${result.body} px, ${result.targets} tap targets, scale ${result.scale || 1}`)
      if (setting.care && Number(result.scale) < 1.25) violations.push(`${name} · ${who} · 关怀模式 is not on (--hl-text-scale ${result.scale || 'unset'})`)
      for (const v of result.out) violations.push(`${setting.name} · ${name} · ${who} · ${v}`)
      // Taro's H5 page scrolls inside its own box: grow the window to the content for the picture.
      const tall = (await page.evaluate(
        `Math.max(...Array.from(document.querySelectorAll('.taro_page, .taro_router, .hl-page, body')).map((el) => el.scrollHeight))`
      )) as number
      if (tall > setting.viewport.height) await page.setViewportSize({ width: setting.viewport.width, height: Math.min(tall, 8000) })
      await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true })
      if (tall > setting.viewport.height) await page.setViewportSize(setting.viewport)
    }
  }
  await page.close()
  expect(violations).toEqual([])
}, 420_000)
