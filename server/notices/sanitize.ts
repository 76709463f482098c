/**
 * The notice body's allowlist sanitiser. Whatever an author pastes (a rich-text editor's HTML, a
 * web page, something hostile) is parsed into a tree with a tolerant HTML tokenizer and rebuilt
 * from an allowlist:
 *
 *   h2 h3 h4 (h1 → h2, h5/h6 → h4) · p · br · ul ol li · blockquote · strong (b) · em (i)
 *   a[href]  — http:, https: and mailto: only, checked after entity decoding and after removing
 *              the whitespace and control characters browsers ignore inside a scheme
 *   img[src] — files from the app's own store only (`cloud://…` / `local://…`), [alt]
 *
 * Every other attribute (on*, style, class, id, srcset …) is dropped. Elements whose content is
 * code or foreign markup (script, style, svg, math, iframe, object, template, noscript, textarea …)
 * are dropped with their content; any other unknown element is unwrapped (its text kept). Text is
 * entity-decoded once when parsed and escaped again when written, so `&lt;script&gt;` stays text.
 *
 * The result is both the canonical HTML (stored, returned for editing) and the node tree that the
 * app renders with Taro's RichText (never the HTML string), plus the plain text for search and
 * summaries and the image fileIDs for the content check.
 */
import type { RichNode } from '../../contracts/notices'

export interface SanitizedBody {
  html: string
  nodes: RichNode[]
  text: string
  /** fileIDs of the body's images. */
  images: string[]
}

// ------------------------------------------------------------------------------------ parsing

interface ElementNode {
  kind: 'element'
  name: string
  attrs: Record<string, string>
  children: ParsedNode[]
}
interface TextNode {
  kind: 'text'
  text: string
}
type ParsedNode = ElementNode | TextNode

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr', 'frame'])
/** Their content is raw text up to the matching end tag (never markup). */
const RAW_TEXT = new Set(['script', 'style', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript', 'textarea', 'title', 'plaintext'])
/** Dropped with everything inside. */
const DROP_WITH_CONTENT = new Set([
  ...RAW_TEXT,
  'svg', 'math', 'template', 'object', 'applet', 'embed', 'frameset', 'frame', 'audio', 'video', 'canvas',
  'select', 'option', 'head', 'map', 'picture', 'base', 'link', 'meta', 'input', 'button', 'dialog'
])
/** A new one of these closes an open <p> (as in HTML). */
const CLOSES_P = new Set(['p', 'div', 'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'table', 'pre', 'hr', 'section', 'article'])
const MAX_DEPTH = 48

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', copy: '©', reg: '®', trade: '™',
  hellip: '…', mdash: '—', ndash: '–', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', middot: '·',
  bull: '•', times: '×', divide: '÷', yen: '¥', laquo: '«', raquo: '»', deg: '°', plusmn: '±',
  sect: '§', para: '¶', emsp: '\u2003', ensp: '\u2002', thinsp: '\u2009', colon: ':', semi: ';',
  comma: ',', period: '.', excl: '!', quest: '?', sol: '/', bsol: '\\', lpar: '(', rpar: ')',
  Tab: '\t', NewLine: '\n', equals: '=', plus: '+', num: '#', percnt: '%', lowbar: '_', ast: '*',
  commat: '@', lsqb: '[', rsqb: ']', lcub: '{', rcub: '}', verbar: '|', grave: '`', Hat: '^'
}

/** Decodes character references the way a browser would (numeric with or without `;`, named). */
export function decodeEntities(input: string): string {
  if (!input.includes('&')) return input
  return input.replace(/&(#[xX][0-9a-fA-F]+;?|#[0-9]+;?|[A-Za-z][A-Za-z0-9]{1,31};?)/g, (whole, ref: string) => {
    if (ref[0] === '#') {
      const hex = ref[1] === 'x' || ref[1] === 'X'
      const digits = ref.slice(hex ? 2 : 1).replace(/;$/, '')
      const code = parseInt(digits, hex ? 16 : 10)
      if (!Number.isFinite(code) || code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd'
      return String.fromCodePoint(code)
    }
    const name = ref.replace(/;$/, '')
    const value = NAMED_ENTITIES[name]
    return value === undefined ? whole : value
  })
}

function parseAttributes(source: string): Record<string, string> {
  const attrs: Record<string, string> = {}
  const re = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g
  let m: RegExpExecArray | null
  while ((m = re.exec(source))) {
    const name = m[1].toLowerCase()
    if (name in attrs) continue
    attrs[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '')
  }
  return attrs
}

/** A tolerant tree builder: unmatched end tags are ignored, unclosed elements close at the end. */
function parse(input: string): ElementNode {
  const root: ElementNode = { kind: 'element', name: '#root', attrs: {}, children: [] }
  const stack: ElementNode[] = [root]
  const top = () => stack[stack.length - 1]
  const appendText = (text: string) => {
    if (!text) return
    const children = top().children
    const last = children[children.length - 1]
    if (last && last.kind === 'text') last.text += text
    else children.push({ kind: 'text', text })
  }
  const closeUpTo = (name: string, boundary?: Set<string>): boolean => {
    for (let i = stack.length - 1; i > 0; i--) {
      if (stack[i].name === name) {
        stack.length = i
        return true
      }
      if (boundary?.has(stack[i].name)) return false
    }
    return false
  }

  let i = 0
  const n = input.length
  while (i < n) {
    const lt = input.indexOf('<', i)
    if (lt < 0) {
      appendText(decodeEntities(input.slice(i)))
      break
    }
    if (lt > i) appendText(decodeEntities(input.slice(i, lt)))
    i = lt
    if (input.startsWith('<!--', i)) {
      const end = input.indexOf('-->', i + 4)
      i = end < 0 ? n : end + 3
      continue
    }
    const next = input[i + 1]
    if (next === '!' || next === '?') {
      const end = input.indexOf('>', i + 2)
      i = end < 0 ? n : end + 1
      continue
    }
    if (next === '/') {
      const m = /^<\/([A-Za-z][^\s/>]*)[^>]*>?/.exec(input.slice(i, i + 300))
      if (!m) {
        // "</" not followed by a tag name: a bogus comment up to ">".
        const end = input.indexOf('>', i + 2)
        i = end < 0 ? n : end + 1
        continue
      }
      const name = m[1].toLowerCase()
      closeUpTo(name)
      i += m[0].length
      continue
    }
    if (!next || !/[A-Za-z]/.test(next)) {
      appendText('<')
      i += 1
      continue
    }
    // A start tag: name, then attributes up to the first ">" outside quotes.
    const nameMatch = /^<([A-Za-z][^\s/>]*)/.exec(input.slice(i, i + 200))!
    const name = nameMatch[0].slice(1).toLowerCase()
    let j = i + nameMatch[0].length
    let quote: string | null = null
    while (j < n) {
      const c = input[j]
      if (quote) {
        if (c === quote) quote = null
      } else if (c === '"' || c === "'") {
        quote = c
      } else if (c === '>') {
        break
      }
      j++
    }
    const rawAttrs = input.slice(i + nameMatch[0].length, j)
    i = j < n ? j + 1 : n
    const selfClosing = /\/\s*$/.test(rawAttrs)
    const attrs = parseAttributes(rawAttrs.replace(/\/\s*$/, ''))

    if (RAW_TEXT.has(name)) {
      // Skip to the matching end tag (or the end): its content is never markup.
      const close = new RegExp(`</${name.replace(/[^a-z0-9]/g, '')}[\\s/>]`, 'i')
      const rest = input.slice(i)
      const m = close.exec(rest + ' ')
      if (!m || name === 'plaintext') {
        i = n
      } else {
        const end = input.indexOf('>', i + m.index)
        i = end < 0 ? n : end + 1
      }
      top().children.push({ kind: 'element', name, attrs, children: [] })
      continue
    }
    if (CLOSES_P.has(name)) closeUpTo('p', new Set(['li', 'blockquote', 'td', 'th']))
    if (name === 'li') closeUpTo('li', new Set(['ul', 'ol']))
    const element: ElementNode = { kind: 'element', name, attrs, children: [] }
    top().children.push(element)
    if (!VOID.has(name) && !selfClosing && stack.length < MAX_DEPTH) stack.push(element)
  }
  return root
}

// --------------------------------------------------------------------------------- allowlist

type OutNode = { kind: 'text'; text: string } | { kind: 'element'; name: string; attrs: Record<string, string>; children: OutNode[] }

const RENAME: Record<string, string> = { b: 'strong', i: 'em', h1: 'h2', h5: 'h4', h6: 'h4' }
const BLOCKS = new Set(['h2', 'h3', 'h4', 'p', 'ul', 'ol', 'li', 'blockquote'])
const INLINE = new Set(['strong', 'em', 'a'])
/** Unknown block-ish containers: unwrapped, but their content starts a new paragraph. */
const BLOCKISH = new Set(['div', 'section', 'article', 'header', 'footer', 'main', 'aside', 'nav', 'table', 'tbody', 'thead', 'tfoot', 'tr', 'td', 'th', 'pre', 'figure', 'figcaption', 'address', 'center', 'dl', 'dt', 'dd', 'form', 'fieldset', 'details', 'summary', 'hr'])

const FILE_ID = /^(cloud|local):\/\/[A-Za-z0-9._\-/]{3,300}$/

/** A link target, or null: http(s) with a host, or mailto with an address. */
export function safeHref(raw: string): string | null {
  // Browsers ignore ASCII whitespace and control characters inside a URL's scheme.
  const cleaned = raw.replace(/[\u0000-\u0020\u007f-\u009f\u00a0\u1680\u2000-\u200f\u2028\u2029\u202f\u205f\u3000\ufeff]/g, '')
  if (/^https?:\/\//i.test(cleaned)) {
    try {
      const url = new URL(cleaned)
      if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) return null
      return url.href
    } catch {
      return null
    }
  }
  if (/^mailto:[^\s<>"'`]+@[^\s<>"'`]+$/i.test(cleaned)) return `mailto:${cleaned.slice(7)}`
  return null
}

export function safeImageSrc(raw: string): string | null {
  const cleaned = raw.trim()
  return FILE_ID.test(cleaned) && !cleaned.includes('..') ? cleaned : null
}

function clean(node: ParsedNode): OutNode[] {
  if (node.kind === 'text') return node.text ? [{ kind: 'text', text: node.text }] : []
  const name = RENAME[node.name] ?? node.name
  if (DROP_WITH_CONTENT.has(name)) return []
  const children = () => node.children.flatMap(clean)
  if (name === 'br') return [{ kind: 'element', name: 'br', attrs: {}, children: [] }]
  if (name === 'img') {
    const src = safeImageSrc(node.attrs.src ?? '')
    if (!src) return []
    const alt = (node.attrs.alt ?? '').slice(0, 100)
    return [{ kind: 'element', name: 'img', attrs: alt ? { src, alt } : { src }, children: [] }]
  }
  if (name === 'a') {
    const href = safeHref(node.attrs.href ?? '')
    const inner = children()
    return href ? [{ kind: 'element', name: 'a', attrs: { href }, children: inner }] : inner
  }
  if (BLOCKS.has(name) || INLINE.has(name)) return [{ kind: 'element', name, attrs: {}, children: children() }]
  if (BLOCKISH.has(name)) return [{ kind: 'element', name: '#break', attrs: {}, children: children() }]
  // Unknown inline elements (span, font, u, code, label …): keep the content.
  return children()
}

const isBlock = (node: OutNode) => node.kind === 'element' && (BLOCKS.has(node.name) || node.name === '#break')
const isBlank = (node: OutNode) => node.kind === 'text' && node.text.trim() === ''

/** Inline content only: blocks inside are flattened into their inline content (separated by <br>). */
function inlineOnly(nodes: OutNode[]): OutNode[] {
  const out: OutNode[] = []
  for (const node of nodes) {
    if (node.kind === 'text') out.push(node)
    else if (node.name === 'img' || node.name === 'br') out.push(node)
    else if (INLINE.has(node.name)) out.push({ ...node, children: inlineOnly(node.children) })
    else {
      const inner = inlineOnly(node.children)
      if (inner.length && out.length) out.push({ kind: 'element', name: 'br', attrs: {}, children: [] })
      out.push(...inner)
    }
  }
  // Links never nest.
  return out.map((node) => (node.kind === 'element' && node.name === 'a' ? { ...node, children: unlink(node.children) } : node))
}

function unlink(nodes: OutNode[]): OutNode[] {
  return nodes.flatMap((node) => (node.kind === 'element' && node.name === 'a' ? unlink(node.children) : node.kind === 'element' ? [{ ...node, children: unlink(node.children) }] : [node]))
}

/** Block content: runs of inline content become paragraphs; structure is repaired. */
function blocks(nodes: OutNode[]): OutNode[] {
  const out: OutNode[] = []
  let run: OutNode[] = []
  const flush = () => {
    const inline = inlineOnly(run)
    run = []
    if (inline.some((node) => !isBlank(node))) out.push({ kind: 'element', name: 'p', attrs: {}, children: trimBreaks(inline) })
  }
  for (const node of nodes) {
    if (!isBlock(node)) {
      run.push(node)
      continue
    }
    flush()
    const el = node as Extract<OutNode, { kind: 'element' }>
    if (el.name === '#break') out.push(...blocks(el.children))
    else if (el.name === 'p' || el.name === 'h2' || el.name === 'h3' || el.name === 'h4') {
      const inline = trimBreaks(inlineOnly(el.children))
      if (inline.some((child) => !isBlank(child))) out.push({ ...el, children: inline })
    } else if (el.name === 'ul' || el.name === 'ol') {
      const items = listItems(el.children)
      if (items.length) out.push({ ...el, children: items })
    } else if (el.name === 'li') {
      // A list item outside a list: a paragraph.
      out.push(...blocks([{ kind: 'element', name: '#break', attrs: {}, children: el.children }]))
    } else if (el.name === 'blockquote') {
      const inner = blocks(el.children)
      if (inner.length) out.push({ ...el, children: inner })
    }
  }
  flush()
  return out
}

function listItems(nodes: OutNode[]): OutNode[] {
  const items: OutNode[] = []
  let loose: OutNode[] = []
  const flushLoose = () => {
    if (loose.some((node) => !isBlank(node))) items.push(listItem(loose))
    loose = []
  }
  for (const node of nodes) {
    if (node.kind === 'element' && node.name === 'li') {
      flushLoose()
      items.push(listItem(node.children))
    } else loose.push(node)
  }
  flushLoose()
  return items.filter((item) => item.kind === 'element' && item.children.length > 0)
}

/** A list item holds inline content and nested lists. */
function listItem(children: OutNode[]): OutNode {
  const out: OutNode[] = []
  let run: OutNode[] = []
  const flush = () => {
    const inline = trimBreaks(inlineOnly(run))
    if (inline.some((node) => !isBlank(node))) {
      if (out.length) out.push({ kind: 'element', name: 'br', attrs: {}, children: [] })
      out.push(...inline)
    }
    run = []
  }
  for (const node of children) {
    if (node.kind === 'element' && (node.name === 'ul' || node.name === 'ol')) {
      flush()
      const items = listItems(node.children)
      if (items.length) out.push({ ...node, children: items })
    } else run.push(node)
  }
  flush()
  return { kind: 'element', name: 'li', attrs: {}, children: out }
}

function trimBreaks(nodes: OutNode[]): OutNode[] {
  let start = 0
  let end = nodes.length
  const isBreak = (node: OutNode) => (node.kind === 'element' && node.name === 'br') || isBlank(node)
  while (start < end && isBreak(nodes[start])) start++
  while (end > start && isBreak(nodes[end - 1])) end--
  return nodes.slice(start, end)
}

// --------------------------------------------------------------------------------- writing

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

/** Collapses runs of whitespace as a browser would (newlines in pasted HTML are not line breaks). */
const collapse = (text: string) => text.replace(/[\t\n\r\f ]+/g, ' ')

function toHtml(nodes: OutNode[]): string {
  return nodes
    .map((node) => {
      if (node.kind === 'text') return escapeHtml(collapse(node.text))
      const attrs = Object.entries(node.attrs)
        .map(([k, v]) => ` ${k}="${escapeHtml(v)}"`)
        .join('')
      if (node.name === 'br' || node.name === 'img') return `<${node.name}${attrs}>`
      return `<${node.name}${attrs}>${toHtml(node.children)}</${node.name}>`
    })
    .join('')
}

function toRich(nodes: OutNode[]): RichNode[] {
  return nodes.map((node) => {
    if (node.kind === 'text') return { type: 'text', text: collapse(node.text) }
    const rich: RichNode = { name: node.name }
    if (Object.keys(node.attrs).length) rich.attrs = { ...node.attrs }
    if (node.children.length) rich.children = toRich(node.children)
    return rich
  })
}

function toText(nodes: OutNode[]): string {
  let out = ''
  for (const node of nodes) {
    if (node.kind === 'text') out += collapse(node.text)
    else if (node.name === 'br') out += '\n'
    else if (node.name === 'img') out += node.attrs.alt ? `[图片：${node.attrs.alt}]` : ''
    else {
      const inner = toText(node.children)
      out += BLOCKS.has(node.name) ? `${inner.trim()}\n` : inner
    }
  }
  return out
}

function collectImages(nodes: OutNode[], into: string[]): string[] {
  for (const node of nodes) {
    if (node.kind !== 'element') continue
    if (node.name === 'img') into.push(node.attrs.src)
    collectImages(node.children, into)
  }
  return into
}

export function sanitizeBody(input: string): SanitizedBody {
  let source = input.replace(/\r\n?/g, '\n')
  // Plain text without any markup (typed, or sent by another client): each line is a paragraph.
  if (!/<[A-Za-z!/?]/.test(source)) source = source.split('\n').map((line) => `<p>${escapeHtml(decodeEntities(line))}</p>`).join('')
  const tree = parse(source)
  const cleaned = blocks(tree.children.flatMap(clean))
  return {
    html: toHtml(cleaned),
    nodes: toRich(cleaned),
    text: toText(cleaned)
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .join('\n'),
    images: [...new Set(collectImages(cleaned, []))]
  }
}
