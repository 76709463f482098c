import MarkdownIt from 'markdown-it'
import type { RichNode } from '@contracts/notices'

/**
 * The notice editor's plain-text markup, typed on a phone (the toolbar inserts it):
 *
 *   # 大标题            ## 小标题
 *   - 列表项            1. 编号列表项
 *   > 引用（重点提示）
 *   **加粗**  *斜体*  [链接文字](https://…)  ![图片说明](fileID)   bare https:// links
 *   a blank line starts a new paragraph; a single line break stays a line break
 *
 * markdown-it parses it (see `md` below for how its CommonMark is narrowed to this syntax); the
 * tokens become HTML of the server's allowlist (everything escaped; the server sanitises anyway)
 * and, for the preview, RichText nodes. `nodesToMarkup` turns a stored body back into markup.
 */

const LINK_RE = /^(https?:\/\/|mailto:)/i
const SRC_RE = /^((cloud|local):\/\/[A-Za-z0-9._\-/]+|https?:\/\/\S+)$/
/** A bare link runs up to whitespace, Chinese punctuation, a closing bracket or a quote. */
const BARE_URL_TAIL = /^\/\/[^\s，。；、！？）)】」》<>"']+/

// ------------------------------------------------------------------ markdown-it, narrowed

const HEADING = /^(#{1,3})\s+(.+)$/
const BULLET = /^[-•·*]\s+(.+)$/
const NUMBERED = /^\d{1,3}[.、．)]\s*(.+)$/
const QUOTE = /^>\s?(.*)$/

/** Text that CommonMark would read as a block marker (`+ x`, `#### x`, a lone `-`, `2024. x`) stays text. */
const literal = (text: string) => text.replace(/^(#{1,6}(?=\s|$)|[-+*](?=\s|$)|>)/, '\\$1').replace(/^(\d{1,9})([.)])(?=\s|$)/, '$1\\$2')

/**
 * The editor's markup is line-based, CommonMark is not, so the source is restated line by line
 * before markdown-it's block parser runs (a core rule ahead of `block`):
 *  - each line is trimmed (no indented code, no nesting by indentation: lists stay flat);
 *  - list markers the editor accepts but CommonMark does not (`•`/`·` bullets, `1、` `1．` `1)` and
 *    `1.` without a space) become `- ` / `1. `;
 *  - a line of another kind (paragraph, list, other list, quote, heading) starts a new block, as
 *    if a blank line were there: CommonMark would continue a list item or quote with the next
 *    line ("lazy continuation");
 *  - what is text in the editor's syntax but a block marker to CommonMark is backslash-escaped,
 *    and so are the author's own backslashes (`\\` is text), so the `escape` rule changes nothing else;
 *  - a heading's trailing `#`s stay text (CommonMark would drop them as a closing sequence).
 */
function editorLines(source: string): string {
  const out: string[] = []
  let previous = ''
  for (const raw of source.split('\n')) {
    const line = raw.trim().replace(/\\/g, '\\\\')
    let m: RegExpExecArray | null
    let kind = ''
    let text = ''
    if (!line) kind = ''
    else if ((m = HEADING.exec(line))) (kind = 'heading'), (text = `${m[1]} ${m[2].replace(/(\s)(#+)$/, '$1\\$2')}`)
    else if ((m = BULLET.exec(line))) (kind = 'ul'), (text = `- ${literal(m[1])}`)
    else if ((m = NUMBERED.exec(line))) (kind = 'ol'), (text = `1. ${literal(m[1])}`)
    else if ((m = QUOTE.exec(line))) (kind = 'quote'), (text = `> ${literal(m[1])}`)
    else (kind = 'p'), (text = literal(line))
    if (kind && previous && (kind !== previous || kind === 'heading')) out.push('')
    out.push(text)
    previous = kind
  }
  return out.join('\n')
}

/** Unicode ranges of Chinese/Japanese/Korean text and its full-width punctuation. */
const isCjk = (code: number) =>
  (code >= 0x2e80 && code <= 0x9fff) || (code >= 0xac00 && code <= 0xd7af) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xffef)
const isSpace = (code: number) => Number.isNaN(code) || /\s/.test(String.fromCharCode(code))

/**
 * Only these syntaxes (the 'zero' preset has paragraphs and text): no raw HTML, code, tables,
 * rules, setext headings, reference links, entities, autolinks or strikethrough — in the editor
 * all of that is text, as it was before.
 */
const md = new MarkdownIt('zero', { html: false, linkify: true, breaks: true }).enable(['heading', 'list', 'blockquote', 'newline', 'escape', 'emphasis', 'link', 'image', 'linkify'])

md.core.ruler.before('block', 'editor_lines', (state) => {
  state.src = editorLines(state.src)
})

/**
 * Emphasis as the editor has it: `*` only (`_` is text), and CommonMark's flanking rules made
 * CJK-friendly — next to a Chinese character a `**` opens/closes even when the emphasised text
 * starts or ends with punctuation (`请**「务必」**参加`, `**注意安全！**谢谢`), where CommonMark
 * would leave the asterisks as text.
 */
const BaseState = md.inline.State
md.inline.State = class extends BaseState {
  override scanDelims(start: number, canSplitWord: boolean) {
    const scanned = super.scanDelims(start, canSplitWord)
    if (this.src.charCodeAt(start) === 0x5f /* _ */) return { ...scanned, can_open: false, can_close: false }
    const before = this.src.charCodeAt(start - 1)
    const after = start + scanned.length < this.posMax ? this.src.charCodeAt(start + scanned.length) : NaN
    return {
      ...scanned,
      can_open: scanned.can_open || (isCjk(before) && !isSpace(after)),
      can_close: scanned.can_close || (isCjk(after) && !isSpace(before))
    }
  }
}

// Links and images: only the schemes the server keeps; URLs stay as typed (no percent-encoding).
md.validateLink = (url) => LINK_RE.test(url) || SRC_RE.test(url)
md.normalizeLink = (url) => url
md.normalizeLinkText = (url) => url
// Bare links: http(s):// only (not `www.x.com`, e-mail addresses or `//x`), ending as described above.
const bareUrl = { validate: (text: string, pos: number) => BARE_URL_TAIL.exec(text.slice(pos))?.[0].length ?? 0 }
md.linkify.set({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false }).add('http:', bareUrl).add('https:', bareUrl).add('ftp:', null).add('//', null).add('mailto:', null)

// ------------------------------------------------------------------ tokens → nodes

type Token = MarkdownIt.Token
const text = (value: string): RichNode => ({ type: 'text', text: value })

function append(into: RichNode[], node: RichNode) {
  const last = into[into.length - 1]
  if (node.type === 'text' && !node.text) return
  if (node.type === 'text' && last?.type === 'text') last.text += node.text ?? ''
  else into.push(node)
}

function inlineNodes(tokens: Token[]): RichNode[] {
  const root: RichNode = { children: [] }
  const stack: { node: RichNode; literalHref?: string }[] = [{ node: root }]
  const into = () => stack[stack.length - 1].node.children!
  for (const t of tokens) {
    switch (t.type) {
      case 'text':
      case 'text_special':
        append(into(), text(t.content))
        break
      case 'softbreak':
      case 'hardbreak':
        into().push({ name: 'br' })
        break
      case 'image': {
        const src = t.attrGet('src') ?? ''
        if (SRC_RE.test(src)) into().push({ name: 'img', attrs: { src, alt: t.content } })
        else append(into(), text(`![${t.content}](${src})`))
        break
      }
      case 'strong_open':
      case 'em_open':
      case 'link_open': {
        const href = t.attrGet('href') ?? ''
        // A link to a file (`[x](cloud://…)`) was text before and stays text.
        const node: RichNode = t.type === 'link_open' ? (LINK_RE.test(href) ? { name: 'a', attrs: { href }, children: [] } : { children: [] }) : { name: t.tag, children: [] }
        stack.push({ node, literalHref: node.name ? undefined : href })
        break
      }
      case 'strong_close':
      case 'em_close':
      case 'link_close': {
        const { node, literalHref } = stack.pop()!
        // `[](https://…)`: the address is the link text.
        if (node.name === 'a' && !node.children!.length) node.children!.push(text(node.attrs!.href))
        if (literalHref === undefined) into().push(node)
        else [text('['), ...node.children!, text(`](${literalHref})`)].forEach((n) => append(into(), n))
        break
      }
    }
  }
  return root.children!
}

/** The markup as RichText nodes of the allowlist (image `src` still the fileID). */
function parseMarkup(source: string): RichNode[] {
  const root: RichNode = { children: [] }
  const stack: RichNode[] = [root]
  const top = () => stack[stack.length - 1]
  for (const t of md.parse(source.replace(/\r\n?/g, '\n'), {})) {
    if (t.type === 'inline') {
      // In a list item, paragraphs are its inline content, one after the other.
      const into = top().name === 'li' && top().children!.length ? [{ name: 'br' } as RichNode] : []
      inlineNodes(t.children ?? []).forEach((n) => append(into, n))
      into.forEach((n) => append(top().children!, n))
    } else if (t.type === 'paragraph_open' && top().name === 'li') {
      continue
    } else if (t.nesting === 1) {
      const name = t.type === 'heading_open' ? (t.tag === 'h1' ? 'h2' : 'h3') : t.tag
      const node: RichNode = { name, children: [] }
      top().children!.push(node)
      stack.push(node)
    } else if (t.nesting === -1 && !(t.type === 'paragraph_close' && top().name === 'li')) {
      stack.pop()
    }
  }
  return root.children!
}

const escape = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

function toHtml(nodes: RichNode[]): string {
  return nodes
    .map((n) => {
      if (n.type === 'text') return escape(n.text ?? '')
      if (n.name === 'br') return '<br>'
      if (n.name === 'img') return `<img src="${escape(n.attrs!.src)}"${n.attrs!.alt ? ` alt="${escape(n.attrs!.alt)}"` : ''}>`
      const attrs = n.name === 'a' ? ` href="${escape(n.attrs!.href)}"` : ''
      return `<${n.name}${attrs}>${toHtml(n.children ?? [])}</${n.name}>`
    })
    .join('')
}

/** HTML of the allowlisted subset, for `publish` / `update`. */
export function markupToHtml(source: string): string {
  return toHtml(parseMarkup(source))
}

function resolved(nodes: RichNode[], resolve: (src: string) => string): RichNode[] {
  return nodes.map((n) => (n.name === 'img' ? { ...n, attrs: { ...n.attrs, src: resolve(n.attrs!.src) } } : n.children ? { ...n, children: resolved(n.children, resolve) } : n))
}

/** RichText nodes for the editor's preview (image fileIDs mapped to URLs by `resolve`). */
export function markupToNodes(source: string, resolve: (src: string) => string = (s) => s): RichNode[] {
  return resolved(parseMarkup(source), resolve)
}

// ------------------------------------------------------------------ stored HTML → markup

interface El {
  name: string
  attrs: Record<string, string>
  children: (El | string)[]
}

/**
 * The stored body's RichText nodes (the server's sanitised tree, the same one readers see) as the
 * tree below; image sources are the stored fileIDs (`imageIds`, in document order), because the
 * nodes a reader gets carry temporary URLs. No HTML is parsed in the app.
 */
function fromNodes(nodes: RichNode[], imageIds: string[]): (El | string)[] {
  return nodes.map((n) => {
    if (n.type === 'text') return n.text ?? ''
    const attrs: Record<string, string> = { ...(n.attrs ?? {}) }
    if (n.name === 'img') attrs.src = imageIds.shift() ?? attrs.src ?? ''
    return { name: n.name ?? 'span', attrs, children: fromNodes(n.children ?? [], imageIds) }
  })
}

function inlineMarkup(nodes: (El | string)[]): string {
  return nodes
    .map((n) => {
      if (typeof n === 'string') return n
      const inner = inlineMarkup(n.children)
      switch (n.name) {
        case 'br':
          return '\n'
        case 'strong':
          return `**${inner}**`
        case 'em':
          return `*${inner}*`
        case 'a':
          return inner === n.attrs.href ? inner : `[${inner}](${n.attrs.href})`
        case 'img':
          return `![${n.attrs.alt ?? ''}](${n.attrs.src})`
        default:
          return inner
      }
    })
    .join('')
}

function listMarkup(el: El, depth = 0): string[] {
  const lines: string[] = []
  let i = 0
  for (const item of el.children) {
    if (typeof item === 'string' || item.name !== 'li') continue
    i++
    const own = item.children.filter((c) => typeof c === 'string' || (c.name !== 'ul' && c.name !== 'ol'))
    const nested = item.children.filter((c): c is El => typeof c !== 'string' && (c.name === 'ul' || c.name === 'ol'))
    const marker = el.name === 'ol' && depth === 0 ? `${i}. ` : '- '
    lines.push(`${marker}${inlineMarkup(own).replace(/\n/g, ' ')}`)
    for (const list of nested) lines.push(...listMarkup(list, depth + 1))
  }
  return lines
}

/** A stored body back into the editor's markup, for 修改通知. */
export function nodesToMarkup(nodes: RichNode[], imageIds: string[] = []): string {
  const blocks: string[] = []
  for (const node of fromNodes(nodes, [...imageIds])) {
    if (typeof node === 'string') {
      if (node.trim()) blocks.push(node.trim())
      continue
    }
    switch (node.name) {
      case 'h2':
        blocks.push(`# ${inlineMarkup(node.children)}`)
        break
      case 'h3':
      case 'h4':
        blocks.push(`## ${inlineMarkup(node.children)}`)
        break
      case 'ul':
      case 'ol':
        blocks.push(listMarkup(node).join('\n'))
        break
      case 'blockquote':
        blocks.push(
          node.children
            .map((c) => (typeof c === 'string' ? c : inlineMarkup(c.children)))
            .join('\n')
            .split('\n')
            .map((line) => `> ${line}`)
            .join('\n')
        )
        break
      default:
        blocks.push(inlineMarkup(node.name === 'p' ? node.children : [node]))
    }
  }
  return blocks.join('\n\n')
}
