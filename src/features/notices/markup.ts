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
 * It becomes HTML of the server's allowlist (everything escaped; the server sanitises anyway) and,
 * for the preview, RichText nodes; `htmlToMarkup` turns a stored body back into markup for editing.
 */

type Inline = { kind: 'text'; text: string } | { kind: 'strong' | 'em'; children: Inline[] } | { kind: 'a'; href: string; children: Inline[] } | { kind: 'img'; src: string; alt: string } | { kind: 'br' }
type Block =
  | { kind: 'h2' | 'h3' | 'p' | 'blockquote'; inline: Inline[] }
  | { kind: 'ul' | 'ol'; items: Inline[][] }

const URL_RE = /^https?:\/\/[^\s，。；、！？）)】」》<>"']+/
const SRC_RE = /^((cloud|local):\/\/[A-Za-z0-9._\-/]+|https?:\/\/\S+)$/

function parseInline(text: string): Inline[] {
  const out: Inline[] = []
  let buffer = ''
  const flush = () => {
    if (buffer) out.push({ kind: 'text', text: buffer })
    buffer = ''
  }
  let i = 0
  while (i < text.length) {
    const rest = text.slice(i)
    let m: RegExpExecArray | null
    if ((m = /^!\[([^\]]*)\]\(([^)\s]+)\)/.exec(rest)) && SRC_RE.test(m[2])) {
      flush()
      out.push({ kind: 'img', alt: m[1], src: m[2] })
      i += m[0].length
    } else if ((m = /^\[([^\]]+)\]\(([^)\s]+)\)/.exec(rest)) && /^(https?:\/\/|mailto:)/i.test(m[2])) {
      flush()
      out.push({ kind: 'a', href: m[2], children: parseInline(m[1]) })
      i += m[0].length
    } else if ((m = /^\*\*(.+?)\*\*/.exec(rest))) {
      flush()
      out.push({ kind: 'strong', children: parseInline(m[1]) })
      i += m[0].length
    } else if ((m = /^\*([^*\s][^*]*?)\*/.exec(rest))) {
      flush()
      out.push({ kind: 'em', children: parseInline(m[1]) })
      i += m[0].length
    } else if ((m = URL_RE.exec(rest)) && !/[A-Za-z0-9]$/.test(buffer)) {
      flush()
      out.push({ kind: 'a', href: m[0], children: [{ kind: 'text', text: m[0] }] })
      i += m[0].length
    } else {
      buffer += text[i]
      i++
    }
  }
  flush()
  return out
}

function parseLines(lines: string[]): Inline[] {
  const out: Inline[] = []
  lines.forEach((line, i) => {
    if (i > 0) out.push({ kind: 'br' })
    out.push(...parseInline(line))
  })
  return out
}

export function parseMarkup(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n')
  const blocks: Block[] = []
  let paragraph: string[] = []
  let list: { kind: 'ul' | 'ol'; items: Inline[][] } | null = null
  let quote: string[] = []
  const flush = () => {
    if (paragraph.length) blocks.push({ kind: 'p', inline: parseLines(paragraph) })
    if (quote.length) blocks.push({ kind: 'blockquote', inline: parseLines(quote) })
    if (list) blocks.push(list)
    paragraph = []
    quote = []
    list = null
  }
  for (const raw of lines) {
    const line = raw.trim()
    let m: RegExpExecArray | null
    if (!line) {
      flush()
    } else if ((m = /^(#{1,3})\s+(.+)$/.exec(line))) {
      flush()
      blocks.push({ kind: m[1].length === 1 ? 'h2' : 'h3', inline: parseInline(m[2]) })
    } else if ((m = /^[-•·]\s+(.+)$/.exec(line)) || (m = /^\*\s+(.+)$/.exec(line))) {
      if (paragraph.length || quote.length || (list && list.kind !== 'ul')) flush()
      list ??= { kind: 'ul', items: [] }
      list.items.push(parseInline(m[1]))
    } else if ((m = /^\d{1,3}[.、．)]\s*(.+)$/.exec(line))) {
      if (paragraph.length || quote.length || (list && list.kind !== 'ol')) flush()
      list ??= { kind: 'ol', items: [] }
      list.items.push(parseInline(m[1]))
    } else if ((m = /^>\s?(.*)$/.exec(line))) {
      if (paragraph.length || list) flush()
      quote.push(m[1])
    } else {
      if (list || quote.length) flush()
      paragraph.push(line)
    }
  }
  flush()
  return blocks
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

function inlineHtml(nodes: Inline[]): string {
  return nodes
    .map((n) => {
      switch (n.kind) {
        case 'text':
          return escape(n.text)
        case 'br':
          return '<br>'
        case 'img':
          return `<img src="${escape(n.src)}"${n.alt ? ` alt="${escape(n.alt)}"` : ''}>`
        case 'a':
          return `<a href="${escape(n.href)}">${inlineHtml(n.children)}</a>`
        default:
          return `<${n.kind}>${inlineHtml(n.children)}</${n.kind}>`
      }
    })
    .join('')
}

/** HTML of the allowlisted subset, for `publish` / `update`. */
export function markupToHtml(source: string): string {
  return parseMarkup(source)
    .map((b) => {
      if ('items' in b) return `<${b.kind}>${b.items.map((item) => `<li>${inlineHtml(item)}</li>`).join('')}</${b.kind}>`
      if (b.kind === 'blockquote') return `<blockquote><p>${inlineHtml(b.inline)}</p></blockquote>`
      return `<${b.kind}>${inlineHtml(b.inline)}</${b.kind}>`
    })
    .join('')
}

function inlineNodes(nodes: Inline[], resolve: (src: string) => string): RichNode[] {
  return nodes.map((n): RichNode => {
    switch (n.kind) {
      case 'text':
        return { type: 'text', text: n.text }
      case 'br':
        return { name: 'br' }
      case 'img':
        return { name: 'img', attrs: { src: resolve(n.src), alt: n.alt } }
      case 'a':
        return { name: 'a', attrs: { href: n.href }, children: inlineNodes(n.children, resolve) }
      default:
        return { name: n.kind, children: inlineNodes(n.children, resolve) }
    }
  })
}

/** RichText nodes for the editor's preview (image fileIDs mapped to URLs by `resolve`). */
export function markupToNodes(source: string, resolve: (src: string) => string = (s) => s): RichNode[] {
  return parseMarkup(source).map((b): RichNode => {
    if ('items' in b) return { name: b.kind, children: b.items.map((item) => ({ name: 'li', children: inlineNodes(item, resolve) })) }
    if (b.kind === 'blockquote') return { name: 'blockquote', children: [{ name: 'p', children: inlineNodes(b.inline, resolve) }] }
    return { name: b.kind, children: inlineNodes(b.inline, resolve) }
  })
}

// ------------------------------------------------------------------ stored HTML → markup

interface El {
  name: string
  attrs: Record<string, string>
  children: (El | string)[]
}

const unescape = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, '&')

/** Parses the server's canonical sanitised HTML (known tags, quoted attributes, escaped text). */
function parseCanonical(html: string): El {
  const root: El = { name: '#root', attrs: {}, children: [] }
  const stack = [root]
  const re = /<\/?([a-z0-9]+)((?:\s+[a-z]+="[^"]*")*)\s*>|([^<]+)/gi
  let m: RegExpExecArray | null
  while ((m = re.exec(html))) {
    const top = stack[stack.length - 1]
    if (m[3] !== undefined) {
      top.children.push(unescape(m[3]))
      continue
    }
    const name = m[1].toLowerCase()
    if (m[0].startsWith('</')) {
      const at = stack.map((e) => e.name).lastIndexOf(name)
      if (at > 0) stack.length = at
      continue
    }
    const attrs: Record<string, string> = {}
    for (const a of m[2].matchAll(/([a-z]+)="([^"]*)"/gi)) attrs[a[1].toLowerCase()] = unescape(a[2])
    const el: El = { name, attrs, children: [] }
    top.children.push(el)
    if (name !== 'br' && name !== 'img') stack.push(el)
  }
  return root
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

export function htmlToMarkup(html: string): string {
  const blocks: string[] = []
  for (const node of parseCanonical(html).children) {
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
