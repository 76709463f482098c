/**
 * The demo history of 三方联动 agrees with the server's own definitions: the seeded 红黑榜 (computed
 * in memory by the seed) equals what aggregate() computes from the seeded tickets, and the ledger
 * carries the seed document's figures.
 */
import { TICKET_SEED_FIGURES } from '../../emulator/seed/tickets'
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
