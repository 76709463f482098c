/**
 * The notice body's allowlist sanitiser. Whatever an author pastes (a rich-text editor's HTML, a
 * web page, something hostile) is parsed by htmlparser2 (tokenizer, tree rules, entity decoding:
 * the library's) and rebuilt from the project's allowlist:
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
import { Parser } from 'htmlparser2'
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

/**
 * Browsers read these as raw text up to their end tag; htmlparser2 does so only for script,
 * style, title, textarea and xmp. For the rest the source is fed to the parser in pieces that end
 * at a `>` and, after one of these opens, the text up to its end tag is skipped — so what follows
 * `</noscript>` inside an attribute is read as a browser reads it. (They are all dropped anyway.)
 */
const RAW_TEXT = new Set(['iframe', 'noembed', 'noframes', 'noscript', 'plaintext'])
/** Dropped with everything inside. */
const DROP_WITH_CONTENT = new Set([
  ...RAW_TEXT,
  'script', 'style', 'xmp', 'textarea', 'title',
  'svg', 'math', 'template', 'object', 'applet', 'embed', 'frameset', 'frame', 'audio', 'video', 'canvas',
  'select', 'option', 'head', 'map', 'picture', 'base', 'link', 'meta', 'input', 'button', 'dialog'
])
/** Deeper elements are kept, but their content goes to the ancestor at this depth. */
const MAX_DEPTH = 48

/** The tree htmlparser2 reads (its own rules for implied end tags, void elements, entities). */
function parse(source: string): ElementNode {
  const root: ElementNode = { kind: 'element', name: '#root', attrs: {}, children: [] }
  const stack: ElementNode[] = [root]
  let overflow = 0
  let rawText: string | null = null
  const parser = new Parser({
    onopentag(name, attrs) {
      const element: ElementNode = { kind: 'element', name, attrs, children: [] }
      stack[stack.length - 1].children.push(element)
      if (stack.length < MAX_DEPTH) stack.push(element)
      else overflow++
      if (RAW_TEXT.has(name)) rawText = name
    },
    onclosetag() {
      // Called once for every element opened (void ones too), innermost first.
      if (overflow > 0) overflow--
      else if (stack.length > 1) stack.pop()
    },
    ontext(text) {
      const children = stack[stack.length - 1].children
      const last = children[children.length - 1]
      if (last && last.kind === 'text') last.text += text
      else if (text) children.push({ kind: 'text', text })
    }
  })
  let pos = 0
  while (pos < source.length) {
    const gt = source.indexOf('>', pos)
    const end = gt < 0 ? source.length : gt + 1
    parser.write(source.slice(pos, end))
    pos = end
    if (rawText) {
      const close = new RegExp(`</${rawText}[\\t\\n\\f\\r />]`, 'gi')
      close.lastIndex = pos
      const m = rawText === 'plaintext' ? null : close.exec(`${source} `)
      pos = m ? m.index : source.length
      rawText = null
    }
  }
  parser.end()
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
    const last = out[out.length - 1]
    // Text on both sides of a dropped element is one text (its whitespace collapses as one).
    if (node.kind === 'text' && last?.kind === 'text') out[out.length - 1] = { kind: 'text', text: last.text + node.text }
    else if (node.kind === 'text') out.push(node)
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
    const inline = trimBreaks(inlineOnly(run))
    run = []
    if (inline.length) out.push({ kind: 'element', name: 'p', attrs: {}, children: inline })
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
  // (Without `<` before a letter, `!`, `/` or `?` the parser reads each line as text.)
  if (!/<[A-Za-z!/?]/.test(source)) source = source.split('\n').map((line) => `<p>${line}</p>`).join('')
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
