/**
 * The editor's markup (src/features/notices/markup.ts) against the server's sanitiser: what the
 * editor sends survives sanitising unchanged, and a stored body turned back into markup for
 * editing gives the same body again.
 */
import { markupToHtml, markupToNodes, nodesToMarkup } from '../../src/features/notices/markup'
import { styledNodes } from '../../src/features/notices/richNodes'
import { sanitizeBody } from '../../server/notices/sanitize'

const SAMPLE = [
  '# 《物业管理条例》宣讲',
  '各位居民：',
  '为做好**物业管理政策**宣讲，现将有关事项通知如下。',
  '',
  '## 一、时间地点',
  '- 时间：12月3日（周三）上午9:30',
  '- 地点：锦绣花园党建+邻里中心',
  '',
  '## 二、内容',
  '1. 业主的*权利和义务*',
  '2. 物业服务收费',
  '',
  '> 请党员同志带头参加。',
  '',
  '详见 [中国政府网](https://www.gov.cn/zhengce/content_5275614.htm) 或 https://example.gov.cn/a?b=1&c=2，咨询 [邮件](mailto:wuye@example.gov.cn)。',
  '![海报](local://notices/demo-staff/2026-11/0123456789abcdef.png)'
].join('\n')

test('markup becomes allowlisted HTML that the sanitiser keeps as it is', () => {
  const html = markupToHtml(SAMPLE)
  expect(html).toContain('<h2>《物业管理条例》宣讲</h2>')
  expect(html).toContain('<p>各位居民：<br>为做好<strong>物业管理政策</strong>宣讲，现将有关事项通知如下。</p>')
  expect(html).toContain('<ul><li>时间：12月3日（周三）上午9:30</li><li>地点：锦绣花园党建+邻里中心</li></ul>')
  expect(html).toContain('<ol><li>业主的<em>权利和义务</em></li><li>物业服务收费</li></ol>')
  expect(html).toContain('<blockquote><p>请党员同志带头参加。</p></blockquote>')
  expect(html).toContain('<a href="https://example.gov.cn/a?b=1&amp;c=2">https://example.gov.cn/a?b=1&amp;c=2</a>，')
  expect(html).toContain('<img src="local://notices/demo-staff/2026-11/0123456789abcdef.png" alt="海报">')
  expect(sanitizeBody(html).html).toBe(html)
})

test('what a user types is text, never markup', () => {
  const html = markupToHtml('<script>alert(1)</script> [x](javascript:alert(1)) ![x](data:image/png;base64,AA) "q" & <b>')
  expect(html).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1)) ![x](data:image/png;base64,AA) &quot;q&quot; &amp; &lt;b&gt;</p>')
  expect(sanitizeBody(html).html).toBe(html)
})

test('a stored body turns back into markup that gives the same body', () => {
  const stored = sanitizeBody(markupToHtml(SAMPLE))
  expect(sanitizeBody(markupToHtml(nodesToMarkup(stored.nodes))).html).toBe(stored.html)
  // A reader's nodes carry temporary URLs; the editor puts the stored fileIDs back, in order.
  const asRead = JSON.parse(JSON.stringify(stored.nodes).replace(/local:\/\/notices\/[^"]+/g, 'http://127.0.0.1:8080/files/tmp.png'))
  expect(sanitizeBody(markupToHtml(nodesToMarkup(asRead, stored.images))).html).toBe(stored.html)
  const pasted = sanitizeBody('<h1>标题</h1><p>一<b>二</b><i>三</i><br>四</p><ul><li>甲<ul><li>乙</li></ul></li></ul><blockquote>引用</blockquote>').nodes
  const back = nodesToMarkup(pasted)
  expect(back).toBe('# 标题\n\n一**二***三*\n四\n\n- 甲\n- 乙\n\n> 引用')
})

test('the preview and the reader get styled nodes of the allowlist only', () => {
  const nodes = styledNodes(markupToNodes(SAMPLE, (src) => (src.startsWith('local://') ? `http://127.0.0.1:8080/files/${src.slice(8)}` : src)))
  const names = new Set<string>()
  const walk = (list: typeof nodes) => list.forEach((n) => (n.name && names.add(n.name), walk(n.children ?? [])))
  walk(nodes)
  expect([...names].sort()).toEqual(['a', 'blockquote', 'br', 'em', 'h2', 'h3', 'img', 'li', 'ol', 'p', 'strong', 'ul'])
  // Hostile nodes (should the server ever send them) are dropped or stripped.
  expect(
    styledNodes([
      { name: 'script', children: [{ type: 'text', text: 'alert(1)' }] },
      { name: 'a', attrs: { href: 'javascript:alert(1)', onclick: 'x' }, children: [{ type: 'text', text: 'x' }] },
      { name: 'img', attrs: { src: 'javascript:alert(1)', onerror: 'x' } },
      { name: 'p', attrs: { style: 'background:url(x)', onclick: 'x' } }
    ])
  ).toEqual([
    { name: 'a', attrs: { style: expect.any(String) }, children: [{ type: 'text', text: 'x' }] },
    { name: 'p', attrs: { style: expect.stringContaining('font-size:18px') }, children: [] }
  ])
})
