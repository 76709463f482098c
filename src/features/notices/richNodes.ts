import type { RichNode } from '@contracts/notices'

/**
 * The body as RichText nodes, styled for reading on a phone (large type for elderly readers).
 * The server already sanitised the tree; this keeps only the same allowlist again (defence in
 * depth) and adds our own inline styles — the only styles a body ever gets. Sizes are CSS px.
 */
const STYLES: Record<string, string> = {
  h2: 'display:block;font-size:22px;font-weight:700;line-height:1.45;margin:18px 0 10px;color:#1c1c1c',
  h3: 'display:block;font-size:20px;font-weight:700;line-height:1.45;margin:16px 0 8px;color:#1c1c1c',
  h4: 'display:block;font-size:19px;font-weight:700;line-height:1.45;margin:14px 0 8px;color:#1c1c1c',
  p: 'display:block;font-size:18px;line-height:1.85;margin:0 0 12px;color:#1c1c1c;word-break:break-word',
  ul: 'display:block;margin:0 0 12px;padding-left:26px',
  ol: 'display:block;margin:0 0 12px;padding-left:26px',
  li: 'font-size:18px;line-height:1.85;margin:0 0 6px;color:#1c1c1c',
  blockquote: 'display:block;margin:0 0 14px;padding:10px 14px;border-left:4px solid #c8161d;background:#fdeceb;color:#4a4a4a',
  strong: 'font-weight:700',
  em: 'font-style:italic',
  a: 'color:#1a5fb4;text-decoration:underline;word-break:break-all',
  img: 'display:block;max-width:100%;height:auto;margin:10px 0;border-radius:8px'
}
const ALLOWED = new Set(Object.keys(STYLES).concat('br'))

export function styledNodes(nodes: RichNode[]): RichNode[] {
  const out: RichNode[] = []
  for (const node of nodes) {
    if (node.type === 'text') {
      out.push({ type: 'text', text: node.text ?? '' })
      continue
    }
    const name = node.name ?? ''
    if (!ALLOWED.has(name)) continue
    const attrs: Record<string, string> = {}
    if (STYLES[name]) attrs.style = STYLES[name]
    if (name === 'a') {
      const href = node.attrs?.href ?? ''
      if (/^(https?:\/\/|mailto:)/i.test(href)) {
        attrs.href = href
        attrs.target = '_blank'
        attrs.rel = 'noopener noreferrer'
      }
    }
    if (name === 'img') {
      const src = node.attrs?.src ?? ''
      if (!/^(https?:\/\/|\/)/i.test(src)) continue
      attrs.src = src
      if (node.attrs?.alt) attrs.alt = node.attrs.alt
    }
    out.push({ name, attrs, children: node.children ? styledNodes(node.children) : [] })
  }
  return out
}
