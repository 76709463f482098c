/**
 * The back office's lists (docs/back-office.md §4 Contracts): the optional `sort: {field, order}` of
 * activities.list, centers.bookings, tickets.list and notices.list (manage view), called from a PC
 * signed in by scan as demo-staff. A sort returns the order asked; no sort keeps each list's own
 * order; an unknown field or order is INVALID_INPUT in Chinese; every sortable field is served by
 * an index declared in server/db/collections.ts.
 */
import { collections } from '../../server/db/collections'
import { asDesk, anonymousWeb, startTestCloud, type Caller, type TestCloud } from '../support/cloud'

let cloud: TestCloud
let desk: Caller
beforeAll(async () => {
  cloud = await startTestCloud()
  desk = await signIn('demo-staff')
})
afterAll(() => cloud?.close())

/** start → scan → confirm → poll (the real flow, tests/functions/desk-auth.test.ts): the PC as `openid`. */
async function signIn(openid: string): Promise<Caller> {
  const s = await cloud.ok<{ sid: string; pollSecret: string; scene: string }>('auth', 'deskStart', { ua: 'Mozilla/5.0 (Windows NT 10.0) Chrome/120' }, anonymousWeb('10.9.0.1'))
  await cloud.ok('auth', 'deskScan', { scene: s.scene }, openid)
  await cloud.ok('auth', 'deskConfirm', { scene: s.scene }, openid)
  await cloud.ok('auth', 'deskPoll', { sid: s.sid, pollSecret: s.pollSecret }, anonymousWeb('10.9.0.1'))
  return asDesk(s.sid)
}

const times = (items: Record<string, unknown>[], key: string) => items.map((item) => new Date(item[key] as string).getTime())
const ascending = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1] <= x)
const descending = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1] >= x)

/** Each sortable list: its call, the item field the sort field shows as, and the collection its index is in. */
const LISTS = [
  { name: 'activities.list', fn: 'activities', action: 'list', input: { when: 'all', includeCancelled: true }, field: 'start', shown: 'start', collection: 'activities' },
  { name: 'centers.bookings', fn: 'centers', action: 'bookings', input: {}, field: 'start', shown: 'start', collection: 'bookings' },
  { name: 'tickets.list (createdAt)', fn: 'tickets', action: 'list', input: { scope: 'queue' }, field: 'createdAt', shown: 'createdAt', collection: 'tickets' },
  { name: 'tickets.list (resolveBy)', fn: 'tickets', action: 'list', input: { scope: 'queue', status: 'open' }, field: 'resolveBy', shown: 'resolveBy', collection: 'tickets' },
  { name: 'notices.list (manage)', fn: 'notices', action: 'list', input: { view: 'manage' }, field: 'publishAt', shown: 'publishAt', collection: 'notices' }
] as const

describe.each(LISTS)('$name', ({ fn, action, input, field, shown, collection }) => {
  it('sorts in the order asked, both ways, from a PC', async () => {
    const asc = await cloud.ok<{ items: Record<string, unknown>[]; total: number }>(fn, action, { ...input, pageSize: 100, sort: { field, order: 'asc' } }, desk)
    const desc = await cloud.ok<{ items: Record<string, unknown>[]; total: number }>(fn, action, { ...input, pageSize: 100, sort: { field, order: 'desc' } }, desk)
    // Enough rows to tell an order from another, and the field shown on every row.
    expect(asc.items.length).toBeGreaterThanOrEqual(2)
    expect(asc.items.every((item) => typeof item[shown] === 'string')).toBe(true)
    const up = times(asc.items, shown)
    const down = times(desc.items, shown)
    expect(ascending(up)).toBe(true)
    expect(descending(down)).toBe(true)
    expect(up[0]).toBeLessThan(up[up.length - 1])
    expect(asc.total).toBe(desc.total)
    if (asc.total <= 100) expect([...down].sort((a, b) => a - b)).toEqual(up)
  })

  it('pages in that order: page 2 continues page 1', async () => {
    const all = await cloud.ok<{ items: Record<string, unknown>[] }>(fn, action, { ...input, pageSize: 100, sort: { field, order: 'desc' } }, desk)
    const first = await cloud.ok<{ items: Record<string, unknown>[] }>(fn, action, { ...input, page: 1, pageSize: 1, sort: { field, order: 'desc' } }, desk)
    const second = await cloud.ok<{ items: Record<string, unknown>[] }>(fn, action, { ...input, page: 2, pageSize: 1, sort: { field, order: 'desc' } }, desk)
    expect([...times(first.items, shown), ...times(second.items, shown)]).toEqual(times(all.items, shown).slice(0, 2))
  })

  it('refuses an unknown field or order in Chinese, naming what may be asked', async () => {
    for (const sort of [{ field: 'mobile', order: 'asc' }, { field, order: 'sideways' }, { field: 'status' }, 'start']) {
      const reply = await cloud.call(fn, action, { ...input, sort }, desk)
      expect(reply.ok ? 'ok' : reply.error.code).toBe('INVALID_INPUT')
      if (reply.ok) continue
      expect(reply.error.message).toMatch(/^(不支持按此字段排序，可按.+排序|排序方向应为升序或降序|排序方式格式不正确)$/)
      expect(reply.error.fields?.[0]).toMatch(/^sort/)
    }
    const unknown = await cloud.call(fn, action, { ...input, sort: { field: 'mobile', order: 'asc' } }, desk)
    expect(unknown.ok ? '' : unknown.error.message).toMatch(/^不支持按此字段排序，可按.+排序$/)
  })

  it('is served by an index on the field', () => {
    const indexes = (collections as Record<string, { indexes: { fields: string[] }[] }>)[collection].indexes
    expect(indexes.some((index) => index.fields[0] === field)).toBe(true)
  })
})

describe('without a sort, each list keeps its own order', () => {
  it('activities.list: upcoming soonest first, past latest first', async () => {
    const upcoming = await cloud.ok<{ items: Record<string, unknown>[] }>('activities', 'list', { pageSize: 100 }, desk)
    const past = await cloud.ok<{ items: Record<string, unknown>[] }>('activities', 'list', { when: 'past', pageSize: 100 }, desk)
    expect(ascending(times(upcoming.items, 'start'))).toBe(true)
    expect(descending(times(past.items, 'start'))).toBe(true)
  })

  it('centers.bookings: the review queue oldest first, everything newest first', async () => {
    const all = await cloud.ok<{ items: Record<string, unknown>[] }>('centers', 'bookings', { pageSize: 100 }, desk)
    expect(descending(times(all.items, 'start'))).toBe(true)
    const active = await cloud.ok<{ items: Record<string, unknown>[] }>('centers', 'bookings', { status: 'active', pageSize: 100 }, desk)
    expect(ascending(times(active.items, 'start'))).toBe(true)
  })

  it('tickets.list: newest first; open work by deadline', async () => {
    const all = await cloud.ok<{ items: Record<string, unknown>[] }>('tickets', 'list', { scope: 'queue', pageSize: 100 }, desk)
    expect(descending(times(all.items, 'createdAt'))).toBe(true)
    const open = await cloud.ok<{ items: Record<string, unknown>[] }>('tickets', 'list', { scope: 'queue', status: 'open', pageSize: 100 }, desk)
    expect(ascending(times(open.items, 'resolveBy'))).toBe(true)
  })

  it('notices.list manage: newest first; the inbox refuses a sort', async () => {
    const manage = await cloud.ok<{ items: Record<string, unknown>[] }>('notices', 'list', { view: 'manage', pageSize: 100 }, desk)
    expect(descending(times(manage.items, 'publishAt'))).toBe(true)
    const inbox = await cloud.call('notices', 'list', { sort: { field: 'publishAt', order: 'asc' } }, desk)
    expect(inbox).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: '只有通知管理列表可以排序', fields: ['sort'] } })
  })
})

describe('the scope stays the caller’s', () => {
  it('a sort never widens a list: demo-staff (c1) sees only c1 bookings and tickets, sorted or not', async () => {
    const sorted = await cloud.ok<{ items: { communityId?: string }[]; total: number }>('centers', 'bookings', { pageSize: 100, sort: { field: 'start', order: 'asc' } }, desk)
    const plain = await cloud.ok<{ items: unknown[]; total: number }>('centers', 'bookings', { pageSize: 100 }, desk)
    expect(sorted.total).toBe(plain.total)
    const tickets = await cloud.ok<{ total: number }>('tickets', 'list', { scope: 'queue', pageSize: 100, sort: { field: 'createdAt', order: 'asc' } }, desk)
    const ticketsPlain = await cloud.ok<{ total: number }>('tickets', 'list', { scope: 'queue', pageSize: 100 }, desk)
    expect(tickets.total).toBe(ticketsPlain.total)
  })

  it('a resident may not list the staff lists, sort or no sort', async () => {
    const reply = await cloud.call('centers', 'bookings', { sort: { field: 'start', order: 'asc' } }, 'demo-resident')
    expect(reply.ok ? 'ok' : reply.error.code).toBe('FORBIDDEN')
  })
})

describe('activities.roster', () => {
  /** The c1 activity with the most sign-ups, and one with a waiting list if any. */
  const busiest = (status?: string) => {
    const counts = new Map<string, number>()
    for (const s of cloud.store.find('activitySignups', status ? { status } : {}) as { activityId: string }[]) counts.set(s.activityId, (counts.get(s.activityId) ?? 0) + 1)
    const own = [...counts].filter(([id]) => (cloud.store.get('activities', id) as { communityId?: string } | undefined)?.communityId === 'c1').sort((a, b) => b[1] - a[1])
    return own[0]
  }

  it('sorts by the time of signing up, both ways, with the same rows', async () => {
    const [activityId, n] = busiest()
    expect(n).toBeGreaterThanOrEqual(3)
    const asc = await cloud.ok<{ items: { openid: string; signedUpAt: string }[]; total: number }>('activities', 'roster', { activityId, pageSize: 100, sort: { field: 'signedUpAt', order: 'asc' } }, desk)
    const desc = await cloud.ok<{ items: { openid: string; signedUpAt: string }[]; total: number }>('activities', 'roster', { activityId, pageSize: 100, sort: { field: 'signedUpAt', order: 'desc' } }, desk)
    const plain = await cloud.ok<{ items: { openid: string }[] }>('activities', 'roster', { activityId, pageSize: 100 }, desk)
    expect(ascending(times(asc.items, 'signedUpAt'))).toBe(true)
    expect(descending(times(desc.items, 'signedUpAt'))).toBe(true)
    expect(times(asc.items, 'signedUpAt')[0]).toBeLessThan(times(asc.items, 'signedUpAt')[asc.items.length - 1])
    expect(desc.items.map((r) => r.openid)).toEqual([...asc.items.map((r) => r.openid)].reverse())
    // No sort: first come first, as before.
    expect(plain.items.map((r) => r.openid)).toEqual(asc.items.map((r) => r.openid))
  })

  it('keeps each waiting person’s place in the waiting list whichever way it is read', async () => {
    // The seed's full c1 activity has a waiting list (emulator/seed/activities.ts).
    const found = busiest('waiting')
    expect(found?.[1]).toBeGreaterThanOrEqual(2)
    const [activityId, n] = found
    const asc = await cloud.ok<{ items: { openid: string; position?: number }[] }>('activities', 'roster', { activityId, status: 'waiting', pageSize: 100 }, desk)
    expect(asc.items.map((r) => r.position)).toEqual(Array.from({ length: n }, (_x, i) => i + 1))
    const page2 = await cloud.ok<{ items: { openid: string; position?: number }[] }>('activities', 'roster', { activityId, status: 'waiting', page: 2, pageSize: 1, sort: { field: 'signedUpAt', order: 'desc' } }, desk)
    expect(page2.items).toEqual([expect.objectContaining({ openid: asc.items[n - 2].openid, position: n - 1 })])
  })

  it('refuses an unknown field in Chinese; the sort is served by an index', async () => {
    const [activityId] = busiest()
    const reply = await cloud.call('activities', 'roster', { activityId, sort: { field: 'mobile', order: 'asc' } }, desk)
    expect(reply).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: '不支持按此字段排序，可按报名时间排序', fields: ['sort.field'] } })
    const indexes = collections.activitySignups.indexes.map((index) => index.fields.join('+'))
    expect(indexes).toEqual(expect.arrayContaining(['activityId+signedUpAt', 'activityId+status+signedUpAt']))
  })
})
