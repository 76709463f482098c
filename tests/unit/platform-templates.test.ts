/**
 * The pure parts of the platform seams: splitting long texts for msgSecCheck, and the subscription
 * message declarations (server/notify/templates.ts) — value limits, the `<env>_KEYS` mapping, and
 * every sender in server/ filling exactly its kind's declared keys.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { anyChunkFlagged, CHUNK_OVERLAP, MSG_SEC_CHECK_MAX_CHARS, splitForCheck } from '../../server/platform/chunks'
import { fitValue, prepareMessage, templateKeys, TEMPLATES, valueProblem, type TemplateKey } from '../../server/notify/templates'

describe('splitForCheck', () => {
  test('a text within the limit is one chunk', () => {
    expect(splitForCheck('短文本')).toEqual(['短文本'])
    const exact = '字'.repeat(MSG_SEC_CHECK_MAX_CHARS)
    expect(splitForCheck(exact)).toEqual([exact])
  })

  test('cuts after a paragraph or sentence end where it can, every chunk within the limit, covering the whole text', () => {
    const text = Array.from({ length: 400 }, (_, i) => `第${i}条：请各位居民注意用电安全。`).join('')
    const chunks = splitForCheck(text)
    expect(chunks.length).toBeGreaterThan(2)
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(MSG_SEC_CHECK_MAX_CHARS)
    for (const c of chunks.slice(0, -1)) expect(c.endsWith('。')).toBe(true)
    // Overlapping by at most OVERLAP characters: removing the overlaps gives back the text.
    let rebuilt = chunks[0]
    for (const c of chunks.slice(1)) {
      const overlap = [...Array(CHUNK_OVERLAP + 2).keys()].reverse().find((n) => rebuilt.endsWith(c.slice(0, n)))!
      rebuilt += c.slice(overlap)
    }
    expect(rebuilt).toBe(text)
  })

  test('a hard cut (no boundary at all) overlaps, so a word split by it is still seen whole', () => {
    const text = 'a'.repeat(MSG_SEC_CHECK_MAX_CHARS - 1) + '赌博' + 'b'.repeat(3000)
    const chunks = splitForCheck(text)
    expect(chunks[0]).not.toContain('赌博')
    expect(chunks.some((c) => c.includes('赌博'))).toBe(true)
  })

  test('never cuts an emoji (surrogate pair) in two', () => {
    const text = '😀'.repeat(3000)
    for (const c of splitForCheck(text)) {
      expect(c.length).toBeLessThanOrEqual(MSG_SEC_CHECK_MAX_CHARS)
      expect(c).toBe('😀'.repeat(c.length / 2))
    }
  })

  test('anyChunkFlagged stops starting chunks once one is flagged, and keeps to the concurrency', async () => {
    const seen: string[] = []
    const flagged = await anyChunkFlagged(['a', 'bad', 'c', 'd', 'e', 'f'], async (c) => {
      seen.push(c)
      return c === 'bad'
    }, 1)
    expect(flagged).toBe(true)
    expect(seen).toEqual(['a', 'bad'])
    expect(await anyChunkFlagged(['a', 'b'], async () => false)).toBe(false)
  })
})

describe('subscription message values', () => {
  test('WeChat’s limits per type', () => {
    expect(valueProblem('thing1', '二十个字以内的事物说明')).toBeNull()
    expect(valueProblem('thing1', '超'.repeat(21))).toMatch(/longer than 20/)
    expect(valueProblem('thing1', '')).toMatch(/empty/)
    expect(valueProblem('phrase2', '已受理')).toBeNull()
    expect(valueProblem('phrase2', '审核未通过了')).toMatch(/longer than 5/)
    expect(valueProblem('phrase2', 'OK')).toMatch(/not a valid phrase/)
    for (const ok of ['2026-11-27 09:00', '2026年11月27日 09:00', '15:01', '2026-11-27 09:00~2026-11-27 11:00']) expect(valueProblem('time3', ok)).toBeNull()
    for (const bad of ['明天上午', '2026-11-27', '11月27日 周五 09:00-11:00']) expect(valueProblem('time3', bad)).toMatch(/not a valid time/)
    expect(valueProblem('date2', '2026年11月27日')).toBeNull()
    expect(valueProblem('character_string4', 'T261127ABC')).toBeNull()
    expect(valueProblem('character_string4', 'x'.repeat(33))).toMatch(/longer than 32/)
    expect(valueProblem('number5', '12.5')).toBeNull()
    expect(valueProblem('amount6', '￥12.50')).toBeNull()
    expect(valueProblem('name7', '王建国')).toBeNull()
    expect(valueProblem('name7', '欧阳'.repeat(6))).toMatch(/longer than 10/)
    expect(valueProblem('phone_number8', '+86-0766-66888866')).toBeNull()
    expect(valueProblem('keyword1', 'x')).toMatch(/unknown value type/)
  })

  test('values are fitted to their type where that keeps their meaning', () => {
    expect(fitValue('thing1', '  楼道灯\n坏了  ')).toBe('楼道灯 坏了')
    expect(fitValue('thing1', '超'.repeat(30))).toBe(`${'超'.repeat(19)}…`)
    expect(fitValue('thing1', '')).toBe('-')
    expect(fitValue('phrase2', '已受理!')).toBe('已受理')
    expect(fitValue('character_string3', '工单 T261127-ABC')).toBe('T261127-ABC')
    expect(fitValue('name4', '欧阳'.repeat(6))).toBe('欧阳'.repeat(5))
  })
})

describe('template keys (<env>_KEYS)', () => {
  afterEach(() => {
    delete process.env.TPL_BOOKING_CANCELLED_KEYS
  })

  test('each kind declares its env, title and fields; keys name a WeChat value type', () => {
    for (const [kind, def] of Object.entries(TEMPLATES)) {
      expect(def.env).toMatch(/^TPL_[A-Z_]+$/)
      expect(def.id).toBeTruthy()
      expect(def.title).toBeTruthy()
      for (const key of Object.keys(def.fields)) expect(`${kind}.${key}: ${valueProblem(key, 'x') ?? ''}`).not.toMatch(/unknown value type/)
    }
    expect(new Set(Object.values(TEMPLATES).map((d) => d.env)).size).toBe(Object.keys(TEMPLATES).length)
  })

  test('maps declared keys to the template’s own, drops a field mapped to nothing, reports a bad setting', () => {
    process.env.TPL_BOOKING_CANCELLED_KEYS = 'thing1=thing4,time2=date2,thing3='
    expect(templateKeys('bookingCancelled')).toEqual({ keys: { thing1: 'thing4', time2: 'date2', thing3: null }, problems: [] })
    const sent = prepareMessage(TEMPLATES.bookingCancelled.id, { thing1: { value: '红邻中心活动室' }, time2: { value: '2026-11-28 09:00' }, thing3: { value: '临时安排防汛会议' } })
    expect(sent).toEqual({ kind: 'bookingCancelled', data: { thing4: { value: '红邻中心活动室' }, date2: { value: '2026-11-28 09:00' } }, problems: [] })

    process.env.TPL_BOOKING_CANCELLED_KEYS = 'thing9=thing1,time2=keyword2,thing1=thing3'
    expect(templateKeys('bookingCancelled').problems).toEqual([
      expect.stringMatching(/thing9 is not a field of bookingCancelled/),
      expect.stringMatching(/keyword2 is not a WeChat key/),
      expect.stringMatching(/two fields map to the same key/)
    ])
  })

  test('an undeclared template id is reported', () => {
    expect(prepareMessage('tpl-unknown', { thing1: { value: 'x' } }).problems).toEqual([expect.stringMatching(/not declared/)])
  })
})

/** Every `.ts` file under a folder. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sources(path)
    return path.endsWith('.ts') ? [path] : []
  })
}

/** The balanced `{ … }` starting at `open`, and its top-level keys. */
function topLevelKeys(text: string, open: number): string[] {
  let depth = 0
  let end = open
  for (; end < text.length; end++) {
    if (text[end] === '{') depth++
    else if (text[end] === '}' && --depth === 0) break
  }
  const inner = text.slice(open + 1, end)
  const keys: string[] = []
  depth = 0
  let part = ''
  for (const ch of inner + ',') {
    if ('{(['.includes(ch)) depth++
    if ('})]'.includes(ch)) depth--
    if (ch === ',' && depth === 0) {
      const key = /^\s*([A-Za-z_][\w]*)\s*:/.exec(part)?.[1]
      if (key) keys.push(key)
      part = ''
    } else part += ch
  }
  return keys
}

describe('every sender fills its kind’s declared keys', () => {
  const root = join(__dirname, '..', '..')
  const sites: Array<{ where: string; kind: string; keys: string[] }> = []
  for (const file of sources(join(root, 'server'))) {
    const text = readFileSync(file, 'utf8')
    // `templateId: TEMPLATES.<kind>.id` (or `template.id` after `const template = TEMPLATES.<kind>`), then its `data: {`.
    for (const m of text.matchAll(/templateId:\s*(?:TEMPLATES\.(\w+)\.id|(\w+)\.id)/g)) {
      let kind = m[1]
      if (!kind) kind = new RegExp(`const ${m[2]}\\s*=\\s*TEMPLATES\\.(\\w+)`).exec(text.slice(0, m.index))?.[1] ?? ''
      if (!kind) continue
      const data = text.indexOf('data: {', m.index)
      if (data < 0 || data - m.index! > 400) continue
      sites.push({ where: `${relative(root, file)}:${text.slice(0, m.index).split('\n').length}`, kind, keys: topLevelKeys(text, data + 'data: '.length) })
    }
  }

  test('the senders are found (every kind is sent somewhere)', () => {
    expect(sites.length).toBeGreaterThanOrEqual(Object.keys(TEMPLATES).length)
    expect(new Set(sites.map((s) => s.kind))).toEqual(new Set(Object.keys(TEMPLATES)))
  })

  test('each send’s data keys are exactly the declared ones', () => {
    const wrong = sites
      .filter((s) => {
        const declared = Object.keys(TEMPLATES[s.kind as TemplateKey]?.fields ?? {}).sort()
        return JSON.stringify([...s.keys].sort()) !== JSON.stringify(declared)
      })
      .map((s) => `${s.where} ${s.kind}: ${s.keys.join(',')}`)
    expect(wrong).toEqual([])
  })
})
