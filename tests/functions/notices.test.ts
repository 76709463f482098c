/**
 * 政策宣讲与通知 through the emulator and the real SDK: audience rules (places and roles, a direct
 * `get` included), scheduling and expiry, editing and withdrawal with history, search and paging,
 * the hostile-body table of the sanitiser, content check, attachments, reads counted once (also in
 * parallel), read coverage per community / grid / building, and subscription pushes.
 */
import { startTestCloud, type TestCloud } from '../support/cloud'

let cloud: TestCloud
const HOUR = 3_600_000
const MIN = 60_000

beforeAll(async () => {
  cloud = await startTestCloud()
})
afterAll(() => cloud.close())

const STAFF = 'demo-staff' // c1
const STAFF2 = 'demo-staff-2' // c2
const ADMIN = 'demo-admin'
const MEMBER = 'demo-member' // member, c1g1b2
const RESIDENT = 'demo-resident' // c1g1b1

let seq = 0
function addUser(openid: string, profile: Record<string, string>, roles: string[] = []): string {
  cloud.store.insertOne('users', { _id: openid, openid, roles, scopes: { communityIds: [], companyIds: [], gridIds: [] }, profile: { name: `测试${++seq}`, mobile: `1360000${String(1000 + seq)}`, ...profile } })
  return openid
}

const base = (over: Record<string, unknown> = {}) => ({
  title: `通知${++seq}`,
  category: '社区公告',
  body: '<p>请各位居民注意。</p>',
  audience: { communityIds: ['c1'] },
  ...over
})

async function publish(over: Record<string, unknown> = {}, who = STAFF) {
  return cloud.ok('notices', 'publish', base(over), who)
}

async function code(fn: Promise<{ ok: boolean; error?: { code: string } } | any>): Promise<string> {
  const reply = await fn
  return reply.ok ? 'OK' : reply.error.code
}

const listIds = async (openid: string, input: object = {}) =>
  ((await cloud.ok('notices', 'list', { pageSize: 100, ...input }, openid)).items as { noticeId: string }[]).map((n) => n.noticeId)

describe('audience', () => {
  test('a building notice reaches that building only, a direct get included', async () => {
    const n = await publish({ audience: { buildingIds: ['c1g1b2'] } })
    const neighbour = cloud.store.findOne('users', { 'profile.buildingId': 'c1g1b2', _id: { $ne: MEMBER } })!._id as string
    const elsewhere = cloud.store.findOne('users', { 'profile.buildingId': 'c1g1b3' })!._id as string
    expect(await listIds(MEMBER)).toContain(n.noticeId)
    expect(await listIds(neighbour)).toContain(n.noticeId)
    expect(await listIds(RESIDENT)).not.toContain(n.noticeId)
    expect(await listIds(elsewhere)).not.toContain(n.noticeId)
    expect(await code(cloud.call('notices', 'get', { noticeId: n.noticeId }, RESIDENT))).toBe('NOT_FOUND')
    expect(await code(cloud.call('notices', 'get', { noticeId: n.noticeId }, elsewhere))).toBe('NOT_FOUND')
    expect(await code(cloud.call('notices', 'get', { noticeId: n.noticeId }, 'someone-new'))).toBe('NOT_FOUND')
    expect(await code(cloud.call('notices', 'get', { noticeId: n.noticeId }, STAFF2))).toBe('NOT_FOUND')
    expect(await code(cloud.call('notices', 'get', { noticeId: n.noticeId }))).toBe('UNAUTHENTICATED')
    // The same answer as for a notice that does not exist.
    expect(await cloud.call('notices', 'get', { noticeId: 'no-such-notice' }, RESIDENT)).toEqual(await cloud.call('notices', 'get', { noticeId: n.noticeId }, RESIDENT))
    expect(await code(cloud.call('notices', 'get', { noticeId: n.noticeId }, MEMBER))).toBe('OK')
  })

  test('community, grid and district audiences; a user without a residence sees district-wide notices only', async () => {
    const community = await publish({ audience: { communityIds: ['c1'] } })
    const grid = await publish({ audience: { gridIds: ['c1g1'] } })
    const otherGrid = await publish({ audience: { gridIds: ['c1g2'] } })
    const district = await publish({ audience: 'district' }, ADMIN)
    const inC2 = cloud.store.findOne('users', { 'profile.communityId': 'c2', roles: 'member' })!._id as string
    const resident = await listIds(RESIDENT)
    expect(resident).toEqual(expect.arrayContaining([community.noticeId, grid.noticeId, district.noticeId]))
    expect(resident).not.toContain(otherGrid.noticeId)
    const c2 = await listIds(inC2)
    expect(c2).toContain(district.noticeId)
    expect(c2).not.toContain(community.noticeId)
    expect(c2).not.toContain(grid.noticeId)
    const stranger = await listIds('wx-stranger-1')
    expect(stranger).toContain(district.noticeId)
    expect(stranger).not.toContain(community.noticeId)
    expect(await code(cloud.call('notices', 'get', { noticeId: community.noticeId }, 'wx-stranger-1'))).toBe('NOT_FOUND')
    expect(await code(cloud.call('notices', 'get', { noticeId: district.noticeId }, 'wx-stranger-1'))).toBe('OK')
  })

  test('a members-only notice reaches members of those places only', async () => {
    const n = await publish({ audience: { communityIds: ['c1'], roles: ['member'] } })
    expect(n.audience.label).toBe('东风社区 · 仅在职党员')
    expect(await listIds(MEMBER)).toContain(n.noticeId)
    expect(await listIds(RESIDENT)).not.toContain(n.noticeId)
    expect(await code(cloud.call('notices', 'get', { noticeId: n.noticeId }, RESIDENT))).toBe('NOT_FOUND')
    const memberInC2 = cloud.store.findOne('users', { 'profile.communityId': 'c2', roles: 'member' })!._id as string
    expect(await listIds(memberInC2)).not.toContain(n.noticeId)
    // 'resident' in the roles means everybody.
    const all = await publish({ audience: { communityIds: ['c1'], roles: ['resident', 'member'] } })
    expect(all.audience.roles).toEqual([])
    expect(await listIds(RESIDENT)).toContain(all.noticeId)
  })

  test('who may publish where; refusals store nothing', async () => {
    const before = cloud.store.count('notices')
    expect(await code(cloud.call('notices', 'publish', base({ audience: 'district' }), STAFF))).toBe('FORBIDDEN')
    expect(await code(cloud.call('notices', 'publish', base({ audience: { communityIds: ['c2'] } }), STAFF))).toBe('FORBIDDEN')
    expect(await code(cloud.call('notices', 'publish', base({ audience: { buildingIds: ['c2g1b1'] } }), STAFF))).toBe('FORBIDDEN')
    expect(await code(cloud.call('notices', 'publish', base({ audience: { communityIds: ['c1'], gridIds: ['c2g1'] } }), STAFF))).toBe('FORBIDDEN')
    expect(await code(cloud.call('notices', 'publish', base(), RESIDENT))).toBe('FORBIDDEN')
    expect(await code(cloud.call('notices', 'publish', base(), MEMBER))).toBe('FORBIDDEN')
    expect(await code(cloud.call('notices', 'publish', base(), 'demo-property'))).toBe('FORBIDDEN')
    expect(await code(cloud.call('notices', 'publish', base(), 'demo-committee'))).toBe('FORBIDDEN')
    expect(await code(cloud.call('notices', 'publish', base()))).toBe('UNAUTHENTICATED')
    const invalid = await cloud.call('notices', 'publish', base({ audience: { buildingIds: ['c1g1b999'] } }), STAFF)
    expect(invalid).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fields: ['audience.buildingIds'] } })
    for (const bad of [
      { title: '' },
      { title: 'x'.repeat(61) },
      { category: '娱乐八卦' },
      { body: '' },
      { body: '<script>alert(1)</script>' },
      { audience: {} },
      { audience: { communityIds: [] } },
      { audience: { communityIds: ['c1'], roles: ['king'] } },
      { publishAt: 'not a date' },
      { expiresAt: '2026-11-27 08:00' },
      { attachments: [{ fileID: 'http://evil/x.pdf', name: 'x.pdf', contentType: 'application/pdf', size: 10 }] },
      { attachments: [{ fileID: 'local://notices/x.exe', name: 'x.exe', contentType: 'application/x-msdownload', size: 10 }] }
    ]) {
      expect([bad, await code(cloud.call('notices', 'publish', base(bad), STAFF))]).toEqual([bad, 'INVALID_INPUT'])
    }
    expect(cloud.store.count('notices')).toBe(before)
  })

  test('the district admin may publish to any community; places inside a chosen wider place are dropped', async () => {
    const n = await publish({ audience: { communityIds: ['c2'], gridIds: ['c2g1', 'c1g1'], buildingIds: ['c2g1b1', 'c1g1b1', 'c1g2b1'] } }, ADMIN)
    expect(n.audience).toMatchObject({ communityIds: ['c2'], gridIds: ['c1g1'], buildingIds: ['c1g2b1'] })
    const stored = cloud.store.get('notices', n.noticeId)!
    expect(stored.audienceKeys).toEqual(['community:c2', 'grid:c1g1', 'building:c1g2b1'])
    expect(stored.communityIds).toEqual(['c1', 'c2'])
    // Staff of c1 see it among their notices but may not change it (it reaches c2 too).
    expect(await code(cloud.call('notices', 'update', { noticeId: n.noticeId, title: '改一下标题' }, STAFF))).toBe('FORBIDDEN')
  })
})

describe('scheduling, expiry, editing and withdrawal', () => {
  test('a scheduled notice is invisible until its time, then appears', async () => {
    const at = new Date(cloud.clock.now() + 2 * HOUR)
    const n = await publish({ audience: { buildingIds: ['c1g1b1'] }, publishAt: at.toISOString() })
    expect(n.status).toBe('scheduled')
    expect(await listIds(RESIDENT)).not.toContain(n.noticeId)
    expect(await code(cloud.call('notices', 'get', { noticeId: n.noticeId }, RESIDENT))).toBe('NOT_FOUND')
    const unreadBefore = (await cloud.ok('notices', 'unreadCount', {}, RESIDENT)).count
    // The publisher sees it, as scheduled.
    expect((await cloud.ok('notices', 'get', { noticeId: n.noticeId }, STAFF)).status).toBe('scheduled')
    cloud.clock.advance(2 * HOUR + MIN)
    expect(await listIds(RESIDENT)).toContain(n.noticeId)
    expect((await cloud.ok('notices', 'unreadCount', {}, RESIDENT)).count).toBe(unreadBefore + 1)
    expect(await code(cloud.call('notices', 'get', { noticeId: n.noticeId }, RESIDENT))).toBe('OK')
  })

  test('a publish time in the past means now; wall-clock times are Asia/Shanghai', async () => {
    const past = await publish({ publishAt: '2020-01-01 08:00' })
    expect(past.publishAt).toBe(new Date(cloud.clock.now()).toISOString())
    const local = await publish({ publishAt: '2030-05-01 09:30' })
    expect(local.publishAt).toBe('2030-05-01T01:30:00.000Z')
  })

  test('an expired notice disappears for its audience', async () => {
    const n = await publish({ audience: { buildingIds: ['c1g1b1'] }, expiresAt: new Date(cloud.clock.now() + HOUR).toISOString() })
    expect(n.expiresAt).not.toBeNull()
    expect(await listIds(RESIDENT)).toContain(n.noticeId)
    cloud.clock.advance(HOUR)
    expect(await listIds(RESIDENT)).not.toContain(n.noticeId)
    expect(await code(cloud.call('notices', 'get', { noticeId: n.noticeId }, RESIDENT))).toBe('NOT_FOUND')
    expect((await cloud.ok('notices', 'get', { noticeId: n.noticeId }, STAFF)).status).toBe('expired')
    expect(await code(cloud.call('notices', 'publish', base({ publishAt: '2030-01-02 10:00', expiresAt: '2030-01-02 09:00' }), STAFF))).toBe('INVALID_INPUT')
  })

  test('editing shows the notice was updated and keeps a history; bad edits change nothing', async () => {
    const n = await publish({ audience: { buildingIds: ['c1g1b1'] } })
    cloud.clock.advance(10 * MIN)
    const edited = await cloud.ok('notices', 'update', { noticeId: n.noticeId, title: '停水通知（时间调整）', body: '<p>停水时间改为<strong>周六上午</strong>。</p>', note: '时间调整' }, STAFF)
    expect(edited.edited).toBe(true)
    expect(edited.updatedAt).toBe(new Date(cloud.clock.now()).toISOString())
    expect(edited.history.map((h: { action: string }) => h.action)).toEqual(['publish', 'update'])
    expect(edited.history[1]).toMatchObject({ by: '张敏', note: '标题、正文：时间调整' })
    const seen = await cloud.ok('notices', 'get', { noticeId: n.noticeId }, RESIDENT)
    expect(seen).toMatchObject({ title: '停水通知（时间调整）', edited: true })
    expect(seen.history).toBeUndefined()
    const before = cloud.store.get('notices', n.noticeId)
    expect(await code(cloud.call('notices', 'update', { noticeId: n.noticeId, title: 'x' }, STAFF))).toBe('INVALID_INPUT')
    expect(await code(cloud.call('notices', 'update', { noticeId: n.noticeId, body: '<p>含有赌博内容</p>' }, STAFF))).toBe('INVALID_INPUT')
    expect(await code(cloud.call('notices', 'update', { noticeId: n.noticeId, publishAt: '2030-01-01 10:00' }, STAFF))).toBe('CONFLICT')
    expect(await code(cloud.call('notices', 'update', { noticeId: n.noticeId, audience: 'district' }, STAFF))).toBe('FORBIDDEN')
    expect(await code(cloud.call('notices', 'update', { noticeId: n.noticeId, title: '别人的通知' }, STAFF2))).toBe('NOT_FOUND')
    expect(await code(cloud.call('notices', 'update', { noticeId: n.noticeId, title: '居民改通知' }, RESIDENT))).toBe('FORBIDDEN')
    expect(cloud.store.get('notices', n.noticeId)).toEqual(before)
  })

  test('moving the audience moves who sees it; a scheduled notice may be rescheduled', async () => {
    const n = await publish({ audience: { buildingIds: ['c1g1b1'] }, publishAt: new Date(cloud.clock.now() + HOUR).toISOString() })
    const moved = await cloud.ok('notices', 'update', { noticeId: n.noticeId, audience: { buildingIds: ['c1g1b2'] }, publishAt: new Date(cloud.clock.now() - MIN).toISOString() }, STAFF)
    expect(moved.status).toBe('published')
    expect(moved.edited).toBe(false) // changed before anyone could read it
    expect(await listIds(MEMBER)).toContain(n.noticeId)
    expect(await listIds(RESIDENT)).not.toContain(n.noticeId)
  })

  test('withdrawal hides it, keeps the record and happens once even when two staff press at once', async () => {
    const n = await publish({ audience: { buildingIds: ['c1g1b1'] } })
    expect(await listIds(RESIDENT)).toContain(n.noticeId)
    const replies = await Promise.all([
      cloud.call('notices', 'withdraw', { noticeId: n.noticeId, reason: '内容有误' }, STAFF),
      cloud.call('notices', 'withdraw', { noticeId: n.noticeId, reason: '重复发布' }, ADMIN)
    ])
    expect(replies.map((r) => (r.ok ? 'OK' : r.error.code)).sort()).toEqual(['CONFLICT', 'OK'])
    expect(await listIds(RESIDENT)).not.toContain(n.noticeId)
    expect(await code(cloud.call('notices', 'get', { noticeId: n.noticeId }, RESIDENT))).toBe('NOT_FOUND')
    const managed = await cloud.ok('notices', 'get', { noticeId: n.noticeId }, STAFF)
    expect(managed.status).toBe('withdrawn')
    expect(managed.history.filter((h: { action: string }) => h.action === 'withdraw')).toHaveLength(1)
    expect(cloud.store.get('notices', n.noticeId)).not.toBeNull()
    expect(await code(cloud.call('notices', 'update', { noticeId: n.noticeId, title: '撤回后再改' }, STAFF))).toBe('CONFLICT')
    expect(await code(cloud.call('notices', 'withdraw', { noticeId: n.noticeId }, STAFF2))).toBe('NOT_FOUND')
  })

  test('staff may not withdraw a district notice but see it among theirs', async () => {
    const n = await publish({ audience: 'district', title: '全区安全提示' }, ADMIN)
    expect(await code(cloud.call('notices', 'withdraw', { noticeId: n.noticeId }, STAFF))).toBe('FORBIDDEN')
    const managed = (await cloud.ok('notices', 'list', { view: 'manage', q: '全区安全提示' }, STAFF)).items
    expect(managed).toHaveLength(1)
    expect(managed[0]).toMatchObject({ noticeId: n.noticeId, canEdit: false })
  })
})

describe('lists', () => {
  const home = { communityId: 'c3', gridId: 'c3g1', buildingId: 'c3g1b1' }
  let reader: string
  beforeAll(() => {
    reader = addUser('wx-list-reader', home)
  })

  test('pinned first, then newest; category filter; search; paging; read flags', async () => {
    const ids: string[] = []
    for (const [i, over] of [
      { title: '【列表】第一条 燃气安全', category: '安全提示', body: '<p>冬季用气注意通风</p>' },
      { title: '【列表】第二条 党课', category: '党建学习', body: '<p>学习垃圾分类新规</p>', pinned: true },
      { title: '【列表】第三条 停车', category: '社区公告', body: '<p>地面停车位调整</p>' },
      { title: '【列表】第四条 电梯维保', category: '物业政策', body: '<p>电梯年检</p>' }
    ].entries()) {
      ids.push((await publish({ ...over, audience: { buildingIds: ['c3g1b1'] } }, ADMIN)).noticeId)
      cloud.clock.advance(MIN * (i + 1))
    }
    // The reader also sees the district-wide notices of other tests: '【列表】' picks this test's.
    const all = await cloud.ok('notices', 'list', { q: '【列表】', page: 1, pageSize: 2 }, reader)
    expect(all.total).toBe(4)
    expect(all.items.map((n: { title: string }) => n.title)).toEqual(['【列表】第二条 党课', '【列表】第四条 电梯维保'])
    const page2 = await cloud.ok('notices', 'list', { q: '【列表】', page: 2, pageSize: 2 }, reader)
    expect(page2.items.map((n: { title: string }) => n.title)).toEqual(['【列表】第三条 停车', '【列表】第一条 燃气安全'])
    expect((await cloud.ok('notices', 'list', { q: '【列表】', category: '安全提示' }, reader)).items.map((n: { noticeId: string }) => n.noticeId)).toEqual([ids[0]])
    expect((await cloud.ok('notices', 'list', { q: '【列表】', category: 'safety' }, reader)).total).toBe(1)
    // Words in the body and the title; several words all have to match; regex characters are literal.
    expect((await cloud.ok('notices', 'list', { q: '垃圾分类' }, reader)).items.map((n: { noticeId: string }) => n.noticeId)).toEqual([ids[1]])
    expect((await cloud.ok('notices', 'list', { q: '电梯 年检' }, reader)).total).toBe(1)
    expect((await cloud.ok('notices', 'list', { q: '电梯 燃气' }, reader)).total).toBe(0)
    expect((await cloud.ok('notices', 'list', { q: '.*' }, reader)).total).toBe(0)
    expect(await code(cloud.call('notices', 'list', { pageSize: 101 }, reader))).toBe('INVALID_INPUT')
    // Read flags and the unread count (which also counts the district-wide notices of other tests).
    const unread = (await cloud.ok('notices', 'unreadCount', {}, reader)).count
    const visible = (await cloud.ok('notices', 'list', {}, reader)).total
    expect(unread).toBe(visible)
    await cloud.ok('notices', 'get', { noticeId: ids[2] }, reader)
    expect((await cloud.ok('notices', 'unreadCount', {}, reader)).count).toBe(unread - 1)
    const flags = (await cloud.ok('notices', 'list', {}, reader)).items.map((n: { noticeId: string; read: boolean }) => [n.noticeId, n.read])
    expect(flags).toContainEqual([ids[2], true])
    expect(flags).toContainEqual([ids[0], false])
  })

  test('the manage view: staff see their communities and the district, every state; residents may not use it', async () => {
    const mine = await publish({ title: '管理视图测试甲', audience: { communityIds: ['c1'] }, publishAt: new Date(cloud.clock.now() + HOUR).toISOString() })
    const theirs = await publish({ title: '管理视图测试乙', audience: { communityIds: ['c2'] } }, STAFF2)
    const ids = await listIds(STAFF, { view: 'manage', q: '管理视图测试' })
    expect(ids).toEqual([mine.noticeId])
    expect(await listIds(STAFF2, { view: 'manage', q: '管理视图测试' })).toEqual([theirs.noticeId])
    expect((await listIds(ADMIN, { view: 'manage', q: '管理视图测试' })).sort()).toEqual([mine.noticeId, theirs.noticeId].sort())
    expect(await listIds(STAFF, { view: 'manage', q: '管理视图测试', status: 'scheduled' })).toEqual([mine.noticeId])
    expect(await listIds(STAFF, { view: 'manage', q: '管理视图测试', status: 'published' })).toEqual([])
    expect(await code(cloud.call('notices', 'list', { view: 'manage' }, RESIDENT))).toBe('FORBIDDEN')
    expect(await code(cloud.call('notices', 'list', { view: 'manage' }, 'demo-property'))).toBe('FORBIDDEN')
  })
})

describe('safe body', () => {
  /** Every tag and attribute a stored body may contain. */
  const TAGS = new Set(['h2', 'h3', 'h4', 'p', 'br', 'ul', 'ol', 'li', 'blockquote', 'strong', 'em', 'a', 'img'])
  type Node = { type?: string; name?: string; attrs?: Record<string, string>; text?: string; children?: Node[] }
  function assertSafeNodes(nodes: Node[]) {
    for (const node of nodes) {
      if (node.type === 'text') {
        expect(Object.keys(node).sort()).toEqual(['text', 'type'])
        continue
      }
      expect(TAGS.has(node.name!)).toBe(true)
      for (const [k, v] of Object.entries(node.attrs ?? {})) {
        if (node.name === 'a') {
          expect(k).toBe('href')
          expect(v).toMatch(/^(https?:\/\/|mailto:)/)
        } else if (node.name === 'img') {
          expect(['src', 'alt']).toContain(k)
          if (k === 'src') expect(v).toMatch(/^(http:\/\/127\.0\.0\.1:\d+\/files\/notices\/|local:\/\/notices\/)/)
        } else {
          throw new Error(`attribute ${k} on ${node.name}`)
        }
      }
      assertSafeNodes(node.children ?? [])
    }
  }
  function assertSafeHtml(html: string) {
    expect(html).not.toMatch(/<\s*(script|style|svg|math|iframe|object|embed|template|form|input|textarea|link|meta|base|noscript)/i)
    expect(html).not.toMatch(/\son\w+\s*=/i)
    expect(html).not.toMatch(/(javascript|vbscript|data):/i)
    expect(html).not.toMatch(/\s(style|class|id|srcset|formaction|xlink:href)\s*=/i)
    // Every tag in the output is from the allowlist.
    for (const m of html.matchAll(/<\/?([a-z0-9]+)/gi)) expect(TAGS.has(m[1].toLowerCase())).toBe(true)
  }

  const hostile: [string, string, RegExp?][] = [
    ['script tag', '<p>通知</p><script>alert(1)</script>', /^<p>通知<\/p>$/],
    ['script with attributes and odd case', '<p>x</p><ScRiPt src="//evil.js" >alert(1)</sCrIpT >', /^<p>x<\/p>$/],
    ['unterminated script', '<p>x</p><script>alert(1)', /^<p>x<\/p>$/],
    ['event handler', '<p onclick="alert(1)" onmouseover=alert(2)>点我</p>', /^<p>点我<\/p>$/],
    ['event handler on img', '<img src=x onerror=alert(1)>', undefined],
    ['javascript link', '<a href="javascript:alert(1)">链接</a>', /^<p>链接<\/p>$/],
    ['javascript link, mixed case and spaces', '<a href="  JaVaScRiPt :alert(1)">链接</a>', /^<p>链接<\/p>$/],
    ['javascript link, tab inside', '<a href="java\tscript:alert(1)">链接</a>', /^<p>链接<\/p>$/],
    ['javascript link, entity-encoded', '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">链接</a>', /^<p>链接<\/p>$/],
    ['javascript link, hex entities without semicolons', '<a href="&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)">链接</a>', /^<p>链接<\/p>$/],
    ['javascript link, &colon;', '<a href="javascript&colon;alert(1)">链接</a>', /^<p>链接<\/p>$/],
    ['vbscript link', '<a href="vbscript:msgbox(1)">链接</a>', /^<p>链接<\/p>$/],
    ['data: link', '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">链接</a>', /^<p>链接<\/p>$/],
    ['data: image', '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">', undefined],
    ['remote image', '<img src="https://evil.example/track.gif">', undefined],
    ['protocol-relative link', '<a href="//evil.example">链接</a>', /^<p>链接<\/p>$/],
    ['svg with script', '<svg onload="alert(1)"><script>alert(2)</script><a xlink:href="javascript:alert(3)">x</a></svg><p>后文</p>', /^<p>后文<\/p>$/],
    ['math with link', '<math><mtext><a href="javascript:alert(1)">x</a></mtext></math><p>后文</p>', /^<p>后文<\/p>$/],
    ['style tag', '<style>body{background:url(javascript:alert(1))}</style><p>正文</p>', /^<p>正文<\/p>$/],
    ['style attribute expression', '<p style="width:expression(alert(1));background:url(javascript:alert(2))">正文</p>', /^<p>正文<\/p>$/],
    ['iframe, object, embed', '<iframe src="javascript:alert(1)"></iframe><object data="x.swf"></object><embed src="x.swf"><p>正文</p>', /^<p>正文<\/p>$/],
    ['form and inputs', '<form action="javascript:alert(1)"><input autofocus onfocus=alert(1)><button formaction=javascript:alert(1)>按钮</button>说明</form>', /^<p>说明<\/p>$/],
    ['meta refresh and base', '<meta http-equiv="refresh" content="0;url=javascript:alert(1)"><base href="javascript:alert(1)//"><p>正文</p>', /^<p>正文<\/p>$/],
    // As in a browser, </noscript> inside the attribute ends the noscript; the img after it is parsed (and dropped).
    ['template and noscript', '<template><script>alert(1)</script></template><noscript><p title="</noscript><img src=x onerror=alert(1)>">x</p></noscript><p>正文</p>', /^<p>&quot;&gt;x<\/p><p>正文<\/p>$/],
    ['nested broken script', '<scr<script>ipt>alert(1)</scr</script>ipt>', undefined],
    ['double open bracket', '<<script>script>alert(1)<</script>/script>', undefined],
    ['comment hiding script', '<!--<script>alert(1)</script>--><p>正文</p>', /^<p>正文<\/p>$/],
    ['conditional comment', '<!--[if IE]><script>alert(1)</script><![endif]--><p>正文</p>', /^<p>正文<\/p>$/],
    ['attribute breaking out', '<p title="x"><img src=x onerror=alert(1)>">正文</p>', undefined],
    ['unquoted attribute with slash', '<img/src=x/onerror=alert(1)>', undefined],
    ['entity-encoded markup stays text', '&lt;script&gt;alert(1)&lt;/script&gt;', /^<p>&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/p>$/],
    ['malformed nesting', '<p><b><i>粗斜</b>后</i></p><ul><li>一<li>二</ul>', /^<p><strong><em>粗斜<\/em><\/strong>后<\/p><ul><li>一<\/li><li>二<\/li><\/ul>$/],
    ['unclosed tags', '<h1>标题<p>段落<ul><li>项', undefined],
    ['deep nesting', '<div>'.repeat(1500) + '深' + '</div>'.repeat(1500), /^<p>深<\/p>$/],
    ['null bytes and control characters', '<a href="jav\u0000ascript:alert(1)">链接</a><p>a\u0000b</p>', undefined]
  ]

  test.each(hostile)('%s', async (_name, body, expected) => {
    const reply = await cloud.call('notices', 'publish', base({ body: `${body}<p>安全正文</p>` }), STAFF)
    expect(reply.ok).toBe(true)
    const n = (reply as { data: any }).data
    const stored = cloud.store.get('notices', n.noticeId)!
    assertSafeHtml(stored.body)
    assertSafeNodes(stored.bodyNodes)
    assertSafeHtml(n.body)
    assertSafeNodes(n.bodyNodes)
    if (expected) expect(stored.body.replace(/<p>安全正文<\/p>$/, '')).toMatch(expected)
    // Sanitising the result again changes nothing.
    const again = await cloud.ok('notices', 'update', { noticeId: n.noticeId, body: stored.body }, STAFF)
    expect(again.body).toBe(stored.body)
  })

  test('a body that is nothing but hostile markup is refused, nothing stored', async () => {
    const before = cloud.store.count('notices')
    for (const body of ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<svg><a href="x">x</a></svg>', '   ']) {
      expect(await code(cloud.call('notices', 'publish', base({ body }), STAFF))).toBe('INVALID_INPUT')
    }
    expect(cloud.store.count('notices')).toBe(before)
  })

  test('the formatted-text subset survives: headings, lists, emphasis, links, plain text lines', async () => {
    const n = await publish({
      body: '<h1>《物业管理条例》要点</h1><h3>一、业主的权利</h3><ol><li>按照物业服务合同<b>接受服务</b></li><li>提议召开<i>业主大会</i><ul><li>二十人以上</li></ul></li></ol><p>原文见<a href="https://www.gov.cn/zhengce/2018-03/19/content_5275614.htm">中国政府网</a>，问题请写信至<a href="mailto:wuye@example.gov.cn">wuye@example.gov.cn</a>。</p><blockquote>物业管理，人人参与。</blockquote>'
    })
    expect(n.body).toBe(
      '<h2>《物业管理条例》要点</h2><h3>一、业主的权利</h3><ol><li>按照物业服务合同<strong>接受服务</strong></li><li>提议召开<em>业主大会</em><ul><li>二十人以上</li></ul></li></ol><p>原文见<a href="https://www.gov.cn/zhengce/2018-03/19/content_5275614.htm">中国政府网</a>，问题请写信至<a href="mailto:wuye@example.gov.cn">wuye@example.gov.cn</a>。</p><blockquote><p>物业管理，人人参与。</p></blockquote>'
    )
    expect(n.summary.startsWith('《物业管理条例》要点 一、业主的权利')).toBe(true)
    const plain = await publish({ body: '第一行\n第二行 <3 & 5>2' })
    expect(plain.body).toBe('<p>第一行</p><p>第二行 &lt;3 &amp; 5&gt;2</p>')
  })
})

describe('content check and attachments', () => {
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)])
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n')

  test('blocked words in the title, body or attachment names are refused before anything is stored', async () => {
    const before = cloud.store.count('notices')
    const title = await cloud.call('notices', 'publish', base({ title: '网络赌博提醒' }), STAFF)
    expect(title).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fields: ['title'] } })
    const body = await cloud.call('notices', 'publish', base({ body: '<p>出售<b>毒品</b></p>' }), STAFF)
    expect(body).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fields: ['body'] } })
    expect(cloud.store.count('notices')).toBe(before)
  })

  test('upload checks the bytes, the type and the size; publish accepts only known uploads', async () => {
    const image = await cloud.ok('notices', 'upload', { name: '宣传海报', contentType: 'image/png', data: png.toString('base64') }, STAFF)
    expect(image).toMatchObject({ name: '宣传海报.png', contentType: 'image/png', size: png.length })
    expect(image.fileID).toMatch(/^local:\/\/notices\/demo-staff\/\d{4}-\d{2}\/[0-9a-f]{16}\.png$/)
    const doc = await cloud.ok('notices', 'upload', { name: '物业管理条例.pdf', contentType: 'application/pdf', data: pdf.toString('base64') }, STAFF)
    expect(await code(cloud.call('notices', 'upload', { name: 'x.png', contentType: 'image/png', data: pdf.toString('base64') }, STAFF))).toBe('INVALID_INPUT')
    expect(await code(cloud.call('notices', 'upload', { name: 'x.pdf', contentType: 'application/pdf', data: Buffer.from('<html><script>').toString('base64') }, STAFF))).toBe('INVALID_INPUT')
    const big = Buffer.concat([pdf, Buffer.alloc(1400 * 1024)])
    expect(await code(cloud.call('notices', 'upload', { name: 'big.pdf', contentType: 'application/pdf', data: big.toString('base64') }, STAFF))).toBe('INVALID_INPUT')
    expect(await code(cloud.call('notices', 'upload', { name: 'x.png', contentType: 'image/png', data: png.toString('base64') }, RESIDENT))).toBe('FORBIDDEN')

    const n = await publish({
      body: `<p>见下图</p><img src="${image.fileID}" alt="海报" onerror="alert(1)">`,
      attachments: [
        { fileID: doc.fileID, name: '《物业管理条例》全文.pdf', contentType: 'application/pdf', size: 1 },
        { fileID: image.fileID, name: '海报.png', contentType: 'image/png', size: 1 }
      ],
      audience: { buildingIds: ['c1g1b1'] }
    })
    // Type and size come from the upload record, not from the claim.
    expect(n.attachments).toEqual([
      expect.objectContaining({ name: '《物业管理条例》全文.pdf', kind: 'pdf', size: pdf.length, url: expect.stringMatching(/\/files\/notices\/demo-staff\/.+\.pdf$/) }),
      expect.objectContaining({ name: '海报.png', kind: 'image', size: png.length })
    ])
    const seen = await cloud.ok('notices', 'get', { noticeId: n.noticeId }, RESIDENT)
    const img = seen.bodyNodes[1].children?.[0] ?? seen.bodyNodes[1]
    expect(JSON.stringify(seen.bodyNodes)).toContain('/files/notices/demo-staff/')
    expect(JSON.stringify(img)).not.toContain('onerror')

    const before = cloud.store.count('notices')
    for (const attachments of [
      [{ fileID: 'local://notices/demo-staff/2026-11/0000000000000000.pdf', name: 'x.pdf', contentType: 'application/pdf', size: 10 }],
      [{ fileID: 'cloud://env-1.xxx/notices/someone-else/2026-11/a.pdf', name: 'x.pdf', contentType: 'application/pdf', size: 10 }],
      [{ fileID: `cloud://env-1.xxx/notices/${STAFF}/2026-11/a.pdf`, name: 'x.pdf', contentType: 'image/png', size: 10 }],
      [{ fileID: `cloud://env-1.xxx/notices/${STAFF}/2026-11/a.pdf`, name: 'x.pdf', contentType: 'application/pdf', size: 11 * 1024 * 1024 }]
    ]) {
      expect(await code(cloud.call('notices', 'publish', base({ attachments }), STAFF))).toBe('INVALID_INPUT')
    }
    expect(await code(cloud.call('notices', 'publish', base({ body: '<p>x</p><img src="local://notices/demo-staff/2026-11/ffffffffffffffff.png">' }), STAFF))).toBe('INVALID_INPUT')
    expect(await code(cloud.call('notices', 'publish', base({ body: `<p>x</p><img src="${doc.fileID}">` }), STAFF))).toBe('INVALID_INPUT')
    expect(cloud.store.count('notices')).toBe(before)
    // Someone else's upload may not be attached to a new notice …
    expect(await code(cloud.call('notices', 'publish', base({ attachments: [{ fileID: doc.fileID, name: 'x.pdf', contentType: 'application/pdf', size: 1 }] }), ADMIN))).toBe('INVALID_INPUT')
    // … but a colleague may edit a notice that already carries it.
    const edited = await cloud.ok('notices', 'update', { noticeId: n.noticeId, title: '附件通知（修订）', body: `<p>见下图（已更新）</p><img src="${image.fileID}" alt="海报">` }, ADMIN)
    expect(edited.attachments).toHaveLength(2)
    expect(edited.body).toContain(image.fileID)
    // A mini-program upload of one's own, named for its type, within the limit.
    const ok = await publish({ attachments: [{ fileID: `cloud://env-1.xxx/notices/${STAFF}/2026-11/a.pdf`, name: '通知.pdf', contentType: 'application/pdf', size: 2048 }] })
    expect(ok.attachments[0]).toMatchObject({ kind: 'pdf', size: 2048 })
  })
})

describe('reads and coverage', () => {
  test('opening twice, or on two phones at once, counts once', async () => {
    const n = await publish({ audience: { buildingIds: ['c1g1b2'] } })
    await Promise.all(Array.from({ length: 6 }, () => cloud.ok('notices', 'get', { noticeId: n.noticeId }, MEMBER)))
    const first = cloud.store.get('noticeReads', `${n.noticeId}:${MEMBER}`)!
    await cloud.ok('notices', 'get', { noticeId: n.noticeId }, MEMBER)
    expect(cloud.store.count('noticeReads', { noticeId: n.noticeId })).toBe(1)
    expect(cloud.store.get('noticeReads', `${n.noticeId}:${MEMBER}`)).toEqual(first)
    expect(cloud.store.get('notices', n.noticeId)!.readCount).toBe(1)
    expect(first).toMatchObject({ communityId: 'c1', gridId: 'c1g1', buildingId: 'c1g1b2', isMember: true })
    // The publisher opening it is not a read.
    await cloud.ok('notices', 'get', { noticeId: n.noticeId }, STAFF)
    expect(cloud.store.count('noticeReads', { noticeId: n.noticeId })).toBe(1)
  })

  test('coverage per grid and per building, and who in a building has not read it', async () => {
    const n = await publish({ audience: { gridIds: ['c1g1'] }, title: '锦绣花园停水通知' })
    const b2 = cloud.store.find('users', { 'profile.buildingId': 'c1g1b2' }).map((u) => u._id as string)
    const b3 = cloud.store.find('users', { 'profile.buildingId': 'c1g1b3' }).map((u) => u._id as string)
    expect(b2.length).toBeGreaterThan(3)
    const readersB2 = b2.filter((id) => id !== MEMBER).slice(0, 3)
    await Promise.all([...readersB2, b3[0], RESIDENT].map((id) => cloud.ok('notices', 'get', { noticeId: n.noticeId }, id)))
    // A reader without a known residence cannot be in this notice's audience at all.
    expect(await code(cloud.call('notices', 'get', { noticeId: n.noticeId }, 'wx-nowhere'))).toBe('NOT_FOUND')

    const stats = await cloud.ok('notices', 'readStats', { noticeId: n.noticeId }, STAFF)
    const inGrid = cloud.store.count('users', { 'profile.gridId': 'c1g1', 'profile.buildingId': { $ne: null } })
    expect(stats.scope).toMatchObject({ level: 'community', communityId: 'c1', communityName: '东风社区' })
    expect(stats).toMatchObject({ audience: inGrid, read: 5, unread: inGrid - 5, otherReaders: 0 })
    expect(stats.rate).toBeCloseTo(5 / inGrid)
    expect(stats.byGrid).toEqual([{ id: 'c1g1', name: '锦绣花园', parentName: '东风社区', audience: inGrid, read: 5 }])
    const row = (id: string) => stats.byBuilding.find((r: { id: string }) => r.id === id)
    expect(row('c1g1b2')).toEqual({ id: 'c1g1b2', name: '2号楼', parentName: '锦绣花园', audience: b2.length, read: 3 })
    expect(row('c1g1b3')).toMatchObject({ audience: b3.length, read: 1 })
    expect(row('c1g1b1')).toMatchObject({ read: 1 })
    expect(stats.byBuilding.reduce((s: number, r: { audience: number }) => s + r.audience, 0)).toBe(inGrid)

    const grid = await cloud.ok('notices', 'readStats', { noticeId: n.noticeId, gridId: 'c1g1' }, STAFF)
    expect(grid.scope.level).toBe('grid')
    expect(grid.byBuilding).toEqual(stats.byBuilding)
    expect(grid.byGrid).toBeUndefined()

    const building = await cloud.ok('notices', 'readStats', { noticeId: n.noticeId, buildingId: 'c1g1b2', pageSize: 2 }, STAFF)
    expect(building).toMatchObject({ audience: b2.length, read: 3, scope: { level: 'building', buildingName: '2号楼', gridName: '锦绣花园' } })
    expect(building.unreadPeople.total).toBe(b2.length - 3)
    expect(building.unreadPeople.items).toHaveLength(2)
    const everyone = await cloud.ok('notices', 'readStats', { noticeId: n.noticeId, buildingId: 'c1g1b2', pageSize: 100 }, STAFF)
    const names = everyone.unreadPeople.items.map((p: { name: string }) => p.name)
    expect(names).toContain('李明')
    const readerNames = readersB2.map((id) => cloud.store.get('users', id)!.profile.name)
    for (const name of readerNames) expect(names).not.toContain(name)
    expect(everyone.unreadPeople.items.every((p: { mobileMasked?: string }) => !p.mobileMasked || /^\d{3}\*{4}\d{4}$/.test(p.mobileMasked))).toBe(true)
    // Members first.
    const kinds = everyone.unreadPeople.items.map((p: { isMember: boolean }) => p.isMember)
    expect(kinds).toEqual([...kinds].sort((a: boolean, b: boolean) => Number(b) - Number(a)))

    // Coverage changes when someone reads it.
    await cloud.ok('notices', 'get', { noticeId: n.noticeId }, MEMBER)
    const after = await cloud.ok('notices', 'readStats', { noticeId: n.noticeId, buildingId: 'c1g1b2', pageSize: 100 }, STAFF)
    expect(after.read).toBe(4)
    expect(after.unreadPeople.items.map((p: { name: string }) => p.name)).not.toContain('李明')
  })

  test('who may see coverage', async () => {
    const n = await publish({ audience: { communityIds: ['c1'] } })
    expect(await code(cloud.call('notices', 'readStats', { noticeId: n.noticeId }, STAFF2))).toBe('NOT_FOUND')
    expect(await code(cloud.call('notices', 'readStats', { noticeId: n.noticeId }, RESIDENT))).toBe('FORBIDDEN')
    expect(await code(cloud.call('notices', 'readStats', { noticeId: n.noticeId }, MEMBER))).toBe('FORBIDDEN')
    expect(await code(cloud.call('notices', 'readStats', { noticeId: n.noticeId }, 'demo-property'))).toBe('FORBIDDEN')
    expect(await code(cloud.call('notices', 'readStats', { noticeId: n.noticeId, communityId: 'c2' }, ADMIN))).toBe('NOT_FOUND')
    expect(await code(cloud.call('notices', 'readStats', { noticeId: n.noticeId, buildingId: 'c2g1b1' }, STAFF))).toBe('NOT_FOUND')
    expect(await code(cloud.call('notices', 'readStats', { noticeId: n.noticeId }, ADMIN))).toBe('OK')
  })

  test('district-wide: per community for the admin, their own community for staff; audience counts are kept 5 minutes', async () => {
    const n = await publish({ audience: 'district', title: '《物业管理条例》宣讲' }, ADMIN)
    const c1 = cloud.store.find('users', { 'profile.communityId': 'c1', 'profile.buildingId': { $ne: null } }).slice(0, 4)
    const c2 = cloud.store.find('users', { 'profile.communityId': 'c2', 'profile.buildingId': { $ne: null } }).slice(0, 2)
    await Promise.all([...c1, ...c2].map((u) => cloud.ok('notices', 'get', { noticeId: n.noticeId }, u._id as string)))
    await cloud.ok('notices', 'get', { noticeId: n.noticeId }, 'wx-nowhere-2') // no known residence

    const stats = await cloud.ok('notices', 'readStats', { noticeId: n.noticeId }, ADMIN)
    expect(stats.scope.level).toBe('district')
    expect(stats.byCommunity).toHaveLength(7)
    const total = cloud.store.count('users', { 'profile.buildingId': { $ne: null } })
    expect(stats).toMatchObject({ audience: total, read: 6, otherReaders: 1 })
    const inC1 = cloud.store.count('users', { 'profile.communityId': 'c1', 'profile.buildingId': { $ne: null } })
    expect(stats.byCommunity[0]).toEqual({ id: 'c1', name: '东风社区', audience: inC1, read: 4 })
    expect(stats.byCommunity[1]).toMatchObject({ id: 'c2', read: 2 })

    const staff = await cloud.ok('notices', 'readStats', { noticeId: n.noticeId }, STAFF)
    expect(staff.scope).toMatchObject({ level: 'community', communityId: 'c1' })
    expect(staff).toMatchObject({ audience: inC1, read: 4 })
    expect(await code(cloud.call('notices', 'readStats', { noticeId: n.noticeId, communityId: 'c2' }, STAFF))).toBe('NOT_FOUND')

    // A newly registered member: live inside a community, the district figure after 5 minutes.
    addUser('wx-new-member', { communityId: 'c1', gridId: 'c1g1', buildingId: 'c1g1b1' }, ['member'])
    expect((await cloud.ok('notices', 'readStats', { noticeId: n.noticeId, communityId: 'c1' }, ADMIN)).audience).toBe(inC1 + 1)
    const cached = await cloud.ok('notices', 'readStats', { noticeId: n.noticeId }, ADMIN)
    expect(cached.audience).toBe(total)
    expect(cached.audienceCountedAt).toBe(stats.audienceCountedAt)
    cloud.clock.advance(5 * MIN + 1)
    const fresh = await cloud.ok('notices', 'readStats', { noticeId: n.noticeId }, ADMIN)
    expect(fresh.audience).toBe(total + 1)
    expect(fresh.audienceCountedAt).toBe(new Date(cloud.clock.now()).toISOString())
  })

  test('a members-only notice counts members only', async () => {
    const n = await publish({ audience: { gridIds: ['c1g1'], roles: ['member'] } })
    const members = cloud.store.count('users', { 'profile.gridId': 'c1g1', roles: 'member', 'profile.buildingId': { $ne: null } })
    const everyone = cloud.store.count('users', { 'profile.gridId': 'c1g1', 'profile.buildingId': { $ne: null } })
    expect(members).toBeLessThan(everyone)
    expect((await cloud.ok('notices', 'readStats', { noticeId: n.noticeId }, STAFF)).audience).toBe(members)
  })
})

describe('coverage figures equal direct counts (issue #15: counted in combined reads)', () => {
  test('each community of the district, each building of a community, and every page of a building\'s unread people', async () => {
    const n = await publish({ audience: 'district', title: '冬季防火提示' }, ADMIN)
    const c1 = cloud.store.find('users', { 'profile.communityId': 'c1', 'profile.buildingId': 'c1g1b2' }).slice(0, 3)
    await Promise.all(c1.map((u) => cloud.ok('notices', 'get', { noticeId: n.noticeId }, u._id as string)))
    cloud.clock.advance(5 * MIN + 1)
    const district = await cloud.ok('notices', 'readStats', { noticeId: n.noticeId }, ADMIN)
    for (const row of district.byCommunity)
      expect([row.id, row.audience]).toEqual([row.id, cloud.store.count('users', { 'profile.communityId': row.id, 'profile.buildingId': { $ne: null } })])

    const community = await cloud.ok('notices', 'readStats', { noticeId: n.noticeId, communityId: 'c1' }, ADMIN)
    for (const row of community.byBuilding)
      expect([row.id, row.audience]).toEqual([row.id, cloud.store.count('users', { 'profile.buildingId': row.id })])
    for (const row of community.byGrid) expect([row.id, row.audience]).toEqual([row.id, cloud.store.count('users', { 'profile.gridId': row.id, 'profile.buildingId': { $ne: null } })])

    const readers = new Set(cloud.store.find('noticeReads', { noticeId: n.noticeId }).map((r) => r.openid as string))
    const unread = cloud.store.find('users', { 'profile.buildingId': 'c1g1b2' }).filter((u) => !readers.has(u._id as string))
    const members = unread.filter((u) => ((u.roles as string[] | undefined) ?? []).includes('member'))
    expect(members.length).toBeGreaterThan(0)
    const seen: { name: string; isMember: boolean }[] = []
    for (let page = 1; page <= unread.length; page++) {
      const stats = await cloud.ok('notices', 'readStats', { noticeId: n.noticeId, buildingId: 'c1g1b2', page, pageSize: 2 }, ADMIN)
      expect(stats.unreadPeople.total).toBe(unread.length)
      seen.push(...stats.unreadPeople.items)
      if (seen.length >= unread.length) break
    }
    expect(seen.map((p) => p.name).sort()).toEqual(unread.map((u) => (u.profile as { name?: string } | undefined)?.name ?? '居民').sort())
    // Members first, across pages too.
    expect(seen.map((p) => p.isMember)).toEqual([...members.map(() => true), ...unread.slice(members.length).map(() => false)])
  })
})

describe('subscription pushes', () => {
  const outboxFor = (openid: string, noticeId: string) => cloud.store.find('outbox', { touser: openid }).filter((m) => String(m.page).includes(noticeId))
  /** The notices timer (every minute on the cloud): it pushes due important notices, nobody waits for them. */
  const pushDue = async () => {
    const reply = await cloud.call('notices', undefined as unknown as string, { Type: 'Timer', TriggerName: 'pushDueNotices' })
    if (!reply.ok) throw new Error(`pushDueNotices failed: ${reply.error.code}`)
  }

  test('an important notice is pushed once to subscribers in its audience, spending one grant each', async () => {
    const reader = addUser('wx-push-reader', { communityId: 'c4', gridId: 'c4g1', buildingId: 'c4g1b1' })
    const outsider = addUser('wx-push-outsider', { communityId: 'c4', gridId: 'c4g1', buildingId: 'c4g1b2' })
    expect((await cloud.ok('notices', 'subscribe', {}, reader)).credits).toBe(1)
    expect((await cloud.ok('notices', 'subscribe', {}, reader)).credits).toBe(2)
    await cloud.ok('notices', 'subscribe', {}, outsider)
    const n = await publish({ audience: { buildingIds: ['c4g1b1'] }, important: true, title: '燃气管道改造紧急通知' }, ADMIN)
    // Pushed by the timer's next run (within a minute), not while the publisher waits.
    expect(outboxFor(reader, n.noticeId)).toHaveLength(0)
    await pushDue()
    const sent = outboxFor(reader, n.noticeId)
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({ templateId: 'tpl-notice-published', page: `packages/notices/pages/detail/index?id=${n.noticeId}` })
    expect(sent[0].data.thing1.value).toBe('燃气管道改造紧急通知')
    expect(outboxFor(outsider, n.noticeId)).toHaveLength(0)
    expect(cloud.store.get('noticeSubscriptions', reader)!.credits).toBe(1)
    expect(cloud.store.get('notices', n.noticeId)).toMatchObject({ pushState: 'done', pushedCount: 1 })
    // An ordinary notice is not pushed.
    const plain = await publish({ audience: { buildingIds: ['c4g1b1'] } }, ADMIN)
    await pushDue()
    expect(outboxFor(reader, plain.noticeId)).toHaveLength(0)
  })

  test('a scheduled important notice is pushed when it comes due, a withdrawn one never', async () => {
    const reader = addUser('wx-push-later', { communityId: 'c5', gridId: 'c5g1', buildingId: 'c5g1b1' })
    await cloud.ok('notices', 'subscribe', {}, reader)
    await cloud.ok('notices', 'subscribe', {}, reader)
    const later = await publish({ audience: { gridIds: ['c5g1'] }, important: true, publishAt: new Date(cloud.clock.now() + HOUR).toISOString() }, ADMIN)
    const cancelled = await publish({ audience: { gridIds: ['c5g1'] }, important: true, publishAt: new Date(cloud.clock.now() + HOUR).toISOString() }, ADMIN)
    await cloud.ok('notices', 'withdraw', { noticeId: cancelled.noticeId }, ADMIN)
    await pushDue()
    expect(outboxFor(reader, later.noticeId)).toHaveLength(0)
    cloud.clock.advance(HOUR)
    await pushDue()
    expect(outboxFor(reader, later.noticeId)).toHaveLength(1)
    expect(outboxFor(reader, cancelled.noticeId)).toHaveLength(0)
  })

  test('grants accepted on two phones at once all count', async () => {
    const reader = addUser('wx-push-parallel', { communityId: 'c6', gridId: 'c6g2', buildingId: 'c6g2b1' })
    await Promise.all(Array.from({ length: 5 }, () => cloud.ok('notices', 'subscribe', {}, reader)))
    expect(cloud.store.get('noticeSubscriptions', reader)).toMatchObject({ credits: 5, placeKeys: ['district', 'community:c6', 'grid:c6g2', 'building:c6g2b1'] })
    // Two dispatchers at once still push once.
    const n = await publish({ audience: { buildingIds: ['c6g2b1'] }, important: true, publishAt: new Date(cloud.clock.now() + HOUR).toISOString() }, ADMIN)
    cloud.clock.advance(HOUR)
    await Promise.all([pushDue(), pushDue(), pushDue()])
    await pushDue()
    expect(outboxFor(reader, n.noticeId)).toHaveLength(1)
    expect(cloud.store.get('noticeSubscriptions', reader)!.credits).toBe(4)
  })

  test('nobody is pushed without a grant', async () => {
    const reader = addUser('wx-push-none', { communityId: 'c6', gridId: 'c6g1', buildingId: 'c6g1b1' })
    const n = await publish({ audience: { buildingIds: ['c6g1b1'] }, important: true }, ADMIN)
    await pushDue()
    expect(outboxFor(reader, n.noticeId)).toHaveLength(0)
  })
})

test('places for the audience picker', async () => {
  const communities = (await cloud.ok('notices', 'places', {}, STAFF)).items
  expect(communities[0]).toEqual({ id: 'c1', name: '东风社区' })
  expect(communities).toHaveLength(7)
  const grids = (await cloud.ok('notices', 'places', { communityId: 'c1' }, STAFF)).items
  expect(grids[0]).toEqual({ id: 'c1g1', name: '锦绣花园' })
  const buildings = (await cloud.ok('notices', 'places', { gridId: 'c1g1' }, STAFF)).items
  expect(buildings.slice(0, 2)).toEqual([
    { id: 'c1g1b1', name: '1号楼' },
    { id: 'c1g1b2', name: '2号楼' }
  ])
})

describe('我的住址', () => {
  test('a resident sets their residence and then receives that place\'s notices', async () => {
    const n = await publish({ audience: { buildingIds: ['c1g3b1'] } })
    expect(await listIds('wx-newcomer')).not.toContain(n.noticeId)
    const set = await cloud.ok('notices', 'setResidence', { communityId: 'c1', gridId: 'c1g3', buildingId: 'c1g3b1' }, 'wx-newcomer')
    expect(set).toMatchObject({ communityName: '东风社区', buildingName: '1号楼' })
    expect(cloud.store.get('users', 'wx-newcomer')).toMatchObject({ openid: 'wx-newcomer', roles: [], profile: { communityId: 'c1', gridId: 'c1g3', buildingId: 'c1g3b1' } })
    expect(await listIds('wx-newcomer')).toContain(n.noticeId)
    const stats = await cloud.ok('notices', 'readStats', { noticeId: n.noticeId, buildingId: 'c1g3b1', pageSize: 100 }, STAFF)
    expect(stats.unreadPeople.items.map((p: { name: string }) => p.name)).toContain('居民')
    // Moving keeps everything else of the profile.
    const mover = addUser('wx-mover', { communityId: 'c3', gridId: 'c3g2', buildingId: 'c3g2b1' })
    await cloud.ok('notices', 'setResidence', { communityId: 'c1', gridId: 'c1g3', buildingId: 'c1g3b1' }, mover)
    expect(cloud.store.get('users', mover)!.profile).toMatchObject({ name: expect.stringMatching(/^测试/), communityId: 'c1', buildingId: 'c1g3b1' })
  })

  test('members keep the residence of their registration; places must belong together', async () => {
    const before = cloud.store.get('users', MEMBER)
    expect(await code(cloud.call('notices', 'setResidence', { communityId: 'c1', gridId: 'c1g1', buildingId: 'c1g1b1' }, MEMBER))).toBe('CONFLICT')
    expect(await code(cloud.call('notices', 'setResidence', { communityId: 'c2', gridId: 'c1g1', buildingId: 'c1g1b1' }, 'wx-someone'))).toBe('INVALID_INPUT')
    expect(await code(cloud.call('notices', 'setResidence', { communityId: 'c1', gridId: 'c1g1', buildingId: 'c1g2b1' }, 'wx-someone'))).toBe('INVALID_INPUT')
    expect(await code(cloud.call('notices', 'setResidence', { communityId: 'c1', gridId: 'c1g1' }, 'wx-someone'))).toBe('INVALID_INPUT')
    expect(await code(cloud.call('notices', 'setResidence', { communityId: 'c1', gridId: 'c1g1', buildingId: 'c1g1b1' }))).toBe('UNAUTHENTICATED')
    expect(cloud.store.get('users', MEMBER)).toEqual(before)
    expect(cloud.store.get('users', 'wx-someone')).toBeNull()
  })
})

describe('demo data', () => {
  test('the seeded notices reach their audiences and show some coverage', async () => {
    const member = await listIds(MEMBER)
    expect(member).toEqual(expect.arrayContaining(['seed-notice-policy', 'seed-notice-gas', 'seed-notice-water', 'seed-notice-stairwell', 'seed-notice-party-day']))
    const resident = await listIds(RESIDENT)
    expect(resident).toEqual(expect.arrayContaining(['seed-notice-policy', 'seed-notice-gas', 'seed-notice-water']))
    expect(resident).not.toContain('seed-notice-stairwell')
    expect(resident).not.toContain('seed-notice-party-day')
    expect(resident).not.toContain('seed-notice-newyear')
    expect(resident).not.toContain('seed-notice-power')
    expect(await listIds(STAFF, { view: 'manage', status: 'scheduled' })).toContain('seed-notice-newyear')
    expect(await listIds(STAFF, { view: 'manage', status: 'withdrawn' })).toContain('seed-notice-power')
    const stairwell = await cloud.ok('notices', 'readStats', { noticeId: 'seed-notice-stairwell', buildingId: 'c1g1b2', pageSize: 100 }, STAFF)
    expect(stairwell.read).toBe(cloud.store.count('noticeReads', { noticeId: 'seed-notice-stairwell', buildingId: 'c1g1b2' }))
    expect(stairwell.unreadPeople.items.map((p: { name: string }) => p.name)).toContain('李明')
    const policy = await cloud.ok('notices', 'readStats', { noticeId: 'seed-notice-policy' }, ADMIN)
    expect(policy.read).toBe(cloud.store.count('noticeReads', { noticeId: 'seed-notice-policy', buildingId: { $ne: null } }))
    expect(policy.rate).toBeGreaterThan(0.3)
    expect(policy.rate).toBeLessThan(0.6)
  })
})
