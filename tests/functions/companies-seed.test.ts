/**
 * The demo history of 三方联动 agrees with the server's own definitions: the seeded 红黑榜 (computed
 * in memory by the seed) equals what aggregate() computes from the seeded tickets, and the ledger
 * carries the seed document's figures. And the seed is consistent with the consents (issue #16):
 * whoever's mobile it copies onto a record has consented to be contacted.
 */
import { PRIVACY_POLICY_VERSION } from '../../contracts/privacy'
import { TICKET_SEED_FIGURES } from '../../emulator/seed/tickets'
import { statesOf, type ConsentEvent } from '../../server/core/consents'
import { startTestCloud, type TestCloud } from '../support/cloud'

let cloud: TestCloud
beforeAll(async () => {
  cloud = await startTestCloud()
})
afterAll(async () => {
  await cloud.close()
})

test('the seeded published ranking equals the live aggregate() computation', async () => {
  const published = await cloud.ok('companies', 'ranking', {}, 'demo-resident')
  expect(published).toMatchObject({ status: 'published', visible: true, month: '2026-10' })
  expect(published.redList).toHaveLength(10)
  expect(published.banner).not.toBeNull()
  // set the frozen month aside: the admin then sees the live draft of the same month
  const stored = cloud.store.get('rankings', published.month)!
  cloud.store.deleteOne('rankings', { _id: published.month })
  const live = await cloud.ok('companies', 'ranking', { month: published.month }, 'demo-admin')
  expect(live.status).toBe('draft')
  const strip = (cards: any[]) => cards.map(({ source, ...card }) => card)
  expect(strip(live.entries)).toEqual(strip(published.entries))
  cloud.store.insertMany('rankings', [stored])
})

test('the ledger carries the seed document’s figures (1600余项, 120余件 民生实事, 120余件 堵点, 90余件 纠纷)', async () => {
  const F = TICKET_SEED_FIGURES
  const totals = await cloud.ok('wishes', 'deedTotals', {})
  expect(totals.district).toEqual({
    blockersSolved: F.blockersSolved + F.c1g1Joint,
    disputesSettled: F.disputesSettled,
    practicalDeeds: F.confirmedWishes,
    problemsSolved: F.otherSolved + F.blockersSolved + F.c1g1Joint + F.disputesSettled + F.confirmedWishes
  })
  const d = totals.district
  expect([d.problemsSolved >= 1600 && d.problemsSolved < 1700, d.practicalDeeds >= 120 && d.practicalDeeds < 130, d.blockersSolved >= 120 && d.blockersSolved < 130, d.disputesSettled >= 90 && d.disputesSettled < 100]).toEqual([true, true, true, true])
  // each 堵点 really had two parties; each routine one had one
  expect(cloud.store.count('deeds', { figure: 'blockersSolved' })).toBe(cloud.store.count('tickets', { status: 'closed', isDispute: false, closeReason: { $in: ['confirmed', 'auto'] }, 'involvedParties.1': { $exists: true } }))
})

test('the personas find their work in 锦绣花园', async () => {
  const property = await cloud.ok('tickets', 'list', { scope: 'queue', leadOnly: true, status: 'open', page: 1, pageSize: 20 }, 'demo-property')
  expect(property.items.map((t: any) => t.category).sort()).toEqual(['drain', 'safety', 'stairwell'])
  const committee = await cloud.ok('tickets', 'list', { scope: 'queue', leadOnly: true, status: 'open', page: 1, pageSize: 20 }, 'demo-committee')
  expect(committee.items.map((t: any) => t.category)).toEqual(['parking'])
  const staff = await cloud.ok('tickets', 'list', { scope: 'queue', leadOnly: true, status: 'open', gridId: 'c1g1', page: 1, pageSize: 20 }, 'demo-staff')
  expect(staff.items.map((t: any) => t.category)).toEqual(['dispute'])
  const mine = await cloud.ok('tickets', 'list', { scope: 'mine', status: 'resolved', page: 1, pageSize: 20 }, 'demo-resident')
  expect(mine.items).toHaveLength(1)
  expect(mine.items[0]).toMatchObject({ category: 'repair', status: 'resolved' })
  const wish = await cloud.ok('wishes', 'list', { scope: 'mine', status: 'completed', page: 1, pageSize: 20 }, 'demo-resident')
  expect(wish.items[0]).toMatchObject({ memberName: '李明', minutes: 45, actions: { confirm: true } })
  const open = await cloud.ok('wishes', 'list', { scope: 'open', page: 1, pageSize: 20 }, 'demo-member')
  expect(open.total).toBeGreaterThanOrEqual(1)
})

test('every seeded ticket, wish and booking with a mobile has an active contact consent of its person; every registrant a registration consent', () => {
  const consents = cloud.store.select('consents', {}) as unknown as ConsentEvent[]
  const byPerson = new Map<string, ConsentEvent[]>()
  for (const c of consents) byPerson.set(c.openid, [...(byPerson.get(c.openid) ?? []), c])
  const active = (openid: string, purpose: string) => statesOf(byPerson.get(openid) ?? []).some((s) => s.purpose === purpose && s.active)
  const copied: [string, string, string][] = [
    ['tickets', 'reporterOpenid', 'reporterMobile'],
    ['wishes', 'residentOpenid', 'residentMobile'],
    ['bookings', 'openid', 'bookerMobile']
  ]
  for (const [collection, person, mobile] of copied) {
    const docs = (cloud.store.select(collection, {}) as any[]).filter((d) => d[mobile])
    expect(docs.length).toBeGreaterThan(0)
    const missing = docs.filter((d) => !active(d[person], 'contact')).map((d) => `${collection}/${d._id}`)
    expect(missing).toEqual([])
  }
  const registrations = cloud.store.select('registrations', {}) as any[]
  expect(registrations.length).toBeGreaterThan(0)
  expect(registrations.filter((r) => r.consentAt && !active(r.openid, 'registration')).map((r) => r._id)).toEqual([])
  // As recordConsent writes them, dated no later than now, and only for those people.
  const seeded = consents.filter((c) => c.source === 'seed')
  for (const c of seeded) {
    expect(c).toMatchObject({ event: 'given', policyVersion: PRIVACY_POLICY_VERSION })
    expect(+new Date(c.at)).toBeLessThan(cloud.clock.now())
  }
  const people = new Set([...copied.flatMap(([c, person, mobile]) => (cloud.store.select(c, {}) as any[]).filter((d) => d[mobile]).map((d) => d[person])), ...registrations.map((r) => r.openid)])
  expect(seeded.every((c) => people.has(c.openid))).toBe(true)
  // The personas who shared their number see it in 个人信息与隐私.
  expect(active('demo-resident', 'contact')).toBe(true)
  expect(active('demo-member', 'registration')).toBe(true)
})
